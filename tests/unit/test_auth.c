/* The auth core: permission table, policy bounds, password rules, TOTP (RFC 6238 vectors),
 * CIDR and Asia/Taipei windows, throttling, and - on a real data directory - lockout with an
 * injected clock, password history, minimum age, reset tokens, sessions and API tokens.
 *
 * Argon2id cost: the data directories of the fixture are test data directories (datadir.h,
 * BS_DATADIR_TEST_KDF; main() sets BROKERSEC_TESTING=1 as tests/run.sh does), so their
 * passwords hash at libsodium's minimum cost. test_password_hash_verify and test_test_kdf
 * run without one open, at the production cost, and hold the rules of the test cost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "store/store.h"
#include "datadir/datadir.h"
#include "keys/keys.h"

#define MIN_US (60LL * 1000000)
#define DAY_US (86400LL * 1000000)
/* 2026-11-27T00:00:00Z, a Friday (08:00 Friday in Taipei) */
#define T0 (1795737600LL * 1000000)

static void test_perm_table(void **state)
{
	(void)state;
	assert_true(bs_role_has(BS_ROLE_ADMIN, BS_PERM_USERS_WRITE));
	assert_false(bs_role_has(BS_ROLE_SECURITY_OFFICER, BS_PERM_USERS_WRITE));
	assert_true(bs_role_has(BS_ROLE_SECURITY_OFFICER, BS_PERM_USERS_RESET));
	assert_true(bs_role_has(BS_ROLE_AUDITOR, BS_PERM_EVENTS_READ));
	/* the auditor is read-only: no permission that changes anything */
	assert_false(bs_role_has(BS_ROLE_AUDITOR, BS_PERM_EVIDENCE_WRITE));
	assert_false(bs_role_has(BS_ROLE_AUDITOR, BS_PERM_POLICY_WRITE));
	assert_false(bs_role_has(BS_ROLE_AUDITOR, BS_PERM_USERS_RESET));
	assert_false(bs_role_has(BS_ROLE_EMPLOYEE, BS_PERM_STATUS_READ));
	assert_true(bs_role_has(BS_ROLE_EMPLOYEE, BS_PERM_SELF));
	for (int r = 0; r < BS_ROLE_COUNT; r++) {
		enum bs_role back;
		assert_int_equal(bs_role_parse(bs_role_name((enum bs_role)r), &back), 0);
		assert_int_equal(back, r);
		assert_true(bs_role_has((enum bs_role)r, BS_PERM_NONE));
	}
	for (int p = 0; p < BS_PERM_COUNT; p++)
		assert_int_equal(bs_perm_parse(bs_perm_name((enum bs_perm)p)), p);
	enum bs_role r;
	assert_int_equal(bs_role_parse("root", &r), BS_EINVALID);
	struct bs_buf b = BS_BUF_INIT;
	bs_perm_matrix_markdown(&b);
	assert_non_null(strstr(b.ptr, "| `users.write` | ✔ | · | · | · | · |"));
	bs_buf_release(&b);
}

static void test_policy_only_tightens(void **state)
{
	(void)state;
	enum bs_policy_key k;
	int64_t v;
	struct bs_policy p;

	bs_policy_defaults(&p);
	assert_int_equal(p.v[BS_POL_MIN_LENGTH], 12);
	assert_int_equal(p.v[BS_POL_HISTORY], 3);
	assert_int_equal(p.v[BS_POL_MIN_AGE_DAYS], 1);
	assert_int_equal(p.v[BS_POL_MAX_AGE_DAYS], 90);
	assert_int_equal(p.v[BS_POL_LOCKOUT_THRESHOLD], 5);
	assert_int_equal(p.v[BS_POL_LOCKOUT_MINUTES], 15);
	assert_int_equal(p.v[BS_POL_IDLE_MINUTES], 15);
	assert_int_equal(p.v[BS_POL_ABSOLUTE_HOURS], 8);
	assert_int_equal(p.v[BS_POL_ACCOUNT_IDLE_DAYS], 90);
	assert_int_equal(bs_policy_check(&p), 0);

	assert_int_equal(bs_policy_parse_assignment("lockout.minutes=30", &k, &v), 0);
	assert_int_equal(k, BS_POL_LOCKOUT_MINUTES);
	assert_int_equal(v, 30);
	assert_int_equal(bs_policy_parse_assignment("lockout.minutes=14", &k, &v), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "A2.5.4.2.3"));
	assert_int_equal(bs_policy_parse_assignment("lockout.threshold=6", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("lockout.threshold=3", &k, &v), 0);
	assert_int_equal(bs_policy_parse_assignment("password.min_length=11", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("password.history=2", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("password.max_age_days=91", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("password.min_age_days=0", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("session.idle_minutes=16", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("totp.admin_required=0", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("nosuch=1", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("lockout.minutes", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("lockout.minutes=15x", &k, &v), BS_EINVALID);
	assert_int_equal(bs_policy_parse_assignment("lockout.minutes=", &k, &v), BS_EINVALID);
	p.v[BS_POL_MIN_AGE_DAYS] = 30;
	p.v[BS_POL_MAX_AGE_DAYS] = 30;
	assert_int_equal(bs_policy_check(&p), BS_EINVALID);
}

static void test_password_rules(void **state)
{
	(void)state;
	struct bs_policy p;
	bs_policy_defaults(&p);
	assert_int_equal(bs_password_check(&p, "alice", "Sh0rt!pw"), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "at least 12"));
	assert_int_equal(bs_password_check(&p, "alice", "alllowercaseletters"), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "character classes"));
	assert_int_equal(bs_password_check(&p, "alice", "xx9-ALICE-tree-Harbor"), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "username"));
	/* a dictionary word dressed up with the expected classes still fails cracklib */
	assert_int_equal(bs_password_check(&p, "alice", "Password1234"), BS_EINVALID);
	assert_null(strstr(bs_error_message(), "Password1234")); /* never echoed */
	assert_int_equal(bs_password_check(&p, "alice", "Interesting1"), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "dictionary"));
	assert_int_equal(bs_password_check(&p, "alice", "Abcdefgh1234"), BS_EINVALID);
	assert_int_equal(bs_password_check(&p, "alice", "Quiet-Harbor-47-Lantern"), 0);
	assert_int_equal(bs_password_check(&p, "alice", "tab\there-Harbor-47"), BS_EINVALID);
	char gen[32];
	for (int i = 0; i < 20; i++) {
		bs_password_generate(gen);
		assert_int_equal(strlen(gen), 20);
		p.v[BS_POL_MIN_CLASSES] = 4;
		if (bs_password_check(&p, "alice", gen) != 0 && strstr(bs_error_message(), "classes"))
			fail_msg("generated password lacks a class");
	}
}

static void test_password_hash_verify(void **state)
{
	(void)state;
	char h[BS_PWHASH_MAX];
	assert_int_equal(bs_password_hash("Quiet-Harbor-47-Lantern", h), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_non_null(strstr(h, "m=65536,t=3"));
	assert_int_equal(bs_password_verify(h, "Quiet-Harbor-47-Lantern"), 1);
	assert_int_equal(bs_password_verify(h, "Quiet-Harbor-47-Lanterm"), 0);
	assert_int_equal(bs_password_dummy_verify("anything"), 0);
	assert_true(bs_pwhash_slots() >= 1);
}

/* The account's stored hash (into h) or, with set, replaces it by h. */
static void pw_hash_sql(struct bs_datadir *dd, const char *user, char h[BS_PWHASH_MAX], int set)
{
	sqlite3 *db = bs_store_sqlite(dd->store);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, set ? "UPDATE account SET pw_hash = ?2 WHERE username = ?1" :
						      "SELECT pw_hash FROM account WHERE username = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (set)
		sqlite3_bind_text(st, 2, h, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (set) {
		assert_int_equal(rc, SQLITE_DONE);
		assert_int_equal(sqlite3_changes(db), 1);
	} else {
		assert_int_equal(rc, SQLITE_ROW);
		snprintf(h, BS_PWHASH_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
}

static enum bs_login_result login(struct bs_datadir *dd, const char *u, const char *pw, struct bs_session_info *si);

/* The test cost of datadir.h ("test data directories"): refused outside a test run, the mark
 * in the directory, minimum-cost hashes only while a marked directory is open, any hash
 * verified there, and a cheap hash copied into a real directory never signs in. */
static void test_test_kdf(void **state)
{
	(void)state;
	char dir[64], path[96], real[96], prod[BS_PWHASH_MAX], weak[BS_PWHASH_MAX], gen[32], cmd[160];
	struct bs_datadir *dd = NULL;
	struct bs_session_info si;
	struct stat st;
	const char *pw = "Quiet-Harbor-47-Lantern";

	snprintf(dir, sizeof(dir), "/tmp/bs-auth-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/test", dir);
	snprintf(real, sizeof(real), "%s/real", dir);
	assert_false(bs_datadir_test_kdf_active());

	/* outside a test run: refused, nothing created */
	assert_int_equal(unsetenv(BS_TESTING_ENV), 0);
	assert_int_equal(bs_datadir_init_flags(path, "T", 0, "tester", BS_DATADIR_TEST_KDF, NULL, 0), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "BROKERSEC_TESTING=1"));
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_equal(setenv(BS_TESTING_ENV, "0", 1), 0);
	assert_int_equal(bs_datadir_init_flags(path, "T", 0, "tester", BS_DATADIR_TEST_KDF, NULL, 0), BS_EDENIED);
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_equal(setenv(BS_TESTING_ENV, "1", 1), 0);

	/* a production hash, made with no test directory open */
	assert_int_equal(bs_password_hash(pw, prod), 0);
	assert_non_null(strstr(prod, "m=65536,t=3"));
	assert_false(bs_password_hash_is_weak(prod));

	/* a test directory: marked, minimum cost while it is open, any hash verifies */
	assert_int_equal(bs_datadir_init_flags(path, "T", 0, "tester", BS_DATADIR_TEST_KDF, NULL, 0), 0);
	assert_int_equal(bs_datadir_open(&dd, path), 0);
	assert_int_equal(dd->test_kdf, 1);
	assert_true(bs_datadir_test_kdf_active());
	assert_int_equal(bs_password_hash(pw, weak), 0);
	assert_non_null(strstr(weak, "$argon2id$"));
	assert_non_null(strstr(weak, "m=8,t=1"));
	assert_true(bs_password_hash_is_weak(weak));
	assert_int_equal(bs_password_verify(weak, pw), 1);
	assert_int_equal(bs_password_verify(weak, "Quiet-Harbor-47-Lanterm"), 0);
	assert_int_equal(bs_password_verify(prod, pw), 1);
	assert_int_equal(bs_password_dummy_verify(pw), 0);
	dd->actor = "tester";
	struct bs_account_new nw = { "copy", NULL, BS_ROLE_EMPLOYEE, BS_KIND_PERSONAL, 0, pw };
	assert_int_equal(bs_account_create(dd, &nw, gen), 0);
	pw_hash_sql(dd, "copy", weak, 0);
	assert_true(bs_password_hash_is_weak(weak));
	assert_int_equal(login(dd, "copy", pw, &si), BS_LOGIN_OK);
	bs_datadir_free(dd);
	dd = NULL;

	/* closed again: production cost, and a cheap hash never matches */
	assert_false(bs_datadir_test_kdf_active());
	assert_int_equal(bs_password_verify(weak, pw), 0);
	assert_int_equal(bs_password_verify(prod, pw), 1);
	assert_true(bs_password_hash_is_weak("not a hash"));

	/* a real directory: no mark; its account signs in with its own hash, not with one
	 * copied from the test directory */
	assert_int_equal(bs_datadir_init(real, "T", 0, "tester"), 0);
	assert_int_equal(bs_datadir_open(&dd, real), 0);
	assert_int_equal(dd->test_kdf, 0);
	assert_false(bs_datadir_test_kdf_active());
	dd->actor = "tester";
	assert_int_equal(bs_account_create(dd, &nw, gen), 0);
	pw_hash_sql(dd, "copy", prod, 0);
	assert_false(bs_password_hash_is_weak(prod));
	assert_int_equal(login(dd, "copy", pw, &si), BS_LOGIN_OK);
	pw_hash_sql(dd, "copy", weak, 1);
	assert_int_equal(login(dd, "copy", pw, &si), BS_LOGIN_FAILED);
	bs_datadir_free(dd);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* RFC 6238 Appendix B, SHA-1, 8 digits, key "12345678901234567890" */
static void test_totp_rfc6238(void **state)
{
	(void)state;
	static const struct { int64_t t; uint32_t code; } v[] = {
		{ 59, 94287082 },	  { 1111111109, 7081804 },  { 1111111111, 14050471 },
		{ 1234567890, 89005924 }, { 2000000000, 69279037 }, { 20000000000LL, 65353130 },
	};
	const unsigned char *key = (const unsigned char *)"12345678901234567890";
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(bs_totp(key, 20, v[i].t, 8), v[i].code);
	/* RFC 4226 Appendix D HOTP values, 6 digits */
	static const uint32_t hotp[] = { 755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489 };
	for (uint64_t c = 0; c < 10; c++)
		assert_int_equal(bs_hotp(key, 20, c, 6), hotp[c]);
	/* check: +-1 step accepted, replays and other codes refused */
	char code[8];
	snprintf(code, sizeof(code), "%06u", bs_totp(key, 20, 1111111109, 6));
	int64_t step = bs_totp_check(key, 20, 1111111109, code, 0);
	assert_int_equal(step, 1111111109 / 30);
	assert_int_equal(bs_totp_check(key, 20, 1111111109 + 30, code, 0), step);
	assert_int_equal(bs_totp_check(key, 20, 1111111109 + 90, code, 0), 0);
	assert_int_equal(bs_totp_check(key, 20, 1111111109, code, step), 0); /* used once */
	assert_int_equal(bs_totp_check(key, 20, 1111111109, "12345", 0), 0);
	assert_int_equal(bs_totp_check(key, 20, 1111111109, "12a456", 0), 0);
	assert_int_equal(bs_totp_check(key, 20, 1111111109, NULL, 0), 0);
	char b32[40];
	bs_base32_encode(key, 20, b32, sizeof(b32));
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void test_cidr(void **state)
{
	(void)state;
	struct bs_cidr c;
	assert_int_equal(bs_cidr_parse("192.0.2.0/24", &c), 0);
	assert_true(bs_cidr_match(&c, "192.0.2.77"));
	assert_true(bs_cidr_match(&c, "::ffff:192.0.2.77"));
	assert_false(bs_cidr_match(&c, "192.0.3.1"));
	assert_false(bs_cidr_match(&c, "2001:db8::1"));
	assert_false(bs_cidr_match(&c, "not an address"));
	assert_int_equal(bs_cidr_parse("10.0.0.0/9", &c), 0);
	assert_true(bs_cidr_match(&c, "10.127.255.255"));
	assert_false(bs_cidr_match(&c, "10.128.0.0"));
	assert_int_equal(bs_cidr_parse("2001:db8::/32", &c), 0);
	assert_true(bs_cidr_match(&c, "2001:db8:ffff::1"));
	assert_false(bs_cidr_match(&c, "2001:db9::1"));
	assert_int_equal(bs_cidr_parse("127.0.0.1", &c), 0);
	assert_int_equal(c.prefix, 32);
	assert_int_equal(bs_cidr_parse("0.0.0.0/0", &c), 0);
	assert_true(bs_cidr_match(&c, "203.0.113.9"));
	assert_int_equal(bs_cidr_parse("192.0.2.0/33", &c), BS_EINVALID);
	assert_int_equal(bs_cidr_parse("192.0.2.0/", &c), BS_EINVALID);
	assert_int_equal(bs_cidr_parse("/8", &c), BS_EINVALID);
	assert_int_equal(bs_cidr_parse("example.com/8", &c), BS_EINVALID);
	assert_int_equal(bs_networks_allow("", "203.0.113.9"), 1);
	assert_int_equal(bs_networks_allow("10.0.0.0/8, 192.0.2.0/24", "192.0.2.1"), 1);
	assert_int_equal(bs_networks_allow("10.0.0.0/8,192.0.2.0/24", "198.51.100.1"), 0);
	assert_int_equal(bs_networks_allow("10.0.0.0/8,bogus", "10.0.0.1"), BS_EINVALID);
}

static void test_windows_taipei(void **state)
{
	(void)state;
	/* T0 is Friday 00:00 UTC = Friday 08:00 Taipei */
	assert_int_equal(bs_windows_allow("", T0), 1);
	assert_int_equal(bs_windows_allow("mon-fri 08:00-18:00", T0), 1);
	assert_int_equal(bs_windows_allow("mon-fri 08:00-18:00", T0 - 1), 0);           /* 07:59:59 */
	assert_int_equal(bs_windows_allow("mon-fri 08:00-18:00", T0 + 10 * 3600LL * 1000000 - 1), 1);
	assert_int_equal(bs_windows_allow("mon-fri 08:00-18:00", T0 + 10 * 3600LL * 1000000), 0); /* 18:00 */
	assert_int_equal(bs_windows_allow("mon-fri 08:00-18:00", T0 + DAY_US), 0);     /* Saturday */
	assert_int_equal(bs_windows_allow("sat 08:00-09:00", T0 + DAY_US), 1);
	/* 16:30 UTC Friday is 00:30 Saturday in Taipei */
	assert_int_equal(bs_windows_allow("sat 00:00-01:00", T0 + 990 * MIN_US), 1);
	assert_int_equal(bs_windows_allow("fri 00:00-24:00", T0 + 990 * MIN_US), 0);
	assert_int_equal(bs_windows_allow("fri-mon 07:00-09:00", T0 + 3 * DAY_US), 1); /* Monday, wraps */
	assert_int_equal(bs_windows_allow("* 00:00-24:00", T0 + 5 * DAY_US), 1);
	assert_int_equal(bs_windows_allow("sun 20:00-21:00,fri 08:00-08:01", T0), 1);
	assert_int_equal(bs_windows_check("mon-fri 18:00-08:00"), BS_EINVALID);
	assert_int_equal(bs_windows_check("funday 08:00-18:00"), BS_EINVALID);
	assert_int_equal(bs_windows_check("mon 8:00-18:00"), BS_EINVALID);
	assert_int_equal(bs_windows_check("mon 08:00-25:00"), BS_EINVALID);
	assert_int_equal(bs_windows_check("mon 08:00-18:00"), 0);
}

static void test_throttle(void **state)
{
	(void)state;
	int wait;
	bs_throttle_reset();
	for (int i = 0; i < 3; i++)
		assert_int_equal(bs_throttle_hit("192.0.2.1", 3, T0, &wait), 0);
	assert_int_equal(bs_throttle_hit("192.0.2.1", 3, T0 + 1000000, &wait), BS_EDENIED);
	assert_true(wait > 0 && wait <= 61);
	assert_int_equal(bs_throttle_hit("192.0.2.2", 3, T0 + 1000000, &wait), 0); /* per source */
	assert_int_equal(bs_throttle_hit("192.0.2.1", 3, T0 + 61 * 1000000LL, &wait), 0);
}

/* ---- on a real data directory ---- */

struct fx {
	char dir[64];
	char path[96];
	struct bs_datadir *dd;
};

static int setup_dd(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/bs-auth-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/d", f->dir);
	bs_clock_set(T0);
	if (bs_datadir_init_flags(f->path, "Test Broker", 0, "tester", BS_DATADIR_TEST_KDF, NULL, 0) < 0 ||
	    bs_datadir_open(&f->dd, f->path) < 0) {
		fprintf(stderr, "setup: %s\n", bs_error_message());
		return -1;
	}
	f->dd->actor = "tester";
	f->dd->source = "cli";
	bs_throttle_reset();
	*state = f;
	return 0;
}

static int teardown_dd(void **state)
{
	struct fx *f = *state;
	char cmd[160];
	bs_datadir_free(f->dd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	bs_clock_set(0);
	return 0;
}

static void add(struct bs_datadir *dd, const char *user, enum bs_role role, const char *pw)
{
	struct bs_account_new nw = { user, "Test Person", role, BS_KIND_PERSONAL, 0, pw };
	char gen[32];
	if (bs_account_create(dd, &nw, gen) < 0)
		fail_msg("create %s: %s", user, bs_error_message());
}

static enum bs_login_result login(struct bs_datadir *dd, const char *u, const char *pw, struct bs_session_info *si)
{
	enum bs_login_result r;
	char why[160];
	if (bs_login(dd, u, pw, NULL, "192.0.2.10", NULL, &r, si, why) < 0)
		fail_msg("login: %s", bs_error_message());
	return r;
}

static void test_lockout(void **state)
{
	struct fx *f = *state;
	struct bs_session_info si;
	struct bs_account a;
	const char *pw = "Quiet-Harbor-47-Lantern";

	add(f->dd, "alice", BS_ROLE_EMPLOYEE, pw);
	for (int i = 0; i < 4; i++)
		assert_int_equal(login(f->dd, "alice", "wrong-Password-1", &si), BS_LOGIN_FAILED);
	assert_int_equal(bs_account_get(f->dd->store, "alice", &a), 0);
	assert_int_equal(a.failures, 4);
	assert_int_equal(a.locked_until_us, 0);
	assert_int_equal(login(f->dd, "alice", "wrong-Password-1", &si), BS_LOGIN_FAILED);
	assert_int_equal(bs_account_get(f->dd->store, "alice", &a), 0);
	assert_int_equal(a.locked_until_us, T0 + 15 * MIN_US);
	/* the right password is refused for 15 minutes */
	assert_int_equal(login(f->dd, "alice", pw, &si), BS_LOGIN_FAILED);
	bs_clock_set(T0 + 15 * MIN_US - 1);
	assert_int_equal(login(f->dd, "alice", pw, &si), BS_LOGIN_FAILED);
	bs_clock_set(T0 + 15 * MIN_US);
	assert_int_equal(login(f->dd, "alice", pw, &si), BS_LOGIN_OK);
	assert_true(si.must_change);
	assert_int_equal(strlen(si.id), 64);
	assert_int_equal(strlen(si.csrf), 64);
	/* success resets the count */
	assert_int_equal(bs_account_get(f->dd->store, "alice", &a), 0);
	assert_int_equal(a.failures, 0);
	/* an unlock by an administrator ends a lock early */
	for (int i = 0; i < 5; i++)
		assert_int_equal(login(f->dd, "alice", "wrong-Password-1", &si), BS_LOGIN_FAILED);
	assert_int_equal(login(f->dd, "alice", pw, &si), BS_LOGIN_FAILED);
	assert_int_equal(bs_account_unlock(f->dd, NULL, "alice"), 0);
	assert_int_equal(login(f->dd, "alice", pw, &si), BS_LOGIN_OK);
	/* a tighter policy applies */
	assert_int_equal(bs_policy_set(f->dd, BS_POL_LOCKOUT_THRESHOLD, 2), 0);
	assert_int_equal(login(f->dd, "alice", "wrong-Password-1", &si), BS_LOGIN_FAILED);
	assert_int_equal(login(f->dd, "alice", "wrong-Password-1", &si), BS_LOGIN_FAILED);
	assert_int_equal(login(f->dd, "alice", pw, &si), BS_LOGIN_FAILED);
	/* unknown users: same answer, no state anywhere */
	assert_int_equal(login(f->dd, "nobody", pw, &si), BS_LOGIN_FAILED);
	assert_int_equal(login(f->dd, "NOT valid!", pw, &si), BS_LOGIN_FAILED);
}

static void test_history_and_ages(void **state)
{
	struct fx *f = *state;
	struct bs_session_info si;
	const char *p0 = "Quiet-Harbor-47-Lantern", *p1 = "Amber-Falcon-93-Orchid", *p2 = "Copper-Meadow-58-Violet",
		   *p3 = "Silent-Glacier-26-Thistle";

	add(f->dd, "bob", BS_ROLE_IT_STAFF, p0);
	/* must change at first sign-in: the minimum age does not block it */
	assert_int_equal(bs_account_change_password(f->dd, "bob", "bad-current-PW-1", p1, NULL), BS_EDENIED);
	assert_int_equal(bs_account_change_password(f->dd, "bob", p0, p0, NULL), BS_EINVALID);
	assert_int_equal(bs_account_change_password(f->dd, "bob", p0, p1, NULL), 0);
	assert_int_equal(login(f->dd, "bob", p1, &si), BS_LOGIN_OK);
	assert_false(si.must_change);
	/* minimum age: 1 day */
	assert_int_equal(bs_account_change_password(f->dd, "bob", p1, p2, NULL), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "minimum age"));
	bs_clock_set(T0 + DAY_US);
	assert_int_equal(bs_account_change_password(f->dd, "bob", p1, p0, NULL), BS_EINVALID); /* history */
	assert_non_null(strstr(bs_error_message(), "last 3"));
	assert_int_equal(bs_account_change_password(f->dd, "bob", p1, p2, NULL), 0);
	bs_clock_set(T0 + 2 * DAY_US);
	assert_int_equal(bs_account_change_password(f->dd, "bob", p2, p3, NULL), 0);
	bs_clock_set(T0 + 3 * DAY_US);
	/* p0 is now 4 passwords back: allowed again; p1 is 3 back: not */
	assert_int_equal(bs_account_change_password(f->dd, "bob", p3, p1, NULL), BS_EINVALID);
	assert_int_equal(bs_account_change_password(f->dd, "bob", p3, p0, NULL), 0);
	/* maximum age: 90 days after the change a sign-in must change it */
	bs_clock_set(T0 + 3 * DAY_US + 91 * DAY_US);
	/* (idle for 91 days: the account has been disabled by the sweep at sign-in) */
	assert_int_equal(login(f->dd, "bob", p0, &si), BS_LOGIN_FAILED);
	struct bs_account a;
	assert_int_equal(bs_account_get(f->dd->store, "bob", &a), 0);
	assert_string_equal(a.state, "disabled");
	assert_non_null(strstr(a.disabled_reason, "unused"));
	assert_int_equal(bs_account_set_state(f->dd, NULL, "bob", "active", NULL), 0);
	assert_int_equal(login(f->dd, "bob", p0, &si), BS_LOGIN_OK);
	assert_true(si.must_change);
}

static void test_reset_token(void **state)
{
	struct fx *f = *state;
	char tok[65], tok2[65];
	struct bs_session_info si;

	add(f->dd, "carol", BS_ROLE_AUDITOR, "Quiet-Harbor-47-Lantern");
	assert_int_equal(bs_reset_issue(f->dd, NULL, "carol", tok), 0);
	assert_int_equal(strlen(tok), 64);
	assert_int_equal(bs_reset_use(f->dd, tok, "weak"), BS_EINVALID);
	assert_int_equal(bs_reset_use(f->dd, tok, "Amber-Falcon-93-Orchid"), 0);
	assert_int_equal(bs_reset_use(f->dd, tok, "Copper-Meadow-58-Violet"), BS_EDENIED); /* used once */
	assert_int_equal(login(f->dd, "carol", "Amber-Falcon-93-Orchid", &si), BS_LOGIN_OK);
	assert_false(si.must_change);
	/* expiry: 15 minutes */
	assert_int_equal(bs_reset_issue(f->dd, NULL, "carol", tok), 0);
	bs_clock_set(T0 + 15 * MIN_US);
	assert_int_equal(bs_reset_use(f->dd, tok, "Copper-Meadow-58-Violet"), BS_EDENIED);
	/* a new token voids the old one */
	assert_int_equal(bs_reset_issue(f->dd, NULL, "carol", tok), 0);
	assert_int_equal(bs_reset_issue(f->dd, NULL, "carol", tok2), 0);
	assert_int_equal(bs_reset_use(f->dd, tok, "Copper-Meadow-58-Violet"), BS_EDENIED);
	assert_int_equal(bs_reset_use(f->dd, tok2, "Copper-Meadow-58-Violet"), 0);
	assert_int_equal(bs_reset_use(f->dd, "zz", "Copper-Meadow-58-Violet"), BS_EDENIED);
}

static void test_sessions(void **state)
{
	struct fx *f = *state;
	struct bs_session_info si, chk, si2;
	const char *pw = "Quiet-Harbor-47-Lantern";
	char why[160];
	enum bs_login_result r;

	add(f->dd, "dave", BS_ROLE_SECURITY_OFFICER, pw);
	assert_int_equal(login(f->dd, "dave", pw, &si), BS_LOGIN_OK);
	assert_int_equal(bs_session_check(f->dd, si.id, "192.0.2.10", &chk), 0);
	assert_string_equal(chk.username, "dave");
	assert_int_equal(chk.role, BS_ROLE_SECURITY_OFFICER);
	assert_true(bs_session_csrf_ok(f->dd, si.id, si.csrf));
	char bad[65];
	memcpy(bad, si.csrf, 65);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	assert_false(bs_session_csrf_ok(f->dd, si.id, bad));
	assert_false(bs_session_csrf_ok(f->dd, si.id, NULL));
	/* idle timeout: 15 minutes */
	bs_clock_set(T0 + 14 * MIN_US);
	assert_int_equal(bs_session_check(f->dd, si.id, "192.0.2.10", &chk), 0);
	bs_clock_set(T0 + 28 * MIN_US);
	assert_int_equal(bs_session_check(f->dd, si.id, "192.0.2.10", &chk), 0);
	bs_clock_set(T0 + 43 * MIN_US);
	assert_int_equal(bs_session_check(f->dd, si.id, "192.0.2.10", &chk), BS_EDENIED);
	/* fixation: signing in with an old id destroys it */
	assert_int_equal(login(f->dd, "dave", pw, &si), BS_LOGIN_OK);
	assert_int_equal(bs_login(f->dd, "dave", pw, NULL, "192.0.2.10", si.id, &r, &si2, why), 0);
	assert_int_equal(r, BS_LOGIN_OK);
	assert_string_not_equal(si.id, si2.id);
	assert_int_equal(bs_session_check(f->dd, si.id, "192.0.2.10", &chk), BS_EDENIED);
	/* rotation keeps the person, changes the id and CSRF token */
	struct bs_session_info rot = si2;
	assert_int_equal(bs_session_rotate(f->dd, si2.id, &rot), 0);
	assert_string_not_equal(rot.id, si2.id);
	assert_int_equal(bs_session_check(f->dd, si2.id, "192.0.2.10", &chk), BS_EDENIED);
	assert_int_equal(bs_session_check(f->dd, rot.id, "192.0.2.10", &chk), 0);
	/* logout */
	assert_int_equal(bs_session_end(f->dd, rot.id), 0);
	assert_int_equal(bs_session_check(f->dd, rot.id, "192.0.2.10", &chk), BS_EDENIED);
	/* role change ends sessions */
	assert_int_equal(login(f->dd, "dave", pw, &si), BS_LOGIN_OK);
	assert_int_equal(bs_account_set_role(f->dd, NULL, "dave", BS_ROLE_AUDITOR), 0);
	assert_int_equal(bs_session_check(f->dd, si.id, "192.0.2.10", &chk), BS_EDENIED);
	/* absolute lifetime: 8 hours even when active */
	assert_int_equal(login(f->dd, "dave", pw, &si), BS_LOGIN_OK);
	int64_t t = bs_clock_now();
	for (int i = 1; i <= 8 * 6; i++) {
		bs_clock_set(t + i * 10 * MIN_US);
		int e = bs_session_check(f->dd, si.id, "192.0.2.10", &chk);
		if (i < 48)
			assert_int_equal(e, 0);
		else
			assert_int_equal(e, BS_EDENIED);
	}
}

static void test_remote_access(void **state)
{
	struct fx *f = *state;
	struct bs_session_info si;
	const char *pw = "Quiet-Harbor-47-Lantern";
	char why[160];
	enum bs_login_result r;

	add(f->dd, "erin", BS_ROLE_IT_STAFF, pw);
	assert_int_equal(bs_account_set_access(f->dd, NULL, "erin", "10.0.0.0/8", NULL, -1), 0);
	assert_int_equal(bs_login(f->dd, "erin", pw, NULL, "192.0.2.10", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_REFUSED);
	assert_non_null(strstr(why, "192.0.2.10"));
	assert_int_equal(bs_login(f->dd, "erin", pw, NULL, "10.1.2.3", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_OK);
	/* role rule: it_staff only on weekdays 09:00-18:00 Taipei; T0 is Friday 08:00 */
	assert_int_equal(bs_role_set_access(f->dd, BS_ROLE_IT_STAFF, NULL, "mon-fri 09:00-18:00", -1), 0);
	assert_int_equal(bs_login(f->dd, "erin", pw, NULL, "10.1.2.3", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_REFUSED);
	assert_non_null(strstr(why, "time"));
	bs_clock_set(T0 + 60 * MIN_US);
	assert_int_equal(bs_login(f->dd, "erin", pw, NULL, "10.1.2.3", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_OK);
	/* max concurrent sessions */
	assert_int_equal(bs_account_set_access(f->dd, NULL, "erin", NULL, NULL, 2), 0);
	assert_int_equal(bs_login(f->dd, "erin", pw, NULL, "10.1.2.3", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_OK);
	assert_int_equal(bs_login(f->dd, "erin", pw, NULL, "10.1.2.3", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_REFUSED);
	assert_non_null(strstr(why, "sessions"));
	assert_int_equal(bs_account_set_access(f->dd, NULL, "erin", "bogus", NULL, -1), BS_EINVALID);
	assert_int_equal(bs_role_set_access(f->dd, BS_ROLE_IT_STAFF, NULL, "someday", -1), BS_EINVALID);
}

static void test_expiry_and_review(void **state)
{
	struct fx *f = *state;
	struct bs_account_new tmp = { "temp1", NULL, BS_ROLE_EMPLOYEE, BS_KIND_TEMPORARY, T0 + DAY_US, NULL };
	struct bs_account_new bad = { "temp2", NULL, BS_ROLE_EMPLOYEE, BS_KIND_EMERGENCY, 0, NULL };
	struct bs_review_row *rows;
	struct bs_account a;
	char gen[32];
	size_t n;
	int disabled;

	assert_int_equal(bs_account_create(f->dd, &tmp, gen), 0);
	assert_int_equal(strlen(gen), 20);
	assert_int_equal(bs_account_create(f->dd, &tmp, gen), BS_EEXISTS);
	assert_int_equal(bs_account_create(f->dd, &bad, gen), BS_EINVALID);
	add(f->dd, "frank", BS_ROLE_ADMIN, "Quiet-Harbor-47-Lantern");
	assert_int_equal(bs_account_review(f->dd, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].a.username, "frank");
	assert_non_null(strstr(rows[0].anomalies, "admin without TOTP"));
	assert_non_null(strstr(rows[1].anomalies, "temporary account"));
	free(rows);
	bs_clock_set(T0 + DAY_US);
	assert_int_equal(bs_account_sweep(f->dd, &disabled), 0);
	assert_int_equal(disabled, 1);
	assert_int_equal(bs_account_get(f->dd->store, "temp1", &a), 0);
	assert_string_equal(a.state, "disabled");
	assert_non_null(strstr(a.disabled_reason, "expired"));
	assert_int_equal(bs_account_set_state(f->dd, NULL, "temp1", "active", NULL), BS_ECONFLICT);
	/* the last active admin is never deleted, not even from the CLI: make another first */
	assert_int_equal(bs_account_set_state(f->dd, NULL, "frank", "deleted", NULL), BS_ECONFLICT);
	assert_non_null(strstr(bs_error_message(), "last active admin"));
	add(f->dd, "frida", BS_ROLE_ADMIN, "Quiet-Harbor-47-Lantern");
	assert_int_equal(bs_account_set_state(f->dd, NULL, "frank", "deleted", NULL), 0);
	assert_int_equal(bs_account_set_state(f->dd, NULL, "frank", "active", NULL), BS_ECONFLICT);
	add(f->dd, "grace", BS_ROLE_EMPLOYEE, "Quiet-Harbor-47-Lantern");
	struct bs_account_new again = { "frank", NULL, BS_ROLE_EMPLOYEE, BS_KIND_PERSONAL, 0, NULL };
	assert_int_equal(bs_account_create(f->dd, &again, gen), BS_EEXISTS); /* archived names stay taken */
}

static void test_totp_login_and_tokens(void **state)
{
	struct fx *f = *state;
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	struct bs_session_info si;
	const char *pw = "Quiet-Harbor-47-Lantern";
	char why[160], code[8], tok[69];
	enum bs_login_result r;

	add(f->dd, "hank", BS_ROLE_ADMIN, pw);
	assert_int_equal(login(f->dd, "hank", pw, &si), BS_LOGIN_OK);
	assert_true(si.must_enroll_totp);
	assert_int_equal(bs_account_totp_enroll(f->dd, NULL, "hank", NULL, secret), 0);
	/* a seed issued on the server: the password alone no longer signs in, and the first
	 * sign-in with a valid code confirms it */
	assert_int_equal(login(f->dd, "hank", pw, &si), BS_LOGIN_FAILED);
	snprintf(code, sizeof(code), "%06u", bs_totp(secret, sizeof(secret), T0 / 1000000, 6));
	assert_int_equal(bs_login(f->dd, "hank", pw, code, "192.0.2.10", NULL, &r, &si, why), 0);
	assert_int_equal(r, BS_LOGIN_OK);
	assert_false(si.must_enroll_totp);
	struct bs_account ha;
	assert_int_equal(bs_account_get(f->dd->store, "hank", &ha), 0);
	assert_true(ha.totp_enrolled);
	assert_false(ha.totp_cli_only);
	assert_int_equal(bs_token_create(f->dd, "hank", "events.append", 30, tok), 0);
	assert_int_equal(strlen(tok), 68);
	struct bs_session_info ti;
	assert_int_equal(bs_token_check(f->dd, tok, BS_PERM_EVENTS_APPEND, &ti), 0);
	assert_string_equal(ti.username, "hank");
	assert_int_equal(bs_token_check(f->dd, tok, BS_PERM_USERS_WRITE, &ti), BS_EDENIED); /* out of scope */
	assert_int_equal(bs_token_check(f->dd, "bst_0000", BS_PERM_EVENTS_APPEND, &ti), BS_EDENIED);
	add(f->dd, "ivy", BS_ROLE_EMPLOYEE, pw);
	assert_int_equal(bs_token_create(f->dd, "ivy", "events.append", 30, tok), BS_EDENIED); /* not her right */
	assert_int_equal(bs_token_create(f->dd, "hank", "nonsense", 30, tok), BS_EINVALID);
	assert_int_equal(bs_token_create(f->dd, "hank", "events.append", 400, tok), BS_EINVALID);
	assert_int_equal(bs_token_create(f->dd, "hank", "events.append", 1, tok), 0);
	bs_clock_set(T0 + DAY_US);
	assert_int_equal(bs_token_check(f->dd, tok, BS_PERM_EVENTS_APPEND, &ti), BS_EDENIED); /* expired */
}

/* The signed-in account of username, as a session would carry it (for `by`). */
static struct bs_session_info who(struct bs_datadir *dd, const char *username)
{
	struct bs_session_info si;
	struct bs_account a;
	memset(&si, 0, sizeof(si));
	assert_int_equal(bs_account_get(dd->store, username, &a), 0);
	si.account_id = a.id;
	snprintf(si.username, sizeof(si.username), "%s", a.username);
	si.role = a.role;
	return si;
}

/* API tokens: the list shows no secret and follows tokens.manage; revocation follows who may
 * act on whom (docs/roles.md "API tokens"), is refused twice, and the token stops working. */
static void test_token_list_revoke(void **state)
{
	struct fx *f = *state;
	const char *pw = "Quiet-Harbor-47-Lantern";
	struct bs_token_info *v = NULL;
	struct bs_session_info chk;
	size_t n = 0;
	char tok[69], tok2[69], owner[65];
	int64_t id, id2;

	add(f->dd, "tom", BS_ROLE_IT_STAFF, pw);
	add(f->dd, "uma", BS_ROLE_IT_STAFF, pw);
	add(f->dd, "vic", BS_ROLE_ADMIN, pw);
	add(f->dd, "sue", BS_ROLE_SECURITY_OFFICER, pw);
	assert_int_equal(bs_token_issue(f->dd, "tom", "events.append", 30, tok, &id), 0);
	assert_int_equal(bs_token_issue(f->dd, "uma", "events.append,controls.read", 30, tok2, &id2), 0);
	assert_true(id2 > id);
	assert_int_equal(bs_token_create(f->dd, "tom", "training.self", 30, tok2), BS_EINVALID); /* a person's */
	struct bs_session_info tom = who(f->dd, "tom"), uma = who(f->dd, "uma"), vic = who(f->dd, "vic"),
			       sue = who(f->dd, "sue");

	assert_int_equal(bs_token_list(f->dd, NULL, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, id2); /* newest first */
	assert_string_equal(v[0].owner, "uma");
	assert_int_equal(v[0].owner_role, BS_ROLE_IT_STAFF);
	assert_string_equal(v[0].scopes, "events.append,controls.read");
	assert_false(v[0].revoked);
	free(v);
	assert_int_equal(bs_token_list(f->dd, &sue, NULL, &v, &n), 0); /* no tokens.manage: its own */
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(bs_token_list(f->dd, &sue, "tom", &v, &n), BS_EDENIED);
	assert_null(v);
	assert_int_equal(bs_token_list(f->dd, &tom, NULL, &v, &n), 0); /* tokens.manage: every account's */
	assert_int_equal(n, 2);
	assert_int_equal(bs_token_may_revoke(&tom, &v[0]), BS_EDENIED); /* uma's: a peer */
	assert_int_equal(bs_token_may_revoke(&tom, &v[1]), 0);          /* its own */
	assert_int_equal(bs_token_may_revoke(&vic, &v[0]), 0);
	free(v);

	assert_int_equal(bs_token_revoke(f->dd, &uma, id, NULL), BS_EDENIED); /* rank: a peer */
	assert_int_equal(bs_token_revoke(f->dd, &sue, id, NULL), BS_EDENIED); /* no tokens.manage */
	assert_int_equal(bs_token_check(f->dd, tok, BS_PERM_EVENTS_APPEND, &chk), 0);
	assert_int_equal(bs_token_revoke(f->dd, &vic, id, owner), 0);
	assert_string_equal(owner, "tom");
	assert_int_equal(bs_token_check(f->dd, tok, BS_PERM_EVENTS_APPEND, &chk), BS_EDENIED);
	assert_int_equal(chk.account_id, 0); /* 401, not 403: the token is no more */
	assert_int_equal(bs_token_revoke(f->dd, &vic, id, NULL), BS_ECONFLICT);
	assert_int_equal(bs_token_revoke(f->dd, &uma, id2, NULL), 0); /* its own */
	assert_int_equal(bs_token_revoke(f->dd, NULL, 9999, NULL), BS_ENOTFOUND);
	assert_int_equal(bs_token_list(f->dd, NULL, "tom", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_true(v[0].revoked);
	free(v);
}

/* The seed is sealed under keys/secrets.key: not in the database in the clear, and a sealed
 * seed moved to another account does not open there. */
static void test_totp_seed_sealed(void **state)
{
	struct fx *f = *state;
	unsigned char secret[BS_TOTP_SECRET_BYTES], other[BS_TOTP_SECRET_BYTES];
	const char *pw = "Quiet-Harbor-47-Lantern";
	sqlite3 *db = bs_store_sqlite(f->dd->store);
	sqlite3_stmt *st;
	char code[8], *key = bs_datadir_file(f->dd, "keys/secrets.key");
	struct stat sb;

	add(f->dd, "jill", BS_ROLE_ADMIN, pw);
	add(f->dd, "kurt", BS_ROLE_ADMIN, pw);
	assert_int_equal(bs_account_totp_enroll(f->dd, NULL, "jill", NULL, secret), 0);
	assert_int_equal(bs_account_totp_enroll(f->dd, NULL, "kurt", NULL, other), 0);
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(key);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT totp_secret FROM account WHERE username = 'jill'", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), BS_TOTP_SECRET_BYTES + BS_SECRET_SEAL_BYTES);
	assert_null(memmem(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), secret, sizeof(secret)));
	sqlite3_finalize(st);
	snprintf(code, sizeof(code), "%06u", bs_totp(secret, sizeof(secret), T0 / 1000000, 6));
	assert_int_equal(bs_account_totp_confirm(f->dd, "jill", code), 0);
	/* kurt's row given jill's sealed seed: it does not open for kurt */
	assert_int_equal(sqlite3_exec(db, "UPDATE account SET totp_secret = (SELECT totp_secret FROM account WHERE "
				      "username = 'jill') WHERE username = 'kurt'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(bs_account_totp_confirm(f->dd, "kurt", code), BS_ERR);
	assert_non_null(strstr(bs_error_message(), "does not open"));
	/* a seed stored in the clear (20 bytes) is refused, not used */
	assert_int_equal(sqlite3_exec(db, "UPDATE account SET totp_secret = zeroblob(20) WHERE username = 'kurt'", NULL,
				      NULL, NULL), SQLITE_OK);
	assert_int_equal(bs_account_totp_confirm(f->dd, "kurt", code), BS_ERR);
	assert_non_null(strstr(bs_error_message(), "damaged"));
}

/* Who may act on whom, written out independently of perm.c: only admins hold users.write
 * and they act on every role, admins included; the security officer resets and unlocks
 * auditors, IT staff and employees only; nobody acts on its own account. */
static int expect_may(enum bs_role actor, int self, enum bs_account_op op, enum bs_role target)
{
	int reset_like = op == BS_OP_RESET || op == BS_OP_UNLOCK;
	if (self)
		return 0;
	if (actor == BS_ROLE_ADMIN)
		return 1;
	if (actor == BS_ROLE_SECURITY_OFFICER && reset_like)
		return target == BS_ROLE_AUDITOR || target == BS_ROLE_IT_STAFF || target == BS_ROLE_EMPLOYEE;
	return 0;
}

static void test_privilege_table(void **state)
{
	(void)state;
	assert_true(bs_role_rank(BS_ROLE_ADMIN) > bs_role_rank(BS_ROLE_SECURITY_OFFICER));
	assert_true(bs_role_rank(BS_ROLE_SECURITY_OFFICER) > bs_role_rank(BS_ROLE_AUDITOR));
	assert_int_equal(bs_role_rank(BS_ROLE_AUDITOR), bs_role_rank(BS_ROLE_IT_STAFF));
	assert_int_equal(bs_role_rank(BS_ROLE_IT_STAFF), bs_role_rank(BS_ROLE_EMPLOYEE));
	for (int a = 0; a < BS_ROLE_COUNT; a++)
		for (int op = 0; op < BS_OP_COUNT; op++)
			for (int t = 0; t < BS_ROLE_COUNT; t++)
				for (int self = 0; self < 2; self++) {
					int got = bs_account_may((enum bs_role)a, self, (enum bs_account_op)op,
								 (enum bs_role)t, (enum bs_role)t);
					int want = expect_may((enum bs_role)a, self, (enum bs_account_op)op, (enum bs_role)t);
					if ((got == 0) != want)
						fail_msg("%s %s %s (self %d): got %d, want %s", bs_role_name((enum bs_role)a),
							 bs_account_op_name((enum bs_account_op)op),
							 bs_role_name((enum bs_role)t), self, got, want ? "allowed" : "refused");
					if (got)
						assert_int_equal(got, BS_EDENIED);
				}
	/* a role above one's own is never given, whatever the target */
	for (int a = 0; a < BS_ROLE_COUNT; a++)
		for (int to = 0; to < BS_ROLE_COUNT; to++)
			if (bs_role_rank((enum bs_role)to) > bs_role_rank((enum bs_role)a)) {
				assert_int_equal(bs_account_may((enum bs_role)a, 0, BS_OP_ROLE, BS_ROLE_EMPLOYEE,
								(enum bs_role)to), BS_EDENIED);
				assert_int_equal(bs_account_may((enum bs_role)a, 0, BS_OP_CREATE, (enum bs_role)to,
								(enum bs_role)to), BS_EDENIED);
			}
	assert_int_equal(bs_account_may(BS_ROLE_SECURITY_OFFICER, 0, BS_OP_RESET, BS_ROLE_ADMIN, BS_ROLE_ADMIN),
			 BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "cannot reset an account with role admin"));
	assert_int_equal(bs_account_may(BS_ROLE_ADMIN, 1, BS_OP_ROLE, BS_ROLE_ADMIN, BS_ROLE_EMPLOYEE), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "own account"));
	struct bs_buf b = BS_BUF_INIT;
	bs_privilege_matrix_markdown(&b);
	assert_non_null(strstr(b.ptr, "| reset | security_officer | · | · | ✔ | ✔ | ✔ |"));
	assert_non_null(strstr(b.ptr, "| reset | admin | ✔ | ✔ | ✔ | ✔ | ✔ |"));
	bs_buf_release(&b);
}

static struct bs_session_info actor(struct bs_datadir *dd, const char *u, enum bs_role role)
{
	struct bs_session_info si;
	add(dd, u, role, "Quiet-Harbor-47-Lantern");
	if (login(dd, u, "Quiet-Harbor-47-Lantern", &si) != BS_LOGIN_OK)
		fail_msg("sign-in of %s", u);
	return si;
}

/* The attack of issue 10 item 1 on the core: a security officer resets an admin that has no
 * second factor, uses the token, sets up TOTP as that admin and makes itself admin. */
static void test_privilege_reset_chain(void **state)
{
	struct fx *f = *state;
	struct bs_session_info so = actor(f->dd, "sol", BS_ROLE_SECURITY_OFFICER);
	struct bs_session_info adm = actor(f->dd, "ada", BS_ROLE_ADMIN);
	struct bs_session_info vs;
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	const char *pw2 = "Copper-Meadow-58-Violet";
	char tok[65], code[8], why[160];
	struct bs_account a;
	enum bs_login_result r;

	add(f->dd, "vic", BS_ROLE_ADMIN, "Quiet-Harbor-47-Lantern");
	add(f->dd, "emma", BS_ROLE_EMPLOYEE, "Quiet-Harbor-47-Lantern");
	add(f->dd, "otto", BS_ROLE_SECURITY_OFFICER, "Quiet-Harbor-47-Lantern");
	/* the security officer: employees yes, its peers and admins no, itself no */
	assert_int_equal(bs_reset_issue(f->dd, &so, "vic", tok), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "role security_officer cannot reset an account with role admin"));
	assert_int_equal(bs_reset_issue(f->dd, &so, "otto", tok), BS_EDENIED);
	assert_int_equal(bs_reset_issue(f->dd, &so, "sol", tok), BS_EDENIED);
	assert_int_equal(bs_account_unlock(f->dd, &so, "vic"), BS_EDENIED);
	assert_int_equal(bs_reset_issue(f->dd, &so, "emma", tok), 0);
	/* and it cannot give itself admin by any other door */
	assert_int_equal(bs_account_set_role(f->dd, &so, "sol", BS_ROLE_ADMIN), BS_EDENIED);
	assert_int_equal(bs_account_get(f->dd->store, "sol", &a), 0);
	assert_int_equal(a.role, BS_ROLE_SECURITY_OFFICER);

	/* an admin may reset another admin; the token's user cannot set up the factor itself */
	assert_int_equal(bs_reset_issue(f->dd, &adm, "vic", tok), 0);
	assert_int_equal(bs_reset_use(f->dd, tok, pw2), 0);
	assert_int_equal(bs_account_get(f->dd->store, "vic", &a), 0);
	assert_true(a.totp_cli_only);
	assert_int_equal(login(f->dd, "vic", pw2, &vs), BS_LOGIN_OK);
	assert_true(vs.must_enroll_totp);
	assert_int_equal(bs_account_totp_enroll(f->dd, &vs, "vic", pw2, secret), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "brokersec user totp vic"));
	/* the server's owner issues the seed to the person; only its code signs in now */
	assert_int_equal(bs_account_totp_enroll(f->dd, NULL, "vic", NULL, secret), 0);
	assert_int_equal(login(f->dd, "vic", pw2, &vs), BS_LOGIN_FAILED);
	snprintf(code, sizeof(code), "%06u", bs_totp(secret, sizeof(secret), T0 / 1000000, 6));
	assert_int_equal(bs_login(f->dd, "vic", pw2, code, "192.0.2.10", NULL, &r, &vs, why), 0);
	assert_int_equal(r, BS_LOGIN_OK);
	assert_false(vs.must_enroll_totp);
	/* with a confirmed factor a reset leaves it required */
	bs_clock_set(T0 + MIN_US);
	assert_int_equal(bs_reset_issue(f->dd, &adm, "vic", tok), 0);
	assert_int_equal(bs_reset_use(f->dd, tok, "Silent-Glacier-26-Thistle"), 0);
	assert_int_equal(login(f->dd, "vic", "Silent-Glacier-26-Thistle", &vs), BS_LOGIN_FAILED);
	assert_int_equal(bs_account_get(f->dd->store, "vic", &a), 0);
	assert_true(a.totp_enrolled);
	assert_false(a.totp_cli_only);
	/* a reset drops an unconfirmed seed the account made itself: its holder is unknown */
	struct bs_session_info es;
	assert_int_equal(bs_reset_issue(f->dd, &so, "emma", tok), 0);
	assert_int_equal(login(f->dd, "emma", "Quiet-Harbor-47-Lantern", &es), BS_LOGIN_OK);
	assert_int_equal(bs_account_totp_enroll(f->dd, &es, "emma", "Quiet-Harbor-47-Lantern", secret), 0);
	assert_int_equal(bs_reset_use(f->dd, tok, pw2), 0);
	assert_int_equal(bs_account_get(f->dd->store, "emma", &a), 0);
	assert_true(a.totp_cli_only);
	assert_int_equal(bs_account_totp_confirm(f->dd, "emma", code), BS_EDENIED); /* no seed left */
	assert_int_equal(login(f->dd, "emma", pw2, &es), BS_LOGIN_OK);
	assert_int_equal(bs_account_totp_enroll(f->dd, &es, "emma", pw2, secret), BS_EDENIED);
}

/* The other doors of the table on the core, the rules that bind the CLI too (deleted
 * accounts, the last active admin), and an actor whose role changed after sign-in. */
static void test_privilege_core(void **state)
{
	struct fx *f = *state;
	struct bs_session_info adm = actor(f->dd, "ada", BS_ROLE_ADMIN);
	struct bs_session_info so = actor(f->dd, "sol", BS_ROLE_SECURITY_OFFICER);
	struct bs_session_info it = actor(f->dd, "ivan", BS_ROLE_IT_STAFF);
	struct bs_account_new nw = { "newadm", NULL, BS_ROLE_ADMIN, BS_KIND_PERSONAL, 0, NULL, &so };
	struct bs_account a;
	char gen[32], tok[65];

	add(f->dd, "emma", BS_ROLE_EMPLOYEE, "Quiet-Harbor-47-Lantern");
	/* create: only admins, and a creator's new account gets its factor from the CLI */
	assert_int_equal(bs_account_create(f->dd, &nw, gen), BS_EDENIED);
	nw.role = BS_ROLE_EMPLOYEE;
	assert_int_equal(bs_account_create(f->dd, &nw, gen), BS_EDENIED);
	nw.by = &adm;
	nw.role = BS_ROLE_ADMIN;
	assert_int_equal(bs_account_create(f->dd, &nw, gen), 0);
	assert_int_equal(bs_account_get(f->dd->store, "newadm", &a), 0);
	assert_true(a.totp_cli_only);
	/* access: users.write, so admins only, never one's own */
	assert_int_equal(bs_account_set_access(f->dd, &so, "emma", "10.0.0.0/8", NULL, -1), BS_EDENIED);
	assert_int_equal(bs_account_set_access(f->dd, &it, "emma", "10.0.0.0/8", NULL, -1), BS_EDENIED);
	assert_int_equal(bs_account_set_access(f->dd, &adm, "ada", "10.0.0.0/8", NULL, -1), BS_EDENIED);
	assert_int_equal(bs_account_set_access(f->dd, &adm, "newadm", "10.0.0.0/8", NULL, -1), 0);
	/* an admin never demotes, disables or deletes itself */
	assert_int_equal(bs_account_set_role(f->dd, &adm, "ada", BS_ROLE_EMPLOYEE), BS_EDENIED);
	assert_int_equal(bs_account_set_state(f->dd, &adm, "ada", "disabled", NULL), BS_EDENIED);
	assert_int_equal(bs_account_set_state(f->dd, &adm, "ada", "deleted", NULL), BS_EDENIED);
	/* the actor is re-read: demoted after sign-in, it has lost its rights at once */
	assert_int_equal(bs_reset_issue(f->dd, &so, "emma", tok), 0);
	assert_int_equal(bs_account_set_role(f->dd, &adm, "sol", BS_ROLE_EMPLOYEE), 0);
	assert_int_equal(bs_reset_issue(f->dd, &so, "emma", tok), BS_EDENIED);
	assert_int_equal(bs_account_set_state(f->dd, &adm, "newadm", "disabled", NULL), 0);
	struct bs_session_info gone = adm;
	gone.account_id = a.id; /* a disabled account acts no more */
	assert_int_equal(bs_account_unlock(f->dd, &gone, "emma"), BS_EDENIED);
	/* the last active admin: not from the CLI either (ada is the only active admin now) */
	assert_int_equal(bs_account_set_role(f->dd, NULL, "ada", BS_ROLE_EMPLOYEE), BS_ECONFLICT);
	assert_non_null(strstr(bs_error_message(), "last active admin"));
	assert_int_equal(bs_account_set_state(f->dd, NULL, "ada", "disabled", NULL), BS_ECONFLICT);
	assert_int_equal(bs_account_set_state(f->dd, NULL, "ada", "deleted", NULL), BS_ECONFLICT);
	assert_int_equal(bs_account_set_state(f->dd, NULL, "newadm", "active", NULL), 0);
	assert_int_equal(bs_account_set_role(f->dd, NULL, "ada", BS_ROLE_EMPLOYEE), 0);
	assert_int_equal(bs_account_set_role(f->dd, NULL, "ada", BS_ROLE_ADMIN), 0);
	/* the automatic idle sweep still disables an idle last admin (A2.4.1.6.1) */
	assert_int_equal(bs_account_set_state(f->dd, NULL, "newadm", "disabled", NULL), 0);
	bs_clock_set(T0 + 91 * DAY_US);
	int swept;
	assert_int_equal(bs_account_sweep(f->dd, &swept), 0);
	assert_int_equal(bs_account_get(f->dd->store, "ada", &a), 0);
	assert_string_equal(a.state, "disabled");
	assert_int_equal(bs_account_set_state(f->dd, NULL, "ada", "active", NULL), 0);
	/* deleted accounts: no role, no unlock, no access, no factor, no reset */
	assert_int_equal(bs_account_set_state(f->dd, &adm, "emma", "deleted", NULL), 0);
	assert_int_equal(bs_account_set_role(f->dd, NULL, "emma", BS_ROLE_AUDITOR), BS_ECONFLICT);
	assert_non_null(strstr(bs_error_message(), "deleted (archived)"));
	assert_int_equal(bs_account_set_role(f->dd, &adm, "emma", BS_ROLE_AUDITOR), BS_ECONFLICT);
	assert_int_equal(bs_account_unlock(f->dd, NULL, "emma"), BS_ECONFLICT);
	assert_non_null(strstr(bs_error_message(), "cannot be unlocked"));
	assert_int_equal(bs_account_unlock(f->dd, &adm, "emma"), BS_ECONFLICT);
	assert_int_equal(bs_account_set_access(f->dd, NULL, "emma", "10.0.0.0/8", NULL, -1), BS_ECONFLICT);
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	assert_int_equal(bs_account_totp_enroll(f->dd, NULL, "emma", NULL, secret), BS_ECONFLICT);
	assert_int_equal(bs_reset_issue(f->dd, NULL, "emma", tok), BS_ECONFLICT);
	assert_int_equal(bs_account_get(f->dd->store, "emma", &a), 0);
	assert_int_equal(a.role, BS_ROLE_EMPLOYEE);
}

/* Issue 10 item 6: a password change ends the other sessions, voids older reset tokens; a
 * wrong current password counts toward the lockout; TOTP set-up asks for the password. */
static void test_password_change_hardening(void **state)
{
	struct fx *f = *state;
	const char *p0 = "Quiet-Harbor-47-Lantern", *p1 = "Amber-Falcon-93-Orchid", *p2 = "Copper-Meadow-58-Violet";
	struct bs_session_info s1, s2, chk;
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	struct bs_account a;
	char tok[65];

	add(f->dd, "paula", BS_ROLE_IT_STAFF, p0);
	assert_int_equal(login(f->dd, "paula", p0, &s1), BS_LOGIN_OK);
	assert_int_equal(login(f->dd, "paula", p0, &s2), BS_LOGIN_OK);
	assert_int_equal(bs_reset_issue(f->dd, NULL, "paula", tok), 0);
	assert_int_equal(bs_account_change_password(f->dd, "paula", p0, p1, s1.id), 0);
	assert_int_equal(bs_session_check(f->dd, s2.id, "192.0.2.10", &chk), BS_EDENIED);
	assert_int_equal(bs_session_check(f->dd, s1.id, "192.0.2.10", &chk), 0);
	assert_int_equal(bs_reset_use(f->dd, tok, p2), BS_EDENIED); /* issued for the old password */
	/* wrong current passwords lock the account like failed sign-ins, and end its sessions */
	bs_clock_set(T0 + 2 * DAY_US);
	assert_int_equal(login(f->dd, "paula", p1, &s2), BS_LOGIN_OK);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(bs_account_change_password(f->dd, "paula", "Wrong-Password-99x", p2, s1.id), BS_EDENIED);
		assert_non_null(strstr(bs_error_message(), "current password is wrong"));
	}
	assert_int_equal(bs_account_get(f->dd->store, "paula", &a), 0);
	assert_int_equal(a.failures, 4);
	assert_int_equal(bs_account_totp_enroll(f->dd, &s1, "paula", "Wrong-Password-99x", secret), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "now locked"));
	assert_int_equal(bs_account_get(f->dd->store, "paula", &a), 0);
	assert_int_equal(a.locked_until_us, T0 + 2 * DAY_US + 15 * MIN_US);
	assert_int_equal(bs_session_count(f->dd->store, a.id), 0);
	/* locked: the right password changes nothing, and signs nobody in */
	assert_int_equal(bs_account_change_password(f->dd, "paula", p1, p2, NULL), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "locked"));
	assert_int_equal(login(f->dd, "paula", p1, &s2), BS_LOGIN_FAILED);
	bs_clock_set(T0 + 2 * DAY_US + 15 * MIN_US);
	assert_int_equal(login(f->dd, "paula", p1, &s1), BS_LOGIN_OK);
	/* TOTP set-up: only with the password, only for oneself */
	assert_int_equal(bs_account_totp_enroll(f->dd, &s1, "paula", NULL, secret), BS_EINVALID);
	struct bs_session_info other = s1;
	other.account_id = 0;
	assert_int_equal(bs_account_totp_enroll(f->dd, &other, "paula", p1, secret), BS_EDENIED);
	assert_int_equal(bs_account_totp_enroll(f->dd, &s1, "paula", p1, secret), 0);
	assert_int_equal(bs_account_get(f->dd->store, "paula", &a), 0);
	assert_int_equal(a.failures, 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	/* a test run, as tests/run.sh declares it: the fixture's data directories are test ones */
	if (setenv(BS_TESTING_ENV, "1", 1) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perm_table),
		cmocka_unit_test(test_policy_only_tightens),
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_test_kdf),
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_windows_taipei),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test_setup_teardown(test_lockout, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_history_and_ages, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_reset_token, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_sessions, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_remote_access, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_expiry_and_review, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_totp_login_and_tokens, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_totp_seed_sealed, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_token_list_revoke, setup_dd, teardown_dd),
		cmocka_unit_test(test_privilege_table),
		cmocka_unit_test_setup_teardown(test_privilege_reset_chain, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_privilege_core, setup_dd, teardown_dd),
		cmocka_unit_test_setup_teardown(test_password_change_hardening, setup_dd, teardown_dd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
