-- Issue 21: a demo data directory (`brokersec init --demo`, `make demo`) holds generated
-- records of a made-up broker so that a newcomer sees every page populated. The mark lives
-- here, in the directory's own state: only init writes its one row, on a directory it has
-- just created, and nothing adds or removes it later (src/datadir/demo_marker.c). The demo
-- generator (src/demo) refuses a directory without it, so demo records never mix with real
-- ones; every command, page and report of a marked directory says it is demo data.
CREATE TABLE demo_marker (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	demo INTEGER NOT NULL CHECK (demo = 1),
	created_at TEXT NOT NULL
);
