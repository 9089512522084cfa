-- Issue 18: Windows installed updates and Microsoft's own advisories for `vuln`
-- (src/vuln/vuln_win.c, vuln_msrc.c; docs/vulnerabilities.md). Two CHECKs of 0013 widen:
-- an inventory may be of kind 'windows' (the export bundle's installed KBs and its product,
-- distro 'windows', release the MSRC product name), and a feed of format 'msrc' (MSRC's CVRF
-- JSON documents). SQLite cannot alter a CHECK: both tables are rebuilt as SQLite's
-- documentation says (new table, copy, drop, rename). vuln_package references vuln_inventory,
-- and foreign keys are on inside the migration's transaction, so it is rebuilt too (child
-- first out, last back).
--
-- MSRC rows in vuln_advisory (feed_format 'msrc', osv_id the document's ID such as
-- '2024-Jan', replaced whole when that document is imported again):
--   ecosystem 'msrc':        package = the product ("Windows Server 2022"), vuln_id = the CVE,
--                            fixed = a KB that fixes it for that product ('KB5034129'; NULL
--                            with status 'open' when the document names no KB);
--   ecosystem 'msrc-supersedes': package = the product, vuln_id = a KB, fixed = a KB it
--                            supersedes (Remediations[].Supercedence): the chain is followed
--                            across every imported document when matching.

CREATE TABLE vuln_package_0019 AS SELECT * FROM vuln_package;
DROP TABLE vuln_package;

CREATE TABLE vuln_inventory_0019 (
	id INTEGER PRIMARY KEY,
	device INTEGER NOT NULL CHECK (device >= 0),
	kind TEXT NOT NULL CHECK (kind IN ('dpkg', 'rpm', 'cyclonedx', 'spdx', 'windows')),
	origin TEXT NOT NULL CHECK (length(origin) BETWEEN 1 AND 4096),
	distro TEXT NOT NULL,          -- 'debian', 'ubuntu', 'windows', '' when unknown
	release TEXT NOT NULL,         -- 'bookworm', '22.04', the MSRC product name, ''
	packages INTEGER NOT NULL CHECK (packages >= 0),
	taken_at TEXT NOT NULL,
	taken_us INTEGER NOT NULL,
	taken_by TEXT NOT NULL
);
INSERT INTO vuln_inventory_0019 SELECT id, device, kind, origin, distro, release, packages, taken_at, taken_us,
	taken_by FROM vuln_inventory;
DROP TABLE vuln_inventory;
ALTER TABLE vuln_inventory_0019 RENAME TO vuln_inventory;
CREATE INDEX vuln_inventory_device ON vuln_inventory (device, taken_us);

CREATE TABLE vuln_package (
	inventory INTEGER NOT NULL REFERENCES vuln_inventory (id),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 512),
	version TEXT NOT NULL,
	source TEXT NOT NULL,          -- the source package (dpkg's Source:, else the name)
	source_version TEXT NOT NULL,  -- its version (Source: x (v)), else the binary's
	arch TEXT NOT NULL,
	ecosystem TEXT NOT NULL,       -- 'deb', 'rpm', an SBOM purl type, 'windows' (the product), 'kb'
	purl TEXT NOT NULL             -- '' when none
);
INSERT INTO vuln_package SELECT inventory, name, version, source, source_version, arch, ecosystem, purl
	FROM vuln_package_0019;
DROP TABLE vuln_package_0019;
CREATE INDEX vuln_package_inv ON vuln_package (inventory);

CREATE TABLE vuln_feed_0019 (
	id INTEGER PRIMARY KEY,
	format TEXT NOT NULL CHECK (format IN ('debian-tracker', 'osv', 'kev', 'msrc')),
	release TEXT NOT NULL,         -- --release, '' for all
	file TEXT NOT NULL,
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	records INTEGER NOT NULL,
	imported_at TEXT NOT NULL,
	imported_us INTEGER NOT NULL,
	imported_by TEXT NOT NULL
);
INSERT INTO vuln_feed_0019 SELECT id, format, release, file, sha256, records, imported_at, imported_us, imported_by
	FROM vuln_feed;
DROP TABLE vuln_feed;
ALTER TABLE vuln_feed_0019 RENAME TO vuln_feed;
