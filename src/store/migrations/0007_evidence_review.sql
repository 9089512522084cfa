-- Issue 12 item 10: evidence is submitted, then accepted or rejected by a reviewer who is not
-- the submitter; only accepted evidence counts (docs/status.md). Rows from before this
-- migration become 'submitted' (the column default): nobody reviewed them, so they stop
-- counting until someone does. Evidence may also be attached to a register record
-- (record_register, record_id) instead of a control; control_id is then ''.
ALTER TABLE evidence ADD COLUMN state TEXT NOT NULL DEFAULT 'submitted'
	CHECK (state IN ('submitted', 'accepted', 'rejected'));
ALTER TABLE evidence ADD COLUMN reviewed_by TEXT;
ALTER TABLE evidence ADD COLUMN reviewed_at TEXT;
ALTER TABLE evidence ADD COLUMN reviewed_us INTEGER;
ALTER TABLE evidence ADD COLUMN review_comment TEXT;
ALTER TABLE evidence ADD COLUMN record_register TEXT;
ALTER TABLE evidence ADD COLUMN record_id INTEGER;
CREATE INDEX evidence_record ON evidence (record_register, record_id);
