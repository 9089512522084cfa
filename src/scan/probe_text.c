/* probe_text.c - the probe library's text helpers: lines, trimming, numbers, colon
 * fields, and configuration files read with comments dropped (bs_probe_conf_*). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

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

int bs_split_colon(char *line, char **f, int n)
{
	int i = 0;
	f[i++] = line;
	for (char *p = line; *p; p++)
		if (*p == ':') {
			if (i == n)
				return -1;
			*p = '\0';
			f[i++] = p + 1;
		}
	return i == n ? 0 : -1;
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0 (invalid: overlong,
 * a surrogate, above U+10FFFF, cut short). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t l;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		l = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		l = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		l = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (l > n)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if ((l == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (l == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return l;
}

int bs_probe_text_check(const char *path, const struct bs_buf *b)
{
	const unsigned char *p = (const unsigned char *)b->ptr;
	size_t i = 0, line_start = 0;
	int line = 1;

	for (;;) {
		size_t l;
		if (i >= b->len)
			return 0;
		if (p[i] == '\n') {
			line++;
			line_start = ++i;
			continue;
		}
		if (i - line_start >= BS_CONF_LINE_MAX)
			return bs_error(BS_EINVALID, "'%s' is not a text file (a line longer than 32768 bytes at line %d): it "
					"was not read; check that it is the configuration file and restore it", path, line);
		if (p[i] == '\0')
			return bs_error(BS_EINVALID, "'%s' is not a text file (a NUL byte at line %d): it was not read; check "
					"that it is the configuration file and restore it", path, line);
		if (!(l = utf8_len(p + i, b->len - i)))
			return bs_error(BS_EINVALID, "'%s' is not a text file (invalid UTF-8 at line %d): it was not read; "
					"check that it is the configuration file and restore it", path, line);
		i += l;
	}
}

int bs_probe_conf_open(struct bs_probe_conf *c, const struct bs_probe_ctx *ctx, const char *path, unsigned flags)
{
	int err;

	memset(c, 0, sizeof(*c));
	bs_buf_init(&c->text);
	bs_buf_init(&c->joined);
	c->flags = flags;
	/* a file that failed half-way (too large, an I/O error) yields nothing at all */
	if ((err = bs_probe_read(ctx, path, &c->text)) < 0 || (err = bs_probe_text_check(path, &c->text)) < 0)
		bs_buf_release(&c->text);
	return err;
}

char *bs_probe_conf_next(struct bs_probe_conf *c)
{
	char *l;

	bs_buf_clear(&c->joined);
	while ((l = bs_text_line(&c->text, &c->pos, &c->lineno))) {
		char *hash = (c->flags & BS_CONF_HASH) ? strchr(l, '#') : NULL;
		size_t n;

		if (!c->joined.len)
			c->line = c->lineno;
		if (hash)
			*hash = '\0';
		n = strlen(l);
		/* a backslash last on the line (before trimming) joins the next one; a comment ends it */
		if ((c->flags & BS_CONF_CONTINUE) && n && l[n - 1] == '\\' && !hash) {
			bs_buf_put(&c->joined, l, n - 1);
			bs_buf_putc(&c->joined, ' ');
			continue;
		}
		if (c->joined.len) {
			bs_buf_puts(&c->joined, l);
			l = c->joined.ptr;
		}
		l = bs_text_trim(l);
		if (!*l || ((c->flags & BS_CONF_HASH_LINE) && *l == '#')) {
			bs_buf_clear(&c->joined);
			continue;
		}
		return l;
	}
	/* a continuation on the last line ends with the file */
	if (c->joined.len && *(l = bs_text_trim(c->joined.ptr)))
		return l;
	return NULL;
}

char *bs_probe_conf_raw(struct bs_probe_conf *c)
{
	char *l;

	bs_buf_clear(&c->joined);
	if ((l = bs_text_line(&c->text, &c->pos, &c->lineno)))
		c->line = c->lineno;
	return l;
}

void bs_probe_conf_release(struct bs_probe_conf *c)
{
	bs_buf_release(&c->text);
	bs_buf_release(&c->joined);
}
