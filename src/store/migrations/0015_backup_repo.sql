-- Issue 19: brokersec's backups of its own state (src/backup, docs/backup.md).
-- Each target a backup was made to: its medium and whether it is kept offline or off-site
-- (A3.7.11, 3-2-1 with one offline copy). location is the repository's absolute path.
CREATE TABLE backup_target (
	id INTEGER PRIMARY KEY,
	location TEXT NOT NULL UNIQUE CHECK (length(location) BETWEEN 1 AND 4096),
	repository TEXT NOT NULL CHECK (length(repository) = 32),
	medium TEXT NOT NULL CHECK (medium IN ('disk', 'usb', 'nas', 'tape', 'optical', 'cloud', 'sftp')),
	offline INTEGER NOT NULL CHECK (offline IN (0, 1)),
	offsite INTEGER NOT NULL CHECK (offsite IN (0, 1)),
	first_at TEXT NOT NULL,
	last_backup_at TEXT,
	last_snapshot TEXT,
	last_verify_at TEXT,
	last_verify_ok INTEGER,
	last_restore_at TEXT,
	last_restore_ok INTEGER
);
-- Every run against a target: create, verify, restore-test (what the register's dates summarise).
CREATE TABLE backup_run (
	id INTEGER PRIMARY KEY,
	target_id INTEGER REFERENCES backup_target (id),
	location TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('create', 'verify', 'restore-test')),
	at TEXT NOT NULL,
	by TEXT NOT NULL,
	snapshot TEXT NOT NULL DEFAULT '',
	ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
	files INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL DEFAULT 0,
	new_chunks INTEGER NOT NULL DEFAULT 0,
	stored_bytes INTEGER NOT NULL DEFAULT 0,
	damaged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX backup_run_target ON backup_run (target_id, kind, at);
-- The backup register record (register `backup`) that brokersec's own backups keep up to
-- date: last_backup, last_restore_test and the copies from the targets.
CREATE TABLE backup_setting (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	register_id INTEGER NOT NULL
);
