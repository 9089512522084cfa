/* vkey_file.c - the verification key written to a file at init, and where it went
 * (datadir.h). */
#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "keys/keys.h"

int bs_vkey_file_write(const char *file, const char *vkey, char **abs)
{
	struct bs_buf b = BS_BUF_INIT;
	int err;

	if (abs)
		*abs = NULL;
	bs_buf_printf(&b, "%s\n", vkey);
	err = bs_write_new_file(file, b.ptr, b.len);
	sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	if (err == BS_EEXISTS)
		return bs_error(BS_EEXISTS, "'%s' exists already: the verification key is never written over a file; "
				"move that file away or name a new one with --verification-key-file", file);
	if (err < 0)
		return err;
	if (abs && !(*abs = realpath(file, NULL)))
		return bs_error(BS_ERR, "wrote '%s' but cannot resolve its full path: %s", file, bs_strerror(errno));
	return 0;
}

int bs_vkey_file_record(struct bs_datadir *dd, const char *abs)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int err;

	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_store_prepare(dd->store, "INSERT INTO vkey_file (id, path, created_at) VALUES (1, ?1, ?2)",
				    &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, abs, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot record where the verification key was written");
done:
	sqlite3_finalize(st);
	return bs_store_finish(dd->store, err);
}

int bs_vkey_file_get(struct bs_datadir *dd, char **path)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	*path = NULL;
	if ((err = bs_store_prepare(dd->store, "SELECT path FROM vkey_file WHERE id = 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*path = bs_strdup((const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot read where the verification key was written");
	sqlite3_finalize(st);
	return err;
}
