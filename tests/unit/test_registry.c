/* The register engine: descriptors, value parsing per field kind, CSV, and stored records
 * with history in a real data directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "eventlog/eventlog.h"
#include "registry/registry.h"

struct fixture {
	char root[64];
	char dir[128];
	struct bs_datadir *dd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/bs-registry-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/data", f->root);
	if (bs_datadir_init(f->dir, "測試保險經紀人", 0, "tester") < 0 || bs_datadir_open(&f->dd, f->dir) < 0) {
		print_error("init: %s\n", bs_error_message());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];
	bs_datadir_free(f->dd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Every descriptor is complete, and every list table fits 80 columns. */
static void test_descriptors(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t i = 0; bs_registers[i]; i++, n++) {
		const struct bs_register *r = bs_registers[i];
		size_t width = 5;
		assert_ptr_equal(bs_register_find(r->name), r);
		assert_non_null(r->zh);
		assert_non_null(r->source);
		/* the generated list is in CLI order (tools/gen-registers.sh sorts by .order) */
		assert_true(r->order > 0);
		if (i)
			assert_true(bs_registers[i - 1]->order < r->order);
		assert_non_null(r->summary_zh);
		assert_non_null(r->summary_en);
		assert_non_null(r->about);
		for (const struct bs_field *f = r->fields; f->name; f++) {
			assert_non_null(f->zh);
			assert_non_null(f->en);
			assert_ptr_equal(bs_register_field(r, f->name), f);
			if (f->type == BS_FT_ENUM)
				assert_non_null(f->values);
			if (f->type == BS_FT_REF || f->type == BS_FT_REFS)
				assert_non_null(bs_register_find(f->ref));
			if (f->def) {
				json_t *v;
				assert_int_equal(bs_field_parse(f, f->def, &v), 0);
				json_decref(v);
			}
			if (f->width)
				width += 1 + f->width;
		}
		if (width > 80)
			fail_msg("register %s: list table is %zu columns wide", r->name, width);
	}
	assert_int_equal(n, 16);
}

static void parse_fails(const struct bs_field *f, const char *text, const char *needle)
{
	json_t *v = NULL;
	assert_int_equal(bs_field_parse(f, text, &v), BS_EINVALID);
	assert_null(v);
	if (!strstr(bs_error_message(), needle))
		fail_msg("parsing '%s' as %s: message '%s' lacks '%s'", text, f->name, bs_error_message(), needle);
}

static char *parse_dump(const struct bs_field *f, const char *text)
{
	json_t *v = NULL;
	if (bs_field_parse(f, text, &v) != 0)
		fail_msg("parsing '%s' as %s: %s", text, f->name, bs_error_message());
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(v);
	return s;
}

#define PARSES(f, text, want)                          \
	do {                                           \
		char *s_ = parse_dump((f), (text));   \
		assert_string_equal(s_, (want));       \
		free(s_);                              \
	} while (0)

static void test_field_kinds(void **state)
{
	const struct bs_register *sys = bs_register_find("system"), *tr = bs_register_find("training"),
				 *inc = bs_register_find("incident"), *per = bs_register_find("person");
	(void)state;
	/* int */
	PARSES(bs_register_field(sys, "category"), "2", "2");
	parse_fails(bs_register_field(sys, "category"), "4", "use 1 to 3");
	parse_fails(bs_register_field(sys, "category"), "2x", "not a whole number");
	parse_fails(bs_register_field(sys, "category"), "99999999999999999999", "not a whole number");
	/* bool */
	PARSES(bs_register_field(sys, "core"), "yes", "true");
	PARSES(bs_register_field(sys, "core"), "0", "false");
	parse_fails(bs_register_field(sys, "core"), "maybe", "yes or no");
	/* text */
	PARSES(bs_register_field(sys, "name"), "核心系統", "\"核心系統\"");
	PARSES(bs_register_field(sys, "name"), "", "null");
	parse_fails(bs_register_field(sys, "name"), "a\nb", "one line");
	parse_fails(bs_register_field(sys, "name"), "\xff\xfe", "UTF-8");
	char longtext[300];
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	parse_fails(bs_register_field(sys, "name"), longtext, "at most 200");
	/* date */
	PARSES(bs_register_field(tr, "date"), "2024-02-29", "\"2024-02-29\"");
	parse_fails(bs_register_field(tr, "date"), "2025-02-29", "YYYY-MM-DD");
	parse_fails(bs_register_field(tr, "date"), "2025/01/01", "YYYY-MM-DD");
	/* num */
	PARSES(bs_register_field(tr, "hours"), "1.5", "1.5");
	PARSES(bs_register_field(tr, "hours"), "12", "12.0");
	parse_fails(bs_register_field(tr, "hours"), "1.255", "at most 2 decimals");
	parse_fails(bs_register_field(tr, "hours"), "-1", "not a number");
	parse_fails(bs_register_field(tr, "hours"), "201", "out of range");
	/* enum */
	PARSES(bs_register_field(per, "role"), "it", "\"it\"");
	parse_fails(bs_register_field(per, "role"), "boss", "security|it|general|manager");
	/* ref */
	PARSES(bs_register_field(tr, "person"), "7", "7");
	parse_fails(bs_register_field(tr, "person"), "0", "not a person id");
	/* time: stored in UTC without fraction */
	PARSES(bs_register_field(inc, "detected"), "2025-03-31T14:05:09.75+08:00", "\"2025-03-31T06:05:09Z\"");
	parse_fails(bs_register_field(inc, "detected"), "yesterday", "RFC 3339");
	/* set and refs */
	PARSES(bs_register_field(inc, "steps"), "isolate, scan", "[\"isolate\",\"scan\"]");
	parse_fails(bs_register_field(inc, "steps"), "isolate,pray", "'pray' is not allowed");
	parse_fails(bs_register_field(inc, "steps"), "scan,scan", "listed twice");
	PARSES(bs_register_field(inc, "systems"), "1,3", "[1,3]");
	parse_fails(bs_register_field(inc, "systems"), "1,,3", "system ids");
}

struct rows {
	int lines[8];
	size_t cells[8];
	char first[8][64];
	int n;
};

static int collect(int line, char **cells, size_t n, void *p)
{
	struct rows *r = p;
	if (r->n < 8) {
		r->lines[r->n] = line;
		r->cells[r->n] = n;
		snprintf(r->first[r->n], sizeof(r->first[r->n]), "%s", n > 1 ? cells[1] : "");
		r->n++;
	}
	return 0;
}

static void test_csv_parse(void **state)
{
	struct rows r;
	const char ok[] = "\xef\xbb\xbf" "a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n2,\"multi\nline\",\n4,,";
	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(bs_csv_parse(ok, strlen(ok), collect, &r), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.lines[1], 2);
	assert_string_equal(r.first[1], "x, \"y\"");
	assert_int_equal(r.lines[2], 4);
	assert_string_equal(r.first[2], "multi\nline");
	assert_int_equal(r.cells[2], 3);
	assert_int_equal(r.lines[3], 6);
	assert_int_equal(r.cells[3], 3);

	const char *bad[] = { "a,b\n1,\"open\n", "a,b\n1,x\"y\n", "a,b\n1,\"q\"z\n", "a\r1\n" };
	const char *msg[] = { "line 2: a quoted cell is not closed", "line 2: a quote inside",
			      "line 2: text after a closing quote", "bare carriage return" };
	for (int i = 0; i < 4; i++) {
		memset(&r, 0, sizeof(r));
		assert_int_equal(bs_csv_parse(bad[i], strlen(bad[i]), collect, &r), BS_EINVALID);
		if (!strstr(bs_error_message(), msg[i]))
			fail_msg("'%s': '%s'", bad[i], bs_error_message());
	}
}

static int64_t rec_id(const json_t *r)
{
	return (int64_t)json_integer_value(json_object_get(r, "id"));
}

static void test_store_lifecycle(void **state)
{
	struct fixture *f = *state;
	const struct bs_register *sys = bs_register_find("system"), *dev = bs_register_find("device");
	json_t *given, *rec = NULL, *hist = NULL, *list = NULL, *changes;

	given = json_pack("{s:s,s:i}", "name", "核心", "category", 1);
	assert_int_equal(bs_reg_add(f->dd, sys, given, 0, &rec), 0);
	assert_int_equal(rec_id(rec), 1);
	assert_true(json_is_false(json_object_get(rec, "core"))); /* default */
	assert_true(json_is_null(json_object_get(rec, "owner")));
	json_decref(rec);
	json_decref(given);

	/* required field missing: names the flag; nothing stored */
	given = json_pack("{s:s}", "name", "x");
	assert_int_equal(bs_reg_add(f->dd, sys, given, 0, NULL), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "--category is required"));
	json_decref(given);
	/* a ref to nothing */
	given = json_pack("{s:s,s:s,s:i}", "asset_tag", "PC-1", "kind", "desktop", "system", 9);
	assert_int_equal(bs_reg_add(f->dd, dev, given, 0, NULL), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "no system 9"));
	json_decref(given);

	changes = json_pack("{s:i,s:s}", "category", 2, "owner", "王");
	assert_int_equal(bs_reg_update(f->dd, sys, 1, changes, &rec), 0);
	assert_int_equal(json_integer_value(json_object_get(rec, "category")), 2);
	json_decref(rec);
	/* the same again changes nothing and records nothing */
	assert_int_equal(bs_reg_update(f->dd, sys, 1, changes, NULL), 0);
	json_decref(changes);
	changes = json_pack("{s:n}", "category");
	assert_int_equal(bs_reg_update(f->dd, sys, 1, changes, NULL), BS_EINVALID);
	json_decref(changes);

	assert_int_equal(bs_reg_archive(f->dd, sys, 1, NULL), 0);
	assert_int_equal(bs_reg_archive(f->dd, sys, 1, NULL), BS_ECONFLICT);
	changes = json_pack("{s:s}", "owner", "李");
	assert_int_equal(bs_reg_update(f->dd, sys, 1, changes, NULL), BS_ECONFLICT);
	json_decref(changes);
	changes = json_object();
	assert_int_equal(bs_reg_update(f->dd, sys, 5, changes, NULL), BS_EINVALID);
	json_decref(changes);

	assert_int_equal(bs_reg_history(f->dd->store, sys, 1, &hist), 0);
	assert_int_equal(json_array_size(hist), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 1), "action")), "update");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(hist, 1), "old"), "category")),
			 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 2), "action")), "archive");
	json_decref(hist);

	assert_int_equal(bs_reg_list(f->dd->store, sys, 0, &list), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	assert_int_equal(bs_reg_list(f->dd->store, sys, 1, &list), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(bs_reg_get(f->dd->store, sys, 2, &rec), BS_ENOTFOUND);

	/* nothing is ever erased, even by hand */
	assert_int_not_equal(sqlite3_exec(bs_store_sqlite(f->dd->store), "DELETE FROM reg_record", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(bs_store_sqlite(f->dd->store), "DELETE FROM reg_history", NULL, NULL, NULL),
			     SQLITE_OK);
}

static void test_csv_import_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	const struct bs_register *per = bs_register_find("person");
	struct bs_buf errors = BS_BUF_INIT, out = BS_BUF_INIT;
	size_t count = 99;
	const char bad[] = "name,role,hired\n陳,security,2020-01-01\n林,boss,2020-01-01\n王,it,2020-02-30\n李,it\n";
	const char good[] = "id,name,role,nda_signed\n,陳,security,2024-01-01\n7,\"林, 小姐\",it,\n";
	json_t *list;

	assert_int_equal(bs_reg_import_csv(f->dd, per, "p.csv", bad, strlen(bad), &errors, &count), BS_EINVALID);
	assert_int_equal(count, 0);
	assert_non_null(strstr(errors.ptr, "p.csv:3: column 'role': 'boss' is not allowed"));
	assert_non_null(strstr(errors.ptr, "p.csv:4: column 'hired': '2020-02-30' is not a date"));
	assert_non_null(strstr(errors.ptr, "p.csv:5: 2 cells, but the header has 3 columns"));
	assert_null(strstr(errors.ptr, "p.csv:2:"));
	assert_int_equal(bs_reg_list(f->dd->store, per, 1, &list), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);

	bs_buf_clear(&errors);
	assert_int_equal(bs_reg_import_csv(f->dd, per, "p.csv", good, strlen(good), &errors, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(bs_reg_export_csv(f->dd->store, per, 0, &out), 0);
	assert_string_equal(out.ptr,
			    "id,name,role,email,hired,background_check,nda_signed,note,account\r\n"
			    "1,陳,security,,,no,2024-01-01,,\r\n"
			    "7,\"林, 小姐\",it,,,no,,,\r\n");
	/* importing the export again clashes on the ids, line by line */
	bs_buf_clear(&errors);
	assert_int_equal(bs_reg_import_csv(f->dd, per, "x.csv", out.ptr, out.len, &errors, &count), BS_EINVALID);
	assert_non_null(strstr(errors.ptr, "x.csv:2: person 1 exists already"));
	assert_non_null(strstr(errors.ptr, "x.csv:3: person 7 exists already"));
	bs_buf_clear(&errors);
	assert_int_equal(bs_reg_import_csv(f->dd, per, "h.csv", "name,colour\nx,red\n", 17, &errors, &count),
			 BS_EINVALID);
	assert_non_null(strstr(errors.ptr, "h.csv:1: unknown column 'colour'"));
	assert_non_null(strstr(errors.ptr, "h.csv:1: the header has no column 'role'"));
	bs_buf_release(&errors);
	bs_buf_release(&out);
}

/* A row of 64 cells ending with a comma at the end of the text has a 65th, empty cell: the
 * parser wrote it past its 64-cell array (ASan: stack-buffer-overflow). */
static void test_csv_cell_bound(void **state)
{
	struct rows r;
	struct bs_buf text = BS_BUF_INIT;
	(void)state;

	bs_buf_puts(&text, "a\n");
	for (int i = 0; i < 64; i++)
		bs_buf_puts(&text, "x,");
	memset(&r, 0, sizeof(r));
	assert_int_equal(bs_csv_parse(text.ptr, text.len, collect, &r), BS_EINVALID);
	if (!strstr(bs_error_message(), "line 2: more than 64 cells"))
		fail_msg("64 cells and a comma: '%s'", bs_error_message());
	assert_int_equal(r.n, 1); /* the header only */

	/* 63 cells and a comma are 64: allowed */
	bs_buf_truncate(&text, text.len - 2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(bs_csv_parse(text.ptr, text.len, collect, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.cells[1], 64);

	/* 65 cells in the middle of a file */
	bs_buf_puts(&text, "x,x\nlast\n");
	memset(&r, 0, sizeof(r));
	assert_int_equal(bs_csv_parse(text.ptr, text.len, collect, &r), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "line 2: more than 64 cells"));

	/* an unclosed quote stops at the cell limit instead of taking the rest of the file */
	bs_buf_clear(&text);
	bs_buf_puts(&text, "a\n\"");
	for (int i = 0; i < 70000; i++)
		bs_buf_putc(&text, 'x');
	assert_int_equal(bs_csv_parse(text.ptr, text.len, collect, &r), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "line 2: a cell is longer than 65536 bytes"));
	/* a NUL byte is no text */
	assert_int_equal(bs_csv_parse("a\nb\0c\n", 6, collect, &r), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "line 2: a NUL byte"));
	bs_buf_release(&text);
}

static void test_csv_import_cell_bound(void **state)
{
	struct fixture *f = *state;
	const struct bs_register *per = bs_register_find("person");
	struct bs_buf text = BS_BUF_INIT, errors = BS_BUF_INIT;
	size_t count = 9;

	bs_buf_puts(&text, "name,role\n");
	for (int i = 0; i < 64; i++)
		bs_buf_puts(&text, "x,");
	assert_int_equal(bs_reg_import_csv(f->dd, per, "w.csv", text.ptr, text.len, &errors, &count), BS_EINVALID);
	assert_int_equal(count, 0);
	if (!strstr(errors.ptr, "w.csv:2: more than 64 cells"))
		fail_msg("errors: '%s'", errors.ptr);
	bs_buf_release(&text);
	bs_buf_release(&errors);
}

/* The OWASP rule on export, undone exactly on import; the stored value is never changed. */
static void test_csv_formula(void **state)
{
	struct fixture *f = *state;
	const struct bs_register *per = bs_register_find("person");
	static const char *const names[] = { "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "'=1", "''=x", "'plain",
					     "plain'", "=HYPERLINK(\"http://x\",\"y\")", "a=b", "'", NULL };
	static const char *const cells[] = { "\"'=1+1\"", "\"'+1\"", "\"'-1\"", "\"'@SUM(A1)\"", "\"'\t=1\"",
					     "\"''=1\"", "\"'''=x\"", ",'plain,", ",plain',",
					     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", ",a=b,", ",',", NULL };
	struct bs_buf out = BS_BUF_INIT, again = BS_BUF_INIT, errors = BS_BUF_INIT;
	struct bs_datadir *dd2 = NULL;
	char dir2[160];
	size_t count = 0;
	json_t *rec;

	for (size_t i = 0; names[i]; i++) {
		json_t *given = json_pack("{s:s,s:s,s:s}", "name", names[i], "role", "it", "note", names[i]);
		assert_int_equal(bs_reg_add(f->dd, per, given, 0, NULL), 0);
		json_decref(given);
	}
	assert_int_equal(bs_reg_export_csv(f->dd->store, per, 0, &out), 0);
	for (size_t i = 0; cells[i]; i++)
		if (!strstr(out.ptr, cells[i]))
			fail_msg("export lacks %s:\n%s", cells[i], out.ptr);
	/* stored exactly as given */
	assert_int_equal(bs_reg_get(f->dd->store, per, 1, &rec), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "name")), "=1+1");
	json_decref(rec);

	/* export -> import into a fresh data directory -> the same values and the same export */
	snprintf(dir2, sizeof(dir2), "%s/data2", f->root);
	assert_int_equal(bs_datadir_init(dir2, "乙", 0, "tester"), 0);
	assert_int_equal(bs_datadir_open(&dd2, dir2), 0);
	if (bs_reg_import_csv(dd2, per, "e.csv", out.ptr, out.len, &errors, &count) != 0)
		fail_msg("import: %s\n%s", bs_error_message(), errors.ptr);
	for (size_t i = 0; names[i]; i++) {
		assert_int_equal(bs_reg_get(dd2->store, per, (int64_t)i + 1, &rec), 0);
		assert_string_equal(json_string_value(json_object_get(rec, "name")), names[i]);
		assert_string_equal(json_string_value(json_object_get(rec, "note")), names[i]);
		json_decref(rec);
	}
	assert_int_equal(bs_reg_export_csv(dd2->store, per, 0, &again), 0);
	assert_string_equal(again.ptr, out.ptr);

	/* a file written by hand: one leading quote before a formula character is the escape */
	bs_buf_clear(&errors);
	assert_int_equal(bs_reg_import_csv(dd2, per, "h.csv", "name,role\n'=2,it\n'x,it\n", 23, &errors, &count), 0);
	assert_int_equal(bs_reg_get(dd2->store, per, 13, &rec), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "name")), "=2");
	json_decref(rec);
	assert_int_equal(bs_reg_get(dd2->store, per, 14, &rec), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "name")), "'x");
	json_decref(rec);
	bs_datadir_free(dd2);
	bs_buf_release(&out);
	bs_buf_release(&again);
	bs_buf_release(&errors);
}

struct parts {
	int n;
	long long count[4], first_id[4], last_id[4];
	char sha256[4][65];
};

static int part_fn(const struct bs_event *ev, void *p)
{
	struct parts *ps = p;
	json_error_t jerr;
	json_t *d = json_loads(ev->data, 0, &jerr);
	if (ps->n < 4 && d) {
		ps->count[ps->n] = json_integer_value(json_object_get(d, "count"));
		ps->first_id[ps->n] = json_integer_value(json_object_get(d, "first_id"));
		ps->last_id[ps->n] = json_integer_value(json_object_get(d, "last_id"));
		snprintf(ps->sha256[ps->n], 65, "%s", json_string_value(json_object_get(d, "sha256")));
	}
	ps->n++;
	json_decref(d);
	return 0;
}

static void write_people(const char *path, int rows, const char *last)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("id,name,role,note\r\n", fp);
	/* quoted cells with commas and doubled quotes cross the reader's 64 KiB pieces */
	for (int i = 1; i <= rows; i++)
		fprintf(fp, ",員工%d,it,\"第 %d 列, \"\"引號\"\"\"\r\n", i, i);
	if (last)
		fputs(last, fp);
	assert_int_equal(fclose(fp), 0);
}

/* 12,345 rows from a file: streamed through one transaction, one event per 10,000 rows with
 * a digest anyone can recompute from reg_history; a bad last line leaves nothing behind. */
static void test_csv_import_file(void **state)
{
	struct fixture *f = *state;
	const struct bs_register *per = bs_register_find("person");
	struct bs_event_filter flt = { .type = "register.person.import" };
	struct bs_buf errors = BS_BUF_INIT;
	struct parts ps;
	char path[160];
	size_t count = 7;
	json_t *rec;
	sqlite3_stmt *st;

	snprintf(path, sizeof(path), "%s/people.csv", f->root);
	write_people(path, 12345, "7,x,boss,\n");
	assert_int_equal(bs_reg_import_csv_file(f->dd, per, path, &errors, &count), BS_EINVALID);
	assert_int_equal(count, 0);
	if (!strstr(errors.ptr, "people.csv:12347: column 'role': 'boss' is not allowed"))
		fail_msg("errors: %s", errors.ptr);
	assert_int_equal(bs_reg_get(f->dd->store, per, 1, &rec), BS_ENOTFOUND);
	memset(&ps, 0, sizeof(ps));
	assert_int_equal(bs_eventlog_each(f->dir, &flt, part_fn, &ps), 0);
	assert_int_equal(ps.n, 0);

	/* an id the file gave before: named as such */
	write_people(path, 3, "2,x,it,\n");
	bs_buf_clear(&errors);
	assert_int_equal(bs_reg_import_csv_file(f->dd, per, path, &errors, &count), BS_EINVALID);
	if (!strstr(errors.ptr, "people.csv:5: id 2 is taken by an earlier line of the file"))
		fail_msg("errors: %s", errors.ptr);

	write_people(path, 12345, NULL);
	bs_buf_clear(&errors);
	if (bs_reg_import_csv_file(f->dd, per, path, &errors, &count) != 0)
		fail_msg("%s\n%s", bs_error_message(), errors.ptr);
	assert_int_equal(count, 12345);
	assert_int_equal(bs_reg_get(f->dd->store, per, 6789, &rec), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "name")), "員工6789");
	assert_string_equal(json_string_value(json_object_get(rec, "note")), "第 6789 列, \"引號\"");
	json_decref(rec);
	memset(&ps, 0, sizeof(ps));
	assert_int_equal(bs_eventlog_each(f->dir, &flt, part_fn, &ps), 0);
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.count[0], 10000);
	assert_int_equal(ps.first_id[0], 1);
	assert_int_equal(ps.last_id[0], 10000);
	assert_int_equal(ps.count[1], 2345);
	assert_int_equal(ps.last_id[1], 12345);

	/* the second part's digest: "<id>\t<new_data>\n" of its rows, in order */
	crypto_hash_sha256_state h;
	unsigned char digest[32];
	char hex[65];
	crypto_hash_sha256_init(&h);
	assert_int_equal(sqlite3_prepare_v2(bs_store_sqlite(f->dd->store),
					    "SELECT record_id, new_data FROM reg_history WHERE register = 'person' AND "
					    "record_id BETWEEN 10001 AND 12345 ORDER BY seq", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char head[32];
		int n = snprintf(head, sizeof(head), "%lld\t", (long long)sqlite3_column_int64(st, 0));
		crypto_hash_sha256_update(&h, (const unsigned char *)head, (unsigned long long)n);
		crypto_hash_sha256_update(&h, sqlite3_column_text(st, 1), (unsigned long long)sqlite3_column_bytes(st, 1));
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
	}
	sqlite3_finalize(st);
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	assert_string_equal(hex, ps.sha256[1]);

	/* a missing file */
	snprintf(path, sizeof(path), "%s/none.csv", f->root);
	assert_int_equal(bs_reg_import_csv_file(f->dd, per, path, &errors, &count), BS_ENOTFOUND);
	assert_non_null(strstr(bs_error_message(), "none.csv"));
	bs_buf_release(&errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_field_kinds),
		cmocka_unit_test(test_csv_parse),
		cmocka_unit_test_setup_teardown(test_store_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_import_all_or_nothing, setup, teardown),
		cmocka_unit_test(test_csv_cell_bound),
		cmocka_unit_test_setup_teardown(test_csv_import_cell_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_formula, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_import_file, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
