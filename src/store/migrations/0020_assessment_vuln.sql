-- Which tracked vulnerabilities (vuln_finding, 0013) an assessment finding carries: `assessment
-- finding ID --from-vulns` takes each overdue vulnerability once per assessment (issue 18).
CREATE TABLE assessment_finding_vuln (
	finding_id INTEGER NOT NULL REFERENCES assessment_finding (id),
	vuln_id INTEGER NOT NULL,
	PRIMARY KEY (finding_id, vuln_id)
) WITHOUT ROWID;
CREATE INDEX assessment_finding_vuln_vuln ON assessment_finding_vuln (vuln_id);
