/*
 * eventlog.h - the tamper-evident event log (events.db beside brokersec.db).
 *
 * Every state change by a person and every received log line is an event. Events are
 * hashed over a canonical encoding, chained, covered by signed Merkle tree heads
 * (checkpoints) and forward-secure seals; docs/eventlog-format.md specifies all of it.
 * Time is UTC from bs_clock_now(), stored in microseconds.
 *
 * Contract for callers that change state (the rest of brokersec): record the change with
 * bs_audit() BEFORE committing it; when bs_audit() fails, roll the change back and report
 * the error ("fail closed": a change that cannot be logged does not happen).
 */
#ifndef BS_EVENTLOG_EVENTLOG_H
#define BS_EVENTLOG_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct bs_datadir;
struct bs_eventlog;

/* One event. Strings are borrowed for the duration of the call; NULL means "not known".
 * Limits enforced by append: type 1..64 chars of [a-z0-9._-]; others valid UTF-8 text,
 * message up to 64 KiB, data a JSON object (or NULL). */
struct bs_event {
	int64_t seq;            /* set by append: 1, 2, 3 ... without gaps */
	int64_t time_us;        /* set by append from bs_clock_now() when 0 */
	const char *type;       /* what: "profile.set", "evidence.add", "syslog" ... */
	int severity;           /* syslog severity 0 (emerg) .. 7 (debug) */
	const char *host;       /* where: host name */
	const char *source;     /* where: source address ("192.0.2.1:514") or "cli" */
	const char *system;     /* where: the system (register id) it concerns */
	const char *user;       /* who */
	const char *outcome;    /* "success", "failure" or NULL */
	const char *message;
	const char *data;       /* JSON object text with structured detail, or NULL */
};

/* Creates events.db in the data directory (init). Fails if it exists. */
int bs_eventlog_create(const char *datadir_path);
/* Opens an existing log; a missing events.db in an existing data dir is an error. */
int bs_eventlog_open(struct bs_eventlog **out, const char *datadir_path);
void bs_eventlog_close(struct bs_eventlog *log);

/* Appends events durably: when it returns 0 they are committed and chained, and each
 * ev->seq / ev->time_us is set. n events go in one transaction. */
int bs_eventlog_append(struct bs_eventlog *log, struct bs_event *ev, size_t n);

/* Records a change made by the data directory's current actor (dd->actor), from the CLI
 * or API. outcome: "success" / "failure". The message is printf-style; data may be NULL.
 * Opens dd's log on first use. Returns 0 or the error that must stop the change. */
int bs_audit(struct bs_datadir *dd, const char *type, const char *outcome, const char *data,
	     const char *fmt, ...) BS_PRINTF(5, 6);

#endif
