-- Issued assessment reports (Annex 2 捌, src/report/issue.c): each file `brokersec report
-- assessment` wrote, by its SHA-256, so that `report verify FILE` can say whether a file is a
-- report brokersec issued, unchanged. A row is never changed and is kept at least five years
-- (with the assessment's correction records, which 0008 never deletes).
CREATE TABLE report_issued (
	id INTEGER PRIMARY KEY,
	assessment_id INTEGER NOT NULL REFERENCES assessment (id),
	format TEXT NOT NULL CHECK (format IN ('html', 'pdf', 'docx', 'oscal')),
	lang TEXT NOT NULL CHECK (lang IN ('zh-TW', 'en')),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	size INTEGER NOT NULL CHECK (size >= 0),
	issued_at TEXT NOT NULL,
	issued_by TEXT NOT NULL,
	retain_until TEXT NOT NULL CHECK (length(retain_until) = 10)
);
CREATE INDEX report_issued_sha256 ON report_issued (sha256);
CREATE INDEX report_issued_assessment ON report_issued (assessment_id);

CREATE TRIGGER report_issued_immutable BEFORE UPDATE ON report_issued
BEGIN
	SELECT RAISE(ABORT, 'an issued report is immutable (Annex 2 捌)');
END;
-- Defence in depth behind bs_report_purge(): the database itself refuses an early delete.
CREATE TRIGGER report_issued_keep BEFORE DELETE ON report_issued
WHEN OLD.retain_until > date('now')
BEGIN
	SELECT RAISE(ABORT, 'an issued report is kept at least five years (Annex 2 捌)');
END;
