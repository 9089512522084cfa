/*
 * outbox.h - the notifications given up (issue 19; docs/notifications.md "Given up"): a summary
 * of src/notify's queue for those who show it to a person (the status of A2.4.1.7.4.2, `due`,
 * `notify queue`). Queued again with `brokersec notify retry` (notify.h, bs_notify_retry).
 */
#ifndef BS_OUTBOX_OUTBOX_H
#define BS_OUTBOX_OUTBOX_H

#include <stdint.h>

struct bs_store;

/* SQL: a notify_queue row given up on a channel that still exists (a query of that table alone). */
#define BS_OUTBOX_LIVE_DEAD "state = 'dead' AND channel_id IN (SELECT id FROM notify_channel WHERE removed_at IS NULL)"

struct bs_outbox_failed {
	int64_t channels, log_channels; /* live channels; those subscribed to log */
	int64_t dead;                   /* given up on a live channel: `notify retry` can queue them again */
	int64_t dead_log;               /* ... of them, event-log failure alerts (class log) */
	int64_t oldest_us;              /* when the first of them was given up (0: none) */
	int64_t failing_log;            /* log messages still pending after failed attempts */
	char classes[160];              /* the dead per class: "log 1, lockout 2" */
};
/* 0 and *f, or an error. */
int bs_outbox_failed(struct bs_store *s, struct bs_outbox_failed *f);

#endif
