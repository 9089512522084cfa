/* check.c - the official domains, the checks and the hits (第十四條): a check reads the
 * feeds and the event log, resolves when asked, and keeps every look-alike it finds once,
 * with where it was seen first and last; a new one is an event a person then triages. */
#include <idn2.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "lookalike/check.h"
#include "store/store.h"

static char *unicode_of(const char *ascii)
{
	char *u = NULL, *r;
	if (idn2_to_unicode_8z8z(ascii, &u, 0) != IDN2_OK || !u)
		return bs_strdup(ascii);
	r = bs_strdup(u);
	idn2_free(u);
	return r;
}

/* ---- official domains ---- */

int bs_lookalike_domain_add(struct bs_datadir *dd, const char *name, int *added)
{
	struct bs_domain d;
	sqlite3_stmt *st = NULL;
	char *u;
	int err;

	*added = 0;
	if ((err = bs_domain_split(name, &d)) < 0)
		return err;
	u = unicode_of(d.ascii);
	if ((err = bs_store_prepare(dd->store, "INSERT INTO lookalike_domain (domain, unicode, added_us, added_by) "
				    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (domain) DO NOTHING", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, d.ascii, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, bs_clock_now());
	sqlite3_bind_text(st, 4, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the official domain");
		goto done;
	}
	*added = sqlite3_changes(sqlite3_db_handle(st)) > 0;
	if (*added) {
		json_t *o = json_pack("{s:s, s:s}", "domain", d.ascii, "unicode", u);
		char *data = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		err = bs_audit(dd, "lookalike.domain.add", "success", data,
			       "official domain %s added: its look-alikes are checked daily (第十四條)", d.ascii);
		free(data);
	}
done:
	sqlite3_finalize(st);
	free(u);
	return err;
}

int bs_lookalike_domain_remove(struct bs_datadir *dd, const char *name)
{
	struct bs_domain d;
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_domain_split(name, &d)) < 0)
		return err;
	if ((err = bs_store_prepare(dd->store, "DELETE FROM lookalike_domain WHERE domain = ?1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, d.ascii, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot remove the official domain");
	else if (sqlite3_changes(sqlite3_db_handle(st)) == 0)
		err = bs_error(BS_ENOTFOUND, "'%s' is not an official domain here: 'brokersec lookalike domains' "
			       "lists them", name);
	sqlite3_finalize(st);
	if (err < 0)
		return err;
	return bs_audit(dd, "lookalike.domain.remove", "success", NULL, "official domain %s removed", d.ascii);
}

void bs_lookalike_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int bs_lookalike_domains(struct bs_store *s, char ***names, char ***unicode, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int err, rc;

	*names = NULL;
	if (unicode)
		*unicode = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT domain, unicode FROM lookalike_domain ORDER BY added_us, domain", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*names = bs_realloc(*names, bs_size_mul(cap, sizeof(char *)));
			if (unicode)
				*unicode = bs_realloc(*unicode, bs_size_mul(cap, sizeof(char *)));
		}
		(*names)[*n] = bs_strdup(bs_store_text(st, 0));
		if (unicode)
			(*unicode)[*n] = bs_strdup(bs_store_text(st, 1));
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the official domains");
	sqlite3_finalize(st);
	return err;
}

/* ---- a check ---- */

struct found {
	char *name, *host, *kind, *official, *unicode, *source;
	int64_t count;
	json_t *dns;
};

struct run {
	const struct bs_lookalike_matcher *m;
	struct found *v;
	size_t n, cap;
	json_t *index;         /* name -> position in v */
	int64_t candidates;
	const char *feed_kind, *feed_path;
	int64_t max_seq;
};

static void remember(struct run *r, const struct bs_lookalike_found *f, const char *source)
{
	json_t *at = json_object_get(r->index, f->name);
	struct found *x;

	if (at) {
		x = &r->v[json_integer_value(at)];
		x->count++;
		return;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = bs_realloc(r->v, bs_size_mul(r->cap, sizeof(*r->v)));
	}
	x = &r->v[r->n];
	memset(x, 0, sizeof(*x));
	x->name = bs_strdup(f->name);
	x->host = bs_strdup(f->host);
	x->kind = bs_strdup(f->kind);
	x->official = bs_strdup(f->official);
	x->unicode = f->unicode ? bs_strdup(f->unicode) : unicode_of(f->name);
	x->source = bs_strdup(source);
	x->count = 1;
	json_object_set_new(r->index, f->name, json_integer((json_int_t)r->n));
	r->n++;
}

static int on_feed_name(const char *name, size_t len, int64_t line, void *ctx)
{
	struct run *r = ctx;
	struct bs_lookalike_found f;
	char norm[256], src[1200];

	if (bs_lookalike_normalize(name, len, norm) < 0)
		return 1;
	r->candidates++;
	if (bs_lookalike_match(r->m, norm, &f) == 1) {
		if (strcmp(f.host, f.name))
			snprintf(src, sizeof(src), "%s:%s:%" PRId64 " (%s)", r->feed_kind, r->feed_path, line, f.host);
		else
			snprintf(src, sizeof(src), "%s:%s:%" PRId64, r->feed_kind, r->feed_path, line);
		remember(r, &f, src);
	}
	return 0;
}

static int on_token(const char *name, size_t len, int64_t seq, void *ctx)
{
	struct run *r = ctx;
	struct bs_lookalike_found f;
	char norm[256], src[400];

	if (bs_lookalike_normalize(name, len, norm) < 0)
		return 0; /* log text: most words are no names */
	r->candidates++;
	if (bs_lookalike_match(r->m, norm, &f) == 1) {
		snprintf(src, sizeof(src), "event:%" PRId64 " (%s)", seq, f.host);
		remember(r, &f, src);
	}
	return 0;
}

static int on_event(const struct bs_event *ev, void *ctx)
{
	struct run *r = ctx;
	int err;
	if (ev->seq > r->max_seq)
		r->max_seq = ev->seq;
	if (ev->message && (err = bs_feed_tokens(ev->message, on_token, ev->seq, r)) < 0)
		return err;
	return 0;
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].host);
		free(r->v[i].kind);
		free(r->v[i].official);
		free(r->v[i].unicode);
		free(r->v[i].source);
		json_decref(r->v[i].dns);
	}
	free(r->v);
	json_decref(r->index);
}

static int last_events_seq(struct bs_store *s, int64_t *seq)
{
	sqlite3_stmt *st = NULL;
	int err;
	*seq = 0;
	if ((err = bs_store_prepare(s, "SELECT coalesce(max(events_seq), 0) FROM lookalike_run", &st)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	else
		err = bs_store_fail(s, "cannot read the last check");
	sqlite3_finalize(st);
	return err;
}

static int resolve_all(const struct bs_lookalike_check_opts *o, const struct bs_lookalike_matcher *m, struct run *r,
		       struct bs_lookalike_result *res)
{
	const struct bs_lookalike_set *set = bs_lookalike_matcher_set(m);
	size_t n = set->n + r->n, k = 0, nperm = set->n;
	const char **names = bs_calloc(n ? n : 1, sizeof(*names));
	struct bs_dns_answer *ans = bs_calloc(n ? n : 1, sizeof(*ans));
	int err;

	for (size_t i = 0; i < set->n; i++)
		names[k++] = set->v[i].ascii;
	for (size_t i = 0; i < r->n; i++)
		if (!bs_lookalike_set_find(set, r->v[i].name))
			names[k++] = r->v[i].name;
	n = k;
	if ((err = bs_lookalike_resolve(o->resolver, names, n, o->timeout_ms, ans)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		json_t *at;
		res->resolved += ans[i].exists;
		res->dns_failed += ans[i].failed;
		if (!ans[i].exists)
			continue;
		if (i < nperm && !json_object_get(r->index, names[i])) {
			struct bs_lookalike_found f;
			memset(&f, 0, sizeof(f));
			snprintf(f.name, sizeof(f.name), "%s", names[i]);
			snprintf(f.host, sizeof(f.host), "%s", names[i]);
			f.kind = set->v[i].kind;
			f.unicode = set->v[i].unicode;
			f.official = "";
			/* the official domain it came from: the matcher knows */
			struct bs_lookalike_found g;
			if (bs_lookalike_match(m, names[i], &g) == 1)
				f.official = g.official;
			remember(r, &f, "dns");
			r->v[r->n - 1].count = 0; /* seen by DNS only, not in any feed */
		}
		at = json_object_get(r->index, names[i]);
		if (at) {
			struct found *x = &r->v[json_integer_value(at)];
			json_decref(x->dns);
			x->dns = bs_dns_answer_json(&ans[i]);
		}
	}
done:
	for (size_t i = 0; i < n; i++)
		bs_dns_answer_release(&ans[i]);
	free(ans);
	free(names);
	return err;
}

/* Saves the run and its hits in one transaction; fills res->hits. */
static int save(struct bs_datadir *dd, struct run *r, struct bs_lookalike_result *res, int64_t now)
{
	sqlite3_stmt *st = NULL;
	char *sources = json_dumps(res->sources, JSON_COMPACT);
	int err;

	if ((err = bs_store_begin(dd->store)) < 0) {
		free(sources);
		return err;
	}
	if ((err = bs_store_prepare(dd->store, "INSERT INTO lookalike_run (at_us, by, domains, permutations, candidates, "
				    "bad_lines, resolved, hits, new_hits, events_seq, sources) VALUES (?1, ?2, ?3, ?4, ?5, "
				    "?6, ?7, ?8, 0, ?9, ?10)", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)res->domains);
	sqlite3_bind_int64(st, 4, (int64_t)res->permutations);
	sqlite3_bind_int64(st, 5, res->candidates);
	sqlite3_bind_int64(st, 6, res->bad);
	sqlite3_bind_int64(st, 7, (int64_t)res->resolved);
	sqlite3_bind_int64(st, 8, (int64_t)r->n);
	sqlite3_bind_int64(st, 9, r->max_seq);
	sqlite3_bind_text(st, 10, sources, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the check");
		goto done;
	}
	res->run_id = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
	sqlite3_finalize(st);
	st = NULL;
	if ((err = bs_store_prepare(dd->store,
				    "INSERT INTO lookalike_hit (name, unicode, domain, kind, first_us, last_us, first_run, "
				    "last_run, source, last_source, dns) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?6, ?7, ?7, ?8) "
				    "ON CONFLICT (name) DO UPDATE SET last_us = excluded.last_us, last_run = excluded.last_run, "
				    "last_source = excluded.last_source, seen = seen + 1, dns = coalesce(excluded.dns, dns) "
				    "RETURNING id, first_run = ?6, state, note, first_us, seen, source",
				    &st)) < 0)
		goto done;
	res->hits = bs_calloc(r->n ? r->n : 1, sizeof(*res->hits));
	for (size_t i = 0; i < r->n; i++) {
		struct found *x = &r->v[i];
		struct bs_lookalike_hit *h = &res->hits[i];
		char *dns = x->dns ? json_dumps(x->dns, JSON_COMPACT) : NULL;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, x->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, x->unicode, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, x->official, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, x->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, now);
		sqlite3_bind_int64(st, 6, res->run_id);
		sqlite3_bind_text(st, 7, x->source, -1, SQLITE_STATIC);
		if (dns)
			sqlite3_bind_text(st, 8, dns, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 8);
		free(dns);
		if (sqlite3_step(st) != SQLITE_ROW) {
			err = bs_store_fail(dd->store, "cannot save a look-alike found");
			goto done;
		}
		h->id = sqlite3_column_int64(st, 0);
		h->is_new = sqlite3_column_int(st, 1);
		h->state = bs_strdup(bs_store_text(st, 2));
		h->note = bs_strdup(bs_store_text(st, 3));
		h->first_us = sqlite3_column_int64(st, 4);
		h->seen = sqlite3_column_int64(st, 5);
		h->source = bs_strdup(bs_store_text(st, 6));
		h->name = bs_strdup(x->name);
		h->unicode = bs_strdup(x->unicode);
		h->official = bs_strdup(x->official);
		h->kind = bs_strdup(x->kind);
		h->last_source = bs_strdup(x->source);
		h->dns = x->dns ? json_dumps(x->dns, JSON_COMPACT) : NULL;
		h->last_us = now;
		while (sqlite3_step(st) == SQLITE_ROW) /* RETURNING: finish the statement */
			;
		res->nhits++;
		res->nnew += (size_t)h->is_new;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = bs_store_prepare(dd->store, "UPDATE lookalike_run SET new_hits = ?2 WHERE id = ?1", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, res->run_id);
	sqlite3_bind_int64(st, 2, (int64_t)res->nnew);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot save the check");
done:
	sqlite3_finalize(st);
	free(sources);
	return bs_store_finish(dd->store, err);
}

static int by_new(const void *a, const void *b)
{
	const struct bs_lookalike_hit *x = a, *y = b;
	if (x->is_new != y->is_new)
		return y->is_new - x->is_new;
	return strcmp(x->name, y->name);
}

int bs_lookalike_check(struct bs_datadir *dd, const struct bs_lookalike_check_opts *o, struct bs_lookalike_result *res)
{
	struct bs_lookalike_opts lo = { o->words, o->nwords };
	struct bs_lookalike_matcher *m = NULL;
	struct bs_domain *dom = NULL;
	struct run r;
	char **names = NULL;
	size_t n = 0;
	int64_t now = bs_clock_now();
	int err;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.index = json_object();
	res->sources = json_array();
	if ((err = bs_lookalike_domains(dd->store, &names, NULL, &n)) < 0)
		goto done;
	if (!n) {
		err = bs_error(BS_ENOTFOUND, "no official domains to check: add the broker's own first with 'brokersec "
			       "lookalike domain add example.com.tw'");
		goto done;
	}
	dom = bs_calloc(n, sizeof(*dom));
	for (size_t i = 0; i < n; i++)
		if ((err = bs_domain_split(names[i], &dom[i])) < 0)
			goto done;
	if ((err = bs_lookalike_matcher_new(dom, n, &lo, &m)) < 0)
		goto done;
	r.m = m;
	res->domains = n;
	res->permutations = bs_lookalike_matcher_set(m)->n;
	for (size_t i = 0; i < o->nfeeds; i++) {
		struct bs_feed_stats fs;
		json_t *bad = json_array();
		r.feed_kind = bs_feed_kind_name(o->feeds[i].kind);
		r.feed_path = o->feeds[i].path;
		if ((err = bs_feed_read(o->feeds[i].path, o->feeds[i].kind, on_feed_name, &r, &fs)) < 0) {
			json_decref(bad);
			goto done;
		}
		for (int64_t k = 0; k < fs.bad && k < BS_FEED_BAD_SHOWN; k++)
			json_array_append_new(bad, json_integer(fs.first_bad[k]));
		json_array_append_new(res->sources, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "kind", r.feed_kind, "path",
								r.feed_path, "lines", (json_int_t)fs.lines, "names",
								(json_int_t)fs.names, "bad", (json_int_t)fs.bad,
								"first_bad", bad));
		res->bad += fs.bad;
	}
	if (o->events) {
		struct bs_event_filter f;
		int64_t after, before = r.candidates;
		if ((err = last_events_seq(dd->store, &after)) < 0)
			goto done;
		if ((err = bs_eventlog_audit_read(dd, NULL, "lookalike check: the mail and proxy logs (syslog events after "
						  "seq %" PRId64 ") read for look-alike domains (第十四條)", after)) < 0)
			goto done;
		memset(&f, 0, sizeof(f));
		f.type = "syslog";
		f.after_seq = after;
		r.max_seq = after;
		if ((err = bs_eventlog_each(dd->path, &f, on_event, &r)) < 0)
			goto done;
		json_array_append_new(res->sources, json_pack("{s:s, s:I, s:I, s:I}", "kind", "events", "after_seq",
								(json_int_t)after, "to_seq", (json_int_t)r.max_seq, "names",
								(json_int_t)(r.candidates - before)));
	}
	if (o->resolve && (err = resolve_all(o, m, &r, res)) < 0)
		goto done;
	res->candidates = r.candidates;
	if ((err = save(dd, &r, res, now)) < 0)
		goto done;
	qsort(res->hits, res->nhits, sizeof(*res->hits), by_new);
	for (size_t i = 0; i < res->nhits && err == 0; i++) {
		struct bs_lookalike_hit *h = &res->hits[i];
		json_t *d;
		char *data;
		if (!h->is_new)
			continue;
		d = bs_lookalike_hit_json(h);
		data = json_dumps(d, JSON_COMPACT);
		json_decref(d);
		err = bs_audit(dd, "lookalike.hit", "success", data, "look-alike of %s found: %s (%s), seen at %s (第十四條)",
			       h->official, h->name, h->kind, h->source);
		free(data);
	}
	if (err == 0) {
		json_t *d = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}", "run", (json_int_t)res->run_id, "domains",
				      (json_int_t)res->domains, "permutations", (json_int_t)res->permutations,
				      "candidates", (json_int_t)res->candidates, "bad_lines", (json_int_t)res->bad, "hits",
				      (json_int_t)res->nhits, "new_hits", (json_int_t)res->nnew, "sources", res->sources);
		char *data = json_dumps(d, JSON_COMPACT);
		json_decref(d);
		err = bs_audit(dd, "lookalike.check", "success", data,
			       "look-alike check %" PRId64 ": %zu official domain(s), %zu permutations, %" PRId64
			       " names read (%" PRId64 " bad lines), %zu found (%zu new)",
			       res->run_id, res->domains, res->permutations, res->candidates, res->bad, res->nhits, res->nnew);
		free(data);
	}
done:
	bs_lookalike_matcher_free(m);
	free(dom);
	bs_lookalike_strv_free(names, n);
	run_release(&r);
	if (err < 0)
		bs_lookalike_result_release(res);
	return err;
}

static void hit_free(struct bs_lookalike_hit *h)
{
	free(h->name);
	free(h->unicode);
	free(h->official);
	free(h->kind);
	free(h->source);
	free(h->last_source);
	free(h->state);
	free(h->note);
	free(h->dns);
}

void bs_lookalike_hits_free(struct bs_lookalike_hit *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		hit_free(&v[i]);
	free(v);
}

void bs_lookalike_result_release(struct bs_lookalike_result *r)
{
	bs_lookalike_hits_free(r->hits, r->nhits);
	json_decref(r->sources);
	memset(r, 0, sizeof(*r));
}

/* ---- the hits ---- */

int bs_lookalike_hits(struct bs_store *s, const char *state, struct bs_lookalike_hit **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int err, rc;

	*out = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT id, name, unicode, domain, kind, source, last_source, state, note, dns, "
				    "first_us, last_us, seen FROM lookalike_hit WHERE ?1 IS NULL OR state = ?1 "
				    "ORDER BY state = 'open' DESC, first_us DESC, name", &st)) < 0)
		return err;
	if (state)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_lookalike_hit *h;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = bs_realloc(*out, bs_size_mul(cap, sizeof(**out)));
		}
		h = &(*out)[(*n)++];
		memset(h, 0, sizeof(*h));
		h->id = sqlite3_column_int64(st, 0);
		h->name = bs_strdup(bs_store_text(st, 1));
		h->unicode = bs_strdup(bs_store_text(st, 2));
		h->official = bs_strdup(bs_store_text(st, 3));
		h->kind = bs_strdup(bs_store_text(st, 4));
		h->source = bs_strdup(bs_store_text(st, 5));
		h->last_source = bs_strdup(bs_store_text(st, 6));
		h->state = bs_strdup(bs_store_text(st, 7));
		h->note = bs_strdup(bs_store_text(st, 8));
		h->dns = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, 9));
		h->first_us = sqlite3_column_int64(st, 10);
		h->last_us = sqlite3_column_int64(st, 11);
		h->seen = sqlite3_column_int64(st, 12);
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the look-alikes found");
	sqlite3_finalize(st);
	if (err < 0) {
		bs_lookalike_hits_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}

static const char *const hit_states[] = { "open", "phishing", "benign", "closed", NULL };

int bs_lookalike_hit_set(struct bs_datadir *dd, int64_t id, const char *state, const char *note)
{
	sqlite3_stmt *st = NULL;
	char name[256] = "", was[16] = "";
	int ok = 0, err;

	for (size_t i = 0; hit_states[i]; i++)
		ok |= !strcmp(state, hit_states[i]);
	if (!ok)
		return bs_error(BS_EINVALID, "--state '%s' is not one of open, phishing, benign, closed", state);
	if (note && strlen(note) > 2000)
		return bs_error(BS_EINVALID, "--note is longer than 2000 bytes: keep it to what was decided and why");
	if ((err = bs_store_prepare(dd->store, "SELECT name, state FROM lookalike_hit WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(name, sizeof(name), "%s", bs_store_text(st, 0));
		snprintf(was, sizeof(was), "%s", bs_store_text(st, 1));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!name[0])
		return bs_error(BS_ENOTFOUND, "no look-alike %lld: 'brokersec lookalike hits' lists them with their numbers",
				(long long)id);
	if ((err = bs_store_prepare(dd->store, "UPDATE lookalike_hit SET state = ?2, note = ?3, updated_us = ?4, "
				    "updated_by = ?5 WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	if (note)
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, bs_clock_now());
	sqlite3_bind_text(st, 5, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot save the decision on the look-alike");
	sqlite3_finalize(st);
	if (err < 0)
		return err;
	json_t *d = json_pack("{s:I, s:s, s:s, s:s}", "hit", (json_int_t)id, "name", name, "from", was, "state", state);
	if (note)
		json_object_set_new(d, "note", json_string(note));
	char *data = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	err = bs_audit(dd, "lookalike.triage", "success", data, "look-alike %" PRId64 " (%s): %s -> %s", id, name, was,
		       state);
	free(data);
	return err;
}

json_t *bs_lookalike_hit_json(const struct bs_lookalike_hit *h)
{
	char first[BS_TIME_MAX], last[BS_TIME_MAX];
	json_t *o;

	bs_time_format(h->first_us, first);
	bs_time_format(h->last_us, last);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)h->id, "name", h->name,
		      "unicode", h->unicode ? h->unicode : h->name, "official", h->official, "kind", h->kind, "state",
		      h->state ? h->state : "open", "first_seen", first, "last_seen", last, "source", h->source,
		      "seen", (json_int_t)h->seen);
	if (h->last_source)
		json_object_set_new(o, "last_source", json_string(h->last_source));
	if (h->note && *h->note)
		json_object_set_new(o, "note", json_string(h->note));
	if (h->dns) {
		json_t *d = json_loads(h->dns, 0, NULL);
		if (d)
			json_object_set_new(o, "dns", d);
	}
	if (h->is_new)
		json_object_set_new(o, "new", json_true());
	return o;
}

int bs_lookalike_summary(struct bs_store *s, int64_t until_us, json_t **out)
{
	sqlite3_stmt *st = NULL;
	int err;

	if (!until_us)
		until_us = INT64_MAX;
	if ((err = bs_store_prepare(s,
				    "SELECT (SELECT count(*) FROM lookalike_domain WHERE added_us <= ?1), "
				    "(SELECT min(added_us) FROM lookalike_domain WHERE added_us <= ?1), "
				    "(SELECT max(at_us) FROM lookalike_run WHERE at_us <= ?1), "
				    "(SELECT count(*) FROM lookalike_hit WHERE first_us <= ?1 AND (state = 'open' OR "
				    " (updated_us IS NOT NULL AND updated_us > ?1))), "
				    "(SELECT min(first_us) FROM lookalike_hit WHERE first_us <= ?1 AND (state = 'open' OR "
				    " (updated_us IS NOT NULL AND updated_us > ?1))), "
				    "(SELECT count(*) FROM lookalike_hit WHERE first_us <= ?1)",
				    &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, until_us);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = bs_store_fail(s, "cannot read the look-alike checks");
		sqlite3_finalize(st);
		return err;
	}
	*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "domains", (json_int_t)sqlite3_column_int64(st, 0),
			 "first_domain_us", (json_int_t)sqlite3_column_int64(st, 1), "last_check_us",
			 (json_int_t)sqlite3_column_int64(st, 2), "open", (json_int_t)sqlite3_column_int64(st, 3),
			 "oldest_open_us", (json_int_t)sqlite3_column_int64(st, 4), "hits",
			 (json_int_t)sqlite3_column_int64(st, 5));
	sqlite3_finalize(st);
	return 0;
}
