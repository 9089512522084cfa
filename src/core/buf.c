#include "core/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char bs_buf__empty[1];

static void die_oom(void)
{
	static const char msg[] = "brokersec: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

size_t bs_size_mul(size_t a, size_t b)
{
	if (b != 0 && a > SIZE_MAX / b)
		die_oom();
	return a * b;
}

size_t bs_size_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		die_oom();
	return a + b;
}

void *bs_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *bs_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *bs_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom();
	return q;
}

char *bs_strndup(const char *s, size_t n)
{
	char *p = bs_malloc(bs_size_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *bs_strdup(const char *s)
{
	return bs_strndup(s, strlen(s));
}

void bs_buf_init(struct bs_buf *b)
{
	b->ptr = bs_buf__empty;
	b->len = 0;
	b->cap = 0;
}

void bs_buf_grow(struct bs_buf *b, size_t extra)
{
	size_t need = bs_size_add(bs_size_add(b->len, extra), 1);
	size_t cap;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = bs_size_mul(cap, 2);
	if (b->cap == 0) {
		b->ptr = bs_malloc(cap);
		b->ptr[0] = '\0';
	} else {
		b->ptr = bs_realloc(b->ptr, cap);
	}
	b->cap = cap;
}

void bs_buf_put(struct bs_buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	bs_buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void bs_buf_puts(struct bs_buf *b, const char *s)
{
	bs_buf_put(b, s, strlen(s));
}

void bs_buf_putc(struct bs_buf *b, char c)
{
	bs_buf_put(b, &c, 1);
}

void bs_buf_vprintf(struct bs_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->cap == 0 || (size_t)n >= b->cap - b->len) {
		bs_buf_grow(b, (size_t)n);
		n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
		if (n < 0)
			return;
	}
	b->len += (size_t)n;
}

void bs_buf_printf(struct bs_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bs_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void bs_buf_truncate(struct bs_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

void bs_buf_clear(struct bs_buf *b)
{
	bs_buf_truncate(b, 0);
}

void bs_buf_release(struct bs_buf *b)
{
	if (b->cap)
		free(b->ptr);
	bs_buf_init(b);
}

char *bs_buf_detach(struct bs_buf *b, size_t *len)
{
	char *p;

	if (b->cap == 0)
		bs_buf_grow(b, 0);
	p = b->ptr;
	if (len)
		*len = b->len;
	bs_buf_init(b);
	return p;
}

int bs_buf_read_file(struct bs_buf *b, const char *path)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR,
				"cannot open '%s': %s", path, bs_strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return bs_error(BS_ERR, "cannot read '%s': %s", path, bs_strerror(e));
		}
		if (n == 0)
			break;
		bs_buf_put(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

void bs_buf_put_html(struct bs_buf *b, const char *s, int br)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': bs_buf_puts(b, "&lt;"); break;
		case '>': bs_buf_puts(b, "&gt;"); break;
		case '&': bs_buf_puts(b, "&amp;"); break;
		case '"': bs_buf_puts(b, "&quot;"); break;
		case '\'': bs_buf_puts(b, "&#39;"); break;
		case '\n':
			if (br) {
				bs_buf_puts(b, "<br>");
				break;
			}
			/* fall through */
		default: bs_buf_putc(b, *s);
		}
	}
}
