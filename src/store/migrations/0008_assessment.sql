-- Issue 13: the security assessment workflow of Annex 2 (貳, 參, 肆, 柒, 捌), src/assess.
-- An assessment is planned (plan approved by the board or its delegate), scoped (systems and
-- the areas of 肆一 per system as a bit set, bit n = area n), sampled (參二: devices of the
-- device register), run by assessors (the `assessor` register), gets a result per catalog
-- control in scope, findings and the audit unit's follow-up, and is closed. System, device
-- and assessor ids are the registers' ids. Nothing of an assessment is deleted once it ran:
-- the report and the correction records are kept at least five years (捌); only the plan's
-- scope, sample and assessors may be edited while it is planned or running.
CREATE TABLE assessment (
	id INTEGER PRIMARY KEY CHECK (id > 0),
	title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	status TEXT NOT NULL CHECK (status IN ('planned', 'running', 'reported', 'closed')),
	legacy INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1)),
	legacy_assessor TEXT,
	legacy_report TEXT,
	period_start TEXT NOT NULL CHECK (length(period_start) = 10),
	period_end TEXT NOT NULL CHECK (length(period_end) = 10 AND period_end >= period_start),
	plan_approver TEXT CHECK (plan_approver IN ('board', 'delegate')),
	plan_approved_by TEXT,
	plan_approved_on TEXT,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	started_at TEXT,
	started_by TEXT,
	completed_on TEXT,
	completed_at TEXT,
	completed_by TEXT,
	closed_at TEXT,
	closed_by TEXT,
	note TEXT,
	CHECK (legacy = 1 OR (plan_approver IS NOT NULL AND plan_approved_by IS NOT NULL
			      AND plan_approved_on IS NOT NULL))
);

CREATE TABLE assessment_scope (
	assessment_id INTEGER NOT NULL REFERENCES assessment (id),
	system_id INTEGER NOT NULL CHECK (system_id > 0),
	category INTEGER NOT NULL CHECK (category BETWEEN 1 AND 3),
	areas INTEGER NOT NULL CHECK (areas > 0 AND (areas & ~2046) = 0),
	reason TEXT,
	PRIMARY KEY (assessment_id, system_id)
);
CREATE INDEX assessment_scope_system ON assessment_scope (system_id);

CREATE TABLE assessment_sample (
	assessment_id INTEGER NOT NULL REFERENCES assessment (id),
	system_id INTEGER NOT NULL,
	device_id INTEGER NOT NULL CHECK (device_id > 0),
	PRIMARY KEY (assessment_id, device_id)
);

CREATE TABLE assessment_assessor (
	assessment_id INTEGER NOT NULL REFERENCES assessment (id),
	assessor_id INTEGER NOT NULL CHECK (assessor_id > 0),
	role TEXT NOT NULL CHECK (role IN ('lead', 'member')),
	PRIMARY KEY (assessment_id, assessor_id)
);

CREATE TABLE assessment_result (
	assessment_id INTEGER NOT NULL REFERENCES assessment (id),
	system_id INTEGER NOT NULL,
	control_id TEXT NOT NULL CHECK (length(control_id) BETWEEN 1 AND 64),
	result TEXT NOT NULL CHECK (result IN ('met', 'not-met', 'not-applicable')),
	source TEXT NOT NULL CHECK (source IN ('scan', 'register', 'judgement')),
	reason TEXT,
	evidence TEXT,
	scan_id INTEGER,
	decided_at TEXT NOT NULL,
	decided_by TEXT NOT NULL,
	PRIMARY KEY (assessment_id, system_id, control_id)
);

CREATE TABLE assessment_finding (
	id INTEGER PRIMARY KEY,
	assessment_id INTEGER NOT NULL REFERENCES assessment (id),
	system_id INTEGER NOT NULL,
	control_id TEXT NOT NULL,
	severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
	category TEXT NOT NULL CHECK (category IN ('management', 'technical', 'physical', 'personnel')),
	title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
	risk TEXT NOT NULL CHECK (length(risk) BETWEEN 1 AND 4000),
	recommendation TEXT NOT NULL CHECK (length(recommendation) BETWEEN 1 AND 4000),
	owner TEXT NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
	due TEXT NOT NULL CHECK (length(due) = 10),
	status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	closed_at TEXT,
	closed_by TEXT
);
CREATE INDEX assessment_finding_assessment ON assessment_finding (assessment_id);

CREATE TABLE assessment_followup (
	id INTEGER PRIMARY KEY,
	finding_id INTEGER NOT NULL REFERENCES assessment_finding (id),
	date TEXT NOT NULL CHECK (length(date) = 10),
	by TEXT NOT NULL CHECK (length(by) BETWEEN 1 AND 200),
	audit_unit INTEGER NOT NULL CHECK (audit_unit IN (0, 1)),
	verdict TEXT NOT NULL CHECK (verdict IN ('corrected', 'partial', 'not-corrected')),
	note TEXT,
	recorded_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL
);
CREATE INDEX assessment_followup_finding ON assessment_followup (finding_id);

CREATE TRIGGER assessment_keep BEFORE DELETE ON assessment
BEGIN
	SELECT RAISE(ABORT, 'assessments are kept at least five years (Annex 2 捌) and never deleted');
END;
CREATE TRIGGER assessment_finding_keep BEFORE DELETE ON assessment_finding
BEGIN
	SELECT RAISE(ABORT, 'findings are kept with the assessment (Annex 2 捌)');
END;
CREATE TRIGGER assessment_followup_keep BEFORE DELETE ON assessment_followup
BEGIN
	SELECT RAISE(ABORT, 'follow-up records are kept with the assessment (Annex 2 捌)');
END;
CREATE TRIGGER assessment_result_keep BEFORE DELETE ON assessment_result
BEGIN
	SELECT RAISE(ABORT, 'assessment results are kept with the assessment (Annex 2 捌)');
END;
CREATE TRIGGER assessment_scope_keep BEFORE DELETE ON assessment_scope
WHEN (SELECT status FROM assessment WHERE id = OLD.assessment_id) NOT IN ('planned', 'running')
BEGIN
	SELECT RAISE(ABORT, 'the scope of a completed assessment is kept (Annex 2 捌)');
END;
CREATE TRIGGER assessment_sample_keep BEFORE DELETE ON assessment_sample
WHEN (SELECT status FROM assessment WHERE id = OLD.assessment_id) NOT IN ('planned', 'running')
BEGIN
	SELECT RAISE(ABORT, 'the sample of a completed assessment is kept (Annex 2 捌)');
END;
CREATE TRIGGER assessment_assessor_keep BEFORE DELETE ON assessment_assessor
WHEN (SELECT status FROM assessment WHERE id = OLD.assessment_id) NOT IN ('planned', 'running')
BEGIN
	SELECT RAISE(ABORT, 'the assessors of a completed assessment are kept (Annex 2 捌)');
END;

-- The old `assessment` register (system, completed, report, assessor, sampled_devices) becomes
-- closed legacy assessments of one system: they still drive the 1/3/5-year deadlines. The
-- register's rows stay in reg_record (never deleted) as the trace of what was migrated.
INSERT INTO assessment (id, title, status, legacy, legacy_assessor, legacy_report, period_start, period_end,
			created_at, created_by, completed_on, completed_at, completed_by, closed_at, closed_by, note)
SELECT r.id, 'assessment ' || r.id || ' (register)', 'closed', 1,
       json_extract(r.data, '$.assessor'), json_extract(r.data, '$.report'),
       json_extract(r.data, '$.completed'), json_extract(r.data, '$.completed'),
       r.created_at, r.created_by, json_extract(r.data, '$.completed'),
       r.created_at, r.created_by, r.created_at, r.created_by,
       CASE WHEN json_extract(r.data, '$.sampled_devices') IS NOT NULL
	    THEN 'sampled_devices: ' || json_extract(r.data, '$.sampled_devices')
		 || COALESCE('; ' || json_extract(r.data, '$.note'), '')
	    ELSE json_extract(r.data, '$.note') END
FROM reg_record r
WHERE r.register = 'assessment' AND r.archived = 0
  AND json_extract(r.data, '$.completed') IS NOT NULL AND json_extract(r.data, '$.system') IS NOT NULL;

INSERT INTO assessment_scope (assessment_id, system_id, category, areas, reason)
SELECT r.id, json_extract(r.data, '$.system'),
       COALESCE((SELECT json_extract(s.data, '$.category') FROM reg_record s
		 WHERE s.register = 'system' AND s.id = json_extract(r.data, '$.system')), 1),
       2046, 'recorded before brokersec (register assessment)'
FROM reg_record r
WHERE r.register = 'assessment' AND r.archived = 0
  AND json_extract(r.data, '$.completed') IS NOT NULL AND json_extract(r.data, '$.system') IS NOT NULL;
