/* The registers' SQL: records, history, and the event for every change (fail closed). */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/error.h"
#include "registry/registry_private.h"

static char *dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!s)
		abort(); /* only on allocation failure */
	return s;
}

/* The public record: id, every field in descriptor order (null when unset), archived. */
static json_t *make_record(const struct bs_register *r, int64_t id, const json_t *data, int archived)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	for (const struct bs_field *f = r->fields; f->name; f++) {
		json_t *v = json_object_get(data, f->name);
		json_object_set_new(o, f->name, v ? json_deep_copy(v) : json_null());
	}
	json_object_set_new(o, "archived", json_boolean(archived));
	return o;
}

/* The stored fields of a record (no id, no archived). */
static json_t *fields_of(const struct bs_register *r, const json_t *rec)
{
	json_t *o = json_object();
	for (const struct bs_field *f = r->fields; f->name; f++) {
		json_t *v = json_object_get(rec, f->name);
		json_object_set_new(o, f->name, v ? json_deep_copy(v) : json_null());
	}
	return o;
}

static int exists(struct bs_store *s, const char *reg, int64_t id, int *archived)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = bs_store_prepare(s, "SELECT archived FROM reg_record WHERE register = ?1 AND id = ?2", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, reg, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (archived)
			*archived = sqlite3_column_int(st, 0);
		err = 1;
	} else if (rc == SQLITE_DONE) {
		err = 0;
	} else {
		err = bs_store_fail(s, "cannot read the registers");
	}
	sqlite3_finalize(st);
	return err;
}

/* SQLite gives a new row the largest rowid so far plus one, so inside one transaction the
 * rows added after the mark are exactly those with a larger rowid. */
int bs_reg__mark(struct bs_store *s, int64_t *mark)
{
	sqlite3_stmt *st;
	int err;

	if ((err = bs_store_prepare(s, "SELECT coalesce(max(rowid), 0) FROM reg_record", &st)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		*mark = sqlite3_column_int64(st, 0);
	else
		err = bs_store_fail(s, "cannot read the registers");
	sqlite3_finalize(st);
	return err;
}

int bs_reg__exists_since(struct bs_store *s, const struct bs_register *r, int64_t id, int64_t mark, int *since)
{
	sqlite3_stmt *st;
	int err, rc;

	*since = 0;
	if ((err = bs_store_prepare(s, "SELECT rowid > ?3 FROM reg_record WHERE register = ?1 AND id = ?2", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, mark);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*since = sqlite3_column_int(st, 0);
		err = 1;
	} else if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the registers");
	}
	sqlite3_finalize(st);
	return err;
}

int bs_reg__check_refs(struct bs_store *s, const struct bs_register *r, const json_t *rec, int64_t rec_id, int cli)
{
	for (const struct bs_field *f = r->fields; f->name; f++) {
		const json_t *v = json_object_get(rec, f->name);
		char flag[64];
		if (f->type != BS_FT_REF && f->type != BS_FT_REFS)
			continue;
		if (!v || json_is_null(v))
			continue;
		bs_field_flag(f, flag, sizeof(flag));
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t i = 0; i < n; i++) {
			const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
			int64_t id = (int64_t)json_integer_value(e);
			int err = exists(s, f->ref, id, NULL);
			if (err < 0)
				return err;
			if (!err)
				return cli ? bs_error(BS_EINVALID,
						      "%s: --%s %lld: no %s %lld: see 'brokersec %s list'", r->name, flag,
						      (long long)id, f->ref, (long long)id, f->ref)
					   : bs_error(BS_EINVALID, "column '%s': no %s %lld: see 'brokersec %s list'",
						      f->name, f->ref, (long long)id, f->ref);
		}
	}
	return r->check_linked ? r->check_linked(s, rec, rec_id, cli) : 0;
}

int bs_reg__build(const struct bs_register *r, const json_t *given, json_t **out)
{
	json_t *rec = json_object();
	const char *key;
	json_t *v;

	*out = NULL;
	json_object_foreach((json_t *)given, key, v) {
		if (!bs_register_field(r, key)) {
			json_decref(rec);
			return bs_error(BS_EINVALID, "%s has no field '%s': see 'brokersec %s --help'", r->name, key, r->name);
		}
	}
	for (const struct bs_field *f = r->fields; f->name; f++) {
		json_t *gv = json_object_get(given, f->name);
		if (gv) {
			json_object_set_new(rec, f->name, json_deep_copy(gv));
		} else if (f->def) {
			json_t *dv;
			if (bs_field_parse(f, f->def, &dv) < 0) {
				json_decref(rec);
				return BS_ERR;
			}
			json_object_set_new(rec, f->name, dv);
		} else {
			json_object_set_new(rec, f->name, json_null());
		}
	}
	*out = rec;
	return 0;
}

static int next_id(struct bs_store *s, const char *reg, int64_t *id)
{
	sqlite3_stmt *st;
	int err;

	if ((err = bs_store_prepare(s, "SELECT coalesce(max(id), 0) + 1 FROM reg_record WHERE register = ?1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, reg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		err = bs_store_fail(s, "cannot read the registers");
	sqlite3_finalize(st);
	return err;
}

static int write_history(struct bs_datadir *dd, const struct bs_register *r, int64_t id, int64_t version,
			 const char *action, const char *old_data, const char *new_data, const char *at, int64_t at_us)
{
	sqlite3_stmt *st;
	int err;

	if ((err = bs_store_prepare(dd->store,
			"INSERT INTO reg_history (register, record_id, version, action, old_data, new_data, at, at_us, by) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, version);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	if (old_data)
		sqlite3_bind_text(st, 5, old_data, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, new_data, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, at_us);
	sqlite3_bind_text(st, 9, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot save the register history");
	sqlite3_finalize(st);
	return err;
}

int bs_reg__insert(struct bs_datadir *dd, const struct bs_register *r, const json_t *rec, int64_t want_id,
		   int64_t *id_out, char **data_out)
{
	char now[BS_TIME_MAX];
	int64_t now_us = bs_clock_now(), id = want_id;
	sqlite3_stmt *st = NULL;
	char *data = NULL;
	int err;

	bs_time_format(now_us, now);
	if (id <= 0 && (err = next_id(dd->store, r->name, &id)) < 0)
		return err;
	data = dump(rec);
	if ((err = bs_store_prepare(dd->store,
			"INSERT INTO reg_record (register, id, data, archived, version, created_at, created_by, updated_at, "
			"updated_by) VALUES (?1, ?2, ?3, 0, 1, ?4, ?5, ?4, ?5)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, data, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = sqlite3_extended_errcode(bs_store_sqlite(dd->store)) == SQLITE_CONSTRAINT_PRIMARYKEY
			      ? bs_error(BS_EEXISTS, "%s %lld exists already", r->name, (long long)id)
			      : bs_store_fail(dd->store, "cannot save the record");
		goto done;
	}
	err = write_history(dd, r, id, 1, "add", NULL, data, now, now_us);
	*id_out = id;
	if (!err && data_out) {
		*data_out = data;
		data = NULL;
	}
done:
	sqlite3_finalize(st);
	free(data);
	return err;
}

static int audit_change(struct bs_datadir *dd, const struct bs_register *r, const char *verb, int64_t id,
			const json_t *old_rec, const json_t *new_rec)
{
	struct bs_buf type = BS_BUF_INIT;
	json_t *d = json_object();
	char *data;
	int err;

	json_object_set_new(d, "register", json_string(r->name));
	json_object_set_new(d, "id", json_integer(id));
	if (old_rec)
		json_object_set_new(d, "old", json_deep_copy(old_rec));
	json_object_set_new(d, "new", json_deep_copy(new_rec));
	data = dump(d);
	bs_buf_printf(&type, "register.%s.%s", r->name, verb);
	err = bs_audit(dd, type.ptr, "success", data, "%s %lld: %s", r->name, (long long)id, verb);
	free(data);
	json_decref(d);
	bs_buf_release(&type);
	return err;
}

int bs_reg_add(struct bs_datadir *dd, const struct bs_register *r, const json_t *given, int64_t want_id, json_t **out)
{
	json_t *rec = NULL, *full = NULL;
	int64_t id = 0;
	int err;

	if (out)
		*out = NULL;
	if ((err = bs_reg__build(r, given, &rec)) < 0)
		return err;
	if ((err = bs_register_validate(r, rec, 1)) < 0 || (err = bs_reg__check_refs(dd->store, r, rec, 0, 1)) < 0)
		goto done;
	if ((err = bs_store_begin(dd->store)) < 0)
		goto done;
	if ((err = bs_reg__insert(dd, r, rec, want_id, &id, NULL)) < 0)
		goto rollback;
	full = make_record(r, id, rec, 0);
	/* fail closed: no event, no change */
	if ((err = audit_change(dd, r, "add", id, NULL, full)) < 0)
		goto rollback;
	if ((err = bs_store_commit(dd->store)) < 0)
		goto rollback;
	if (out) {
		*out = full;
		full = NULL;
	}
	goto done;
rollback:
	bs_store_rollback(dd->store);
done:
	json_decref(rec);
	json_decref(full);
	return err;
}

/* Loads a record's stored fields, archived flag and version. */
static int load(struct bs_store *s, const struct bs_register *r, int64_t id, json_t **data, int *archived,
		int64_t *version)
{
	sqlite3_stmt *st;
	json_error_t jerr;
	int err, rc;

	*data = NULL;
	if ((err = bs_store_prepare(s, "SELECT data, archived, version FROM reg_record WHERE register = ?1 AND id = ?2",
				    &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*data = json_loads(bs_store_text(st, 0), 0, &jerr);
		*archived = sqlite3_column_int(st, 1);
		*version = sqlite3_column_int64(st, 2);
		if (!*data || !json_is_object(*data)) {
			json_decref(*data);
			*data = NULL;
			err = bs_error(BS_ERR, "%s %lld is damaged in the database (not a JSON object): restore a backup",
				       r->name, (long long)id);
		}
	} else if (rc == SQLITE_DONE) {
		err = bs_error(BS_ENOTFOUND, "no %s with id %lld: see 'brokersec %s list --all'", r->name, (long long)id,
			       r->name);
	} else {
		err = bs_store_fail(s, "cannot read the registers");
	}
	sqlite3_finalize(st);
	return err;
}

static int save(struct bs_datadir *dd, const struct bs_register *r, int64_t id, int64_t version, const char *action,
		const json_t *old_data, const json_t *new_data, int archived)
{
	char now[BS_TIME_MAX];
	int64_t now_us = bs_clock_now();
	char *olds = dump(old_data), *news = dump(new_data);
	sqlite3_stmt *st = NULL;
	int err;

	bs_time_format(now_us, now);
	if ((err = bs_store_prepare(dd->store,
			"UPDATE reg_record SET data = ?3, archived = ?4, version = ?5, updated_at = ?6, updated_by = ?7 "
			"WHERE register = ?1 AND id = ?2 AND version = ?8", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, news, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, archived);
	sqlite3_bind_int64(st, 5, version + 1);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, version);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the record");
		goto done;
	}
	if (sqlite3_changes(bs_store_sqlite(dd->store)) != 1) {
		err = bs_error(BS_ECONFLICT, "%s %lld changed meanwhile: try again", r->name, (long long)id);
		goto done;
	}
	err = write_history(dd, r, id, version + 1, action, olds, news, now, now_us);
done:
	sqlite3_finalize(st);
	free(olds);
	free(news);
	return err;
}

/* The end of an update or an archive inside its transaction: saves the new version, logs
 * the change and commits; *out (when out) is then the new record. */
static int commit_change(struct bs_datadir *dd, const struct bs_register *r, int64_t id, int64_t version,
			 const char *action, const json_t *old, const json_t *fields, int archived, json_t **out)
{
	json_t *old_full, *new_full;
	int err;

	if ((err = save(dd, r, id, version, action, old, fields, archived)) < 0)
		return err;
	old_full = make_record(r, id, old, 0);
	new_full = make_record(r, id, fields, archived);
	if ((err = audit_change(dd, r, action, id, old_full, new_full)) >= 0 &&
	    (err = bs_store_commit(dd->store)) >= 0 && out) {
		*out = new_full;
		new_full = NULL;
	}
	json_decref(old_full);
	json_decref(new_full);
	return err;
}

int bs_reg_update(struct bs_datadir *dd, const struct bs_register *r, int64_t id, const json_t *changes, json_t **out)
{
	json_t *old = NULL, *rec = NULL, *old_fields = NULL;
	const char *key;
	json_t *v;
	int64_t version;
	int archived, err;

	if (out)
		*out = NULL;
	if (json_object_size(changes) == 0)
		return bs_error(BS_EINVALID, "nothing to change: give at least one field option (see 'brokersec %s --help')",
				r->name);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = load(dd->store, r, id, &old, &archived, &version)) < 0)
		goto rollback;
	if (archived) {
		err = bs_error(BS_ECONFLICT, "%s %lld is archived: archived records are kept as they were", r->name,
			       (long long)id);
		goto rollback;
	}
	rec = fields_of(r, old);
	json_object_foreach((json_t *)changes, key, v) {
		if (!bs_register_field(r, key)) {
			err = bs_error(BS_EINVALID, "%s has no field '%s'", r->name, key);
			goto rollback;
		}
		json_object_set_new(rec, key, json_deep_copy(v));
	}
	if ((err = bs_register_validate(r, rec, 1)) < 0 || (err = bs_reg__check_refs(dd->store, r, rec, id, 1)) < 0)
		goto rollback;
	old_fields = fields_of(r, old);
	if (json_equal(rec, old_fields)) {
		/* nothing changes: nothing to record */
		bs_store_rollback(dd->store);
		if (out)
			*out = make_record(r, id, old, 0);
		goto done;
	}
	if ((err = commit_change(dd, r, id, version, "update", old, rec, 0, out)) < 0)
		goto rollback;
	goto done;
rollback:
	bs_store_rollback(dd->store);
done:
	json_decref(old);
	json_decref(rec);
	json_decref(old_fields);
	return err;
}

int bs_reg_archive(struct bs_datadir *dd, const struct bs_register *r, int64_t id, json_t **out)
{
	json_t *old = NULL;
	int64_t version;
	int archived, err;

	if (out)
		*out = NULL;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = load(dd->store, r, id, &old, &archived, &version)) < 0)
		goto rollback;
	if (archived) {
		err = bs_error(BS_ECONFLICT, "%s %lld is archived already", r->name, (long long)id);
		goto rollback;
	}
	if ((err = commit_change(dd, r, id, version, "archive", old, old, 1, out)) < 0)
		goto rollback;
	goto done;
rollback:
	bs_store_rollback(dd->store);
done:
	json_decref(old);
	return err;
}

int bs_reg_get(struct bs_store *s, const struct bs_register *r, int64_t id, json_t **out)
{
	json_t *data;
	int64_t version;
	int archived, err;

	*out = NULL;
	if ((err = load(s, r, id, &data, &archived, &version)) < 0)
		return err;
	*out = make_record(r, id, data, archived);
	json_decref(data);
	return 0;
}

/* Appends the records of register reg (all or only live ones) to arr. */
static int list_into(struct bs_store *s, const struct bs_register *r, int all, json_t *arr)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = bs_store_prepare(s,
			"SELECT id, data, archived FROM reg_record WHERE register = ?1 AND (?2 OR archived = 0) ORDER BY id",
			&st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, all ? 1 : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t jerr;
		int64_t id = sqlite3_column_int64(st, 0);
		json_t *data = json_loads(bs_store_text(st, 1), 0, &jerr);
		if (!json_is_object(data)) {
			json_decref(data);
			err = bs_error(BS_ERR, "%s %lld is damaged in the database (not a JSON object): restore a backup",
				       r->name, (long long)id);
			break;
		}
		json_array_append_new(arr, make_record(r, id, data, sqlite3_column_int(st, 2)));
		json_decref(data);
	}
	if (!err && rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the registers");
	sqlite3_finalize(st);
	return err;
}

int bs_reg_find_text(struct bs_store *s, const struct bs_register *r, const char *field, const char *value,
		     int64_t except_id, json_t **out)
{
	sqlite3_stmt *st;
	int err, rc;

	*out = NULL;
	if ((err = bs_store_prepare(s,
			"SELECT id, data FROM reg_record WHERE register = ?1 AND archived = 0 AND id != ?4"
			" AND json_extract(data, '$.' || ?2) = ?3 ORDER BY id LIMIT 1",
			&st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, except_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		json_error_t jerr;
		int64_t id = sqlite3_column_int64(st, 0);
		json_t *data = json_loads(bs_store_text(st, 1), 0, &jerr);
		if (!json_is_object(data))
			err = bs_error(BS_ERR, "%s %lld is damaged in the database (not a JSON object): restore a backup",
				       r->name, (long long)id);
		else
			*out = make_record(r, id, data, 0);
		json_decref(data);
	} else if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the registers");
	}
	sqlite3_finalize(st);
	return err;
}

int bs_reg_list(struct bs_store *s, const struct bs_register *r, int all, json_t **out)
{
	json_t *arr = json_array();
	int err = list_into(s, r, all, arr);

	*out = NULL;
	if (err < 0) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return 0;
}

int bs_reg_snapshot(struct bs_store *s, json_t **out)
{
	json_t *o = json_object();

	*out = NULL;
	for (size_t i = 0; bs_registers[i]; i++) {
		json_t *arr = json_array();
		int err = list_into(s, bs_registers[i], 1, arr);
		if (err < 0) {
			json_decref(arr);
			json_decref(o);
			return err;
		}
		json_object_set_new(o, bs_registers[i]->name, arr);
	}
	*out = o;
	return 0;
}

int bs_reg_history(struct bs_store *s, const struct bs_register *r, int64_t id, json_t **out)
{
	sqlite3_stmt *st;
	json_t *arr;
	int err, rc;

	*out = NULL;
	if ((err = exists(s, r->name, id, NULL)) < 0)
		return err;
	if (!err)
		return bs_error(BS_ENOTFOUND, "no %s with id %lld: see 'brokersec %s list --all'", r->name,
				(long long)id, r->name);
	if ((err = bs_store_prepare(s,
			"SELECT version, action, at, by, old_data, new_data FROM reg_history "
			"WHERE register = ?1 AND record_id = ?2 ORDER BY version", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t jerr;
		json_t *h = json_object();
		json_object_set_new(h, "version", json_integer(sqlite3_column_int64(st, 0)));
		json_object_set_new(h, "action", json_string(bs_store_text(st, 1)));
		json_object_set_new(h, "at", json_string(bs_store_text(st, 2)));
		json_object_set_new(h, "by", json_string(bs_store_text(st, 3)));
		json_t *o = sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null() : json_loads(bs_store_text(st, 4), 0, &jerr);
		json_t *n = json_loads(bs_store_text(st, 5), 0, &jerr);
		json_object_set_new(h, "old", o ? o : json_null());
		json_object_set_new(h, "new", n ? n : json_null());
		json_array_append_new(arr, h);
	}
	if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the register history");
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	*out = arr;
	return err;
}
