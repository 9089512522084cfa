/*
 * notify.h - notifications that reach a person (issue 19; docs/notifications.md).
 *
 * Decoupled from whoever raises an alert: the notifier reads the tamper-evident log's NEW
 * events from its cursor (a row of migration 0016), maps each event type to a class
 * (notify_class.c), and enqueues a message for every channel subscribed to that class, in the
 * same transaction that moves the cursor. Once a day it adds a digest per responsible person
 * of the duties overdue and soon due (the deadline engine, src/schedule) and a list of the
 * findings past due. Messages are delivered from the queue in brokersec.db with exponential
 * backoff; every failed attempt and every message given up is an event; a message is never
 * lost across a restart (it stays pending until sent or dead).
 *
 * Channels: SMTP (smtp:// with STARTTLS required, or smtps://; the server's certificate always
 * checked; AUTH with a password from a file) and HTTPS webhooks (a JSON POST whose body is
 * signed with HMAC-SHA256: X-Brokersec-Signature: sha256=HEX over "TIMESTAMP.BODY", with
 * X-Brokersec-Timestamp). Secrets are read from files at `channel add`, sealed under
 * keys/secrets.key (bs_keys_seal_secret), never logged, never in a URL.
 *
 * Files: notify_class.c (event type -> class), notify_store.c (the tables; the only SQL),
 * notify_msg.c (the messages: events, digests, findings, tests), notify_send.c (delivery
 * through src/witness's libcurl setup, the signature), notify_run.c (one pass).
 */
#ifndef BS_NOTIFY_NOTIFY_H
#define BS_NOTIFY_NOTIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/i18n.h"

struct bs_datadir;
struct bs_store;
struct bs_event;

enum bs_notify_class {
	BS_NOTIFY_LOG,       /* the event log's failure or capacity (A2.4.1.7.3) */
	BS_NOTIFY_LOCKOUT,   /* lockouts and repeated refusals (A2.4.1.6, SR.10) */
	BS_NOTIFY_INTEGRITY, /* integrity and ransomware indicators (A2.5.3.3, A3.4) */
	BS_NOTIFY_PHISHING,  /* phishing hits (SR.14) */
	BS_NOTIFY_DUTIES,    /* the daily digest of overdue and soon-due duties, per person */
	BS_NOTIFY_FINDINGS,  /* findings past due (A2.8) */
	BS_NOTIFY_CLASS_COUNT
};

/* "log", "lockout", ... */
const char *bs_notify_class_name(enum bs_notify_class c);
/* The class's title in lang, with the clauses it serves. */
const char *bs_notify_class_title(enum bs_notify_class c, enum bs_lang lang);
/* 0 and *c, or BS_EINVALID naming the class and the known ones. */
int bs_notify_class_parse(const char *name, enum bs_notify_class *c);
/* The class an event belongs to, or -1 when it is not one to notify (notify_class.c's table;
 * the notifier's own events never are). */
int bs_notify_classify(const struct bs_event *ev);

/* The attempts after which a message is given up (dead, an event), and the backoff: the k-th
 * failed attempt (1-based) waits BS_NOTIFY_BACKOFF_US << (k - 1), at most BS_NOTIFY_BACKOFF_MAX_US. */
#define BS_NOTIFY_MAX_ATTEMPTS 12
#define BS_NOTIFY_BACKOFF_US (60LL * 1000000)
#define BS_NOTIFY_BACKOFF_MAX_US (6LL * 3600 * 1000000)
/* The delay after the k-th failed attempt. */
int64_t bs_notify_backoff_us(int attempts);
/* How old a webhook's timestamp may be when the receiver checks it (docs/notifications.md). */
#define BS_NOTIFY_SIGNATURE_WINDOW_S 300

/* ---- channels (notify_store.c) ---- */

struct bs_notify_channel_spec {
	const char *name;        /* [a-z0-9_-], 1..40 */
	const char *smtp;        /* smtp://HOST[:PORT] or smtps://HOST[:PORT], or NULL */
	const char *webhook;     /* https://HOST[:PORT]/PATH, or NULL (exactly one of the two) */
	const char *from, *to;   /* smtp: the sender, the recipients (comma-separated) */
	const char *user;        /* smtp: AUTH user, or NULL */
	const char *secret_file; /* smtp: the password's file (with user); webhook: the HMAC key's (required) */
	const char *ca_file;     /* the CA certificates that vouch for the server, or NULL: the system's */
};
/* Checks spec (BS_EINVALID naming the option) without opening anything. */
int bs_notify_channel_check(const struct bs_notify_channel_spec *spec);
/* Adds a channel (a notify.channel.add event; BS_EEXISTS when the name is taken). The first
 * channel starts the notifier's cursor at the log's end: it tells of what happens from now on. */
int bs_notify_channel_add(struct bs_datadir *dd, const struct bs_notify_channel_spec *spec);
/* Removes a channel (notify.channel.remove); its pending messages are given up with it. */
int bs_notify_channel_remove(struct bs_datadir *dd, const char *name);
/* Subscribes (on = 1) or unsubscribes (0) the channel to classes (notify.subscribe). */
int bs_notify_subscribe(struct bs_datadir *dd, const char *name, const enum bs_notify_class *c, size_t n, int on);
/* [{name, kind, url, from, to, user, ca, classes: [..], created_at, created_by}] by name; no secret. */
int bs_notify_channel_list(struct bs_store *s, json_t **out);

/* ---- the notifier (notify_run.c) ---- */

/* 1 when a channel exists (serve then runs a pass every 10 s), 0 when none, or an error. */
int bs_notify_active(struct bs_store *s);

struct bs_notify_run_opts {
	int64_t now_us;      /* the notifier's clock: bs_clock_now(), or a test's */
	int deliver;         /* 1: deliver what is due; 0: only enqueue */
	int64_t scan_max;    /* events read at most per pass (0: 100000) */
};
struct bs_notify_run_stats {
	int64_t read, enqueued, sent, failed, dead, digests, cursor;
	int64_t connections; /* connections the deliveries opened (one per server when it keeps them) */
};
/* One pass: reads the events after the cursor and enqueues, the event log's alert flag, the
 * day's digests (once per Taiwan calendar day), then delivers the messages due. A message that
 * cannot be delivered is an error of its own (in the queue and an event), not of the pass;
 * the pass fails only when its own state cannot be read or written. */
int bs_notify_run(struct bs_datadir *dd, const struct bs_notify_run_opts *o, struct bs_notify_run_stats *st);
/* Enqueues a test message on channel name and tries it at once (whatever the backoff of the
 * others). 0 when it was delivered; else the delivery's error (the message stays queued). */
int bs_notify_test(struct bs_datadir *dd, const char *name, int64_t now_us);
/* The queue, newest first: [{id, channel, class, key, state, attempts, next_try, created,
 * last_try, last_error, status, subject}]; state NULL: all; limit < 0: all. */
int bs_notify_queue_list(struct bs_store *s, const char *state, int64_t limit, json_t **out);
/* Counts per state (pending, sent, dead) into n[3]. */
int bs_notify_queue_counts(struct bs_store *s, int64_t n[3]);

/* ---- messages given up (notify_store.c; docs/notifications.md "Given up"; their summary:
 * src/outbox) ---- */

/* Queues again the message id given up (0: every one given up on a live channel): pending,
 * due now, its attempts from 0; one notify.retry event naming them. *n: how many (0 with
 * id 0: none was given up). BS_ENOTFOUND for an id that is not a message, BS_EINVALID for one
 * not given up or whose channel was removed. */
int bs_notify_retry(struct bs_datadir *dd, int64_t id, int64_t now_us, int64_t *n);

/* ---- the signature (notify_send.c) ---- */

/* "sha256=" + 64 hex of HMAC-SHA256(key, ts "." body) into out (72 bytes). */
void bs_notify_sign(const unsigned char *key, size_t keylen, const char *ts, const char *body, size_t bodylen,
		    char out[72]);

#endif
