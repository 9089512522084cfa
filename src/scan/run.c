/* run.c - runs a policy: lazy probes, facts, rule evaluation, results, JSON. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "scan/probe.h"
#include "scan/rule.h"
#include "scan/scan.h"

#define READ_MAX (16u << 20)
#define EV_MAX 20 /* evidence items kept per rule */

struct fact {
	char *name, *subject, *value, *file;
	int line;
};

enum probe_state { PROBE_NOT_RUN, PROBE_OK, PROBE_NA, PROBE_ERROR };

struct probe_slot {
	const struct bs_probe *probe;
	enum probe_state state;
	char *reason;
};

struct bs_probe_ctx {
	const struct bs_scan_opts *opts;
	const char *root;  /* "" for the live host, else the root without a trailing '/' */
	struct fact *facts;
	size_t nfacts, cap;
	struct probe_slot *cur;
	struct probe_slot *slots;
	size_t nslots;
};

/* ---------------------------------------------------------------- probe helpers */

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

int bs_probe_na(struct bs_probe_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = probe_state(ctx, PROBE_NA, fmt, ap);
	va_end(ap);
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
		return bs_error(e == EACCES || e == EPERM ? BS_EDENIED : BS_ERR, "cannot read '%s': %s%s", path,
				strerror(e), e == EACCES ? ": run the scan as root" : "");
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
			err = bs_error(BS_ERR, "cannot read '%s': %s", path, strerror(errno));
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

char *bs_text_line(struct bs_buf *b, size_t *pos, int *lineno)
{
	char *start, *nl;

	if (*pos >= b->len)
		return NULL;
	start = b->ptr + *pos;
	nl = memchr(start, '\n', b->len - *pos);
	if (nl) {
		*nl = '\0';
		*pos = (size_t)(nl - b->ptr) + 1;
	} else {
		*pos = b->len;
	}
	size_t l = strlen(start);
	if (l && start[l - 1] == '\r')
		start[l - 1] = '\0';
	(*lineno)++;
	return start;
}

char *bs_text_trim(char *s)
{
	size_t l;
	while (*s == ' ' || *s == '\t')
		s++;
	l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
		s[--l] = '\0';
	return s;
}

int bs_text_int(const char *s, long long *out)
{
	char *end;
	long long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* ---------------------------------------------------------------- evaluation */

enum truth { T_FALSE, T_TRUE, T_NA, T_ERROR };

struct item {
	const char *file;
	int line;
	const char *subject;
	char *found;
	int ok; /* does this item satisfy the rule's requirement */
};

struct rule_out {
	enum truth t;
	struct bs_buf reason;
	struct item items[EV_MAX];
	size_t nitems;
	size_t more; /* items not kept */
};

static void out_item(struct rule_out *o, const char *file, int line, const char *subject, const char *found, int ok)
{
	if (o->nitems == EV_MAX) {
		o->more++;
		return;
	}
	struct item *it = &o->items[o->nitems];
	it->file = file;
	it->line = line;
	it->subject = subject;
	it->found = bs_strdup(found);
	it->ok = ok;
	o->nitems++;
}

static void out_release(struct rule_out *o)
{
	for (size_t i = 0; i < o->nitems; i++)
		free(o->items[i].found);
	bs_buf_release(&o->reason);
}

static struct probe_slot *slot_for(struct bs_probe_ctx *ctx, const char *fact)
{
	const char *dot = strchr(fact, '.');
	size_t dl = dot ? (size_t)(dot - fact) : strlen(fact);

	for (size_t i = 0; i < ctx->nslots; i++) {
		const char *n = ctx->slots[i].probe->name;
		if (strlen(n) == dl && !strncmp(n, fact, dl))
			return &ctx->slots[i];
	}
	return NULL;
}

static void ensure_probe(struct bs_probe_ctx *ctx, struct probe_slot *s)
{
	if (s->state != PROBE_NOT_RUN)
		return;
	if ((s->probe->flags & BS_PROBE_LIVE) && ctx->root[0] && !ctx->opts->proc) {
		s->state = PROBE_NA;
		s->reason = bs_strdup("the probe reads the running system: not applicable to a --root scan");
		return;
	}
	if ((s->probe->flags & BS_PROBE_WINDOWS) && !ctx->opts->winexport) {
		s->state = PROBE_NA;
		s->reason = bs_strdup("needs Windows exports: use --windows-export DIR");
		return;
	}
	ctx->cur = s;
	s->state = PROBE_OK;
	bs_error_clear();
	int r = s->probe->run(ctx);
	if (r < 0 && s->state == PROBE_OK) {
		s->state = PROBE_ERROR;
		s->reason = bs_strdup(*bs_error_message() ? bs_error_message() : "the probe failed");
	}
	ctx->cur = NULL;
}

static void required_text(const struct bs_scan_rule *r, int negate, struct bs_buf *b)
{
	if (negate)
		bs_buf_puts(b, "not: ");
	switch (r->op) {
	case OP_EXISTS: bs_buf_puts(b, "exists"); break;
	case OP_ABSENT: bs_buf_puts(b, r->kind == RULE_FACT ? "not reported" : "does not exist"); break;
	case OP_PRESENT: bs_buf_puts(b, "reported"); break;
	case OP_MATCH: bs_buf_printf(b, "matches /%s/", r->pattern); break;
	case OP_ENTRIES: bs_buf_printf(b, "an entry matching /%s/", r->pattern); break;
	case OP_EQUALS: bs_buf_printf(b, "%s", r->pattern); break;
	case OP_COUNT: bs_buf_puts(b, "count "); break;
	case OP_MODE:
		if (r->has_perm)
			bs_buf_printf(b, "mode at most %04o", r->perm_max);
		if (r->owner)
			bs_buf_printf(b, "%sowner %s", r->has_perm ? ", " : "", r->owner);
		break;
	case OP_COMPARE: break;
	}
	if (r->has_cmp) {
		if (r->op == OP_MATCH)
			bs_buf_puts(b, " with ");
		if (r->num == BS_NUM_INF)
			bs_buf_printf(b, "%s never", bs_cmp_name(r->cmp));
		else
			bs_buf_printf(b, "%s %lld", bs_cmp_name(r->cmp), r->num);
	}
}

static void eval_fact(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	struct probe_slot *s = slot_for(ctx, r->target);
	size_t n = 0, bad = 0, errs = 0;

	if (!s) {
		o->t = T_ERROR;
		bs_buf_printf(&o->reason, "no probe produces '%s'", r->target);
		return;
	}
	ensure_probe(ctx, s);
	if (s->state == PROBE_NA || s->state == PROBE_ERROR) {
		o->t = s->state == PROBE_NA ? T_NA : T_ERROR;
		bs_buf_printf(&o->reason, "%s: %s", s->probe->name, s->reason);
		return;
	}
	for (size_t i = 0; i < ctx->nfacts; i++) {
		const struct fact *f = &ctx->facts[i];
		int ok = 1;
		long long v;
		if (strcmp(f->name, r->target) != 0)
			continue;
		n++;
		switch (r->op) {
		case OP_COMPARE:
			if (!strncasecmp(f->value, "unset", 5)) {
				ok = 0;
			} else if (bs_num_parse(f->value, &v) < 0) {
				errs++;
				if (!o->reason.len)
					bs_buf_printf(&o->reason, "%s reports '%s' for %s%s%s, which is not a number", r->target,
						      f->value, f->subject ? f->subject : "", f->file ? " in " : "",
						      f->file ? f->file : "");
				ok = 0;
			} else {
				ok = bs_cmp_eval(r->cmp, v, r->num);
			}
			break;
		case OP_EQUALS: ok = !strcasecmp(f->value, r->pattern); break;
		case OP_MATCH: ok = regexec(&r->re, f->value, 0, NULL, 0) == 0; break;
		default: ok = r->op != OP_ABSENT; break; /* PRESENT, ABSENT, COUNT list what they saw */
		}
		if (!ok)
			bad++;
		out_item(o, f->file, f->line, f->subject, f->value, ok);
	}
	if (errs) {
		o->t = T_ERROR;
		return;
	}
	switch (r->op) {
	case OP_PRESENT: o->t = n ? T_TRUE : T_FALSE; break;
	case OP_ABSENT: o->t = n ? T_FALSE : T_TRUE; break;
	case OP_COUNT: o->t = bs_cmp_eval(r->cmp, (long long)n, r->num) ? T_TRUE : T_FALSE; break;
	default:
		if (n == 0) {
			o->t = r->missing_na ? T_NA : T_FALSE;
			if (r->missing_na)
				bs_buf_printf(&o->reason, "%s is not reported on this host", r->target);
			out_item(o, NULL, 0, NULL, "(not set)", 0);
		} else {
			o->t = bad ? T_FALSE : T_TRUE;
		}
	}
	if (r->op == OP_COUNT) {
		/* For a count, every listed item is what was counted: offending when the count fails. */
		for (size_t i = 0; i < o->nitems; i++)
			o->items[i].ok = o->t == T_TRUE;
		char num[32];
		snprintf(num, sizeof(num), "count %zu", n);
		if (n == 0)
			out_item(o, NULL, 0, NULL, num, o->t == T_TRUE);
	}
}

static void eval_file(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	struct stat st;
	int exists = bs_probe_lstat(ctx, r->target, &st) == 0 || bs_probe_exists(ctx, r->target);

	if (r->op == OP_EXISTS || r->op == OP_ABSENT) {
		o->t = (exists == (r->op == OP_EXISTS)) ? T_TRUE : T_FALSE;
		out_item(o, r->target, 0, NULL, exists ? "exists" : "does not exist", o->t == T_TRUE);
		return;
	}
	if (r->op == OP_ENTRIES) {
		char *full = bs_probe_path(ctx, r->target);
		DIR *d = opendir(full);
		struct dirent *de;
		free(full);
		if (!d) {
			o->t = T_FALSE;
			out_item(o, r->target, 0, NULL, errno == ENOENT ? "no such directory" : strerror(errno), 0);
			return;
		}
		o->t = T_FALSE;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (regexec(&r->re, de->d_name, 0, NULL, 0) == 0) {
				o->t = T_TRUE;
				out_item(o, r->target, 0, NULL, de->d_name, 1);
			}
		}
		closedir(d);
		if (o->t == T_FALSE)
			out_item(o, r->target, 0, NULL, "no matching entry", 0);
		return;
	}
	if (r->op == OP_MODE) {
		char buf[128];
		int ok = 1;
		if (!exists) {
			o->t = T_FALSE;
			out_item(o, r->target, 0, NULL, "does not exist", 0);
			return;
		}
		if (bs_probe_lstat(ctx, r->target, &st) < 0) {
			o->t = T_ERROR;
			bs_buf_printf(&o->reason, "cannot stat '%s': %s", r->target, strerror(errno));
			return;
		}
		if (r->has_perm && ((unsigned)st.st_mode & 07777 & ~r->perm_max))
			ok = 0;
		if (r->owner) {
			long want = bs_probe_uid(ctx, r->owner);
			if (want < 0) {
				o->t = T_ERROR;
				bs_buf_printf(&o->reason, "owner '%s' is not a user in the scanned /etc/passwd", r->owner);
				return;
			}
			if ((long)st.st_uid != want)
				ok = 0;
		}
		char *user = bs_probe_user(ctx, (long)st.st_uid);
		snprintf(buf, sizeof(buf), "mode %04o owner %s", (unsigned)st.st_mode & 07777, user);
		free(user);
		o->t = ok ? T_TRUE : T_FALSE;
		out_item(o, r->target, 0, NULL, buf, ok);
		return;
	}
	/* MATCH */
	struct bs_buf b = BS_BUF_INIT;
	int rc = bs_probe_read(ctx, r->target, &b);
	size_t pos = 0;
	int lineno = 0, matched = 0, bad = 0;
	char *line;
	if (rc == BS_ENOTFOUND) {
		o->t = T_FALSE;
		out_item(o, r->target, 0, NULL, "does not exist", 0);
		bs_buf_release(&b);
		return;
	}
	if (rc < 0) {
		o->t = T_ERROR;
		bs_buf_puts(&o->reason, bs_error_message());
		bs_buf_release(&b);
		return;
	}
	while ((line = bs_text_line(&b, &pos, &lineno))) {
		regmatch_t m[2];
		long long v;
		int ok = 1;
		if (regexec(&r->re, line, 2, m, 0) != 0)
			continue;
		matched++;
		if (r->has_cmp) {
			char num[32];
			size_t l = m[1].rm_so >= 0 ? (size_t)(m[1].rm_eo - m[1].rm_so) : 0;
			if (!l || l >= sizeof(num)) {
				o->t = T_ERROR;
				bs_buf_printf(&o->reason, "%s:%d: the pattern captured no number to compare", r->target, lineno);
				bs_buf_release(&b);
				return;
			}
			memcpy(num, line + m[1].rm_so, l);
			num[l] = '\0';
			if (bs_num_parse(num, &v) < 0) {
				o->t = T_ERROR;
				bs_buf_printf(&o->reason, "%s:%d: '%s' is not a number", r->target, lineno, num);
				bs_buf_release(&b);
				return;
			}
			ok = bs_cmp_eval(r->cmp, v, r->num);
		}
		if (!ok)
			bad++;
		char shown[200];
		snprintf(shown, sizeof(shown), "%s", line);
		out_item(o, r->target, lineno, NULL, shown, ok);
	}
	bs_buf_release(&b);
	o->t = matched && !bad ? T_TRUE : T_FALSE;
	if (!matched)
		out_item(o, r->target, 0, NULL, "no matching line", 0);
}

static void eval_rule(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	if (r->kind == RULE_FACT)
		eval_fact(ctx, r, o);
	else
		eval_file(ctx, r, o);
}

static void add_evidence(struct bs_scan_result *res, const struct item *it, const struct bs_scan_rule *r, int negate)
{
	struct bs_buf req = BS_BUF_INIT;
	/* Two rules on one fact (">= 1", "<= 5") see the same value: show it once (but two
	 * facts that both count 0 are two pieces of evidence). */
	size_t tl = r->kind == RULE_FACT ? strlen(r->target) : 0;
	for (size_t i = 0; i < res->nev; i++)
		if (!strcmp(res->ev[i].found, it->found) && res->ev[i].line == it->line &&
		    (!tl || (!strncmp(res->ev[i].required, r->target, tl) && res->ev[i].required[tl] == ' ')) &&
		    !!res->ev[i].subject == !!it->subject && (!it->subject || !strcmp(res->ev[i].subject, it->subject)) &&
		    !!res->ev[i].file == !!it->file && (!it->file || !strcmp(res->ev[i].file, it->file)))
			return;
	res->ev = bs_realloc(res->ev, bs_size_mul(res->nev + 1, sizeof(*res->ev)));
	struct bs_scan_evidence *e = &res->ev[res->nev++];
	e->file = it->file ? bs_strdup(it->file) : NULL;
	e->line = it->line;
	e->subject = it->subject ? bs_strdup(it->subject) : NULL;
	e->found = bs_strdup(it->found);
	if (r->kind == RULE_FACT) {
		bs_buf_printf(&req, "%s ", r->target);
	}
	required_text(r, negate, &req);
	e->required = bs_buf_detach(&req, NULL);
}

static void run_check(struct bs_probe_ctx *ctx, const struct bs_scan_check *c, struct bs_scan_result *res)
{
	struct rule_out *outs = bs_calloc(c->nrules, sizeof(*outs));
	size_t ntrue = 0, nfalse = 0, nna = 0, nerr = 0;
	const char *reason = NULL;

	res->check = c;
	for (size_t i = 0; i < c->nrules; i++) {
		bs_buf_init(&outs[i].reason);
		eval_rule(ctx, &c->rules[i], &outs[i]);
		switch (outs[i].t) {
		case T_TRUE: ntrue++; break;
		case T_FALSE: nfalse++; break;
		case T_NA: nna++; if (!reason || !*reason) reason = outs[i].reason.ptr; break;
		case T_ERROR: nerr++; break;
		}
	}
	/* Errors explain more than "not applicable": prefer their reason. */
	for (size_t i = 0; i < c->nrules; i++)
		if (outs[i].t == T_ERROR) {
			reason = outs[i].reason.ptr;
			break;
		}
	switch (c->cond) {
	case BS_COND_ALL:
		res->status = nfalse ? BS_SCAN_FAIL : nerr ? BS_SCAN_ERROR : nna ? BS_SCAN_NA : BS_SCAN_PASS;
		break;
	case BS_COND_ANY:
		res->status = ntrue ? BS_SCAN_PASS : nerr ? BS_SCAN_ERROR : nna ? BS_SCAN_NA : BS_SCAN_FAIL;
		break;
	case BS_COND_NONE:
		res->status = ntrue ? BS_SCAN_FAIL : nerr ? BS_SCAN_ERROR : nna ? BS_SCAN_NA : BS_SCAN_PASS;
		break;
	}
	if (res->status == BS_SCAN_NA || res->status == BS_SCAN_ERROR)
		res->reason = bs_strdup(reason && *reason ? reason : "no rule could decide");
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule_out *o = &outs[i];
		int negate = c->cond == BS_COND_NONE;
		for (size_t k = 0; k < o->nitems; k++) {
			const struct item *it = &o->items[k];
			int keep;
			if (res->status == BS_SCAN_FAIL) {
				if (c->cond == BS_COND_ALL)
					keep = o->t == T_FALSE && !it->ok;
				else if (c->cond == BS_COND_NONE)
					keep = o->t == T_TRUE && it->ok;
				else
					keep = 1;
			} else if (res->status == BS_SCAN_PASS) {
				keep = (c->cond == BS_COND_ANY) ? o->t == T_TRUE : 1;
			} else {
				keep = o->t == T_ERROR || o->t == T_FALSE;
			}
			if (keep)
				add_evidence(res, it, &c->rules[i], negate);
		}
		if (o->more && res->status == BS_SCAN_FAIL) {
			struct item more = { NULL, 0, NULL, NULL, 0 };
			char buf[64];
			snprintf(buf, sizeof(buf), "... and %zu more", o->more);
			more.found = buf;
			add_evidence(res, &more, &c->rules[i], negate);
		}
	}
	for (size_t i = 0; i < c->nrules; i++)
		out_release(&outs[i]);
	free(outs);
}

static char *host_name(const struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	char name[256];

	if (ctx->opts->host)
		return bs_strdup(ctx->opts->host);
	if (ctx->opts->winexport)
		return bs_strdup("windows"); /* replaced by the export's machine name when found */
	if (!ctx->root[0]) {
		if (gethostname(name, sizeof(name)) == 0) {
			name[sizeof(name) - 1] = '\0';
			return bs_strdup(name);
		}
		return bs_strdup("localhost");
	}
	if (bs_probe_read(ctx, "/etc/hostname", &b) == 0) {
		char *s = bs_text_trim(b.ptr);
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		s = bs_text_trim(s);
		if (*s && strlen(s) < 256) {
			char *r = bs_strdup(s);
			bs_buf_release(&b);
			return r;
		}
	}
	bs_buf_release(&b);
	bs_error_clear();
	return bs_strdup("unknown");
}

int bs_scan_run(struct bs_scan **out, const struct bs_scan_policy *pol, const struct bs_scan_opts *opts)
{
	struct bs_probe_ctx ctx;
	struct bs_scan *s;
	struct stat st;
	char when[BS_TIME_MAX];
	const char *platform = opts->winexport ? "windows" : "linux";
	char *root = NULL;
	size_t nprobes = 0;

	*out = NULL;
	if (opts->root && strcmp(opts->root, "/") != 0) {
		if (stat(opts->root, &st) < 0 || !S_ISDIR(st.st_mode))
			return bs_error(BS_ENOTFOUND, "cannot scan root '%s': %s: give a directory holding a mounted "
					"or copied system", opts->root, errno ? strerror(errno) : "not a directory");
		root = bs_strdup(opts->root);
		size_t l = strlen(root);
		while (l > 1 && root[l - 1] == '/')
			root[--l] = '\0';
	}
	if (opts->winexport && (stat(opts->winexport, &st) < 0 || !S_ISDIR(st.st_mode))) {
		free(root);
		return bs_error(BS_ENOTFOUND, "cannot read Windows export directory '%s': give the directory holding "
				"the secedit, auditpol and net accounts exports (docs/windows-export.md)", opts->winexport);
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.root = root ? root : "";
	for (const struct bs_probe *const *p = bs_probes; *p; p++)
		nprobes++;
	ctx.slots = bs_calloc(nprobes, sizeof(*ctx.slots));
	for (size_t i = 0; i < nprobes; i++)
		ctx.slots[i].probe = bs_probes[i];
	ctx.nslots = nprobes;

	s = bs_calloc(1, sizeof(*s));
	s->host = host_name(&ctx);
	s->root = bs_strdup(root ? root : "/");
	s->platform = bs_strdup(platform);
	bs_time_format(bs_clock_now(), when);
	s->started_at = bs_strdup(when);
	s->results = bs_calloc(pol->n ? pol->n : 1, sizeof(*s->results));
	for (size_t i = 0; i < pol->n; i++) {
		const struct bs_scan_check *c = &pol->v[i];
		if (strcmp(c->platform, platform) != 0)
			continue;
		if (opts->only && strncmp(c->id, opts->only, strlen(opts->only)) != 0)
			continue;
		run_check(&ctx, c, &s->results[s->n]);
		s->count[s->results[s->n].status]++;
		s->n++;
	}
	/* A Windows export names its machine: use it as the host unless --host said otherwise. */
	if (opts->winexport && !opts->host) {
		for (size_t i = 0; i < ctx.nfacts; i++)
			if (!strcmp(ctx.facts[i].name, "winaudit.machine") && ctx.facts[i].value[0]) {
				free(s->host);
				s->host = bs_strdup(ctx.facts[i].value);
				break;
			}
	}
	for (size_t i = 0; i < ctx.nfacts; i++) {
		free(ctx.facts[i].name);
		free(ctx.facts[i].subject);
		free(ctx.facts[i].value);
		free(ctx.facts[i].file);
	}
	free(ctx.facts);
	for (size_t i = 0; i < ctx.nslots; i++)
		free(ctx.slots[i].reason);
	free(ctx.slots);
	free(root);
	bs_error_clear();
	*out = s;
	return 0;
}

void bs_scan_waiver_release(struct bs_scan_waiver *w)
{
	if (!w)
		return;
	free(w->host);
	free(w->check_id);
	free(w->justification);
	free(w->approver);
	free(w->expires);
	free(w->created_at);
	free(w->created_by);
	memset(w, 0, sizeof(*w));
}

void bs_scan_free(struct bs_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct bs_scan_result *r = &s->results[i];
		free(r->reason);
		for (size_t k = 0; k < r->nev; k++) {
			free(r->ev[k].file);
			free(r->ev[k].subject);
			free(r->ev[k].found);
			free(r->ev[k].required);
		}
		free(r->ev);
		if (r->waiver) {
			bs_scan_waiver_release(r->waiver);
			free(r->waiver);
		}
	}
	free(s->results);
	free(s->host);
	free(s->root);
	free(s->platform);
	free(s->started_at);
	free(s);
}

int bs_scan_exit_status(const struct bs_scan *s)
{
	return (s->count[BS_SCAN_FAIL] > s->waived || s->count[BS_SCAN_ERROR]) ? 1 : 0;
}

static struct bs_scan_waiver *waiver_copy(const struct bs_scan_waiver *w)
{
	struct bs_scan_waiver *c = bs_calloc(1, sizeof(*c));
	c->id = w->id;
	c->host = bs_strdup(w->host);
	c->check_id = bs_strdup(w->check_id);
	c->justification = bs_strdup(w->justification);
	c->approver = bs_strdup(w->approver);
	c->expires = bs_strdup(w->expires);
	c->created_at = bs_strdup(w->created_at ? w->created_at : "");
	c->created_by = bs_strdup(w->created_by ? w->created_by : "");
	return c;
}

void bs_scan_apply_waivers(struct bs_scan *s, struct bs_scan_waiver *w, size_t n, int32_t today)
{
	s->waived = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct bs_scan_result *r = &s->results[i];
		if (r->status != BS_SCAN_FAIL || r->waiver)
			continue;
		for (size_t k = 0; k < n; k++) {
			int32_t exp;
			if (strcmp(w[k].check_id, r->check->id) || strcmp(w[k].host, s->host))
				continue;
			if (bs_date_parse(w[k].expires, &exp) < 0 || exp < today)
				continue; /* expired waivers lapse by themselves */
			r->waiver = waiver_copy(&w[k]);
			break;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->results[i].waiver)
			s->waived++;
}

static const char *const status_names[] = { "pass", "fail", "not_applicable", "error" };

const char *bs_scan_status_name(enum bs_scan_status s)
{
	return (unsigned)s < BS_SCAN_STATUS_COUNT ? status_names[s] : "?";
}

const char *bs_scan_status_label(enum bs_scan_status s, enum bs_lang lang)
{
	switch (s) {
	case BS_SCAN_PASS: return BS_T(lang, "通過", "pass");
	case BS_SCAN_FAIL: return BS_T(lang, "不符", "FAIL");
	case BS_SCAN_NA: return BS_T(lang, "不適用", "n/a");
	case BS_SCAN_ERROR: return BS_T(lang, "錯誤", "ERROR");
	default: return "?";
	}
}

const char *bs_scan_severity_name(enum bs_scan_severity s)
{
	static const char *const names[] = { "low", "medium", "high", "critical" };
	return (unsigned)s < 4 ? names[s] : "?";
}

static json_t *text_json(const struct bs_text *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "zh-TW", json_string(t->zh));
	json_object_set_new(o, "en", json_string(t->en));
	return o;
}

static json_t *nullable(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *bs_scan_json(const struct bs_scan *s)
{
	json_t *o = json_object(), *sum = json_object(), *arr = json_array();

	json_object_set_new(o, "host", json_string(s->host));
	json_object_set_new(o, "root", json_string(s->root));
	json_object_set_new(o, "platform", json_string(s->platform));
	json_object_set_new(o, "started_at", json_string(s->started_at));
	for (int i = 0; i < BS_SCAN_STATUS_COUNT; i++)
		json_object_set_new(sum, status_names[i], json_integer(s->count[i]));
	json_object_set_new(sum, "waived", json_integer(s->waived));
	json_object_set_new(o, "summary", sum);
	for (size_t i = 0; i < s->n; i++) {
		const struct bs_scan_result *r = &s->results[i];
		json_t *j = json_object(), *refs = json_array(), *ev = json_array();
		json_object_set_new(j, "id", json_string(r->check->id));
		json_object_set_new(j, "status", json_string(status_names[r->status]));
		json_object_set_new(j, "severity", json_string(bs_scan_severity_name(r->check->severity)));
		json_object_set_new(j, "title", text_json(&r->check->title));
		for (size_t k = 0; k < r->check->nrefs; k++)
			json_array_append_new(refs, json_string(r->check->refs[k]));
		json_object_set_new(j, "refs", refs);
		if (r->reason)
			json_object_set_new(j, "reason", json_string(r->reason));
		for (size_t k = 0; k < r->nev; k++) {
			const struct bs_scan_evidence *e = &r->ev[k];
			json_t *je = json_object();
			json_object_set_new(je, "file", nullable(e->file));
			json_object_set_new(je, "line", e->line ? json_integer(e->line) : json_null());
			json_object_set_new(je, "subject", nullable(e->subject));
			json_object_set_new(je, "found", json_string(e->found));
			json_object_set_new(je, "required", json_string(e->required));
			json_array_append_new(ev, je);
		}
		json_object_set_new(j, "evidence", ev);
		if (r->status != BS_SCAN_PASS)
			json_object_set_new(j, "remediation", text_json(&r->check->remediation));
		if (r->waiver) {
			json_t *w = json_object();
			json_object_set_new(w, "id", json_integer(r->waiver->id));
			json_object_set_new(w, "justification", json_string(r->waiver->justification));
			json_object_set_new(w, "approver", json_string(r->waiver->approver));
			json_object_set_new(w, "expires", json_string(r->waiver->expires));
			json_object_set_new(j, "waiver", w);
		}
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "results", arr);
	char *txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return txt;
}
