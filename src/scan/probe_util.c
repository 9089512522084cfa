/* probe_util.c - the probe library: how a probe reports facts (or why it cannot), and how
 * it reads the scanned host (paths under the root, files, globs, directory walks, users,
 * systemd units). The engine that runs probes and rules is run.c; text helpers probe_text.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
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

char *bs_probe_path(const struct bs_probe_ctx *ctx, const char *path)
{
	struct bs_buf b = BS_BUF_INIT;
	if (!ctx->root[0])
		return bs_strdup(path);
	bs_buf_printf(&b, "%s%s%s", ctx->root, path[0] == '/' ? "" : "/", path);
	return bs_buf_detach(&b, NULL);
}

int bs_probe_read(const struct bs_probe_ctx *ctx, const char *path, struct bs_buf *b)
{
	char *full = bs_probe_path(ctx, path);
	struct stat st;
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int err = 0;

	free(full);
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

int bs_probe_lstat(const struct bs_probe_ctx *ctx, const char *path, struct stat *st)
{
	char *full = bs_probe_path(ctx, path);
	int r = lstat(full, st);
	int e = errno;
	free(full);
	errno = e;
	return r;
}

int bs_probe_exists(const struct bs_probe_ctx *ctx, const char *path)
{
	struct stat st;
	char *full = bs_probe_path(ctx, path);
	int r = stat(full, &st);
	free(full);
	return r == 0;
}

size_t bs_probe_glob(const struct bs_probe_ctx *ctx, const char *pattern, char ***out)
{
	char *full = bs_probe_path(ctx, pattern);
	glob_t g;
	size_t n = 0, rl = strlen(ctx->root);

	*out = NULL;
	memset(&g, 0, sizeof(g));
	if (glob(full, 0, NULL, &g) == 0 && g.gl_pathc) {
		*out = bs_calloc(g.gl_pathc, sizeof(char *));
		for (size_t i = 0; i < g.gl_pathc; i++)
			(*out)[n++] = bs_strdup(g.gl_pathv[i] + rl);
	}
	globfree(&g);
	free(full);
	return n;
}

int bs_probe_unit_enabled(const struct bs_probe_ctx *ctx, const char *unit, char **where)
{
	char pat[512], **v;
	size_t n;

	if (where)
		*where = NULL;
	if (!*unit || strpbrk(unit, "/*?[") || snprintf(pat, sizeof(pat), "/etc/systemd/system/*.wants/%s", unit) >=
							  (int)sizeof(pat))
		return 0;
	n = bs_probe_glob(ctx, pat, &v);
	if (n && where)
		*where = bs_strdup(v[0]);
	bs_probe_strv_free(v, n);
	return n > 0;
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

static void walk(struct bs_probe_ctx *ctx, struct bs_buf *path, int depth,
		 int (*fn)(struct bs_probe_ctx *, const char *, const struct stat *, void *), void *arg,
		 size_t *budget)
{
	char *full = bs_probe_path(ctx, path->ptr);
	DIR *d = opendir(full);
	struct dirent *de;
	size_t base = path->len;

	free(full);
	if (!d)
		return;
	while ((de = readdir(d)) && *budget) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bs_buf_truncate(path, base);
		if (base == 0 || path->ptr[base - 1] != '/')
			bs_buf_putc(path, '/');
		bs_buf_puts(path, de->d_name);
		if (bs_probe_lstat(ctx, path->ptr, &st) < 0)
			continue;
		(*budget)--;
		if (S_ISREG(st.st_mode)) {
			fn(ctx, path->ptr, &st, arg);
		} else if (S_ISDIR(st.st_mode)) {
			if (!strcmp(path->ptr, "/proc") || !strcmp(path->ptr, "/sys") || !strcmp(path->ptr, "/dev"))
				continue;
			if (fn(ctx, path->ptr, &st, arg) == 0 && depth > 0)
				walk(ctx, path, depth - 1, fn, arg, budget);
		}
	}
	bs_buf_truncate(path, base);
	closedir(d);
}

void bs_probe_walk(struct bs_probe_ctx *ctx, const char *start, int depth,
		   int (*fn)(struct bs_probe_ctx *ctx, const char *path, const struct stat *st, void *arg),
		   void *arg)
{
	struct bs_buf path = BS_BUF_INIT;
	/* NEEDSWORK: a fixed budget of entries per walk bounds a scan of a huge tree; a file
	 * beyond it is not seen (the walk should report that it stopped). */
	size_t budget = 500000;

	bs_buf_puts(&path, start);
	while (path.len > 1 && path.ptr[path.len - 1] == '/')
		bs_buf_truncate(&path, path.len - 1);
	walk(ctx, &path, depth, fn, arg, &budget);
	bs_buf_release(&path);
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
