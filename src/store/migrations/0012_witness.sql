-- Issue 20: witnesses of the event log's head (src/witness, docs/eventlog-format.md "Witnesses").
-- The heads this brokersec delivered to its witnesses (serve --witness): the latest goes into
-- the assessment report. url never holds credentials (the token comes from a file).
CREATE TABLE witness_delivery (
	url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
	line TEXT NOT NULL CHECK (length(line) BETWEEN 1 AND 400),
	log_id TEXT NOT NULL CHECK (length(log_id) = 32),
	size INTEGER NOT NULL CHECK (size >= 0),
	root TEXT NOT NULL CHECK (length(root) = 64),
	time_us INTEGER NOT NULL,
	delivered_at TEXT NOT NULL,
	delivered_us INTEGER NOT NULL,
	http_status INTEGER NOT NULL, -- 0: sent over UDP (syslog://), no receipt
	PRIMARY KEY (url, line)
);
CREATE INDEX witness_delivery_at ON witness_delivery (delivered_us);
-- As a witness (POST /api/v1/witness): the public key pinned per log (first sight, or
-- `brokersec witness trust`), and the count of heads received since the last hourly summary
-- event (witness.received).
CREATE TABLE witness_key (
	log_id TEXT PRIMARY KEY CHECK (length(log_id) = 32),
	pubkey TEXT NOT NULL CHECK (length(pubkey) = 64),
	how TEXT NOT NULL CHECK (how IN ('first-sight', 'trust')),
	pinned_at TEXT NOT NULL,
	pinned_by TEXT NOT NULL,
	summary_hour INTEGER NOT NULL DEFAULT 0,
	pending INTEGER NOT NULL DEFAULT 0
);
-- Every distinct head received: all of it is evidence.
CREATE TABLE witness_head (
	id INTEGER PRIMARY KEY,
	log_id TEXT NOT NULL REFERENCES witness_key (log_id),
	size INTEGER NOT NULL CHECK (size >= 0),
	root TEXT NOT NULL CHECK (length(root) = 64),
	time_us INTEGER NOT NULL,
	line TEXT NOT NULL UNIQUE CHECK (length(line) BETWEEN 1 AND 400),
	received_at TEXT NOT NULL,
	source TEXT NOT NULL
);
CREATE INDEX witness_head_log ON witness_head (log_id, size, id);
