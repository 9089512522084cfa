/* witness.c - the log's head as a signed line for witnesses off the host (issue 20), and the
 * check of a log against the heads a witness kept (docs/eventlog-format.md, "Witnesses").
 *
 *   brokersec-head v1 log=<32 hex> size=<n> root=<64 hex> time_us=<n> sig=<128 hex>
 *
 * sig = Ed25519(signing key, "BSHEAD01" || log_id || u64(size) || root || u64(time_us)). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

#define HEAD_BODY (8 + EL_LOGID + 8 + EL_HASH + 8)

static void head_body(unsigned char out[HEAD_BODY], const unsigned char log_id[EL_LOGID], int64_t size,
		      const unsigned char root[EL_HASH], int64_t time_us)
{
	unsigned char *p = out;
	memcpy(p, "BSHEAD01", 8), p += 8;
	memcpy(p, log_id, EL_LOGID), p += EL_LOGID;
	for (int i = 7; i >= 0; i--)
		*p++ = (unsigned char)((uint64_t)size >> (8 * i));
	memcpy(p, root, EL_HASH), p += EL_HASH;
	for (int i = 7; i >= 0; i--)
		*p++ = (unsigned char)((uint64_t)time_us >> (8 * i));
}

int bs_eventlog_head_line(const char *dir, char *out, size_t cap)
{
	char *path = el_path(dir, "events.db"), *keys = el_path(dir, "keys");
	unsigned char *sk = sodium_malloc(BS_SIGN_SECRET_BYTES), log_id[EL_LOGID], root[EL_HASH] = { 0 };
	unsigned char body[HEAD_BODY], sig[EL_SIG];
	char id[EL_LOGID * 2 + 1], rh[EL_HASH * 2 + 1], sh[EL_SIG * 2 + 1];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t size = 0, t = 0;
	int err;

	if (!sk)
		abort();
	if ((err = el_open_snapshot(&db, path)) < 0)
		goto done;
	if (el_meta_get_blob(db, "log_id", log_id, EL_LOGID)) {
		err = el_db_fail(db, path, "cannot read the log's id");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "SELECT tree_size, root, time_us FROM checkpoints ORDER BY idx DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 1) != EL_HASH) {
		err = el_db_fail(db, path, "cannot read the last checkpoint");
		goto done;
	}
	size = sqlite3_column_int64(st, 0);
	memcpy(root, sqlite3_column_blob(st, 1), EL_HASH);
	t = sqlite3_column_int64(st, 2);
	if ((err = bs_keys_load_signing(keys, sk)) < 0)
		goto done;
	head_body(body, log_id, size, root, t);
	crypto_sign_detached(sig, NULL, body, sizeof(body), sk);
	sodium_bin2hex(id, sizeof(id), log_id, EL_LOGID);
	sodium_bin2hex(rh, sizeof(rh), root, EL_HASH);
	sodium_bin2hex(sh, sizeof(sh), sig, EL_SIG);
	snprintf(out, cap, "brokersec-head v1 log=%s size=%" PRId64 " root=%s time_us=%" PRId64 " sig=%s", id, size, rh, t,
		 sh);
done:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close_v2(db);
	sodium_free(sk);
	free(path);
	free(keys);
	return err;
}

static int by_size(const void *a, const void *b)
{
	const struct el_whead *x = a, *y = b;
	return x->size < y->size ? -1 : x->size > y->size;
}

int el_witness_load(const char *file, const unsigned char log_id[EL_LOGID], const unsigned char pk[32],
		    struct el_whead **out, size_t *n, size_t *bad_sig)
{
	struct bs_buf b = BS_BUF_INIT;
	char want[EL_LOGID * 2 + 1];
	size_t cap = 0;
	int err;

	*out = NULL;
	*n = *bad_sig = 0;
	if ((err = bs_buf_read_file(&b, file)) < 0)
		return err;
	sodium_bin2hex(want, sizeof(want), log_id, EL_LOGID);
	for (const char *p = b.ptr; (p = strstr(p, "brokersec-head v1 ")); p++) {
		char id[33], rh[65], sh[129];
		long long size, t;
		unsigned char root[EL_HASH], sig[EL_SIG], body[HEAD_BODY];
		size_t g1 = 0, g2 = 0;
		if (sscanf(p, "brokersec-head v1 log=%32[0-9a-f] size=%lld root=%64[0-9a-f] time_us=%lld sig=%128[0-9a-f]", id,
			   &size, rh, &t, sh) != 5 || strcmp(id, want) || size < 0 || strlen(rh) != 64 || strlen(sh) != 128)
			continue; /* another log's, or not a head */
		if (sodium_hex2bin(root, EL_HASH, rh, 64, NULL, &g1, NULL) || g1 != EL_HASH ||
		    sodium_hex2bin(sig, EL_SIG, sh, 128, NULL, &g2, NULL) || g2 != EL_SIG)
			continue;
		head_body(body, log_id, size, root, t);
		/* a head nobody with the signing key made proves nothing either way */
		if (crypto_sign_verify_detached(sig, body, sizeof(body), pk) != 0) {
			(*bad_sig)++;
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = bs_realloc(*out, bs_size_mul(cap, sizeof(**out)));
		}
		(*out)[*n].size = size;
		(*out)[*n].time_us = t;
		memcpy((*out)[*n].root, root, EL_HASH);
		(*n)++;
	}
	bs_buf_release(&b);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), by_size);
	return 0;
}

/* ---- a head received by a witness (src/witness): parsed exactly, checked against a key ---- */

int bs_eventlog_head_parse(const char *line, struct bs_head *h)
{
	char id[33], rh[65], sh[129];
	long long size, t;
	int used = 0;
	size_t g0 = 0, g1 = 0, g2 = 0, len = strlen(line);

	memset(h, 0, sizeof(*h));
	if (len < BS_EVENTLOG_HEAD_LINE_MAX &&
	    sscanf(line, "brokersec-head v1 log=%32[0-9a-f] size=%lld root=%64[0-9a-f] time_us=%lld sig=%128[0-9a-f]%n", id,
		   &size, rh, &t, sh, &used) == 5 && (size_t)used == len && strlen(id) == 32 && strlen(rh) == 64 &&
	    strlen(sh) == 128 && size >= 0 && t >= 0 && !strstr(line, "=-") && !strstr(line, "=+") &&
	    !sodium_hex2bin(h->log_id, EL_LOGID, id, 32, NULL, &g0, NULL) && g0 == EL_LOGID &&
	    !sodium_hex2bin(h->root, EL_HASH, rh, 64, NULL, &g1, NULL) && g1 == EL_HASH &&
	    !sodium_hex2bin(h->sig, EL_SIG, sh, 128, NULL, &g2, NULL) && g2 == EL_SIG) {
		/* the line as its signer made it: no sign, no leading zero, nothing after it */
		char again[BS_EVENTLOG_HEAD_LINE_MAX];
		snprintf(again, sizeof(again), "brokersec-head v1 log=%s size=%lld root=%s time_us=%lld sig=%s", id, size, rh,
			 t, sh);
		if (!strcmp(again, line)) {
			h->size = size;
			h->time_us = t;
			memcpy(h->log_hex, id, sizeof(h->log_hex));
			memcpy(h->root_hex, rh, sizeof(h->root_hex));
			return 0;
		}
	}
	return bs_error(BS_EINVALID, "not a head line: expected 'brokersec-head v1 log=<32 hex> size=<n> root=<64 hex> "
			"time_us=<n> sig=<128 hex>' as 'brokersec log head' prints it");
}

int bs_eventlog_head_signed_by(const struct bs_head *h, const unsigned char pk[32])
{
	unsigned char body[HEAD_BODY];
	head_body(body, h->log_id, h->size, h->root, h->time_us);
	return crypto_sign_verify_detached(h->sig, body, sizeof(body), pk) == 0;
}

int bs_eventlog_public_key(const char *dir, char out[65])
{
	char *keys = el_path(dir, "keys");
	unsigned char pk[BS_SIGN_PUBLIC_BYTES];
	int err = bs_keys_load_public(keys, pk);
	free(keys);
	if (err < 0)
		return err;
	sodium_bin2hex(out, 65, pk, sizeof(pk));
	return 0;
}
