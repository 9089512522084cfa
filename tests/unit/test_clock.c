/* Dates, instants and durations: the arithmetic every deadline rests on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/clock.h"
#include "core/error.h"

static int32_t day(const char *s)
{
	int32_t d;
	if (bs_date_parse(s, &d) < 0)
		fail_msg("%s", bs_error_message());
	return d;
}

static void assert_date(int32_t d, const char *want)
{
	char got[BS_DATE_MAX];
	bs_date_format(d, got);
	assert_string_equal(got, want);
}

static void test_civil_roundtrip(void **state)
{
	(void)state;
	/* every day from 1900 to 2300 maps back to itself and steps by one */
	int32_t start = day("1900-01-01"), end = day("2300-12-31");
	int py = 0;
	unsigned pm = 0, pd = 0;
	for (int32_t z = start; z <= end; z++) {
		int y;
		unsigned m, d;
		bs_civil_from_days(z, &y, &m, &d);
		assert_int_equal(bs_days_from_civil(y, m, d), z);
		if (z > start)
			assert_true(y > py || (y == py && (m > pm || (m == pm && d == pd + 1))));
		py = y;
		pm = m;
		pd = d;
	}
	assert_int_equal(day("1970-01-01"), 0);
}

static void test_date_parse_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = { "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-32",
					   "26-01-01", "2026/01/01", "2026-01-01x", "", "2100-02-29", "abcd-ef-gh" };
	int32_t d;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bs_date_parse(bad[i], &d) != BS_EINVALID)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(bs_date_parse("2024-02-29", &d), 0);
	assert_int_equal(bs_date_parse("2000-02-29", &d), 0);
	assert_non_null(strstr(bs_error_message(), "YYYY-MM-DD") ? "" : NULL);
}

static void test_add_months_clamps(void **state)
{
	(void)state;
	assert_date(bs_date_add_months(day("2024-02-29"), 12), "2025-02-28");
	assert_date(bs_date_add_months(day("2024-02-29"), 48), "2028-02-29");
	assert_date(bs_date_add_months(day("2026-01-31"), 1), "2026-02-28");
	assert_date(bs_date_add_months(day("2026-08-31"), 3), "2026-11-30");
	assert_date(bs_date_add_months(day("2026-12-15"), 1), "2027-01-15");
	assert_date(bs_date_add_months(day("2026-01-15"), -1), "2025-12-15");
	assert_date(bs_date_add_months(day("2026-03-31"), -1), "2026-02-28");
}

static void test_durations(void **state)
{
	(void)state;
	struct bs_duration d;
	assert_int_equal(bs_duration_parse("P1Y", &d), 0);
	assert_int_equal(d.years, 1);
	assert_date(bs_duration_add(day("2025-12-31"), &d), "2026-12-31");
	assert_int_equal(bs_duration_parse("P3M", &d), 0);
	assert_date(bs_duration_add(day("2026-11-30"), &d), "2027-02-28");
	assert_int_equal(bs_duration_parse("PT15M", &d), 0);
	assert_int_equal(d.seconds, 900);
	assert_int_equal(bs_duration_parse("P1Y2M10DT2H30M", &d), 0);
	assert_int_equal(d.months, 2);
	assert_int_equal(d.days, 10);
	assert_int_equal(d.seconds, 9000);
	static const char *const bad[] = { "P", "PT", "1Y", "P1", "PY", "P1H", "PT1Y", "P1YT", "P-1Y", "P1Y1Y1Q" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bs_duration_parse(bad[i], &d) != BS_EINVALID)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_time_parse_format(void **state)
{
	(void)state;
	int64_t t;
	char s[BS_TIME_MAX];
	assert_int_equal(bs_time_parse("2026-11-27T08:00:00Z", &t), 0);
	bs_time_format(t, s);
	assert_string_equal(s, "2026-11-27T08:00:00.000000Z");
	assert_int_equal(bs_time_parse("2026-11-27T16:00:00.5+08:00", &t), 0);
	bs_time_format(t, s);
	assert_string_equal(s, "2026-11-27T08:00:00.500000Z");
	assert_int_equal(bs_time_parse("2026-11-27", &t), 0);
	assert_int_equal(bs_days_from_time(t), day("2026-11-27"));
	assert_int_equal(bs_days_from_time(-1), -1);
	bs_time_format(-1, s);
	assert_string_equal(s, "1969-12-31T23:59:59.999999Z");
	static const char *const bad[] = { "2026-11-27T08:00:00", "2026-11-27T25:00:00Z", "2026-11-27T08:00Z",
					   "2026-11-27T08:00:00.Z", "2026-11-27T08:00:00+8:00", "2026-11-27T08:00:00Zjunk" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bs_time_parse(bad[i], &t) != BS_EINVALID)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_clock_injection(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(bs_time_parse("2030-01-01T00:00:00Z", &t), 0);
	bs_clock_set(t);
	assert_int_equal(bs_clock_now(), t);
	bs_clock_set(0);
	assert_true(bs_clock_now() != t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_roundtrip),
		cmocka_unit_test(test_date_parse_rejects),
		cmocka_unit_test(test_add_months_clamps),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_time_parse_format),
		cmocka_unit_test(test_clock_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
