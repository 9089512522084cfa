-- Identity and access control (issue 3): accounts, password history, policy, remote-access
-- rules, sessions, reset and API tokens, reviews. Secrets are stored only hashed:
-- pw_hash is Argon2id (crypto_pwhash_str); *_hash columns are BLAKE2b-256 of 256-bit
-- random tokens. Deleted accounts are archived (state 'deleted'), never erased.
CREATE TABLE account (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
	full_name TEXT NOT NULL DEFAULT '' CHECK (length(full_name) <= 200),
	role TEXT NOT NULL CHECK (role IN ('admin', 'security_officer', 'auditor', 'it_staff', 'employee')),
	kind TEXT NOT NULL CHECK (kind IN ('personal', 'temporary', 'emergency')),
	state TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
	disabled_reason TEXT NOT NULL DEFAULT '',
	expires_us INTEGER NOT NULL DEFAULT 0,
	pw_hash TEXT NOT NULL,
	pw_changed_us INTEGER NOT NULL,
	must_change INTEGER NOT NULL DEFAULT 1 CHECK (must_change IN (0, 1)),
	failures INTEGER NOT NULL DEFAULT 0,
	locked_until_us INTEGER NOT NULL DEFAULT 0,
	totp_secret BLOB,
	totp_last_step INTEGER NOT NULL DEFAULT 0,
	last_login_us INTEGER NOT NULL DEFAULT 0,
	networks TEXT NOT NULL DEFAULT '',
	hours TEXT NOT NULL DEFAULT '',
	max_sessions INTEGER NOT NULL DEFAULT 0 CHECK (max_sessions >= 0),
	created_us INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	updated_us INTEGER NOT NULL
);

CREATE TABLE password_history (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES account (id),
	pw_hash TEXT NOT NULL,
	created_us INTEGER NOT NULL
);
CREATE INDEX password_history_account ON password_history (account_id, created_us);

CREATE TABLE auth_policy (
	key TEXT PRIMARY KEY,
	value INTEGER NOT NULL,
	updated_us INTEGER NOT NULL,
	updated_by TEXT NOT NULL
);

CREATE TABLE role_access (
	role TEXT PRIMARY KEY,
	networks TEXT NOT NULL DEFAULT '',
	hours TEXT NOT NULL DEFAULT '',
	max_sessions INTEGER NOT NULL DEFAULT 0 CHECK (max_sessions >= 0)
);

CREATE TABLE session (
	id_hash BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
	account_id INTEGER NOT NULL REFERENCES account (id),
	csrf_hash BLOB NOT NULL CHECK (length(csrf_hash) = 32),
	source TEXT NOT NULL,
	created_us INTEGER NOT NULL,
	last_us INTEGER NOT NULL
);
CREATE INDEX session_account ON session (account_id);

CREATE TABLE reset_token (
	token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
	account_id INTEGER NOT NULL REFERENCES account (id),
	created_us INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	expires_us INTEGER NOT NULL,
	used_us INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_token (
	id INTEGER PRIMARY KEY,
	token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	account_id INTEGER NOT NULL REFERENCES account (id),
	scopes TEXT NOT NULL,
	created_us INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	expires_us INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);

CREATE TABLE account_review (
	id INTEGER PRIMARY KEY,
	reviewed_us INTEGER NOT NULL,
	reviewed_by TEXT NOT NULL,
	accounts INTEGER NOT NULL,
	anomalies INTEGER NOT NULL
);
