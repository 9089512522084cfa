/* Issued reports (src/report/issue.c): a report's SHA-256 recorded with an event, looked up by
 * `verify`, never changed, kept five years (Annex 2 捌): purge refuses before, allows after. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "datadir/datadir.h"
#include "profile/profile.h"
#include "report/report.h"
#include "store/store.h"

struct fixture {
	char root[64], dir[96];
	struct bs_datadir *dd;
};

static void at(const char *when)
{
	int64_t t;
	assert_int_equal(bs_time_parse(when, &t), 0);
	bs_clock_set(t);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *msg = NULL;
	snprintf(f->root, sizeof(f->root), "/tmp/bs-report-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/data", f->root);
	if (bs_datadir_init(f->dir, "測試保險經紀人", 1u << BS_PF_INTERNAL_CONTROL, "tester") < 0 ||
	    bs_datadir_open(&f->dd, f->dir) < 0) {
		print_error("setup: %s\n", bs_error_message());
		return -1;
	}
	/* two assessments for the reports to belong to (the workflow itself is src/assess's) */
	if (sqlite3_exec(bs_store_sqlite(f->dd->store),
			 "INSERT INTO assessment (id, title, status, period_start, period_end, plan_approver, "
			 "plan_approved_by, plan_approved_on, created_at, created_by) VALUES "
			 "(1, 'a', 'reported', '2015-01-01', '2015-02-01', 'board', 'b', '2014-12-01', '2015-01-01T00:00:00Z', 't'),"
			 "(2, 'b', 'reported', '2026-01-01', '2026-02-01', 'board', 'b', '2025-12-01', '2026-01-01T00:00:00Z', 't')",
			 NULL, NULL, &msg) != SQLITE_OK) {
		print_error("setup: %s\n", msg);
		return -1;
	}
	f->dd->actor = "tester";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	bs_clock_set(0);
	bs_datadir_free(f->dd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_issue_verify(void **state)
{
	struct fixture *f = *state;
	static const char body[] = "<!DOCTYPE html><p>報告</p>";
	struct bs_report_issued r, v;
	char hex[BS_REPORT_SHA256_HEX];

	at("2026-05-02T08:00:00Z");
	assert_int_equal(bs_report_issue(f->dd, 2, BS_REPORT_HTML, BS_LANG_ZH_TW, body, sizeof(body) - 1, &r), 0);
	bs_report_sha256_hex(body, sizeof(body) - 1, hex);
	assert_string_equal(r.sha256, hex);
	assert_string_equal(r.retain_until, "2031-05-02");
	assert_string_equal(r.issued_at, "2026-05-02T08:00:00Z");
	assert_int_equal(bs_report_verify(f->dd->store, body, sizeof(body) - 1, &v), 0);
	assert_int_equal(v.assessment_id, 2);
	assert_string_equal(v.format, "html");
	assert_string_equal(v.issued_by, "tester");
	/* one byte changed: not a report brokersec issued */
	assert_int_equal(bs_report_verify(f->dd->store, body, sizeof(body) - 2, &v), BS_ENOTFOUND);
	assert_non_null(strstr(bs_error_message(), "changed"));
	/* a report of an assessment that does not exist is refused by the database */
	assert_true(bs_report_issue(f->dd, 99, BS_REPORT_HTML, BS_LANG_ZH_TW, "x", 1, NULL) < 0);
	assert_int_equal(bs_report_verify(f->dd->store, "x", 1, &v), BS_ENOTFOUND);
}

static void test_immutable_and_kept(void **state)
{
	struct fixture *f = *state;
	struct bs_report_issued v;
	size_t n = 9;

	/* issued 2015: its five years are over (real time too, which the trigger checks) */
	at("2015-03-01T00:00:00Z");
	assert_int_equal(bs_report_issue(f->dd, 1, BS_REPORT_PDF, BS_LANG_ZH_TW, "old", 3, NULL), 0);
	at("2026-05-02T08:00:00Z");
	assert_int_equal(bs_report_issue(f->dd, 2, BS_REPORT_DOCX, BS_LANG_EN, "new", 3, NULL), 0);
	/* the row is never changed, and not deleted early even with SQL */
	assert_int_not_equal(sqlite3_exec(bs_store_sqlite(f->dd->store), "UPDATE report_issued SET sha256 = "
					  "'0000000000000000000000000000000000000000000000000000000000000000'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(bs_store_sqlite(f->dd->store), "DELETE FROM report_issued WHERE assessment_id = 2",
					  NULL, NULL, NULL), SQLITE_OK);
	/* purge refuses within five years, naming the date */
	assert_int_equal(bs_report_purge(f->dd, 2, &n), BS_EDENIED);
	assert_int_equal(n, 0);
	assert_non_null(strstr(bs_error_message(), "2031-05-02"));
	assert_int_equal(bs_report_verify(f->dd->store, "new", 3, &v), 0);
	/* and allows after them */
	assert_int_equal(bs_report_purge(f->dd, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(bs_report_verify(f->dd->store, "old", 3, &v), BS_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_issue_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_immutable_and_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
