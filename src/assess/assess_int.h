/* assess_int.h - private to src/assess: what its files share. assess_area.c (areas, enum
 * names, the sampling rule), assess_db.c (statements, status gate, register lookups),
 * assess_plan.c (plan, scope, sample, assessors), assess_run.c (run, results, complete, close,
 * legacy record), assess_finding.c (findings, follow-up), assess_load.c (the report's view),
 * assess_feed.c (what the deadline engine and status read). */
#ifndef BS_ASSESS_INT_H
#define BS_ASSESS_INT_H

#include <jansson.h>
#include <sqlite3.h>

#include "assess/assess.h"
#include "core/clock.h"
#include "core/error.h"

struct bs_datadir;
struct bs_store;

/* Runs sql with parameters bound from types: 'i' int64_t, 't' const char * (NULL binds null),
 * 'f' double; one character per ?N in order. BS_ERR with "cannot <what>" on failure;
 * *changes (may be NULL) gets the rows changed. */
int as_exec(struct bs_store *s, const char *what, int64_t *changes, const char *sql, const char *types, ...);
/* Prepares sql and binds like as_exec; the caller steps and finalizes. */
int as_query(struct bs_store *s, sqlite3_stmt **st, const char *sql, const char *types, ...);
/* malloc'ed copy of a column, NULL for SQL NULL. */
char *as_col(sqlite3_stmt *st, int col);

/* The status of assessment id; BS_ENOTFOUND naming the id. */
int as_status(struct bs_store *s, int64_t id, enum bs_assess_status *out);
/* As as_status, then BS_ECONFLICT unless the status is in mask (bit per status), naming the
 * status it is in and `doing`. */
int as_require(struct bs_store *s, int64_t id, unsigned mask, const char *doing);
#define AS_BIT(st) (1u << (st))
int as_status_parse(const char *token, enum bs_assess_status *out);

/* A live record of a register, or BS_ENOTFOUND naming the register, id and the list command. */
int as_record(struct bs_store *s, const char *reg, int64_t id, json_t **out);
/* Every live device of system id (array of records); the count of active ones (status not
 * retired / disposed) in *active. */
int as_system_devices(struct bs_store *s, int64_t system, json_t **out, size_t *active);
/* The system's devices for the sampling rule: max(active registered devices, device_count). */
size_t as_system_total(const json_t *sys, size_t active);

/* The current instant as RFC 3339 text and today's date. */
void as_now(char at[BS_TIME_MAX], char today[BS_DATE_MAX]);
/* 0 when text is a YYYY-MM-DD date, else BS_EINVALID naming flag. */
int as_date(const char *text, const char *flag);

/* Every leaf control of area n in the built-in catalog (the area itself when it has no
 * children), in catalog order; fn returns nonzero to stop. */
int as_area_controls(int n, int (*fn)(const char *control_id, void *ctx), void *ctx);

/* 0 when assessor (a register record) holds the qualifications of 柒二 and 柒三 (a tool
 * needs none), else BS_EINVALID saying which are missing and how to add them. */
int as_assessor_qualified(const json_t *assessor);
/* 0 when assessor is independent of system (柒一: not its owner/maintainer, by name, unit
 * or linked person), else BS_EDENIED naming both. */
int as_assessor_independent(struct bs_store *s, const json_t *assessor, const json_t *system);
/* *n = the single integer sql (two int64 parameters ?1 ?2) returns. */
int as_count(struct bs_store *s, int64_t *n, const char *sql, int64_t a, int64_t b);
/* 0 when system is in the scope of id (*areas: its areas, may be NULL), else BS_EINVALID
 * saying how to add it. */
int as_in_scope(struct bs_store *s, int64_t id, int64_t system, unsigned *areas);
/* 0 when control is a leaf of an area in the scope of (id, system), else BS_EINVALID saying
 * which areas the scope has. */
int as_control_in_scope(struct bs_store *s, int64_t id, int64_t system, const char *control);
/* The checks of a finding's fields that need no database: 0 or BS_EINVALID naming the flag. */
int as_finding_check(const struct bs_assess_finding_in *in);
/* Inserts a checked finding of assessment id (its control in scope) and records the event,
 * inside the caller's transaction; *fid its id. */
int as_finding_insert(struct bs_datadir *dd, int64_t id, const struct bs_assess_finding_in *in, int64_t *fid);
/* Records a change: bs_audit("assessment.<verb>") with data {assessment: id, ...extra}. */
int as_audit(struct bs_datadir *dd, const char *verb, int64_t id, json_t *extra, const char *fmt, ...)
	BS_PRINTF(5, 6);

#endif
