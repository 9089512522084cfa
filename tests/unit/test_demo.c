/* The demo generator (src/demo): it fills only a demo data directory, and only an empty one
 * (demo records never mix with real ones); the same clock gives the same records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "demo/demo.h"
#include "profile/profile.h"
#include "registry/registry.h"

struct fixture {
	char root[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int64_t t;

	snprintf(f->root, sizeof(f->root), "/tmp/bs-demo-XXXXXX");
	if (!mkdtemp(f->root) || bs_time_parse("2026-06-15T01:00:00Z", &t) < 0)
		return -1;
	bs_clock_set(t);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	bs_clock_set(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static struct bs_datadir *make(struct fixture *f, const char *name, unsigned flags)
{
	char dir[128];
	struct bs_datadir *dd = NULL;

	snprintf(dir, sizeof(dir), "%s/%s", f->root, name);
	assert_int_equal(bs_datadir_init_flags(dir, BS_DEMO_ORG, 1u << BS_PF_INTERNAL_CONTROL, "tester", flags, NULL, 0), 0);
	assert_int_equal(bs_datadir_open(&dd, dir), 0);
	dd->actor = "tester";
	return dd;
}

static size_t count(struct bs_datadir *dd, const char *reg)
{
	json_t *list = NULL;
	assert_int_equal(bs_reg_list(dd->store, bs_register_find(reg), 1, &list), 0);
	size_t n = json_array_size(list);
	json_decref(list);
	return n;
}

/* A real (unmarked) directory: refused, nothing written. */
static void test_refuses_unmarked(void **state)
{
	struct bs_datadir *dd = make(*state, "real", 0);
	struct bs_demo_counts n;

	assert_int_equal(dd->demo, 0);
	assert_int_equal(bs_demo_fill(dd, &n), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "is not a demo data directory"));
	assert_int_equal(count(dd, "system"), 0);
	assert_int_equal(count(dd, "person"), 0);
	bs_datadir_free(dd);
}

/* A demo directory is filled once; a second fill is refused (records exist). */
static void test_fills_once(void **state)
{
	struct bs_datadir *dd = make(*state, "demo", BS_DATADIR_DEMO);
	struct bs_demo_counts n;

	assert_int_equal(dd->demo, 1);
	assert_int_equal(bs_demo_fill(dd, &n), 0);
	assert_int_equal(n.systems, 4);
	assert_int_equal(n.people, 40);
	assert_int_equal(n.findings, 4);
	assert_int_equal(n.reports, 1);
	assert_int_equal(count(dd, "system"), 4);
	assert_int_equal(count(dd, "person"), 40);
	assert_int_equal(bs_demo_fill(dd, &n), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "holds records already"));
	assert_int_equal(count(dd, "person"), 40);
	bs_datadir_free(dd);
}

/* The same clock, the same names and dates. */
static void test_deterministic(void **state)
{
	struct bs_datadir *a = make(*state, "a", BS_DATADIR_DEMO), *b = make(*state, "b", BS_DATADIR_DEMO);
	struct bs_demo_counts n;
	json_t *la = NULL, *lb = NULL;

	assert_int_equal(bs_demo_fill(a, &n), 0);
	assert_int_equal(bs_demo_fill(b, &n), 0);
	for (const char *const *r = (const char *const[]){ "person", "training", "drill", NULL }; *r; r++) {
		assert_int_equal(bs_reg_list(a->store, bs_register_find(*r), 1, &la), 0);
		assert_int_equal(bs_reg_list(b->store, bs_register_find(*r), 1, &lb), 0);
		assert_true(json_equal(la, lb));
		json_decref(la);
		json_decref(lb);
	}
	bs_datadir_free(a);
	bs_datadir_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refuses_unmarked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fills_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
