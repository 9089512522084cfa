/* api_evlog.c - the event log's integrity over the API: verify it as `brokersec log verify` does
 * (POST /events/verify) and download the export bundle `brokersec log export` writes
 * (GET /events/bundle). Both are reads of the log, and each is an eventlog.read event by the
 * signed-in account before anything is read, as the command line records them.
 *
 * The verification key is not taken here: `init` shows it once for the auditor to keep off the
 * server (brokersec keeps no copy), and whoever holds it could seal a rewritten history, so it
 * must never pass through the server it protects against. The API checks the hash chain, the
 * signed tree heads and the written-down head; the seals are checked offline on the bundle
 * (`brokersec log verify --bundle FILE --key FILE`), and the reply says so. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "eventlog/eventlog.h"
#include "http/http_int.h"

/* 1 (and a 400 reply) when the query holds an argument not in allowed. */
struct known {
	const char *const *allowed;
	const char *first;
};

static enum MHD_Result unknown_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct known *k = cls;
	(void)kind;
	(void)value;
	for (size_t i = 0; k->allowed[i]; i++)
		if (key && !strcmp(key, k->allowed[i]))
			return MHD_YES;
	k->first = key ? key : "";
	return MHD_NO;
}

static int refuse_unknown(struct bs_http_ctx *c, const char *const *allowed, const char *what)
{
	struct known k = { allowed, NULL };
	if (c->conn)
		MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, unknown_arg, &k);
	if (!k.first)
		return 0;
	bs_http_error(c, 400, "invalid", "unknown argument '%.40s': %s", k.first, what);
	return 1;
}

/* The arguments given, as the read event's data (a JSON object text, to free). */
static char *asked(struct bs_http_ctx *c, const char *const *args)
{
	json_t *o = json_object();
	for (size_t i = 0; args[i]; i++) {
		const char *v = bs_http_query(c, args[i]);
		if (v)
			json_object_set_new(o, args[i], json_string(v));
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* POST /events/verify[?from&to | ?head]: what `log verify` says (with --from/--to or --head),
 * without the seals (see the top); 200 with "intact" true or false and the first problem. */
void bs_api_events_verify(struct bs_http_ctx *c)
{
	static const char *const args[] = { "from", "to", "head", NULL };
	struct bs_verify_result r;
	int64_t from = 0, to = INT64_MAX, t0, took;
	const char *head = bs_http_query(c, "head");
	int ranged, err;
	char *data;

	if (refuse_unknown(c, args, "POST /events/verify takes from, to (a period) or head (a head written down "
			   "earlier); the verification key stays with the auditor (log verify --bundle --key)"))
		return;
	if (bs_api_events_time(c, "from", 0, &from) < 0 || bs_api_events_time(c, "to", 1, &to) < 0)
		return;
	ranged = bs_http_query(c, "from") || bs_http_query(c, "to");
	if (ranged && to < from)
		return bs_http_error(c, 400, "invalid", "?to is before ?from: give a period that runs forward in time");
	if (ranged && head)
		return bs_http_error(c, 400, "invalid", "?head checks the end of the whole log: give it without ?from and ?to");
	if (head && (!*head || strlen(head) >= sizeof(r.head) || !strchr(head, ':')))
		return bs_http_error(c, 400, "invalid", "?head='%.40s': give the head as 'log status' printed it "
				     "(SIZE:ROOT, e.g. 1200:3f5a...)", head);

	/* read only: the read is logged after the verdict (verifying never writes before it checks) */
	t0 = mono_us();
	if (ranged)
		err = bs_eventlog_verify_range(c->dd->path, NULL, NULL, 0, from, to, &r);
	else
		err = bs_eventlog_verify(c->dd->path, NULL, NULL, head, 0, &r);
	took = mono_us() - t0;
	if (err < 0)
		return bs_http_fail(c, err);
	data = asked(c, args);
	err = bs_eventlog_audit_read(c->dd, data, "log verify (POST /api/v1/events/verify): %s", r.ok ? "intact" : "TAMPERED");
	free(data);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *o = json_object();
	json_object_set_new(o, "intact", json_boolean(r.ok));
	json_object_set_new(o, "problem", r.ok || !r.problem[0] ? json_null() : json_string(r.problem));
	json_object_set_new(o, "events", json_integer(r.events));
	json_object_set_new(o, "checkpoints", json_integer(r.checkpoints));
	json_object_set_new(o, "first_seq", json_integer(r.first_seq));
	json_object_set_new(o, "last_seq", json_integer(r.last_seq));
	json_object_set_new(o, "unsealed", json_integer(r.unsealed));
	json_object_set_new(o, "bad_seq", r.bad_seq ? json_integer(r.bad_seq) : json_null());
	json_object_set_new(o, "bad_checkpoint", r.bad_checkpoint >= 0 ? json_integer(r.bad_checkpoint) : json_null());
	json_object_set_new(o, "head", json_string(r.head));
	json_object_set_new(o, "seals_checked", json_boolean(r.seals_checked));
	if (r.closed_us) {
		char when[BS_TIME_MAX];
		bs_time_format(r.closed_us, when);
		json_object_set_new(o, "closed_at", json_string(when));
	} else {
		json_object_set_new(o, "closed_at", json_null());
	}
	json_object_set_new(o, "range", ranged ? json_pack("{s:o,s:o}", "from", bs_http_query(c, "from") ?
				json_string(bs_http_query(c, "from")) : json_null(), "to", bs_http_query(c, "to") ?
				json_string(bs_http_query(c, "to")) : json_null()) : json_null());
	json_object_set_new(o, "elapsed_ms", json_real((double)took / 1000.0));
	bs_http_json(c, 200, o);
}

/* The bundle's file name: brokersec-events-FROM-TO.sqlite with the UTC dates. */
static void bundle_name(char *out, size_t cap, int64_t from, int64_t to)
{
	char a[BS_TIME_MAX], b[BS_TIME_MAX];
	bs_time_format(from, a);
	bs_time_format(to, b);
	snprintf(out, cap, "brokersec-events-%.4s%.2s%.2s-%.4s%.2s%.2s.sqlite", a, a + 5, a + 8, b, b + 5, b + 8);
}

/* GET /events/bundle?from&to: `brokersec log export --from --to` into a file of its own in the
 * data directory, opened and unlinked at once (the reply streams from the open file, which goes
 * when the reply is done or the connection ends), with its SHA-256 in X-Content-SHA256. */
void bs_api_events_bundle(struct bs_http_ctx *c)
{
	static const char *const args[] = { "from", "to", NULL };
	unsigned char rnd[12], h[crypto_hash_sha256_BYTES];
	char hex[sizeof(rnd) * 2 + 1], name[96], *tmp = NULL, *data;
	crypto_hash_sha256_state hs;
	int64_t from = 0, to = 0, n = 0;
	struct stat sb;
	int fd = -1, err;

	if (refuse_unknown(c, args, "GET /events/bundle takes from and to (the period to export)"))
		return;
	if (!bs_http_query(c, "from") || !bs_http_query(c, "to"))
		return bs_http_error(c, 400, "invalid", "give the period to export as ?from and ?to (RFC 3339 times or "
				     "dates, as 'brokersec log export --from --to' takes them)");
	if (bs_api_events_time(c, "from", 0, &from) < 0 || bs_api_events_time(c, "to", 1, &to) < 0)
		return;
	if (to < from)
		return bs_http_error(c, 400, "invalid", "?to is before ?from: give a period that runs forward in time");

	data = asked(c, args);
	err = bs_eventlog_audit_read(c->dd, data, "log export (GET /api/v1/events/bundle)");
	free(data);
	if (err < 0)
		return bs_http_fail(c, err);

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(name, sizeof(name), "bundle-%s.tmp", hex);
	tmp = bs_datadir_file(c->dd, name);
	if ((err = bs_eventlog_export(c->dd->path, from, to, tmp, &n)) < 0) {
		if (err == BS_ENOTFOUND && n == 0 && access(tmp, F_OK) != 0) {
			bs_http_error(c, 404, "not_found", "no events between ?from and ?to: choose a period that holds "
				      "events (GET /api/v1/events/status shows the first and last)");
			goto out;
		}
		bs_http_fail(c, err);
		goto out;
	}
	fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		bs_error(BS_ERR, "cannot open the bundle '%s' just written: %s", tmp, strerror(errno));
		bs_http_fail(c, BS_ERR);
		goto out;
	}
	(void)unlink(tmp); /* the open file stays readable until the reply is sent */
	crypto_hash_sha256_init(&hs);
	for (;;) {
		unsigned char buf[65536];
		ssize_t k = read(fd, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			bs_error(BS_ERR, "cannot read the bundle just written: %s", strerror(errno));
			bs_http_fail(c, BS_ERR);
			goto out;
		}
		if (k == 0)
			break;
		crypto_hash_sha256_update(&hs, buf, (unsigned long long)k);
	}
	crypto_hash_sha256_final(&hs, h);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		bs_error(BS_ERR, "cannot rewind the bundle just written: %s", strerror(errno));
		bs_http_fail(c, BS_ERR);
		goto out;
	}
	bundle_name(name, sizeof(name), from, to);
	bs_http_attachment_fd(c, "application/vnd.sqlite3", name, fd, (uint64_t)sb.st_size);
	sodium_bin2hex(c->sha256, sizeof(c->sha256), h, sizeof(h));
	fd = -1; /* the reply owns it */
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		(void)unlink(tmp);
	free(tmp);
}
