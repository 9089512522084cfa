/* core/error: the zh-TW table of bs_error() formats (error_zh.c) and the per-thread message
 * language. Every zh format is given the arguments of its English key, so each must have
 * exactly the key's printf conversions in the same order; the table must be sorted without
 * duplicates for bsearch; bs_error() must follow the language of the thread that calls it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/error.h"
#include "core/i18n.h"

/* The next conversion of fmt from *pos into spec ("%-5.*lld"), skipping "%%"; 0 at the end,
 * -1 for a conversion this test does not know (also positional "%1$s": the arguments are
 * always taken in order). */
static int next_conv(const char *fmt, size_t *pos, char *spec, size_t cap)
{
	const char *p = fmt + *pos;

	while ((p = strchr(p, '%'))) {
		if (p[1] == '%') {
			p += 2;
			continue;
		}
		const char *s = p++;
		p += strspn(p, "-+ #0'");
		if (*p == '*')
			p++;
		else
			p += strspn(p, "0123456789");
		if (*p == '.') {
			p++;
			if (*p == '*')
				p++;
			else
				p += strspn(p, "0123456789");
		}
		if (!strncmp(p, "hh", 2) || !strncmp(p, "ll", 2))
			p += 2;
		else if (*p && strchr("hlLzjt", *p))
			p++;
		if (!*p || !strchr("diouxXeEfFgGaAcsp", *p))
			return -1;
		p++;
		if ((size_t)(p - s) >= cap)
			return -1;
		memcpy(spec, s, (size_t)(p - s));
		spec[p - s] = '\0';
		*pos = (size_t)(p - fmt);
		return 1;
	}
	*pos = strlen(fmt);
	return 0;
}

static void test_next_conv(void **state)
{
	char spec[32];
	size_t pos = 0;
	(void)state;

	/* the checker itself: it must see what differs, or the table test proves nothing */
	const char *f = "a %s 100%% b %-5.*lld %zu %.1f %04o %1$s";
	assert_int_equal(next_conv(f, &pos, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%s");
	assert_int_equal(next_conv(f, &pos, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%-5.*lld");
	assert_int_equal(next_conv(f, &pos, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%zu");
	assert_int_equal(next_conv(f, &pos, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%.1f");
	assert_int_equal(next_conv(f, &pos, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%04o");
	assert_int_equal(next_conv(f, &pos, spec, sizeof(spec)), -1);
}

static void test_table_conversions(void **state)
{
	(void)state;
	assert_true(bs_error_table_len > 100);
	for (size_t i = 0; i < bs_error_table_len; i++) {
		const char *en = bs_error_table[i].en, *zh = bs_error_table[i].zh;
		size_t pe = 0, pz = 0;
		char se[32], sz[32];
		int re, rz;

		assert_non_null(en);
		assert_non_null(zh);
		assert_true(*zh);
		assert_string_not_equal(en, zh);
		do {
			re = next_conv(en, &pe, se, sizeof(se));
			rz = next_conv(zh, &pz, sz, sizeof(sz));
			if (re < 0 || rz < 0 || re != rz || (re == 1 && strcmp(se, sz)))
				fail_msg("row %zu: conversions differ or unknown:\n  en: %s\n  zh: %s", i, en, zh);
		} while (re == 1);
	}
}

static void test_table_sorted(void **state)
{
	(void)state;
	for (size_t i = 1; i < bs_error_table_len; i++)
		if (strcmp(bs_error_table[i - 1].en, bs_error_table[i].en) >= 0)
			fail_msg("rows %zu and %zu are out of order or the same key (LC_ALL=C sort):\n  %s\n  %s", i - 1, i,
				 bs_error_table[i - 1].en, bs_error_table[i].en);
	/* and bsearch finds every key: the order is the one strcmp, not a locale, gives */
	for (size_t i = 0; i < bs_error_table_len; i++)
		assert_ptr_equal(bs_error_zh(bs_error_table[i].en), bs_error_table[i].zh);
	assert_null(bs_error_zh("no such format %s"));
}

static void *other_thread(void *arg)
{
	/* a new thread has not been told a language: English, whatever the creator's is */
	*(int *)arg = bs_error_lang() == BS_LANG_EN && bs_error(BS_EINVALID, "cannot open '%s': %s", "f", "x") == BS_EINVALID &&
		      !strcmp(bs_error_message(), "cannot open 'f': x");
	return NULL;
}

static void test_thread_language(void **state)
{
	enum bs_lang l;
	pthread_t t;
	int ok = 0;
	(void)state;

	assert_int_equal(bs_error_lang(), BS_LANG_EN);
	/* a real call site's message (core/i18n.c) in each language */
	assert_int_equal(bs_lang_parse("xx", &l), BS_EINVALID);
	assert_string_equal(bs_error_message(), "unknown language 'xx': use zh-TW or en");
	bs_error_set_lang(BS_LANG_ZH_TW);
	assert_int_equal(bs_lang_parse("xx", &l), BS_EINVALID);
	assert_string_equal(bs_error_message(), "不認得的語言 'xx'：請用 zh-TW 或 en");
	/* the arguments go into the zh format in order, widths and all */
	assert_int_equal(bs_error(BS_ENOTFOUND, "no account '%.64s': 'brokersec user list' shows the accounts", "amy"),
			 BS_ENOTFOUND);
	assert_string_equal(bs_error_message(), "沒有帳號 'amy'：帳號請見 'brokersec user list'");
	/* a format without a row stays English rather than failing */
	bs_error(BS_ERR, "not in the table: %d", 7);
	assert_string_equal(bs_error_message(), "not in the table: 7");

	assert_int_equal(pthread_create(&t, NULL, other_thread, &ok), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(ok);
	assert_int_equal(bs_error_lang(), BS_LANG_ZH_TW);

	bs_error_set_lang(BS_LANG_EN);
	bs_error(BS_ENOTFOUND, "no account '%.64s': 'brokersec user list' shows the accounts", "amy");
	assert_string_equal(bs_error_message(), "no account 'amy': 'brokersec user list' shows the accounts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_conv),
		cmocka_unit_test(test_table_conversions),
		cmocka_unit_test(test_table_sorted),
		cmocka_unit_test(test_thread_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
