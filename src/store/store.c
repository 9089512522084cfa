#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/embed.h"
#include "core/error.h"
#include "keys/keys.h"

struct bs_store {
	sqlite3 *db;
	char *path;
};

sqlite3 *bs_store_sqlite(struct bs_store *s)
{
	return s->db;
}

int bs_store_schema_latest(void)
{
	int n = 0;
	while (bs_embed_migrations[n].name)
		n++;
	return n;
}

int bs_store_fail(struct bs_store *s, const char *what)
{
	return bs_error(BS_ERR, "%s: database '%s': %s", what, s->path, sqlite3_errmsg(s->db));
}

static int exec(struct bs_store *s, const char *sql, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int r = bs_error(BS_ERR, "%s: database '%s': %s", what, s->path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

int bs_store_prepare(struct bs_store *s, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return bs_store_fail(s, "cannot prepare a query");
	}
	return 0;
}

const char *bs_store_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

int bs_store_begin(struct bs_store *s)
{
	return exec(s, "BEGIN IMMEDIATE", "cannot start a transaction");
}

int bs_store_commit(struct bs_store *s)
{
	return exec(s, "COMMIT", "cannot commit");
}

void bs_store_rollback(struct bs_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int bs_store_finish(struct bs_store *s, int err)
{
	if (err >= 0)
		err = bs_store_commit(s);
	/* a failed COMMIT (SQLITE_BUSY, a full disk) leaves the transaction open */
	if (err < 0)
		bs_store_rollback(s);
	return err < 0 ? err : 0;
}

int bs_store_schema_version(struct bs_store *s)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct bs_store *s)
{
	int have = bs_store_schema_version(s), latest = bs_store_schema_latest();
	int err = 0;

	if (have < 0)
		return bs_store_fail(s, "cannot read the schema version");
	if (have > latest)
		return bs_error(BS_ECONFLICT,
				"database '%s' has schema version %d but this brokersec knows only up to %d: "
				"upgrade brokersec before using this data directory", s->path, have, latest);
	for (int i = have; i < latest; i++) {
		struct bs_buf sql = BS_BUF_INIT;
		bs_buf_printf(&sql, "%s\nPRAGMA user_version = %d;", (const char *)bs_embed_migrations[i].data, i + 1);
		if ((err = bs_store_begin(s)) < 0) {
			bs_buf_release(&sql);
			return err;
		}
		err = exec(s, sql.ptr, bs_embed_migrations[i].name);
		bs_buf_release(&sql);
		if ((err = bs_store_finish(s, err)) < 0)
			return err;
	}
	return 0;
}

static int open_db(struct bs_store **out, const char *path, int flags)
{
	struct bs_store *s = bs_calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	s->path = bs_strdup(path);
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot open database '%s': %s", path,
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		bs_store_free(s);
		return err;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	/* WAL so readers never block the writer; foreign keys are off by default in SQLite. */
	if ((err = exec(s, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
			   "PRAGMA secure_delete=ON;", "cannot configure the database")) < 0 ||
	    (err = migrate(s)) < 0) {
		bs_store_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int bs_store_create(struct bs_store **out, const char *path)
{
	struct stat st;
	int err;

	*out = NULL;
	if (lstat(path, &st) == 0)
		return bs_error(BS_EEXISTS, "database '%s' exists already", path);
	/* Made empty with mode 0600 before SQLite opens it: SQLite gives the -wal and -shm files
	 * the database file's mode, so they are private from their first byte too. */
	if ((err = bs_write_new_file(path, "", 0)) < 0)
		return err;
	err = open_db(out, path, SQLITE_OPEN_READWRITE);
	if (err < 0)
		(void)unlink(path);
	return err;
}

int bs_store_open(struct bs_store **out, const char *path)
{
	struct stat st;

	*out = NULL;
	if (stat(path, &st) != 0)
		return bs_error(BS_ENOTFOUND, "database '%s' is missing: is this a brokersec data directory? "
				"create one with 'brokersec init'", path);
	return open_db(out, path, SQLITE_OPEN_READWRITE);
}

void bs_store_free(struct bs_store *s)
{
	if (!s)
		return;
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int bs_store_changes(struct bs_store *s, int64_t *data_version, int64_t *changes)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = bs_store_prepare(s, "PRAGMA data_version", &st)) < 0)
		return err;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*data_version = sqlite3_column_int64(st, 0);
	else
		err = bs_store_fail(s, "cannot read the database's change counter");
	sqlite3_finalize(st);
	*changes = sqlite3_total_changes64(s->db);
	return err;
}
