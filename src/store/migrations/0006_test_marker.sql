-- Issue 11: a test data directory (`brokersec init --test-fast-kdf`, only when
-- BROKERSEC_TESTING=1) hashes passwords at libsodium's minimum Argon2id cost so that the
-- test suite runs fast. The mark lives here, in the directory's own state, and not in the
-- environment, so that nothing outside the directory can turn it on; init writes the one
-- row, nothing removes it (src/datadir/test_marker.c).
CREATE TABLE test_marker (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	fast_kdf INTEGER NOT NULL CHECK (fast_kdf = 1),
	created_at TEXT NOT NULL
);
