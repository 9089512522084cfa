#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

int bs_utf8_valid_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	while (len) {
		uint32_t cp;
		size_t n = bs_utf8_next((const char *)p, len, &cp);
		if (!n)
			return 0;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

static int cp_width(uint32_t c)
{
	if (c == 0 || (c >= 0x300 && c <= 0x36f) || c == 0x200b)
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t bs_utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), w = 0;
	while (len) {
		uint32_t cp;
		size_t n = bs_utf8_next((const char *)p, len, &cp);
		if (!n) { /* treat a stray byte as one column */
			n = 1;
			cp = '?';
		}
		w += (size_t)cp_width(cp);
		p += n;
		len -= n;
	}
	return w;
}

void bs_utf8_put_cell(struct bs_buf *b, const char *s, size_t width, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), used = 0;
	int cut = bs_utf8_width(s) > width;
	size_t limit = cut && width > 0 ? width - 1 : width;

	while (len) {
		uint32_t cp;
		size_t n = bs_utf8_next((const char *)p, len, &cp);
		if (!n) {
			n = 1;
			cp = '?';
		}
		if (cp == '\n' || cp == '\t' || cp == '\r')
			cp = ' ';
		size_t w = (size_t)cp_width(cp);
		if (used + w > limit)
			break;
		if (cp == ' ' || n == 1)
			bs_buf_putc(b, cp < 0x80 ? (char)cp : '?');
		else
			bs_buf_put(b, p, n);
		used += w;
		p += n;
		len -= n;
	}
	if (cut && width > 0) {
		bs_buf_puts(b, "\xe2\x80\xa6"); /* … */
		used++;
	}
	while (pad && used < width) {
		bs_buf_putc(b, ' ');
		used++;
	}
}

/* One unit that wrapping keeps whole: a run of non-space characters narrower than two
 * columns each (an English word, a number, an id), or one wide (CJK) character, which may
 * break anywhere. Returns its byte length and its width in *w. */
static size_t wrap_unit(const char *s, size_t len, size_t *w)
{
	size_t pos = 0;
	*w = 0;
	while (pos < len) {
		uint32_t cp;
		size_t n = bs_utf8_next(s + pos, len - pos, &cp);
		if (!n) {
			n = 1;
			cp = '?';
		}
		if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r')
			break;
		int cw = cp_width(cp);
		if (cw == 2 && pos > 0)
			break;
		pos += n;
		*w += (size_t)cw;
		if (cw == 2)
			break;
	}
	return pos;
}

/* Appends the bytes of one unit, replacing invalid bytes like put_cell does. */
static void put_unit(struct bs_buf *b, const char *s, size_t len)
{
	while (len) {
		uint32_t cp;
		size_t n = bs_utf8_next(s, len, &cp);
		if (!n) {
			bs_buf_putc(b, '?');
			n = 1;
		} else {
			bs_buf_put(b, s, n);
		}
		s += n;
		len -= n;
	}
}

void bs_utf8_wrap(struct bs_buf *b, const char *s, size_t first, size_t width, size_t indent)
{
	size_t len = strlen(s), col = first, pos = 0;
	int line_empty = 1;

	if (width <= indent + 4) /* too narrow to wrap sensibly: keep 4 columns of text at least */
		width = indent + 4;
	while (pos < len) {
		if (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\t' || s[pos] == '\r') {
			pos++;
			if (!line_empty && col < width) {
				/* a space is written only before the next unit, when that one fits */
				size_t uw, un = wrap_unit(s + pos, len - pos, &uw);
				if (un && col + 1 + uw <= width) {
					bs_buf_putc(b, ' ');
					col++;
				} else if (un) {
					bs_buf_putc(b, '\n');
					for (size_t i = 0; i < indent; i++)
						bs_buf_putc(b, ' ');
					col = indent;
					line_empty = 1;
				}
			}
			continue;
		}
		size_t uw, un = wrap_unit(s + pos, len - pos, &uw);
		if (!line_empty && col + uw > width) {
			bs_buf_putc(b, '\n');
			for (size_t i = 0; i < indent; i++)
				bs_buf_putc(b, ' ');
			col = indent;
		}
		if (col + uw > width && uw > 1) {
			/* a word longer than the line: break it by characters */
			size_t k = 0;
			while (k < un) {
				uint32_t cp;
				size_t n = bs_utf8_next(s + pos + k, un - k, &cp);
				size_t cw = n ? (size_t)cp_width(cp) : 1;
				if (!n)
					n = 1;
				if (col + cw > width && col > indent) {
					bs_buf_putc(b, '\n');
					for (size_t i = 0; i < indent; i++)
						bs_buf_putc(b, ' ');
					col = indent;
				}
				put_unit(b, s + pos + k, n);
				col += cw;
				k += n;
			}
		} else {
			put_unit(b, s + pos, un);
			col += uw;
		}
		line_empty = 0;
		pos += un;
	}
}
