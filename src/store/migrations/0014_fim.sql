-- Issue 16: file integrity and ransomware detection (src/fim, docs/fim.md).
-- A baseline per root: one is active (the latest); its entries' canonical digest is signed with
-- the data directory's Ed25519 key and pinned by the fim.baseline event in the event log.
CREATE TABLE fim_baseline (
	id INTEGER PRIMARY KEY,
	root TEXT NOT NULL CHECK (length(root) BETWEEN 1 AND 4096),
	host_id TEXT NOT NULL CHECK (length(host_id) BETWEEN 1 AND 64),
	policy_file TEXT NOT NULL,
	policy_text TEXT NOT NULL,
	algo TEXT NOT NULL CHECK (algo = 'sha256'),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	entries INTEGER NOT NULL CHECK (entries >= 0),
	digest TEXT NOT NULL CHECK (length(digest) = 64),
	sig TEXT NOT NULL CHECK (length(sig) = 128),
	active INTEGER NOT NULL CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX fim_baseline_active ON fim_baseline (root) WHERE active = 1;
CREATE TABLE fim_entry (
	baseline_id INTEGER NOT NULL REFERENCES fim_baseline (id),
	path TEXT NOT NULL,
	type TEXT NOT NULL CHECK (type IN ('f', 'd', 'l', 'c', 'b', 'p', 's')),
	attrs INTEGER NOT NULL,
	mode INTEGER NOT NULL,
	uid INTEGER NOT NULL,
	gid INTEGER NOT NULL,
	size INTEGER NOT NULL,
	mtime_ns INTEGER NOT NULL,
	ctime_ns INTEGER NOT NULL,
	inode INTEGER NOT NULL,
	entropy INTEGER NOT NULL,
	compressed INTEGER NOT NULL,
	hash TEXT NOT NULL,
	xattrs TEXT NOT NULL,
	acl TEXT NOT NULL,
	link TEXT,
	err TEXT,
	PRIMARY KEY (baseline_id, path)
) WITHOUT ROWID;
-- Each check run: what status reads (A2.5.3.3, SR.15, A3.4).
CREATE TABLE fim_check (
	id INTEGER PRIMARY KEY,
	baseline_id INTEGER NOT NULL REFERENCES fim_baseline (id),
	root TEXT NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT NOT NULL,
	finished_us INTEGER NOT NULL,
	full INTEGER NOT NULL,
	files INTEGER NOT NULL,
	hashed INTEGER NOT NULL,
	reused INTEGER NOT NULL,
	bytes_hashed INTEGER NOT NULL,
	added INTEGER NOT NULL,
	removed INTEGER NOT NULL,
	changed INTEGER NOT NULL,
	unreadable INTEGER NOT NULL,
	vanished INTEGER NOT NULL,
	loops INTEGER NOT NULL,
	indicators INTEGER NOT NULL,
	score INTEGER NOT NULL,
	incident_id INTEGER,
	by TEXT NOT NULL
);
CREATE INDEX fim_check_at ON fim_check (finished_us);
-- Canary files (fim canary plant): any change to one is an alert.
CREATE TABLE fim_canary (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL UNIQUE,
	hash TEXT NOT NULL CHECK (length(hash) = 64),
	planted_at TEXT NOT NULL,
	planted_by TEXT NOT NULL
);
