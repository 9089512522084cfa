/* fim_store.c - the tables of migration 0014 (fim_int.h): baselines, their entries, the
 * checks run and the canaries. The only SQL of src/fim. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "fim/fim_int.h"
#include "store/store.h"

int fim_store_save(struct bs_store *s, struct fim_row *r, const char *policy_text, const struct bs_fim_tree *t)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_prepare(s, "UPDATE fim_baseline SET active = 0 WHERE root = ?1 AND active = 1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->info.root, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot retire the previous baseline");
	sqlite3_finalize(st);
	if (err < 0)
		return err;
	if ((err = bs_store_prepare(s, "INSERT INTO fim_baseline (root, host_id, policy_file, policy_text, algo, "
				    "created_at, created_by, entries, digest, sig, active) VALUES (?1, ?2, ?3, ?4, 'sha256', "
				    "?5, ?6, ?7, ?8, ?9, 1)", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, r->info.root, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->info.host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->info.policy_file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, policy_text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->info.created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->info.created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, r->info.entries);
	sqlite3_bind_text(st, 8, r->info.digest, -1, SQLITE_STATIC);
	/* signed once the id is known (the signature covers it) */
	sqlite3_bind_text(st, 9, "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
			  "000000000000000000000000000000000000000000000000", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot store the baseline");
	sqlite3_finalize(st);
	if (err < 0)
		return err;
	r->info.id = sqlite3_last_insert_rowid(bs_store_sqlite(s));
	if ((err = bs_store_prepare(s, "INSERT INTO fim_entry (baseline_id, path, type, attrs, mode, uid, gid, size, "
				    "mtime_ns, ctime_ns, inode, entropy, compressed, hash, xattrs, acl, link, err) VALUES "
				    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)", &st)) < 0)
		return err;
	for (size_t i = 0; i < t->n && err >= 0; i++) {
		const struct bs_fim_entry *e = &t->v[i];
		char type[2] = { e->type, 0 };
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, r->info.id);
		sqlite3_bind_text(st, 2, e->path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, type, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, e->attrs);
		sqlite3_bind_int64(st, 5, e->mode);
		sqlite3_bind_int64(st, 6, e->uid);
		sqlite3_bind_int64(st, 7, e->gid);
		sqlite3_bind_int64(st, 8, e->size);
		sqlite3_bind_int64(st, 9, e->mtime_ns);
		sqlite3_bind_int64(st, 10, e->ctime_ns);
		sqlite3_bind_int64(st, 11, (sqlite3_int64)e->inode);
		sqlite3_bind_int64(st, 12, e->entropy);
		sqlite3_bind_int64(st, 13, e->compressed);
		sqlite3_bind_text(st, 14, e->hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 15, e->xattrs, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 16, e->acl, -1, SQLITE_STATIC);
		if (e->link)
			sqlite3_bind_text(st, 17, e->link, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 17);
		if (e->err)
			sqlite3_bind_text(st, 18, e->err, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 18);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = bs_store_fail(s, "cannot store the baseline's entries");
	}
	sqlite3_finalize(st);
	return err;
}

int fim_store_sign(struct bs_store *s, int64_t id, const char *sig)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_prepare(s, "UPDATE fim_baseline SET sig = ?2 WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, sig, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot sign the baseline");
	sqlite3_finalize(st);
	return err;
}

int fim_store_active(struct bs_store *s, const char *root, struct fim_row *r)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(r, 0, sizeof(*r));
	if ((err = bs_store_prepare(s, "SELECT id, root, host_id, policy_file, policy_text, created_at, created_by, "
				    "entries, digest, sig FROM fim_baseline WHERE root = ?1 AND active = 1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->info.id = sqlite3_column_int64(st, 0);
		snprintf(r->info.root, sizeof(r->info.root), "%s", bs_store_text(st, 1));
		snprintf(r->info.host, sizeof(r->info.host), "%s", bs_store_text(st, 2));
		snprintf(r->info.policy_file, sizeof(r->info.policy_file), "%s", bs_store_text(st, 3));
		r->policy_text = bs_strdup(bs_store_text(st, 4));
		snprintf(r->info.created_at, sizeof(r->info.created_at), "%s", bs_store_text(st, 5));
		snprintf(r->info.created_by, sizeof(r->info.created_by), "%s", bs_store_text(st, 6));
		r->info.entries = sqlite3_column_int64(st, 7);
		snprintf(r->info.digest, sizeof(r->info.digest), "%s", bs_store_text(st, 8));
		snprintf(r->sig, sizeof(r->sig), "%s", bs_store_text(st, 9));
		err = 1;
	} else if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the baseline");
	}
	sqlite3_finalize(st);
	return err;
}

int fim_store_roots(struct bs_store *s, char ***roots, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	*roots = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT root FROM fim_baseline WHERE active = 1 ORDER BY root", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*roots = bs_realloc(*roots, bs_size_mul(*n + 1, sizeof(**roots)));
		(*roots)[(*n)++] = bs_strdup(bs_store_text(st, 0));
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the baselines");
	sqlite3_finalize(st);
	return err;
}

int fim_store_entries(struct bs_store *s, int64_t id, struct bs_fim_tree *t)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(t, 0, sizeof(*t));
	if ((err = bs_store_prepare(s, "SELECT path, type, attrs, mode, uid, gid, size, mtime_ns, ctime_ns, inode, "
				    "entropy, compressed, hash, xattrs, acl, link, err FROM fim_entry WHERE baseline_id = ?1 "
				    "ORDER BY path", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_fim_entry e = { 0 };
		e.path = (char *)bs_store_text(st, 0);
		e.type = bs_store_text(st, 1)[0];
		e.attrs = (unsigned)sqlite3_column_int64(st, 2);
		e.mode = (uint32_t)sqlite3_column_int64(st, 3);
		e.uid = (uint32_t)sqlite3_column_int64(st, 4);
		e.gid = (uint32_t)sqlite3_column_int64(st, 5);
		e.size = sqlite3_column_int64(st, 6);
		e.mtime_ns = sqlite3_column_int64(st, 7);
		e.ctime_ns = sqlite3_column_int64(st, 8);
		e.inode = (uint64_t)sqlite3_column_int64(st, 9);
		e.entropy = (int16_t)sqlite3_column_int64(st, 10);
		e.compressed = (uint8_t)sqlite3_column_int64(st, 11);
		snprintf(e.hash, sizeof(e.hash), "%s", bs_store_text(st, 12));
		snprintf(e.xattrs, sizeof(e.xattrs), "%s", bs_store_text(st, 13));
		snprintf(e.acl, sizeof(e.acl), "%s", bs_store_text(st, 14));
		e.link = sqlite3_column_type(st, 15) == SQLITE_NULL ? NULL : (char *)bs_store_text(st, 15);
		e.err = sqlite3_column_type(st, 16) == SQLITE_NULL ? NULL : (char *)bs_store_text(st, 16);
		bs_fim_tree_add(t, &e);
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the baseline's entries");
	sqlite3_finalize(st);
	/* SQLite's BINARY order is memcmp's; strcmp's is the same for text without NUL */
	bs_fim_tree_sort(t);
	return err;
}

int fim_store_check(struct bs_store *s, const struct bs_fim_report *r, const char *started_at, int full,
		    const char *by, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int64_t t = bs_clock_now();
	int err;

	bs_time_format(t, now);
	if ((err = bs_store_prepare(s, "INSERT INTO fim_check (baseline_id, root, started_at, finished_at, finished_us, "
				    "full, files, hashed, reused, bytes_hashed, added, removed, changed, unreadable, vanished, "
				    "loops, indicators, score, incident_id, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
				    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, r->base.id);
	sqlite3_bind_text(st, 2, r->base.root, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, started_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t);
	sqlite3_bind_int(st, 6, full);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)r->now.n);
	sqlite3_bind_int64(st, 8, r->now.hashed);
	sqlite3_bind_int64(st, 9, r->now.reused);
	sqlite3_bind_int64(st, 10, r->now.bytes_hashed);
	sqlite3_bind_int64(st, 11, r->diff.added);
	sqlite3_bind_int64(st, 12, r->diff.removed);
	sqlite3_bind_int64(st, 13, r->diff.changed);
	sqlite3_bind_int64(st, 14, r->now.unreadable);
	sqlite3_bind_int64(st, 15, r->now.vanished);
	sqlite3_bind_int64(st, 16, r->now.loops);
	sqlite3_bind_int64(st, 17, (sqlite3_int64)r->signs.n);
	sqlite3_bind_int64(st, 18, r->signs.score);
	if (r->incident_id)
		sqlite3_bind_int64(st, 19, r->incident_id);
	else
		sqlite3_bind_null(st, 19);
	sqlite3_bind_text(st, 20, by ? by : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot record the check");
	sqlite3_finalize(st);
	if (err >= 0)
		*id = sqlite3_last_insert_rowid(bs_store_sqlite(s));
	return err;
}

int fim_store_canary_add(struct bs_store *s, const char *path, const char *hash, const char *by)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int err;

	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_prepare(s, "INSERT INTO fim_canary (path, hash, planted_at, planted_by) VALUES (?1, ?2, ?3, ?4)",
				    &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, by ? by : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot record the canary");
	sqlite3_finalize(st);
	return err;
}

int bs_fim_canaries(struct bs_store *s, const char *root, char ***out, char ***hashes, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t rl = strlen(root);
	int err, rc;

	*out = NULL;
	*hashes = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT path, hash FROM fim_canary ORDER BY path", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = bs_store_text(st, 0);
		const char *rel;
		if (rl == 1 && root[0] == '/')
			rel = p + 1;
		else if (!strncmp(p, root, rl) && p[rl] == '/')
			rel = p + rl + 1;
		else
			continue;
		*out = bs_realloc(*out, bs_size_mul(*n + 1, sizeof(**out)));
		*hashes = bs_realloc(*hashes, bs_size_mul(*n + 1, sizeof(**hashes)));
		(*out)[*n] = bs_strdup(rel);
		(*hashes)[(*n)++] = bs_strdup(bs_store_text(st, 1));
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the canaries");
	sqlite3_finalize(st);
	return err;
}

int bs_fim_last_check(struct bs_store *s, struct bs_fim_last *out)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(out, 0, sizeof(*out));
	if ((err = bs_store_prepare(s, "SELECT finished_us, added + removed + changed, indicators, unreadable + vanished, "
				    "root FROM fim_check ORDER BY finished_us DESC, id DESC LIMIT 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->finished_us = sqlite3_column_int64(st, 0);
		out->changes = sqlite3_column_int64(st, 1);
		out->indicators = sqlite3_column_int64(st, 2);
		out->problems = sqlite3_column_int64(st, 3);
		snprintf(out->root, sizeof(out->root), "%s", bs_store_text(st, 4));
		out->clean = !out->changes && !out->indicators && !out->problems;
		err = 1;
	} else if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the integrity checks");
	}
	sqlite3_finalize(st);
	return err;
}
