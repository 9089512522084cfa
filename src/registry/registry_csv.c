/* CSV import and export of registers (RFC 4180). An import is one transaction that rows stream
 * through (memory does not grow with the file): one "file:line: message" per problem, and
 * nothing is imported unless all rows are clean. Export defuses spreadsheet formulas. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/error.h"
#include "registry/registry_private.h"

#define CSV_MAX_CELLS 64
#define CSV_MAX_CELL 65536
#define CSV_MAX_ERRORS 100
#define CSV_CHUNK 65536
/* Rows per audit event: 1 M rows are 100 events of a few hundred bytes each. */
#define BATCH_ROWS 10000

/* Where CSV text comes from: a string in memory, or a file read 64 KiB at a time, so that an
 * import holds one row at a time whatever the size of the file. */
struct csv_in {
	const unsigned char *p; /* the bytes not consumed yet: p[0..n) */
	size_t n;
	int fd;                 /* -1: memory only */
	const char *path;
	unsigned char *buf;     /* the file's window */
	int err;                /* a read error (message set); reading then ends */
};

/* The byte k (0..2) ahead, or -1 at the end (or after a read error). */
static int in_peek(struct csv_in *in, size_t k)
{
	while (in->n <= k && in->fd >= 0 && !in->err) {
		ssize_t got;
		memmove(in->buf, in->p, in->n);
		in->p = in->buf;
		got = read(in->fd, in->buf + in->n, CSV_CHUNK - in->n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			in->err = bs_error(BS_ERR, "cannot read '%s': %s", in->path, bs_strerror(errno));
		if (got <= 0)
			break;
		in->n += (size_t)got;
	}
	return in->n > k ? in->p[k] : -1;
}

static void in_skip(struct csv_in *in, size_t k)
{
	in->p += k;
	in->n -= k;
}

/* Adds one byte to a cell, bounded so that a broken file (an unclosed quote) cannot make a
 * cell, and the memory it takes, as large as the file. */
static int cell_put(struct bs_buf *cell, int c, int line)
{
	if (c == 0)
		return bs_error(BS_EINVALID, "line %d: a NUL byte: this is not a text file; save it as CSV (UTF-8)", line);
	if (cell->len >= CSV_MAX_CELL)
		return bs_error(BS_EINVALID, "line %d: a cell is longer than %d bytes", line, CSV_MAX_CELL);
	bs_buf_putc(cell, (char)c);
	return 0;
}

static int too_many_cells(int line)
{
	return bs_error(BS_EINVALID, "line %d: more than %d cells: a register has fewer columns; check that cells "
			"holding commas are quoted", line, CSV_MAX_CELLS);
}

static int csv_run(struct csv_in *in, int (*fn)(int line, char **cells, size_t n, void *ctx), void *ctx)
{
	struct bs_buf cell = BS_BUF_INIT;
	char *cells[CSV_MAX_CELLS];
	size_t ncells = 0;
	int line = 1, err = 0, c;

	if (in_peek(in, 0) == 0xef && in_peek(in, 1) == 0xbb && in_peek(in, 2) == 0xbf)
		in_skip(in, 3); /* a spreadsheet's byte order mark */
	while (!err && (c = in_peek(in, 0)) >= 0) {
		int start_line = line, row_done = 0;
		ncells = 0;
		/* an empty line is no row */
		if (c == '\n' || (c == '\r' && in_peek(in, 1) == '\n')) {
			in_skip(in, c == '\r' ? 2 : 1);
			line++;
			continue;
		}
		while (!row_done && !err) {
			bs_buf_clear(&cell);
			if (in_peek(in, 0) == '"') {
				in_skip(in, 1);
				for (;;) {
					c = in_peek(in, 0);
					if (c < 0) {
						err = in->err ? in->err
							      : bs_error(BS_EINVALID, "line %d: a quoted cell is not closed: add "
									 "the closing '\"'", start_line);
						break;
					}
					if (c == '"' && in_peek(in, 1) != '"') {
						in_skip(in, 1);
						break;
					}
					in_skip(in, c == '"' ? 2 : 1); /* "" is one quote */
					if (c == '\n')
						line++;
					if ((err = cell_put(&cell, c, line)) < 0)
						break;
				}
				if (err)
					break;
				c = in_peek(in, 0);
				if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
					err = bs_error(BS_EINVALID, "line %d: text after a closing quote: quote the whole cell",
						       line);
					break;
				}
			} else {
				while ((c = in_peek(in, 0)) >= 0 && c != ',' && c != '\n' && c != '\r') {
					if (c == '"') {
						err = bs_error(BS_EINVALID,
							       "line %d: a quote inside an unquoted cell: quote the cell and "
							       "double the quote (\"\")", line);
						break;
					}
					if ((err = cell_put(&cell, c, line)) < 0)
						break;
					in_skip(in, 1);
				}
				if (err)
					break;
			}
			if (ncells == CSV_MAX_CELLS) {
				err = too_many_cells(start_line);
				break;
			}
			cells[ncells++] = bs_buf_detach(&cell, NULL);
			c = in_peek(in, 0);
			if (c < 0) {
				row_done = 1;
			} else if (c == ',') {
				in_skip(in, 1);
				if (in_peek(in, 0) < 0 && !in->err) {
					/* "a," at the very end: one more empty cell, within the bound too */
					if (ncells == CSV_MAX_CELLS) {
						err = too_many_cells(start_line);
						break;
					}
					cells[ncells++] = bs_strdup("");
					row_done = 1;
				}
			} else if (c == '\r' && in_peek(in, 1) == '\n') {
				in_skip(in, 2);
				line++;
				row_done = 1;
			} else if (c == '\n') {
				in_skip(in, 1);
				line++;
				row_done = 1;
			} else {
				err = bs_error(BS_EINVALID, "line %d: a bare carriage return: use LF or CRLF line ends", line);
			}
		}
		/* a read error ends the text early: the last row is cut, so it is not passed on */
		if (!err && in->err)
			err = in->err;
		if (!err)
			err = fn(start_line, cells, ncells, ctx);
		for (size_t k = 0; k < ncells; k++)
			free(cells[k]);
	}
	if (!err && in->err)
		err = in->err;
	bs_buf_release(&cell);
	return err;
}

int bs_csv_parse(const char *text, size_t len, int (*fn)(int line, char **cells, size_t n, void *ctx), void *ctx)
{
	struct csv_in in = { (const unsigned char *)text, len, -1, NULL, NULL, 0 };
	return csv_run(&in, fn, ctx);
}

/* A cell a spreadsheet would run as a formula: it starts with = + - @, a tab or a carriage
 * return (OWASP "CSV injection"), after any number of single quotes. Counting the quotes makes
 * the export's escape (one more quote in front) undone exactly by the import's (one quote
 * less): "=1" <-> "'=1", "'=1" <-> "''=1", and "'x" stays "'x" both ways. */
static int formula_like(const char *s)
{
	while (*s == '\'')
		s++;
	return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

static void put_csv_cell(struct bs_buf *b, const char *s)
{
	size_t len = strlen(s);
	int escape = formula_like(s);
	int quote = escape || (len && (s[0] == ' ' || s[len - 1] == ' '));
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		bs_buf_puts(b, s);
		return;
	}
	bs_buf_putc(b, '"');
	if (escape)
		bs_buf_putc(b, '\'');
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

/* What one audit event says about BATCH_ROWS imported rows. */
struct batch {
	int first_line, last_line;
	int64_t first_id, last_id;
	size_t count;
	char sha256[crypto_hash_sha256_BYTES * 2 + 1];
};

struct import {
	struct bs_datadir *dd;
	const struct bs_register *r;
	const char *file;
	struct bs_buf *errors;
	size_t nerrors;
	const struct bs_field *cols[CSV_MAX_CELLS]; /* NULL: the id column */
	size_t ncols;
	int have_header;
	int fatal;              /* a broken header: rows are not read */
	int failed;             /* the database failed: the import stops (message set) */
	int64_t mark;           /* reg_record's rowid before the import (bs_reg__mark) */
	size_t count;           /* rows inserted so far (in the open transaction) */
	crypto_hash_sha256_state h; /* over the current batch's rows */
	struct batch cur;
	struct batch *done;     /* finished batches: count / BATCH_ROWS of them */
	size_t ndone, cap;
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

static void batch_end(struct import *im)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	if (!im->cur.count)
		return;
	crypto_hash_sha256_final(&im->h, digest);
	sodium_bin2hex(im->cur.sha256, sizeof(im->cur.sha256), digest, sizeof(digest));
	if (im->ndone == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 16;
		im->done = bs_realloc(im->done, im->cap * sizeof(*im->done));
	}
	im->done[im->ndone++] = im->cur;
	memset(&im->cur, 0, sizeof(im->cur));
}

/* Counts an inserted row into the current batch; its digest covers "<id>\t<data>\n" of each
 * row in file order, data exactly as reg_history.new_data keeps it (docs/registers.md). */
static void batch_add(struct import *im, int line, int64_t id, const char *data)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%lld\t", (long long)id);
	if (!im->cur.count) {
		crypto_hash_sha256_init(&im->h);
		im->cur.first_line = line;
		im->cur.first_id = id;
	}
	crypto_hash_sha256_update(&im->h, (const unsigned char *)head, (unsigned long long)n);
	crypto_hash_sha256_update(&im->h, (const unsigned char *)data, strlen(data));
	crypto_hash_sha256_update(&im->h, (const unsigned char *)"\n", 1);
	im->cur.last_line = line;
	im->cur.last_id = id;
	im->cur.count++;
	im->count++;
	if (im->cur.count == BATCH_ROWS)
		batch_end(im);
}

/* The import's end of a problem with the database: the whole import stops. */
static int db_failed(struct import *im, int line, int err)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", bs_error_message());
	im->failed = 1;
	return bs_error(err, "%s:%d: %s: nothing was imported", im->file, line, msg);
}

static int row(int line, char **cells, size_t n, void *p)
{
	struct import *im = p;
	json_t *given, *rec = NULL;
	int64_t id = 0;
	int bad = 0, err = 0;

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
		const char *text = cells[i];
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
		/* the export's formula escape: one leading quote less (see formula_like) */
		if (text[0] == '\'' && formula_like(text))
			text++;
		if (bs_field_parse(f, text, &v) < 0) {
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
		    bs_reg__check_refs(im->dd->store, im->r, rec, 0, 0) < 0) {
			problem(im, line, "%s", bs_error_message());
			bad = 1;
		}
	}
	if (!bad && id > 0) {
		int mine = 0, have = bs_reg__exists_since(im->dd->store, im->r, id, im->mark, &mine);
		struct bs_buf m = BS_BUF_INIT;
		if (have < 0) {
			err = db_failed(im, line, have);
			goto done;
		}
		if (have && mine)
			bs_buf_printf(&m, "id %lld is taken by an earlier line of the file: give each line its own id, "
					  "or leave the ids empty", (long long)id);
		else if (have)
			bs_buf_printf(&m, "%s %lld exists already: leave the id empty to add a new record, or use "
					  "'brokersec %s update'", im->r->name, (long long)id, im->r->name);
		if (have) {
			problem(im, line, "%s", m.ptr);
			bad = 1;
		}
		bs_buf_release(&m);
	}
	/* Rows go into the one open transaction as they come, so that memory stays bounded;
	 * after a problem the rest is still inserted, to find every clash, and all of it is
	 * rolled back at the end. */
	if (!bad) {
		int64_t newid = 0;
		char *data = NULL;
		if ((err = bs_reg__insert(im->dd, im->r, rec, id, &newid, &data)) < 0) {
			err = db_failed(im, line, err);
			goto done;
		}
		batch_add(im, line, newid, data);
		free(data);
	}
done:
	json_decref(rec);
	json_decref(given);
	return err;
}

/* One event per batch, each before the commit: a change that cannot be logged does not happen. */
static int audit(struct import *im)
{
	struct bs_buf type = BS_BUF_INIT;
	int err = 0;

	bs_buf_printf(&type, "register.%s.import", im->r->name);
	for (size_t i = 0; i < im->ndone && !err; i++) {
		const struct batch *b = &im->done[i];
		json_t *d = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:[i,i], s:I, s:I, s:s}", "register", im->r->name,
				      "file", im->file, "part", (json_int_t)(i + 1), "parts", (json_int_t)im->ndone,
				      "total", (json_int_t)im->count, "count", (json_int_t)b->count, "lines",
				      b->first_line, b->last_line, "first_id", (json_int_t)b->first_id, "last_id",
				      (json_int_t)b->last_id, "sha256", b->sha256);
		char *data = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (!data)
			abort(); /* only on allocation failure */
		err = bs_audit(im->dd, type.ptr, "success", data,
			       "%s: %zu records imported from '%s' (part %zu of %zu: lines %d-%d, ids %lld-%lld)",
			       im->r->name, b->count, im->file, i + 1, im->ndone, b->first_line, b->last_line,
			       (long long)b->first_id, (long long)b->last_id);
		free(data);
		json_decref(d);
	}
	bs_buf_release(&type);
	return err;
}

/* Every import, from memory or from a file: one transaction, rows streamed through it. */
static int import_from(struct bs_datadir *dd, const struct bs_register *r, const char *file, struct csv_in *in,
		       struct bs_buf *errors, size_t *count)
{
	struct import im;
	int err;

	*count = 0;
	memset(&im, 0, sizeof(im));
	im.dd = dd;
	im.r = r;
	im.file = file;
	im.errors = errors;
	if (!r->csv)
		return bs_error(BS_EINVALID, "%s has no CSV import: only person, training, device and asset do", r->name);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_reg__mark(dd->store, &im.mark)) < 0)
		goto rollback;
	err = csv_run(in, row, &im);
	if (err < 0 && (im.failed || err != BS_EINVALID))
		goto rollback; /* the database or the file could not be read: message set */
	if (err < 0) {
		/* broken quoting: the rest of the file cannot be split into rows */
		const char *m = bs_error_message();
		im.nerrors++;
		if (!strncmp(m, "line ", 5))
			bs_buf_printf(errors, "%s:%s\n", file, m + 5);
		else
			bs_buf_printf(errors, "%s: %s\n", file, m);
	}
	if (!im.have_header) {
		im.nerrors++;
		bs_buf_printf(errors, "%s:1: the file is empty: the first line must name the columns\n", file);
	}
	if (im.nerrors) {
		if (im.nerrors > CSV_MAX_ERRORS)
			bs_buf_printf(errors, "%s: %zu more problems not shown\n", file, im.nerrors - CSV_MAX_ERRORS);
		err = im.nerrors == 1 ? bs_error(BS_EINVALID, "'%s' has 1 problem: nothing was imported; fix it and "
						 "import again", file)
				      : bs_error(BS_EINVALID, "'%s' has %zu problems: nothing was imported; fix them and "
						 "import again", file, im.nerrors);
		goto rollback;
	}
	batch_end(&im);
	if ((err = audit(&im)) < 0 || (err = bs_store_commit(dd->store)) < 0)
		goto rollback;
	*count = im.count;
	free(im.done);
	return 0;
rollback:
	bs_store_rollback(dd->store);
	free(im.done);
	return err;
}

int bs_reg_import_csv(struct bs_datadir *dd, const struct bs_register *r, const char *file, const char *text,
		      size_t len, struct bs_buf *errors, size_t *count)
{
	struct csv_in in = { (const unsigned char *)text, len, -1, NULL, NULL, 0 };
	return import_from(dd, r, file, &in, errors, count);
}

int bs_reg_import_csv_file(struct bs_datadir *dd, const struct bs_register *r, const char *path,
			   struct bs_buf *errors, size_t *count)
{
	struct csv_in in = { NULL, 0, -1, path, NULL, 0 };
	int err;

	*count = 0;
	in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0)
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "cannot open '%s': %s", path, bs_strerror(errno));
	in.buf = bs_malloc(CSV_CHUNK);
	in.p = in.buf;
	err = import_from(dd, r, path, &in, errors, count);
	close(in.fd);
	free(in.buf);
	return err;
}
