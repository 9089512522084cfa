/* CSV import and export of registers (RFC 4180). Import checks every row before it adds any:
 * one "file:line: message" per problem, and nothing is imported unless all rows are clean. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "registry/registers.h"
#include "registry/registry_private.h"

#define CSV_MAX_CELLS 64
#define CSV_MAX_CELL 65536
#define CSV_MAX_ERRORS 100

int bs_csv_parse(const char *text, size_t len, int (*fn)(int line, char **cells, size_t n, void *ctx), void *ctx)
{
	struct bs_buf cell = BS_BUF_INIT;
	char *cells[CSV_MAX_CELLS];
	size_t ncells = 0, i = 0;
	int line = 1, start_line = 1, err = 0;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		i = 3; /* a spreadsheet's byte order mark */
	while (i < len && !err) {
		int quoted = 0, row_done = 0;
		start_line = line;
		ncells = 0;
		/* an empty line is no row */
		if (text[i] == '\n' || (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
			i += text[i] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		while (!row_done && !err) {
			bs_buf_clear(&cell);
			quoted = i < len && text[i] == '"';
			if (quoted) {
				i++;
				for (;;) {
					if (i >= len) {
						err = bs_error(BS_EINVALID, "line %d: a quoted cell is not closed: add the closing '\"'",
							       start_line);
						break;
					}
					if (text[i] == '"') {
						if (i + 1 < len && text[i + 1] == '"') {
							bs_buf_putc(&cell, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (text[i] == '\n')
						line++;
					bs_buf_putc(&cell, text[i++]);
				}
				if (err)
					break;
				if (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
					err = bs_error(BS_EINVALID, "line %d: text after a closing quote: quote the whole cell",
						       line);
					break;
				}
			} else {
				while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
					if (text[i] == '"') {
						err = bs_error(BS_EINVALID,
							       "line %d: a quote inside an unquoted cell: quote the cell and "
							       "double the quote (\"\")", line);
						break;
					}
					bs_buf_putc(&cell, text[i++]);
				}
				if (err)
					break;
			}
			if (cell.len > CSV_MAX_CELL) {
				err = bs_error(BS_EINVALID, "line %d: a cell is longer than %d bytes", start_line, CSV_MAX_CELL);
				break;
			}
			if (ncells == CSV_MAX_CELLS) {
				err = bs_error(BS_EINVALID, "line %d: more than %d cells", start_line, CSV_MAX_CELLS);
				break;
			}
			cells[ncells++] = bs_buf_detach(&cell, NULL);
			if (i >= len) {
				row_done = 1;
			} else if (text[i] == ',') {
				i++;
				if (i >= len) /* "a," at the very end: one more empty cell */
					cells[ncells++] = bs_strdup("");
				row_done = i >= len;
			} else if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
				i += 2;
				line++;
				row_done = 1;
			} else if (text[i] == '\n') {
				i++;
				line++;
				row_done = 1;
			} else {
				err = bs_error(BS_EINVALID, "line %d: a bare carriage return: use LF or CRLF line ends", line);
			}
		}
		if (!err)
			err = fn(start_line, cells, ncells, ctx);
		for (size_t k = 0; k < ncells; k++)
			free(cells[k]);
	}
	bs_buf_release(&cell);
	return err;
}

static void put_csv_cell(struct bs_buf *b, const char *s)
{
	size_t len = strlen(s);
	int quote = len && (s[0] == ' ' || s[len - 1] == ' ');
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		bs_buf_puts(b, s);
		return;
	}
	bs_buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			bs_buf_putc(b, '"');
		bs_buf_putc(b, s[i]);
	}
	bs_buf_putc(b, '"');
}

int bs_reg_export_csv(struct bs_store *s, const struct bs_register *r, int all, struct bs_buf *out)
{
	json_t *arr;
	int err;

	/* NEEDSWORK: cells starting with = + - @ are not defused against spreadsheet formula
	 * injection; doing so would break the exact round trip import relies on. */
	if ((err = bs_reg_list(s, r, all, &arr)) < 0)
		return err;
	bs_buf_puts(out, "id");
	for (const struct bs_field *f = r->fields; f->name; f++) {
		bs_buf_putc(out, ',');
		bs_buf_puts(out, f->name);
	}
	bs_buf_puts(out, "\r\n");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *rec = json_array_get(arr, i);
		struct bs_buf cell = BS_BUF_INIT;
		bs_buf_printf(out, "%lld", (long long)json_integer_value(json_object_get(rec, "id")));
		for (const struct bs_field *f = r->fields; f->name; f++) {
			bs_buf_clear(&cell);
			bs_field_format(f, json_object_get(rec, f->name), &cell);
			bs_buf_putc(out, ',');
			put_csv_cell(out, cell.ptr);
		}
		bs_buf_release(&cell);
		bs_buf_puts(out, "\r\n");
	}
	json_decref(arr);
	return 0;
}

struct import {
	struct bs_datadir *dd;
	const struct bs_register *r;
	const char *file;
	struct bs_buf *errors;
	size_t nerrors;
	const struct bs_field *cols[CSV_MAX_CELLS]; /* NULL: the id column */
	size_t ncols;
	int have_header;
	json_t *rows;  /* [{"line": N, "id": N, "rec": {...}}] */
	int fatal;
};

static void problem(struct import *im, int line, const char *fmt, const char *msg)
{
	im->nerrors++;
	if (im->nerrors > CSV_MAX_ERRORS)
		return;
	bs_buf_printf(im->errors, "%s:%d: ", im->file, line);
	bs_buf_printf(im->errors, fmt, msg);
	bs_buf_putc(im->errors, '\n');
}

static int header(struct import *im, int line, char **cells, size_t n)
{
	int idcol = 0;
	for (size_t i = 0; i < n; i++) {
		const struct bs_field *f = bs_register_field(im->r, cells[i]);
		if (!strcmp(cells[i], "id")) {
			if (idcol++) {
				problem(im, line, "%s", "column 'id' appears twice");
			}
			im->cols[i] = NULL;
			continue;
		}
		if (!f) {
			struct bs_buf m = BS_BUF_INIT;
			bs_buf_printf(&m, "unknown column '%.64s': use id", cells[i]);
			for (const struct bs_field *g = im->r->fields; g->name; g++)
				bs_buf_printf(&m, ", %s", g->name);
			problem(im, line, "%s", m.ptr);
			bs_buf_release(&m);
			im->cols[i] = NULL;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (im->cols[j] == f) {
				struct bs_buf m = BS_BUF_INIT;
				bs_buf_printf(&m, "column '%s' appears twice", f->name);
				problem(im, line, "%s", m.ptr);
				bs_buf_release(&m);
			}
		im->cols[i] = f;
	}
	for (const struct bs_field *f = im->r->fields; f->name; f++) {
		int found = 0;
		if (!(f->flags & BS_FF_REQUIRED))
			continue;
		for (size_t i = 0; i < n; i++)
			found |= im->cols[i] == f;
		if (!found) {
			struct bs_buf m = BS_BUF_INIT;
			bs_buf_printf(&m, "the header has no column '%s', which %s requires", f->name, im->r->name);
			problem(im, line, "%s", m.ptr);
			bs_buf_release(&m);
		}
	}
	im->ncols = n;
	im->have_header = 1;
	if (im->nerrors)
		im->fatal = 1; /* rows cannot be read against a broken header */
	return 0;
}

static int row(int line, char **cells, size_t n, void *p)
{
	struct import *im = p;
	json_t *given, *rec = NULL;
	int64_t id = 0;
	int bad = 0;

	if (!im->have_header)
		return header(im, line, cells, n);
	if (im->fatal)
		return 0;
	if (n != im->ncols) {
		struct bs_buf m = BS_BUF_INIT;
		bs_buf_printf(&m, "%zu cells, but the header has %zu columns", n, im->ncols);
		problem(im, line, "%s", m.ptr);
		bs_buf_release(&m);
		return 0;
	}
	given = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct bs_field *f = im->cols[i];
		json_t *v;
		if (!f) {
			char *end;
			if (!*cells[i])
				continue;
			id = strtoll(cells[i], &end, 10);
			if (*end || id <= 0 || cells[i][0] == '+' || cells[i][0] == ' ') {
				struct bs_buf m = BS_BUF_INIT;
				bs_buf_printf(&m, "column 'id': '%.32s' is not an id (a whole number above 0; leave it "
						  "empty for a new id)", cells[i]);
				problem(im, line, "%s", m.ptr);
				bs_buf_release(&m);
				bad = 1;
				id = 0;
			}
			continue;
		}
		if (bs_field_parse(f, cells[i], &v) < 0) {
			struct bs_buf m = BS_BUF_INIT;
			bs_buf_printf(&m, "column '%s': %s", f->name, bs_error_message());
			problem(im, line, "%s", m.ptr);
			bs_buf_release(&m);
			bad = 1;
			continue;
		}
		json_object_set_new(given, f->name, v);
	}
	if (!bad) {
		if (bs_reg__build(im->r, given, &rec) < 0 || bs_register_validate(im->r, rec, 0) < 0 ||
		    bs_reg__check_refs(im->dd->store, im->r, rec, 0) < 0) {
			problem(im, line, "%s", bs_error_message());
			bad = 1;
		}
	}
	if (!bad && id > 0) {
		json_t *got = NULL;
		for (size_t i = 0; i < json_array_size(im->rows); i++)
			if (json_integer_value(json_object_get(json_array_get(im->rows, i), "id")) == id) {
				struct bs_buf m = BS_BUF_INIT;
				bs_buf_printf(&m, "id %lld appears twice in the file", (long long)id);
				problem(im, line, "%s", m.ptr);
				bs_buf_release(&m);
				bad = 1;
			}
		if (!bad && bs_reg_get(im->dd->store, im->r, id, &got) == 0) {
			struct bs_buf m = BS_BUF_INIT;
			bs_buf_printf(&m, "%s %lld exists already: leave the id empty to add a new record, or use "
					  "'brokersec %s update'", im->r->name, (long long)id, im->r->name);
			problem(im, line, "%s", m.ptr);
			bs_buf_release(&m);
			bad = 1;
		}
		json_decref(got);
	}
	if (!bad) {
		json_t *o = json_object();
		json_object_set_new(o, "line", json_integer(line));
		json_object_set_new(o, "id", json_integer(id));
		json_object_set_new(o, "rec", rec);
		rec = NULL;
		json_array_append_new(im->rows, o);
	}
	json_decref(rec);
	json_decref(given);
	return 0;
}

int bs_reg_import_csv(struct bs_datadir *dd, const struct bs_register *r, const char *file, const char *text,
		      size_t len, struct bs_buf *errors, size_t *count)
{
	struct import im;
	json_t *ids = NULL;
	int err;

	*count = 0;
	memset(&im, 0, sizeof(im));
	im.dd = dd;
	im.r = r;
	im.file = file;
	im.errors = errors;
	im.rows = json_array();
	if (!r->csv) {
		json_decref(im.rows);
		return bs_error(BS_EINVALID, "%s has no CSV import: only person, training, device and asset do", r->name);
	}
	if (memchr(text, '\0', len)) {
		json_decref(im.rows);
		return bs_error(BS_EINVALID, "'%s' is not a text file (it holds NUL bytes): save it as CSV (UTF-8)", file);
	}
	err = bs_csv_parse(text, len, row, &im);
	if (err < 0) {
		/* broken quoting: the rest of the file cannot be split into rows */
		const char *m = bs_error_message();
		im.nerrors++;
		if (!strncmp(m, "line ", 5))
			bs_buf_printf(errors, "%s:%s\n", file, m + 5);
		else
			bs_buf_printf(errors, "%s: %s\n", file, m);
		err = 0;
	}
	if (!im.have_header) {
		im.nerrors++;
		bs_buf_printf(errors, "%s:1: the file is empty: the first line must name the columns\n", file);
	}
	if (im.nerrors) {
		if (im.nerrors > CSV_MAX_ERRORS)
			bs_buf_printf(errors, "%s: %zu more problems not shown\n", file, im.nerrors - CSV_MAX_ERRORS);
		json_decref(im.rows);
		return bs_error(BS_EINVALID, "'%s' has %zu problem%s: nothing was imported; fix them and import again",
				file, im.nerrors, im.nerrors == 1 ? "" : "s");
	}
	ids = json_array();
	if ((err = bs_store_begin(dd->store)) < 0)
		goto done;
	for (size_t i = 0; i < json_array_size(im.rows); i++) {
		const json_t *o = json_array_get(im.rows, i);
		int64_t id;
		if ((err = bs_reg__insert(dd, r, json_object_get(o, "rec"), json_integer_value(json_object_get(o, "id")),
					  &id)) < 0) {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s", bs_error_message());
			err = bs_error(err, "%s:%lld: %s: nothing was imported", file,
				       (long long)json_integer_value(json_object_get(o, "line")), msg);
			goto rollback;
		}
		json_array_append_new(ids, json_integer(id));
	}
	if (json_array_size(ids) && (err = bs_reg__audit_import(dd, r, file, ids)) < 0)
		goto rollback;
	if ((err = bs_store_commit(dd->store)) < 0)
		goto rollback;
	*count = json_array_size(ids);
	goto done;
rollback:
	bs_store_rollback(dd->store);
done:
	json_decref(ids);
	json_decref(im.rows);
	return err;
}
