/* What a person reads in a table (issue 12 items 13, 15): cells wrap to their width instead
 * of being cut (CJK two columns wide), and instants show UTC with the Taiwan date, in 民國
 * years with --roc-dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/table.h"
#include "core/utf8.h"

/* Every line of s is at most width columns wide. */
static void assert_fits(const char *s, size_t width)
{
	char *copy = strdup(s), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (bs_utf8_width(line) > width)
			fail_msg("line '%s' is %zu columns wide, more than %zu", line, bs_utf8_width(line), width);
	free(copy);
}

static void test_wrap_words(void **state)
{
	struct bs_buf b = BS_BUF_INIT;
	(void)state;
	bs_utf8_wrap(&b, "keep the report and its remediation records", 0, 16, 2);
	assert_string_equal(b.ptr, "keep the report\n  and its\n  remediation\n  records");
	assert_fits(b.ptr, 16);
	assert_null(strstr(b.ptr, "\xe2\x80\xa6")); /* nothing cut */
	bs_buf_release(&b);
}

static void test_wrap_cjk(void **state)
{
	struct bs_buf b = BS_BUF_INIT;
	(void)state;
	/* 12 CJK characters = 24 columns into 10: five per line, none lost */
	bs_utf8_wrap(&b, "資通安全專責人員每人每年", 0, 10, 0);
	assert_string_equal(b.ptr, "資通安全專\n責人員每人\n每年");
	assert_fits(b.ptr, 10);
	bs_buf_clear(&b);
	/* a word longer than the line is broken, not cut */
	bs_utf8_wrap(&b, "A2.4.1.6.1.4-account-review", 0, 10, 0);
	assert_fits(b.ptr, 10);
	assert_int_equal(strlen(b.ptr), strlen("A2.4.1.6.1.4-account-review") + 2);
	bs_buf_release(&b);
}

static void test_table_row(void **state)
{
	struct bs_buf b = BS_BUF_INIT;
	const char *cells[] = { "1", "王小明 (10)", "一個很長的課程名稱會換行" };
	const size_t widths[] = { 3, 8, 12 };
	(void)state;
	bs_table_row(&b, cells, widths, 3);
	assert_string_equal(b.ptr, "1   王小明   一個很長的課\n"
				   "    (10)     程名稱會換行\n");
	bs_buf_release(&b);
}

static void test_taiwan_dates(void **state)
{
	char out[BS_TIME_SHOW_MAX], d[BS_DATE_SHOW_MAX];
	int64_t us;
	(void)state;
	/* 23:00 UTC on 31 March is already 1 April in Taipei */
	assert_int_equal(bs_time_parse("2025-03-31T23:00:00Z", &us), 0);
	assert_int_equal(bs_days_taipei(us), bs_days_from_civil(2025, 4, 1));
	assert_int_equal(bs_days_from_time(us), bs_days_from_civil(2025, 3, 31));
	bs_dates_set_roc(0);
	assert_string_equal(bs_time_show(us, BS_LANG_ZH_TW, out), "2025-03-31 23:00:00Z（台灣 2025-04-01 07:00）");
	assert_string_equal(bs_time_show(us, BS_LANG_EN, out), "2025-03-31 23:00:00Z (Taiwan 2025-04-01 07:00)");
	assert_string_equal(bs_date_show(bs_days_from_civil(2026, 12, 5), BS_LANG_ZH_TW, d), "2026-12-05");
	bs_dates_set_roc(1);
	assert_string_equal(bs_date_show(bs_days_from_civil(2026, 12, 5), BS_LANG_ZH_TW, d), "民國115年12月5日");
	assert_string_equal(bs_date_show(bs_days_from_civil(2026, 12, 5), BS_LANG_EN, d), "ROC 115-12-05");
	assert_string_equal(bs_date_show(bs_days_from_civil(1912, 1, 1), BS_LANG_ZH_TW, d), "民國1年1月1日");
	/* before 民國 there is no 民國 year: the Gregorian date stays */
	assert_string_equal(bs_date_show(bs_days_from_civil(1911, 12, 31), BS_LANG_ZH_TW, d), "1911-12-31");
	assert_string_equal(bs_time_show(us, BS_LANG_ZH_TW, out), "2025-03-31 23:00:00Z（台灣 民國114年4月1日 07:00）");
	bs_dates_set_roc(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_wrap_cjk),
		cmocka_unit_test(test_table_row),
		cmocka_unit_test(test_taiwan_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
