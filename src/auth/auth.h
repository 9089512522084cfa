/*
 * auth.h - identity and access control for brokersec's own users (SR.10, A2.4.1.6, A2.5.4).
 *
 * Accounts (personal, temporary, emergency), roles and the ONE permission table, the
 * password policy (Argon2id, dictionary, history, ages), lockout, per-source throttling,
 * one-time reset tokens, remote-access rules (networks, Asia/Taipei time windows, concurrent
 * sessions), sessions with CSRF tokens, scoped API tokens and TOTP (RFC 6238).
 *
 * Secrets: passwords are hashed with Argon2id (crypto_pwhash_str); session ids, CSRF, reset
 * and API tokens are 256-bit random values stored only as BLAKE2b-256 hashes (a fast hash is
 * enough for uniformly random 256-bit secrets). Nothing here logs or returns a secret except
 * the functions that mint one, which hand it to the caller exactly once.
 *
 * Every change of state is recorded with bs_audit() before it commits (fail closed); the
 * actor is dd->actor and the place dd->source.
 */
#ifndef BS_AUTH_AUTH_H
#define BS_AUTH_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "datadir/datadir.h"

/* ---- roles and permissions: the one table (perm.c) ---- */

enum bs_perm {
	BS_PERM_NONE = 0,     /* public: no sign-in needed */
	BS_PERM_SELF,         /* own account: /me, own password, sign out */
	BS_PERM_CONTROLS_READ,
	BS_PERM_STATUS_READ,
	BS_PERM_EVIDENCE_READ,
	BS_PERM_EVIDENCE_WRITE,
	BS_PERM_EVENTS_READ,
	BS_PERM_EVENTS_APPEND,
	BS_PERM_USERS_READ,
	BS_PERM_USERS_WRITE,  /* create, disable, enable, delete, change role */
	BS_PERM_USERS_RESET,  /* issue reset tokens, unlock */
	BS_PERM_POLICY_READ,
	BS_PERM_POLICY_WRITE,
	BS_PERM_TOKENS_MANAGE,
	BS_PERM_TRAINING_SELF,
	BS_PERM_REGISTERS_READ,  /* the registers, their history and the deadlines (due) */
	BS_PERM_REGISTERS_WRITE, /* add, update and archive register records */
	BS_PERM_EVIDENCE_REVIEW, /* accept or reject submitted evidence (docs/status.md) */
	BS_PERM_ASSESS_FOLLOWUP, /* the audit unit's follow-up of assessment findings (Annex 2 捌) */
	BS_PERM_SCANS_UPLOAD,    /* a PC's Windows export bundle saved as its scan (POST /scans, the collector) */
	BS_PERM_WITNESS_WRITE,   /* store another brokersec's event-log heads (POST /witness, issue 20) */
	BS_PERM_COUNT
};

enum bs_role {
	BS_ROLE_ADMIN,
	BS_ROLE_SECURITY_OFFICER,
	BS_ROLE_AUDITOR,
	BS_ROLE_IT_STAFF,
	BS_ROLE_EMPLOYEE,
	BS_ROLE_COUNT
};

const char *bs_perm_name(enum bs_perm p);
/* BS_PERM_COUNT when unknown. */
enum bs_perm bs_perm_parse(const char *name);
const char *bs_role_name(enum bs_role r);
/* 0 and *out, or BS_EINVALID naming the allowed roles. */
int bs_role_parse(const char *name, enum bs_role *out);
/* 1 when role holds perm (BS_PERM_NONE is held by everyone). */
int bs_role_has(enum bs_role r, enum bs_perm p);
/* The role x permission matrix as a Markdown table (docs/roles.md is checked against it). */
void bs_perm_matrix_markdown(struct bs_buf *out);

/* ---- who may act on whom (perm.c): the second table, docs/roles.md ---- */

/* The operations one account can do on another. Each needs a route-level permission
 * (bs_account_op_perm) and then passes bs_account_may() against the target. */
enum bs_account_op {
	BS_OP_CREATE,  /* users.write: make an account with a role */
	BS_OP_ROLE,    /* users.write */
	BS_OP_DISABLE, /* users.write */
	BS_OP_ENABLE,  /* users.write */
	BS_OP_DELETE,  /* users.write */
	BS_OP_ACCESS,  /* users.write: the account's own remote-access rule */
	BS_OP_RESET,   /* users.reset: issue a one-time reset token */
	BS_OP_UNLOCK,  /* users.reset */
	BS_OP_TOKEN_REVOKE, /* tokens.manage: revoke an API token of another account */
	BS_OP_COUNT
};

/* admin 3 > security_officer 2 > auditor = it_staff = employee 1. */
int bs_role_rank(enum bs_role r);
const char *bs_account_op_name(enum bs_account_op op);
enum bs_perm bs_account_op_perm(enum bs_account_op op);
/* 0 when a signed-in account of role actor may do op on an account of role target (self:
 * its own account), else BS_EDENIED saying why. For BS_OP_CREATE target is the new
 * account's role; for BS_OP_CREATE and BS_OP_ROLE `to` is the role given (else pass target).
 * The rule: the actor holds the operation's permission; never its own account; the target's
 * rank is strictly below the actor's, except that an admin acts on admins; a role given is
 * never above the actor's. The data directory's owner (the CLI) is not bound by it; the
 * last-admin and deleted-account rules need the database and live in account.c. */
int bs_account_may(enum bs_role actor, int self, enum bs_account_op op, enum bs_role target, enum bs_role to);
/* The operation x actor x target table as Markdown (docs/roles.md is checked against it). */
void bs_privilege_matrix_markdown(struct bs_buf *out);

/* ---- policy (policy.c) ---- */

enum bs_policy_key {
	BS_POL_MIN_LENGTH,        /* >= 12 */
	BS_POL_MIN_CLASSES,       /* >= 3, <= 4 */
	BS_POL_HISTORY,           /* >= 3, <= 24 */
	BS_POL_MIN_AGE_DAYS,      /* >= 1 */
	BS_POL_MAX_AGE_DAYS,      /* <= 90 */
	BS_POL_LOCKOUT_THRESHOLD, /* <= 5, >= 1 */
	BS_POL_LOCKOUT_MINUTES,   /* >= 15 */
	BS_POL_IDLE_MINUTES,      /* session idle timeout, <= 15 */
	BS_POL_ABSOLUTE_HOURS,    /* session lifetime, <= 8 */
	BS_POL_ACCOUNT_IDLE_DAYS, /* unused accounts disabled after, <= 90 */
	BS_POL_RESET_MINUTES,     /* reset token lifetime, <= 15 */
	BS_POL_THROTTLE_PER_MIN,  /* attempts per source address per minute, <= 30 */
	BS_POL_TOTP_ADMIN,        /* 1: admins must use TOTP (only 1 allowed) */
	BS_POL_COUNT
};

struct bs_policy {
	int64_t v[BS_POL_COUNT];
};

struct bs_policy_info {
	const char *key;       /* "password.min_length" */
	int64_t def;           /* the default: the regulation's number */
	int64_t lo, hi;        /* the allowed range: one end is the regulation's number */
	const char *source;    /* catalog id the bound comes from */
	const char *what;      /* English explanation */
};

const struct bs_policy_info *bs_policy_info(enum bs_policy_key k);
void bs_policy_defaults(struct bs_policy *p);
/* Parses "KEY=VALUE" and checks it is no looser than the regulation (BS_EINVALID with the
 * bound and its clause otherwise). Sets *key and *value. */
int bs_policy_parse_assignment(const char *kv, enum bs_policy_key *key, int64_t *value);
/* Checks a whole policy for consistency (e.g. min age < max age). */
int bs_policy_check(const struct bs_policy *p);
int bs_policy_load(struct bs_store *s, struct bs_policy *out);
/* Stores one value after bs_policy_parse_assignment; audited as policy.set. */
int bs_policy_set(struct bs_datadir *dd, enum bs_policy_key key, int64_t value);

/* ---- passwords (password.c) ---- */

/* Argon2id cost, chosen by benchmark (docs/roles.md): ~100 ms on a 2-core server. While a
 * test data directory is open (bs_datadir_test_kdf_active(), datadir.h) hashes are made at
 * libsodium's minimum cost instead; that is the one test setting, for the test suite only. */
#define BS_PWHASH_OPSLIMIT 3ULL
#define BS_PWHASH_MEMLIMIT (64u * 1024 * 1024)
#define BS_PASSWORD_MAX 256
#define BS_PWHASH_MAX 128

/* Checks composition: length, character classes, not containing the username (case-
 * insensitive), not a dictionary word (cracklib). Returns 0 or BS_EINVALID saying which
 * rule failed (never echoing the password). */
int bs_password_check(const struct bs_policy *p, const char *username, const char *pw);
/* The dictionary part alone (cracklib FascistCheckUser; thread-safe here). */
int bs_password_dictionary(const char *pw, const char *username);
/* Argon2id. At most bs_pwhash_slots() run at once; waits up to 10 s for a slot, then
 * BS_ECONFLICT ("busy"). out is BS_PWHASH_MAX bytes. */
int bs_password_hash(const char *pw, char out[BS_PWHASH_MAX]);
/* 1 match, 0 no match, <0 error (busy). The cost is read from the hash, so any hash
 * verifies in a test data directory; outside one a hash below the production cost (copied
 * from a test directory) never matches, after the same work as a real verification. */
int bs_password_verify(const char *hash, const char *pw);
/* 1 when hash is below the production cost (or not an Argon2 hash string), else 0. */
int bs_password_hash_is_weak(const char *hash);
/* Verifies pw against a fixed dummy hash of the same cost: used for unknown users so the
 * answer takes as long as for a real one. Always returns 0. */
int bs_password_dummy_verify(const char *pw);
/* A random initial password that meets the default policy (20 chars). Wipe after use. */
void bs_password_generate(char out[32]);
int bs_pwhash_slots(void);

/* ---- TOTP / HOTP (totp.c) ---- */

#define BS_TOTP_SECRET_BYTES 20
/* RFC 4226 HOTP with HMAC-SHA1 (GnuTLS), digits 6..8. */
uint32_t bs_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);
/* RFC 6238 TOTP: 30-second steps. */
uint32_t bs_totp(const unsigned char *key, size_t keylen, int64_t unix_seconds, int digits);
/* Checks a 6-digit code at now +/- one step; returns the matched step (> last_step, so a
 * code is used once) or 0 when it does not match. */
int64_t bs_totp_check(const unsigned char *key, size_t keylen, int64_t unix_seconds, const char *code,
		      int64_t last_step);
/* RFC 4648 base32 without padding; out needs 8*n/5+2 bytes. */
void bs_base32_encode(const unsigned char *in, size_t n, char *out, size_t outsz);

/* ---- remote access: networks and time windows (net.c) ---- */

struct bs_cidr {
	int family;                  /* 4 or 6 */
	unsigned char addr[16];
	int prefix;
};

/* "192.0.2.0/24", "2001:db8::/32", a bare address means /32 or /128. */
int bs_cidr_parse(const char *s, struct bs_cidr *out);
/* addr is textual ("192.0.2.7", "::ffff:192.0.2.7", "2001:db8::1"). 1 match, 0 not. */
int bs_cidr_match(const struct bs_cidr *c, const char *addr);
/* Comma-separated list; empty list allows everything. 1 allowed, 0 not, <0 invalid list. */
int bs_networks_allow(const char *list, const char *addr);

/* Time windows in Asia/Taipei (UTC+08:00, no DST): "mon-fri 08:00-18:00,sat 09:00-12:00",
 * days mon..sun or '*'. Empty allows all the time. 1 allowed, 0 not, <0 invalid. */
int bs_windows_allow(const char *spec, int64_t now_us);
/* Validates a window spec without evaluating; 0 or BS_EINVALID. */
int bs_windows_check(const char *spec);

/* ---- per-source throttling (throttle.c, in memory, thread-safe) ---- */

/* Counts one attempt from source; 0 when allowed, BS_EDENIED (with the seconds to wait in
 * *retry_after) when source made more than per_minute attempts in the last minute. */
int bs_throttle_hit(const char *source, int per_minute, int64_t now_us, int *retry_after);
void bs_throttle_reset(void);

/* ---- accounts (account.c) ---- */

/* Who asks for a change to another account (`by` below): the signed-in account (the API),
 * or NULL for the data directory's owner (the CLI, the root of trust: docs/roles.md). A
 * signed-in actor is re-read inside the change's transaction and must pass
 * bs_account_may(); its refusals are auth.denied events and BS_EDENIED. Everyone, the CLI
 * included, is refused a change to a deleted account and the demotion, disabling or
 * deletion of the last active admin (BS_ECONFLICT). */
struct bs_session_info;

enum bs_account_kind { BS_KIND_PERSONAL, BS_KIND_TEMPORARY, BS_KIND_EMERGENCY };

struct bs_account {
	int64_t id;
	char username[65];
	char full_name[201];
	enum bs_role role;
	enum bs_account_kind kind;
	char state[16];              /* "active", "disabled", "deleted" */
	char disabled_reason[128];
	int64_t expires_us;          /* 0: never */
	int64_t pw_changed_us;
	int must_change;
	int failures;
	int64_t locked_until_us;
	int totp_enrolled;
	int64_t last_login_us;
	int64_t created_us;
	int64_t updated_us;          /* last change by an administrator */
	char created_by[65];
	char networks[512];          /* account's own remote-access rule, "" none */
	char hours[256];
	int max_sessions;            /* 0: unlimited */
	int totp_cli_only;           /* a second factor only from 'brokersec user totp' until one is confirmed */
};

const char *bs_account_kind_name(enum bs_account_kind k);
/* [a-z0-9][a-z0-9._-]{0,63}; 0 or BS_EINVALID. */
int bs_username_check(const char *u);

struct bs_account_new {
	const char *username;
	const char *full_name;       /* may be NULL */
	enum bs_role role;
	enum bs_account_kind kind;
	int64_t expires_us;          /* required for temporary/emergency */
	const char *password;        /* NULL: generate one into generated[] */
	const struct bs_session_info *by; /* the signed-in creator (API), NULL for the CLI */
};

/* Creates an account whose password must be changed at first sign-in. When nw->password
 * is NULL a random one is written to generated (wipe it). Audited account.create. An
 * account made by a signed-in admin gets its second factor only from the CLI
 * (totp_cli_only): its creator saw its first password. */
int bs_account_create(struct bs_datadir *dd, const struct bs_account_new *nw, char generated[32]);
int bs_account_get(struct bs_store *s, const char *username, struct bs_account *out);
int bs_account_get_id(struct bs_store *s, int64_t id, struct bs_account *out);
/* Every account that is not deleted (include_deleted: all), ordered by username. */
int bs_account_list(struct bs_store *s, int include_deleted, struct bs_account **out, size_t *n);
/* state: "active", "disabled" or "deleted"; reason may be NULL. */
int bs_account_set_state(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			 const char *state, const char *reason);
int bs_account_set_role(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			enum bs_role role);
int bs_account_unlock(struct bs_datadir *dd, const struct bs_session_info *by, const char *username);
/* networks / hours may be NULL to leave unchanged; max_sessions < 0 leaves unchanged. */
int bs_account_set_access(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			  const char *networks, const char *hours, int max_sessions);
/* Per-role rule (scope "role:<name>"). */
int bs_role_set_access(struct bs_datadir *dd, enum bs_role role, const char *networks, const char *hours,
		       int max_sessions);
int bs_role_get_access(struct bs_store *s, enum bs_role role, char networks[512], char hours[256], int *max_sessions);
/* Issues a new TOTP seed for username into secret. Audited account.totp_enroll.
 * by NULL (the CLI, 'brokersec user totp'): for any account that is not deleted, replacing
 * any seed; the account's factor then comes only from the CLI until the seed is confirmed,
 * and sign-in asks for its code (a first sign-in with a right code confirms it).
 * by non-NULL (POST /me/totp): the signed-in account's own (username is by's); password
 * must be its current password (a wrong one counts toward the lockout, a locked account is
 * refused: BS_EDENIED); BS_ECONFLICT when a factor is confirmed already; BS_EDENIED when the
 * seed must come from the CLI (totp_cli_only). */
int bs_account_totp_enroll(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			   const char *password, unsigned char secret[BS_TOTP_SECRET_BYTES]);
/* Confirms the enrolled secret with a current code (then sign-in requires codes).
 * BS_EDENIED when the code is wrong or no secret is enrolled. Audited. */
int bs_account_totp_confirm(struct bs_datadir *dd, const char *username, const char *code);
/* Disables expired temporary/emergency accounts and accounts idle longer than the policy.
 * *n gets how many were disabled. Each is an event. */
int bs_account_sweep(struct bs_datadir *dd, int *n);

/* Changes a password. When current is non-NULL it is verified first (self-service: a
 * locked account is refused and a wrong current password counts toward the lockout like a
 * failed sign-in, both BS_EDENIED; the minimum age applies unless a change is required).
 * Checks the policy and the history, clears must_change, voids unused reset tokens and ends
 * every session of the account except keep_session (the caller's, which it rotates; NULL:
 * all). */
int bs_account_change_password(struct bs_datadir *dd, const char *username, const char *current,
			       const char *new_pw, const char *keep_session);

/* The first run: when no account has ever signed in or chosen its password, gives the
 * first administrator made by init a new one-time password (generated, to wipe) and its name
 * (username, 65 bytes); audited account.first_password. 1 done, 0 not a first run (nothing
 * changed), <0 error. `serve` prints it on its sign-in screen. */
int bs_account_first_password(struct bs_datadir *dd, char username[65], char generated[32]);

/* Issues a one-time reset token (valid BS_POL_RESET_MINUTES), stored hashed; the account
 * must change its password. token gets 64 hex chars + NUL, for the issuer to hand to the
 * person: a signed-in issuer passes bs_account_may() (so it outranks the account, or both
 * are admins) and never resets itself. */
int bs_reset_issue(struct bs_datadir *dd, const struct bs_session_info *by, const char *username, char token[65]);
/* Uses a reset token once: sets new_pw (policy and history apply, not the minimum age),
 * ends every session and, unless a second factor is confirmed, leaves the account to get
 * one only from the CLI (the issuer could have used the token: totp_cli_only).
 * BS_EDENIED for an unknown, used or expired token. */
int bs_reset_use(struct bs_datadir *dd, const char *token, const char *new_pw);

/* The periodic review: every account with anomalies; records account.review. */
struct bs_review_row {
	struct bs_account a;
	char anomalies[256];         /* "; "-separated, "" when none */
};
int bs_account_review(struct bs_datadir *dd, struct bs_review_row **out, size_t *n);

/* ---- sign-in and sessions (session.c) ---- */

enum bs_login_result {
	BS_LOGIN_OK,
	BS_LOGIN_FAILED,     /* wrong username/password/TOTP, locked, disabled: one answer */
	BS_LOGIN_REFUSED,    /* right credentials, but remote-access rules refuse (network, hours, sessions) */
};

struct bs_session_info {
	int64_t account_id;
	char username[65];
	enum bs_role role;
	int must_change;             /* password must change before anything else */
	int must_enroll_totp;        /* TOTP must be enrolled before anything else */
	int64_t created_us;
	char id[65];                 /* the cookie value (only after login/rotate) */
	char csrf[65];               /* the CSRF token (only after login/rotate) */
};

/* Signs in from source (the client address). On BS_LOGIN_OK a new session is created (any
 * old session old_id presented by the client is destroyed: no fixation). *result says the
 * outcome; the return value is 0 or an internal error. refusal gets a message for REFUSED.
 * A failure of an existing account is an auth.login event written here (it counts toward
 * the lockout, so at most the threshold per account and lockout period). A username with no
 * active account changes nothing and is not recorded here: *result is BS_LOGIN_FAILED and
 * refusal holds the event's message, for the caller to record as an auth.login failure at a
 * rate it bounds (the HTTP server: refusal.c). For every other outcome but REFUSED refusal
 * is "". */
int bs_login(struct bs_datadir *dd, const char *username, const char *password, const char *totp,
	     const char *source, const char *old_id, enum bs_login_result *result,
	     struct bs_session_info *out, char refusal[160]);
/* Looks up and refreshes a session: BS_EDENIED when unknown, idle, expired, or the account
 * is no longer active or the source no longer allowed. */
int bs_session_check(struct bs_datadir *dd, const char *id, const char *source, struct bs_session_info *out);
/* 1 when csrf matches the session's token (constant time). */
int bs_session_csrf_ok(struct bs_datadir *dd, const char *id, const char *csrf);
/* Destroys a session (logout). */
int bs_session_end(struct bs_datadir *dd, const char *id);
/* Replaces the session with a new id and CSRF token (privilege change). */
int bs_session_rotate(struct bs_datadir *dd, const char *old_id, struct bs_session_info *io);
int bs_session_count(struct bs_store *s, int64_t account_id);

/* ---- API tokens ---- */

/* Creates a token for username with the given permissions (comma-separated names, each
 * held by the account's role; never `training.self`, a person's own), valid days (1..365).
 * token gets "bst_" + 64 hex + NUL. Audited token.create. */
int bs_token_create(struct bs_datadir *dd, const char *username, const char *scopes, int days, char token[69]);
/* The same, and *id gets the new token's id (bs_token_list, bs_token_revoke). */
int bs_token_issue(struct bs_datadir *dd, const char *username, const char *scopes, int days, char token[69],
		   int64_t *id);

/* One API token as bs_token_list shows it: never the token nor its hash. */
struct bs_token_info {
	int64_t id;
	char owner[65];              /* the account's username */
	enum bs_role owner_role;
	char scopes[512];            /* comma-separated permission names */
	int64_t created_us;
	char created_by[65];
	int64_t expires_us;
	int revoked;
};

/* The API tokens (token.c), newest first. owner: one account's (NULL: every account's).
 * by NULL is the data directory's owner (the CLI): every token. A signed-in account (the API)
 * sees its own tokens, and every account's only when its role holds tokens.manage; asking
 * for another account's without it is BS_EDENIED (an auth.denied event). Free *out. */
int bs_token_list(struct bs_datadir *dd, const struct bs_session_info *by, const char *owner,
		  struct bs_token_info **out, size_t *n);
/* 0 when by (NULL: the CLI) may revoke t, else BS_EDENIED saying why: its own token always;
 * another account's with tokens.manage and the who-may-act-on-whom rule (docs/roles.md). */
int bs_token_may_revoke(const struct bs_session_info *by, const struct bs_token_info *t);
/* Revokes token id (bs_token_may_revoke, the actor re-read inside the transaction; a refusal
 * is an auth.denied event): audited token.revoke. BS_ENOTFOUND for no such token,
 * BS_ECONFLICT when it is revoked already. *owner (65 bytes, may be NULL) gets its account. */
int bs_token_revoke(struct bs_datadir *dd, const struct bs_session_info *by, int64_t id, char owner[65]);
/* Checks a bearer token for perm: 0 and the account into *out, else BS_EDENIED. On
 * BS_EDENIED out->account_id is 0 when the token is unknown, expired or revoked (the client is
 * not authenticated: 401 invalid_token), and the token's account (id, username, role) when
 * the token is valid but lacks perm (403 insufficient_scope). */
int bs_token_check(struct bs_datadir *dd, const char *token, enum bs_perm perm, struct bs_session_info *out);

#endif
