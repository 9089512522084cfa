/* feed.c - the names in the files a broker downloads or mirrors: newly registered domain
 * lists, Certificate Transparency exports (JSON lines), zone files. A feed is outside input:
 * every line is distrusted, a bad one is counted with its number and never stops the rest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/error.h"
#include "lookalike/check.h"

typedef int (*name_fn)(const char *name, size_t len, int64_t line, void *ctx);

const char *bs_feed_kind_name(enum bs_feed_kind k)
{
	switch (k) {
	case BS_FEED_NAMES: return "names";
	case BS_FEED_CT: return "ct";
	case BS_FEED_ZONE: return "zone";
	}
	return "?";
}

static void bad(struct bs_feed_stats *st, int64_t line)
{
	if (st->bad && st->last_bad == line)
		return; /* a line is bad once, however many of its names are */
	st->last_bad = line;
	if (st->bad < BS_FEED_BAD_SHOWN)
		st->first_bad[st->bad] = line;
	st->bad++;
}

/* Gives fn a name and counts it; 0, or fn's error. */
static int give(name_fn fn, void *ctx, struct bs_feed_stats *st, const char *name, size_t len, int64_t line)
{
	int rc = fn(name, len, line, ctx);
	if (rc < 0)
		return rc;
	if (rc > 0)
		bad(st, line);
	else
		st->names++;
	return 0;
}

/* ---- names: one a line ---- */

static int names_line(char *s, size_t len, int64_t line, name_fn fn, void *ctx, struct bs_feed_stats *st)
{
	size_t n;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (!len || *s == '#')
		return 0;
	/* a CSV export's first field, or a list with a date after the name */
	n = 0;
	while (n < len && s[n] != ',' && s[n] != ';' && s[n] != ' ' && s[n] != '\t' && s[n] != '\r')
		n++;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	if (!n) {
		bad(st, line);
		return 0;
	}
	return give(fn, ctx, st, s, n, line);
}

/* ---- ct: JSON lines ---- */

static const char *const ct_keys[] = { "all_domains", "dns_names", "domains", "names", "san", "subject_alt_names",
				       "name_value", "common_name", "domain", "cn", NULL };

static int ct_names(json_t *v, int depth, int64_t line, name_fn fn, void *ctx, struct bs_feed_stats *st, int *found)
{
	const char *key;
	json_t *x;
	int err;

	if (depth > 4 || !json_is_object(v))
		return 0;
	json_object_foreach(v, key, x) {
		int ours = 0;
		for (size_t i = 0; ct_keys[i]; i++)
			ours |= !strcmp(key, ct_keys[i]);
		if (ours && json_is_string(x)) {
			/* crt.sh's name_value holds several names, one a line */
			const char *s = json_string_value(x);
			size_t len = json_string_length(x);
			while (len) {
				size_t n = strcspn(s, "\n");
				if (n > len)
					n = len;
				if (n) {
					*found = 1;
					if ((err = give(fn, ctx, st, s, n, line)) < 0)
						return err;
				}
				s += n;
				len -= n;
				if (len)
					s++, len--;
			}
		} else if (ours && json_is_array(x)) {
			size_t i;
			json_t *e;
			json_array_foreach(x, i, e) {
				if (!json_is_string(e))
					continue;
				*found = 1;
				if ((err = give(fn, ctx, st, json_string_value(e), json_string_length(e), line)) < 0)
					return err;
			}
		} else if (json_is_object(x)) {
			if ((err = ct_names(x, depth + 1, line, fn, ctx, st, found)) < 0)
				return err;
		}
	}
	return 0;
}

static int ct_line(const char *s, size_t len, int64_t line, name_fn fn, void *ctx, struct bs_feed_stats *st)
{
	json_error_t je;
	json_t *v;
	int found = 0, err = 0;

	while (len && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (!len)
		return 0;
	if (!(v = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je))) {
		bad(st, line);
		return 0;
	}
	if (json_is_array(v)) { /* a bare list of names */
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (json_is_string(e)) {
				found = 1;
				if ((err = give(fn, ctx, st, json_string_value(e), json_string_length(e), line)) < 0)
					break;
			}
		}
	} else {
		err = ct_names(v, 0, line, fn, ctx, st, &found);
	}
	json_decref(v);
	if (err < 0)
		return err;
	if (!found)
		bad(st, line);
	return 0;
}

/* ---- zone: RFC 1035 master file, owner names only ---- */

struct zone {
	char origin[256];
	int paren;        /* inside ( ... ) of a record spread over lines */
	char last[512];   /* the last owner given, for names repeated by leading blanks */
};

/* The token at *p (a quoted string is one token); *p moves past it. */
static size_t token(const char **p, const char *end, const char **start)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	*start = s;
	if (s < end && *s == '"') {
		s++;
		while (s < end && *s != '"')
			s += (*s == '\\' && s + 1 < end) ? 2 : 1;
		if (s < end)
			s++;
	} else {
		while (s < end && *s != ' ' && *s != '\t' && *s != '\r' && *s != ';' && *s != '(' && *s != ')')
			s += (*s == '\\' && s + 1 < end) ? 2 : 1;
		if (s == *start && s < end && (*s == '(' || *s == ')'))
			s++;
	}
	*p = s;
	return (size_t)(s - *start);
}

static int zone_line(struct zone *z, const char *s, size_t len, int64_t line, name_fn fn, void *ctx,
		     struct bs_feed_stats *st)
{
	const char *p = s, *end = s + len, *t;
	size_t n;
	int owner_given = len && s[0] != ' ' && s[0] != '\t';
	char name[512];

	/* the parentheses of this line, outside quotes and comments */
	int was_paren = z->paren;
	for (const char *q = s; q < end && *q != ';'; q++) {
		if (*q == '"') {
			for (q++; q < end && *q != '"'; q++)
				if (*q == '\\')
					q++;
			if (q >= end)
				break;
		} else if (*q == '(') {
			z->paren++;
		} else if (*q == ')' && z->paren) {
			z->paren--;
		}
	}
	if (was_paren)
		return 0; /* a record's continuation: rdata only */
	n = token(&p, end, &t);
	if (!n || *t == ';')
		return 0;
	if (*t == '$') {
		if (n == 7 && !strncmp(t, "$ORIGIN", 7)) {
			const char *o;
			size_t on = token(&p, end, &o);
			if (!on || on >= sizeof(z->origin) || o[on - 1] != '.') {
				bad(st, line);
				return 0;
			}
			memcpy(z->origin, o, on - 1);
			z->origin[on - 1] = 0;
		} else if (!(n == 4 && !strncmp(t, "$TTL", 4))) {
			bad(st, line); /* $INCLUDE and others are not followed: counted */
		}
		return 0;
	}
	if (!owner_given)
		return 0; /* the same owner as the line before: already given */
	if (n == 1 && *t == '@') {
		if (!z->origin[0]) {
			bad(st, line);
			return 0;
		}
		snprintf(name, sizeof(name), "%s", z->origin);
	} else if (t[n - 1] == '.') {
		snprintf(name, sizeof(name), "%.*s", (int)(n - 1), t);
	} else if (z->origin[0]) {
		snprintf(name, sizeof(name), "%.*s.%s", (int)n, t, z->origin);
	} else {
		snprintf(name, sizeof(name), "%.*s", (int)n, t);
	}
	if (!strcmp(name, z->last))
		return 0; /* a name's records come together: give it once */
	if (!strchr(name, '.'))
		return 0; /* a top-level zone's apex ("tw"): no registrable name, and no bad line */
	snprintf(z->last, sizeof(z->last), "%s", name);
	return give(fn, ctx, st, name, strlen(name), line);
}

/* ---- the line loop ---- */

struct reader {
	enum bs_feed_kind kind;
	struct zone zone;
	name_fn fn;
	void *ctx;
	struct bs_feed_stats *st;
};

static int one_line(struct reader *r, char *s, size_t len)
{
	int64_t line = ++r->st->lines;
	if (memchr(s, 0, len)) { /* binary: not a line of any format */
		bad(r->st, line);
		return 0;
	}
	switch (r->kind) {
	case BS_FEED_NAMES:
		return names_line(s, len, line, r->fn, r->ctx, r->st);
	case BS_FEED_CT:
		return ct_line(s, len, line, r->fn, r->ctx, r->st);
	case BS_FEED_ZONE:
		return zone_line(&r->zone, s, len, line, r->fn, r->ctx, r->st);
	}
	return 0;
}

int bs_feed_read_mem(const char *data, size_t size, enum bs_feed_kind kind, name_fn fn, void *ctx,
		     struct bs_feed_stats *st)
{
	struct reader r = { .kind = kind, .fn = fn, .ctx = ctx, .st = st };
	size_t off = 0;
	int err;

	memset(st, 0, sizeof(*st));
	while (off < size) {
		const char *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - data - off) : size - off;
		char *copy = bs_strndup(data + off, len);
		err = one_line(&r, copy, len);
		free(copy);
		if (err < 0)
			return err;
		off += len + (nl ? 1 : 0);
	}
	return 0;
}

int bs_feed_read(const char *path, enum bs_feed_kind kind, name_fn fn, void *ctx, struct bs_feed_stats *st)
{
	struct reader r = { .kind = kind, .fn = fn, .ctx = ctx, .st = st };
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int err = 0;

	memset(st, 0, sizeof(*st));
	if (!(f = fopen(path, "r")))
		return bs_error(BS_ERR, "cannot read the feed '%s': %s", path, bs_strerror(errno));
	errno = 0;
	while ((got = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)got;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if ((err = one_line(&r, line, len)) < 0)
			break;
	}
	if (err == 0 && ferror(f))
		err = bs_error(BS_ERR, "cannot read the feed '%s' after line %lld: %s", path, (long long)st->lines,
			       bs_strerror(errno));
	free(line);
	fclose(f);
	return err;
}

/* ---- tokens of a log line ---- */

static int tok_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c >= 0x80;
}

int bs_feed_tokens(const char *text, name_fn fn, int64_t line, void *ctx)
{
	const unsigned char *p = (const unsigned char *)text;
	int err;

	while (*p) {
		const unsigned char *s;
		size_t n;
		while (*p && !tok_char(*p))
			p++;
		s = p;
		while (*p && tok_char(*p))
			p++;
		n = (size_t)(p - s);
		while (n && s[n - 1] == '.') /* the end of a sentence */
			n--;
		while (n && *s == '.')
			s++, n--;
		if (n < 4 || n > 253 || !memchr(s, '.', n))
			continue;
		if ((err = fn((const char *)s, n, line, ctx)) < 0)
			return err;
	}
	return 0;
}
