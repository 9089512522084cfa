#include "core/table.h"

#include <string.h>

#include "core/term.h"
#include "core/utf8.h"

#define MAX_CELLS 32

void bs_table_row(struct bs_buf *out, const char *const *cells, const size_t *widths, size_t n)
{
	struct bs_buf wrapped[MAX_CELLS];
	const char *pos[MAX_CELLS];
	size_t w[MAX_CELLS], used = 0;
	int more = 1;

	if (n > MAX_CELLS)
		n = MAX_CELLS;
	for (size_t i = 0; i < n; i++) {
		w[i] = widths[i];
		if (i + 1 == n && w[i] == 0) {
			size_t term = bs_term_width();
			w[i] = term > used + 20 ? term - used : 20;
		}
		used += w[i] + 1;
		wrapped[i] = (struct bs_buf)BS_BUF_INIT;
		bs_utf8_wrap(&wrapped[i], cells[i] ? cells[i] : "", 0, w[i], 0);
		pos[i] = wrapped[i].ptr;
	}
	while (more) {
		size_t start = out->len;
		more = 0;
		for (size_t i = 0; i < n; i++) {
			size_t len = strcspn(pos[i], "\n");
			struct bs_buf line = BS_BUF_INIT;
			bs_buf_put(&line, pos[i], len);
			if (i)
				bs_buf_putc(out, ' ');
			bs_utf8_put_cell(out, line.ptr, w[i], 1);
			bs_buf_release(&line);
			pos[i] += len;
			if (*pos[i] == '\n')
				pos[i]++;
			if (*pos[i])
				more = 1;
		}
		while (out->len > start && out->ptr[out->len - 1] == ' ')
			bs_buf_truncate(out, out->len - 1);
		bs_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < n; i++)
		bs_buf_release(&wrapped[i]);
}
