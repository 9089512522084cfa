/* evidence_file.c - reading an evidence record's stored file back (the API's download), checked
 * against the record: the copy is kept under its SHA-256 (evidence.c), so a copy whose bytes
 * no longer hash to its name was changed or damaged after it was added. Such a copy is never
 * handed out: the event log's alert is raised and the read refused. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/error.h"
#include "eventlog/eventlog.h"
#include "evidence/evidence.h"

/* The alert and the event for a copy that is missing or differs; then the refusal. why: what
 * was found ("is missing", "is 12 bytes, not 10", "hashes to ..."). */
static int damaged_copy(struct bs_datadir *dd, const struct bs_evidence *e, const char *why)
{
	char what[160];
	json_t *j;
	char *js;

	if (e->record_register)
		snprintf(what, sizeof(what), "%s:%lld", e->record_register, (long long)e->record_id);
	else
		snprintf(what, sizeof(what), "%s", e->control_id);
	bs_eventlog_alert(dd->path, "evidence %lld ('%s', for %s): the stored file evidence/%s %s: it was changed or "
			  "damaged after it was added", (long long)e->id, e->name, what, e->sha256, why);
	j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)e->id, "name", e->name, "sha256", e->sha256, "found", why);
	js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	/* the alert stands even when the event cannot be written now (the log writes it later) */
	(void)bs_audit(dd, "evidence.integrity", "failure", js, "evidence %lld ('%s', for %s): the stored file %s",
		       (long long)e->id, e->name, what, why);
	free(js);
	return bs_error(BS_ERR, "the stored file of evidence %lld ('%s') does not match its record (SHA-256 %s): it %s; "
			"it was changed or damaged after it was added and is not handed out. Restore evidence/%s in the "
			"data directory from a backup, or add the file again; the event log alert is raised",
			(long long)e->id, e->name, e->sha256, why, e->sha256);
}

int bs_evidence_read(struct bs_datadir *dd, int64_t id, struct bs_evidence *out, struct bs_buf *data, int *damaged)
{
	struct bs_buf path = BS_BUF_INIT, why = BS_BUF_INIT;
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65];
	struct stat sb;
	int fd = -1, err;

	*damaged = 0;
	bs_buf_clear(data);
	if ((err = bs_evidence_get(dd->store, id, out)) < 0)
		return err;
	bs_buf_printf(&path, "%s/evidence/%s", dd->path, out->sha256);
	/* O_NOFOLLOW: the copy is a file the data directory made, never a link to elsewhere */
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && (errno == ENOENT || errno == ELOOP)) {
		bs_buf_puts(&why, errno == ENOENT ? "is missing" : "is a symbolic link");
		goto bad;
	}
	if (fd < 0) {
		err = bs_error(BS_ERR, "cannot open '%s' (evidence %lld): %s", path.ptr, (long long)id, strerror(errno));
		goto done;
	}
	if (fstat(fd, &sb) != 0) {
		err = bs_error(BS_ERR, "cannot read '%s' (evidence %lld): %s", path.ptr, (long long)id, strerror(errno));
		goto done;
	}
	if (!S_ISREG(sb.st_mode)) {
		bs_buf_puts(&why, "is not a regular file");
		goto bad;
	}
	if ((int64_t)sb.st_size != out->size) {
		bs_buf_printf(&why, "is %lld bytes, not %lld", (long long)sb.st_size, (long long)out->size);
		goto bad;
	}
	if (fcntl(fd, F_SETFL, 0) != 0) {
		err = bs_error(BS_ERR, "cannot read '%s' (evidence %lld): %s", path.ptr, (long long)id, strerror(errno));
		goto done;
	}
	bs_buf_grow(data, (size_t)out->size + 1);
	crypto_hash_sha256_init(&h);
	for (;;) {
		char buf[65536];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = bs_error(BS_ERR, "cannot read '%s' (evidence %lld): %s", path.ptr, (long long)id, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if ((int64_t)(data->len + (size_t)n) > out->size) { /* grew while read */
			bs_buf_printf(&why, "is more than %lld bytes", (long long)out->size);
			goto bad;
		}
		crypto_hash_sha256_update(&h, (const unsigned char *)buf, (unsigned long long)n);
		bs_buf_put(data, buf, (size_t)n);
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	if ((int64_t)data->len != out->size) {
		bs_buf_printf(&why, "is %lld bytes, not %lld", (long long)data->len, (long long)out->size);
		goto bad;
	}
	if (sodium_memcmp(hex, out->sha256, 64) != 0) {
		bs_buf_printf(&why, "hashes to %s", hex);
		goto bad;
	}
	err = 0;
	goto done;
bad:
	*damaged = 1;
	err = damaged_copy(dd, out, why.ptr);
done:
	if (fd >= 0)
		close(fd);
	if (err < 0) {
		bs_buf_clear(data);
		bs_evidence_release(out);
	}
	bs_buf_release(&path);
	bs_buf_release(&why);
	return err;
}
