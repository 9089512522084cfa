/* probe_util.c - the probe library: how a probe reports facts (or why it cannot), and how
 * it reads the scanned host (paths under the root, files, globs, directory walks, users,
 * systemd units). The engine that runs probes and rules is run.c; text helpers probe_text.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "scan/probe.h"
#include "scan/probe_ctx.h"

#define READ_MAX (16u << 20)

void bs_fact_add(struct bs_probe_ctx *ctx, const char *name, const char *subject, const char *value,
		 const char *file, int line)
{
	if (ctx->nfacts == ctx->cap) {
		ctx->cap = ctx->cap ? ctx->cap * 2 : 256;
		ctx->facts = bs_realloc(ctx->facts, bs_size_mul(ctx->cap, sizeof(*ctx->facts)));
	}
	struct fact *f = &ctx->facts[ctx->nfacts++];
	f->name = bs_strdup(name);
	f->subject = subject ? bs_strdup(subject) : NULL;
	f->value = bs_strdup(value ? value : "");
	f->file = file ? bs_strdup(file) : NULL;
	f->line = line;
}

void bs_fact_addf(struct bs_probe_ctx *ctx, const char *name, const char *subject, const char *file, int line,
		  const char *fmt, ...)
{
	struct bs_buf b = BS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	bs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	bs_fact_add(ctx, name, subject, b.ptr, file, line);
	bs_buf_release(&b);
}

static int probe_state(struct bs_probe_ctx *ctx, enum probe_state s, const char *fmt, va_list ap)
{
	struct bs_buf b = BS_BUF_INIT;

	bs_buf_vprintf(&b, fmt, ap);
	if (ctx->cur) {
		free(ctx->cur->reason);
		ctx->cur->reason = bs_buf_detach(&b, NULL);
		ctx->cur->state = s;
	}
	bs_buf_release(&b);
	return s == PROBE_NA ? BS_ENOTFOUND : BS_ERR;
}

int bs_probe_na(struct bs_probe_ctx *ctx, const char *zh, const char *fmt, ...)
{
	struct bs_buf b = BS_BUF_INIT;
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int r = probe_state(ctx, PROBE_NA, fmt, ap);
	bs_buf_vprintf(&b, zh, ap2);
	va_end(ap2);
	va_end(ap);
	if (ctx->cur) {
		free(ctx->cur->reason_zh);
		ctx->cur->reason_zh = bs_buf_detach(&b, NULL);
	}
	bs_buf_release(&b);
	return r;
}

int bs_probe_fail(struct bs_probe_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = probe_state(ctx, PROBE_ERROR, fmt, ap);
	va_end(ap);
	return r;
}

/* Every path below is a host path ("/etc/shadow") resolved inside the scanned root as
 * chroot(2) would (rootfs.c): links in an image never lead to the scanning host's files. */

int bs_probe_read(const struct bs_probe_ctx *ctx, const char *path, struct bs_buf *b)
{
	struct stat st;
	int fd = bs_rootfs_openat(&ctx->fs, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	int err = 0;

	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR)
			return bs_error(BS_ENOTFOUND, "'%s' does not exist", path);
		if (e == EACCES)
			return bs_error(BS_EDENIED, "cannot read '%s': %s: run the scan as root", path, bs_strerror(e));
		return bs_error(e == EPERM ? BS_EDENIED : BS_ERR, "cannot read '%s': %s", path, bs_strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bs_error(BS_ERR, "'%s' is not a regular file", path);
	}
	if ((unsigned long long)st.st_size > READ_MAX) {
		close(fd);
		return bs_error(BS_ERR, "'%s' is larger than 16 MiB: not read", path);
	}
	for (;;) {
		bs_buf_grow(b, 65536);
		ssize_t n = read(fd, b->ptr + b->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = bs_error(BS_ERR, "cannot read '%s': %s", path, bs_strerror(errno));
			break;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
		if (b->len > READ_MAX) {
			err = bs_error(BS_ERR, "'%s' is larger than 16 MiB: not read", path);
			break;
		}
	}
	close(fd);
	return err;
}

int bs_probe_read_error(struct bs_probe_ctx *ctx, int err)
{
	if (err >= 0)
		return 0;
	if (err == BS_ENOTFOUND) {
		bs_error_clear();
		return 0;
	}
	/* the first reason a probe gives stays its reason */
	if (ctx->cur && ctx->cur->state == PROBE_OK)
		bs_probe_fail(ctx, "%s", bs_error_message());
	bs_error_clear();
	return err;
}

int bs_probe_lstat(const struct bs_probe_ctx *ctx, const char *path, struct stat *st)
{
	return bs_rootfs_stat(&ctx->fs, path, st, 0);
}

int bs_probe_stat(const struct bs_probe_ctx *ctx, const char *path, struct stat *st)
{
	return bs_rootfs_stat(&ctx->fs, path, st, 1);
}

int bs_probe_exists(const struct bs_probe_ctx *ctx, const char *path)
{
	struct stat st;
	return bs_rootfs_stat(&ctx->fs, path, &st, 1) == 0;
}

DIR *bs_probe_opendir(const struct bs_probe_ctx *ctx, const char *path)
{
	return bs_rootfs_opendir(&ctx->fs, path);
}

ssize_t bs_probe_readlink(const struct bs_probe_ctx *ctx, const char *path, char *buf, size_t size)
{
	return bs_rootfs_readlink(&ctx->fs, path, buf, size);
}

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *s, char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
	}
	s->v[s->n++] = str;
}

static int strv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One component of a glob pattern at a time: a literal one is appended (the last must exist,
 * a dangling link counts, as glob(3) since glibc 2.27); one with * ? [ lists the directory
 * so far inside the root and keeps the names fnmatch accepts (a leading dot only by a dot). */
static void glob_in(const struct bs_probe_ctx *ctx, struct bs_buf *dir, const char *pat, struct strv *out)
{
	size_t base = dir->len, l;
	const char *rest;
	char comp[NAME_MAX + 1];
	struct stat st;

	while (*pat == '/')
		pat++;
	if (!*pat)
		return;
	l = strcspn(pat, "/");
	rest = pat + l;
	while (*rest == '/')
		rest++;
	if (l > NAME_MAX)
		return;
	memcpy(comp, pat, l);
	comp[l] = '\0';
	if (!strpbrk(comp, "*?[\\")) {
		bs_buf_putc(dir, '/');
		bs_buf_puts(dir, comp);
		if (*rest)
			glob_in(ctx, dir, rest, out);
		else if (bs_probe_lstat(ctx, dir->ptr, &st) == 0)
			strv_push(out, bs_strdup(dir->ptr));
		bs_buf_truncate(dir, base);
		return;
	}
	DIR *d = bs_probe_opendir(ctx, base ? dir->ptr : "/");
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || fnmatch(comp, de->d_name, FNM_PERIOD) != 0)
			continue;
		bs_buf_putc(dir, '/');
		bs_buf_puts(dir, de->d_name);
		if (*rest)
			glob_in(ctx, dir, rest, out);
		else
			strv_push(out, bs_strdup(dir->ptr));
		bs_buf_truncate(dir, base);
	}
	closedir(d);
}

size_t bs_probe_glob(const struct bs_probe_ctx *ctx, const char *pattern, char ***out)
{
	struct bs_buf dir = BS_BUF_INIT;
	struct strv v = { NULL, 0, 0 };

	*out = NULL;
	bs_buf_puts(&dir, "");
	glob_in(ctx, &dir, pattern, &v);
	bs_buf_release(&dir);
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), strv_cmp);
	*out = v.v;
	return v.n;
}

/* A unit file masked the systemd way: a link to /dev/null (or the root's own null device). */
static int unit_masked(const struct bs_probe_ctx *ctx, const char *path)
{
	char target[PATH_MAX];
	struct stat st;

	if (bs_probe_readlink(ctx, path, target, sizeof(target)) >= 0 && !strcmp(target, "/dev/null"))
		return 1;
	return bs_probe_stat(ctx, path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* A wants/ entry that starts a unit: it leads (inside the root) to a unit file. A link whose
 * unit is missing from the image starts nothing, as systemd finds no unit to load. */
static int unit_loads(const struct bs_probe_ctx *ctx, const char *path)
{
	struct stat st;
	return !unit_masked(ctx, path) && bs_probe_stat(ctx, path, &st) == 0 && S_ISREG(st.st_mode);
}

int bs_probe_unit_enabled(const struct bs_probe_ctx *ctx, const char *unit, char **where)
{
	/* systemctl enable links in /etc; the distribution's own links (static enablement) in
	 * the vendor directories; .requires/ pulls a unit in as .wants/ does */
	static const char *const dirs[] = { "/etc/systemd/system/*.wants", "/etc/systemd/system/*.requires",
					    "/usr/lib/systemd/system/*.wants", "/usr/lib/systemd/system/*.requires",
					    "/lib/systemd/system/*.wants", "/lib/systemd/system/*.requires" };
	char pat[512], **v, *found = NULL;
	size_t n;

	if (where)
		*where = NULL;
	if (!*unit || strpbrk(unit, "/*?["))
		return 0;
	/* masked (systemctl mask: /etc/systemd/system/<unit> -> /dev/null) beats every wants/ link */
	if (snprintf(pat, sizeof(pat), "/etc/systemd/system/%s", unit) >= (int)sizeof(pat) || unit_masked(ctx, pat))
		return 0;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && !found; d++) {
		if (snprintf(pat, sizeof(pat), "%s/%s", dirs[d], unit) >= (int)sizeof(pat))
			return 0;
		n = bs_probe_glob(ctx, pat, &v);
		/* a wants/ link that is itself a mask enables nothing */
		for (size_t i = 0; i < n && !found; i++)
			if (unit_loads(ctx, v[i]))
				found = bs_strdup(v[i]);
		bs_probe_strv_free(v, n);
	}
	int ok = found != NULL;
	if (where)
		*where = found;
	else
		free(found);
	return ok;
}

void bs_probe_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *bs_probe_proc(const struct bs_probe_ctx *ctx)
{
	return ctx->opts->proc ? ctx->opts->proc : "/proc";
}

const char *bs_probe_winexport(const struct bs_probe_ctx *ctx)
{
	return ctx->opts->winexport;
}

int32_t bs_probe_today(const struct bs_probe_ctx *ctx)
{
	(void)ctx;
	return bs_days_from_time(bs_clock_now());
}

/* The limit of entries one walk looks at: a scan of a huge tree ends in bounded time, and
 * says so when the limit cut it (issue 14, item 4). Tests make it small with
 * BROKERSEC_SCAN_WALK_LIMIT=N, honoured only when BROKERSEC_TESTING=1. */
#define WALK_LIMIT 500000

struct walk {
	int (*fn)(struct bs_probe_ctx *, const char *, const struct stat *, void *);
	void *arg;
	size_t limit, walked;
	int cut;
	int list_errno;        /* the first directory that could not be listed, and why */
	char *list_path;
};

/* Lists directory d (host path in path), entries looked at relative to its descriptor:
 * nothing below the root can be reached through a link. */
static void walk_dir(struct bs_probe_ctx *ctx, DIR *d, struct bs_buf *path, int depth, struct walk *w)
{
	struct dirent *de;
	size_t base = path->len;
	int dfd = dirfd(d);

	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (w->walked >= w->limit) {
			w->cut = 1;
			break;
		}
		bs_buf_truncate(path, base);
		if (base == 0 || path->ptr[base - 1] != '/')
			bs_buf_putc(path, '/');
		bs_buf_puts(path, de->d_name);
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* removed while the walk ran */
		w->walked++;
		if (S_ISREG(st.st_mode)) {
			w->fn(ctx, path->ptr, &st, w->arg);
		} else if (S_ISDIR(st.st_mode)) {
			if (!strcmp(path->ptr, "/proc") || !strcmp(path->ptr, "/sys") || !strcmp(path->ptr, "/dev"))
				continue;
			if (w->fn(ctx, path->ptr, &st, w->arg) != 0 || depth <= 0)
				continue;
			int cfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			DIR *cd = cfd >= 0 ? fdopendir(cfd) : NULL;
			if (!cd) {
				int e = errno;
				if (cfd >= 0)
					close(cfd);
				if (e != ENOENT && e != ENOTDIR && e != ELOOP && !w->list_path) {
					w->list_errno = e;
					w->list_path = bs_strdup(path->ptr);
				}
				continue;
			}
			walk_dir(ctx, cd, path, depth - 1, w);
			closedir(cd);
			if (w->cut)
				break;
		}
	}
	bs_buf_truncate(path, base);
}

int bs_probe_walk(struct bs_probe_ctx *ctx, const char *start, int depth,
		  int (*fn)(struct bs_probe_ctx *ctx, const char *path, const struct stat *st, void *arg), void *arg)
{
	struct bs_buf path = BS_BUF_INIT;
	struct walk w = { fn, arg, WALK_LIMIT, 0, 0, 0, NULL };
	const char *env = getenv("BROKERSEC_SCAN_WALK_LIMIT");
	int err = 0;
	DIR *d;

	if (env && bs_testing()) {
		long long v;
		if (bs_text_int(env, &v) == 0 && v > 0)
			w.limit = (size_t)v;
	}
	bs_buf_puts(&path, start);
	while (path.len > 1 && path.ptr[path.len - 1] == '/')
		bs_buf_truncate(&path, path.len - 1);
	if (!(d = bs_probe_opendir(ctx, path.ptr))) {
		/* a place that is not there is nothing to walk (/srv, /opt ... are optional) */
		if (errno != ENOENT && errno != ENOTDIR) {
			w.list_errno = errno;
			w.list_path = bs_strdup(path.ptr);
		}
	} else {
		walk_dir(ctx, d, &path, depth, &w);
		closedir(d);
	}
	/* the first reason a probe gives stays its reason */
	if (w.cut)
		err = bs_error(BS_ERR, "incomplete: walked %zu of more entries under '%s' (the limit of one walk): the "
			       "files past them were not checked", w.walked, start);
	else if (w.list_path)
		err = bs_error(BS_ERR, "cannot list '%s': %s: the files in it were not checked; run the scan as root",
			       w.list_path, bs_strerror(w.list_errno));
	if (err)
		bs_probe_read_error(ctx, err);
	free(w.list_path);
	bs_buf_release(&path);
	return err;
}

/* One passwd lookup; the scanned root's file, not NSS, so --root sees the image's users. */
static int passwd_find(const struct bs_probe_ctx *ctx, const char *name, long uid, long *uid_out, char **name_out)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0, found = 0;
	char *line;

	if (bs_probe_read(ctx, "/etc/passwd", &b) < 0) {
		bs_buf_release(&b);
		bs_error_clear();
		return 0;
	}
	while (!found && (line = bs_text_line(&b, &pos, &lineno))) {
		char *colon1 = strchr(line, ':'), *colon2, *colon3;
		long long u;
		if (!colon1 || !(colon2 = strchr(colon1 + 1, ':')) || !(colon3 = strchr(colon2 + 1, ':')))
			continue;
		*colon1 = '\0';
		*colon3 = '\0';
		if (bs_text_int(colon2 + 1, &u) < 0)
			continue;
		if ((name && !strcmp(line, name)) || (!name && u == uid)) {
			if (uid_out)
				*uid_out = (long)u;
			if (name_out)
				*name_out = bs_strdup(line);
			found = 1;
		}
	}
	bs_buf_release(&b);
	return found;
}

long bs_probe_uid(const struct bs_probe_ctx *ctx, const char *name)
{
	long uid = -1;
	long long n;

	if (bs_text_int(name, &n) == 0)
		return (long)n;
	if (!passwd_find(ctx, name, 0, &uid, NULL))
		return -1;
	return uid;
}

char *bs_probe_user(const struct bs_probe_ctx *ctx, long uid)
{
	char *name = NULL;
	if (passwd_find(ctx, NULL, uid, NULL, &name))
		return name;
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "uid %ld", uid);
	return bs_buf_detach(&b, NULL);
}

size_t bs_probe_include(const struct bs_probe_ctx *ctx, const char *arg, char ***out)
{
	char pat[1024];
	struct stat st;

	if (bs_probe_stat(ctx, arg, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(pat, sizeof(pat), "%s/*", arg);
	else
		snprintf(pat, sizeof(pat), "%s", arg);
	return bs_probe_glob(ctx, pat, out);
}
