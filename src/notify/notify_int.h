/* notify_int.h - what the files of src/notify share (notify.h maps them). */
#ifndef BS_NOTIFY_NOTIFY_INT_H
#define BS_NOTIFY_NOTIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "notify/notify.h"

struct bs_datadir;
struct bs_store;

/* A channel as stored; secret (unsealed) only when asked for, sodium_malloc'd. */
struct nt_channel {
	int64_t id;
	char name[41], kind[8];
	char *url, *from, *to, *user, *ca;
	char *secret;    /* NUL-terminated; NULL when none or not asked */
	unsigned classes; /* 1 << enum bs_notify_class */
	int removed;
};
/* By id (name NULL: removed ones too) or by live name: 0, BS_ENOTFOUND (with a message), or an error. */
int nt_channel_load(struct bs_datadir *dd, int64_t id, const char *name, int with_secret, struct nt_channel *c);
void nt_channel_release(struct nt_channel *c);
/* The live channels subscribed to class c: *ids (free()), *n. */
int nt_channels_for(struct bs_store *s, enum bs_notify_class c, int64_t **ids, size_t *n);
/* 1 when any live channel exists, 0 when none, or an error. */
int nt_any_channel(struct bs_store *s);

/* A message to enqueue: subject and body are the mail's (zh-TW first, then English), payload
 * the webhook's JSON. recipients: comma-separated addresses replacing the channel's, or NULL. */
struct nt_msg {
	int64_t id, channel_id, event_seq; /* event_seq 0: none */
	int attempts;
	const char *cls, *key, *recipients, *subject, *body, *payload;
};
/* INSERT OR IGNORE by (channel, key); *added 1 when new. */
int nt_enqueue(struct bs_store *s, const struct nt_msg *m, int64_t now_us, int *added);

/* The messages due (pending, next_us <= now), oldest first, at most limit: *v (nt_msgs_free). */
int nt_due(struct bs_store *s, int64_t now_us, int64_t only_id, size_t limit, struct nt_msg **v, size_t *n);
void nt_msgs_free(struct nt_msg *v, size_t n);
/* Records an attempt: state "sent", "pending" or "dead"; error NULL when none. */
int nt_mark(struct bs_store *s, int64_t id, const char *state, int attempts, int64_t next_us, int64_t now_us,
	    const char *error, long status);
/* Takes message id for one delivery attempt: moves its next try lease_us ahead, so that another
 * notifier (serve and a `notify run` at once) does not send it too, and a crash mid-send retries
 * it after the lease. 1 when taken, 0 when another took it (or it is not due: any_time ignores
 * that), or an error. */
int nt_claim(struct bs_store *s, int64_t id, int64_t now_us, int64_t lease_us, int any_time);
/* Gives up the pending messages of a removed channel (state dead, error "channel removed"). */
int nt_drop_channel(struct bs_store *s, int64_t channel_id);

/* The notifier's row. */
struct nt_state {
	int64_t cursor;
	char digest_day[16];
	char alert[65];
};
int nt_state_get(struct bs_store *s, struct nt_state *st);
int nt_state_put(struct bs_store *s, const struct nt_state *st);

/* ---- messages (notify_msg.c) ---- */

/* A message being made: subject, body (mail text) and payload (JSON object, built by the caller). */
struct nt_text {
	struct bs_buf subject, body;
};
void nt_text_release(struct nt_text *t);
/* The message of an event of class c. *payload: a new JSON object. */
void nt_event_msg(const struct bs_event *ev, enum bs_notify_class c, struct nt_text *t, json_t **payload);
/* The RFC 5322 message of a queued one: headers (From, To, Subject encoded per RFC 2047,
 * Date, Message-ID, MIME) and the body in base64, CRLF lines. */
void nt_mail_format(const char *from, const char *const *to, const char *subject, const char *body, int64_t now_us,
		    int64_t id, struct bs_buf *out);

/* ---- delivery (notify_send.c) ---- */

struct bs_witness_conn;
/* Delivers m over channel c: 0 (and *status: 250, 2xx), or an error saying why. k: the pass's
 * libcurl handle (src/witness), so that the messages to one server share a connection. */
int nt_deliver(struct bs_witness_conn *k, const struct nt_channel *c, const struct nt_msg *m, int64_t now_us,
	       long *status);

#endif
