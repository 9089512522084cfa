-- The organisation, its profile (applicability flags) and evidence files.
CREATE TABLE org (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	created_at TEXT NOT NULL
);

CREATE TABLE profile (
	flag TEXT PRIMARY KEY,
	enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	updated_at TEXT NOT NULL,
	updated_by TEXT NOT NULL
);

CREATE TABLE evidence (
	id INTEGER PRIMARY KEY,
	control_id TEXT NOT NULL,
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	size INTEGER NOT NULL CHECK (size >= 0),
	name TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	created_us INTEGER NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX evidence_control ON evidence (control_id, created_us);
