-- Host scans saved as evidence, their per-check results, and waivers of failing checks.
CREATE TABLE scan (
	id INTEGER PRIMARY KEY,
	system_id TEXT NOT NULL CHECK (length(system_id) BETWEEN 1 AND 100),
	device TEXT,
	host TEXT NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
	platform TEXT NOT NULL CHECK (platform IN ('linux', 'windows')),
	root TEXT NOT NULL,
	created_at TEXT NOT NULL,
	created_us INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	passed INTEGER NOT NULL,
	failed INTEGER NOT NULL,
	not_applicable INTEGER NOT NULL,
	errors INTEGER NOT NULL,
	waived INTEGER NOT NULL,
	result_json TEXT NOT NULL
);
CREATE INDEX scan_system ON scan (system_id, host, created_us);

-- One row per (scan, check, catalog id it refers to): what status keys on.
CREATE TABLE scan_result (
	scan_id INTEGER NOT NULL REFERENCES scan (id),
	check_id TEXT NOT NULL,
	control_id TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'not_applicable', 'error')),
	severity TEXT NOT NULL,
	waived INTEGER NOT NULL DEFAULT 0 CHECK (waived IN (0, 1)),
	PRIMARY KEY (scan_id, check_id, control_id)
);
CREATE INDEX scan_result_control ON scan_result (control_id);

CREATE TABLE scan_waiver (
	id INTEGER PRIMARY KEY,
	host TEXT NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
	check_id TEXT NOT NULL CHECK (length(check_id) BETWEEN 1 AND 64),
	justification TEXT NOT NULL CHECK (length(justification) BETWEEN 1 AND 2000),
	approver TEXT NOT NULL CHECK (length(approver) BETWEEN 1 AND 200),
	expires TEXT NOT NULL CHECK (length(expires) = 10),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX scan_waiver_host ON scan_waiver (host, check_id);
