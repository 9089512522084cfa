/* prune.c - the repository lock, temporary files of killed runs, backup forget (which
 * snapshots a retention policy keeps) and backup prune (the chunks no snapshot references).
 * Crash-safe order (docs/backup.md "Forget and prune"): snapshots go first, chunks after, and
 * only those no remaining snapshot references, so a kill at any point leaves unreferenced
 * chunks at most, never a snapshot with a missing chunk. Prune never runs beside a create
 * (the lock): a create's chunks are unreferenced until its manifest is written. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "eventlog/eventlog.h"
#include "store/store.h"
#include "core/datefmt.h"

/* A lock another host holds counts this long (its process cannot be asked). */
#define LOCK_FOREIGN_S (24 * 3600)

/* 1 when the lock at rel (JSON) belongs to a run that may still be going; *op its op. */
static int lock_live(struct bs_repo *r, const char *rel, char op[16])
{
	struct bs_buf b = BS_BUF_INIT;
	json_t *j = NULL;
	int live = 0;
	op[0] = 0;
	if (r->ops->get(r, rel, &b) < 0) {
		bs_error_clear();
		goto done;
	}
	j = json_loadb(b.ptr, b.len, 0, NULL);
	const char *o = json_string_value(json_object_get(j, "op"));
	const char *host = json_string_value(json_object_get(j, "host"));
	json_int_t pid = json_integer_value(json_object_get(j, "pid"));
	json_int_t started = json_integer_value(json_object_get(j, "started"));
	if (!o || !host)
		goto done;
	snprintf(op, 16, "%s", o);
	if (!strcmp(host, bs_eventlog_hostname()))
		live = pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH);
	else
		live = bs_clock_now() / 1000000 - started < LOCK_FOREIGN_S;
done:
	json_decref(j);
	bs_buf_release(&b);
	return live;
}

int bs_repo_lock(struct bs_repo *r, const char *op, struct bs_repo_lock *l, int *others)
{
	struct bs_buf names = BS_BUF_INIT, rel = BS_BUF_INIT;
	int64_t now = bs_clock_now() / 1000000;
	json_t *j;
	char *text, lop[16];
	const char *nm;
	size_t n;
	int err, prune_other = 0, any = 0;

	*others = 0;
	l->rel[0] = 0;
	{
		/* repositories made before locks/ existed */
		const char *dirs[] = { "locks" };
		if ((err = r->ops->mkdirs(r, dirs, 1)) < 0)
			return err;
	}
	snprintf(l->rel, sizeof(l->rel), "locks/%lld-%08x.json", (long long)now, randombytes_random());
	j = json_pack("{s:s, s:s, s:I, s:I}", "op", op, "host", bs_eventlog_hostname(), "pid", (json_int_t)getpid(),
		      "started", (json_int_t)now);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		abort();
	err = r->ops->put(r, l->rel, text, strlen(text), 0);
	free(text);
	if (err < 0) {
		l->rel[0] = 0;
		return err;
	}
	/* written first, then the others read: of two runs starting together one sees the other */
	if ((err = r->ops->list(r, "locks", &names, &n)) < 0) {
		if (err == BS_ENOTFOUND)
			err = bs_error(BS_ERR, "'%s/locks' is missing", r->where);
		goto done;
	}
	nm = names.ptr;
	for (size_t i = 0; i < n; i++, nm += strlen(nm) + 1) {
		size_t len = strlen(nm);
		if (len < 6 || strcmp(nm + len - 5, ".json") || !strcmp(nm, l->rel + 6))
			continue;
		bs_buf_clear(&rel);
		bs_buf_printf(&rel, "locks/%s", nm);
		if (lock_live(r, rel.ptr, lop)) {
			any++;
			prune_other |= !strcmp(lop, "prune");
		} else {
			r->ops->remove(r, rel.ptr); /* a killed run's */
			bs_error_clear();
		}
	}
	*others = any;
	if (!strcmp(op, "prune") && any)
		err = bs_error(BS_EEXISTS, "another run is writing to '%s' (%d lock(s) in its locks/ folder): prune "
					   "deletes chunks a running backup has not referenced yet, so it waits; run "
					   "it again when that run has ended", r->where, any);
	else if (prune_other)
		err = bs_error(BS_EEXISTS, "a prune is running on '%s': run the backup again when it has ended", r->where);
done:
	if (err < 0) {
		r->ops->remove(r, l->rel);
		l->rel[0] = 0;
	}
	bs_buf_release(&names);
	bs_buf_release(&rel);
	return err;
}

void bs_repo_unlock(struct bs_repo *r, struct bs_repo_lock *l)
{
	char *keep;
	if (!l->rel[0])
		return;
	/* the message of what failed before stays the message */
	keep = bs_strdup(bs_error_message());
	r->ops->remove(r, l->rel);
	bs_error(BS_ERR, "%s", keep);
	free(keep);
	l->rel[0] = 0;
}

int bs_repo_clean_tmp(struct bs_repo *r, int others, const char *chunk_tmps, size_t nchunk_tmps, uint64_t *removed)
{
	static const char *const dirs[] = { "", "snapshots", "locks" };
	struct bs_buf names = BS_BUF_INIT, rel = BS_BUF_INIT;
	int64_t now = bs_clock_now() / 1000000;
	int err = 0;

	if (removed)
		*removed = 0;
	for (size_t d = 0; d <= 3 && !err; d++) {
		const char *nm;
		size_t n;
		if (d < 3) {
			if ((err = r->ops->list(r, dirs[d], &names, &n)) == BS_ENOTFOUND) {
				err = 0;
				continue;
			}
			if (err < 0)
				break;
			nm = names.ptr;
		} else {
			nm = chunk_tmps;
			n = nchunk_tmps;
		}
		for (size_t i = 0; i < n; i++, nm += strlen(nm) + 1) {
			int64_t t = bs_repo_tmp_time(nm);
			if (t < 0)
				continue;
			/* another run's may be in flight: only old ones then */
			if (others && (t == 0 || now - t < BS_TMP_STALE_S))
				continue;
			bs_buf_clear(&rel);
			if (d < 3)
				bs_buf_printf(&rel, "%s%s%s", dirs[d], *dirs[d] ? "/" : "", nm);
			else
				bs_buf_puts(&rel, nm);
			err = r->ops->remove(r, rel.ptr);
			if (err == BS_ENOTFOUND)
				err = 0;
			if (err < 0)
				break;
			if (removed)
				(*removed)++;
		}
	}
	bs_buf_release(&names);
	bs_buf_release(&rel);
	return err;
}

/* --- forget --- */

struct snap {
	char *id;
	struct bs_backup_manifest m;
	int ok;        /* its manifest opened */
	int32_t day;   /* its date in Asia/Taipei (days since the epoch) */
	json_t *why;   /* reasons it is kept (array; empty: forgotten) */
};

static void why_add(struct snap *s, const char *reason)
{
	json_array_append_new(s->why, json_string(reason));
}

/* The snapshot of the latest passing restore test of location recorded in dd ("": none). */
static int restore_tested(struct bs_datadir *dd, const char *location, char out[64])
{
	sqlite3_stmt *st = NULL;
	int err;
	out[0] = 0;
	if (!dd)
		return 0;
	if ((err = bs_store_prepare(dd->store, "SELECT snapshot FROM backup_run WHERE location = ? AND kind = "
					       "'restore-test' AND ok = 1 ORDER BY at DESC, id DESC LIMIT 1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 64, "%s", bs_store_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

/* Keeps the newest snapshot of each of the first n distinct keys (newest first). */
static void keep_buckets(struct snap *s, size_t ns, int n, int64_t (*key)(int32_t day), const char *reason)
{
	int64_t last = INT64_MIN;
	int got = 0;
	for (size_t i = ns; i-- > 0 && got < n;) {
		int64_t k;
		if (!s[i].ok)
			continue;
		k = key(s[i].day);
		if (k == last)
			continue;
		last = k;
		got++;
		why_add(&s[i], reason);
	}
}

static int64_t key_day(int32_t day)
{
	return day;
}

static int64_t key_week(int32_t day)
{
	/* 1970-01-01 was a Thursday: Monday = 0 */
	int32_t wd = (int32_t)(((int64_t)day + 3) % 7 + 7) % 7;
	return (int64_t)day - wd;
}

static int64_t key_month(int32_t day)
{
	int y;
	unsigned m, d;
	bs_civil_from_days(day, &y, &m, &d);
	return (int64_t)y * 12 + m;
}

static void snaps_free(struct snap *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].id);
		bs_backup_manifest_release(&s[i].m);
		json_decref(s[i].why);
	}
	free(s);
}

/* Every snapshot of r with its manifest (ok 0 when it cannot be opened). */
static int load_snaps(struct bs_repo *r, const struct bs_backup_keys *k, struct snap **out, size_t *n)
{
	char **ids = NULL;
	size_t nids = 0;
	struct snap *s;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = bs_repo_snapshots(r, &ids, &nids)) < 0)
		return err;
	s = bs_calloc(nids + 1, sizeof(*s));
	for (size_t i = 0; i < nids; i++) {
		int64_t at;
		s[i].id = ids[i];
		ids[i] = NULL;
		s[i].why = json_array();
		if (bs_repo_manifest_load(r, k, s[i].id, &s[i].m) >= 0 && bs_time_parse(s[i].m.created, &at) >= 0) {
			s[i].ok = 1;
			s[i].day = bs_days_taipei(at);
		}
		bs_error_clear();
	}
	bs_repo_ids_free(ids, nids);
	*out = s;
	*n = nids;
	return 0;
}

void bs_backup_forget_release(struct bs_backup_forget_result *res)
{
	json_decref(res->kept);
	json_decref(res->removed);
	memset(res, 0, sizeof(*res));
}

/* Records what forget or prune did (an event and the target's row, ev taken) whatever the
 * outcome; a failure's own message survives the recording. */
static int record_outcome(struct bs_datadir *dd, const char *where, const char *type, int err, json_t *ev,
			  const char *sum)
{
	char *msg = err < 0 ? bs_strdup(bs_error_message()) : NULL;
	int rerr = bs_backup_record_prune(dd, where, type, err >= 0, ev, sum);
	json_decref(ev);
	if (err < 0) {
		bs_error(err, "%s", msg);
		rerr = err;
	}
	free(msg);
	return rerr;
}

int bs_backup_forget(struct bs_datadir *dd, const struct bs_backup_keys *k, const char *repo,
		     const struct bs_repo_opts *ro, const struct bs_backup_keep *keep, int dry_run,
		     struct bs_backup_forget_result *res)
{
	struct bs_repo *r = NULL;
	struct snap *s = NULL;
	size_t ns = 0;
	char repo_id[33], tested[64];
	struct bs_buf rel = BS_BUF_INIT;
	int err;

	memset(res, 0, sizeof(*res));
	if (keep->last < 1)
		return bs_error(BS_EINVALID, "--keep-last %d: at least the latest snapshot is always kept (--keep-last 1 "
					     "or more): a target without a backup no longer counts as a copy (A3.7.11)",
				keep->last);
	if ((err = bs_repo_connect(repo, ro, &r)) < 0 || (err = bs_repo_open(r, k, 0, repo_id)) < 0)
		goto done;
	if ((err = restore_tested(dd, r->where, tested)) < 0)
		goto done;
	if ((err = load_snaps(r, k, &s, &ns)) < 0)
		goto done;
	if (!ns) {
		err = bs_error(BS_ENOTFOUND, "'%s' holds no snapshot yet: nothing to forget", r->where);
		goto done;
	}
	/* the policy */
	for (size_t i = ns, got = 0; i-- > 0 && got < (size_t)keep->last;)
		if (s[i].ok)
			why_add(&s[i], "last"), got++;
	keep_buckets(s, ns, keep->daily, key_day, "daily");
	keep_buckets(s, ns, keep->weekly, key_week, "weekly");
	keep_buckets(s, ns, keep->monthly, key_month, "monthly");
	/* beyond it: what the regulation's records rest on, and what cannot be judged */
	for (size_t i = 0; i < ns; i++) {
		if (!s[i].ok)
			why_add(&s[i], "unreadable: never forgotten (run backup verify)");
		if (tested[0] && !strcmp(s[i].id, tested))
			why_add(&s[i], "restore-tested (A2.4.1.8)");
	}
	why_add(&s[ns - 1], "latest (A3.7.11: the target's copy)");
	res->kept = json_array();
	res->removed = json_array();
	for (size_t i = 0; i < ns; i++) {
		json_t *o = json_pack("{s:s, s:s}", "id", s[i].id, "created", s[i].ok ? s[i].m.created : "");
		if (json_array_size(s[i].why)) {
			json_object_set(o, "why", s[i].why);
			json_array_append_new(res->kept, o);
		} else {
			json_array_append_new(res->removed, o);
		}
	}
	if (dry_run)
		goto done;
	/* the snapshots first (prune removes their chunks later): each removal on its own */
	for (size_t i = 0; i < ns; i++) {
		if (json_array_size(s[i].why))
			continue;
		bs_buf_clear(&rel);
		bs_buf_printf(&rel, "snapshots/%s.bsm", s[i].id);
		if ((err = r->ops->remove(r, rel.ptr)) == BS_ENOTFOUND)
			err = 0;
		if (err < 0)
			break;
	}
	if (dd) {
		json_t *ev = json_pack("{s:s, s:O, s:O, s:{s:i, s:i, s:i, s:i}, s:b}", "target", r->where, "removed",
				       res->removed, "kept", res->kept, "policy", "last", keep->last, "daily", keep->daily,
				       "weekly", keep->weekly, "monthly", keep->monthly, "ok", err >= 0);
		char sum[256];
		snprintf(sum, sizeof(sum), "%zu snapshots forgotten, %zu kept", json_array_size(res->removed),
			 json_array_size(res->kept));
		err = record_outcome(dd, r->where, "backup.forget", err, ev, sum);
	}
done:
	snaps_free(s, ns);
	bs_buf_release(&rel);
	bs_repo_close(r);
	return err;
}

/* --- prune --- */

int bs_backup_prune(struct bs_datadir *dd, const struct bs_backup_keys *k, const char *repo,
		    const struct bs_repo_opts *ro, int dry_run, struct bs_backup_prune_stats *ps)
{
	struct bs_repo *r = NULL;
	struct bs_repo_lock lock = { "" };
	struct bs_idset all = { 0 }, used = { 0 };
	struct bs_buf tmps = BS_BUF_INIT, rel = BS_BUF_INIT;
	struct snap *s = NULL;
	size_t ns = 0, ntmps = 0;
	char repo_id[33];
	int err, others = 0;
	long crash_after = 0;

	memset(ps, 0, sizeof(*ps));
	if ((err = bs_repo_connect(repo, ro, &r)) < 0 || (err = bs_repo_open(r, k, 0, repo_id)) < 0)
		goto done;
	if ((err = bs_repo_lock(r, "prune", &lock, &others)) < 0)
		goto done;
	if ((err = load_snaps(r, k, &s, &ns)) < 0)
		goto done;
	for (size_t i = 0; i < ns; i++) {
		if (!s[i].ok) {
			err = bs_error(BS_EINVALID, "snapshot '%s' of '%s' cannot be read: prune cannot know which chunks "
						    "it needs and removes nothing; run brokersec backup verify '%s'",
				       s[i].id, r->where, r->where);
			goto done;
		}
		for (size_t f = 0; f < s[i].m.nfiles; f++)
			for (size_t c = 0; c < s[i].m.files[f].nchunks; c++)
				bs_idset_add(&used, s[i].m.files[f].chunks[c].id);
	}
	ps->snapshots = ns;
	ps->referenced = used.n;
	if ((err = bs_repo_chunk_ids(r, &all, &tmps, &ntmps)) < 0)
		goto done;
	ps->chunks = all.n;
	if (bs_testing() && getenv("BROKERSEC_BACKUP_PRUNE_CRASH_AFTER"))
		crash_after = strtol(getenv("BROKERSEC_BACKUP_PRUNE_CRASH_AFTER"), NULL, 10);
	for (size_t i = 0; i < all.cap && err >= 0; i++) {
		if (!all.used[i] || bs_idset_has(&used, all.slot[i]))
			continue;
		ps->removed++;
		if (dry_run)
			continue;
		bs_repo_chunk_path(all.slot[i], &rel);
		if ((err = r->ops->remove(r, rel.ptr)) == BS_ENOTFOUND)
			err = 0;
		if (crash_after > 0 && (long)ps->removed >= crash_after)
			_exit(9); /* tests: as kill -9 would, mid-prune */
	}
	if (err >= 0 && !dry_run)
		err = bs_repo_clean_tmp(r, others, tmps.ptr, ntmps, &ps->tmp_removed);
	if (dd && !dry_run) {
		json_t *ev = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:b}", "target", r->where, "snapshots",
				       (json_int_t)ps->snapshots, "chunks", (json_int_t)ps->chunks, "referenced",
				       (json_int_t)ps->referenced, "removed", (json_int_t)ps->removed, "tmp_removed",
				       (json_int_t)ps->tmp_removed, "ok", err >= 0);
		char sum[256];
		snprintf(sum, sizeof(sum), "%llu unreferenced chunks removed, %llu kept for %llu snapshots",
			 (unsigned long long)ps->removed, (unsigned long long)ps->referenced,
			 (unsigned long long)ps->snapshots);
		err = record_outcome(dd, r->where, "backup.prune", err, ev, sum);
	}
done:
	if (r)
		bs_repo_unlock(r, &lock);
	snaps_free(s, ns);
	bs_idset_release(&all);
	bs_idset_release(&used);
	bs_buf_release(&tmps);
	bs_buf_release(&rel);
	bs_repo_close(r);
	return err;
}
