-- Issue 17: phishing look-alike detection (第十四條, src/lookalike, docs/lookalike.md).
-- The broker's official domains: their permutations are what `lookalike check` looks for, and
-- `lookalike notice` lists them to customers as the only real ones.
CREATE TABLE lookalike_domain (
	domain TEXT PRIMARY KEY CHECK (length(domain) BETWEEN 3 AND 253), -- A-labels, lower case
	unicode TEXT NOT NULL CHECK (length(unicode) BETWEEN 1 AND 1024),
	added_us INTEGER NOT NULL,
	added_by TEXT NOT NULL
);
-- Every check: what was read and what was found (the daily duty of `due`, SR.14's status).
CREATE TABLE lookalike_run (
	id INTEGER PRIMARY KEY,
	at_us INTEGER NOT NULL,
	by TEXT NOT NULL,
	domains INTEGER NOT NULL CHECK (domains >= 0),
	permutations INTEGER NOT NULL CHECK (permutations >= 0),
	candidates INTEGER NOT NULL CHECK (candidates >= 0),
	bad_lines INTEGER NOT NULL CHECK (bad_lines >= 0),
	resolved INTEGER NOT NULL CHECK (resolved >= 0),
	hits INTEGER NOT NULL CHECK (hits >= 0),
	new_hits INTEGER NOT NULL CHECK (new_hits >= 0),
	events_seq INTEGER NOT NULL DEFAULT 0, -- the last event-log seq read (mail and proxy logs)
	sources TEXT NOT NULL -- JSON array: {kind, path, lines, bad, first_bad}
);
CREATE INDEX lookalike_run_at ON lookalike_run (at_us);
-- Every look-alike found, once: where it was seen first and last, what DNS said, and what a
-- person decided (open until someone triages it).
CREATE TABLE lookalike_hit (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 3 AND 253),
	unicode TEXT NOT NULL,
	domain TEXT NOT NULL,
	kind TEXT NOT NULL,
	first_us INTEGER NOT NULL,
	last_us INTEGER NOT NULL,
	first_run INTEGER NOT NULL REFERENCES lookalike_run (id),
	last_run INTEGER NOT NULL REFERENCES lookalike_run (id),
	source TEXT NOT NULL,      -- the first evidence: "ct:FILE:LINE", "names:FILE:LINE", "zone:FILE:LINE", "event:SEQ", "dns"
	last_source TEXT NOT NULL,
	seen INTEGER NOT NULL DEFAULT 1 CHECK (seen >= 1),
	dns TEXT,                  -- JSON {a, aaaa, mx, ns} when resolved
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'phishing', 'benign', 'closed')),
	note TEXT,
	updated_us INTEGER,
	updated_by TEXT
);
CREATE INDEX lookalike_hit_state ON lookalike_hit (state, first_us);
