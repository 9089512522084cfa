/* Issued reports kept for download (the API, docs/assessments.md "Over the API"): the bytes of a
 * report issued through the server stay in the data directory's reports/ (0700), one file per
 * report content named by its SHA-256 (0600), so that GET /reports/ID can hand the very file
 * that was recorded back, and checks it against the record on every read. A report issued on
 * the command line goes to the file the user named and is not kept here. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "report/report.h"
#include "report/report_int.h"
#include "store/store.h"

static atomic_uint issuing;

#define COLUMNS "id, assessment_id, format, lang, sha256, size, issued_at, issued_by, retain_until"

/* "<data>/reports/<sha256>"; only lowercase hex names are ever made. */
static void kept_path(const struct bs_datadir *dd, const char *sha256, struct bs_buf *out)
{
	bs_buf_printf(out, "%s/reports/%s", dd->path, sha256);
}

static int hex64(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == 64;
}

static int write_all(int fd, const char *path, const void *data, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(w < 0 ? errno : EIO));
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(errno));
	return 0;
}

int bs_report_issue_kept(struct bs_datadir *dd, int64_t assessment_id, enum bs_report_format f, enum bs_lang lang,
			 const void *data, size_t len, struct bs_report_issued *out)
{
	struct bs_buf dir = BS_BUF_INIT, tmp = BS_BUF_INIT, dest = BS_BUF_INIT;
	char hex[BS_REPORT_SHA256_HEX];
	struct stat sb;
	int fd, err = 0, made = 0;

	bs_report_sha256_hex(data, len, hex);
	bs_buf_printf(&dir, "%s/reports", dd->path);
	if (mkdir(dir.ptr, 0700) != 0 && errno != EEXIST) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", dir.ptr, bs_strerror(errno));
		goto done;
	}
	/* the folder is the data directory's own: owned by us, nobody else may use it */
	if (lstat(dir.ptr, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 077)) {
		err = bs_error(BS_EDENIED, "'%s' must be a directory owned by the data directory's owner with mode 0700: "
					   "run chmod 700 '%s'", dir.ptr, dir.ptr);
		goto done;
	}
	kept_path(dd, hex, &dest);
	/* unique per process and call: the server issues from several threads */
	bs_buf_printf(&tmp, "%s/.issuing-%d-%lld-%u", dir.ptr, (int)getpid(), (long long)bs_clock_now(),
		      atomic_fetch_add(&issuing, 1u));
	/* the file is in place before the row commits: a recorded report can always be fetched */
	if (access(dest.ptr, F_OK) != 0) {
		fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			err = bs_error(BS_ERR, "cannot create '%s': %s", tmp.ptr, bs_strerror(errno));
			goto done;
		}
		err = write_all(fd, tmp.ptr, data, len);
		if (close(fd) != 0 && err == 0)
			err = bs_error(BS_ERR, "cannot write '%s': %s", tmp.ptr, bs_strerror(errno));
		if (err == 0 && rename(tmp.ptr, dest.ptr) != 0)
			err = bs_error(BS_ERR, "cannot store the report as '%s': %s", dest.ptr, bs_strerror(errno));
		if (err < 0) {
			(void)unlink(tmp.ptr);
			goto done;
		}
		made = 1;
	}
	err = bs_report_issue(dd, assessment_id, f, lang, data, len, out);
	if (err < 0 && made)
		(void)unlink(dest.ptr);
done:
	bs_buf_release(&dir);
	bs_buf_release(&tmp);
	bs_buf_release(&dest);
	return err;
}

int bs_report_issued_get(struct bs_store *store, int64_t id, struct bs_report_issued *out)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(out, 0, sizeof(*out));
	if ((err = bs_store_prepare(store, "SELECT " COLUMNS " FROM report_issued WHERE id = ?", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bs_report__row_read(st, out);
		err = 0;
	} else if (rc == SQLITE_DONE) {
		err = bs_error(BS_ENOTFOUND, "no issued report %lld: GET /api/v1/assessments/ID/reports lists the reports "
					     "of an assessment", (long long)id);
	} else {
		err = bs_store_fail(store, "cannot read the issued reports");
	}
	sqlite3_finalize(st);
	return err;
}

int bs_report_issued_list(struct bs_store *store, int64_t assessment_id, struct bs_report_issued **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int err, rc;

	*out = NULL;
	*n = 0;
	if ((err = bs_store_prepare(store, "SELECT " COLUMNS " FROM report_issued WHERE assessment_id = ? ORDER BY id",
				    &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, assessment_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = bs_realloc(*out, cap * sizeof(**out));
		}
		memset(&(*out)[*n], 0, sizeof(**out));
		bs_report__row_read(st, &(*out)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		err = bs_store_fail(store, "cannot read the issued reports");
		free(*out);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	return err;
}

int bs_report_kept(struct bs_datadir *dd, const struct bs_report_issued *r)
{
	struct bs_buf path = BS_BUF_INIT;
	struct stat sb;
	int kept;

	if (!hex64(r->sha256))
		return 0;
	kept_path(dd, r->sha256, &path);
	kept = lstat(path.ptr, &sb) == 0 && S_ISREG(sb.st_mode);
	bs_buf_release(&path);
	return kept;
}

int bs_report_read_kept(struct bs_datadir *dd, const struct bs_report_issued *r, struct bs_buf *out, int *changed)
{
	struct bs_buf path = BS_BUF_INIT;
	char hex[BS_REPORT_SHA256_HEX], js[256];
	int err;

	*changed = 0;
	bs_buf_clear(out);
	if (!hex64(r->sha256) || !bs_report_kept(dd, r))
		return bs_error(BS_ENOTFOUND, "report %lld was issued on the command line to a file of its own: the server "
					      "keeps no copy of it; check that file with 'brokersec report verify FILE', or "
					      "issue the report again here", (long long)r->id);
	kept_path(dd, r->sha256, &path);
	err = bs_buf_read_file(out, path.ptr);
	bs_buf_release(&path);
	if (err < 0)
		return err;
	bs_report_sha256_hex(out->ptr, out->len, hex);
	if (strcmp(hex, r->sha256) != 0 || (int64_t)out->len != r->size) {
		/* the kept file is not what was recorded: said in the event log, never handed out */
		snprintf(js, sizeof(js), "{\"report\":%lld,\"assessment\":%lld,\"sha256\":\"%s\",\"found\":\"%s\"}",
			 (long long)r->id, (long long)r->assessment_id, r->sha256, hex);
		(void)bs_audit(dd, "report.mismatch", "failure", js,
			       "the kept file of issued report %lld does not match its recorded SHA-256", (long long)r->id);
		bs_buf_release(out);
		*changed = 1;
		return bs_error(BS_ERR, "the kept file of report %lld has SHA-256 %s, not the recorded %s: it was changed "
					"on the server; restore reports/%s from a backup of the data directory",
				(long long)r->id, hex, r->sha256, r->sha256);
	}
	return 0;
}
