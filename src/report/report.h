/*
 * report.h - the 電腦系統資訊安全評估報告 (Annex 2 捌): its contents as plain data, its four
 * renderings (HTML, PDF, DOCX, OSCAL assessment-results) and the register of issued reports.
 *
 * Shape: bs_report_load() fills a struct bs_report_doc from an assessment (src/assess);
 * bs_report_outline() turns the doc into one ordered list of headings, paragraphs and tables
 * in one language, which the HTML, PDF and DOCX renderers lay out, so that the three say the
 * same thing; OSCAL is built from the doc itself (it is data, not pages). bs_report_issue()
 * records a finished file's SHA-256 (an event in the event log) and keeps it for five years
 * with the assessment's correction records; bs_report_verify() looks a file's hash up.
 */
#ifndef BS_REPORT_REPORT_H
#define BS_REPORT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"

struct bs_datadir;
struct bs_store;

/* 柒二: who assessed, and on what qualifications. */
struct bs_report_assessor {
	char *name;
	char *kind;             /* "internal", "external" or "tool" (柒一) */
	char *unit;             /* unit or firm */
	char *independence;     /* the independence statement (柒一) */
	double training_hours;  /* 柒二(一): hours of security training, 0 when a certificate */
	char *certificate;      /* 柒二(一): certificate, or "" */
	char *finance_exp;      /* 柒二(二): financial-domain experience */
	char *nda_date;         /* 柒三: NDA signed, YYYY-MM-DD */
};

/* One system in scope (參, 肆二). */
struct bs_report_system {
	char *id;
	char *name;
	int category;           /* 1..3 */
	unsigned areas;         /* bit n-1: area 肆一(n) assessed, n = 1..10 */
	char *areas_reason;     /* why those areas (category 2, 3), "" for category 1 */
	int devices_total;      /* company-owned devices of the system (device register) */
	int devices_sampled;
	int sample_required;    /* max(ceil(10 %), min(100, all)) (參二) */
};

/* One sampled device. */
struct bs_report_sample {
	char *system_id;
	char *device_id;
	char *device_name;
	char *basis;            /* what was checked on it: a saved scan's id and date, or "" */
};

enum bs_report_result_kind { BS_RR_MET, BS_RR_NOT_MET, BS_RR_NA, BS_RR_UNKNOWN };

/* A control's result on a system. */
struct bs_report_result {
	char *system_id;
	char *control_id;       /* catalog id, e.g. A2.5.4.2.3 */
	enum bs_report_result_kind result;
	char *source;           /* "scan", "register", "judgement" */
	char *note;             /* reason (not applicable), evidence, scan reference */
};

/* The audit unit's follow-up review of a finding's correction (捌). */
struct bs_report_followup {
	char *at;               /* YYYY-MM-DD */
	char *who;
	int audit_unit;         /* 1: by the audit unit itself (only its verdict closes a finding) */
	char *verdict;          /* "corrected", "partial", "not-corrected" (src/assess tokens) */
	char *note;
};

struct bs_report_finding {
	char *id;
	char *system_id;
	char *control_id;
	char *severity;         /* "high", "medium", "low" (or the assessment's own scale) */
	char *category;         /* 缺失類別: usually the 肆一 area, as text */
	char *title;
	char *risk;             /* 風險說明 */
	char *recommendation;   /* 具體改善建議 */
	char *owner;
	char *due;              /* YYYY-MM-DD */
	char *status;           /* "open", "closed", ... */
	struct bs_report_followup *followups;
	size_t nfollowups;
};

/* 陸: the social-engineering drill whose results go into the report. */
struct bs_report_drill {
	char *id;
	char *date;
	char *scope;
	int sent, opened, clicked, reported;
	char *notes;
};

/* Every string of a doc is set (never NULL; "" when not recorded). */
struct bs_report_doc {
	char *assessment_id;
	char *title;
	char *org;
	char *plan;             /* the assessment plan (貳) it belongs to, "" when none */
	char *start, *end;      /* YYYY-MM-DD */
	char *status;           /* the assessment's state */
	char *audit_unit;       /* 稽核單位 the report goes to */
	char *generated_at;     /* RFC 3339 UTC */
	int demo;               /* 1: from a demo data directory (datadir.h): every rendering marks it */
	struct bs_report_assessor *assessors;
	size_t nassessors;
	struct bs_report_system *systems;
	size_t nsystems;
	struct bs_report_sample *samples;
	size_t nsamples;
	struct bs_report_result *results;
	size_t nresults;
	struct bs_report_finding *findings;
	size_t nfindings;
	struct bs_report_drill *drills;
	size_t ndrills;
	/* the event log's latest head delivered to a witness (issue 20, serve --witness): have 0
	 * when none was ("no witness configured") */
	struct {
		int have;
		char url[2049];         /* without credentials (refused in it) */
		char root[65];          /* hex */
		int64_t size, time_us;  /* the head: events, its checkpoint's time */
		int64_t delivered_us;   /* when the witness took it */
		long status;            /* HTTP status, 0: a syslog datagram (no receipt) */
	} witness;
};

/* Frees everything doc owns and zeroes it. */
void bs_report_doc_release(struct bs_report_doc *doc);

/* Fills doc from assessment id in dd (src/assess, bs_assess_load). BS_ENOTFOUND with a
 * message when there is no such assessment. doc is released on failure. */
int bs_report_load(struct bs_datadir *dd, int64_t id, struct bs_report_doc *doc);

/* The regulation's own numbering of a catalog id: "SR.4.5" -> "第四條第五款" (en "Art. 4
 * item 5"), "A2.4.1.6" -> "附件二肆、一、(六)" (en "Annex 2 IV.1(6)"). Writes into out. */
void bs_report_numbering(const char *control_id, enum bs_lang lang, struct bs_buf *out);
/* The name of area n (1..10) of 肆一, with its numbering. */
const char *bs_report_area_name(int n, enum bs_lang lang);

/* --- The outline: what the HTML, PDF and DOCX renderings lay out --- */

enum bs_rblock_kind { BS_RB_HEADING, BS_RB_PARA, BS_RB_TABLE };

struct bs_rblock {
	enum bs_rblock_kind kind;
	int level;              /* heading: 1..3 */
	char *anchor;           /* heading: "s1", "s2-3" */
	char *text;             /* heading or paragraph text (plain UTF-8) */
	size_t ncols, nrows;    /* table: row 0 is the header */
	char **cells;           /* table: nrows * ncols strings */
	const double *widths;   /* table: relative column widths (ncols), static */
};

struct bs_report_outline {
	char *title;
	char *subtitle;         /* organisation, assessment id, period */
	char *footer;           /* printed at the foot of every page */
	struct bs_rblock *v;
	size_t n, cap;
};

/* The mark of a report of a demo data directory: on the first page and in every page's footer
 * (HTML, PDF, DOCX), a `marking` prop in OSCAL. */
#define BS_REPORT_DEMO_MARK_ZH "示範資料（非真實評估）"
#define BS_REPORT_DEMO_MARK_EN "DEMO DATA (not a real assessment)"
void bs_report_outline(const struct bs_report_doc *doc, enum bs_lang lang, struct bs_report_outline *out);
void bs_report_outline_release(struct bs_report_outline *o);

enum bs_report_format { BS_REPORT_HTML, BS_REPORT_PDF, BS_REPORT_DOCX, BS_REPORT_OSCAL };

/* "html", "pdf", "docx", "oscal"; 0 or BS_EINVALID. */
int bs_report_format_parse(const char *s, enum bs_report_format *out);
const char *bs_report_format_name(enum bs_report_format f);

/* Renders doc into out (appending). 0 or an error with a message. */
int bs_report_render(const struct bs_report_doc *doc, enum bs_report_format f, enum bs_lang lang,
		     struct bs_buf *out);
int bs_report_html(const struct bs_report_outline *o, enum bs_lang lang, struct bs_buf *out);
int bs_report_pdf(const struct bs_report_outline *o, enum bs_lang lang, const char *created,
		  struct bs_buf *out);
int bs_report_docx(const struct bs_report_outline *o, enum bs_lang lang, const char *created,
		   struct bs_buf *out);
int bs_report_oscal(const struct bs_report_doc *doc, enum bs_lang lang, struct bs_buf *out);

/* --- Issued reports (migration 0009) --- */

#define BS_REPORT_RETAIN_YEARS 5 /* 捌: 至少保存五年 */
#define BS_REPORT_SHA256_HEX 65

struct bs_report_issued {
	int64_t id;
	int64_t assessment_id;
	char format[8];
	char lang[8];
	char sha256[BS_REPORT_SHA256_HEX];
	int64_t size;
	char issued_at[32];     /* RFC 3339 UTC */
	char issued_by[128];
	char retain_until[16];  /* YYYY-MM-DD */
};

/* RFC 3339 UTC to the second ("2026-05-02T08:00:00Z"): how the report states its times.
 * out holds BS_TIME_MAX (core/clock.h: 32) bytes. */
void bs_report_time_seconds(int64_t us, char *out);

/* Lowercase hex SHA-256 of data. */
void bs_report_sha256_hex(const void *data, size_t len, char hex[BS_REPORT_SHA256_HEX]);

/* Records data (a rendered report of assessment_id) as issued by dd's actor: its SHA-256,
 * size and the date until which it is kept (issue date + 5 years), as an event
 * (report.issue) before the row commits. *out (may be NULL) gets the row. */
int bs_report_issue(struct bs_datadir *dd, int64_t assessment_id, enum bs_report_format f, enum bs_lang lang,
		    const void *data, size_t len, struct bs_report_issued *out);

/* Looks data's SHA-256 up among the issued reports: 0 and *out filled when found,
 * BS_ENOTFOUND with a message when brokersec never issued these exact bytes. */
int bs_report_verify(struct bs_store *store, const void *data, size_t len, struct bs_report_issued *out);

/* Deletes the issued-report rows of an assessment; refuses (BS_EDENIED, naming the date
 * from which it may) while any of them is within its five years (捌). Audited. */
int bs_report_purge(struct bs_datadir *dd, int64_t assessment_id, size_t *purged);

/* --- Issued reports kept for download (keep.c; the API: POST /assessments/ID/reports) --- */

/* bs_report_issue() (the same row and event), with the bytes kept in the data directory's
 * reports/ (0700, made on first use), as a file 0600 named by their SHA-256, in place before
 * the row commits and removed again when the issue fails. */
int bs_report_issue_kept(struct bs_datadir *dd, int64_t assessment_id, enum bs_report_format f, enum bs_lang lang,
			 const void *data, size_t len, struct bs_report_issued *out);
/* Issued report id: 0 and *out, or BS_ENOTFOUND with a message. */
int bs_report_issued_get(struct bs_store *store, int64_t id, struct bs_report_issued *out);
/* The issued reports of an assessment, oldest first: *out (free() it) with *n rows. */
int bs_report_issued_list(struct bs_store *store, int64_t assessment_id, struct bs_report_issued **out, size_t *n);
/* 1 when the bytes of r are kept in dd's reports/, else 0 (issued on the command line). */
int bs_report_kept(struct bs_datadir *dd, const struct bs_report_issued *r);
/* The kept bytes of r into out (emptied first), checked against the recorded SHA-256 and size.
 * BS_ENOTFOUND when not kept; when the file differs from the record, *changed = 1, a
 * report.mismatch failure event and BS_ERR with a message saying how to restore it. */
int bs_report_read_kept(struct bs_datadir *dd, const struct bs_report_issued *r, struct bs_buf *out, int *changed);

#endif
