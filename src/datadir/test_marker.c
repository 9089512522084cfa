/* test_marker.c - the process-wide state auth/password.c follows for a test data directory
 * (`brokersec init --test-fast-kdf`; its mark is written and read in marker.c). Why it
 * exists and why it cannot reach a real installation: datadir.h, "test data directories". */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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

void bs_test_mark_count(int delta)
{
	atomic_fetch_add(&open_marked, delta);
}

int bs_datadir_test_kdf_active(void)
{
	return atomic_load(&open_marked) > 0;
}
