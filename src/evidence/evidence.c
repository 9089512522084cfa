#include "audit/audit.h"
#include "evidence/evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"

#define NOTE_MAX 4000

void bs_evidence_release(struct bs_evidence *e)
{
	free(e->control_id);
	free(e->name);
	free(e->note);
	free(e->created_at);
	free(e->created_by);
	memset(e, 0, sizeof(*e));
}

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO (named pipe)" : S_ISSOCK(m) ? "a socket"
	       : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : "not a regular file";
}

static int too_big(const char *path, long long size)
{
	return bs_error(BS_EINVALID, "evidence file '%s' is %lld bytes (%.1f MiB), more than the limit of %lld bytes "
			"(%lld MiB): split or compress it, or keep it elsewhere and add a summary", path, size,
			(double)size / (1024.0 * 1024.0), BS_EVIDENCE_MAX_BYTES, BS_EVIDENCE_MAX_BYTES / (1024 * 1024));
}

/* Copies src into a temporary file in dir while hashing it; stops past the size limit (the
 * file may grow after fstat looked at it). */
static int copy_hashed(int src, const char *srcpath, const char *tmppath, char hex[65], int64_t *size)
{
	crypto_hash_sha256_state h;
	unsigned char buf[65536], digest[crypto_hash_sha256_BYTES];
	int dst = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int err = 0;

	if (dst < 0)
		return bs_error(BS_ERR, "cannot create '%s': %s", tmppath, strerror(errno));
	crypto_hash_sha256_init(&h);
	*size = 0;
	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = bs_error(BS_ERR, "cannot read '%s': %s", srcpath, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
		*size += n;
		if (*size > BS_EVIDENCE_MAX_BYTES) {
			err = too_big(srcpath, *size);
			break;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(dst, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				err = bs_error(BS_ERR, "cannot write '%s': %s", tmppath, strerror(w < 0 ? errno : EIO));
				break;
			}
			off += w;
		}
		if (err)
			break;
	}
	if (!err && fsync(dst) != 0)
		err = bs_error(BS_ERR, "cannot write '%s': %s", tmppath, strerror(errno));
	if (close(dst) != 0 && !err)
		err = bs_error(BS_ERR, "cannot write '%s': %s", tmppath, strerror(errno));
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
	return err;
}

int bs_evidence_add(struct bs_datadir *dd, const char *control_id, const char *path, const char *note,
		    const char *who, struct bs_evidence *out)
{
	struct bs_buf tmp = BS_BUF_INIT, dest = BS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	char now[BS_TIME_MAX];
	int64_t now_us = bs_clock_now();
	const char *base;
	int src = -1, err;

	memset(out, 0, sizeof(*out));
	if (!note)
		note = "";
	if (strlen(note) > NOTE_MAX || !bs_utf8_valid_text(note, strlen(note)))
		return bs_error(BS_EINVALID, "--note must be UTF-8 text of at most %d bytes", NOTE_MAX);
	/* O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: opening a FIFO does not wait
	 * for a writer. What was opened is then checked with fstat, never by its name again. */
	src = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (src < 0 && errno == ELOOP)
		return bs_error(BS_EINVALID, "evidence file '%s' is a symbolic link: links are not followed; give the "
				"path of the file itself", path);
	if (src < 0)
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "cannot open evidence file '%s': %s", path,
				strerror(errno));
	if (fstat(src, &sb) != 0) {
		err = bs_error(BS_ERR, "cannot read evidence file '%s': %s", path, strerror(errno));
		close(src);
		return err;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(src);
		return bs_error(BS_EINVALID, "evidence file '%s' is %s, not a regular file: give a file", path,
				kind_of(sb.st_mode));
	}
	if (sb.st_size > BS_EVIDENCE_MAX_BYTES) {
		close(src);
		return too_big(path, sb.st_size);
	}
	if (fcntl(src, F_SETFL, 0) != 0) { /* back to blocking reads */
		err = bs_error(BS_ERR, "cannot read evidence file '%s': %s", path, strerror(errno));
		close(src);
		return err;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!*base || !bs_utf8_valid_text(base, strlen(base))) {
		close(src);
		return bs_error(BS_EINVALID, "evidence file name '%s' is not valid UTF-8: rename the file", path);
	}
	bs_buf_printf(&tmp, "%s/evidence/.incoming-%d-%lld", dd->path, (int)getpid(), (long long)now_us);
	err = copy_hashed(src, path, tmp.ptr, out->sha256, &out->size);
	close(src);
	if (err < 0)
		goto done;
	bs_buf_printf(&dest, "%s/evidence/%s", dd->path, out->sha256);
	/* Same content already kept: the existing copy serves both records. */
	if (access(dest.ptr, F_OK) == 0) {
		(void)unlink(tmp.ptr);
	} else if (rename(tmp.ptr, dest.ptr) != 0) {
		err = bs_error(BS_ERR, "cannot store evidence as '%s': %s", dest.ptr, strerror(errno));
		goto done;
	}
	bs_time_format(now_us, now);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto done;
	if ((err = bs_store_prepare(dd->store,
			"INSERT INTO evidence (control_id, sha256, size, name, note, created_at, created_us, created_by) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, control_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, out->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, out->size);
	sqlite3_bind_text(st, 4, base, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now_us);
	sqlite3_bind_text(st, 8, who, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the evidence record");
		goto done;
	}
	out->id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	{
		json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)out->id, "control_id", control_id,
				      "sha256", out->sha256, "size", (json_int_t)out->size, "name", base);
		char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		/* Logged before the commit; a change that cannot be logged does not happen. */
		err = bs_audit(dd, "evidence.add", "success", js, "added evidence %lld for %s: %s", (long long)out->id,
			       control_id, base);
		free(js);
		if (err < 0)
			goto done;
	}
	if ((err = bs_store_commit(dd->store)) < 0)
		goto done;
	out->control_id = bs_strdup(control_id);
	out->name = bs_strdup(base);
	out->note = bs_strdup(note);
	out->created_at = bs_strdup(now);
	out->created_us = now_us;
	out->created_by = bs_strdup(who);
done:
	sqlite3_finalize(st);
	if (err < 0) {
		bs_store_rollback(dd->store);
		(void)unlink(tmp.ptr);
		bs_evidence_release(out);
	}
	bs_buf_release(&tmp);
	bs_buf_release(&dest);
	return err;
}

int bs_evidence_each(struct bs_store *s, const char *prefix,
		     int (*fn)(const struct bs_evidence *e, void *ctx), void *ctx)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = bs_store_prepare(s,
			"SELECT id, control_id, sha256, size, name, note, created_at, created_us, created_by "
			"FROM evidence WHERE ?1 IS NULL OR control_id = ?1 OR substr(control_id, 1, length(?1) + 1) = ?1 || '.' "
			"ORDER BY created_us, id", &st)) < 0)
		return err;
	if (prefix)
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_evidence e;
		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(st, 0);
		e.control_id = (char *)bs_store_text(st, 1);
		snprintf(e.sha256, sizeof(e.sha256), "%s", bs_store_text(st, 2));
		e.size = sqlite3_column_int64(st, 3);
		e.name = (char *)bs_store_text(st, 4);
		e.note = (char *)bs_store_text(st, 5);
		e.created_at = (char *)bs_store_text(st, 6);
		e.created_us = sqlite3_column_int64(st, 7);
		e.created_by = (char *)bs_store_text(st, 8);
		if ((err = fn(&e, ctx)) != 0)
			break;
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read evidence");
	sqlite3_finalize(st);
	return err;
}
