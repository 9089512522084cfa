-- The registers (src/registry): one table for the records of every register, one for the
-- history of every change. A record's fields are a JSON object; the register's descriptor
-- in src/registry/reg_<name>.c validates them. Nothing is ever deleted: archive instead.
CREATE TABLE reg_record (
	register TEXT NOT NULL CHECK (length(register) BETWEEN 1 AND 32),
	id INTEGER NOT NULL CHECK (id > 0),
	data TEXT NOT NULL,
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	PRIMARY KEY (register, id)
);

CREATE TABLE reg_history (
	seq INTEGER PRIMARY KEY,
	register TEXT NOT NULL,
	record_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('add', 'update', 'archive')),
	old_data TEXT,
	new_data TEXT NOT NULL,
	at TEXT NOT NULL,
	at_us INTEGER NOT NULL,
	by TEXT NOT NULL,
	UNIQUE (register, record_id, version)
);

CREATE TRIGGER reg_record_keep BEFORE DELETE ON reg_record
BEGIN
	SELECT RAISE(ABORT, 'register records are never deleted: archive them');
END;

CREATE TRIGGER reg_history_keep BEFORE DELETE ON reg_history
BEGIN
	SELECT RAISE(ABORT, 'register history is never deleted');
END;

CREATE TRIGGER reg_history_fixed BEFORE UPDATE ON reg_history
BEGIN
	SELECT RAISE(ABORT, 'register history is never changed');
END;
