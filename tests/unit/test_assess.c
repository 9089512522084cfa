/* src/assess: the sampling rule of Annex 2 參二 at its edges, the ten areas of 肆一, the
 * migration of the old `assessment` register into closed legacy assessments (0008), and the
 * loader's view of a planned assessment. Real SQLite files, no mocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "assess/assess.h"
#include "core/clock.h"
#include "core/embed.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "registry/registry.h"
#include "store/store.h"

static void test_sample_required(void **state)
{
	/* max(ceil(10 %), min(100, all)): all of a small system, 100 of a middle one, 10 % above 1000 */
	static const size_t cases[][2] = { { 0, 0 },       { 1, 1 },      { 3, 3 },       { 45, 45 },
					   { 99, 99 },     { 100, 100 },  { 101, 100 },   { 150, 100 },
					   { 1000, 100 },  { 1001, 101 }, { 1009, 101 },  { 1010, 101 },
					   { 1011, 102 },  { 2000, 200 } };
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (bs_assess_sample_required(cases[i][0]) != cases[i][1])
			fail_msg("%zu devices: required %zu, want %zu", cases[i][0], bs_assess_sample_required(cases[i][0]),
				 cases[i][1]);
}

static void test_areas(void **state)
{
	unsigned set = 0;
	struct bs_buf b = BS_BUF_INIT;

	(void)state;
	assert_int_equal(bs_assess_areas_parse("1,3,10", &set), 0);
	assert_int_equal(set, BS_ASSESS_AREA_BIT(1) | BS_ASSESS_AREA_BIT(3) | BS_ASSESS_AREA_BIT(10));
	bs_assess_areas_format(set, &b);
	assert_string_equal(b.ptr, "1,3,10");
	bs_buf_release(&b);
	assert_int_equal(bs_assess_areas_parse("access,logging", &set), 0);
	assert_int_equal(set, BS_ASSESS_AREA_BIT(6) | BS_ASSESS_AREA_BIT(7));
	assert_int_equal(bs_assess_areas_parse("all", &set), 0);
	assert_int_equal(set, BS_ASSESS_AREAS_ALL);
	assert_int_equal(bs_assess_areas_parse("11", &set), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "'11' is not an assessment area"));
	assert_int_equal(bs_assess_areas_parse("1,,2", &set), BS_EINVALID);
	assert_int_equal(bs_assess_areas_parse("", &set), BS_EINVALID);
	/* A2.4.1.10 is area 10, not area 1 */
	assert_int_equal(bs_assess_area_of("A2.4.1.10"), 10);
	assert_int_equal(bs_assess_area_of("A2.4.1.1.2"), 1);
	assert_int_equal(bs_assess_area_of("A2.4.1.6.3.2"), 6);
	assert_int_equal(bs_assess_area_of("A2.4.2"), 0);
	assert_int_equal(bs_assess_area_of("A2.4.11"), 0);
	assert_string_equal(bs_assess_area(6)->numbering, "附件二肆、一、(六)");
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A database at the schema before 0008 with rows of the old register, then opened. */
static void test_migration(void **state)
{
	char root[] = "/tmp/bs-assess-XXXXXX", path[64], sql[256];
	struct bs_store *s = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;
	json_t *rows = NULL;
	int before = -1;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/brokersec.db", root);
	for (int i = 0; bs_embed_migrations[i].name; i++)
		if (strstr(bs_embed_migrations[i].name, "0008_assessment"))
			before = i;
	assert_true(before > 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int i = 0; i < before; i++)
		exec_ok(db, (const char *)bs_embed_migrations[i].data);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", before);
	exec_ok(db, sql);
	exec_ok(db, "INSERT INTO reg_record (register, id, data, created_at, created_by, updated_at, updated_by) VALUES"
		    " ('system', 1, '{\"name\":\"保單行政\",\"category\":2}', '2024-01-01T00:00:00Z', 'a', '2024-01-01T00:00:00Z', 'a'),"
		    " ('assessment', 1, '{\"system\":1,\"completed\":\"2024-05-01\",\"assessor\":\"甲資安公司\",\"report\":\"R-1\","
		    "\"sampled_devices\":3,\"note\":null}', '2024-05-02T00:00:00Z', 'a', '2024-05-02T00:00:00Z', 'a'),"
		    " ('assessment', 2, '{\"system\":1,\"completed\":\"2023-05-01\"}', '2023-05-02T00:00:00Z', 'a',"
		    " '2023-05-02T00:00:00Z', 'a')");
	exec_ok(db, "UPDATE reg_record SET archived = 1 WHERE register = 'assessment' AND id = 2");
	sqlite3_close(db);

	assert_int_equal(bs_store_open(&s, path), 0);
	assert_int_equal(sqlite3_prepare_v2(bs_store_sqlite(s),
					    "SELECT a.id, a.status, a.legacy, a.legacy_assessor, a.legacy_report, a.completed_on,"
					    " a.note, c.system_id, c.category FROM assessment a JOIN assessment_scope c"
					    " ON c.assessment_id = a.id", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "closed");
	assert_int_equal(sqlite3_column_int(st, 2), 1);
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "甲資安公司");
	assert_string_equal((const char *)sqlite3_column_text(st, 4), "R-1");
	assert_string_equal((const char *)sqlite3_column_text(st, 5), "2024-05-01");
	assert_string_equal((const char *)sqlite3_column_text(st, 6), "sampled_devices: 3");
	assert_int_equal(sqlite3_column_int(st, 7), 1);
	assert_int_equal(sqlite3_column_int(st, 8), 2);
	/* the archived register row is not an assessment */
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	/* it drives the deadlines as the register row did */
	int32_t asof = 0;
	assert_int_equal(bs_date_parse("2025-01-01", &asof), 0);
	assert_int_equal(bs_assess_completed_rows(s, asof, &rows), 0);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "completed")), "2024-05-01");
	json_decref(rows);
	/* kept: an assessment is never deleted */
	assert_int_not_equal(sqlite3_exec(bs_store_sqlite(s), "DELETE FROM assessment", NULL, NULL, NULL), SQLITE_OK);
	bs_store_free(s);
	snprintf(sql, sizeof(sql), "rm -rf '%s'", root);
	assert_int_equal(system(sql), 0);
}

/* A planned assessment as the report reads it: scope rows, the controls of the areas, counts. */
static void test_load(void **state)
{
	char root[] = "/tmp/bs-assess-XXXXXX", dir[64], cmd[128];
	struct bs_datadir *dd = NULL;
	struct bs_assess_plan_in plan = { "2026 年度評估", "2026-01-01", "2026-12-31", "board", "董事會", "2025-12-20", NULL };
	struct bs_assess_full a;
	json_t *rec;
	int64_t id = 0;
	size_t ten = 0, six = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/data", root);
	assert_int_equal(bs_datadir_init(dir, "測試", 0, "tester"), 0);
	assert_int_equal(bs_datadir_open(&dd, dir), 0);
	dd->actor = "tester";
	dd->source = "cli";
	rec = json_pack("{s:s, s:i, s:s}", "name", "網路投保", "category", 1, "owner", "資訊部");
	assert_int_equal(bs_reg_add(dd, bs_register_find("system"), rec, 0, NULL), 0);
	json_decref(rec);
	rec = json_pack("{s:s, s:i, s:i}", "name", "人資", "category", 3, "device_count", 150);
	assert_int_equal(bs_reg_add(dd, bs_register_find("system"), rec, 0, NULL), 0);
	json_decref(rec);
	assert_int_equal(bs_assess_plan(dd, &plan, &id), 0);
	assert_int_equal(bs_assess_scope_set(dd, id, 1, 0, NULL), 0);
	/* category 3 without a reason: refused, nothing stored */
	assert_int_equal(bs_assess_scope_set(dd, id, 2, BS_ASSESS_AREA_BIT(6), NULL), BS_EINVALID);
	assert_int_equal(bs_assess_scope_set(dd, id, 2, BS_ASSESS_AREA_BIT(6), "僅檢視存取機制"), 0);
	assert_int_equal(bs_assess_load(dd, id, &a), 0);
	assert_int_equal(a.meta.status, BS_ASSESS_PLANNED);
	assert_string_equal(a.meta.plan_approver, "board");
	assert_int_equal(a.nscope, 2);
	assert_int_equal(a.scope[0].areas, BS_ASSESS_AREAS_ALL);
	assert_null(a.scope[0].reason);
	assert_int_equal(a.scope[1].devices, 150);
	assert_int_equal(a.scope[1].sample_required, 100);
	for (size_t i = 0; i < a.nresults; i++) {
		assert_int_equal(a.results[i].result, BS_RESULT_NONE);
		if (!strcmp(a.results[i].system_id, "1"))
			ten++;
		else if (a.results[i].area == 6)
			six++;
	}
	assert_true(ten > 40);
	assert_int_equal(six, 10); /* the leaves of A2.4.1.6: 6.1.1-6.1.4, 6.2, 6.3.1-6.3.5 */
	assert_int_equal(a.summary.controls, a.nresults);
	assert_int_equal(a.summary.undecided, a.nresults);
	bs_assess_full_release(&a);
	assert_int_equal(bs_assess_load(dd, 99, &a), BS_ENOTFOUND);
	bs_datadir_free(dd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_required),
		cmocka_unit_test(test_areas),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
