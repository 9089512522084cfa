/* create.c - backup create: the databases snapshotted online (SQLite's backup API, never a
 * file copy of a live WAL database), every other file of the data directory, the chunk
 * pipeline (FastCDC, keyed BLAKE2b id, zstd, XChaCha20-Poly1305) and the signed manifest,
 * written last. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"

#define TMP_PREFIX ".backup-tmp-"

/* The chunk pipeline: the main thread reads files and cuts chunks (the gear hash is cheap);
 * workers (pool.c) compute each chunk's keyed id, and write the chunks the repository lacks
 * (compress, encrypt, write, sync, rename). A file's chunk list is allocated for its size up
 * front, so a worker fills its slot without locking. The repository's chunks are listed once
 * (one listing per chunks/XX folder) into have; a worker claims an id there before writing it. */
struct job {
	unsigned char *data;
	size_t len;
	struct bs_backup_chunkref *ref;
};

struct pipeline {
	const struct bs_backup_keys *k;
	struct bs_repo *r;
	struct bs_backup_stats *st;
	long crash_after;
	/* the target's latest snapshot: files unchanged since are not read again */
	struct bs_backup_manifest prev;
	int64_t prev_at;
	struct bs_idset have; /* chunks in the repository or claimed by a worker (pool.mu) */
	struct bs_pool pool;
	/* chunk buffers for reuse (fresh large allocations fault in every page each time) */
	unsigned char *spare[BS_POOL_QUEUE + BS_POOL_MAX];
	size_t nspare;
};

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct bs_backup_file *)a)->path, ((const struct bs_backup_file *)b)->path);
}

/* The previous snapshot's entry for rel when the file is as it was then (size, mtime,
 * permissions) and older than that snapshot by 2 s or more (a change within the same second
 * as that backup could keep its mtime), and every chunk of it is still in the repository;
 * else NULL: the file is read. Evidence and reports are written once under their hash. */
static const struct bs_backup_file *unchanged(struct pipeline *p, const char *rel, const struct stat *sb)
{
	struct bs_backup_file key = { 0 };
	const struct bs_backup_file *f;
	int all = 1;

	if (!p->prev.nfiles)
		return NULL;
	key.path = (char *)rel;
	f = bsearch(&key, p->prev.files, p->prev.nfiles, sizeof(key), cmp_file);
	if (!f || f->size != (uint64_t)sb->st_size || f->mtime != (int64_t)sb->st_mtime ||
	    f->mode != (sb->st_mode & 0777) || (int64_t)sb->st_mtime * 1000000 + 2000000 > p->prev_at)
		return NULL;
	pthread_mutex_lock(&p->pool.mu);
	for (size_t c = 0; c < f->nchunks && all; c++)
		all = bs_idset_has(&p->have, f->chunks[c].id);
	pthread_mutex_unlock(&p->pool.mu);
	return all ? f : NULL;
}

/* Copies the database at src into dst with SQLite's online backup API, in one step: the copy
 * is one consistent state even while a writer (serve, intake) commits. */
static int snapshot_db(const char *src, const char *dst)
{
	sqlite3 *s = NULL, *d = NULL;
	sqlite3_backup *b;
	int rc, err = 0;

	if (sqlite3_open_v2(src, &s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot open database '%s' to back it up: %s", src,
			       s ? sqlite3_errmsg(s) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(s, 10000);
	if (sqlite3_open_v2(dst, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot create snapshot '%s': %s", dst, d ? sqlite3_errmsg(d) : "out of memory");
		goto done;
	}
	/* a scratch copy: durable only once it is chunked into the repository */
	sqlite3_exec(d, "PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF", NULL, NULL, NULL);
	b = sqlite3_backup_init(d, "main", s, "main");
	if (!b) {
		err = bs_error(BS_ERR, "cannot snapshot '%s': %s", src, sqlite3_errmsg(d));
		goto done;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		err = bs_error(BS_ERR, "cannot snapshot '%s': %s", src, sqlite3_errstr(rc));
	/* the copy is a single file: no WAL beside it */
	if (!err && sqlite3_exec(d, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		err = bs_error(BS_ERR, "cannot snapshot '%s': %s", src, sqlite3_errmsg(d));
done:
	sqlite3_close(s);
	sqlite3_close(d);
	return err;
}

struct worker {
	struct bs_buf path, sealed;
	void *zbuf;
	size_t zcap;
	ZSTD_CCtx *zc;
};

/* Writes one chunk unless the repository has it (dedup by its keyed id). */
static int put_chunk(struct pipeline *p, struct worker *w, const struct job *j)
{
	size_t z;
	int err, mine;

	bs_backup_chunk_id(p->k, j->data, j->len, j->ref->id);
	j->ref->len = (uint32_t)j->len;
	pthread_mutex_lock(&p->pool.mu);
	mine = bs_idset_add(&p->have, j->ref->id);
	pthread_mutex_unlock(&p->pool.mu);
	if (!mine)
		return 0;
	bs_repo_chunk_path(j->ref->id, &w->path);
	z = ZSTD_compressCCtx(w->zc, w->zbuf, w->zcap, j->data, j->len, 3);
	if (!ZSTD_isError(z) && z < j->len)
		bs_backup_chunk_seal(p->k, j->ref->id, w->zbuf, z, BS_CHUNK_ZSTD, &w->sealed);
	else
		bs_backup_chunk_seal(p->k, j->ref->id, j->data, j->len, BS_CHUNK_RAW, &w->sealed);
	if ((err = p->r->ops->put(p->r, w->path.ptr, w->sealed.ptr, w->sealed.len, 1)) < 0)
		return err;
	pthread_mutex_lock(&p->pool.mu);
	p->st->new_chunks++;
	p->st->stored_bytes += w->sealed.len;
	int crash = p->crash_after > 0 && (long)p->st->new_chunks >= p->crash_after;
	pthread_mutex_unlock(&p->pool.mu);
	if (crash)
		_exit(9); /* tests: as kill -9 would, mid-run */
	return 0;
}

static void *worker_init(void *ctx)
{
	struct worker *w = bs_calloc(1, sizeof(*w));
	(void)ctx;
	w->path = (struct bs_buf)BS_BUF_INIT;
	w->sealed = (struct bs_buf)BS_BUF_INIT;
	w->zcap = ZSTD_compressBound(BS_CHUNK_MAX);
	w->zbuf = bs_malloc(w->zcap);
	w->zc = ZSTD_createCCtx();
	if (!w->zc)
		abort();
	return w;
}

static void worker_fini(void *ws)
{
	struct worker *w = ws;
	free(w->zbuf);
	ZSTD_freeCCtx(w->zc);
	bs_buf_release(&w->path);
	bs_buf_release(&w->sealed);
	free(w);
}

static int worker_run(void *ctx, void *ws, void *job, int skip)
{
	struct pipeline *p = ctx;
	struct job *j = job;
	int err = skip ? 0 : put_chunk(p, ws, j);
	pthread_mutex_lock(&p->pool.mu);
	if (p->nspare < sizeof(p->spare) / sizeof(p->spare[0]))
		p->spare[p->nspare++] = j->data, j->data = NULL;
	pthread_mutex_unlock(&p->pool.mu);
	free(j->data);
	free(j);
	return err;
}

/* Waits for the workers; the first error of theirs, as a message on this thread. */
static int pipeline_stop(struct pipeline *p)
{
	int err;
	if (!p->pool.nth)
		return 0;
	err = bs_pool_stop(&p->pool);
	while (p->nspare)
		free(p->spare[--p->nspare]);
	return err;
}

/* Queues a copy of a chunk; fails when a worker has failed. */
static int enqueue(struct pipeline *p, const unsigned char *data, size_t len, struct bs_backup_chunkref *ref)
{
	struct job *j = bs_calloc(1, sizeof(*j));
	int err;
	j->len = len;
	j->ref = ref;
	pthread_mutex_lock(&p->pool.mu);
	if (p->nspare)
		j->data = p->spare[--p->nspare];
	pthread_mutex_unlock(&p->pool.mu);
	if (!j->data)
		j->data = bs_malloc(BS_CHUNK_MAX);
	memcpy(j->data, data, len);
	if ((err = bs_pool_submit(&p->pool, j)) < 0) {
		free(j->data);
		free(j);
		return err;
	}
	pthread_mutex_lock(&p->pool.mu);
	p->st->chunks++;
	pthread_mutex_unlock(&p->pool.mu);
	return 0;
}

static int read_full(int fd, unsigned char *buf, size_t want, size_t *got, const char *path)
{
	*got = 0;
	while (*got < want) {
		ssize_t n = read(fd, buf + *got, want - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bs_error(BS_ERR, "cannot read '%s': %s", path, bs_strerror(errno));
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* Chunks the file at path (its name in the snapshot: rel) into f: the bytes it has when
 * opened (a file that grows meanwhile is taken at its size then). */
static int put_file(struct pipeline *p, const char *path, const char *rel, struct bs_backup_file *f,
		    unsigned char *buf, size_t bufsz, int reuse)
{
	struct stat sb;
	size_t have = 0, left;
	int fd, eof = 0, err = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return BS_ENOTFOUND; /* removed while we walked (a purged report): not part of it */
	if (fd < 0 || fstat(fd, &sb) != 0) {
		err = bs_error(BS_ERR, "cannot read '%s': %s", path, bs_strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	f->path = bs_strdup(rel);
	f->mode = sb.st_mode & 0777;
	f->mtime = (int64_t)sb.st_mtime;
	const struct bs_backup_file *old = reuse ? unchanged(p, rel, &sb) : NULL;
	if (old) {
		close(fd);
		f->chunks = bs_calloc(old->nchunks + 1, sizeof(*f->chunks));
		memcpy(f->chunks, old->chunks, old->nchunks * sizeof(*f->chunks));
		f->nchunks = old->nchunks;
		f->size = old->size;
		pthread_mutex_lock(&p->pool.mu);
		p->st->chunks += f->nchunks;
		pthread_mutex_unlock(&p->pool.mu);
		p->st->files++;
		p->st->bytes += f->size;
		return 0;
	}
	left = (size_t)sb.st_size;
	/* every chunk but the last is at least BS_CHUNK_MIN: the slots are known up front */
	f->chunks = bs_calloc(left / BS_CHUNK_MIN + 2, sizeof(*f->chunks));
	for (;;) {
		size_t got, off = 0;
		if (!eof) {
			size_t want = bufsz - have < left ? bufsz - have : left;
			if ((err = read_full(fd, buf + have, want, &got, path)) < 0)
				break;
			left -= got;
			eof = got < want || !left;
			have += got;
		}
		/* cut while a whole maximum chunk is in the buffer (or the file has ended) */
		while (have - off > 0 && (eof || have - off >= BS_CHUNK_MAX)) {
			size_t n = bs_chunk_next(buf + off, have - off);
			if ((err = enqueue(p, buf + off, n, &f->chunks[f->nchunks])) < 0)
				goto done;
			f->nchunks++;
			f->size += n;
			off += n;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (eof && !have)
			break;
	}
done:
	close(fd);
	if (!err) {
		p->st->files++;
		p->st->bytes += f->size;
	}
	return err;
}

struct walk {
	char **rel;
	size_t n, cap;
};

static int skip_name(const char *rel)
{
	static const char *const skip[] = { "brokersec.db", "brokersec.db-wal", "brokersec.db-shm",
					    "brokersec.db-journal", "events.db", "events.db-wal", "events.db-shm",
					    "events.db-journal", "events.lock", "keys/backup.key", NULL };
	for (int i = 0; skip[i]; i++)
		if (!strcmp(rel, skip[i]))
			return 1;
	return !strncmp(rel, TMP_PREFIX, sizeof(TMP_PREFIX) - 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file under root/rel (symbolic links, sockets and devices are not part of a
 * data directory and are left out). */
static int walk_dir(const char *root, const char *rel, struct walk *w, int depth)
{
	struct bs_buf dir = BS_BUF_INIT, r = BS_BUF_INIT;
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (depth > 16)
		return bs_error(BS_EINVALID, "'%s/%s' is nested too deep for a data directory", root, rel);
	bs_buf_printf(&dir, "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(dir.ptr);
	if (!d) {
		err = bs_error(BS_ERR, "cannot list '%s': %s", dir.ptr, bs_strerror(errno));
		goto done;
	}
	while ((de = readdir(d))) {
		struct stat sb;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bs_buf_clear(&r);
		bs_buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (skip_name(r.ptr) || !bs_backup_path_ok(r.ptr))
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			err = bs_error(BS_ERR, "cannot read '%s/%s': %s", dir.ptr, de->d_name, bs_strerror(errno));
			break;
		}
		if (S_ISDIR(sb.st_mode)) {
			if ((err = walk_dir(root, r.ptr, w, depth + 1)) < 0)
				break;
		} else if (S_ISREG(sb.st_mode)) {
			if (w->n == w->cap) {
				w->cap = w->cap ? 2 * w->cap : 64;
				w->rel = bs_realloc(w->rel, bs_size_mul(w->cap, sizeof(*w->rel)));
			}
			w->rel[w->n++] = bs_strdup(r.ptr);
		}
	}
	closedir(d);
done:
	bs_buf_release(&dir);
	bs_buf_release(&r);
	return err;
}

static void rm_tmpdir(const char *dir)
{
	struct bs_buf p = BS_BUF_INIT;
	static const char *const names[] = { "brokersec.db", "events.db", "brokersec.db-journal", "events.db-journal",
					     NULL };
	for (int i = 0; names[i]; i++) {
		bs_buf_clear(&p);
		bs_buf_printf(&p, "%s/%s", dir, names[i]);
		unlink(p.ptr);
	}
	rmdir(dir);
	bs_buf_release(&p);
}

/* Snapshot folders of runs that were killed (their process is gone) are removed. */
static void clean_stale(const char *datapath)
{
	DIR *d = opendir(datapath);
	struct dirent *de;
	struct bs_buf p = BS_BUF_INIT;
	if (!d)
		return;
	while ((de = readdir(d))) {
		long pid;
		char *end;
		if (strncmp(de->d_name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1))
			continue;
		pid = strtol(de->d_name + sizeof(TMP_PREFIX) - 1, &end, 10);
		if (pid <= 0 || *end != '-' || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		bs_buf_clear(&p);
		bs_buf_printf(&p, "%s/%s", datapath, de->d_name);
		rm_tmpdir(p.ptr);
	}
	closedir(d);
	bs_buf_release(&p);
}

int bs_backup_create(struct bs_datadir *dd, const struct bs_backup_target *t, int64_t register_id,
		     struct bs_backup_stats *st)
{
	struct bs_backup_keys k;
	struct bs_backup_manifest m = { 0 };
	struct pipeline p = { 0 };
	struct walk w = { 0 };
	struct bs_buf sealed = BS_BUF_INIT, tmp = BS_BUF_INIT, src = BS_BUF_INIT, dst = BS_BUF_INIT, text = BS_BUF_INIT;
	struct bs_repo *r = NULL;
	struct bs_repo_lock lock = { "" };
	int others = 0;
	char repo_id[33], when[BS_TIME_MAX], head[200] = "";
	unsigned char *buf = NULL;
	const size_t bufsz = 4 * BS_CHUNK_MAX;
	int made, err, tmp_made = 0;
	json_t *state = json_object();
	char *real;

	memset(st, 0, sizeof(*st));
	if ((err = bs_backup_key_load(dd->path, 1, &k, &made)) < 0)
		goto done;
	if ((err = bs_repo_connect(t->to, &t->remote, &r)) < 0 || (err = bs_repo_open(r, &k, 1, repo_id)) < 0)
		goto done;
	/* beside other creates, never beside a prune (it deletes chunks not yet referenced) */
	if ((err = bs_repo_lock(r, "create", &lock, &others)) < 0)
		goto done;
	clean_stale(dd->path);
	/* the chunks there, listed once; temporary files killed runs left */
	{
		struct bs_buf tmps = BS_BUF_INIT;
		size_t ntmps = 0;
		if ((err = bs_repo_chunk_ids(r, &p.have, &tmps, &ntmps)) >= 0)
			err = bs_repo_clean_tmp(r, others, tmps.ptr, ntmps, NULL);
		bs_buf_release(&tmps);
		if (err < 0)
			goto done;
	}
	{
		char **ids = NULL;
		size_t nids = 0;
		/* an unreadable previous manifest only means every file is read again */
		if (bs_repo_snapshots(r, &ids, &nids) >= 0 && nids &&
		    bs_repo_manifest_load(r, &k, ids[nids - 1], &p.prev) >= 0) {
			if (bs_time_parse(p.prev.created, &p.prev_at) < 0)
				bs_backup_manifest_release(&p.prev);
			else
				qsort(p.prev.files, p.prev.nfiles, sizeof(*p.prev.files), cmp_file);
		}
		bs_repo_ids_free(ids, nids);
		bs_error_clear();
	}

	/* 1. the databases, online */
	bs_buf_printf(&tmp, "%s/" TMP_PREFIX "%ld-%08x", dd->path, (long)getpid(), randombytes_random());
	if (mkdir(tmp.ptr, 0700) != 0) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", tmp.ptr, bs_strerror(errno));
		goto done;
	}
	tmp_made = 1;
	static const char *const dbs[] = { "brokersec.db", "events.db" };
	for (int i = 0; i < 2; i++) {
		json_t *counts = NULL;
		bs_buf_clear(&src);
		bs_buf_clear(&dst);
		bs_buf_printf(&src, "%s/%s", dd->path, dbs[i]);
		bs_buf_printf(&dst, "%s/%s", tmp.ptr, dbs[i]);
		if ((err = snapshot_db(src.ptr, dst.ptr)) < 0 || (err = bs_backup_db_state(dst.ptr, &counts)) < 0)
			goto done;
		/* tests only: a recorded count one off, so that the restore test must catch it */
		if (i == 0 && bs_testing() && getenv("BROKERSEC_BACKUP_SKEW_STATE"))
			json_object_set_new(counts, "backup_target", json_integer(1000000));
		json_object_set_new(state, dbs[i], counts);
	}
	if (bs_eventlog_head_line(dd->path, head, sizeof(head)) < 0)
		head[0] = 0;

	/* 2. the manifest's head */
	int64_t now = bs_clock_now();
	unsigned char rnd[4];
	char rhex[9], id[64];
	int32_t days = bs_days_from_time(now);
	int y;
	unsigned mo, d;
	int64_t sod = (now / 1000000) % 86400;
	bs_civil_from_days(days, &y, &mo, &d);
	randombytes_buf(rnd, sizeof(rnd));
	bs_hex(rnd, sizeof(rnd), rhex);
	/* microseconds too: ids sort as the snapshots were made, the last is the latest */
	snprintf(id, sizeof(id), "%04d%02u%02uT%02d%02d%02d%06dZ-%s", y, mo, d, (int)(sod / 3600), (int)(sod / 60 % 60),
		 (int)(sod % 60), (int)(now % 1000000), rhex);
	bs_time_format(now, when);
	m.id = bs_strdup(id);
	m.created = bs_strdup(when);
	m.host = bs_strdup(bs_eventlog_hostname());
	real = realpath(dd->path, NULL);
	m.source = bs_strdup(real ? real : dd->path);
	free(real);
	m.log_head = bs_strdup(head);
	m.state = state;
	state = NULL;

	/* 3. the files: the two snapshots, then the rest of the data directory by name */
	if ((err = walk_dir(dd->path, "", &w, 0)) < 0)
		goto done;
	qsort(w.rel, w.n, sizeof(*w.rel), cmp_str);
	m.files = bs_calloc(w.n + 2, sizeof(*m.files));
	p.k = &k;
	p.r = r;
	p.st = st;
	if (bs_testing() && getenv("BROKERSEC_BACKUP_CRASH_AFTER"))
		p.crash_after = strtol(getenv("BROKERSEC_BACKUP_CRASH_AFTER"), NULL, 10);
	buf = bs_malloc(bufsz);
	p.pool.ctx = &p;
	p.pool.init = worker_init;
	p.pool.fini = worker_fini;
	p.pool.run = worker_run;
	if ((err = bs_pool_start(&p.pool, "backup")) < 0)
		goto done;
	for (int i = 0; i < 2; i++) {
		bs_buf_clear(&dst);
		bs_buf_printf(&dst, "%s/%s", tmp.ptr, dbs[i]);
		if ((err = put_file(&p, dst.ptr, dbs[i], &m.files[m.nfiles], buf, bufsz, 0)) < 0)
			goto done;
		m.files[m.nfiles].mode = 0600;
		m.bytes += m.files[m.nfiles++].size;
	}
	for (size_t i = 0; i < w.n; i++) {
		bs_buf_clear(&src);
		bs_buf_printf(&src, "%s/%s", dd->path, w.rel[i]);
		err = put_file(&p, src.ptr, w.rel[i], &m.files[m.nfiles], buf, bufsz, 1);
		if (err == BS_ENOTFOUND) { /* nothing of it was queued */
			err = 0;
			continue;
		}
		if (err < 0)
			goto done;
		m.bytes += m.files[m.nfiles++].size;
	}

	/* 4. the manifest, last: before it exists this run is not a snapshot */
	if ((err = pipeline_stop(&p)) < 0)
		goto done;
	bs_backup_manifest_dump(&m, &text);
	bs_backup_envelope_seal(&k, text.ptr, text.len, &sealed);
	bs_buf_clear(&dst);
	bs_buf_printf(&dst, "snapshots/%s.bsm", m.id);
	if ((err = r->ops->put(r, dst.ptr, sealed.ptr, sealed.len, 0)) < 0)
		goto done;
	st->stored_bytes += sealed.len;
	snprintf(st->snapshot, sizeof(st->snapshot), "%s", m.id);

	/* 5. the target, the event and the backup register */
	err = bs_backup_record_create(dd, t, r->where, repo_id, register_id, st);
done:
	/* the workers fill m's chunk slots: they stop before m goes */
	if (pipeline_stop(&p) < 0 && err >= 0)
		err = BS_ERR;
	if (tmp_made)
		rm_tmpdir(tmp.ptr);
	for (size_t i = 0; i < w.n; i++)
		free(w.rel[i]);
	free(w.rel);
	free(buf);
	bs_idset_release(&p.have);
	bs_backup_manifest_release(&p.prev);
	if (r && lock.rel[0])
		bs_repo_unlock(r, &lock);
	bs_repo_close(r);
	bs_buf_release(&sealed);
	bs_buf_release(&tmp);
	bs_buf_release(&src);
	bs_buf_release(&dst);
	bs_buf_release(&text);
	bs_backup_manifest_release(&m);
	json_decref(state);
	bs_backup_keys_wipe(&k);
	return err;
}
