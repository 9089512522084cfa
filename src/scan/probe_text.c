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

int bs_probe_conf_open(struct bs_probe_conf *c, const struct bs_probe_ctx *ctx, const char *path, unsigned flags)
{
	int err;

	memset(c, 0, sizeof(*c));
	bs_buf_init(&c->text);
	bs_buf_init(&c->joined);
	c->flags = flags;
	/* a file that failed half-way (too large, an I/O error) yields nothing at all */
	if ((err = bs_probe_read(ctx, path, &c->text)) < 0)
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
