/*
 * table.h - table rows whose cells wrap instead of being cut: a cell wider than its column
 * continues on the next line of the same row (CJK width aware, core/utf8.h), so the officer
 * reads every word without --format json.
 */
#ifndef BS_CORE_TABLE_H
#define BS_CORE_TABLE_H

#include <stddef.h>

#include "core/buf.h"

/* Appends one row of n cells (NULL reads as ""), each wrapped to its column's width and
 * separated by one space; a width of 0 for the last column takes the rest of the terminal
 * (bs_term_width(), at least 20 columns). No trailing blanks; ends with a newline. */
void bs_table_row(struct bs_buf *out, const char *const *cells, const size_t *widths, size_t n);

#endif
