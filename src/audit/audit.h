/*
 * audit.h - recording a change of state made through a data directory: the one call every
 * change by a person goes through (bs_audit), and the event log's calls that act for the
 * data directory's current actor. Above both datadir (who acts, from where, the open log)
 * and eventlog (the log itself), so that neither of those depends on the other's caller.
 *
 * Contract for callers that change state (the rest of brokersec): record the change with
 * bs_audit() BEFORE committing it; when bs_audit() fails, roll the change back and report
 * the error ("fail closed": a change that cannot be logged does not happen).
 */
#ifndef BS_AUDIT_AUDIT_H
#define BS_AUDIT_AUDIT_H

#include "core/error.h"

struct bs_datadir;

/* Records a change made by the data directory's current actor (dd->actor), from the CLI
 * or API. outcome: "success" / "failure". The message is printf-style; data may be NULL.
 * Opens dd's log on first use. Returns 0 or the error that must stop the change. */
int bs_audit(struct bs_datadir *dd, const char *type, const char *outcome, const char *data,
	     const char *fmt, ...) BS_PRINTF(5, 6);

/* Reading the log is itself an event (A2.4.1.7.6): records "eventlog.read" by dd's actor
 * from dd's source (data: a JSON object or NULL; the message is printf-style), then a
 * checkpoint, so what is read next is sealed up to here. Call it before reading; when it
 * fails, do not read (fail closed). */
int bs_eventlog_audit_read(struct bs_datadir *dd, const char *data, const char *fmt, ...) BS_PRINTF(3, 4);

/* Clears the event log's alert flag (bs_eventlog_alert, eventlog.h) after a person has
 * dealt with it (itself an event). */
int bs_eventlog_alert_clear(struct bs_datadir *dd);

#endif
