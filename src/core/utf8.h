/*
 * utf8.h - validation and terminal display width of UTF-8 text (CJK is two columns wide).
 * Width is computed here rather than with wcwidth() so output does not depend on the locale.
 */
#ifndef BS_CORE_UTF8_H
#define BS_CORE_UTF8_H

#include <stddef.h>

#include "core/buf.h"

/* 1 when s[0..len) is well-formed UTF-8 with no NUL and no C0 controls but \t \n \r. */
int bs_utf8_valid_text(const char *s, size_t len);
/* Display columns of a valid UTF-8 string. */
size_t bs_utf8_width(const char *s);
/* Appends s to b, cut to at most width columns ("…" marks a cut) and padded with spaces
 * to exactly width columns when pad is set. */
void bs_utf8_put_cell(struct bs_buf *b, const char *s, size_t width, int pad);

#endif
