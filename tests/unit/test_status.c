/* The status engine on real data directories: applicability, evidence, recurrence, roll-up.
 * The review, precedence and links: test_status_evidence.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compliance/status.h"
#include "core/clock.h"
#include "evidence/evidence.h"

struct fixture {
	char root[64];
	char dir[128];
	struct bs_datadir *dd;
	const struct bs_catalog *cat;
};

static int setup_with(void **state, unsigned mask)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/bs-status-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/data", f->root);
	if (bs_datadir_init(f->dir, "測試保險經紀人", mask, "tester") < 0) {
		print_error("init: %s\n", bs_error_message());
		return -1;
	}
	if (bs_datadir_open(&f->dd, f->dir) < 0 || bs_catalog_builtin(&f->cat) < 0) {
		print_error("open: %s\n", bs_error_message());
		return -1;
	}
	*state = f;
	return 0;
}

static int setup_ic(void **state)
{
	return setup_with(state, 1u << BS_PF_INTERNAL_CONTROL);
}

static int setup_plain(void **state)
{
	return setup_with(state, 0);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];
	bs_clock_set(0);
	bs_datadir_free(f->dd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static const struct bs_status_item *item(const struct bs_status *st, const char *id)
{
	for (size_t i = 0; i < st->nitems; i++)
		if (!strcmp(st->items[i].control->id, id))
			return &st->items[i];
	fail_msg("no status item %s", id);
	return NULL;
}

static int32_t day(const char *s)
{
	int32_t d;
	assert_int_equal(bs_date_parse(s, &d), 0);
	return d;
}

static void test_internal_control_applicability(void **state)
{
	struct fixture *f = *state;
	struct bs_status st;
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2026-11-27"), &st), 0);
	int internal = (st.profile.mask >> BS_PF_INTERNAL_CONTROL) & 1;
	static const char *const gated[] = { "SR.4.4", "A2.4.1.7.4.1", "A2.4.1.9.1", "A2.5.5.2.1", "A2.5.3.2.1" };
	for (size_t i = 0; i < sizeof(gated) / sizeof(gated[0]); i++) {
		const struct bs_status_item *it = item(&st, gated[i]);
		if (internal)
			assert_int_equal(it->state, BS_STATE_UNKNOWN);
		else {
			assert_int_equal(it->state, BS_STATE_NOT_APPLICABLE);
			assert_non_null(strstr(it->reason_en, "internal_control = no"));
		}
	}
	/* Annex 1 needs mobile apps; neither fixture has them */
	assert_int_equal(item(&st, "A1.T1.01")->state, BS_STATE_NOT_APPLICABLE);
	/* always applicable */
	assert_int_equal(item(&st, "A2.5.4.2.3")->state, BS_STATE_UNKNOWN);
	/* headings with items of their own are rolled up, not listed */
	for (size_t i = 0; i < st.nitems; i++)
		assert_int_equal(st.items[i].control->nduty_children, 0);
	unsigned sum = 0;
	for (int s = 0; s < BS_STATE_COUNT; s++)
		sum += st.total[s];
	assert_int_equal(sum, st.nitems);
	bs_status_release(&st);
}

static int add_ev(struct fixture *f, const char *control, const char *file, const char *who, struct bs_evidence *e)
{
	struct bs_evidence_target t = { control, NULL, 0 };
	return bs_evidence_add(f->dd, &t, file, NULL, who, e);
}

static void accept_at(struct fixture *f, int64_t id, const char *when)
{
	struct bs_evidence e;
	int64_t t;
	assert_int_equal(bs_time_parse(when, &t), 0);
	bs_clock_set(t);
	assert_int_equal(bs_evidence_review(f->dd, id, 1, "簽到表與課程時數相符", "officer", &e), 0);
	assert_int_equal(e.state, BS_EVIDENCE_ACCEPTED);
	bs_evidence_release(&e);
	bs_clock_set(0);
}

static void test_evidence_recurs_with_period(void **state)
{
	struct fixture *f = *state;
	struct bs_status st;
	struct bs_evidence e;
	char file[160];
	int64_t t;

	snprintf(file, sizeof(file), "%s/training-2026.pdf", f->root);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("training records\n", fp);
	fclose(fp);
	assert_int_equal(bs_time_parse("2026-01-10T03:00:00Z", &t), 0);
	bs_clock_set(t);
	struct bs_evidence_target tg = { "SR.4.5", NULL, 0 };
	assert_int_equal(bs_evidence_add(f->dd, &tg, file, "年度教育訓練", "tester", &e), 0);
	/* sha256sum of the same bytes */
	assert_string_equal(e.sha256, "f9f80a82633d1a29636b3a7a8a18759c5c41eff14cfcf276b9f40e6b348a4f1f");
	assert_int_equal(e.state, BS_EVIDENCE_SUBMITTED);
	bs_evidence_release(&e);
	bs_clock_set(0);
	accept_at(f, 1, "2026-01-12T02:00:00Z");

	/* submitted, not yet reviewed on that day: it does not count */
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2026-01-11"), &st), 0);
	assert_int_equal(item(&st, "SR.4.5")->state, BS_STATE_UNKNOWN);
	assert_non_null(strstr(item(&st, "SR.4.5")->reason_zh, "佐證待審核"));
	bs_status_release(&st);

	/* before the evidence existed */
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2026-01-09"), &st), 0);
	assert_int_equal(item(&st, "SR.4.5")->state, BS_STATE_UNKNOWN);
	bs_status_release(&st);
	/* within the year */
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2026-06-01"), &st), 0);
	assert_int_equal(item(&st, "SR.4.5")->state, BS_STATE_MET);
	assert_non_null(strstr(item(&st, "SR.4.5")->reason_en, "next due 2027-01-10"));
	/* the group shows its worst item; SR.4 has other unknown items */
	for (size_t g = 0; g < st.ngroups; g++)
		if (!strcmp(st.groups[g].control->id, "SR.4")) {
			assert_int_equal(st.groups[g].state, BS_STATE_UNKNOWN);
			assert_int_equal(st.groups[g].count[BS_STATE_MET], 1);
		}
	bs_status_release(&st);
	/* a year on, the duty is due again */
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2027-01-10"), &st), 0);
	assert_int_equal(item(&st, "SR.4.5")->state, BS_STATE_DUE);
	assert_non_null(strstr(item(&st, "SR.4.5")->reason_en, "due since 2027-01-10"));
	bs_status_release(&st);
}

/* A duty without a cycle: accepted evidence is valid for one year, then the control is due
 * (issue 12: before, any file counted forever). */
static void test_evidence_without_period_valid_one_year(void **state)
{
	struct fixture *f = *state;
	struct bs_status st;
	struct bs_evidence e;
	char file[160];
	int64_t t;

	snprintf(file, sizeof(file), "%s/nda.txt", f->root);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("signed\n", fp);
	fclose(fp);
	assert_int_equal(bs_time_parse("2026-03-01T03:00:00Z", &t), 0);
	bs_clock_set(t);
	assert_int_equal(add_ev(f, "SR.4.2", file, "tester", &e), 0);
	assert_int_equal(e.size, 7);
	bs_evidence_release(&e);
	accept_at(f, 1, "2026-03-02T03:00:00Z");
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2027-02-28"), &st), 0);
	assert_int_equal(item(&st, "SR.4.2")->state, BS_STATE_MET);
	bs_status_release(&st);
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2027-03-01"), &st), 0);
	assert_int_equal(item(&st, "SR.4.2")->state, BS_STATE_DUE);
	assert_non_null(strstr(item(&st, "SR.4.2")->reason_en, "valid P1Y; due since 2027-03-01"));
	bs_status_release(&st);
	assert_int_equal(bs_status_compute(f->dd, f->cat, day("2040-01-01"), &st), 0);
	assert_int_equal(item(&st, "SR.4.2")->state, BS_STATE_DUE);
	bs_status_release(&st);
	/* a directory is refused and nothing is recorded */
	assert_int_equal(add_ev(f, "SR.4.2", f->root, "tester", &e), BS_EINVALID);
	assert_int_equal(add_ev(f, "SR.4.2", "/nonexistent/file", "tester", &e), BS_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_internal_control_applicability, setup_ic, teardown),
		cmocka_unit_test_setup_teardown(test_internal_control_applicability, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_recurs_with_period, setup_ic, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_without_period_valid_one_year, setup_plain, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
