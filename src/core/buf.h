/*
 * buf.h - the one growable byte buffer. SQL, JSON and report text are built in it.
 *
 * A buffer is never NULL-pointed once initialised (BS_BUF_INIT points at an empty string),
 * always NUL-terminated, and may hold binary data (len counts bytes). Allocation failure
 * aborts the process: out of memory is not a condition brokersec tries to survive.
 */
#ifndef BS_CORE_BUF_H
#define BS_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/error.h"

struct bs_buf {
	char *ptr;
	size_t len;
	size_t cap;
};

extern char bs_buf__empty[];
#define BS_BUF_INIT { bs_buf__empty, 0, 0 }

void bs_buf_init(struct bs_buf *b);
void bs_buf_grow(struct bs_buf *b, size_t extra);
void bs_buf_put(struct bs_buf *b, const void *data, size_t len);
void bs_buf_puts(struct bs_buf *b, const char *s);
void bs_buf_putc(struct bs_buf *b, char c);
void bs_buf_printf(struct bs_buf *b, const char *fmt, ...) BS_PRINTF(2, 3);
void bs_buf_vprintf(struct bs_buf *b, const char *fmt, va_list ap);
void bs_buf_truncate(struct bs_buf *b, size_t len);
void bs_buf_clear(struct bs_buf *b);
/* Frees the storage and leaves an empty buffer. */
void bs_buf_release(struct bs_buf *b);
/* Hands the NUL-terminated storage to the caller (free() it) and leaves an empty buffer. */
char *bs_buf_detach(struct bs_buf *b, size_t *len);

/* Reads a whole file into b (appending). Returns 0, or BS_ENOTFOUND / BS_ERR with a message. */
int bs_buf_read_file(struct bs_buf *b, const char *path);
/* Appends s (NULL: nothing) as HTML text: < > & " ' escaped; with br, a newline as <br>. */
void bs_buf_put_html(struct bs_buf *b, const char *s, int br);

/* Checked allocation helpers: abort on overflow or exhaustion. */
void *bs_malloc(size_t n);
void *bs_calloc(size_t n, size_t size);
void *bs_realloc(void *p, size_t n);
char *bs_strdup(const char *s);
char *bs_strndup(const char *s, size_t n);
size_t bs_size_mul(size_t a, size_t b);
size_t bs_size_add(size_t a, size_t b);

#endif
