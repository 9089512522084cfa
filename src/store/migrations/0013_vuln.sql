-- Issue 18: vulnerability tracking (第十五條 漏洞修復機制, A2.5.3.1; src/vuln,
-- docs/vulnerabilities.md). Inventories of the software installed on a device, advisories
-- read from feeds, and the findings that match them, each with its remediation deadline.

-- One inventory: what was installed on a device at a time (dpkg status under --root, or an
-- SBOM). device 0: not tied to a device of the register.
CREATE TABLE vuln_inventory (
	id INTEGER PRIMARY KEY,
	device INTEGER NOT NULL CHECK (device >= 0),
	kind TEXT NOT NULL CHECK (kind IN ('dpkg', 'rpm', 'cyclonedx', 'spdx')),
	origin TEXT NOT NULL CHECK (length(origin) BETWEEN 1 AND 4096),
	distro TEXT NOT NULL,          -- 'debian', 'ubuntu', '' when unknown
	release TEXT NOT NULL,         -- 'bookworm', '22.04', ''
	packages INTEGER NOT NULL CHECK (packages >= 0),
	taken_at TEXT NOT NULL,
	taken_us INTEGER NOT NULL,
	taken_by TEXT NOT NULL
);
CREATE INDEX vuln_inventory_device ON vuln_inventory (device, taken_us);

CREATE TABLE vuln_package (
	inventory INTEGER NOT NULL REFERENCES vuln_inventory (id),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 512),
	version TEXT NOT NULL,
	source TEXT NOT NULL,          -- the source package (dpkg's Source:, else the name)
	source_version TEXT NOT NULL,  -- its version (Source: x (v)), else the binary's
	arch TEXT NOT NULL,
	ecosystem TEXT NOT NULL,       -- 'deb', 'rpm', or an SBOM purl type ('npm', 'pypi', ...)
	purl TEXT NOT NULL             -- '' when none
);
CREATE INDEX vuln_package_inv ON vuln_package (inventory);

-- Every feed imported (the file's SHA-256, what it held).
CREATE TABLE vuln_feed (
	id INTEGER PRIMARY KEY,
	format TEXT NOT NULL CHECK (format IN ('debian-tracker', 'osv', 'kev')),
	release TEXT NOT NULL,         -- --release, '' for all
	file TEXT NOT NULL,
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	records INTEGER NOT NULL,
	imported_at TEXT NOT NULL,
	imported_us INTEGER NOT NULL,
	imported_by TEXT NOT NULL
);

-- Advisories: one row per (ecosystem, package, vulnerability, range). ecosystem:
-- 'debian:bookworm', 'ubuntu:22.04', 'npm', 'pypi' ... (lower case); package: the source
-- package for Debian and Ubuntu. A version v is affected when introduced <= v (NULL: any)
-- and v < fixed (NULL: not fixed) and, with last_affected, v <= last_affected.
-- status: 'open', 'resolved', 'undetermined', 'not-affected'.
CREATE TABLE vuln_advisory (
	feed_format TEXT NOT NULL,
	ecosystem TEXT NOT NULL,
	package TEXT NOT NULL,
	vuln_id TEXT NOT NULL,         -- CVE-..., or the OSV id when it has no CVE alias
	osv_id TEXT NOT NULL,          -- the OSV record's id, '' for the tracker
	status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'undetermined', 'not-affected')),
	introduced TEXT,
	fixed TEXT,
	last_affected TEXT,
	severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'unknown')),
	cvss REAL,                     -- a CVSS v3 base score when the feed gave a vector
	summary TEXT NOT NULL
);
CREATE INDEX vuln_advisory_pkg ON vuln_advisory (ecosystem, package);
CREATE INDEX vuln_advisory_feed ON vuln_advisory (feed_format, ecosystem);

-- CISA Known Exploited Vulnerabilities.
CREATE TABLE vuln_kev (
	cve TEXT PRIMARY KEY,
	date_added TEXT NOT NULL,
	due_date TEXT NOT NULL,
	name TEXT NOT NULL
);

-- Findings: a vulnerable package on a device. state 'open', 'closed' (a later inventory
-- showed a fixed version, or the package gone), 'accepted' (a risk accepted until
-- accepted_until by approver). deadline: first_seen plus the policy's days for its
-- severity, KEV flag and the system's category (recomputed at every match).
CREATE TABLE vuln_finding (
	id INTEGER PRIMARY KEY,
	device INTEGER NOT NULL,
	package TEXT NOT NULL,
	source TEXT NOT NULL,
	cve TEXT NOT NULL,
	ecosystem TEXT NOT NULL,
	version TEXT NOT NULL,
	fixed TEXT NOT NULL,           -- '' when no fix is known
	status TEXT NOT NULL,          -- the advisory's: open, resolved, undetermined
	severity TEXT NOT NULL,
	cvss REAL,
	kev INTEGER NOT NULL DEFAULT 0 CHECK (kev IN (0, 1)),
	system INTEGER NOT NULL DEFAULT 0,
	category INTEGER NOT NULL DEFAULT 0,
	first_seen TEXT NOT NULL,
	first_seen_us INTEGER NOT NULL,
	deadline TEXT NOT NULL,        -- YYYY-MM-DD
	state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'accepted')),
	inventory INTEGER NOT NULL,    -- the latest inventory that showed it
	closed_at TEXT,
	closed_inventory INTEGER,
	accepted_until TEXT,
	approver TEXT,
	reason TEXT,
	UNIQUE (device, package, cve)
);
CREATE INDEX vuln_finding_state ON vuln_finding (state, deadline);

-- Remediation deadlines (days), only ever tightened below the defaults (vuln_policy.c).
CREATE TABLE vuln_policy (
	key TEXT PRIMARY KEY,
	value INTEGER NOT NULL,
	updated_us INTEGER NOT NULL,
	updated_by TEXT NOT NULL
);
