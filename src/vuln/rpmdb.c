/* rpmdb.c - an RPM database read offline through librpm (rpmdb.h). */
#include <errno.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>

#include "core/buf.h"
#include "core/error.h"
#include "vuln/rpmdb.h"
#include "vuln/vuln.h"

/* Where rpm keeps its database: rpm's %_dbpath of RHEL/CentOS/SUSE, then Fedora 36+'s
 * (there /var/lib/rpm is a symlink to it, which the first finds already). */
static const char *const db_dirs[] = { "/var/lib/rpm", "/usr/lib/sysimage/rpm" };

/* The files of each backend: the first names it; the others are copied when present. */
static const struct {
	const char *backend, *file, *extra;
} db_kinds[] = {
	{ "sqlite", "rpmdb.sqlite", "rpmdb.sqlite-wal" }, /* RHEL 9, Fedora 33+, Rocky/Alma 9 */
	{ "bdb_ro", "Packages", NULL },                   /* RHEL/CentOS 7 and 8 (Berkeley DB) */
	{ "ndb", "Packages.db", NULL },                   /* SUSE: not in Debian's librpm */
};

/* librpm's log while we read: errors fail the read and make the message; warnings (bdb_ro's
 * "could not open .../Name" for the index files not copied) only when no error says more. */
struct rpmlog_sink {
	struct bs_buf msg, warn;
	int errors;
};

static int log_cb(rpmlogRec rec, rpmlogCallbackData data)
{
	struct rpmlog_sink *s = data;
	rpmlogLvl lvl = rpmlogRecPriority(rec);
	const char *m = rpmlogRecMessage(rec);
	size_t n;
	if (lvl > RPMLOG_WARNING || !m)
		return 0;
	struct bs_buf *b = lvl <= RPMLOG_ERR ? &s->msg : &s->warn;
	if (lvl <= RPMLOG_ERR)
		s->errors++;
	n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	if (b->len < 600) {
		if (b->len)
			bs_buf_puts(b, "; ");
		bs_buf_put(b, m, n);
	}
	return 0; /* never printed */
}

/* msg with every dir (the private copy) written as shown (the root's directory) instead. */
static void unprivate(struct bs_buf *msg, const char *dir, const char *shown)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t dl = strlen(dir);
	const char *p = msg->ptr, *hit;
	if (!p)
		return;
	while ((hit = strstr(p, dir)) != NULL) {
		bs_buf_put(&b, p, (size_t)(hit - p));
		bs_buf_puts(&b, shown);
		p = hit + dl;
	}
	bs_buf_puts(&b, p);
	bs_buf_release(msg);
	*msg = b;
}

/* rpmrc and macros once per process (librpm's own configuration, not the root's). */
static int config_read = 0;

/* Copies the file of the root at path (opened by open_fn: a regular file) to dst. 0,
 * BS_ENOTFOUND, or another error with its message. */
static int copy_out(bs_vuln_root_open_fn open_fn, const char *root, const char *rshown, const char *path,
		    const char *dst)
{
	char buf[65536];
	int in, out, err = 0;
	ssize_t r;

	if ((err = open_fn(root, path, &in)) < 0)
		return err;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", dst, bs_strerror(errno));
		close(in);
		return err;
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = bs_error(BS_ERR, "cannot read '%s%s': %s", rshown, path, bs_strerror(errno));
			break;
		}
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				err = bs_error(BS_ERR, "cannot write '%s': %s", dst, bs_strerror(errno));
				break;
			}
			off += w;
		}
		if (err)
			break;
	}
	if (close(out) < 0 && !err)
		err = bs_error(BS_ERR, "cannot write '%s': %s", dst, bs_strerror(errno));
	close(in);
	return err;
}

/* The source package's name: "openssl-3.0.7-25.el9_3.src.rpm" -> "openssl". NULL when the
 * text does not have that shape. */
static char *srpm_name(const char *srpm)
{
	size_t n = srpm ? strlen(srpm) : 0;
	int dashes = 0;
	if (n > 8 && !strcmp(srpm + n - 8, ".src.rpm"))
		n -= 8;
	else if (n > 10 && !strcmp(srpm + n - 10, ".nosrc.rpm"))
		n -= 10;
	else
		return NULL;
	while (n > 0 && dashes < 2)
		if (srpm[--n] == '-')
			dashes++;
	if (dashes < 2 || n == 0)
		return NULL;
	return bs_strndup(srpm, n);
}

/* The copy of an rpmdb.sqlite checked before librpm sees it: SQLite's quick_check and the
 * Packages table rpm keeps headers in. librpm 4.18's sqlite backend leaks its connection when
 * the file does not open as a database, and says less. 0 or the error naming shown. */
static int sqlite_precheck(const char *file, const char *shown)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct bs_buf why = BS_BUF_INIT;
	int rc, err = 0;

	rc = sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (r && strcmp(r, "ok") && why.len < 300)
			bs_buf_printf(&why, "%squick_check: %s", why.len ? "; " : "", r);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_OK && !why.len)
		bs_buf_printf(&why, "sqlite: %s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_finalize(st);
	st = NULL;
	if (!why.len && (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Packages'",
					    -1, &st, NULL) != SQLITE_OK ||
			 sqlite3_step(st) != SQLITE_ROW))
		bs_buf_puts(&why, "no Packages table");
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (why.len)
		err = bs_error(BS_EINVALID, "cannot read the RPM database '%s' (%s): %s: the file is damaged or not an RPM "
			       "database", shown, "sqlite", why.ptr);
	bs_buf_release(&why);
	return err;
}

/* Reads the database copied into dir with librpm into tmp. 0 or an error naming shown (the
 * file) and shown_dir (its directory under the root) for dir in librpm's words. */
static int read_db(const char *dir, const char *backend, const char *shown, const char *shown_dir,
		   struct bs_vuln_inv *tmp)
{
	struct rpmlog_sink sink = { BS_BUF_INIT, BS_BUF_INIT, 0 };
	rpmlogCallback old_cb;
	rpmts ts = NULL;
	rpmdbMatchIterator mi = NULL;
	Header h;
	int err = 0, pushed = 0;

	old_cb = rpmlogSetCallback(log_cb, &sink);
	if (!config_read) {
		if (rpmReadConfigFiles(NULL, NULL) != 0) {
			err = bs_error(BS_ERR, "librpm cannot read its configuration (rpmrc, macros): %s",
				       sink.msg.len ? sink.msg.ptr : "no message");
			goto out;
		}
		config_read = 1;
	}
	rpmPushMacro(NULL, "_dbpath", NULL, dir, RMIL_CMDLINE);
	rpmPushMacro(NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);
	pushed = 1;
	ts = rpmtsCreate();
	rpmtsSetRootDir(ts, "/");
	/* the headers' digests are checked (a damaged one is an error); signatures need the
	 * keyring, which is not what is asked */
	rpmtsSetVSFlags(ts, rpmtsVSFlags(ts) | RPMVSF_MASK_NOSIGNATURES);
	if (rpmtsOpenDB(ts, O_RDONLY) != 0 || sink.errors) {
		if (!sink.msg.len && sink.warn.len)
			bs_buf_puts(&sink.msg, sink.warn.ptr);
		unprivate(&sink.msg, dir, shown_dir);
		err = bs_error(BS_EINVALID, "cannot read the RPM database '%s' (%s): %s: the file is damaged or not an RPM "
			       "database", shown, backend, sink.msg.len ? sink.msg.ptr : "librpm cannot open it");
		goto out;
	}
	mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0);
	while (mi && (h = rpmdbNextIterator(mi)) != NULL) {
		const char *name = headerGetString(h, RPMTAG_NAME);
		const char *arch = headerGetString(h, RPMTAG_ARCH);
		char *evr = headerGetAsString(h, RPMTAG_EVR);
		char *src = srpm_name(headerGetString(h, RPMTAG_SOURCERPM));
		if (name && evr)
			bs_vuln_inv_add(tmp, name, evr, src ? src : name, evr, arch ? arch : "", "rpm", "");
		free(evr);
		free(src);
	}
	if (sink.errors) {
		unprivate(&sink.msg, dir, shown_dir);
		err = bs_error(BS_EINVALID, "cannot read the RPM database '%s' (%s): %s: the file is damaged or not an RPM "
			       "database", shown, backend, sink.msg.ptr);
		goto out;
	}
out:
	if (mi)
		rpmdbFreeIterator(mi);
	if (ts) {
		rpmtsCloseDB(ts);
		rpmtsFree(ts);
	}
	if (pushed) {
		rpmPopMacro(NULL, "_db_backend");
		rpmPopMacro(NULL, "_dbpath");
	}
	rpmlogSetCallback(old_cb, NULL);
	rpmlogClose(); /* librpm keeps every message it logged: freed */
	bs_buf_release(&sink.msg);
	bs_buf_release(&sink.warn);
	return err;
}

/* Removes dir and the files librpm or we left in it (no subdirectories are made). */
static void remove_tmp(const char *dir)
{
	static const char *const names[] = { "rpmdb.sqlite", "rpmdb.sqlite-wal", "rpmdb.sqlite-shm", "rpmdb.sqlite-journal",
					     "Packages", "Packages.db", ".rpm.lock", ".dbenv.lock" };
	char p[4200];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, names[i]) < sizeof(p))
			(void)unlink(p);
	(void)rmdir(dir);
}

int bs_vuln_inv_rpm(const char *root, bs_vuln_root_open_fn open_fn, struct bs_vuln_inv *inv, char *path,
		    size_t pathsize, char *backend, size_t backendsize)
{
	struct bs_vuln_inv tmp;
	char dir[4096] = "", src[256], dst[4200];
	const char *r = root && root[0] ? root : "/", *tmpdir = getenv("TMPDIR");
	const char *rshown = strcmp(r, "/") ? r : "";
	size_t d = 0, k = 0;
	int err, found = 0;

	memset(&tmp, 0, sizeof(tmp));
	/* the first directory holding one of the backends' files */
	for (d = 0; d < sizeof(db_dirs) / sizeof(db_dirs[0]) && !found; d++)
		for (k = 0; k < sizeof(db_kinds) / sizeof(db_kinds[0]) && !found; k++) {
			int fd;
			snprintf(src, sizeof(src), "%s/%s", db_dirs[d], db_kinds[k].file);
			if ((err = open_fn(r, src, &fd)) == 0) {
				close(fd);
				found = 1;
			} else if (err != BS_ENOTFOUND) {
				return err; /* there, but not readable or not a file */
			}
		}
	bs_error_clear();
	if (!found) {
		return bs_error(BS_ENOTFOUND, "no RPM database under '%s' (/var/lib/rpm/rpmdb.sqlite or Packages, "
				"/usr/lib/sysimage/rpm)", r);
	}
	d--, k--;
	snprintf(path, pathsize, "%s", src);
	snprintf(backend, backendsize, "%s", db_kinds[k].backend);
	if (!strcmp(db_kinds[k].backend, "ndb")) {
		return bs_error(BS_EINVALID, "'%s%s' is an RPM database of rpm's ndb backend (SUSE), which this librpm cannot "
				"read: give an SBOM of the system with --sbom", rshown, src);
	}
	snprintf(dir, sizeof(dir), "%s/brokersec-rpmdb-XXXXXX", tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		err = bs_error(BS_ERR, "cannot create a temporary directory '%s': %s", dir, bs_strerror(errno));
		dir[0] = 0;
		goto out;
	}
	snprintf(dst, sizeof(dst), "%s/%s", dir, db_kinds[k].file);
	if ((err = copy_out(open_fn, r, rshown, src, dst)) < 0)
		goto out;
	if (db_kinds[k].extra) {
		char esrc[256];
		snprintf(esrc, sizeof(esrc), "%s/%s", db_dirs[d], db_kinds[k].extra);
		snprintf(dst, sizeof(dst), "%s/%s", dir, db_kinds[k].extra);
		if ((err = copy_out(open_fn, r, rshown, esrc, dst)) == BS_ENOTFOUND)
			err = 0, bs_error_clear();
		if (err < 0)
			goto out;
	}
	{
		char shown[4400], shown_dir[4400];
		snprintf(shown, sizeof(shown), "%s%s", rshown, src);
		snprintf(shown_dir, sizeof(shown_dir), "%s%s", rshown, db_dirs[d]);
		snprintf(dst, sizeof(dst), "%s/%s", dir, db_kinds[k].file);
		if (!strcmp(db_kinds[k].backend, "sqlite") && (err = sqlite_precheck(dst, shown)) < 0)
			goto out;
		if ((err = read_db(dir, db_kinds[k].backend, shown, shown_dir, &tmp)) < 0)
			goto out;
	}
	for (size_t i = 0; i < tmp.n; i++) {
		const struct bs_vuln_pkg *p = &tmp.v[i];
		bs_vuln_inv_add(inv, p->name, p->version, p->source, p->source_version, p->arch, p->ecosystem, NULL);
	}
	err = (int)tmp.n;
out:
	if (dir[0])
		remove_tmp(dir);
	bs_vuln_inv_release(&tmp);
	return err;
}
