-- One host's inventory reads only the advisories of its own packages (vuln_store.c
-- load_advisories): by package name, whatever the ecosystem.
CREATE INDEX vuln_advisory_package ON vuln_advisory (package);
