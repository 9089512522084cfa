-- Issue 21: where init wrote the event log's verification key (init --verification-key-file,
-- as `make run` does), so that serve's sign-in screen can say where it went. The path only:
-- brokersec keeps no copy of the key (src/datadir/vkey_file.c).
CREATE TABLE vkey_file (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	path TEXT NOT NULL CHECK (length(path) BETWEEN 1 AND 4096),
	created_at TEXT NOT NULL
);
