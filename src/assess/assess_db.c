/* assess_db.c - the statements, the status gate and the register lookups the workflow's
 * files share. SQL only with bound parameters. */
#include <stdarg.h>
#include <string.h>

#include "assess/assess_int.h"
#include "core/error.h"
#include "registry/registry.h"
#include "store/store.h"

static int bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types && types[i]; i++) {
		int rc;
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'f':
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		default: {
			const char *t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i + 1);
		}
		}
		if (rc != SQLITE_OK)
			return bs_error(BS_ERR, "cannot bind parameter %d", i + 1);
	}
	return 0;
}

int as_query(struct bs_store *s, sqlite3_stmt **st, const char *sql, const char *types, ...)
{
	va_list ap;
	int err;

	if ((err = bs_store_prepare(s, sql, st)) < 0)
		return err;
	va_start(ap, types);
	err = bindv(*st, types, ap);
	va_end(ap);
	if (err < 0) {
		sqlite3_finalize(*st);
		*st = NULL;
	}
	return err;
}

int as_exec(struct bs_store *s, const char *what, int64_t *changes, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int err, rc;

	if ((err = bs_store_prepare(s, sql, &st)) < 0)
		return err;
	va_start(ap, types);
	err = bindv(st, types, ap);
	va_end(ap);
	if (err < 0) {
		sqlite3_finalize(st);
		return err;
	}
	rc = sqlite3_step(st);
	if (changes)
		*changes = sqlite3_changes(sqlite3_db_handle(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return bs_store_fail(s, what);
	return 0;
}

char *as_col(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : bs_strdup((const char *)sqlite3_column_text(st, col));
}

int as_status(struct bs_store *s, int64_t id, enum bs_assess_status *out)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT status FROM assessment WHERE id = ?1", "i", id)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = as_status_parse(bs_store_text(st, 0), out);
	else if (rc == SQLITE_DONE)
		err = bs_error(BS_ENOTFOUND, "assessment %lld does not exist: `brokersec assessment list` shows the ids",
			       (long long)id);
	else
		err = bs_store_fail(s, "cannot read the assessment");
	sqlite3_finalize(st);
	return err;
}

int as_require(struct bs_store *s, int64_t id, unsigned mask, const char *doing)
{
	enum bs_assess_status cur;
	struct bs_buf want;
	int err;

	if ((err = as_status(s, id, &cur)) < 0)
		return err;
	if (mask & AS_BIT(cur))
		return 0;
	bs_buf_init(&want);
	for (int i = 0; i <= BS_ASSESS_CLOSED; i++)
		if (mask & AS_BIT(i))
			bs_buf_printf(&want, "%s%s", want.len ? " or " : "", bs_assess_status_token((enum bs_assess_status)i));
	err = bs_error(BS_ECONFLICT, "assessment %lld is %s: %s needs it %s", (long long)id,
		       bs_assess_status_token(cur), doing, want.ptr ? want.ptr : "");
	bs_buf_release(&want);
	return err;
}

int as_record(struct bs_store *s, const char *reg, int64_t id, json_t **out)
{
	const struct bs_register *r = bs_register_find(reg);
	int err;

	if (!r)
		return bs_error(BS_ERR, "register %s is missing from this build", reg);
	if ((err = bs_reg_get(s, r, id, out)) < 0)
		return bs_error(err, "%s %lld does not exist: `brokersec %s list` shows the ids", reg, (long long)id, reg);
	if (json_is_true(json_object_get(*out, "archived"))) {
		json_decref(*out);
		*out = NULL;
		return bs_error(BS_ENOTFOUND, "%s %lld is archived: use a current one (`brokersec %s list`)", reg,
				(long long)id, reg);
	}
	return 0;
}

static int device_active(const json_t *d)
{
	const char *st = json_string_value(json_object_get(d, "status"));
	return !st || (strcmp(st, "retired") != 0 && strcmp(st, "disposed") != 0);
}

int as_system_devices(struct bs_store *s, int64_t system, json_t **out, size_t *active)
{
	const struct bs_register *r = bs_register_find("device");
	json_t *all = NULL, *mine;
	size_t i;
	json_t *d;
	int err;

	if (!r)
		return bs_error(BS_ERR, "register device is missing from this build");
	if ((err = bs_reg_list(s, r, 0, &all)) < 0)
		return err;
	mine = json_array();
	*active = 0;
	json_array_foreach(all, i, d) {
		if (json_integer_value(json_object_get(d, "system")) != system)
			continue;
		json_array_append(mine, d);
		if (device_active(d))
			(*active)++;
	}
	json_decref(all);
	*out = mine;
	return 0;
}

size_t as_system_total(const json_t *sys, size_t active)
{
	json_int_t declared = json_integer_value(json_object_get(sys, "device_count"));
	return declared > 0 && (size_t)declared > active ? (size_t)declared : active;
}

void as_now(char at[BS_TIME_MAX], char today[BS_DATE_MAX])
{
	int64_t now = bs_clock_now();
	if (at)
		bs_time_format(now, at);
	if (today)
		bs_date_format(bs_days_from_time(now), today);
}

int as_date(const char *text, const char *flag)
{
	int32_t d;
	if (!text || bs_date_parse(text, &d) < 0)
		return bs_error(BS_EINVALID, "%s '%s' is not a date: use YYYY-MM-DD", flag, text ? text : "");
	return 0;
}

int as_count(struct bs_store *s, int64_t *n, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	int err;

	if ((err = as_query(s, &st, sql, "ii", a, b)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		err = bs_store_fail(s, "cannot count");
	sqlite3_finalize(st);
	return err;
}
