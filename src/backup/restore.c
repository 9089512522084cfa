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
 * (one per core, at most 4), each written at its offset (known from the manifest) with
 * pwrite, so they may finish in any order; the file is then synced. */
#define RWORKERS 4

struct rjob {
	const struct bs_backup_file *f;
	size_t c;
	uint64_t off;
};

struct rpool {
	const struct bs_backup_keys *k;
	const char *repo;
	int fd;
	const char *path;
	pthread_mutex_t mu;
	pthread_cond_t more, done;
	struct rjob *jobs;
	size_t njobs, next, finished;
	int closing, err;
	char errmsg[1024];
	enum bs_lang lang; /* the starting thread's message language */
	pthread_t th[RWORKERS];
	int nth;
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

static int restore_chunk(struct rpool *p, const struct rjob *j, struct bs_buf *cpath, struct bs_buf *stored,
			 struct bs_buf *plain)
{
	const struct bs_backup_chunkref *ref = &j->f->chunks[j->c];
	char hex[65];
	int err;

	bs_repo_chunk_path(p->repo, ref->id, cpath);
	err = bs_repo_read(cpath->ptr, stored);
	bs_hex(ref->id, 32, hex);
	if (err == BS_ENOTFOUND)
		return bs_error(BS_EINVALID, "file '%s' cannot be restored: its chunk %zu (%.16s) is missing from "
					     "the backup", j->f->path, j->c, hex);
	if (err < 0)
		return err;
	if ((err = bs_backup_chunk_decode(p->k, ref->id, stored, plain)) < 0) {
		char *why = bs_strdup(bs_error_message());
		err = bs_error(BS_EINVALID, "file '%s' cannot be restored: its chunk %zu (%.16s) %s", j->f->path, j->c,
			       hex, why);
		free(why);
		return err;
	}
	if (plain->len != ref->len)
		return bs_error(BS_EINVALID, "file '%s' cannot be restored: its chunk %zu (%.16s) has another length "
					     "than the manifest says", j->f->path, j->c, hex);
	return pwrite_all(p->fd, plain->ptr, plain->len, j->off, p->path);
}

static void *rworker(void *arg)
{
	struct rpool *p = arg;
	bs_error_set_lang(p->lang);
	struct bs_buf cpath = BS_BUF_INIT, stored = BS_BUF_INIT, plain = BS_BUF_INIT;
	for (;;) {
		struct rjob j;
		int err;
		pthread_mutex_lock(&p->mu);
		while (p->next >= p->njobs && !p->closing)
			pthread_cond_wait(&p->more, &p->mu);
		if (p->next >= p->njobs) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		j = p->jobs[p->next++];
		int skip = p->err < 0;
		pthread_mutex_unlock(&p->mu);
		err = skip ? 0 : restore_chunk(p, &j, &cpath, &stored, &plain);
		pthread_mutex_lock(&p->mu);
		if (err < 0 && p->err >= 0) {
			p->err = err;
			snprintf(p->errmsg, sizeof(p->errmsg), "%s", bs_error_message());
		}
		if (++p->finished == p->njobs)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
	bs_buf_release(&cpath);
	bs_buf_release(&stored);
	bs_buf_release(&plain);
	return NULL;
}

/* Runs f's chunks through the pool into fd; the first error as this thread's message. */
static int pool_file(struct rpool *p, const struct bs_backup_file *f, int fd, const char *path)
{
	uint64_t off = 0;
	int err = 0;
	pthread_mutex_lock(&p->mu);
	p->jobs = bs_realloc(p->jobs, bs_size_mul(f->nchunks + 1, sizeof(*p->jobs)));
	for (size_t c = 0; c < f->nchunks; c++) {
		p->jobs[c] = (struct rjob){ f, c, off };
		off += f->chunks[c].len;
	}
	p->fd = fd;
	p->path = path;
	p->njobs = f->nchunks;
	p->next = p->finished = 0;
	p->err = 0;
	pthread_cond_broadcast(&p->more);
	while (p->finished < p->njobs)
		pthread_cond_wait(&p->done, &p->mu);
	p->njobs = p->next = p->finished = 0;
	if (p->err < 0)
		err = bs_error(p->err, "%s", p->errmsg);
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* Starts a worker per CPU; fewer when the system refuses more threads, an error when it
 * refuses every one. */
static int pool_start(struct rpool *p)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int want = n < 1 ? 1 : n > RWORKERS ? RWORKERS : (int)n, rc = 0;
	p->lang = bs_error_lang();
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->done, NULL);
	for (p->nth = 0; p->nth < want; p->nth++)
		if ((rc = pthread_create(&p->th[p->nth], NULL, rworker, p)) != 0)
			break;
	if (p->nth)
		return 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->more);
	pthread_cond_destroy(&p->done);
	return bs_error(BS_ERR, "cannot start the restore's worker threads: %s", bs_strerror(rc));
}

static void pool_stop(struct rpool *p)
{
	if (!p->nth)
		return;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	p->nth = 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->more);
	pthread_cond_destroy(&p->done);
	free(p->jobs);
	p->jobs = NULL;
}

static int restore_file(struct rpool *pool, const char *newdir, const struct bs_backup_file *f,
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

int bs_backup_restore(const struct bs_backup_keys *k, const char *repo, const char *snapshot, const char *newdir,
		      struct bs_backup_stats *st)
{
	struct bs_backup_manifest m = { 0 };
	struct bs_buf p = BS_BUF_INIT;
	struct rpool pool = { 0 };
	struct bs_verify_result vr;
	char **ids = NULL, repo_id[33];
	size_t nids = 0;
	int err;
	struct bs_buf *rep = st->report;

	memset(st, 0, sizeof(*st));
	st->report = rep;
	if ((err = bs_repo_open(repo, k, 0, repo_id)) < 0)
		goto done;
	if (!snapshot) {
		if ((err = bs_repo_snapshots(repo, &ids, &nids)) < 0)
			goto done;
		if (!nids) {
			err = bs_error(BS_ENOTFOUND, "'%s' holds no snapshot yet: run brokersec backup create --to '%s'",
				       repo, repo);
			goto done;
		}
		snapshot = ids[nids - 1];
	}
	if ((err = bs_repo_manifest_load(repo, k, snapshot, &m)) < 0)
		goto done;
	snprintf(st->snapshot, sizeof(st->snapshot), "%s", m.id);
	if ((err = prepare_dir(newdir)) < 0)
		goto done;
	pool.k = k;
	pool.repo = repo;
	if ((err = pool_start(&pool)) < 0)
		goto done;
	for (size_t i = 0; i < m.nfiles; i++) {
		st->chunks += m.files[i].nchunks;
		if ((err = restore_file(&pool, newdir, &m.files[i], st)) < 0)
			break;
	}
	pool_stop(&pool);
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
	return err;
}
