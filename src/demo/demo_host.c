/* demo_host.c - the demo's saved scan (demo.h): a small made-up Linux host, written as files
 * into <datadir>/demo-host/, scanned by the built-in policy as `brokersec scan --root DIR
 * --save` scans a mounted host (bs_scan_run, bs_scan_save: the same event), then removed. Its
 * settings are those of a plausible, half-hardened server: lockout and history set, but
 * password logins over SSH, a short password minimum and log rotation under six months. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "demo/demo_int.h"
#include "scan/scan.h"

static const char *const dirs[] = { "demo-host", "demo-host/etc", "demo-host/etc/ssh", "demo-host/etc/pam.d",
				    "demo-host/etc/security", "demo-host/etc/chrony", "demo-host/etc/logrotate.d",
				    "demo-host/var", "demo-host/var/log", NULL };

struct file {
	const char *path;
	unsigned mode;
	const char *text; /* @TODAY@ is the day number of today, @OLD@ of 200 days ago */
};

static const struct file files[] = {
	{ "demo-host/etc/hostname", 0644, "srv-core-01\n" },
	{ "demo-host/etc/os-release", 0644,
	  "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n" },
	{ "demo-host/etc/passwd", 0644,
	  "root:x:0:0:root:/root:/bin/bash\n"
	  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	  "coreadm:x:1000:1000:core system admin (shared):/home/coreadm:/bin/bash\n"
	  "chen:x:1001:1001:Chen:/home/chen:/bin/bash\n" },
	{ "demo-host/etc/shadow", 0640,
	  "root:!:@TODAY@:1:90:7:::\n"
	  "daemon:*:19000:0:99999:7:::\n"
	  "coreadm:$y$j9T$D3m0$demohashnotarealpasswordhashabcdefghij:@OLD@:0:99999:7:::\n"
	  "chen:$y$j9T$D3m1$demohashnotarealpasswordhashklmnopqrst:@TODAY@:1:90:7:::\n" },
	{ "demo-host/etc/login.defs", 0644,
	  "PASS_MAX_DAYS\t90\nPASS_MIN_DAYS\t1\nPASS_WARN_AGE\t7\nENCRYPT_METHOD YESCRYPT\n" },
	{ "demo-host/etc/ssh/sshd_config", 0644,
	  "PermitRootLogin no\nPasswordAuthentication yes\nMaxAuthTries 6\nPermitEmptyPasswords no\n" },
	{ "demo-host/etc/pam.d/common-auth", 0644,
	  "auth    required                        pam_faillock.so preauth\n"
	  "auth    [success=1 default=ignore]      pam_unix.so\n"
	  "auth    [default=die]                   pam_faillock.so authfail\n"
	  "auth    requisite                       pam_deny.so\n"
	  "auth    required                        pam_permit.so\n" },
	{ "demo-host/etc/pam.d/common-password", 0644,
	  "password requisite pam_pwquality.so retry=3\n"
	  "password required  pam_pwhistory.so use_authtok\n"
	  "password [success=1 default=ignore] pam_unix.so obscure use_authtok try_first_pass yescrypt\n"
	  "password requisite pam_deny.so\n"
	  "password required pam_permit.so\n" },
	{ "demo-host/etc/security/faillock.conf", 0644, "deny = 5\nunlock_time = 900\naudit\n" },
	{ "demo-host/etc/security/pwquality.conf", 0644, "minlen = 8\nminclass = 2\n" },
	{ "demo-host/etc/security/pwhistory.conf", 0644, "remember = 3\n" },
	{ "demo-host/etc/chrony/chrony.conf", 0644, "pool 2.debian.pool.ntp.org iburst\n" },
	{ "demo-host/etc/logrotate.conf", 0644, "weekly\nrotate 4\ncreate\ninclude /etc/logrotate.d\n" },
	{ "demo-host/etc/logrotate.d/rsyslog", 0644,
	  "/var/log/syslog\n/var/log/auth.log\n{\n\trotate 4\n\tweekly\n\tmissingok\n\tcompress\n}\n" },
	{ "demo-host/var/log/auth.log", 0640, "Dec  1 09:00:01 srv-core-01 sshd[811]: Accepted password for chen\n" },
	{ "demo-host/var/log/syslog", 0640, "Dec  1 09:00:00 srv-core-01 systemd[1]: Started demo.\n" },
	{ NULL, 0, NULL },
};

static void undo(const char *base)
{
	char p[4096];

	for (const struct file *f = files; f->path; f++) {
		snprintf(p, sizeof(p), "%s/%s", base, f->path);
		(void)unlink(p);
	}
	size_t n = 0;
	while (dirs[n])
		n++;
	while (n--) {
		snprintf(p, sizeof(p), "%s/%s", base, dirs[n]);
		(void)rmdir(p);
	}
}

static int write_tree(const char *base)
{
	char p[4096], day[24], old[24];
	int32_t today = bs_days_from_time(bs_clock_now());

	snprintf(day, sizeof(day), "%ld", (long)today);
	snprintf(old, sizeof(old), "%ld", (long)(today - 200));
	for (const char *const *d = dirs; *d; d++) {
		snprintf(p, sizeof(p), "%s/%s", base, *d);
		if (mkdir(p, 0700) != 0)
			return bs_error(BS_ERR, "cannot create '%s': %s", p, bs_strerror(errno));
	}
	for (const struct file *f = files; f->path; f++) {
		struct bs_buf t = BS_BUF_INIT;
		for (const char *s = f->text; *s;) {
			if (!strncmp(s, "@TODAY@", 7)) {
				bs_buf_puts(&t, day);
				s += 7;
			} else if (!strncmp(s, "@OLD@", 5)) {
				bs_buf_puts(&t, old);
				s += 5;
			} else {
				bs_buf_putc(&t, *s++);
			}
		}
		snprintf(p, sizeof(p), "%s/%s", base, f->path);
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, f->mode), e = 0;
		if (fd < 0)
			e = errno;
		else if ((errno = 0, write(fd, t.ptr, t.len)) != (ssize_t)t.len)
			e = errno ? errno : EIO;
		else if (fchmod(fd, f->mode) != 0)
			e = errno;
		if (fd >= 0 && close(fd) != 0 && !e)
			e = errno;
		bs_buf_release(&t);
		if (e)
			return bs_error(BS_ERR, "cannot write '%s': %s", p, bs_strerror(e));
	}
	return 0;
}

int bs_demo__scan(struct bs_datadir *dd, const char *system, const char *device, int64_t *id)
{
	const struct bs_scan_policy *pol;
	struct bs_scan *scan = NULL;
	char root[4096];
	int err;

	snprintf(root, sizeof(root), "%s/demo-host", dd->path);
	if ((err = bs_scan_policy_builtin(&pol)) < 0)
		return err;
	if ((err = write_tree(dd->path)) >= 0) {
		struct bs_scan_opts so = { root, NULL, NULL, "srv-core-01", NULL };
		if ((err = bs_scan_run(&scan, pol, &so)) >= 0)
			err = bs_scan_save(dd, scan, system, device, id);
	}
	bs_scan_free(scan);
	undo(dd->path);
	return err;
}
