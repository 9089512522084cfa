/* encode.c - canonical encoding, chain hash, Merkle tree, checkpoint body, seal keys.
 * Every byte layout here is specified in docs/eventlog-format.md; change both or neither. */
#include <errno.h>
#include <inttypes.h>
/* see the SHA-256 note below */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

size_t el_encoded_size(const struct el_field f[EL_NFIELDS])
{
	size_t n = 18;
	for (int i = 0; i < EL_NFIELDS; i++)
		n += f[i].p ? 5 + f[i].n : 1;
	return n;
}

size_t el_encode_fields(unsigned char *out, int64_t seq, int64_t time_us, int severity,
			const struct el_field f[EL_NFIELDS])
{
	unsigned char *p = out;

	*p++ = 1; /* encoding version */
	put_u64(p, (uint64_t)seq), p += 8;
	put_u64(p, (uint64_t)time_us), p += 8;
	*p++ = (unsigned char)severity;
	for (int i = 0; i < EL_NFIELDS; i++) {
		if (!f[i].p) {
			*p++ = 0;
			continue;
		}
		*p++ = 1;
		put_u32(p, (uint32_t)f[i].n), p += 4;
		memcpy(p, f[i].p, f[i].n), p += f[i].n;
	}
	return (size_t)(p - out);
}

static struct el_field field(const char *s)
{
	struct el_field f = { s, s ? strlen(s) : 0 };
	return f;
}

void el_encode(struct bs_buf *b, const struct bs_event *ev)
{
	struct el_field f[EL_NFIELDS] = { field(ev->type), field(ev->host), field(ev->source), field(ev->system),
					  field(ev->user), field(ev->outcome), field(ev->message), field(ev->data) };
	size_t n = el_encoded_size(f);

	bs_buf_grow(b, n);
	el_encode_fields((unsigned char *)b->ptr + b->len, ev->seq, ev->time_us, ev->severity, f);
	b->len += n;
	b->ptr[b->len] = '\0';
}

static const char genesis_tag[] = "brokersec.eventlog.v1.genesis";
static const char evolve_tag[] = "brokersec.eventlog.v1.evolve";

/* SHA-256 for the hot paths (event, leaf and node hashes) comes from libcrypto, which uses
 * the CPU's SHA extensions (SHA-NI, ARMv8 SHA2) where present; libsodium's portable code is
 * several times slower. Through OpenSSL 3's SHA256_* functions, not EVP: EVP's per-call
 * dispatch cost 2.4 times the hash itself on a 33-byte leaf (131 ns against 55 ns) and
 * made the writer's hasher the log's slowest stage. They are deprecated in 3.0 in favour of
 * EVP but kept through the 3.x series; this file is the only user. */
typedef SHA256_CTX sha_ctx;

static void sha_begin(sha_ctx *c)
{
	if (SHA256_Init(c) != 1)
		abort();
}

static void sha_update(sha_ctx *c, const void *p, size_t n)
{
	if (n && SHA256_Update(c, p, n) != 1)
		abort();
}

static void sha_end(sha_ctx *c, unsigned char out[EL_HASH])
{
	if (SHA256_Final(out, c) != 1)
		abort();
}

void el_sha256(const void *p, size_t n, unsigned char out[EL_HASH])
{
	sha_ctx c;
	sha_begin(&c);
	sha_update(&c, p, n);
	sha_end(&c, out);
}

void el_genesis(const unsigned char log_id[EL_LOGID], unsigned char out[EL_HASH])
{
	sha_ctx c;
	sha_begin(&c);
	sha_update(&c, genesis_tag, sizeof(genesis_tag) - 1);
	sha_update(&c, log_id, EL_LOGID);
	sha_end(&c, out);
}

void el_chain(const unsigned char prev[EL_HASH], const void *enc, size_t len, unsigned char out[EL_HASH])
{
	unsigned char pre[EL_CHAIN_PREFIX];
	sha_ctx c;
	pre[0] = 0x45;
	memcpy(pre + 1, prev, EL_HASH);
	sha_begin(&c);
	sha_update(&c, pre, sizeof(pre));
	sha_update(&c, enc, len);
	sha_end(&c, out);
}

void el_chain_prefixed(unsigned char *buf, size_t enc_len, const unsigned char prev[EL_HASH], unsigned char out[EL_HASH])
{
	buf[0] = 0x45;
	memmove(buf + 1, prev, EL_HASH);
	el_sha256(buf, EL_CHAIN_PREFIX + enc_len, out);
}

void el_leaf(const unsigned char h[EL_HASH], unsigned char out[EL_HASH])
{
	unsigned char in[1 + EL_HASH];
	in[0] = 0;
	memcpy(in + 1, h, EL_HASH);
	el_sha256(in, sizeof(in), out);
}

void el_node(const unsigned char l[EL_HASH], const unsigned char r[EL_HASH], unsigned char out[EL_HASH])
{
	unsigned char in[1 + 2 * EL_HASH];
	in[0] = 1;
	memcpy(in + 1, l, EL_HASH);
	memcpy(in + 1 + EL_HASH, r, EL_HASH);
	el_sha256(in, sizeof(in), out);
}

/* Subtree sizes are the set bits of size, largest first; the last entry is the smallest. */
void el_frontier_push_subtree(struct el_frontier *f, const unsigned char root[EL_HASH], int level)
{
	unsigned char cur[EL_HASH];
	uint64_t sz = (uint64_t)1 << level;

	memcpy(cur, root, EL_HASH);
	/* Merge while the smallest existing subtree has the same size as cur. */
	while (f->n > 0 && (f->size & sz)) {
		el_node(f->h[f->n - 1], cur, cur);
		f->n--;
		f->size -= sz;
		sz <<= 1;
	}
	memcpy(f->h[f->n++], cur, EL_HASH);
	f->size += sz;
}

void el_frontier_push(struct el_frontier *f, const unsigned char leaf[EL_HASH])
{
	el_frontier_push_subtree(f, leaf, 0);
}

void el_frontier_root(const struct el_frontier *f, unsigned char out[EL_HASH])
{
	unsigned char cur[EL_HASH];

	if (f->n == 0) {
		el_sha256(NULL, 0, out);
		return;
	}
	memcpy(cur, f->h[f->n - 1], EL_HASH);
	for (int i = f->n - 2; i >= 0; i--)
		el_node(f->h[i], cur, cur);
	memcpy(out, cur, EL_HASH);
}

int el_frontier_load(struct el_frontier *f, uint64_t size, const void *blob, size_t len)
{
	int bits = __builtin_popcountll(size);

	memset(f, 0, sizeof(*f));
	if (len != (size_t)bits * EL_HASH)
		return -1;
	f->size = size;
	f->n = bits;
	memcpy(f->h, blob, len);
	return 0;
}

size_t el_ckpt_body(const struct el_checkpoint *c, unsigned char out[EL_CKPT_BODY_MAX])
{
	unsigned char *p = out;

	memcpy(p, c->kind ? "BSCKPT02" : "BSCKPT01", 8);
	p += 8;
	memcpy(p, c->log_id, EL_LOGID);
	p += EL_LOGID;
	put_u64(p, (uint64_t)c->idx), p += 8;
	put_u64(p, (uint64_t)c->tree_size), p += 8;
	put_u64(p, (uint64_t)c->time_us), p += 8;
	put_u64(p, (uint64_t)c->epoch), p += 8;
	put_u64(p, (uint64_t)c->epoch_start_us), p += 8;
	put_u64(p, (uint64_t)c->epoch_us), p += 8;
	memcpy(p, c->root, EL_HASH), p += EL_HASH;
	memcpy(p, c->chain_head, EL_HASH), p += EL_HASH;
	*p++ = (unsigned char)c->clock_sync;
	put_u32(p, (uint32_t)c->clock_state), p += 4;
	put_u64(p, (uint64_t)c->clock_maxerror_us), p += 8;
	put_u64(p, (uint64_t)c->clock_esterror_us), p += 8;
	if (!c->kind)
		return EL_CKPT_BODY;
	*p = (unsigned char)c->kind;
	return EL_CKPT_BODY_MAX;
}

static void seal_mac(const struct el_checkpoint *c, const unsigned char *body, size_t blen,
		     const unsigned char key[EL_HASH], unsigned char out[EL_HASH])
{
	crypto_auth_hmacsha256_state h;
	crypto_auth_hmacsha256_init(&h, key, EL_HASH);
	crypto_auth_hmacsha256_update(&h, body, blen);
	crypto_auth_hmacsha256_update(&h, c->sig, EL_SIG);
	crypto_auth_hmacsha256_final(&h, out);
	sodium_memzero(&h, sizeof(h));
}

void el_ckpt_sign(struct el_checkpoint *c, const unsigned char *sk, const unsigned char key[EL_HASH])
{
	unsigned char body[EL_CKPT_BODY_MAX];
	size_t n = el_ckpt_body(c, body);
	crypto_sign_detached(c->sig, NULL, body, n, sk);
	seal_mac(c, body, n, key, c->seal);
}

int el_ckpt_check_sig(const struct el_checkpoint *c, const unsigned char *pk)
{
	unsigned char body[EL_CKPT_BODY_MAX];
	size_t n = el_ckpt_body(c, body);
	return crypto_sign_verify_detached(c->sig, body, n, pk) == 0 ? 0 : -1;
}

int el_ckpt_check_seal(const struct el_checkpoint *c, const unsigned char key[EL_HASH])
{
	unsigned char body[EL_CKPT_BODY_MAX], mac[EL_HASH];
	size_t n = el_ckpt_body(c, body);
	int r;
	seal_mac(c, body, n, key, mac);
	r = sodium_memcmp(mac, c->seal, EL_HASH) == 0 ? 0 : -1;
	sodium_memzero(mac, sizeof(mac));
	return r;
}

/* 1 when the checkpoints table has the kind column (logs and bundles made before closing
 * checkpoints have not: every checkpoint of theirs is of kind 0). */
int el_ckpt_has_kind(sqlite3 *db, const char *schema)
{
	sqlite3_stmt *st;
	int found = 0, rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('checkpoints', ?1) WHERE name = 'kind'", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

void el_seal_evolve(unsigned char key[EL_HASH])
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)evolve_tag, sizeof(evolve_tag) - 1);
	crypto_hash_sha256_update(&h, key, EL_HASH);
	crypto_hash_sha256_final(&h, key);
	sodium_memzero(&h, sizeof(h));
}

int64_t el_epoch_of(int64_t t, int64_t start, int64_t len)
{
	int64_t d;
	if (t <= start || len <= 0)
		return 0;
	if (__builtin_sub_overflow(t, start, &d)) /* a bundle's parameters are anyone's */
		return INT64_MAX / len;
	return d / len;
}

int64_t el_epoch_start(int64_t e, int64_t start, int64_t len)
{
	int64_t off, t;
	if (__builtin_mul_overflow(e, len, &off) || __builtin_add_overflow(start, off, &t))
		return e < 0 ? INT64_MIN : INT64_MAX;
	return t;
}

void el_vkey_format(char out[BS_EVENTLOG_VKEY_MAX], const unsigned char log_id[EL_LOGID], int64_t start_us,
		    int64_t epoch_us, const unsigned char k0[EL_HASH], const unsigned char pk[32])
{
	char id[EL_LOGID * 2 + 1], k[EL_HASH * 2 + 1], p[65];
	sodium_bin2hex(id, sizeof(id), log_id, EL_LOGID);
	sodium_bin2hex(k, sizeof(k), k0, EL_HASH);
	sodium_bin2hex(p, sizeof(p), pk, 32);
	snprintf(out, BS_EVENTLOG_VKEY_MAX, "bsseal1-%s-%" PRId64 "-%" PRId64 "-%s\nbspub1-%s", id, start_us, epoch_us, k,
		 p);
	sodium_memzero(k, sizeof(k));
}

int el_vkey_parse(const char *s, unsigned char log_id[EL_LOGID], int64_t *start_us, int64_t *epoch_us,
		  unsigned char k0[EL_HASH], unsigned char pin[32], int *has_pin)
{
	char pub[65];
	int pused = 0;
	size_t got3 = 0;

	char id[EL_LOGID * 2 + 1], k[EL_HASH * 2 + 1];
	long long a, b;
	int used = 0, ok;
	size_t got1 = 0, got2 = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	ok = sscanf(s, "bsseal1-%32[0-9a-f]-%lld-%lld-%64[0-9a-f]%n", id, &a, &b, k, &used) == 4 &&
	     strlen(id) == 32 && strlen(k) == 64 && a >= 0 && b > 0;
	if (ok) {
		const char *rest = s + used;
		while (*rest == '\n' || *rest == '\r' || *rest == ' ')
			rest++;
		*has_pin = 0;
		/* the signing key the log must have (keys made before it have none) */
		if (sscanf(rest, "bspub1-%64[0-9a-f]%n", pub, &pused) == 1 && strlen(pub) == 64 &&
		    sodium_hex2bin(pin, 32, pub, 64, NULL, &got3, NULL) == 0 && got3 == 32) {
			*has_pin = 1;
			rest += pused;
			while (*rest == '\n' || *rest == '\r' || *rest == ' ')
				rest++;
		}
		ok = *rest == '\0' && sodium_hex2bin(log_id, EL_LOGID, id, 32, NULL, &got1, NULL) == 0 && got1 == EL_LOGID &&
		     sodium_hex2bin(k0, EL_HASH, k, 64, NULL, &got2, NULL) == 0 && got2 == EL_HASH;
	}
	sodium_memzero(k, sizeof(k));
	if (!ok)
		return bs_error(BS_EINVALID, "the verification key is not valid: expected the line "
				"'bsseal1-<32 hex>-<start>-<epoch>-<64 hex>' and the line 'bspub1-<64 hex>' as printed by "
				"'brokersec init'");
	*start_us = a;
	*epoch_us = b;
	return 0;
}

void el_clock_state(int *sync, int32_t *state, int64_t *maxerr_us, int64_t *esterr_us)
{
	struct timex tx;
	int r;

	memset(&tx, 0, sizeof(tx));
	r = ntp_adjtime(&tx);
	if (r < 0) {
		*sync = 255;
		*state = -1;
		*maxerr_us = -1;
		*esterr_us = -1;
		return;
	}
	*state = r;
	*sync = (r != TIME_ERROR && !(tx.status & STA_UNSYNC)) ? 1 : 0;
	*maxerr_us = tx.maxerror;
	*esterr_us = tx.esterror;
}

char *el_path(const char *dir, const char *rel)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "%s/%s", dir, rel);
	return bs_buf_detach(&b, NULL);
}

int el_db_fail(sqlite3 *db, const char *path, const char *what)
{
	int code = sqlite3_errcode(db) & 0xff;
	if (code == SQLITE_FULL || code == SQLITE_IOERR)
		return bs_error(BS_ERR, "%s: event log '%s': %s (the disk is full or failing: free space or fix the "
				"disk; changes are refused until then)", what, path, sqlite3_errmsg(db));
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return bs_error(BS_ERR, "%s: event log '%s': %s (the file is damaged or truncated: run 'brokersec log "
				"verify' and restore from backup)", what, path, sqlite3_errmsg(db));
	return bs_error(BS_ERR, "%s: event log '%s': %s", what, path, sqlite3_errmsg(db));
}

int el_exec(sqlite3 *db, const char *path, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return el_db_fail(db, path, "cannot update");
	return 0;
}

int el_db_open(sqlite3 **out, const char *path, int readonly)
{
	sqlite3 *db = NULL;
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOFOLLOW |
		    SQLITE_OPEN_NOMUTEX;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		int err = bs_error(BS_ERR, "cannot open event log '%s': %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close_v2(db);
		return err;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 10000);
	*out = db;
	return 0;
}

int el_meta_get_int(sqlite3 *db, const char *k, int64_t *v)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = ?1", -1, &st, NULL) != SQLITE_OK)
		return BS_ERR;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : BS_ENOTFOUND;
}

int el_meta_get_blob(sqlite3 *db, const char *k, void *out, size_t len)
{
	sqlite3_stmt *st;
	int rc, ok = 0;
	if (sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = ?1", -1, &st, NULL) != SQLITE_OK)
		return BS_ERR;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == len) {
		memcpy(out, sqlite3_column_blob(st, 0), len);
		ok = 1;
	}
	sqlite3_finalize(st);
	return ok ? 0 : BS_ENOTFOUND;
}

int el_meta_put_int(sqlite3 *db, const char *k, int64_t v)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (k, v) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return BS_ERR;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : BS_ERR;
}

int el_meta_put_blob(sqlite3 *db, const char *k, const void *v, size_t len)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (k, v) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return BS_ERR;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, v, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : BS_ERR;
}

static void col_blob(sqlite3_stmt *st, int col, unsigned char *out, size_t len)
{
	const void *p = sqlite3_column_blob(st, col);
	memset(out, 0, len);
	if (p && (size_t)sqlite3_column_bytes(st, col) == len)
		memcpy(out, p, len);
}

void el_ckpt_from_row(sqlite3_stmt *st, struct el_checkpoint *c, const unsigned char log_id[EL_LOGID],
		      int64_t start_us, int64_t epoch_us, struct bs_buf *frontier)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->log_id, log_id, EL_LOGID);
	c->epoch_start_us = start_us;
	c->epoch_us = epoch_us;
	c->idx = sqlite3_column_int64(st, 0);
	c->tree_size = sqlite3_column_int64(st, 1);
	c->time_us = sqlite3_column_int64(st, 2);
	c->epoch = sqlite3_column_int64(st, 3);
	col_blob(st, 4, c->root, EL_HASH);
	col_blob(st, 5, c->chain_head, EL_HASH);
	c->clock_sync = sqlite3_column_int(st, 6);
	c->clock_state = sqlite3_column_int(st, 7);
	c->clock_maxerror_us = sqlite3_column_int64(st, 8);
	c->clock_esterror_us = sqlite3_column_int64(st, 9);
	col_blob(st, 10, c->sig, EL_SIG);
	col_blob(st, 11, c->seal, EL_HASH);
	c->kind = sqlite3_column_int(st, 13);
	if (frontier) {
		bs_buf_clear(frontier);
		if (sqlite3_column_blob(st, 12))
			bs_buf_put(frontier, sqlite3_column_blob(st, 12), (size_t)sqlite3_column_bytes(st, 12));
	}
}
