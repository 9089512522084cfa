/* probe_suid.c - SUID and SGID programs that the distribution did not ship (issue 14, item
 * 13). The usual program and library directories are walked; each regular file with the
 * set-user-ID or set-group-ID bit is looked up in dpkg's records: the md5sums of every
 * package (/var/lib/dpkg/info/NAME.md5sums), then, for a file no md5sums lists, the file
 * lists (NAME.list). A file no package ships, or whose MD5 differs from its package's, is a
 * finding, as is the bit on a program that must never have it (a shell, an interpreter, an
 * editor, find, cp ...: each gives root to whoever runs it) -- unless `dpkg-statoverride`
 * records that mode for that path (/var/lib/dpkg/statoverride: an administrator's decision
 * on record). Only SUID/SGID files are hashed (libcrypto's MD5), so the scan stays fast.
 * Facts: suid.files (how many), suid.unexpected (each finding). */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

/* Where programs live; a start that is a link (/bin -> usr/bin on a merged-/usr system) is
 * walked once, under its target. */
static const struct {
	const char *dir;
	int depth;
} starts[] = {
	{ "/usr/bin", 2 }, { "/usr/sbin", 2 }, { "/usr/local/bin", 3 }, { "/usr/local/sbin", 3 },
	{ "/usr/lib", 4 }, { "/usr/libexec", 4 }, { "/usr/local/lib", 4 }, { "/usr/lib64", 3 },
	{ "/bin", 2 }, { "/sbin", 2 }, { "/lib", 4 }, { "/lib64", 3 }, { "/opt", 5 },
};

/* Programs that hand a shell, a file write or code execution to whoever runs them. */
static const char *const never[] = { "sh", "bash", "dash", "zsh", "ksh", "ksh93", "mksh", "csh", "tcsh", "fish",
				     "busybox", "find", "vi", "vim", "vim.basic", "vim.tiny", "nvim", "nano", "ed",
				     "emacs", "less", "more", "cp", "mv", "dd", "tee", "env", "xargs", "tar", "zip",
				     "unzip", "rsync", "awk", "gawk", "mawk", "nawk", "sed", "nmap", "chmod", "chown",
				     "git", "node", "nodejs", "socat", "nc", "netcat", "wget", "curl", "gdb",
				     "strace", "script", "make", "docker", NULL };
static const char *const never_prefix[] = { "python", "perl", "ruby", "php", "lua", "tclsh", "wish", NULL };

struct sfile {
	char *path;      /* as found */
	char *alias;     /* the same file under the other name of a merged-/usr system, or NULL */
	mode_t mode;
	uid_t uid;
	char *pkg;       /* the package that ships it (md5sums or list), else NULL */
	char md5[33];    /* the package's MD5 ("" when only a .list names it) */
};

struct state {
	struct sfile *v;
	size_t n, cap;
	int merged_bin, merged_sbin, merged_lib, merged_lib64;
};

static int is_link(struct bs_probe_ctx *ctx, const char *path)
{
	struct stat st;
	return bs_probe_lstat(ctx, path, &st) == 0 && S_ISLNK(st.st_mode);
}

static int found_cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *st, void *arg)
{
	struct state *s = arg;
	(void)ctx;
	if (!S_ISREG(st->st_mode) || !(st->st_mode & (S_ISUID | S_ISGID)))
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].path, path))
			return 0;
	if (s->n == s->cap)
		s->v = bs_realloc(s->v, bs_size_mul(s->cap = s->cap ? s->cap * 2 : 32, sizeof(*s->v)));
	struct sfile *f = &s->v[s->n++];
	memset(f, 0, sizeof(*f));
	f->path = bs_strdup(path);
	f->mode = st->st_mode;
	f->uid = st->st_uid;
	/* dpkg names a file by the path its package put it at: /bin/su on a system where /bin
	 * is a link to /usr/bin */
	static const struct {
		const char *usr, *top;
		size_t len;
	} merged[] = { { "/usr/bin/", "/bin/", 9 }, { "/usr/sbin/", "/sbin/", 10 }, { "/usr/lib/", "/lib/", 9 },
		       { "/usr/lib64/", "/lib64/", 11 } };
	int on[] = { s->merged_bin, s->merged_sbin, s->merged_lib, s->merged_lib64 };
	for (size_t k = 0; k < 4; k++)
		if (on[k] && !strncmp(path, merged[k].usr, merged[k].len)) {
			size_t n = strlen(merged[k].top) + strlen(path + merged[k].len) + 1;
			f->alias = bs_malloc(n);
			snprintf(f->alias, n, "%s%s", merged[k].top, path + merged[k].len);
		}
	return 0;
}

/* The SUID file named p (as found or by its alias), or NULL. */
static struct sfile *lookup(struct state *s, const char *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].path, p) || (s->v[i].alias && !strcmp(s->v[i].alias, p)))
			return &s->v[i];
	return NULL;
}

static const char *pkg_of(const char *info_path, char *buf, size_t size, const char *suffix)
{
	const char *b = strrchr(info_path, '/');
	b = b ? b + 1 : info_path;
	snprintf(buf, size, "%.*s", (int)(strlen(b) - strlen(suffix)), b);
	return buf;
}

/* The packages that ship SUID/SGID programs on Debian: their records are read first, so that
 * on a host where every SUID program is the distribution's the search ends after a few
 * dozen files instead of every package's (a thousand files, 10 MB on a full server). */
static const char *const usual[] = { "passwd", "login", "util-linux", "mount", "su", "openssh-client",
				     "openssh-server", "openssh-sftp-server", "dbus", "dbus-daemon", "policykit-1",
				     "polkitd", "pkexec", "libutempter0", "sudo", "iputils-ping", "fuse", "fuse3",
				     "ntfs-3g", "libpam-modules-bin", "xserver-xorg-legacy", "chromium-sandbox",
				     "at", "cron", "exim4-daemon-light", "bsd-mailx", "mlocate", "plocate",
				     "screen", "traceroute", "uidmap", "x11-common", "libgdk-pixbuf2.0-0", NULL };

static int usual_pkg(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strcspn(b, ".:"); /* "util-linux.md5sums", "libutempter0:amd64.md5sums" */
	for (int i = 0; usual[i]; i++)
		if (strlen(usual[i]) == n && !strncmp(b, usual[i], n))
			return 1;
	return 0;
}

/* The usual packages' records first, the others after, each part in name order. */
static void usual_first(char **v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (usual_pkg(v[i])) {
			char *t = v[i];
			memmove(v + k + 1, v + k, (i - k) * sizeof(*v));
			v[k++] = t;
		}
}

/* Which package owns each file, from dpkg's per-package lists in /var/lib/dpkg/info: suffix
 * ".md5sums" (lines "<32 hex>  path/without/leading/slash": the owner and the file's MD5) or
 * ".list" (lines "/path": the owner only, for files dpkg keeps no sum of). Returns 0 or an error. */
static int read_dpkg_info(struct bs_probe_ctx *ctx, struct state *s, size_t *left, const char *suffix)
{
	char **v, pattern[64];
	size_t n;
	struct bs_buf b = BS_BUF_INIT;
	int md5 = !strcmp(suffix, ".md5sums"), err = 0;

	snprintf(pattern, sizeof(pattern), "/var/lib/dpkg/info/*%s", suffix);
	n = bs_probe_glob(ctx, pattern, &v);
	usual_first(v, n);
	for (size_t i = 0; i < n && *left; i++) {
		size_t pos = 0;
		int lineno = 0, r;
		char *l, pkg[256];
		bs_buf_clear(&b);
		if ((r = bs_probe_read(ctx, v[i], &b)) < 0) {
			err = bs_probe_read_error(ctx, r == BS_ENOTFOUND ? BS_ERR : r);
			break;
		}
		while ((l = bs_text_line(&b, &pos, &lineno))) {
			char *path = l;
			if (md5) {
				if (strlen(l) < 35 || l[32] != ' ')
					continue;
				path = l + 33;
				while (*path == ' ' || *path == '*')
					path++;
				*--path = '/'; /* the path with its leading slash, in place */
			}
			struct sfile *f = lookup(s, path);
			if (f && !f->pkg) {
				f->pkg = bs_strdup(pkg_of(v[i], pkg, sizeof(pkg), suffix));
				if (md5) {
					memcpy(f->md5, l, 32);
					f->md5[32] = '\0';
				}
				(*left)--;
			}
		}
	}
	bs_buf_release(&b);
	bs_probe_strv_free(v, n);
	return err;
}

/* dpkg-statoverride's records: "user group mode path" (mode in octal). The mode recorded for
 * the file (by either name), or -1. */
static long statoverride(const struct bs_buf *so, const struct sfile *f)
{
	struct bs_buf copy = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0;
	long mode = -1;
	char *l;

	bs_buf_put(&copy, so->ptr, so->len);
	while ((l = bs_text_line(&copy, &pos, &lineno)) && mode < 0) {
		char *save = NULL, *user = strtok_r(l, " \t", &save), *group = strtok_r(NULL, " \t", &save),
		     *m = strtok_r(NULL, " \t", &save), *p = strtok_r(NULL, "", &save);
		(void)user;
		(void)group;
		if (m && p && (!strcmp(p, f->path) || (f->alias && !strcmp(p, f->alias))))
			mode = strtol(m, NULL, 8);
	}
	bs_buf_release(&copy);
	return mode;
}

static int md5_of(struct bs_probe_ctx *ctx, const char *path, char out[33])
{
	struct bs_buf b = BS_BUF_INIT;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	int r;

	if ((r = bs_probe_read(ctx, path, &b)) < 0) {
		bs_buf_release(&b);
		return r;
	}
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	if (!m || EVP_DigestInit_ex(m, EVP_md5(), NULL) != 1 || EVP_DigestUpdate(m, b.ptr, b.len) != 1 ||
	    EVP_DigestFinal_ex(m, d, &dl) != 1 || dl != 16) {
		EVP_MD_CTX_free(m);
		bs_buf_release(&b);
		return bs_error(BS_ERR, "cannot compute the MD5 of '%s': libcrypto refused (no MD5 in this OpenSSL?)",
				path);
	}
	EVP_MD_CTX_free(m);
	bs_buf_release(&b);
	for (unsigned i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return 0;
}

static int never_suid(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	for (int i = 0; never[i]; i++)
		if (!strcmp(b, never[i]))
			return 1;
	for (int i = 0; never_prefix[i]; i++)
		if (!strncmp(b, never_prefix[i], strlen(never_prefix[i])))
			return 1;
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct state s;
	struct bs_buf so = BS_BUF_INIT;
	size_t left;
	int r;

	if (!bs_probe_exists(ctx, BS_DPKG_STATUS))
		/* NEEDSWORK: RPM hosts (rpm -V's digests in rpmdb.sqlite) are not read yet. */
		return bs_probe_na(ctx, "沒有 dpkg 資料庫（%s）：無法比對套件清單", "no dpkg database (%s): no package lists to compare with",
				   BS_DPKG_STATUS);
	memset(&s, 0, sizeof(s));
	s.merged_bin = is_link(ctx, "/bin");
	s.merged_sbin = is_link(ctx, "/sbin");
	s.merged_lib = is_link(ctx, "/lib");
	s.merged_lib64 = is_link(ctx, "/lib64");
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (!is_link(ctx, starts[i].dir))
			bs_probe_walk(ctx, starts[i].dir, starts[i].depth, found_cb, &s);
	left = s.n;
	if (left && read_dpkg_info(ctx, &s, &left, ".md5sums") == 0 && left)
		read_dpkg_info(ctx, &s, &left, ".list");
	if ((r = bs_probe_read(ctx, "/var/lib/dpkg/statoverride", &so)) < 0)
		bs_probe_read_error(ctx, r); /* no overrides at all: the file may be missing */
	size_t packaged = 0;
	for (size_t i = 0; i < s.n; i++) {
		struct sfile *f = &s.v[i];
		unsigned mode = (unsigned)f->mode & 07777;
		long over = statoverride(&so, f);
		char md5[33];
		const char *bit = (f->mode & S_ISUID) ? ((f->mode & S_ISGID) ? "SUID+SGID" : "SUID") : "SGID";
		if (f->pkg)
			packaged++;
		/* an administrator's decision on record: dpkg-statoverride with this very mode */
		if (over >= 0 && (unsigned long)over == mode)
			continue;
		if (!f->pkg) {
			bs_fact_addf(ctx, "suid.unexpected", f->path, f->path, 0,
				     "%s mode %04o, shipped by no package and not in dpkg-statoverride", bit, mode);
			continue;
		}
		if (f->md5[0] && (r = md5_of(ctx, f->path, md5)) < 0) {
			bs_probe_read_error(ctx, r == BS_ENOTFOUND ? BS_ERR : r);
			continue;
		}
		if (f->md5[0] && strcmp(md5, f->md5) != 0) {
			bs_fact_addf(ctx, "suid.unexpected", f->path, f->path, 0,
				     "%s mode %04o, MD5 %s differs from package %s's %s: the program was replaced", bit, mode,
				     md5, f->pkg, f->md5);
			continue;
		}
		if (never_suid(f->path))
			bs_fact_addf(ctx, "suid.unexpected", f->path, f->path, 0,
				     "%s mode %04o on a program that hands a shell or files to whoever runs it (package %s "
				     "ships it without the bit)", bit, mode, f->pkg);
	}
	bs_fact_addf(ctx, "suid.files", NULL, NULL, 0, "%zu SUID/SGID files, %zu shipped by packages", s.n, packaged);
	for (size_t i = 0; i < s.n; i++) {
		free(s.v[i].path);
		free(s.v[i].alias);
		free(s.v[i].pkg);
	}
	free(s.v);
	bs_buf_release(&so);
	return 0;
}

const struct bs_probe bs_probe_suid = { "suid", 0, run };
