/*
 * store.h - the state database (brokersec.db): open, create, migrate, transactions.
 *
 * The schema is built by numbered migrations embedded in the binary
 * (src/store/migrations/NNNN_name.sql); PRAGMA user_version holds the number of the last
 * one applied. A database newer than this binary is refused, never touched. Module store
 * files (a module's *_store.c) are the only other places that hold SQL; they get the handle
 * with bs_store_sqlite() and bind every parameter.
 */
#ifndef BS_STORE_STORE_H
#define BS_STORE_STORE_H

#include <sqlite3.h>
#include <stdint.h>

struct bs_store;

/* Creates a new database file at path (it must not exist) and applies every migration.
 * On success *out owns the handle; on failure *out is NULL and nothing is left behind. */
int bs_store_create(struct bs_store **out, const char *path);

/* Opens an existing database, applies pending migrations, refuses a newer schema
 * (BS_ECONFLICT) or a missing file (BS_ENOTFOUND). */
int bs_store_open(struct bs_store **out, const char *path);

void bs_store_free(struct bs_store *s);

/* The SQLite handle, borrowed: for module store files only. */
sqlite3 *bs_store_sqlite(struct bs_store *s);

/* The schema version this binary builds and the one the file has. */
int bs_store_schema_latest(void);
int bs_store_schema_version(struct bs_store *s);

int bs_store_begin(struct bs_store *s);
int bs_store_commit(struct bs_store *s);
void bs_store_rollback(struct bs_store *s);
/* Ends the transaction bs_store_begin() started, the one way every write ends: commits when
 * err >= 0, else rolls back; a commit that fails is rolled back too. Returns 0 once
 * committed, else err or the commit's error (the message of the first failure is kept).
 * Write `done: err = bs_store_finish(s, err);` after a single-exit body. */
int bs_store_finish(struct bs_store *s, int err);

/* Prepares sql; on failure sets a message naming what and returns BS_ERR. */
int bs_store_prepare(struct bs_store *s, const char *sql, sqlite3_stmt **out);
/* Turns the handle's last error into a message about what ("cannot save evidence"). */
int bs_store_fail(struct bs_store *s, const char *what);

/* Column text as a C string, "" for NULL (borrowed until the next step). */
const char *bs_store_text(sqlite3_stmt *st, int col);

/* For caches of what is computed from the database: *data_version moves when another
 * connection commits (PRAGMA data_version), *changes when this handle writes
 * (sqlite3_total_changes64). Both as they were: nothing has changed since. 0 or an error. */
int bs_store_changes(struct bs_store *s, int64_t *data_version, int64_t *changes);

#endif
