/* record.c - what brokersec.db keeps of its own backups: the targets (medium, offline,
 * off-site), a row per run, the events (backup.create, backup.verify, backup.restore-test) and
 * the backup register record they keep up to date, so that the RPO and restore-test duties
 * (A2.4.1.8) and 3-2-1 (A3.7.11) are met by doing them. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "registry/registry.h"
#include "store/store.h"

/* The register record: given (kept for the next runs), else the one kept, else 0. */
static int register_record(struct bs_datadir *dd, int64_t given, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int err = 0;
	*id = 0;
	if (given > 0) {
		json_t *rec = NULL;
		if ((err = bs_reg_get(dd->store, bs_register_find("backup"), given, &rec)) < 0)
			return err;
		json_decref(rec);
		if ((err = bs_store_prepare(dd->store, "INSERT INTO backup_setting (id, register_id) VALUES (1, ?) "
						       "ON CONFLICT (id) DO UPDATE SET register_id = excluded.register_id",
					    &st)) < 0)
			return err;
		sqlite3_bind_int64(st, 1, given);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = bs_store_fail(dd->store, "cannot keep the backup register record");
		sqlite3_finalize(st);
		*id = given;
		return err;
	}
	if ((err = bs_store_prepare(dd->store, "SELECT register_id FROM backup_setting WHERE id = 1", &st)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int add_run(struct bs_datadir *dd, const char *location, const char *kind, const char *at, int ok,
		   const struct bs_backup_stats *s)
{
	sqlite3_stmt *st = NULL;
	int err;
	if ((err = bs_store_prepare(dd->store, "INSERT INTO backup_run (target_id, location, kind, at, by, snapshot, ok, "
					       "files, bytes, new_chunks, stored_bytes, damaged) VALUES ((SELECT id FROM "
					       "backup_target WHERE location = ?1), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
				    &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, dd->actor ? dd->actor : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, s->snapshot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, ok);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)s->files);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)s->bytes);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)s->new_chunks);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)s->stored_bytes);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)s->damaged);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : bs_store_fail(dd->store, "cannot record the backup run");
	sqlite3_finalize(st);
	return err;
}

/* The register record's copies from the targets: the data directory itself is one copy on
 * one medium (disk); each target with a backup is another, on its medium, unless its last
 * verify found it damaged. */
static int copies_of(struct bs_datadir *dd, json_t *changes)
{
	sqlite3_stmt *st = NULL;
	int err;
	if ((err = bs_store_prepare(dd->store,
				    "SELECT 1 + count(*), count(DISTINCT CASE WHEN medium = 'disk' THEN NULL ELSE medium END) + 1, "
				    "coalesce(max(offline), 0), coalesce(max(offsite), 0) FROM backup_target WHERE "
				    "last_backup_at IS NOT NULL AND coalesce(last_verify_ok, 1) = 1", &st)) < 0)
		return err;
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = bs_store_fail(dd->store, "cannot count the backup targets");
	} else {
		int64_t copies = sqlite3_column_int64(st, 0), media = sqlite3_column_int64(st, 1);
		json_object_set_new(changes, "copies", json_integer(copies > 99 ? 99 : copies));
		json_object_set_new(changes, "media", json_integer(media > copies ? copies : media));
		json_object_set_new(changes, "offline", json_boolean(sqlite3_column_int(st, 2)));
		json_object_set_new(changes, "offsite", json_boolean(sqlite3_column_int(st, 3)));
	}
	sqlite3_finalize(st);
	return err;
}

/* Updates the register record with what differs in changes (nothing: no update, no event). */
static int register_update(struct bs_datadir *dd, int64_t rid, json_t *changes)
{
	const struct bs_register *r = bs_register_find("backup");
	json_t *rec = NULL, *v;
	const char *key;
	void *tmp;
	int err;
	if ((err = bs_reg_get(dd->store, r, rid, &rec)) < 0)
		return err;
	json_object_foreach_safe(changes, tmp, key, v)
		if (json_equal(json_object_get(rec, key), v))
			json_object_del(changes, key);
	json_decref(rec);
	return json_object_size(changes) ? bs_reg_update(dd, r, rid, changes, NULL) : 0;
}

static void today(char out[BS_DATE_MAX])
{
	bs_date_format(bs_days_taipei(bs_clock_now()), out);
}

int bs_backup_record_create(struct bs_datadir *dd, const struct bs_backup_target *t, const char *repo_abs,
			    const char *repo_id, int64_t register_id, struct bs_backup_stats *s)
{
	sqlite3_stmt *st = NULL;
	char when[BS_TIME_MAX], date[BS_DATE_MAX], *data = NULL;
	const char *medium = t->medium ? t->medium : "disk";
	json_t *changes = NULL, *ev;
	int64_t rid = 0;
	int err;

	bs_time_format(bs_clock_now(), when);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = register_record(dd, register_id, &rid)) < 0)
		goto done;
	if ((err = bs_store_prepare(dd->store,
				    "INSERT INTO backup_target (location, repository, medium, offline, offsite, first_at, "
				    "last_backup_at, last_snapshot, ssh_key, known_hosts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, "
				    "?7, ?8, ?9) ON CONFLICT (location) DO UPDATE SET repository = excluded.repository, "
				    "medium = excluded.medium, offline = excluded.offline, offsite = excluded.offsite, "
				    "last_backup_at = excluded.last_backup_at, last_snapshot = excluded.last_snapshot, "
				    "ssh_key = coalesce(excluded.ssh_key, ssh_key), known_hosts = "
				    "coalesce(excluded.known_hosts, known_hosts)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, repo_abs, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, repo_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, medium, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, t->offline ? 1 : 0);
	sqlite3_bind_int(st, 5, t->offsite ? 1 : 0);
	sqlite3_bind_text(st, 6, when, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, s->snapshot, -1, SQLITE_TRANSIENT);
	if (t->remote.ssh_key) {
		char *k = realpath(t->remote.ssh_key, NULL);
		sqlite3_bind_text(st, 8, k ? k : t->remote.ssh_key, -1, SQLITE_TRANSIENT);
		free(k);
	}
	if (t->remote.known_hosts) {
		char *k = realpath(t->remote.known_hosts, NULL);
		sqlite3_bind_text(st, 9, k ? k : t->remote.known_hosts, -1, SQLITE_TRANSIENT);
		free(k);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot record the backup target");
	sqlite3_finalize(st);
	if (err < 0 || (err = add_run(dd, repo_abs, "create", when, 1, s)) < 0)
		goto done;
	ev = json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I}", "target", repo_abs, "snapshot", s->snapshot,
		       "medium", medium, "offline", t->offline, "offsite", t->offsite, "files", (json_int_t)s->files,
		       "bytes", (json_int_t)s->bytes, "chunks", (json_int_t)s->chunks, "new_chunks",
		       (json_int_t)s->new_chunks, "register", (json_int_t)rid);
	data = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(ev);
	err = bs_audit(dd, "backup.create", "success", data, "backup %s of the data directory to %s (%s%s): %llu files, "
		       "%llu bytes, %llu new chunks", s->snapshot, repo_abs, medium, t->offline ? ", offline" : "",
		       (unsigned long long)s->files, (unsigned long long)s->bytes, (unsigned long long)s->new_chunks);
done:
	free(data);
	err = bs_store_finish(dd->store, err);
	if (err < 0 || !rid)
		return err;
	/* the register record, as a change of its own (register.backup.update, with history) */
	s->register_id = rid;
	today(date);
	changes = json_object();
	json_object_set_new(changes, "last_backup", json_string(date));
	if ((err = copies_of(dd, changes)) >= 0)
		err = register_update(dd, rid, changes);
	json_decref(changes);
	return err;
}

static int target_update(struct bs_datadir *dd, const char *repo_abs, const char *sql, const char *when, int ok)
{
	sqlite3_stmt *st = NULL;
	int err;
	if ((err = bs_store_prepare(dd->store, sql, &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, when, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, ok);
	sqlite3_bind_text(st, 3, repo_abs, -1, SQLITE_TRANSIENT);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : bs_store_fail(dd->store, "cannot record the backup target");
	sqlite3_finalize(st);
	return err;
}

static char *abs_of(const char *repo)
{
	return bs_repo_location(repo);
}

int bs_backup_record_verify(struct bs_datadir *dd, const char *repo, int ok, const struct bs_backup_stats *s)
{
	char when[BS_TIME_MAX], *abs = abs_of(repo), *data;
	json_t *ev;
	int err;

	bs_time_format(bs_clock_now(), when);
	ev = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I}", "target", abs, "snapshot", s->snapshot, "ok", ok, "chunks",
		       (json_int_t)s->chunks, "bytes", (json_int_t)s->bytes, "damaged", (json_int_t)s->damaged);
	data = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(ev);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	if ((err = target_update(dd, abs, "UPDATE backup_target SET last_verify_at = ?1, last_verify_ok = ?2 WHERE "
					  "location = ?3", when, ok)) < 0 ||
	    (err = add_run(dd, abs, "verify", when, ok, s)) < 0)
		goto done;
	err = bs_audit(dd, "backup.verify", ok ? "success" : "failure", data,
		       "backup verify of %s: %llu chunks read back, %llu problems", abs, (unsigned long long)s->chunks,
		       (unsigned long long)s->damaged);
done:
	err = bs_store_finish(dd->store, err);
	/* a damaged copy no longer counts in the register record's copies (A3.7.11) */
	int64_t rid = 0;
	if (err >= 0 && (err = register_record(dd, 0, &rid)) >= 0 && rid) {
		json_t *changes = json_object();
		if ((err = copies_of(dd, changes)) >= 0)
			err = register_update(dd, rid, changes);
		json_decref(changes);
	}
out:
	free(data);
	free(abs);
	return err;
}

int bs_backup_record_restore(struct bs_datadir *dd, const char *repo, const char *newdir, int64_t register_id,
			     int ok, const struct bs_backup_stats *s)
{
	char when[BS_TIME_MAX], date[BS_DATE_MAX], *abs = abs_of(repo), *data;
	json_t *ev, *changes;
	int64_t rid = 0;
	int err;

	bs_time_format(bs_clock_now(), when);
	ev = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:I, s:I, s:s}", "target", abs, "snapshot", s->snapshot, "restored_to",
		       newdir, "ok", ok, "log_verified", s->log_ok, "state_matches", s->state_ok, "files",
		       (json_int_t)s->files, "bytes", (json_int_t)s->bytes, "problem", s->problem);
	data = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(ev);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	if ((err = register_record(dd, register_id, &rid)) < 0 ||
	    (err = target_update(dd, abs, "UPDATE backup_target SET last_restore_at = ?1, last_restore_ok = ?2 WHERE "
					  "location = ?3", when, ok)) < 0 ||
	    (err = add_run(dd, abs, "restore-test", when, ok, s)) < 0)
		goto done;
	err = bs_audit(dd, "backup.restore-test", ok ? "success" : "failure", data,
		       "restore test of backup %s from %s into %s: %s", s->snapshot, abs, newdir,
		       ok ? "log verified, state matches" : s->problem);
done:
	err = bs_store_finish(dd->store, err);
	if (err >= 0 && ok && rid) {
		today(date);
		changes = json_pack("{s:s}", "last_restore_test", date);
		err = register_update(dd, rid, changes);
		json_decref(changes);
	}
out:
	free(data);
	free(abs);
	return err;
}

int bs_backup_targets(struct bs_datadir *dd, json_t **out)
{
	sqlite3_stmt *st = NULL;
	int err, rc;
	*out = NULL;
	if ((err = bs_store_prepare(dd->store, "SELECT location, medium, offline, offsite, last_backup_at, last_snapshot, "
					       "last_verify_at, last_verify_ok, last_restore_at, last_restore_ok FROM "
					       "backup_target ORDER BY id", &st)) < 0)
		return err;
	*out = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:s, s:s, s:b, s:b}", "location", bs_store_text(st, 0), "medium",
				      bs_store_text(st, 1), "offline", sqlite3_column_int(st, 2), "offsite",
				      sqlite3_column_int(st, 3));
		static const char *const names[] = { "last_backup", "last_snapshot", "last_verify", NULL, "last_restore_test" };
		for (int c = 4; c <= 9; c++) {
			if (c == 7 || c == 9) {
				json_object_set_new(o, c == 7 ? "last_verify_ok" : "last_restore_ok",
						    sqlite3_column_type(st, c) == SQLITE_NULL ? json_null()
											  : json_boolean(sqlite3_column_int(st, c)));
				continue;
			}
			json_object_set_new(o, names[c - 4], sqlite3_column_type(st, c) == SQLITE_NULL
								     ? json_null()
								     : json_string(bs_store_text(st, c)));
		}
		json_array_append_new(*out, o);
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot read the backup targets");
	sqlite3_finalize(st);
	if (err < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

int bs_backup_record_prune(struct bs_datadir *dd, const char *location, const char *type, int ok, json_t *data,
			   const char *summary)
{
	char *text = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int err = bs_audit(dd, type, ok ? "success" : "failure", text, "%s of %s: %s", type, location, summary);
	free(text);
	return err;
}

int bs_backup_target_remote(struct bs_datadir *dd, const char *location, char **key, char **kh)
{
	sqlite3_stmt *st = NULL;
	int err;
	*key = *kh = NULL;
	if ((err = bs_store_prepare(dd->store, "SELECT ssh_key, known_hosts FROM backup_target WHERE location = ?", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*key = bs_strdup(bs_store_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			*kh = bs_strdup(bs_store_text(st, 1));
	}
	sqlite3_finalize(st);
	return 0;
}
