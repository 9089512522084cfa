/*
 * assess.h - the security assessment workflow of Annex 2 (貳, 參, 肆, 柒, 捌): an assessment
 * is planned (plan approved by the board or its delegate), scoped (systems and which of the
 * ten areas of 肆一 per system), run on a sample of each system's devices (參二) by qualified,
 * independent assessors (柒), gets a result per catalog control in scope, findings with a
 * severity, category, risk, recommendation, owner and due date, follow-up entries by the audit
 * unit (稽核單位, 捌), and is closed once every finding is closed by the audit unit's verdict.
 *
 * Life cycle (enum bs_assess_status):
 *   planned  -> `assessment plan`: scope, samples, assessors may change
 *   running  -> `assessment run`: results are recorded (from saved scans, registers, judgement)
 *   reported -> `assessment complete`: sample sizes, results of every control in scope checked;
 *               findings are followed up by the audit unit
 *   closed   -> `assessment close`: every finding closed by the audit unit's verdict
 * A past assessment made before brokersec (`assessment record`) is stored closed with
 * legacy = 1: one system, a date, an assessor's name; it drives the 1/3/5-year deadlines.
 *
 * Storage: migration 0008_assessment.sql (tables assessment, assessment_scope,
 * assessment_sample, assessment_assessor, assessment_result, assessment_finding,
 * assessment_followup). Assessors themselves are the `assessor` register. Every change goes
 * through bs_audit() before it commits (event types "assessment.<verb>"). An assessment's
 * records are kept at least 5 years after it closed (捌): bs_assess_purge_allowed() says when.
 *
 * For the report (src/report): bs_assess_load() returns everything in plain structs; strings
 * are UTF-8 and owned by the struct (freed by bs_assess_full_release); a NULL string is
 * "not recorded". Dates are "YYYY-MM-DD", instants RFC 3339 UTC "...Z".
 */
#ifndef BS_ASSESS_ASSESS_H
#define BS_ASSESS_ASSESS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/i18n.h"

struct bs_datadir;
struct bs_store;

/* ---- the ten assessment areas of 附件二肆、一、(一)-(十) ---- */

#define BS_ASSESS_AREAS 10
/* A set of areas: bit n (1..10) is area n. */
#define BS_ASSESS_AREA_BIT(n) (1u << (n))
#define BS_ASSESS_AREAS_ALL 0x7feu /* bits 1..10 */

struct bs_assess_area {
	int n;                  /* 1..10 */
	const char *control;    /* catalog id of the area, "A2.4.1.6" */
	const char *numbering;  /* the text's own numbering, "附件二肆、一、(六)" */
	const char *token;      /* CLI/API token: "architecture", "network-activity", ... */
	const char *zh, *en;    /* "存取機制檢視", "Review of access mechanisms" */
};
/* The ten areas in order, bs_assess_areas[0] is area 1. */
extern const struct bs_assess_area bs_assess_areas[BS_ASSESS_AREAS];
/* Area n (1..10) or NULL. */
const struct bs_assess_area *bs_assess_area(int n);
/* The area a catalog id belongs to (A2.4.1.6.3.2 -> 6), 0 when outside A2.4.1. */
int bs_assess_area_of(const char *control_id);
/* Parses "1,3,6" or tokens ("architecture,access") or "all" into a set; BS_EINVALID naming
 * the bad item. */
int bs_assess_areas_parse(const char *text, unsigned *out);
/* Appends "1,3,6" for a set. */
void bs_assess_areas_format(unsigned set, struct bs_buf *out);

/* ---- sampling (參二) ---- */

/* The smallest sample of a system with `total` devices: max(ceil(10 % of total),
 * min(100, total)). 0 for 0 devices. */
size_t bs_assess_sample_required(size_t total);

/* ---- enums (the token is the CLI/API/JSON value; the label follows --lang) ---- */

enum bs_assess_status { BS_ASSESS_PLANNED, BS_ASSESS_RUNNING, BS_ASSESS_REPORTED, BS_ASSESS_CLOSED };
enum bs_assess_result { BS_RESULT_NONE, BS_RESULT_MET, BS_RESULT_NOT_MET, BS_RESULT_NOT_APPLICABLE };
enum bs_assess_source { BS_SOURCE_NONE, BS_SOURCE_SCAN, BS_SOURCE_REGISTER, BS_SOURCE_JUDGEMENT };
enum bs_assess_severity { BS_ASSESS_SEV_CRITICAL, BS_ASSESS_SEV_HIGH, BS_ASSESS_SEV_MEDIUM, BS_ASSESS_SEV_LOW, BS_ASSESS_SEV_COUNT };
enum bs_assess_fstatus { BS_FINDING_OPEN, BS_FINDING_CLOSED };
/* A follow-up's verdict: corrected (改善完成), partial (部分改善), not corrected (未改善). */
enum bs_assess_verdict { BS_VERDICT_CORRECTED, BS_VERDICT_PARTIAL, BS_VERDICT_NOT_CORRECTED };

/* "planned"... / "規劃中"...; NULL for a value out of range. */
const char *bs_assess_status_token(enum bs_assess_status s);
const char *bs_assess_status_label(enum bs_assess_status s, enum bs_lang lang);
const char *bs_assess_result_token(enum bs_assess_result r);   /* "met", "not-met", "not-applicable", "none" */
const char *bs_assess_result_label(enum bs_assess_result r, enum bs_lang lang); /* 符合 / 不符合 / 不適用 / 未評 */
const char *bs_assess_source_token(enum bs_assess_source s);   /* "scan", "register", "judgement" */
const char *bs_assess_source_label(enum bs_assess_source s, enum bs_lang lang);
const char *bs_assess_severity_token(enum bs_assess_severity s); /* "critical", "high", "medium", "low" */
const char *bs_assess_severity_label(enum bs_assess_severity s, enum bs_lang lang); /* 嚴重 / 高 / 中 / 低 */
const char *bs_assess_fstatus_token(enum bs_assess_fstatus s);  /* "open", "closed" */
const char *bs_assess_fstatus_label(enum bs_assess_fstatus s, enum bs_lang lang);
const char *bs_assess_verdict_token(enum bs_assess_verdict v);  /* "corrected", "partial", "not-corrected" */
const char *bs_assess_verdict_label(enum bs_assess_verdict v, enum bs_lang lang);
/* Finding categories (缺失類別): "management" 管理面, "technical" 技術面, "physical" 實體面,
 * "personnel" 人員面. bs_assess_category_label returns NULL for an unknown token. */
extern const char *const bs_assess_categories[]; /* NULL-terminated */
const char *bs_assess_category_label(const char *token, enum bs_lang lang);

/* Token -> enum; BS_EINVALID naming the allowed values. */
int bs_assess_result_parse(const char *token, enum bs_assess_result *out);
int bs_assess_source_parse(const char *token, enum bs_assess_source *out);
int bs_assess_severity_parse(const char *token, enum bs_assess_severity *out);
int bs_assess_verdict_parse(const char *token, enum bs_assess_verdict *out);
int bs_assess_fstatus_parse(const char *token, enum bs_assess_fstatus *out);

/* ---- everything about one assessment, for the report ---- */

struct bs_assess_meta {
	int64_t id;
	char *title;                   /* "2026 年度資訊安全評估" */
	enum bs_assess_status status;
	int legacy;                    /* 1: recorded past assessment (`assessment record`) */
	char *legacy_assessor;         /* legacy only: who assessed, as recorded (free text) */
	char *legacy_report;           /* legacy only: where its report is, as recorded */
	char *period_start, *period_end; /* the assessment period (dates) */
	char *plan_approver;           /* "board" 董（理）事會 or "delegate" 經其授權之經理部門 */
	char *plan_approved_by;        /* who approved (name or body) */
	char *plan_approved_on;        /* date */
	char *created_at, *created_by;
	char *started_at, *started_by;     /* run */
	char *completed_on;                /* date of `complete` (the report date); legacy: the date */
	char *completed_at, *completed_by;
	char *closed_at, *closed_by;
	char *retain_until;            /* date before which nothing of it may be purged (closed + 5 years) */
	char *note;
};

/* A system in scope (one row per system). */
struct bs_assess_scope {
	char *system_id;               /* the system register's id, decimal text */
	char *system_name;
	int category;                  /* the system's category (1..3) when it was scoped */
	unsigned areas;                /* BS_ASSESS_AREA_BIT set; category 1: BS_ASSESS_AREAS_ALL */
	char *reason;                  /* why these areas (required for category 2/3 subsets); NULL for 1 */
	char *owner;                   /* the system's owner/maintainer as registered */
	size_t devices;                /* the system's devices: max(registered active devices, device_count) */
	size_t sample_required;        /* bs_assess_sample_required(devices) */
	size_t sampled;                /* devices recorded as sampled */
};

/* A sampled device. */
struct bs_assess_sample {
	char *system_id;
	int64_t device_id;             /* the device register's id */
	char *asset_tag, *kind, *location; /* from the device register */
	int64_t scan_id;               /* latest saved scan of this device used for results, 0 none */
	char *scan_at;                 /* its time, or NULL */
};

struct bs_assess_assessor {
	int64_t id;                    /* the assessor register's id */
	char *name;
	char *kind;                    /* "internal" (內部單位) or "external" (外部專業機構) or "tool" */
	char *unit;                    /* unit or firm */
	char *independence;            /* independence statement (柒一) */
	double training_hours;         /* -1 when not recorded */
	char *certificate;             /* certificate or training proof (柒二(一)) */
	char *financial_experience;    /* 柒二(二) */
	char *nda_date;                /* signed NDA (柒三) */
	int64_t person_id;             /* person register, 0 none */
	char *role;                    /* on this assessment: "lead" or "member" */
};

/* The result of one catalog control for one system in scope. */
struct bs_assess_result_row {
	char *system_id;
	char *control_id;              /* a leaf of A2.4.1.<area> (or the area itself when it has none) */
	int area;                      /* 1..10 */
	enum bs_assess_result result;  /* BS_RESULT_NONE: not decided yet */
	enum bs_assess_source source;
	char *reason;                  /* why (required for not-applicable and judgement) */
	char *evidence;                /* evidence reference (evidence id, file, scan id), or NULL */
	int64_t scan_id;               /* the saved scan that decided it, 0 none */
	char *decided_at, *decided_by;
};

struct bs_assess_followup {
	int64_t id;
	char *date;                    /* when the audit unit reviewed */
	char *by;                      /* who reviewed (name) */
	int audit_unit;                /* 1: recorded by/for the audit unit (稽核單位) */
	enum bs_assess_verdict verdict;
	char *note;
	char *recorded_at, *recorded_by;
};

struct bs_assess_finding {
	int64_t id;
	char *system_id, *system_name;
	char *control_id;
	enum bs_assess_severity severity;
	char *category;                /* bs_assess_categories token */
	char *title;                   /* 缺失項目 */
	char *risk;                    /* 風險說明 */
	char *recommendation;          /* 具體改善建議 */
	char *owner;                   /* who corrects it */
	char *due;                     /* date */
	enum bs_assess_fstatus status;
	int overdue;                   /* open and due before today (bs_clock_now) */
	char *created_at, *created_by;
	char *closed_at, *closed_by;
	struct bs_assess_followup *followups; /* oldest first */
	size_t nfollowups;
};

/* A social-engineering drill (drill register, kind social-engineering) in the period. */
struct bs_assess_drill {
	int64_t id;
	char *date;
	int64_t emails_sent, opened, clicked, reported; /* -1 when not recorded */
	char *outcome;
};

struct bs_assess_summary {
	size_t systems, devices, sample_required, sampled;
	size_t controls;               /* result rows (system x control in scope) */
	size_t met, not_met, not_applicable, undecided;
	size_t findings, findings_open, findings_closed, findings_overdue;
	size_t by_severity[BS_ASSESS_SEV_COUNT];
	size_t drills;
};

struct bs_assess_full {
	struct bs_assess_meta meta;
	struct bs_assess_scope *scope; size_t nscope;        /* by system id */
	struct bs_assess_sample *samples; size_t nsamples;   /* by system, asset tag */
	struct bs_assess_assessor *assessors; size_t nassessors;
	struct bs_assess_result_row *results; size_t nresults; /* by system, catalog order */
	struct bs_assess_finding *findings; size_t nfindings;  /* by id */
	struct bs_assess_drill *drills; size_t ndrills;        /* by date */
	struct bs_assess_summary summary;
};

/* Loads assessment id with everything above from dd's store (read-only; no event).
 * BS_ENOTFOUND naming the id when there is none. On error *out is released (all zero). */
int bs_assess_load(struct bs_datadir *dd, int64_t id, struct bs_assess_full *out);
void bs_assess_full_release(struct bs_assess_full *a);

/* The one JSON view of a loaded assessment (tokens, not labels), for the CLI and the API;
 * and of one finding. New references. */
json_t *bs_assess_json(const struct bs_assess_full *a);
json_t *bs_assess_finding_json(const struct bs_assess_finding *f);

/* 0 when assessment id exists, else BS_ENOTFOUND naming it. */
int bs_assess_exists(struct bs_store *s, int64_t id);

/* The ids of every assessment, newest first. *ids malloc'ed. */
int bs_assess_ids(struct bs_store *s, int64_t **ids, size_t *n);

/* ---- the workflow (each call is one transaction, recorded with bs_audit before it commits;
 * bad input changes nothing and says what to do) ---- */

struct bs_assess_plan_in {
	const char *title;
	const char *period_start, *period_end; /* dates; end >= start */
	const char *approver;                  /* "board" or "delegate" (貳二) */
	const char *approved_by, *approved_on; /* who approved, date */
	const char *note;                      /* may be NULL */
};
/* A new planned assessment; *id its id. */
int bs_assess_plan(struct bs_datadir *dd, const struct bs_assess_plan_in *in, int64_t *id);

/* Puts system in scope of a planned/running assessment, or changes its areas. Category 1:
 * all ten areas whatever areas says (areas 0 or ALL; a subset is refused). Category 2 and 3:
 * areas must be given and a subset needs a reason (肆二). */
int bs_assess_scope_set(struct bs_datadir *dd, int64_t id, int64_t system, unsigned areas, const char *reason);
int bs_assess_scope_remove(struct bs_datadir *dd, int64_t id, int64_t system);

/* Records devices (device register ids) as sampled for system (in scope). A device not of that
 * system, or more devices than the system has, is refused. */
int bs_assess_sample_add(struct bs_datadir *dd, int64_t id, int64_t system, const int64_t *devices, size_t n);
int bs_assess_sample_remove(struct bs_datadir *dd, int64_t id, int64_t device);

/* Puts an assessor (assessor register id) on the assessment; role "lead" or "member". Refused
 * when the assessor lacks training hours or a certificate, financial-domain experience or an
 * NDA date (柒二, 柒三), or is the owner/maintainer of a system in scope (柒一); the same
 * independence check runs when a system is put in scope later. */
int bs_assess_assessor_add(struct bs_datadir *dd, int64_t id, int64_t assessor, const char *role);
int bs_assess_assessor_remove(struct bs_datadir *dd, int64_t id, int64_t assessor);

/* planned -> running: needs at least one system in scope and one assessor. Feeds results
 * from the saved scans of the sampled devices (*from_scans: results written, may be NULL). */
int bs_assess_run(struct bs_datadir *dd, int64_t id, size_t *from_scans);
/* Re-reads the latest saved scans of the sampled devices into results (source scan) for the
 * controls in scope that have no result from a register or a judgement. Running only. */
int bs_assess_results_from_scans(struct bs_datadir *dd, int64_t id, size_t *written);

/* Findings from vulnerability tracking (第十五條; assess_vuln.c): the vulnerabilities past their
 * deadline as of in->as_of on the devices of systems in scope, not yet held by this
 * assessment, one finding per system, package and fixed version, of A2.4.1.3.1 (or
 * A2.4.1.5.4 when only area 5 is in scope). owner: NULL takes the system's owner from the
 * register; due: NULL takes the earliest remediation deadline. Running or reported only;
 * one transaction. */
struct bs_assess_vuln_in {
	int32_t as_of;
	const char *owner, *due;
	enum bs_lang lang; /* the language of the findings' text */
};
struct bs_assess_vuln_out {
	size_t findings, vulns;     /* added, and the vulnerabilities they carry */
	size_t already;             /* held by this assessment's findings before */
	size_t other_systems;       /* on devices of systems not in scope (or of none) */
	size_t out_of_areas;        /* on systems whose areas include neither 3 nor 5 */
};
int bs_assess_findings_from_vulns(struct bs_datadir *dd, int64_t id, const struct bs_assess_vuln_in *in,
				  struct bs_assess_vuln_out *out);

struct bs_assess_result_in {
	int64_t system;
	const char *control;           /* a control of an area in the system's scope; "A,B,C" sets the
					* same result for each, all or none, in one change */
	enum bs_assess_result result;  /* met / not met / not applicable */
	enum bs_assess_source source;  /* register or judgement (scan results come from scans) */
	const char *reason;            /* required for not-applicable and for judgement */
	const char *evidence;          /* required for judgement (evidence id or reference) */
};
int bs_assess_result_set(struct bs_datadir *dd, int64_t id, const struct bs_assess_result_in *in);

/* running -> reported on date (NULL: today): every system's sample meets 參二 (else the error
 * says how many more devices are needed), every control in scope has a result, every
 * assessor still qualifies. */
int bs_assess_complete(struct bs_datadir *dd, int64_t id, const char *date);

struct bs_assess_finding_in {
	int64_t system;                /* in scope */
	const char *control;           /* a control in the system's scope (else refused) */
	enum bs_assess_severity severity;
	const char *category;          /* bs_assess_categories */
	const char *title, *risk, *recommendation, *owner;
	const char *due;               /* date */
};
/* A finding of a running or reported assessment; *fid its id. */
int bs_assess_finding_add(struct bs_datadir *dd, int64_t id, const struct bs_assess_finding_in *in, int64_t *fid);

struct bs_assess_followup_in {
	int64_t finding;
	const char *date;              /* NULL: today */
	const char *by;                /* who reviewed */
	int audit_unit;                /* 1: the audit unit's review (稽核單位) */
	enum bs_assess_verdict verdict;
	const char *note;
};
/* A follow-up entry; the audit unit's "corrected" closes the finding in the same change. */
int bs_assess_followup_add(struct bs_datadir *dd, const struct bs_assess_followup_in *in, int64_t *id);
/* Closes a finding: only with the audit unit's verdict, i.e. the latest follow-up by the
 * audit unit says corrected, or actor_is_auditor (a signed-in account of role auditor, whose
 * closing is recorded as the audit unit's follow-up). */
int bs_assess_finding_close(struct bs_datadir *dd, int64_t finding, int actor_is_auditor);

/* reported -> closed: every finding closed. */
int bs_assess_close(struct bs_datadir *dd, int64_t id);

/* A past assessment done before brokersec: one system, the date it was completed, who
 * assessed (free text), where its report is (may be NULL); stored closed, legacy. */
int bs_assess_record(struct bs_datadir *dd, int64_t system, const char *date, const char *assessor,
		     const char *report, const char *note, int64_t *id);

/* ---- what the deadline engine and status read ---- */

/* [{id, system, completed, category, legacy}] for every reported or closed assessment and
 * system in its scope (the shape of the old register's records), completed on or before
 * as_of (days). */
int bs_assess_completed_rows(struct bs_store *s, int32_t as_of, json_t **out);
/* [{id, assessment, system, control, severity, title, owner, due}] every open finding. */
int bs_assess_open_findings(struct bs_store *s, json_t **out);
/* Per control: the result of the latest closed assessment that covered it, per system:
 * fn(system, control, result, completed date, assessment id, category). */
int bs_assess_latest_results(struct bs_store *s, int32_t as_of,
			     int (*fn)(int64_t system, const char *control, enum bs_assess_result r,
				       int32_t completed, int64_t assessment, int category, void *ctx),
			     void *ctx);

/* 1 when the records of assessment id may be purged or archived at day `today` (days since
 * 1970-01-01): closed for at least 5 years (捌). 0 otherwise, with the reason set by
 * bs_error (BS_ECONFLICT) naming the date from which it may. */
int bs_assess_purge_allowed(struct bs_store *s, int64_t id, int32_t today);

#endif
