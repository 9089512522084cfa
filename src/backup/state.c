/* state.c - what the restore test compares: the row count of every table of a database. */
#include <jansson.h>
#include <sqlite3.h>
#include <string.h>

#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/error.h"

int bs_backup_db_state(const char *path, json_t **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *cnt = NULL;
	struct bs_buf q = BS_BUF_INIT;
	json_t *o = json_object();
	int rc, err = 0;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot open database '%s': %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
				   "ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot read the tables of '%s': %s", path, sqlite3_errmsg(db));
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		bs_buf_clear(&q);
		/* a table name cannot be bound: quoted as an identifier, its quotes doubled */
		bs_buf_puts(&q, "SELECT count(*) FROM \"");
		for (const char *c = name; *c; c++) {
			if (*c == '"')
				bs_buf_putc(&q, '"');
			bs_buf_putc(&q, *c);
		}
		bs_buf_puts(&q, "\"");
		if (sqlite3_prepare_v2(db, q.ptr, -1, &cnt, NULL) != SQLITE_OK || sqlite3_step(cnt) != SQLITE_ROW) {
			err = bs_error(BS_ERR, "cannot count the rows of table '%s' in '%s': %s", name, path,
				       sqlite3_errmsg(db));
			goto done;
		}
		json_object_set_new(o, name, json_integer(sqlite3_column_int64(cnt, 0)));
		sqlite3_finalize(cnt);
		cnt = NULL;
	}
	if (rc != SQLITE_DONE)
		err = bs_error(BS_ERR, "cannot read the tables of '%s': %s", path, sqlite3_errmsg(db));
done:
	sqlite3_finalize(cnt);
	sqlite3_finalize(st);
	sqlite3_close(db);
	bs_buf_release(&q);
	if (err < 0)
		json_decref(o);
	else
		*out = o;
	return err;
}
