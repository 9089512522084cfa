/* probe_perms.c - who may change the files that decide who logs in and what runs as root, and
 * the umask new files get.
 *
 * Facts (each names the path, its mode and owner; a check counts them):
 *   perms.account_file  /etc/passwd, /etc/group writable by anyone but root, or not owned by
 *                       root; /etc/gshadow readable by others (the mode shadow-protected
 *                       asks of /etc/shadow)
 *   perms.sshd_config   /etc/ssh/sshd_config and the files of /etc/ssh/sshd_config.d writable
 *                       by group or others, or not owned by root
 *   perms.cron          /etc/crontab, /etc/cron.d and /etc/cron.{hourly,daily,weekly,monthly}
 *                       (the directories and their files) writable by group or others or not
 *                       owned by root; a crontab in /var/spool/cron/crontabs readable or
 *                       writable by anyone but its user, or not owned by the user it is named
 *                       after
 *   perms.home          the home directory of root and of every account with a UID from
 *                       login.defs UID_MIN (1000) up (not nobody): writable by group or
 *                       others, or not owned by the account
 *   perms.umask         each place a login's default umask is set: login.defs UMASK,
 *                       pam_umask's umask= in /etc/pam.d, `umask NNN` in /etc/profile,
 *                       /etc/profile.d/NAME.sh, /etc/bash.bashrc; none at all: the default 022
 *   perms.umask_lax     those of them that leave group write or any access for others
 *                       (umask without all of 027)
 * A file that is not there is not a finding (the software is not installed); one whose mode
 * cannot be read makes the probe an error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

static void finding(struct bs_probe_ctx *ctx, const char *fact, const char *path, const struct stat *st,
		    const char *why)
{
	char *owner = bs_probe_user(ctx, (long)st->st_uid);
	bs_fact_addf(ctx, fact, path, path, 0, "mode %04o owner %s: %s", (unsigned)st->st_mode & 07777, owner, why);
	free(owner);
}

/* lstat of path, following a link inside the root: 0 (found), 1 (not there), -1 (error: the
 * probe is marked an error) */
static int look(struct bs_probe_ctx *ctx, const char *path, struct stat *st)
{
	if (bs_probe_stat(ctx, path, st) == 0)
		return 0;
	if (errno == ENOENT || errno == ENOTDIR)
		return 1;
	bs_probe_fail(ctx, "cannot read the mode of '%s': %s", path, strerror(errno));
	return -1;
}

/* root-owned and not writable by group or others: what runs or configures as root */
static int root_only(struct bs_probe_ctx *ctx, const char *fact, const char *path)
{
	struct stat st;
	int r = look(ctx, path, &st);
	if (r)
		return r < 0 ? -1 : 0;
	if (st.st_uid != 0)
		finding(ctx, fact, path, &st, "not owned by root");
	else if (st.st_mode & 022)
		finding(ctx, fact, path, &st, (st.st_mode & 002) ? "writable by everyone" : "writable by its group");
	return 0;
}

/* root_only for dir and each of its files */
static int root_only_dir(struct bs_probe_ctx *ctx, const char *fact, const char *dir)
{
	struct stat st;
	if (root_only(ctx, fact, dir) < 0)
		return -1;
	DIR *d = bs_probe_opendir(ctx, dir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct bs_buf p = BS_BUF_INIT;
		bs_buf_printf(&p, "%s/%s", dir, de->d_name);
		if (bs_probe_lstat(ctx, p.ptr, &st) == 0 && S_ISREG(st.st_mode) && root_only(ctx, fact, p.ptr) < 0) {
			bs_buf_release(&p);
			closedir(d);
			return -1;
		}
		bs_buf_release(&p);
	}
	closedir(d);
	return 0;
}

static int account_files(struct bs_probe_ctx *ctx)
{
	static const char *const files[] = { "/etc/passwd", "/etc/group", NULL };
	struct stat st;
	for (int i = 0; files[i]; i++)
		if (root_only(ctx, "perms.account_file", files[i]) < 0)
			return -1;
	int r = look(ctx, "/etc/gshadow", &st);
	if (r < 0)
		return -1;
	if (r == 0 && (st.st_mode & 007))
		finding(ctx, "perms.account_file", "/etc/gshadow", &st, "readable or writable by everyone");
	else if (r == 0 && st.st_uid != 0)
		finding(ctx, "perms.account_file", "/etc/gshadow", &st, "not owned by root");
	return 0;
}

static int crontabs(struct bs_probe_ctx *ctx)
{
	static const char *const dirs[] = { "/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
					    "/etc/cron.monthly", NULL };
	if (root_only(ctx, "perms.cron", "/etc/crontab") < 0)
		return -1;
	for (int i = 0; dirs[i]; i++)
		if (root_only_dir(ctx, "perms.cron", dirs[i]) < 0)
			return -1;
	/* users' crontabs: cron runs each as the user it is named after */
	const char *spool = "/var/spool/cron/crontabs";
	DIR *d = bs_probe_opendir(ctx, spool);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		struct bs_buf p = BS_BUF_INIT;
		bs_buf_printf(&p, "%s/%s", spool, de->d_name);
		if (bs_probe_lstat(ctx, p.ptr, &st) == 0 && S_ISREG(st.st_mode)) {
			long uid = bs_probe_uid(ctx, de->d_name);
			if (uid < 0 || (long)st.st_uid != uid)
				finding(ctx, "perms.cron", p.ptr, &st, "not owned by the user it is named after");
			else if (st.st_mode & 077)
				finding(ctx, "perms.cron", p.ptr, &st, "open to other users (a crontab is 0600)");
		}
		bs_buf_release(&p);
	}
	closedir(d);
	return 0;
}

/* login.defs KEY's last value in *out (owned; NULL when not set): 0, or an error (marked) */
static int logindefs(struct bs_probe_ctx *ctx, const char *key, char **out, int *line)
{
	struct bs_probe_conf c;
	char *l;
	*out = NULL;
	int r = bs_probe_conf_open(&c, ctx, "/etc/login.defs", BS_CONF_HASH_LINE);
	if (r < 0)
		return bs_probe_read_error(ctx, r);
	size_t kl = strlen(key);
	while ((l = bs_probe_conf_next(&c)))
		if (!strncmp(l, key, kl) && (l[kl] == ' ' || l[kl] == '\t')) {
			free(*out);
			*out = bs_strdup(bs_text_trim(l + kl));
			*line = c.line;
		}
	bs_probe_conf_release(&c);
	return 0;
}

static int homes(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0, line = 0;
	long long uid_min = 1000;
	char *l, *v;

	if (logindefs(ctx, "UID_MIN", &v, &line) < 0)
		return -1;
	if (v && bs_text_int(v, &uid_min) < 0)
		uid_min = 1000;
	free(v);
	int r = bs_probe_read(ctx, "/etc/passwd", &b);
	if (r < 0) {
		bs_buf_release(&b);
		return bs_probe_read_error(ctx, r) < 0 ? -1 : 0;
	}
	while ((l = bs_text_line(&b, &pos, &lineno))) {
		char *f[7];
		long long uid;
		struct stat st;
		if (!*l || bs_split_colon(l, f, 7) < 0 || bs_text_int(f[2], &uid) < 0)
			continue;
		if ((uid != 0 && uid < uid_min) || uid == 65534 || f[5][0] != '/' || !strcmp(f[5], "/") ||
		    !strcmp(f[5], "/nonexistent"))
			continue;
		r = look(ctx, f[5], &st);
		if (r < 0) {
			bs_buf_release(&b);
			return -1;
		}
		if (r || !S_ISDIR(st.st_mode))
			continue;
		if ((long long)st.st_uid != uid) {
			char why[160];
			snprintf(why, sizeof(why), "home of %s (uid %lld) owned by another account", f[0], uid);
			finding(ctx, "perms.home", f[5], &st, why);
		} else if (st.st_mode & 022) {
			char why[160];
			snprintf(why, sizeof(why), "home of %s writable by %s", f[0], (st.st_mode & 002) ? "everyone" : "its group");
			finding(ctx, "perms.home", f[5], &st, why);
		}
	}
	bs_buf_release(&b);
	return 0;
}

static void umask_fact(struct bs_probe_ctx *ctx, const char *where, const char *val, const char *file, int line,
		       int *seen)
{
	char *end;
	unsigned long m = strtoul(val, &end, 8);
	if (end == val || (*end && *end != ' ' && *end != '\t' && *end != ';') || m > 0777)
		return; /* `umask u=rwx,g=rx` and the like: not a number, not judged */
	(*seen)++;
	bs_fact_addf(ctx, "perms.umask", where, file, line, "%04lo", m);
	if ((m & 027) != 027)
		bs_fact_addf(ctx, "perms.umask_lax", where, file, line, "%04lo", m);
}

/* `umask NNN` lines of a shell start-up file */
static int shell_umask(struct bs_probe_ctx *ctx, const char *path, int *seen)
{
	struct bs_probe_conf c;
	char *l;
	int r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH);
	if (r < 0)
		return bs_probe_read_error(ctx, r) < 0 ? -1 : 0;
	while ((l = bs_probe_conf_next(&c))) {
		if (strncmp(l, "umask", 5) || (l[5] != ' ' && l[5] != '\t'))
			continue;
		char *v = bs_text_trim(l + 5);
		if (*v == '-')
			continue; /* umask -S */
		umask_fact(ctx, path, v, path, c.line, seen);
	}
	bs_probe_conf_release(&c);
	return 0;
}

static int umasks(struct bs_probe_ctx *ctx)
{
	int seen = 0, line = 0;
	char *v;
	if (logindefs(ctx, "UMASK", &v, &line) < 0)
		return -1;
	if (v)
		umask_fact(ctx, "login.defs UMASK", v, "/etc/login.defs", line, &seen);
	free(v);
	/* pam_umask's umask= argument, in the session stacks logins use */
	static const char *const pam[] = { "/etc/pam.d/common-session", "/etc/pam.d/common-session-noninteractive",
					   "/etc/pam.d/login", "/etc/pam.d/sshd", NULL };
	for (int i = 0; pam[i]; i++) {
		struct bs_probe_conf c;
		char *l;
		int r = bs_probe_conf_open(&c, ctx, pam[i], BS_CONF_HASH);
		if (r < 0) {
			if (bs_probe_read_error(ctx, r) < 0)
				return -1;
			continue;
		}
		while ((l = bs_probe_conf_next(&c))) {
			if (!strstr(l, "pam_umask.so"))
				continue;
			char *a = strstr(l, "umask=");
			if (a)
				umask_fact(ctx, "pam_umask", a + 6, pam[i], c.line, &seen);
		}
		bs_probe_conf_release(&c);
	}
	if (shell_umask(ctx, "/etc/profile", &seen) < 0 || shell_umask(ctx, "/etc/bash.bashrc", &seen) < 0)
		return -1;
	char **sh;
	size_t n = bs_probe_glob(ctx, "/etc/profile.d/*.sh", &sh);
	for (size_t i = 0; i < n; i++)
		if (shell_umask(ctx, sh[i], &seen) < 0) {
			bs_probe_strv_free(sh, n);
			return -1;
		}
	bs_probe_strv_free(sh, n);
	if (!seen)
		umask_fact(ctx, "(default)", "022", "(no umask set: the default)", 0, &seen);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct stat st;
	/* owners are named from /etc/passwd and homes found there: without it nothing is judged */
	if (bs_probe_stat(ctx, "/etc/passwd", &st) < 0)
		return bs_probe_fail(ctx, "cannot read '/etc/passwd': %s", strerror(errno));
	if (account_files(ctx) < 0 || crontabs(ctx) < 0 || homes(ctx) < 0 || umasks(ctx) < 0)
		return -1;
	if (root_only(ctx, "perms.sshd_config", "/etc/ssh/sshd_config") < 0 ||
	    root_only_dir(ctx, "perms.sshd_config", "/etc/ssh/sshd_config.d") < 0)
		return -1;
	return 0;
}

const struct bs_probe bs_probe_perms = { "perms", 0, run };
