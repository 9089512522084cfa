/* evidence.c - adding evidence files and reading the records (review: evidence_review.c). */
#include "audit/audit.h"
#include "evidence/evidence.h"
#include "evidence/evidence_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess/assess.h"
#include "catalog/catalog.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "registry/registry.h"

void bs_evidence_release(struct bs_evidence *e)
{
	free(e->control_id);
	free(e->record_register);
	free(e->name);
	free(e->note);
	free(e->created_at);
	free(e->created_by);
	free(e->reviewed_by);
	free(e->reviewed_at);
	free(e->review_comment);
	memset(e, 0, sizeof(*e));
}

const char *bs_evidence_state_name(enum bs_evidence_state s)
{
	return s == BS_EVIDENCE_ACCEPTED ? "accepted" : s == BS_EVIDENCE_REJECTED ? "rejected" : "submitted";
}

int bs_evidence_parse_record(const char *spec, struct bs_evidence_target *t, char *name, size_t namesz)
{
	const char *colon = strchr(spec, ':');
	char *end;
	long long id;

	if (!colon || colon == spec || (size_t)(colon - spec) >= namesz || !colon[1])
		return bs_error(BS_EINVALID, "--record '%s' is not REGISTER:ID: give e.g. person:10 (see 'brokersec "
				"person list' for the ids)", spec);
	errno = 0;
	id = strtoll(colon + 1, &end, 10);
	if (errno || *end || id <= 0)
		return bs_error(BS_EINVALID, "--record '%s': the id '%s' is not a positive number", spec, colon + 1);
	memcpy(name, spec, (size_t)(colon - spec));
	name[colon - spec] = '\0';
	t->control_id = NULL;
	t->record_register = name;
	t->record_id = id;
	return 0;
}

/* The register and the record must exist (an archived record may still get its proof). */
static int check_record(struct bs_store *s, const struct bs_evidence_target *t)
{
	const struct bs_register *r = bs_register_find(t->record_register);
	json_t *rec = NULL;
	int err;

	/* an assessment is src/assess's workflow, not a register: its report and correction
	 * records attach to it as assessment:ID (Annex 2 捌) */
	if (!strcmp(t->record_register, "assessment"))
		return bs_assess_exists(s, t->record_id);
	if (!r)
		return bs_error(BS_ENOTFOUND, "no register '%s': see 'brokersec --help' for the registers",
				t->record_register);
	if ((err = bs_reg_get(s, r, t->record_id, &rec)) < 0) {
		if (err == BS_ENOTFOUND)
			return bs_error(BS_ENOTFOUND, "no %s record %lld: see 'brokersec %s list' for the ids",
					t->record_register, (long long)t->record_id, r->name);
		return err;
	}
	json_decref(rec);
	return 0;
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
		return bs_error(BS_ERR, "cannot create '%s': %s", tmppath, bs_strerror(errno));
	crypto_hash_sha256_init(&h);
	*size = 0;
	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = bs_error(BS_ERR, "cannot read '%s': %s", srcpath, bs_strerror(errno));
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
				err = bs_error(BS_ERR, "cannot write '%s': %s", tmppath, bs_strerror(w < 0 ? errno : EIO));
				break;
			}
			off += w;
		}
		if (err)
			break;
	}
	if (!err && fsync(dst) != 0)
		err = bs_error(BS_ERR, "cannot write '%s': %s", tmppath, bs_strerror(errno));
	if (close(dst) != 0 && !err)
		err = bs_error(BS_ERR, "cannot write '%s': %s", tmppath, bs_strerror(errno));
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
	return err;
}

/* path is read; name (NULL: path's last component) is what the record calls the file. */
static int add_named(struct bs_datadir *dd, const struct bs_evidence_target *t, const char *path, const char *name,
		     const char *note, const char *who, struct bs_evidence *out)
{
	const char *control_id = t->control_id ? t->control_id : "";
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
	if (strlen(note) > BS_EVIDENCE_TEXT_MAX || !bs_utf8_valid_text(note, strlen(note)))
		return bs_error(BS_EINVALID, "--note must be UTF-8 text of at most %d bytes", BS_EVIDENCE_TEXT_MAX);
	if (!t->control_id == !t->record_register)
		return bs_error(BS_EINVALID, "evidence proves either a control or a register record: give one of them");
	if (t->record_register && (err = check_record(dd->store, t)) < 0)
		return err;
	/* O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: opening a FIFO does not wait
	 * for a writer. What was opened is then checked with fstat, never by its name again. */
	src = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (src < 0 && errno == ELOOP)
		return bs_error(BS_EINVALID, "evidence file '%s' is a symbolic link: links are not followed; give the "
				"path of the file itself", path);
	if (src < 0)
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "cannot open evidence file '%s': %s", path,
				bs_strerror(errno));
	if (fstat(src, &sb) != 0) {
		err = bs_error(BS_ERR, "cannot read evidence file '%s': %s", path, bs_strerror(errno));
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
		err = bs_error(BS_ERR, "cannot read evidence file '%s': %s", path, bs_strerror(errno));
		close(src);
		return err;
	}
	base = strrchr(path, '/');
	base = name ? name : base ? base + 1 : path;
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
		err = bs_error(BS_ERR, "cannot store evidence as '%s': %s", dest.ptr, bs_strerror(errno));
		goto done;
	}
	bs_time_format(now_us, now);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto done;
	if ((err = bs_store_prepare(dd->store,
			"INSERT INTO evidence (control_id, sha256, size, name, note, created_at, created_us, created_by, "
			"record_register, record_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, control_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, out->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, out->size);
	sqlite3_bind_text(st, 4, base, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now_us);
	sqlite3_bind_text(st, 8, who, -1, SQLITE_STATIC);
	if (t->record_register) {
		sqlite3_bind_text(st, 9, t->record_register, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 10, t->record_id);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the evidence record");
		goto done;
	}
	out->id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	{
		char what[160];
		json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)out->id, "control_id", control_id,
				      "sha256", out->sha256, "size", (json_int_t)out->size, "name", base, "state", "submitted");
		if (j && t->record_register)
			json_object_set_new(j, "record", json_pack("{s:s, s:I}", "register", t->record_register, "id",
								   (json_int_t)t->record_id));
		char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		if (t->record_register)
			snprintf(what, sizeof(what), "%s:%lld", t->record_register, (long long)t->record_id);
		else
			snprintf(what, sizeof(what), "%s", control_id);
		/* Logged before the commit; a change that cannot be logged does not happen. */
		err = bs_audit(dd, "evidence.add", "success", js, "added evidence %lld for %s: %s", (long long)out->id,
			       what, base);
		free(js);
		if (err < 0)
			goto done;
	}
	if ((err = bs_store_commit(dd->store)) < 0)
		goto done;
	out->control_id = bs_strdup(control_id);
	out->record_register = t->record_register ? bs_strdup(t->record_register) : NULL;
	out->record_id = t->record_register ? t->record_id : 0;
	out->state = BS_EVIDENCE_SUBMITTED;
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

int bs_evidence_add(struct bs_datadir *dd, const struct bs_evidence_target *t, const char *path, const char *note,
		    const char *who, struct bs_evidence *out)
{
	return add_named(dd, t, path, NULL, note, who, out);
}

int bs_evidence_add_bytes(struct bs_datadir *dd, const struct bs_evidence_target *t, const char *name,
			  const void *data, size_t len, const char *note, const char *who, struct bs_evidence *out)
{
	struct bs_buf tmp = BS_BUF_INIT;
	int fd, err = 0;

	memset(out, 0, sizeof(*out));
	if (!name || !*name || strlen(name) > 255 || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") ||
	    !bs_utf8_valid_text(name, strlen(name)))
		return bs_error(BS_EINVALID, "the file name must be 1 to 255 bytes of UTF-8 text without '/'");
	if (len > BS_EVIDENCE_MAX_BYTES)
		return too_big(name, (long long)len);
	/* the bytes become a file in the data directory's own evidence folder, then take the same
	 * path as a file added from the command line */
	bs_buf_printf(&tmp, "%s/evidence/.upload-%d-%lld", dd->path, (int)getpid(), (long long)bs_clock_now());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", tmp.ptr, bs_strerror(errno));
		bs_buf_release(&tmp);
		return err;
	}
	for (size_t off = 0; off < len && err == 0;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			err = bs_error(BS_ERR, "cannot write '%s': %s", tmp.ptr, bs_strerror(w < 0 ? errno : EIO));
		else
			off += (size_t)w;
	}
	if (close(fd) != 0 && err == 0)
		err = bs_error(BS_ERR, "cannot write '%s': %s", tmp.ptr, bs_strerror(errno));
	if (err == 0)
		err = add_named(dd, t, tmp.ptr, name, note, who, out);
	(void)unlink(tmp.ptr);
	bs_buf_release(&tmp);
	return err;
}

int bs_evidence_each(struct bs_store *s, const char *prefix,
		     int (*fn)(const struct bs_evidence *e, void *ctx), void *ctx)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = bs_store_prepare(s, "SELECT " BS_EVIDENCE_COLUMNS " FROM evidence WHERE ?1 IS NULL OR "
			"(control_id <> '' AND (control_id = ?1 OR substr(control_id, 1, length(?1) + 1) = ?1 || '.')) OR "
			"record_register = ?1 OR record_register || ':' || record_id = ?1 "
			"ORDER BY created_us, id", &st)) < 0)
		return err;
	if (prefix)
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_evidence e;
		bs_evidence_row(st, &e);
		if ((err = fn(&e, ctx)) != 0)
			break;
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read evidence");
	sqlite3_finalize(st);
	return err;
}
