/*
 * witness.h - the event log's witnesses over HTTPS (issue 20; docs/eventlog-format.md,
 * "Witnesses"): the signed head this brokersec sends to its witnesses (serve --witness
 * https://...), the heads it keeps as a witness of other brokersecs (POST /api/v1/witness),
 * and the download of a witness's heads for `log verify --witness https://...`.
 *
 * Files: witness_curl.c (libcurl: TLS always verified, a CA file or a public-key pin, the
 * bearer token from a file), witness_out.c (the sender serve runs), witness_recv.c (a head
 * received: parsed, its signature checked against the key pinned for its log), and
 * witness_store.c (the tables of migration 0012; the only SQL here).
 */
#ifndef BS_WITNESS_WITNESS_H
#define BS_WITNESS_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

struct bs_datadir;
struct bs_store;
struct bs_head;

/* How a witness's TLS peer is checked: the system's CAs (both NULL), the CA certificates in
 * ca_file, or pin ("sha256//BASE64" of the peer's public key: a peer brokersec's self-signed
 * certificate, as `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst
 * -sha256 -binary | base64` prints it). token_file: the bearer token's file, or NULL. */
struct bs_witness_tls {
	const char *ca_file;
	const char *pin;
	const char *token_file;
};

/* 0 when url is https://HOST[:PORT]/PATH without credentials in it (opt names the option in
 * the message), else BS_EINVALID saying what to give. */
int bs_witness_url_check(const char *opt, const char *url);
/* 0 when t's values are usable (the pin's form, the files readable), else BS_EINVALID. */
int bs_witness_tls_check(const char *opt_prefix, const struct bs_witness_tls *t);
/* The token of t->token_file (its first line) into *token (sodium_free it), or NULL when none. */
int bs_witness_token_read(const struct bs_witness_tls *t, char **token);

/* One HTTPS request to a witness: GET (json NULL) or POST of json; the reply's status and
 * body (at most max bytes) into *status and out. 0 when it was answered (any status), or an
 * error saying why not (TLS refused, a pin that does not match, no connection). */
int bs_witness_http(const char *url, const struct bs_witness_tls *t, const char *token, const char *json,
		    size_t max, long *status, struct bs_buf *out);
/* Mails msg (a whole RFC 5322 message, CRLF lines) from from to to through the SMTP server of
 * url (smtp://HOST[:PORT]/..., STARTTLS required; smtps://: TLS from the start), the peer
 * checked as for HTTPS; *status: the server's last reply code (250). */
int bs_witness_mail(const char *url, const struct bs_witness_tls *t, const char *from, const char *to, const char *msg,
		    long *status);
/* The same two for a notification channel (src/notify): bs_witness_http with extra request
 * headers ("Name: value", NULL-terminated, or NULL) and no bearer token; bs_witness_mail to
 * several recipients (NULL-terminated) with SMTP AUTH when user is given (only ever after TLS).
 * Their messages name the channel's --ca, not the witness options. conn: a libcurl handle kept
 * across requests (bs_witness_conn_new), so that messages to one server share one connection
 * (SMTP: one session, a MAIL FROM per message; HTTPS: keep-alive); NULL: one of their own.
 * A message that fails on a reused SMTP connection (the server closed it, or refuses more
 * messages in it) is tried once more on a new one. */
struct bs_witness_conn;
struct bs_witness_conn *bs_witness_conn_new(void);
void bs_witness_conn_free(struct bs_witness_conn *k);
/* The connections it opened so far (TLS handshakes; a reused one is not counted). */
long bs_witness_conn_connects(const struct bs_witness_conn *k);
int bs_witness_http_ex(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t,
		       const char *const *headers, const char *json, size_t max, long *status, struct bs_buf *out);
int bs_witness_mail_ex(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t, const char *user,
		       const char *password, const char *from, const char *const *to, const char *msg, long *status);
/* 0 when url is smtp://HOST[:PORT]/RCPT or smtps://HOST[:PORT]/RCPT (RCPT an e-mail address),
 * its recipient into to (cap bytes), else BS_EINVALID. */
int bs_witness_mail_url_check(const char *url, char *to, size_t cap);
/* GET url (a witness's GET /api/v1/witness?log=ID) into out: 0, or an error naming the status. */
int bs_witness_fetch(const char *url, const struct bs_witness_tls *t, struct bs_buf *out);

/* ---- the sender (serve --witness): syslog:// targets stay serve's own ---- */
struct bs_witness_out;
/* For the https://, smtp:// and smtps:// urls among urls (syslog ones are skipped): checks
 * them and t, reads the token. */
int bs_witness_out_new(struct bs_witness_out **out, const char *const *urls, size_t n, const struct bs_witness_tls *t);
/* Number of https targets. */
size_t bs_witness_out_count(const struct bs_witness_out *w);
/* Sends the log's head to each https target whose last delivered head differs or is 5 minutes
 * old, and mails it to each smtp target when it changed and the last mail is 15 minutes old
 * (a mailbox is read by people), unless it failed lately (retried after 10 s, doubling to 5
 * minutes); final: the last head after the closing checkpoint, tried whatever the backoff
 * and the 15 minutes say. Failures are said on
 * stderr ("brokersec serve: witness URL: ..."), never stop serving. Each delivered head is
 * recorded (bs_witness_delivered). */
void bs_witness_out_publish(struct bs_witness_out *w, struct bs_datadir *dd, int final);
void bs_witness_out_free(struct bs_witness_out *w);

/* ---- the record of heads delivered (witness_store.c) ---- */

/* Records that line (h parsed from it) was delivered to url (status: the HTTP status, 0 for
 * a syslog datagram, which has no receipt). */
int bs_witness_delivered(struct bs_store *s, const char *url, const char *line, const struct bs_head *h,
			 long status);
struct bs_witness_delivery {
	char url[2049];
	char root[65];
	int64_t size, time_us, delivered_us;
	long status;
};
/* The latest head delivered to any witness: 1 and *d, 0 when none, or an error. */
int bs_witness_latest(struct bs_store *s, struct bs_witness_delivery *d);

/* ---- as a witness: heads received (witness_recv.c) ---- */

/* Stores the head line received from the data directory's current actor and source. key:
 * "bspub1-<64 hex>" sent with it, or NULL. The log's key is pinned on first sight (a
 * witness.trust event) or by bs_witness_trust; a head must verify with the pinned key.
 * *stored: 1 new, 0 kept already. BS_EINVALID: malformed, unknown log without a key, or a
 * signature that does not verify; BS_ECONFLICT (and a witness.refused event): a key other
 * than the one pinned for that log. */
int bs_witness_receive(struct bs_datadir *dd, const char *line, const char *key, int *stored);
/* Pins log_hex's key (`brokersec witness trust`), a witness.trust event; BS_ECONFLICT when
 * another key is pinned for it already. */
int bs_witness_trust(struct bs_datadir *dd, const char *log_hex, const char *key);

struct bs_witness_head {
	int64_t id, size, time_us;
	const char *root, *line, *received_at, *source;
};
/* The heads kept of log_hex, by size then arrival, from offset, at most limit (< 0: all);
 * fn returns nonzero to stop. *total: how many are kept (may be NULL). *pubkey (65 bytes):
 * the pinned key, "" when the log is unknown. */
int bs_witness_heads(struct bs_store *s, const char *log_hex, int64_t offset, int64_t limit, int64_t *total,
		     char pubkey[65], int (*fn)(const struct bs_witness_head *h, void *ctx), void *ctx);

/* Summary events per log id at most once per hour (witness.received): not one per head. */
#define BS_WITNESS_SUMMARY_US (3600LL * 1000000)

#endif
