-- Issue 19 (second half): notifications that reach a person (src/notify, docs/notifications.md).
-- A channel is an SMTP server (STARTTLS or TLS, always verified) or an HTTPS webhook. Its
-- secret (the SMTP password, the webhook's HMAC key) is sealed with keys/secrets.key
-- (bs_keys_seal_secret, bound to "notify:<id>"): a copy of this database alone does not give
-- it away. A removed channel stays (removed_at) so that its queue rows keep their meaning.
CREATE TABLE notify_channel (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
	kind TEXT NOT NULL CHECK (kind IN ('smtp', 'webhook')),
	url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
	mail_from TEXT,
	mail_to TEXT,
	username TEXT,
	secret BLOB,
	ca_file TEXT,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	removed_at TEXT
);
CREATE UNIQUE INDEX notify_channel_live ON notify_channel (name) WHERE removed_at IS NULL;
-- Which classes of events a channel is told of.
CREATE TABLE notify_sub (
	channel_id INTEGER NOT NULL REFERENCES notify_channel (id),
	class TEXT NOT NULL CHECK (class IN ('log', 'lockout', 'integrity', 'phishing', 'duties', 'findings')),
	PRIMARY KEY (channel_id, class)
);
-- The outbox: one row per message and channel. state: pending (next_us says when it is tried),
-- sent, dead (after the last attempt; an event). key makes enqueueing idempotent: "event:<seq>",
-- "digest:<day>:<person>", "findings:<day>", "alert:<sha256>", "test:<us>".
CREATE TABLE notify_queue (
	id INTEGER PRIMARY KEY,
	channel_id INTEGER NOT NULL REFERENCES notify_channel (id),
	class TEXT NOT NULL,
	key TEXT NOT NULL,
	event_seq INTEGER,
	recipients TEXT,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	payload TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_us INTEGER NOT NULL,
	created_us INTEGER NOT NULL,
	last_us INTEGER,
	last_error TEXT,
	status INTEGER,
	UNIQUE (channel_id, key)
);
CREATE INDEX notify_queue_due ON notify_queue (state, next_us);
-- The notifier's place: the last event seq read, the last day's digest (Taiwan date), the
-- event-log alert flag last told (its SHA-256).
CREATE TABLE notify_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	cursor_seq INTEGER NOT NULL DEFAULT 0,
	digest_day TEXT NOT NULL DEFAULT '',
	alert_sha256 TEXT NOT NULL DEFAULT ''
);
INSERT INTO notify_state (id) VALUES (1);
