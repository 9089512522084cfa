/* vuln_store.c - inventories, advisories, findings and accepted risks in the data directory
 * (migration 0013; vuln.h). Every change by a person is an event before it commits. */
#include <inttypes.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "store/store.h"
#include "vuln/vuln.h"

static int step_done(struct bs_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, what);
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* The device register's record id: its system and that system's category (0 when none).
 * BS_ENOTFOUND when there is no such live device. */
static int device_info(struct bs_store *s, int64_t device, int64_t *system, int64_t *category)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	*system = *category = 0;
	if (device <= 0)
		return 0;
	if ((err = bs_store_prepare(s, "SELECT json_extract(d.data, '$.system'), json_extract(s.data, '$.category') "
				    "FROM reg_record d LEFT JOIN reg_record s ON s.register = 'system' AND "
				    "s.id = json_extract(d.data, '$.system') WHERE d.register = 'device' AND d.id = ?1 "
				    "AND d.archived = 0", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*system = sqlite3_column_int64(st, 0);
		*category = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE) {
		err = bs_error(BS_ENOTFOUND, "device %lld is not in the device register ('brokersec device list' shows "
			       "them; 'brokersec device add' adds one)", (long long)device);
	} else {
		err = bs_store_fail(s, "cannot read the device register");
	}
	sqlite3_finalize(st);
	return err;
}

/* --- loading what matching needs --- */

/* The advisories that can match: all of them, or (device >= 0) only those naming a package or
 * source package of the device's latest inventory - one host's match reads its own ~2,000
 * packages' rows through the package index, not the whole feed. A Windows inventory takes all:
 * its products match without regard to case and through supersedence rows (vuln_win.c). */
static int load_advisories(struct bs_store *s, int64_t device, struct bs_vuln_feed *f)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(f, 0, sizeof(*f));
	if (device >= 0) {
		if ((err = bs_store_prepare(s, "SELECT kind FROM vuln_inventory WHERE id = (SELECT max(id) FROM "
					    "vuln_inventory WHERE device = ?1)", &st)) < 0)
			return err;
		sqlite3_bind_int64(st, 1, device);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && !strcmp(bs_store_text(st, 0), "windows"))
			device = -1;
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return bs_store_fail(s, "cannot read the inventories");
	}
#define ADV_COLS "SELECT ecosystem, package, vuln_id, osv_id, status, introduced, fixed, last_affected, severity, cvss " \
		 "FROM vuln_advisory WHERE status <> 'not-affected'"
	/* two statements: an OR on the parameter would keep SQLite from the package index */
	if ((err = bs_store_prepare(s, device < 0 ? ADV_COLS
					       : ADV_COLS " AND package IN (SELECT p.name FROM vuln_package p WHERE p.inventory = "
							  "(SELECT max(id) FROM vuln_inventory WHERE device = ?1) UNION SELECT "
							  "p.source FROM vuln_package p WHERE p.inventory = (SELECT max(id) FROM "
							  "vuln_inventory WHERE device = ?1))",
				    &st)) < 0)
		return err;
#undef ADV_COLS
	if (device >= 0)
		sqlite3_bind_int64(st, 1, device);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (f->nadv == f->capadv) {
			f->capadv = f->capadv ? f->capadv * 2 : 1024;
			f->adv = bs_realloc(f->adv, bs_size_mul(f->capadv, sizeof(*f->adv)));
		}
		struct bs_vuln_adv *a = &f->adv[f->nadv++];
		a->ecosystem = bs_strdup(bs_store_text(st, 0));
		a->package = bs_strdup(bs_store_text(st, 1));
		a->vuln_id = bs_strdup(bs_store_text(st, 2));
		a->osv_id = bs_strdup(bs_store_text(st, 3));
		a->status = bs_strdup(bs_store_text(st, 4));
		a->introduced = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, 5));
		a->fixed = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, 6));
		a->last_affected = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, 7));
		a->severity = bs_strdup(bs_store_text(st, 8));
		a->cvss = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 9);
		a->summary = bs_strdup("");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the stored advisories");
	return 0;
}

static int load_inventory(struct bs_store *s, int64_t id, struct bs_vuln_inv *inv)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(inv, 0, sizeof(*inv));
	if ((err = bs_store_prepare(s, "SELECT kind, distro, release FROM vuln_inventory WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(inv->kind, sizeof(inv->kind), "%s", bs_store_text(st, 0));
		snprintf(inv->distro, sizeof(inv->distro), "%s", bs_store_text(st, 1));
		snprintf(inv->release, sizeof(inv->release), "%s", bs_store_text(st, 2));
	}
	sqlite3_finalize(st);
	if ((err = bs_store_prepare(s, "SELECT name, version, source, source_version, arch, ecosystem, purl FROM "
				    "vuln_package WHERE inventory = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		bs_vuln_inv_add(inv, bs_store_text(st, 0), bs_store_text(st, 1), bs_store_text(st, 2), bs_store_text(st, 3),
				bs_store_text(st, 4), bs_store_text(st, 5), bs_store_text(st, 6));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read a stored inventory");
	return 0;
}

static int load_kev(struct bs_store *s, char ***out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	*out = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT cve FROM vuln_kev ORDER BY cve", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = bs_realloc(*out, bs_size_mul(*n + 1, sizeof(**out)));
		(*out)[(*n)++] = bs_strdup(bs_store_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the KEV list");
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- one device's findings against its latest inventory --- */

struct hit {
	const struct bs_vuln_pkg *p;
	const struct bs_vuln_adv *a;
};
struct hits {
	struct hit *v;
	size_t n, cap;
};

static void collect(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg)
{
	struct hits *h = arg;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = bs_realloc(h->v, bs_size_mul(h->cap, sizeof(*h->v)));
	}
	h->v[h->n].p = p;
	h->v[h->n].a = a;
	h->n++;
}

static int sev_rank(const char *s)
{
	return !strcmp(s, "critical") ? 4 : !strcmp(s, "high") ? 3 : !strcmp(s, "medium") ? 2 : !strcmp(s, "low") ? 1 : 0;
}

static int cmp_hit(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	int r = strcmp(a->p->name, b->p->name);
	return r ? r : strcmp(a->a->vuln_id, b->a->vuln_id);
}

struct rematch {
	struct bs_datadir *dd;
	struct bs_vuln_policy pol;
	struct bs_vuln_index ix;
	char **kev;
	size_t nkev;
	json_t *opened, *closed;
	sqlite3_stmt *ins, *upd, *cls, *sel;
	int64_t now_us;
	char now[BS_TIME_MAX];
};

static int is_kev(const struct rematch *r, const char *cve)
{
	return r->nkev && bsearch(&cve, r->kev, r->nkev, sizeof(*r->kev), cmp_strp) != NULL;
}

/* An existing finding of the device. */
struct old {
	int64_t id, first_us;
	char *package, *cve, *state;
	int seen;
};

static int cmp_old(const void *x, const void *y)
{
	const struct old *a = x, *b = y;
	int r = strcmp(a->package, b->package);
	return r ? r : strcmp(a->cve, b->cve);
}

static void deadline_of(const struct rematch *r, int64_t first_us, const char *sev, int kev, int64_t cat,
			char out[BS_DATE_MAX])
{
	bs_date_format(bs_days_from_time(first_us) + bs_vuln_policy_days(&r->pol, sev, kev, (int)cat), out);
}

static int match_device(struct rematch *r, int64_t inv_id, int64_t device)
{
	struct bs_store *s = r->dd->store;
	struct bs_vuln_inv inv;
	struct hits h = { NULL, 0, 0 };
	struct old *old = NULL;
	size_t nold = 0;
	int64_t system, category;
	int err, rc;

	if ((err = device_info(s, device, &system, &category)) == BS_ENOTFOUND)
		err = 0, bs_error_clear(); /* archived since: its findings keep no system */
	if (err < 0)
		return err;
	if ((err = load_inventory(s, inv_id, &inv)) < 0)
		goto out;
	bs_vuln_match(&r->ix, &inv, collect, &h);
	if (h.n)
		qsort(h.v, h.n, sizeof(*h.v), cmp_hit);
	sqlite3_bind_int64(r->sel, 1, device);
	while ((rc = sqlite3_step(r->sel)) == SQLITE_ROW) {
		old = bs_realloc(old, bs_size_mul(nold + 1, sizeof(*old)));
		old[nold].id = sqlite3_column_int64(r->sel, 0);
		old[nold].package = bs_strdup(bs_store_text(r->sel, 1));
		old[nold].cve = bs_strdup(bs_store_text(r->sel, 2));
		old[nold].state = bs_strdup(bs_store_text(r->sel, 3));
		old[nold].first_us = sqlite3_column_int64(r->sel, 4);
		old[nold].seen = 0;
		nold++;
	}
	sqlite3_reset(r->sel);
	if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the findings");
		goto out;
	}
	if (nold)
		qsort(old, nold, sizeof(*old), cmp_old);
	for (size_t i = 0; i < h.n;) {
		/* one finding per (package, vulnerability): the worst severity and the highest fix
		 * among the advisories that say so */
		size_t j = i + 1;
		const struct hit *best = &h.v[i];
		const char *fixed = best->a->fixed;
		double cvss = best->a->cvss;
		for (; j < h.n && !cmp_hit(&h.v[i], &h.v[j]); j++) {
			const struct bs_vuln_adv *a = h.v[j].a;
			if (sev_rank(a->severity) > sev_rank(best->a->severity))
				best = &h.v[j];
			if (a->fixed && (!fixed || bs_version_cmp(a->fixed, fixed) > 0))
				fixed = a->fixed;
			if (a->cvss > cvss)
				cvss = a->cvss;
		}
		const struct bs_vuln_pkg *p = h.v[i].p;
		const struct bs_vuln_adv *a = best->a;
		const char *status = fixed ? "resolved" : a->status;
		int kev = is_kev(r, a->vuln_id);
		struct old key = { 0, 0, p->name, (char *)a->vuln_id, NULL, 0 };
		struct old *o = nold ? bsearch(&key, old, nold, sizeof(*old), cmp_old) : NULL;
		char dl[BS_DATE_MAX];
		const char *sev = cvss >= 0 ? bs_cvss_severity(cvss) : a->severity;
		if (sev_rank(a->severity) > sev_rank(sev))
			sev = a->severity;
		if (o) {
			int reopen = !strcmp(o->state, "closed");
			int64_t first = reopen ? r->now_us : o->first_us;
			o->seen = 1;
			deadline_of(r, first, sev, kev, category, dl);
			sqlite3_stmt *u = r->upd;
			sqlite3_bind_text(u, 1, p->version, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 2, fixed ? fixed : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 3, status, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 4, sev, -1, SQLITE_STATIC);
			if (cvss >= 0)
				sqlite3_bind_double(u, 5, cvss);
			else
				sqlite3_bind_null(u, 5);
			sqlite3_bind_int(u, 6, kev);
			sqlite3_bind_int64(u, 7, system);
			sqlite3_bind_int64(u, 8, category);
			sqlite3_bind_text(u, 9, dl, -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 10, inv_id);
			sqlite3_bind_int(u, 11, reopen);
			sqlite3_bind_text(u, 12, r->now, -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 13, r->now_us);
			sqlite3_bind_int64(u, 14, o->id);
			if ((err = step_done(s, u, "cannot update a finding")) < 0)
				goto out;
			if (reopen)
				json_array_append_new(r->opened, json_integer(o->id));
		} else {
			sqlite3_stmt *u = r->ins;
			deadline_of(r, r->now_us, sev, kev, category, dl);
			sqlite3_bind_int64(u, 1, device);
			sqlite3_bind_text(u, 2, p->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 3, p->source, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 4, a->vuln_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 5, a->ecosystem, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 6, p->version, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 7, fixed ? fixed : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 8, status, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 9, sev, -1, SQLITE_STATIC);
			if (cvss >= 0)
				sqlite3_bind_double(u, 10, cvss);
			else
				sqlite3_bind_null(u, 10);
			sqlite3_bind_int(u, 11, kev);
			sqlite3_bind_int64(u, 12, system);
			sqlite3_bind_int64(u, 13, category);
			sqlite3_bind_text(u, 14, r->now, -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 15, r->now_us);
			sqlite3_bind_text(u, 16, dl, -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 17, inv_id);
			if ((err = step_done(s, u, "cannot record a finding")) < 0)
				goto out;
			json_array_append_new(r->opened, json_integer(sqlite3_last_insert_rowid(bs_store_sqlite(s))));
		}
		i = j;
	}
	/* what the latest inventory no longer shows as affected is closed */
	for (size_t i = 0; i < nold; i++) {
		if (old[i].seen || !strcmp(old[i].state, "closed"))
			continue;
		sqlite3_bind_text(r->cls, 1, r->now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->cls, 2, inv_id);
		sqlite3_bind_int64(r->cls, 3, old[i].id);
		if ((err = step_done(s, r->cls, "cannot close a finding")) < 0)
			goto out;
		json_array_append_new(r->closed, json_integer(old[i].id));
	}
out:
	for (size_t i = 0; i < nold; i++)
		free(old[i].package), free(old[i].cve), free(old[i].state);
	free(old);
	free(h.v);
	bs_vuln_inv_release(&inv);
	return err;
}

/* Matches the latest inventory of device (or of every device when device < 0). */
static int rematch(struct bs_datadir *dd, int64_t device, size_t *opened, size_t *closed)
{
	struct bs_store *s = dd->store;
	struct rematch r;
	struct bs_vuln_feed adv;
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(&r, 0, sizeof(r));
	memset(&adv, 0, sizeof(adv));
	r.dd = dd;
	r.now_us = bs_clock_now();
	bs_time_format(r.now_us, r.now);
	r.opened = json_array();
	r.closed = json_array();
	if ((err = bs_vuln_policy_load(s, &r.pol)) < 0 || (err = load_kev(s, &r.kev, &r.nkev)) < 0 ||
	    (err = load_advisories(s, device, &adv)) < 0)
		goto out;
	bs_vuln_index_build(&r.ix, adv.adv, adv.nadv);
	if ((err = bs_store_prepare(s, "INSERT INTO vuln_finding (device, package, source, cve, ecosystem, version, fixed, "
				    "status, severity, cvss, kev, system, category, first_seen, first_seen_us, deadline, state, "
				    "inventory) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
				    "'open', ?17)", &r.ins)) < 0 ||
	    (err = bs_store_prepare(s, "UPDATE vuln_finding SET version = ?1, fixed = ?2, status = ?3, severity = ?4, "
				    "cvss = ?5, kev = ?6, system = ?7, category = ?8, deadline = ?9, inventory = ?10, "
				    "state = CASE WHEN ?11 THEN 'open' ELSE state END, "
				    "first_seen = CASE WHEN ?11 THEN ?12 ELSE first_seen END, "
				    "first_seen_us = CASE WHEN ?11 THEN ?13 ELSE first_seen_us END, "
				    "closed_at = CASE WHEN ?11 THEN NULL ELSE closed_at END, "
				    "closed_inventory = CASE WHEN ?11 THEN NULL ELSE closed_inventory END WHERE id = ?14",
				    &r.upd)) < 0 ||
	    (err = bs_store_prepare(s, "UPDATE vuln_finding SET state = 'closed', closed_at = ?1, closed_inventory = ?2 "
				    "WHERE id = ?3", &r.cls)) < 0 ||
	    (err = bs_store_prepare(s, "SELECT id, package, cve, state, first_seen_us FROM vuln_finding WHERE device = ?1",
				    &r.sel)) < 0 ||
	    (err = bs_store_prepare(s, "SELECT max(id), device FROM vuln_inventory WHERE ?1 < 0 OR device = ?1 "
				    "GROUP BY device ORDER BY device", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, device);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((err = match_device(&r, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1))) < 0)
			goto out;
	if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the inventories");
		goto out;
	}
	if (opened)
		*opened = json_array_size(r.opened);
	if (closed)
		*closed = json_array_size(r.closed);
	if (json_array_size(r.opened) || json_array_size(r.closed)) {
		/* the ids of what changed, the first 1000 of each (a fleet's first import opens
		 * thousands): the counts are whole */
		json_t *data = json_pack("{s:I, s:I}", "opened_count", (json_int_t)json_array_size(r.opened), "closed_count",
					 (json_int_t)json_array_size(r.closed));
		while (json_array_size(r.opened) > 1000)
			json_array_remove(r.opened, json_array_size(r.opened) - 1);
		while (json_array_size(r.closed) > 1000)
			json_array_remove(r.closed, json_array_size(r.closed) - 1);
		json_object_set(data, "opened", r.opened);
		json_object_set(data, "closed", r.closed);
		char *d = json_dumps(data, JSON_COMPACT);
		err = bs_audit(dd, "vuln.findings", "success", d, "vulnerability findings: %lld opened, %lld closed by a later "
			       "inventory or advisory", (long long)json_integer_value(json_object_get(data, "opened_count")),
			       (long long)json_integer_value(json_object_get(data, "closed_count")));
		free(d);
		json_decref(data);
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(r.ins), sqlite3_finalize(r.upd), sqlite3_finalize(r.cls), sqlite3_finalize(r.sel);
	bs_vuln_index_release(&r.ix);
	bs_vuln_feed_release(&adv);
	for (size_t i = 0; i < r.nkev; i++)
		free(r.kev[i]);
	free(r.kev);
	json_decref(r.opened), json_decref(r.closed);
	return err;
}

int bs_vuln_rematch(struct bs_datadir *dd, size_t *opened, size_t *closed)
{
	return rematch(dd, -1, opened, closed);
}

/* --- inventories and feeds --- */

int bs_vuln_inventory_save(struct bs_datadir *dd, int64_t device, const char *origin, const struct bs_vuln_inv *inv,
			   int64_t *inventory_id)
{
	struct bs_store *s = dd->store;
	sqlite3_stmt *st = NULL;
	int64_t system, category, id = 0, now = bs_clock_now();
	char at[BS_TIME_MAX];
	int err;

	bs_time_format(now, at);
	if ((err = bs_store_begin(s)) < 0)
		return err;
	if ((err = device_info(s, device, &system, &category)) < 0)
		goto done;
	if ((err = bs_store_prepare(s, "INSERT INTO vuln_inventory (device, kind, origin, distro, release, packages, "
				    "taken_at, taken_us, taken_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_text(st, 2, inv->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, inv->distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, inv->release, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)inv->n);
	sqlite3_bind_text(st, 7, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_text(st, 9, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if ((err = step_done(s, st, "cannot save the inventory")) < 0)
		goto done;
	id = sqlite3_last_insert_rowid(bs_store_sqlite(s));
	sqlite3_finalize(st);
	st = NULL;
	if ((err = bs_store_prepare(s, "INSERT INTO vuln_package (inventory, name, version, source, source_version, arch, "
				    "ecosystem, purl) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st)) < 0)
		goto done;
	for (size_t i = 0; i < inv->n; i++) {
		const struct bs_vuln_pkg *p = &inv->v[i];
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, p->version, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, p->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, p->source_version, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, p->arch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, p->ecosystem, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, p->purl, -1, SQLITE_STATIC);
		if ((err = step_done(s, st, "cannot save the inventory's packages")) < 0)
			goto done;
	}
	{
		json_t *data = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "inventory", (json_int_t)id, "device",
					 (json_int_t)device, "kind", inv->kind, "origin", origin, "release", inv->release,
					 "packages", (json_int_t)inv->n);
		char *d = json_dumps(data, JSON_COMPACT);
		err = bs_audit(dd, "vuln.inventory", "success", d, "inventory %lld of device %lld: %zu packages (%s, %s)",
			       (long long)id, (long long)device, inv->n, inv->kind, origin);
		free(d);
		json_decref(data);
		if (err < 0)
			goto done;
	}
	err = rematch(dd, device, NULL, NULL);
done:
	sqlite3_finalize(st);
	if (inventory_id)
		*inventory_id = id;
	return bs_store_finish(s, err);
}

int bs_vuln_feed_import(struct bs_datadir *dd, enum bs_vuln_format f, const char *file, const char *release,
			const char *sha256_hex, const struct bs_vuln_feed *feed)
{
	struct bs_store *s = dd->store;
	sqlite3_stmt *st = NULL, *del = NULL;
	int64_t now = bs_clock_now();
	char at[BS_TIME_MAX];
	size_t opened = 0, closed = 0;
	int err;

	bs_time_format(now, at);
	if ((err = bs_store_begin(s)) < 0)
		return err;
	/* advisories are public: the rows this feed replaces need not be zeroed as they are freed
	 * (secure_delete, store.c, is for secrets; zeroing 100000 rows took minutes), and a large
	 * page cache keeps the transaction off the disk until it commits */
	sqlite3_exec(bs_store_sqlite(s), "PRAGMA secure_delete = OFF; PRAGMA cache_size = -131072", NULL, NULL, NULL);
	/* what this feed replaces */
	if (f == BS_VULN_KEV) {
		err = bs_store_prepare(s, "DELETE FROM vuln_kev", &del);
	} else if (f == BS_VULN_TRACKER) {
		err = bs_store_prepare(s, "DELETE FROM vuln_advisory WHERE feed_format = 'debian-tracker' AND (?1 IS NULL "
				       "OR ecosystem = 'debian:' || ?1)", &del);
		if (!err)
			bind_opt(del, 1, release);
	} else {
		/* OSV records and MSRC documents replace the rows of the same record / document */
		err = bs_store_prepare(s, "DELETE FROM vuln_advisory WHERE feed_format = ?2 AND osv_id = ?1", &del);
		if (!err)
			sqlite3_bind_text(del, 2, bs_vuln_format_name(f), -1, SQLITE_STATIC);
	}
	if (err < 0)
		goto done;
	if (f == BS_VULN_OSV || f == BS_VULN_MSRC) {
		const char *last = NULL;
		for (size_t i = 0; i < feed->nadv; i++) {
			if (last && !strcmp(last, feed->adv[i].osv_id))
				continue;
			last = feed->adv[i].osv_id;
			sqlite3_bind_text(del, 1, last, -1, SQLITE_STATIC);
			if ((err = step_done(s, del, "cannot replace an OSV record")) < 0)
				goto done;
		}
	} else if ((err = step_done(s, del, "cannot replace the feed's earlier rows")) < 0) {
		goto done;
	}
	if (f == BS_VULN_KEV) {
		if ((err = bs_store_prepare(s, "INSERT OR REPLACE INTO vuln_kev (cve, date_added, due_date, name) VALUES "
					    "(?1, ?2, ?3, ?4)", &st)) < 0)
			goto done;
		for (size_t i = 0; i < feed->nkev; i++) {
			sqlite3_bind_text(st, 1, feed->kev[i].cve, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, feed->kev[i].date_added, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, feed->kev[i].due_date, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, feed->kev[i].name, -1, SQLITE_STATIC);
			if ((err = step_done(s, st, "cannot store the KEV list")) < 0)
				goto done;
		}
	} else {
		if ((err = bs_store_prepare(s, "INSERT INTO vuln_advisory (feed_format, ecosystem, package, vuln_id, osv_id, "
					    "status, introduced, fixed, last_affected, severity, cvss, summary) VALUES (?1, ?2, ?3, "
					    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", &st)) < 0)
			goto done;
		for (size_t i = 0; i < feed->nadv; i++) {
			const struct bs_vuln_adv *a = &feed->adv[i];
			sqlite3_bind_text(st, 1, bs_vuln_format_name(f), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, a->ecosystem, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, a->package, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, a->vuln_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, a->osv_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, a->status, -1, SQLITE_STATIC);
			bind_opt(st, 7, a->introduced);
			bind_opt(st, 8, a->fixed);
			bind_opt(st, 9, a->last_affected);
			sqlite3_bind_text(st, 10, a->severity, -1, SQLITE_STATIC);
			if (a->cvss >= 0)
				sqlite3_bind_double(st, 11, a->cvss);
			else
				sqlite3_bind_null(st, 11);
			sqlite3_bind_text(st, 12, a->summary ? a->summary : "", -1, SQLITE_STATIC);
			if ((err = step_done(s, st, "cannot store the advisories")) < 0)
				goto done;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = bs_store_prepare(s, "INSERT INTO vuln_feed (format, release, file, sha256, records, imported_at, "
				    "imported_us, imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, bs_vuln_format_name(f), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, release ? release : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sha256_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)feed->records);
	sqlite3_bind_text(st, 6, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_text(st, 8, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if ((err = step_done(s, st, "cannot record the feed")) < 0)
		goto done;
	{
		json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "format", bs_vuln_format_name(f), "release",
					 release ? release : "", "file", file, "sha256", sha256_hex, "records",
					 (json_int_t)feed->records, "rows", (json_int_t)(f == BS_VULN_KEV ? feed->nkev : feed->nadv));
		char *d = json_dumps(data, JSON_COMPACT);
		err = bs_audit(dd, "vuln.feed", "success", d, "advisory feed %s imported from %s (sha256 %s): %zu records",
			       bs_vuln_format_name(f), file, sha256_hex, feed->records);
		free(d);
		json_decref(data);
		if (err < 0)
			goto done;
	}
	err = rematch(dd, -1, &opened, &closed);
done:
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	err = bs_store_finish(s, err);
	sqlite3_exec(bs_store_sqlite(s), "PRAGMA secure_delete = ON; PRAGMA cache_size = -2000", NULL, NULL, NULL);
	return err;
}

/* --- reading findings --- */

const char *bs_vuln_state_as_of(const struct bs_vuln_finding *f, int32_t as_of)
{
	int32_t until;
	if (!strcmp(f->state, "accepted")) {
		if (f->accepted_until && bs_date_parse(f->accepted_until, &until) == 0 && until >= as_of)
			return "accepted";
		return "open"; /* the accepted risk expired */
	}
	return f->state;
}

static char *col_dup(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, c));
}

static void finding_fields_free(struct bs_vuln_finding *f);

int bs_vuln_findings(struct bs_store *s, const struct bs_vuln_list_opts *o, struct bs_vuln_finding **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int err, rc;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT id, device, system, category, package, source, cve, ecosystem, version, "
				    "fixed, status, severity, state, cvss, kev, first_seen, deadline, closed_at, "
				    "accepted_until, approver, reason FROM vuln_finding WHERE (?1 = 0 OR device = ?1) AND "
				    "(?2 OR state <> 'closed') AND (?3 = 0 OR kev = 1) ORDER BY deadline, "
				    "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' "
				    "THEN 3 ELSE 4 END, device, package, cve", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, o->device);
	sqlite3_bind_int(st, 2, o->all);
	sqlite3_bind_int(st, 3, o->kev_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_vuln_finding f;
		int32_t dl;
		memset(&f, 0, sizeof(f));
		f.id = sqlite3_column_int64(st, 0);
		f.device = sqlite3_column_int64(st, 1);
		f.system = sqlite3_column_int64(st, 2);
		f.category = sqlite3_column_int64(st, 3);
		f.package = col_dup(st, 4);
		f.source = col_dup(st, 5);
		f.cve = col_dup(st, 6);
		f.ecosystem = col_dup(st, 7);
		f.version = col_dup(st, 8);
		f.fixed = col_dup(st, 9);
		f.status = col_dup(st, 10);
		f.severity = col_dup(st, 11);
		f.state = col_dup(st, 12);
		f.cvss = sqlite3_column_type(st, 13) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 13);
		f.kev = sqlite3_column_int(st, 14);
		f.first_seen = col_dup(st, 15);
		f.deadline = col_dup(st, 16);
		f.closed_at = col_dup(st, 17);
		f.accepted_until = col_dup(st, 18);
		f.approver = col_dup(st, 19);
		f.reason = col_dup(st, 20);
		f.overdue = !strcmp(bs_vuln_state_as_of(&f, o->as_of), "open") && bs_date_parse(f.deadline, &dl) == 0 &&
			    dl < o->as_of;
		if (o->overdue_only && !f.overdue) {
			finding_fields_free(&f);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = bs_realloc(*out, bs_size_mul(cap, sizeof(**out)));
		}
		(*out)[(*n)++] = f;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		bs_vuln_findings_free(*out, *n);
		*out = NULL;
		*n = 0;
		return bs_store_fail(s, "cannot read the findings");
	}
	return 0;
}

static void finding_fields_free(struct bs_vuln_finding *f)
{
	free(f->package), free(f->source), free(f->cve), free(f->ecosystem), free(f->version), free(f->fixed);
	free(f->status), free(f->severity), free(f->state), free(f->first_seen), free(f->deadline);
	free(f->closed_at), free(f->accepted_until), free(f->approver), free(f->reason);
}

void bs_vuln_findings_free(struct bs_vuln_finding *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		finding_fields_free(&v[i]);
	free(v);
}

int bs_vuln_accept(struct bs_datadir *dd, int64_t id, const char *until, const char *approver, const char *reason)
{
	struct bs_store *s = dd->store;
	sqlite3_stmt *st = NULL;
	int32_t u, today = bs_days_from_time(bs_clock_now());
	char state[16] = "", pkg[128] = "", cve[64] = "";
	int err, rc;

	if (bs_date_parse(until, &u) < 0 || u <= today || u > today + 366)
		return bs_error(BS_EINVALID, "--until '%s': give a date after today and at most a year ahead (YYYY-MM-DD): "
				"an accepted risk is reviewed again by then", until);
	if (!approver || !*approver || strlen(approver) > 200)
		return bs_error(BS_EINVALID, "an accepted risk needs --approver NAME (1-200 bytes): who accepted it");
	if (!reason || !*reason || strlen(reason) > 2000)
		return bs_error(BS_EINVALID, "an accepted risk needs --reason TEXT (1-2000 bytes): why it is not fixed now");
	if ((err = bs_store_begin(s)) < 0)
		return err;
	if ((err = bs_store_prepare(s, "SELECT state, package, cve FROM vuln_finding WHERE id = ?1", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(state, sizeof(state), "%s", bs_store_text(st, 0));
		snprintf(pkg, sizeof(pkg), "%s", bs_store_text(st, 1));
		snprintf(cve, sizeof(cve), "%s", bs_store_text(st, 2));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		err = bs_error(BS_ENOTFOUND, "no vulnerability finding %lld ('brokersec vuln list' shows them)", (long long)id);
		goto done;
	}
	if (!strcmp(state, "closed")) {
		err = bs_error(BS_ECONFLICT, "finding %lld is closed already: nothing to accept", (long long)id);
		goto done;
	}
	if ((err = bs_store_prepare(s, "UPDATE vuln_finding SET state = 'accepted', accepted_until = ?1, approver = ?2, "
				    "reason = ?3 WHERE id = ?4", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, approver, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	if ((err = step_done(s, st, "cannot accept the finding's risk")) < 0)
		goto done;
	{
		json_t *data = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "finding", (json_int_t)id, "package", pkg, "cve",
					 cve, "until", until, "approver", approver, "reason", reason);
		char *d = json_dumps(data, JSON_COMPACT);
		err = bs_audit(dd, "vuln.accept", "success", d, "risk of finding %lld (%s, %s) accepted until %s by %s",
			       (long long)id, pkg, cve, until, approver);
		free(d);
		json_decref(data);
	}
done:
	sqlite3_finalize(st);
	return bs_store_finish(s, err);
}

int bs_vuln_summary(struct bs_store *s, int32_t as_of, struct bs_vuln_summary *out)
{
	struct bs_vuln_list_opts o = { as_of, 0, 0, 0, 0 };
	struct bs_vuln_finding *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = bs_store_prepare(s, "SELECT (SELECT count(*) FROM vuln_inventory), (SELECT count(*) FROM vuln_feed), "
				    "(SELECT max(imported_at) FROM vuln_feed WHERE format <> 'kev')", &st)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->inventories = sqlite3_column_int64(st, 0);
		out->feeds = sqlite3_column_int64(st, 1);
		snprintf(out->latest_feed, sizeof(out->latest_feed), "%s", bs_store_text(st, 2));
	}
	sqlite3_finalize(st);
	if ((err = bs_vuln_findings(s, &o, &v, &n)) < 0)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(bs_vuln_state_as_of(&v[i], as_of), "open"))
			continue;
		out->open++;
		out->overdue += v[i].overdue;
		out->kev_open += v[i].kev;
	}
	bs_vuln_findings_free(v, n);
	return 0;
}

int bs_vuln_due_rows(struct bs_store *s, int32_t as_of, json_t **out)
{
	struct bs_vuln_list_opts o = { as_of, 0, 0, 0, 0 };
	struct bs_vuln_finding *v = NULL;
	size_t n = 0;
	int err;

	*out = json_array();
	if ((err = bs_vuln_findings(s, &o, &v, &n)) < 0)
		return err;
	/* the findings come ordered by deadline: the first of a device is its earliest */
	for (size_t i = 0; i < n; i++) {
		const char *state = bs_vuln_state_as_of(&v[i], as_of);
		json_t *row = NULL, *r;
		size_t k;
		json_array_foreach (*out, k, r)
			if (json_integer_value(json_object_get(r, "device")) == v[i].device)
				row = r;
		if (!row) {
			row = json_pack("{s:I, s:I, s:I, s:I, s:I}", "device", (json_int_t)v[i].device, "system",
					(json_int_t)v[i].system, "category", (json_int_t)v[i].category, "open", (json_int_t)0,
					"kev", (json_int_t)0);
			json_array_append_new(*out, row);
		}
		if (!strcmp(state, "accepted")) {
			/* an accepted risk is looked at again by its date */
			const char *rv = json_string_value(json_object_get(row, "review"));
			if (!rv || strcmp(v[i].accepted_until, rv) < 0)
				json_object_set_new(row, "review", json_string(v[i].accepted_until));
			continue;
		}
		json_object_set_new(row, "open", json_integer(json_integer_value(json_object_get(row, "open")) + 1));
		if (v[i].kev)
			json_object_set_new(row, "kev", json_integer(json_integer_value(json_object_get(row, "kev")) + 1));
		if (!json_object_get(row, "due")) {
			json_object_set_new(row, "due", json_string(v[i].deadline));
			json_object_set_new(row, "first", json_sprintf("%s %s (%s)", v[i].package, v[i].cve, v[i].severity));
		}
	}
	bs_vuln_findings_free(v, n);
	return 0;
}

json_t *bs_vuln_finding_json(const struct bs_vuln_finding *f, int32_t as_of)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:b}",
			      "id", (json_int_t)f->id, "package", f->package, "source", f->source, "version", f->version,
			      "fixed", f->fixed, "cve", f->cve, "severity", f->severity, "kev", f->kev, "device",
			      (json_int_t)f->device, "system", (json_int_t)f->system, "category", (json_int_t)f->category,
			      "ecosystem", f->ecosystem, "first_seen", f->first_seen, "deadline", f->deadline, "state",
			      bs_vuln_state_as_of(f, as_of), "overdue", f->overdue);
	json_object_set_new(j, "cvss", f->cvss >= 0 ? json_real(f->cvss) : json_null());
	json_object_set_new(j, "advisory_status", json_string(f->status));
	if (f->accepted_until) {
		json_object_set_new(j, "accepted_until", json_string(f->accepted_until));
		json_object_set_new(j, "approver", json_string(f->approver ? f->approver : ""));
		json_object_set_new(j, "reason", json_string(f->reason ? f->reason : ""));
	}
	if (f->closed_at)
		json_object_set_new(j, "closed_at", json_string(f->closed_at));
	return j;
}

