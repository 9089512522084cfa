/* The backup format's parts (src/backup): the chunker's cut points (bounded sizes, stable
 * under an insertion), chunk and manifest encryption (a flipped bit or another key refused),
 * and the manifest parser's refusals of unsafe paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"

#define LEN (24u * 1024u * 1024u)

/* The chunk ids of data, in order, into ids (at most max); the count. */
static size_t chunk_all(const struct bs_backup_keys *k, const unsigned char *data, size_t len,
			unsigned char (*ids)[32], size_t max, size_t *largest, size_t *smallest_inner)
{
	size_t n = 0, off = 0;
	*largest = 0;
	*smallest_inner = (size_t)-1;
	while (off < len && n < max) {
		size_t c = bs_chunk_next(data + off, len - off);
		assert_true(c > 0);
		if (c > *largest)
			*largest = c;
		if (off + c < len && c < *smallest_inner)
			*smallest_inner = c;
		bs_backup_chunk_id(k, data + off, c, ids[n++]);
		off += c;
	}
	return n;
}

static void keys_of(struct bs_backup_keys *k, unsigned char fill)
{
	memset(k, 0, sizeof(*k));
	memset(k->master, fill, sizeof(k->master));
	bs_backup_keys_derive(k);
}

static void test_chunker(void **state)
{
	(void)state;
	struct bs_backup_keys k;
	unsigned char *a = malloc(LEN + 16), (*ia)[32] = malloc(200 * 32), (*ib)[32] = malloc(200 * 32);
	size_t na, nb, big, small, shared = 0;

	keys_of(&k, 1);
	randombytes_buf_deterministic(a + 16, LEN, (const unsigned char[32]){ 42 });
	na = chunk_all(&k, a + 16, LEN, ia, 200, &big, &small);
	assert_true(big <= BS_CHUNK_MAX);
	assert_true(small >= BS_CHUNK_MIN);
	/* about 1 MiB on average */
	assert_true(na >= LEN / (2u * BS_CHUNK_AVG) && na <= LEN / (BS_CHUNK_AVG / 2u));
	/* 16 bytes inserted at the start: only the first chunk changes */
	memset(a, 'x', 16);
	nb = chunk_all(&k, a, LEN + 16, ib, 200, &big, &small);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (!memcmp(ia[i], ib[j], 32)) {
				shared++;
				break;
			}
	assert_true(shared + 1 >= na);
	/* the same bytes cut the same way */
	nb = chunk_all(&k, a + 16, LEN, ib, 200, &big, &small);
	assert_int_equal(nb, na);
	assert_memory_equal(ia, ib, na * 32);
	/* short input: one chunk */
	assert_int_equal(bs_chunk_next(a, 1000), 1000);
	free(a);
	free(ia);
	free(ib);
}

static void test_chunk_crypto(void **state)
{
	(void)state;
	struct bs_backup_keys k, other;
	struct bs_buf sealed = BS_BUF_INIT, plain = BS_BUF_INIT, copy = BS_BUF_INIT;
	unsigned char id[32], data[5000];

	keys_of(&k, 1);
	keys_of(&other, 2);
	memset(data, 'a', sizeof(data));
	bs_backup_chunk_id(&k, data, sizeof(data), id);
	bs_backup_chunk_seal(&k, id, data, sizeof(data), BS_CHUNK_RAW, &sealed);
	bs_buf_put(&copy, sealed.ptr, sealed.len);
	assert_int_equal(bs_backup_chunk_decode(&k, id, &copy, &plain), 0);
	assert_int_equal(plain.len, sizeof(data));
	assert_memory_equal(plain.ptr, data, sizeof(data));
	/* keyed ids: another key, another id */
	unsigned char id2[32];
	bs_backup_chunk_id(&other, data, sizeof(data), id2);
	assert_memory_not_equal(id, id2, 32);
	/* a flipped bit anywhere after the magic */
	for (size_t pos = 4; pos < sealed.len; pos += 97) {
		bs_buf_clear(&copy);
		bs_buf_put(&copy, sealed.ptr, sealed.len);
		copy.ptr[pos] ^= 0x04;
		assert_int_not_equal(bs_backup_chunk_decode(&k, id, &copy, &plain), 0);
	}
	/* another key */
	bs_buf_clear(&copy);
	bs_buf_put(&copy, sealed.ptr, sealed.len);
	assert_int_not_equal(bs_backup_chunk_decode(&other, id, &copy, &plain), 0);
	bs_buf_release(&sealed);
	bs_buf_release(&plain);
	bs_buf_release(&copy);
}

static void test_envelope(void **state)
{
	(void)state;
	struct bs_backup_keys k, other;
	struct bs_buf env = BS_BUF_INIT;
	const char *text = "{\"a\": 1}";
	char *out = NULL;
	size_t len;

	keys_of(&k, 3);
	keys_of(&other, 4);
	bs_backup_envelope_seal(&k, text, strlen(text), &env);
	assert_int_equal(bs_backup_envelope_open(&k, (unsigned char *)env.ptr, env.len, &out, &len), 0);
	assert_string_equal(out, text);
	free(out);
	assert_int_not_equal(bs_backup_envelope_open(&other, (unsigned char *)env.ptr, env.len, &out, &len), 0);
	assert_int_not_equal(bs_backup_envelope_open(&k, (unsigned char *)env.ptr, env.len - 1, &out, &len), 0);
	env.ptr[env.len - 70] ^= 1;
	assert_int_not_equal(bs_backup_envelope_open(&k, (unsigned char *)env.ptr, env.len, &out, &len), 0);
	bs_buf_release(&env);
}

static int parses(const char *files)
{
	struct bs_buf b = BS_BUF_INIT;
	struct bs_backup_manifest m;
	int err;
	bs_buf_printf(&b, "{\"format\":\"brokersec-backup-1\",\"id\":\"x-1\",\"created\":\"c\",\"host\":\"h\",\"source\":\"s\","
			  "\"log_head\":\"\",\"state\":{},\"files\":[%s]}", files);
	err = bs_backup_manifest_parse(b.ptr, b.len, &m);
	if (!err)
		bs_backup_manifest_release(&m);
	bs_buf_release(&b);
	return err;
}

#define F(p) "{\"path\":\"" p "\",\"mode\":384,\"size\":0,\"mtime\":1,\"chunks\":[]}"

static void test_manifest_paths(void **state)
{
	(void)state;
	assert_int_equal(parses(F("brokersec.db") "," F("evidence/ab")), 0);
	assert_int_equal(parses(F("a..b/c.d")), 0);
	assert_int_not_equal(parses(F("../etc/passwd")), 0);
	assert_int_not_equal(parses(F("evidence/../../x")), 0);
	assert_int_not_equal(parses(F("/etc/passwd")), 0);
	assert_int_not_equal(parses(F("a//b")), 0);
	assert_int_not_equal(parses(F("a/./b")), 0);
	assert_int_not_equal(parses(F("a/")), 0);
	assert_int_not_equal(parses(F("")), 0);
	assert_int_not_equal(parses(F("a\\\\b")), 0);
	assert_int_not_equal(parses(F("a") "," F("a")), 0);
	assert_int_not_equal(parses(F("a") "," F("a/b")), 0);
	assert_int_equal(parses(F("a-b") "," F("a/b")), 0);
	/* sizes add up */
	assert_int_not_equal(parses("{\"path\":\"a\",\"mode\":384,\"size\":2,\"mtime\":1,\"chunks\":[]}"), 0);
	assert_int_not_equal(parses("{\"path\":\"a\",\"mode\":4095,\"size\":0,\"mtime\":1,\"chunks\":[]}"), 0);
}

/* Retention (prune.c): the newest snapshot of each Asia/Taipei day, ISO week (from Monday) and
 * month, the last N, always the latest, never an unreadable one; a dry run removes nothing. */
static const char *const when[] = { "2026-09-15T02:00:00Z", "2026-10-20T02:00:00Z", "2026-11-30T02:00:00Z",
				    "2026-12-03T01:00:00Z", "2026-12-03T20:00:00Z", "2026-12-04T10:00:00Z",
				    "2026-12-05T02:00:00Z" };
#define NWHEN (sizeof(when) / sizeof(when[0]))

static void snap_id(size_t i, char id[64])
{
	/* "2026-09-15T02:00:00Z" -> "20260915T020000000000Z-0000000i" */
	const char *w = when[i];
	snprintf(id, 64, "%.4s%.2s%.2sT%.2s%.2s%.2s000000Z-%08zx", w, w + 5, w + 8, w + 11, w + 14, w + 17, i);
}

static void make_repo(char *dir, struct bs_backup_keys *k)
{
	struct bs_repo *r = NULL;
	char rid[33], id[64];
	keys_of(k, 7);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(bs_repo_connect(dir, NULL, &r), 0);
	assert_int_equal(bs_repo_open(r, k, 1, rid), 0);
	for (size_t i = 0; i < NWHEN; i++) {
		struct bs_backup_manifest m = { 0 };
		struct bs_buf text = BS_BUF_INIT, sealed = BS_BUF_INIT, rel = BS_BUF_INIT;
		snap_id(i, id);
		m.id = id;
		m.created = (char *)when[i];
		m.host = (char *)"h";
		m.source = (char *)"/d";
		m.log_head = (char *)"";
		bs_backup_manifest_dump(&m, &text);
		bs_backup_envelope_seal(k, text.ptr, text.len, &sealed);
		bs_buf_printf(&rel, "snapshots/%s.bsm", id);
		assert_int_equal(r->ops->put(r, rel.ptr, sealed.ptr, sealed.len, 0), 0);
		bs_buf_release(&text);
		bs_buf_release(&sealed);
		bs_buf_release(&rel);
	}
	/* an unreadable one, the oldest */
	assert_int_equal(r->ops->put(r, "snapshots/20200101T000000000000Z-ffffffff.bsm", "junk", 4, 0), 0);
	bs_repo_close(r);
}

/* "1" for each of when[] kept (in order), after the unreadable one's. */
static void kept_as(const char *dir, const struct bs_backup_keys *k, int last, int daily, int weekly, int monthly,
		    const char *want)
{
	struct bs_backup_keep keep = { last, daily, weekly, monthly };
	struct bs_backup_forget_result res;
	char got[NWHEN + 2], id[64];
	size_t i;
	json_t *o;
	assert_int_equal(bs_backup_forget(NULL, k, dir, NULL, &keep, 1, &res), 0);
	memset(got, '0', NWHEN + 1);
	got[NWHEN + 1] = 0;
	json_array_foreach(res.kept, i, o) {
		const char *s = json_string_value(json_object_get(o, "id"));
		if (!strcmp(s, "20200101T000000000000Z-ffffffff"))
			got[0] = '1';
		for (size_t j = 0; j < NWHEN; j++) {
			snap_id(j, id);
			if (!strcmp(s, id))
				got[j + 1] = '1';
		}
	}
	assert_string_equal(got, want);
	bs_backup_forget_release(&res);
}

static void test_retention(void **state)
{
	(void)state;
	char dir[] = "/tmp/bs-retention-XXXXXX", cmd[64];
	struct bs_backup_keys k;
	struct bs_backup_keep none = { 0, 0, 0, 0 };
	struct bs_backup_forget_result res;
	make_repo(dir, &k);
	/* the unreadable one is always kept; then s1..s7 */
	kept_as(dir, &k, 1, 0, 0, 0, "10000001");
	kept_as(dir, &k, 3, 0, 0, 0, "10000111");
	/* days in Taipei: 12-03T20:00Z is 12-04 there, so 12-03's newest is 12-03T01:00Z */
	kept_as(dir, &k, 1, 3, 0, 0, "10001011");
	/* weeks from Monday: 11-30 (Mon) .. 12-05 (Sat) one week, then 10-20's */
	kept_as(dir, &k, 1, 0, 2, 0, "10100001");
	kept_as(dir, &k, 1, 0, 0, 3, "10110001");
	kept_as(dir, &k, 1, 0, 0, 12, "11110001");
	/* --keep-last 0 refused; a dry run removed nothing */
	assert_int_equal(bs_backup_forget(NULL, &k, dir, NULL, &none, 1, &res), BS_EINVALID);
	kept_as(dir, &k, 7, 0, 0, 0, "11111111");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	bs_backup_keys_wipe(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunker),
		cmocka_unit_test(test_chunk_crypto),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_manifest_paths),
		cmocka_unit_test(test_retention),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
