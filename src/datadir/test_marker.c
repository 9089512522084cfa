/* test_marker.c - the mark of a test data directory (`brokersec init --test-fast-kdf`) and
 * the process-wide state auth/password.c follows. Why it exists and why it cannot reach a
 * real installation: datadir.h, "test data directories". */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir_int.h"

/* Test data directories open in this process: the server opens one handle per thread. */
static atomic_int open_marked;

int bs_testing(void)
{
	const char *v = getenv(BS_TESTING_ENV);

	/* exactly "1": a stray "0", "no" or empty value is not a test run */
	return v && !strcmp(v, "1");
}

int bs_test_mark_write(struct bs_store *s)
{
	char now[BS_TIME_MAX];
	sqlite3_stmt *st = NULL;
	int err;

	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_begin(s)) < 0)
		return err;
	if ((err = bs_store_prepare(s, "INSERT INTO test_marker (id, fast_kdf, created_at) VALUES (1, 1, ?1)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot mark the test data directory");
done:
	sqlite3_finalize(st);
	return bs_store_finish(s, err);
}

int bs_test_mark_read(struct bs_store *s, int *marked)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	*marked = 0;
	if ((err = bs_store_prepare(s, "SELECT fast_kdf FROM test_marker WHERE id = 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*marked = sqlite3_column_int(st, 0) == 1;
	else if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the test data directory mark");
	sqlite3_finalize(st);
	return err;
}

void bs_test_mark_count(int delta)
{
	atomic_fetch_add(&open_marked, delta);
}

int bs_datadir_test_kdf_active(void)
{
	return atomic_load(&open_marked) > 0;
}
