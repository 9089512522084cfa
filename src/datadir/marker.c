/* marker.c - the one-row marks of a data directory: a test directory's (test_marker.c) and a
 * demo directory's (below). Each is written once by init, in the directory it has just made,
 * and read at every open; nothing removes one (datadir.h). */
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir_int.h"

/* insert_sql takes the time as ?1; what names the failure. */
static int mark_write(struct bs_store *s, const char *insert_sql, const char *what)
{
	char now[BS_TIME_MAX];
	sqlite3_stmt *st = NULL;
	int err;

	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_begin(s)) < 0)
		return err;
	if ((err = bs_store_prepare(s, insert_sql, &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, what);
done:
	sqlite3_finalize(st);
	return bs_store_finish(s, err);
}

/* select_sql gives the mark's one column, 1 when set. */
static int mark_read(struct bs_store *s, const char *select_sql, const char *what, int *marked)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	*marked = 0;
	if ((err = bs_store_prepare(s, select_sql, &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*marked = sqlite3_column_int(st, 0) == 1;
	else if (rc != SQLITE_DONE)
		err = bs_store_fail(s, what);
	sqlite3_finalize(st);
	return err;
}

int bs_test_mark_write(struct bs_store *s)
{
	return mark_write(s, "INSERT INTO test_marker (id, fast_kdf, created_at) VALUES (1, 1, ?1)",
			  "cannot mark the test data directory");
}

int bs_test_mark_read(struct bs_store *s, int *marked)
{
	return mark_read(s, "SELECT fast_kdf FROM test_marker WHERE id = 1", "cannot read the test data directory mark",
			 marked);
}

int bs_demo_mark_write(struct bs_store *s)
{
	return mark_write(s, "INSERT INTO demo_marker (id, demo, created_at) VALUES (1, 1, ?1)",
			  "cannot mark the demo data directory");
}

int bs_demo_mark_read(struct bs_store *s, int *marked)
{
	return mark_read(s, "SELECT demo FROM demo_marker WHERE id = 1", "cannot read the demo data directory mark",
			 marked);
}
