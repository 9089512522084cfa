/*
 * utf8.h - decoding, validation and terminal display width of UTF-8 text (CJK is two columns
 * wide). Width is computed here rather than with wcwidth() so output does not depend on the
 * locale. bs_utf8_next is brokersec's one UTF-8 decoder: whoever reads UTF-8 calls it.
 */
#ifndef BS_CORE_UTF8_H
#define BS_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Decodes the sequence at s[0..len): its length in bytes (1..4) with the code point in *cp,
 * or 0 when s does not start with a well-formed sequence (len 0, a stray continuation byte,
 * a sequence cut short, an overlong form, a surrogate, beyond U+10FFFF). Every byte below
 * 0x80 is a sequence of 1, NUL and controls included: what text to take is the caller's
 * call. Inline: the syslog intake runs it on every non-ASCII character it receives. */
static inline size_t bs_utf8_next(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;
	uint32_t c, min;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* 1 when s[0..len) is well-formed UTF-8 with no NUL and no C0 controls but \t \n \r. */
int bs_utf8_valid_text(const char *s, size_t len);
/* Display columns of a valid UTF-8 string. */
size_t bs_utf8_width(const char *s);
/* Appends s to b, cut to at most width columns ("…" marks a cut) and padded with spaces
 * to exactly width columns when pad is set. */
void bs_utf8_put_cell(struct bs_buf *b, const char *s, size_t width, int pad);
/* Appends s to b wrapped to width columns instead of cut: the cursor is at column first;
 * each new line starts with indent spaces. English words stay whole (a word longer than a
 * line is broken), CJK text breaks between any two characters. No trailing newline. */
void bs_utf8_wrap(struct bs_buf *b, const char *s, size_t first, size_t width, size_t indent);

#endif
