/*
 * eventlog_fixture.h - the fixture of the event log's unit tests: a new data directory
 * (with its event log) in a temp dir, the injected clock at T0, and a check that the log
 * verifies with its key. Included by one test file each; needs cmocka.h, datadir.h and
 * eventlog.h before it.
 */
#ifndef BS_TESTS_EVENTLOG_FIXTURE_H
#define BS_TESTS_EVENTLOG_FIXTURE_H

#define T0 1767225600000000LL /* 2026-01-01T00:00:00Z */

struct fx {
	char tmp[64];
	char dir[128]; /* the data directory */
	char db[160];  /* its events.db */
	char vkey[BS_EVENTLOG_VKEY_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/bs-evlog-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->dir, sizeof(f->dir), "%s/d", f->tmp);
	snprintf(f->db, sizeof(f->db), "%s/events.db", f->dir);
	bs_clock_set(T0);
	assert_int_equal(bs_datadir_init_keyed(f->dir, "org", 0, "tester", f->vkey, sizeof(f->vkey)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	bs_clock_set(0);
	free(f);
	return 0;
}

/* The whole log verifies, seals included. */
static void verify_ok(struct fx *f)
{
	struct bs_verify_result r;
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
	if (!r.ok)
		fail_msg("verify: %s", r.problem);
	assert_true(r.seals_checked);
}

#endif
