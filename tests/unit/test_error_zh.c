/* core/error: the zh-TW tables of bs_error() formats (error_zh.c, error_zh_tbl2.c), the
 * per-thread message language and bs_strerror(). Every zh format is given the arguments of its
 * English key, so each must have exactly the key's printf conversions in the same order; each
 * table must be sorted without duplicates for bsearch, and a key in one table only;
 * bs_error() must follow the language of the thread that calls it, and so must the system
 * error texts it is given (bs_strerror). */
#include <errno.h>
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

static const struct {
	const struct bs_error_tr *v;
	const size_t *n;
} tables[] = { { bs_error_table, &bs_error_table_len }, { bs_error_table2, &bs_error_table2_len } };
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static void check_conversions(const struct bs_error_tr *tab, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *en = tab[i].en, *zh = tab[i].zh;
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

static void test_table_conversions(void **state)
{
	(void)state;
	assert_true(bs_error_table_len > 100);
	assert_true(bs_error_table2_len > 100);
	for (size_t t = 0; t < NTABLES; t++)
		check_conversions(tables[t].v, *tables[t].n);
}

static void test_table_sorted(void **state)
{
	(void)state;
	for (size_t t = 0; t < NTABLES; t++) {
		const struct bs_error_tr *tab = tables[t].v;
		size_t n = *tables[t].n;
		for (size_t i = 1; i < n; i++)
			if (strcmp(tab[i - 1].en, tab[i].en) >= 0)
				fail_msg("table %zu: rows %zu and %zu are out of order or the same key (LC_ALL=C sort):\n"
					 "  %s\n  %s", t + 1, i - 1, i, tab[i - 1].en, tab[i].en);
		/* and bsearch finds every key: the order is the one strcmp, not a locale, gives; a key
		 * of the second table is not one of the first (whose row would win) */
		for (size_t i = 0; i < n; i++)
			if (bs_error_zh(tab[i].en) != tab[i].zh)
				fail_msg("table %zu row %zu is not found or is a key of the other table too: %s", t + 1, i,
					 tab[i].en);
	}
	assert_null(bs_error_zh("no such format %s"));
}

/* the regulation's own terms: a token is a 符記 (A2.5.4.2.7: 一次性及具有時效性符記 Token), a
 * category or class 第一類 .. 第三類 (never 第1類, 第%d類 or 第N級) */
static void test_terms(void **state)
{
	static const char *const banned[] = { "權杖", "第%d類", "第%lld類", "第1類", "第2類", "第3類", "級 App", NULL };
	(void)state;

	for (size_t t = 0; t < NTABLES; t++)
		for (size_t i = 0; i < *tables[t].n; i++)
			for (size_t k = 0; banned[k]; k++)
				if (strstr(tables[t].v[i].zh, banned[k]))
					fail_msg("table %zu row %zu says '%s', not the regulation's term: %s", t + 1, i, banned[k],
						 tables[t].v[i].zh);
}

/* the checker sees a changed conversion in a table it is given (or check_conversions proves
 * nothing): a %d key translated with %s, and a conversion dropped */
static void test_conversions_checked(void **state)
{
	static const struct bs_error_tr bad1[] = { { "cannot bind parameter %d", "無法繫結參數 %s" } };
	static const struct bs_error_tr bad2[] = { { "%s: %s", "%s" } };
	char spec[32];
	size_t pe = 0, pz = 0;
	(void)state;

	assert_int_equal(next_conv(bad1[0].en, &pe, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%d");
	assert_int_equal(next_conv(bad1[0].zh, &pz, spec, sizeof(spec)), 1);
	assert_string_equal(spec, "%s");
	pe = pz = 0;
	assert_int_equal(next_conv(bad2[0].en, &pe, spec, sizeof(spec)), 1);
	assert_int_equal(next_conv(bad2[0].zh, &pz, spec, sizeof(spec)), 1);
	assert_int_equal(next_conv(bad2[0].en, &pe, spec, sizeof(spec)), 1);
	assert_int_equal(next_conv(bad2[0].zh, &pz, spec, sizeof(spec)), 0);
}

/* rows of the second table reach bs_error() like the first's, arguments in order */
static void test_second_table(void **state)
{
	(void)state;
	bs_error_set_lang(BS_LANG_ZH_TW);
	bs_error(BS_EINVALID, "system %lld: the sample (%lld) is larger than the system (%zu devices)", 4LL, 12LL,
		 (size_t)10);
	assert_string_equal(bs_error_message(), "系統 4：抽測（12 台）多於系統的設備（10 台）");
	bs_error(BS_ECONFLICT, "system %lld has %lld result(s) in assessment %lld: it stays in scope; record the "
			       "remaining results instead", 4LL, 2LL, 9LL);
	assert_string_equal(bs_error_message(), "系統 4 已有 2 項結果登錄於評估 9：它須留在範圍內；請改為登錄其餘的結果");
	bs_error_set_lang(BS_LANG_EN);
	bs_error(BS_EINVALID, "system %lld: the sample (%lld) is larger than the system (%zu devices)", 4LL, 12LL,
		 (size_t)10);
	assert_string_equal(bs_error_message(), "system 4: the sample (12) is larger than the system (10 devices)");
}

/* bs_strerror: the thread's language for the common errno values, the C library's otherwise */
static void test_strerror(void **state)
{
	static const int common[] = { ENOENT, EACCES, EEXIST, ENOSPC, EROFS, ENOTDIR, EISDIR, EIO, ENOMEM, EPERM,
				      ELOOP, ENAMETOOLONG, EMFILE, EBUSY };
	(void)state;

	bs_error_set_lang(BS_LANG_EN);
	assert_string_equal(bs_strerror(ENOENT), strerror(ENOENT));
	bs_error_set_lang(BS_LANG_ZH_TW);
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		const char *t = bs_strerror(common[i]);
		assert_non_null(t);
		/* Chinese: the first byte is not ASCII, and it is not the library's English */
		if ((unsigned char)t[0] < 0x80 || !strcmp(t, strerror(common[i])))
			fail_msg("errno %d has no zh-TW text: %s", common[i], t);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t, bs_strerror(common[j]));
	}
	assert_string_equal(bs_strerror(ENOENT), "沒有此一檔案或目錄");
	/* a rare one stays the library's text rather than failing */
	assert_string_equal(bs_strerror(EXDEV), strerror(EXDEV));
	/* a message with a system error, all in one language */
	bs_error(BS_ERR, "cannot open '%s': %s", "/x", bs_strerror(EACCES));
	assert_string_equal(bs_error_message(), "無法開啟 '/x'：權限不足");
	bs_error_set_lang(BS_LANG_EN);
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
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_conversions_checked),
		cmocka_unit_test(test_second_table),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_thread_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
