/*
 * schedule.h - the deadline engine: every periodic duty and open obligation of the
 * regulation, computed from the registers as of a day.
 *
 * The input is a register snapshot (bs_reg_snapshot(): {"system": [records], ...}), so the
 * engine is a pure function of its input and the options - unit tests build the snapshot by
 * hand. The rules are rows of one table in schedule.c (`rules[]`); their code, each beside
 * the periods the text sets for it, is in schedule_periodic.c and schedule_records.c
 * (private header schedule_int.h); docs/registers.md lists them with their catalog ids.
 *
 * A duty's status: `overdue` when its due day has passed (or, for a missing record, at once),
 * `due_soon` when it falls within the window (today .. today + within days), else `ok`.
 */
#ifndef BS_SCHEDULE_SCHEDULE_H
#define BS_SCHEDULE_SCHEDULE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"

enum bs_duty_status { BS_DUTY_OVERDUE, BS_DUTY_DUE_SOON, BS_DUTY_OK };

/* How a duty that is not ok reads in the compliance status. */
enum bs_duty_kind {
	BS_DUTY_RECURRING, /* a periodic duty: overdue means "due" */
	BS_DUTY_DEFECT,    /* a record lacks something the text requires: overdue means "not met" */
	BS_DUTY_RETENTION, /* keep until: informational, always ok */
};

struct bs_duty {
	const char *duty;      /* static: "assessment", "training-hours" ... */
	char source[24];       /* catalog id */
	char subject[40];      /* "system:3", "person:2", "org" */
	int32_t due;           /* days since the epoch */
	enum bs_duty_status status;
	enum bs_duty_kind kind;
	char *detail_zh, *detail_en;
};

struct bs_duties {
	struct bs_duty *v;
	size_t n, cap;
};

struct bs_schedule_opts {
	int32_t as_of;              /* today (days since the epoch) */
	int within;                 /* due_soon window in days (default 90) */
	int restore_test_months;    /* restore test at least every N months (1..12, default 12) */
	int account_review_months;  /* account review at least every N months (1..12, default 12) */
	unsigned profile_mask;      /* organisation profile (bit = enum bs_profile_flag) */
};

/* Fills o with the defaults for as_of. */
void bs_schedule_opts_default(struct bs_schedule_opts *o, int32_t as_of);

/* The limits of the options `brokersec due` and GET /api/v1/due accept. */
#define BS_DUE_WITHIN_MAX 3660
#define BS_DUE_WITHIN_DEFAULT 90

/* Computes every duty from the snapshot, sorted by due day, then duty, then subject.
 * Archived records are ignored. Release out with bs_duties_release(). Returns 0, or
 * BS_EINVALID when the snapshot is malformed. */
int bs_schedule_compute(const json_t *snapshot, const struct bs_schedule_opts *o, struct bs_duties *out);
void bs_duties_release(struct bs_duties *d);

struct bs_store;
/* What `brokersec due` and GET /api/v1/due show, from one place (schedule_load.c): loads the
 * organisation profile (its mask replaces o->profile_mask) and the register snapshot from s,
 * then computes. Release out with bs_duties_release(), also after an error. */
int bs_schedule_load(struct bs_store *s, const struct bs_schedule_opts *o, struct bs_duties *out);
/* What bs_schedule_compute() reads from a data directory: every register's records
 * (bs_reg_snapshot) plus the assessments (src/assess) as "assessment" rows {id, system,
 * completed} per system covered, and the open findings as "assessment_finding". */
int bs_schedule_snapshot(struct bs_store *s, int32_t as_of, json_t **out);

const char *bs_duty_status_name(enum bs_duty_status s);           /* "overdue" ... */
/* "overdue,due_soon" -> a mask of (1 << enum bs_duty_status); 0 and BS_EINVALID naming the
 * unknown status (or an empty list). */
int bs_duty_status_mask(const char *list, unsigned *mask);
/* Keeps the duties due on or before last_day (INT32_MAX: all) whose status is in mask (0:
 * any): `due --within N --status L` and GET /due?within=N&status=L. Returns how many went. */
size_t bs_duties_keep(struct bs_duties *d, int32_t last_day, unsigned mask);
const char *bs_duty_status_label(enum bs_duty_status s, enum bs_lang lang);

/* [{duty, source, subject, due, status, detail}] with detail in lang. New reference. */
json_t *bs_duties_json(const struct bs_duties *d, enum bs_lang lang);

/* An iCalendar (RFC 5545) file with one all-day VEVENT per duty: CRLF line ends, lines
 * folded at 75 octets (never inside a UTF-8 sequence), a stable UID per duty and subject,
 * DTSTAMP from now_us. Appends to out. */
void bs_duties_ics(const struct bs_duties *d, enum bs_lang lang, int64_t now_us, struct bs_buf *out);

/* Training hours a role needs per calendar year (SR.4.5), in hundredths; -1 unknown role. */
int bs_training_required(const char *role);

#endif
