/* The catalog loader and the built-in catalog: structure, Table 1, verbatim text, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/buf.h"
#include "profile/profile.h"

static const struct bs_catalog *builtin(void)
{
	const struct bs_catalog *cat = NULL;
	int err = bs_catalog_builtin(&cat);
	if (err < 0)
		fail_msg("built-in catalog: %s", bs_error_message());
	return cat;
}

static void test_builtin_loads_and_links(void **state)
{
	(void)state;
	const struct bs_catalog *cat = builtin();
	assert_true(cat->n > 300);
	for (size_t i = 0; i < cat->n; i++) {
		const struct bs_control *c = &cat->v[i];
		if (strchr(c->id, '.') == NULL) {
			assert_null(c->parent);
			continue;
		}
		if (!c->parent)
			fail_msg("%s has no parent", c->id);
		assert_string_equal(c->parent->id, c->parent_id);
		assert_non_null(c->title.zh);
		assert_non_null(c->title.en);
		assert_non_null(c->text.zh);
		assert_non_null(c->text.en);
	}
}

static void test_every_article_and_part_present(void **state)
{
	(void)state;
	const struct bs_catalog *cat = builtin();
	char id[32];
	for (int a = 1; a <= 22; a++) {
		snprintf(id, sizeof(id), "SR.%d", a);
		if (!bs_catalog_find(cat, id))
			fail_msg("missing article %s", id);
	}
	for (int p = 1; p <= 5; p++) {
		snprintf(id, sizeof(id), "A1.%d", p);
		assert_non_null(bs_catalog_find(cat, id));
	}
	for (int p = 1; p <= 13; p++) {
		snprintf(id, sizeof(id), "A1.3.%d", p); /* the thirteen definitions */
		assert_non_null(bs_catalog_find(cat, id));
	}
	for (int p = 1; p <= 8; p++) {
		snprintf(id, sizeof(id), "A2.%d", p);
		assert_non_null(bs_catalog_find(cat, id));
	}
	for (int p = 1; p <= 7; p++) {
		snprintf(id, sizeof(id), "A3.%d", p);
		assert_non_null(bs_catalog_find(cat, id));
	}
	for (int p = 1; p <= 15; p++) {
		snprintf(id, sizeof(id), "A3.7.%d", p);
		assert_non_null(bs_catalog_find(cat, id));
	}
	for (int p = 1; p <= 6; p++) { /* every listed ransomware indicator */
		snprintf(id, sizeof(id), "A3.4.%d", p);
		assert_non_null(bs_catalog_find(cat, id));
	}
	/* the deepest items DESIGN.md names */
	assert_non_null(bs_catalog_find(cat, "A2.4.1.7.1.1"));
	assert_non_null(bs_catalog_find(cat, "A2.4.1.6.3.5"));
	assert_non_null(bs_catalog_find(cat, "A2.5.4.2.7"));
	assert_null(bs_catalog_find(cat, "SR.23"));
}

/* The numbers DESIGN.md takes from the text sit on the right clauses. */
static void test_periods_from_the_text(void **state)
{
	(void)state;
	static const struct { const char *id, *period; } want[] = {
		{ "SR.4.5", "P1Y" }, { "A2.2.2", "P3Y" }, { "A2.3.1.1", "P1Y" }, { "A2.3.1.2", "P3Y" },
		{ "A2.3.1.3", "P5Y" }, { "A2.3.3", "P3M" }, { "A2.3.4", "P2Y" }, { "A2.4.1.7.1.1", "P6M" },
		{ "A2.5.4.2.3", "PT15M" }, { "A2.6", "P1Y" }, { "A2.8", "P5Y" },
	};
	const struct bs_catalog *cat = builtin();
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct bs_control *c = bs_catalog_find(cat, want[i].id);
		assert_non_null(c);
		if (!c->period || strcmp(c->period, want[i].period))
			fail_msg("%s: period %s, want %s", want[i].id, c->period ? c->period : "none", want[i].period);
	}
}

/* Table 1 of Annex 1, exactly as the table marks its V columns. */
static void test_table1_matrix(void **state)
{
	(void)state;
	const unsigned all = 0xe, two3 = 0xc, three = 0x8;
	static const unsigned char classes[20] = {
		0, 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'B', 'B', 'B', 'B', 'C', 'C', 'B', 'B', 'A', 'C', 'A', 'B',
	};
	const struct bs_catalog *cat = builtin();
	char id[32];
	for (int r = 1; r <= 19; r++) {
		snprintf(id, sizeof(id), "A1.T1.%02d", r);
		const struct bs_control *c = bs_catalog_find(cat, id);
		if (!c)
			fail_msg("missing %s", id);
		unsigned want = classes[r] == 'A' ? all : classes[r] == 'B' ? two3 : three;
		if (c->applies.app_class != want)
			fail_msg("%s: app_class mask %#x, want %#x", id, c->applies.app_class, want);
		/* Annex 1 applies only to brokers with apps */
		assert_true(c->effective.profile & (1u << BS_PF_MOBILE_APP));
	}
	assert_null(bs_catalog_find(cat, "A1.T1.20"));
}

/* Drops page furniture (page numbers, 附件X lines) and all whitespace. */
static char *normalise(const char *s, int drop_furniture)
{
	struct bs_buf out = BS_BUF_INIT;
	const char *line = s;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		struct bs_buf l = BS_BUF_INIT;
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)line[i];
			if (ch == ' ' || ch == '\t' || ch == '\r')
				continue;
			/* U+3000 ideographic space */
			if (ch == 0xe3 && i + 2 < len && (unsigned char)line[i + 1] == 0x80 && (unsigned char)line[i + 2] == 0x80) {
				i += 2;
				continue;
			}
			bs_buf_putc(&l, (char)ch);
		}
		int furniture = 0;
		if (drop_furniture) {
			furniture = l.len > 0 && strspn(l.ptr, "0123456789") == l.len;
			furniture |= !strcmp(l.ptr, "附件一") || !strcmp(l.ptr, "附件二") || !strcmp(l.ptr, "附件三");
		}
		if (!furniture)
			bs_buf_put(&out, l.ptr, l.len);
		bs_buf_release(&l);
		line = end ? end + 1 : line + len;
	}
	return bs_buf_detach(&out, NULL);
}

static void test_text_is_verbatim(void **state)
{
	(void)state;
	struct bs_buf reg = BS_BUF_INIT;
	if (bs_buf_read_file(&reg, "catalog/source/insurance-broker-infosec-self-regulation.zh-TW.txt") < 0)
		fail_msg("%s", bs_error_message());
	char *norm = normalise(reg.ptr, 1);
	const struct bs_catalog *cat = builtin();
	int bad = 0;
	for (size_t i = 0; i < cat->n; i++) {
		char *t = normalise(cat->v[i].text.zh, 0);
		if (!strstr(norm, t)) {
			print_error("%s: zh-TW text not found verbatim in the regulation\n", cat->v[i].id);
			bad++;
		}
		free(t);
	}
	free(norm);
	bs_buf_release(&reg);
	assert_int_equal(bad, 0);
}

/* Every fixture's first line says where the loader must point: "# expect: LINE: text". */
static void test_malformed_fixtures(void **state)
{
	(void)state;
	const char *dir = "tests/fixtures/catalog";
	DIR *d = opendir(dir);
	struct dirent *e;
	int seen = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "bad-", 4) != 0)
			continue;
		char path[512];
		struct bs_buf want = BS_BUF_INIT;
		struct bs_buf data = BS_BUF_INIT, errors = BS_BUF_INIT;
		struct bs_catalog cat = { 0 };
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(bs_buf_read_file(&data, path), 0);
		const char *exp = strstr(data.ptr, "# expect: ");
		assert_non_null(exp);
		exp += 10;
		size_t n = strcspn(exp, "\n");
		bs_buf_printf(&want, "%s:%.*s", path, (int)n, exp);
		int problems = bs_catalog_parse(&cat, path, data.ptr, data.len, &errors);
		problems += bs_catalog_link(&cat, &errors);
		if (problems <= 0 || !strstr(errors.ptr, want.ptr))
			fail_msg("%s: want '%s' in:\n%s", path, want.ptr, errors.ptr);
		bs_buf_release(&want);
		bs_catalog_release(&cat);
		bs_buf_release(&data);
		bs_buf_release(&errors);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 8);
}

static void test_conditions_inherit(void **state)
{
	(void)state;
	struct bs_buf data = BS_BUF_INIT, errors = BS_BUF_INIT;
	struct bs_catalog cat = { 0 };
	assert_int_equal(bs_buf_read_file(&data, "tests/fixtures/catalog/good-conditions.yaml"), 0);
	assert_int_equal(bs_catalog_parse(&cat, "good", data.ptr, data.len, &errors), 0);
	assert_int_equal(bs_catalog_link(&cat, &errors), 0);
	const struct bs_control *c = bs_catalog_find(&cat, "A2.1.1");
	assert_non_null(c);
	assert_int_equal(c->applies.profile, 0);
	assert_int_equal(c->effective.profile, (1u << BS_PF_CLOUD) | (1u << BS_PF_INTERNAL_CONTROL));
	assert_int_equal(c->effective.system_category, (1u << 1) | (1u << 3));
	assert_int_equal(c->effective.app_class, 1u << 3);
	const struct bs_control *p = bs_catalog_find(&cat, "A2.1");
	assert_int_equal(p->nhow, 2);
	assert_int_equal(p->how[0].kind, BS_HOW_CHECK);
	assert_string_equal(p->how[1].ref, "register:system");
	assert_int_equal(p->period_d.years, 1);
	assert_int_equal(p->nchildren, 1);
	bs_catalog_release(&cat);
	bs_buf_release(&data);
	bs_buf_release(&errors);
}

static void test_id_prefix_and_group(void **state)
{
	(void)state;
	const struct bs_catalog *cat = builtin();
	char g[32];
	assert_true(bs_control_id_under("A2.5.4", "A2.5"));
	assert_true(bs_control_id_under("A2.5", "A2.5"));
	assert_false(bs_control_id_under("A2.50", "A2.5"));
	assert_false(bs_control_id_under("A2", "A2.5"));
	bs_control_group(bs_catalog_find(cat, "A2.5.4.2.3"), g, sizeof(g));
	assert_string_equal(g, "A2.5");
	bs_control_group(bs_catalog_find(cat, "SR.4.5"), g, sizeof(g));
	assert_string_equal(g, "SR.4");
	bs_control_group(bs_catalog_find(cat, "SR"), g, sizeof(g));
	assert_string_equal(g, "SR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_loads_and_links),
		cmocka_unit_test(test_every_article_and_part_present),
		cmocka_unit_test(test_periods_from_the_text),
		cmocka_unit_test(test_table1_matrix),
		cmocka_unit_test(test_text_is_verbatim),
		cmocka_unit_test(test_malformed_fixtures),
		cmocka_unit_test(test_conditions_inherit),
		cmocka_unit_test(test_id_prefix_and_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
