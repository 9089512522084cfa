/* restore.c - backup restore into a new directory, and the restore test the text asks for
 * (A2.4.1.8, A3.7.11): the restored event log verified as `log verify` does, and the row
 * count of every table compared with the manifest's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/error.h"
#include "eventlog/eventlog.h"

/* newdir missing (made, 0700) or an empty directory; anything else is refused. */
static int prepare_dir(const char *newdir)
{
	struct dirent *de;
	DIR *d;
	if (mkdir(newdir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return bs_error(BS_ERR, "cannot create '%s': %s", newdir, bs_strerror(errno));
	d = opendir(newdir);
	if (!d)
		return bs_error(BS_ERR, "cannot open '%s': %s", newdir, bs_strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			closedir(d);
			return bs_error(BS_EEXISTS, "'%s' is not empty: restore never writes into a non-empty directory; "
						    "give a new or empty one", newdir);
		}
	closedir(d);
	if (chmod(newdir, 0700) != 0)
		return bs_error(BS_ERR, "cannot chmod '%s': %s", newdir, bs_strerror(errno));
	return 0;
}

/* Makes the folders of rel's path under newdir (0700). */
static int make_parents(const char *newdir, const char *rel)
{
	struct bs_buf p = BS_BUF_INIT;
	int err = 0;
	bs_buf_printf(&p, "%s/%s", newdir, rel);
	for (char *s = p.ptr + strlen(newdir) + 1; (s = strchr(s, '/')); s++) {
		struct stat sb;
		*s = 0;
		if (mkdir(p.ptr, 0700) != 0 && errno != EEXIST)
			err = bs_error(BS_ERR, "cannot create '%s': %s", p.ptr, bs_strerror(errno));
		else if (lstat(p.ptr, &sb) != 0 || !S_ISDIR(sb.st_mode))
			err = bs_error(BS_EINVALID, "'%s' is not a folder", p.ptr);
		*s = '/';
		if (err < 0)
			break;
	}
	bs_buf_release(&p);
	return err;
}

/* Restoring a file: its chunks are fetched, decrypted, decompressed and checked by workers
 * (pool.c: one per core, at most 4), each written at its offset (known from the manifest)
 * with pwrite, so they may finish in any order; the file is then synced. */
struct rjob {
	const struct bs_backup_file *f;
	size_t c;
	uint64_t off;
};

struct rctx {
	const struct bs_backup_keys *k;
	struct bs_repo *r;
	int fd;           /* the file being restored (set while no job runs) */
	const char *path;
	struct rjob *jobs;
	struct bs_pool pool;
};

struct rworker {
	struct bs_buf cpath, stored, plain;
};

static int pwrite_all(int fd, const char *data, size_t len, uint64_t off, const char *path)
{
	while (len) {
		ssize_t n = pwrite(fd, data, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(errno));
		data += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int restore_chunk(struct rctx *p, const struct rjob *j, struct rworker *w)
{
	const struct bs_backup_chunkref *ref = &j->f->chunks[j->c];
	char hex[65];
	int err;

	bs_repo_chunk_path(ref->id, &w->cpath);
	err = p->r->ops->get(p->r, w->cpath.ptr, &w->stored);
	bs_hex(ref->id, 32, hex);
	if (err == BS_ENOTFOUND)
		return bs_error(BS_EINVALID, "file '%s' cannot be restored: its chunk %zu (%.16s) is missing from "
					     "the backup", j->f->path, j->c, hex);
	if (err < 0)
		return err;
	if ((err = bs_backup_chunk_decode(p->k, ref->id, &w->stored, &w->plain)) < 0) {
		char *why = bs_strdup(bs_error_message());
		err = bs_error(BS_EINVALID, "file '%s' cannot be restored: its chunk %zu (%.16s) %s", j->f->path, j->c,
			       hex, why);
		free(why);
		return err;
	}
	if (w->plain.len != ref->len)
		return bs_error(BS_EINVALID, "file '%s' cannot be restored: its chunk %zu (%.16s) has another length "
					     "than the manifest says", j->f->path, j->c, hex);
	return pwrite_all(p->fd, w->plain.ptr, w->plain.len, j->off, p->path);
}

static void *rworker_init(void *ctx)
{
	struct rworker *w = bs_malloc(sizeof(*w));
	(void)ctx;
	*w = (struct rworker){ BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	return w;
}

static void rworker_fini(void *ws)
{
	struct rworker *w = ws;
	bs_buf_release(&w->cpath);
	bs_buf_release(&w->stored);
	bs_buf_release(&w->plain);
	free(w);
}

static int rworker_run(void *ctx, void *ws, void *job, int skip)
{
	return skip ? 0 : restore_chunk(ctx, job, ws);
}

/* Runs f's chunks through the pool into fd; the first error as this thread's message. */
static int pool_file(struct rctx *p, const struct bs_backup_file *f, int fd, const char *path)
{
	uint64_t off = 0;
	int err = 0;
	p->jobs = bs_realloc(p->jobs, bs_size_mul(f->nchunks + 1, sizeof(*p->jobs)));
	p->fd = fd;
	p->path = path;
	for (size_t c = 0; c < f->nchunks && err >= 0; c++) {
		p->jobs[c] = (struct rjob){ f, c, off };
		off += f->chunks[c].len;
		err = bs_pool_submit(&p->pool, &p->jobs[c]);
	}
	/* the first failure's message comes from the wait */
	return bs_pool_wait(&p->pool);
}

static int restore_file(struct rctx *pool, const char *newdir, const struct bs_backup_file *f,
			struct bs_backup_stats *st)
{
	struct bs_buf path = BS_BUF_INIT;
	struct timespec ts[2];
	int fd = -1, err;

	if ((err = make_parents(newdir, f->path)) < 0)
		goto done;
	bs_buf_printf(&path, "%s/%s", newdir, f->path);
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", path.ptr, bs_strerror(errno));
		goto done;
	}
	if (f->nchunks && (err = pool_file(pool, f, fd, path.ptr)) < 0) {
		if (err == BS_EINVALID)
			st->damaged++;
		goto done;
	}
	if (fchmod(fd, f->mode & 0700) != 0 || fsync(fd) != 0) {
		err = bs_error(BS_ERR, "cannot write '%s': %s", path.ptr, bs_strerror(errno));
		goto done;
	}
	ts[0].tv_sec = ts[1].tv_sec = (time_t)f->mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	futimens(fd, ts);
	st->files++;
	st->bytes += f->size;
done:
	if (fd >= 0)
		close(fd);
	bs_buf_release(&path);
	return err;
}

/* The restored databases' row counts against the manifest's: problem says the first that
 * differs. */
static int compare_state(const char *newdir, const json_t *want, struct bs_backup_stats *st)
{
	static const char *const dbs[] = { "brokersec.db", "events.db" };
	int err = 0;
	st->state_ok = 1;
	for (int i = 0; i < 2; i++) {
		struct bs_buf p = BS_BUF_INIT;
		json_t *got = NULL;
		const json_t *w = json_object_get(want, dbs[i]);
		const char *t;
		json_t *n;
		bs_buf_printf(&p, "%s/%s", newdir, dbs[i]);
		err = bs_backup_db_state(p.ptr, &got);
		bs_buf_release(&p);
		if (err < 0)
			return err;
		if (!w || !json_equal(got, (json_t *)w)) {
			st->state_ok = 0;
			json_object_foreach(got, t, n) {
				const json_t *x = json_object_get(w, t);
				if ((!x || json_integer_value(x) != json_integer_value(n)) && !st->problem[0]) {
					snprintf(st->problem, sizeof(st->problem), "%s: table %s has %lld rows, the backup "
						 "recorded %lld", dbs[i], t, (long long)json_integer_value(n),
						 x ? (long long)json_integer_value(x) : -1LL);
					break;
				}
			}
			if (!st->problem[0])
				snprintf(st->problem, sizeof(st->problem), "%s: tables differ from the backup's", dbs[i]);
		}
		json_decref(got);
	}
	return 0;
}

int bs_backup_restore(const struct bs_backup_keys *k, const char *repo, const struct bs_repo_opts *ro,
		      const char *snapshot, const char *newdir, struct bs_backup_stats *st)
{
	struct bs_backup_manifest m = { 0 };
	struct bs_buf p = BS_BUF_INIT;
	struct rctx pool = { 0 };
	struct bs_repo *r = NULL;
	struct bs_verify_result vr;
	char **ids = NULL, repo_id[33];
	size_t nids = 0;
	int err;
	struct bs_buf *rep = st->report;

	memset(st, 0, sizeof(*st));
	st->report = rep;
	if ((err = bs_repo_connect(repo, ro, &r)) < 0 || (err = bs_repo_open(r, k, 0, repo_id)) < 0)
		goto done;
	if (!snapshot) {
		if ((err = bs_repo_snapshots(r, &ids, &nids)) < 0)
			goto done;
		if (!nids) {
			err = bs_error(BS_ENOTFOUND, "'%s' holds no snapshot yet: run brokersec backup create --to '%s'",
				       r->where, r->where);
			goto done;
		}
		snapshot = ids[nids - 1];
	}
	if ((err = bs_repo_manifest_load(r, k, snapshot, &m)) < 0)
		goto done;
	snprintf(st->snapshot, sizeof(st->snapshot), "%s", m.id);
	if ((err = prepare_dir(newdir)) < 0)
		goto done;
	pool.k = k;
	pool.r = r;
	pool.pool.ctx = &pool;
	pool.pool.init = rworker_init;
	pool.pool.fini = rworker_fini;
	pool.pool.run = rworker_run;
	if ((err = bs_pool_start(&pool.pool, "restore")) < 0)
		goto done;
	for (size_t i = 0; i < m.nfiles; i++) {
		st->chunks += m.files[i].nchunks;
		if ((err = restore_file(&pool, newdir, &m.files[i], st)) < 0)
			break;
	}
	bs_pool_stop(&pool.pool);
	free(pool.jobs);
	if (err < 0)
		goto done;
	/* folders a data directory has even when empty */
	static const char *const dirs[] = { "evidence", "keys", NULL };
	for (int i = 0; dirs[i]; i++) {
		bs_buf_clear(&p);
		bs_buf_printf(&p, "%s/%s", newdir, dirs[i]);
		if (mkdir(p.ptr, 0700) != 0 && errno != EEXIST) {
			err = bs_error(BS_ERR, "cannot create '%s': %s", p.ptr, bs_strerror(errno));
			goto done;
		}
	}
	/* the restore test: log verify on the restored data directory, then the state */
	st->tested = 1;
	memset(&vr, 0, sizeof(vr));
	if ((err = bs_eventlog_verify(newdir, NULL, NULL, NULL, 0, &vr)) < 0)
		goto done;
	st->log_ok = vr.ok;
	if (!vr.ok)
		snprintf(st->problem, sizeof(st->problem), "event log: %.490s", vr.problem);
	if ((err = compare_state(newdir, m.state, st)) < 0)
		goto done;
	if (!st->log_ok || !st->state_ok)
		err = bs_error(BS_EINVALID, "restore test failed: %s", st->problem);
done:
	bs_backup_manifest_release(&m);
	bs_repo_ids_free(ids, nids);
	bs_buf_release(&p);
	bs_repo_close(r);
	return err;
}
