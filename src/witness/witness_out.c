/* witness_out.c - the sender serve runs for its https:// and smtp(s):// witnesses
 * (witness.h): the log's signed head POSTed as {"head": LINE, "key": "bspub1-...", and the
 * fields parsed}, again when it changes and every 5 minutes; or mailed when it changed, at
 * most every 15 minutes; a failure retried after 10 s, doubling to 5 minutes, and said on
 * stderr; each head delivered recorded in brokersec.db for the report. */
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "witness/witness.h"

#define REPEAT_US (300LL * 1000000)
#define RETRY_MIN_S 10
#define RETRY_MAX_S 300
#define MAIL_EVERY_US (900LL * 1000000)

struct target {
	const char *url;
	char to[256];           /* smtp: the recipient; "" for https */
	char last[BS_EVENTLOG_HEAD_LINE_MAX];
	int64_t sent_us, next_us;
	int backoff_s;
};

struct bs_witness_out {
	struct bs_witness_tls tls;
	char *token;
	struct target *t;
	size_t n;
};

int bs_witness_out_new(struct bs_witness_out **out, const char *const *urls, size_t n, const struct bs_witness_tls *t)
{
	struct bs_witness_out *w;
	int err;

	*out = NULL;
	w = bs_calloc(1, sizeof(*w));
	w->tls = *t;
	w->t = bs_calloc(n ? n : 1, sizeof(*w->t));
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(urls[i], "smtp://", 7) || !strncmp(urls[i], "smtps://", 8)) {
			if ((err = bs_witness_mail_url_check(urls[i], w->t[w->n].to, sizeof(w->t[w->n].to))) < 0)
				goto fail;
			w->t[w->n++].url = urls[i];
			continue;
		}
		if (strncmp(urls[i], "https://", 8))
			continue;
		if ((err = bs_witness_url_check("--witness", urls[i])) < 0)
			goto fail;
		w->t[w->n++].url = urls[i];
	}
	if (w->n && ((err = bs_witness_tls_check("--witness", t)) < 0 || (err = bs_witness_token_read(t, &w->token)) < 0))
		goto fail;
	*out = w;
	return 0;
fail:
	bs_witness_out_free(w);
	return err;
}

size_t bs_witness_out_count(const struct bs_witness_out *w)
{
	return w ? w->n : 0;
}

void bs_witness_out_free(struct bs_witness_out *w)
{
	if (!w)
		return;
	if (w->token)
		sodium_free(w->token);
	free(w->t);
	free(w);
}

static char *body(const char *line, const struct bs_head *h, const char *pub)
{
	char when[BS_TIME_MAX], key[80];
	json_t *o;
	char *s;

	bs_time_format(h->time_us, when);
	snprintf(key, sizeof(key), "bspub1-%s", pub);
	o = json_pack("{s:s,s:s,s:s,s:I,s:s,s:I,s:s}", "head", line, "key", key, "log", h->log_hex, "size",
		      (json_int_t)h->size, "root", h->root_hex, "time_us", (json_int_t)h->time_us, "time", when);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		abort();
	return s;
}

/* The mail: the line alone on a line of its own (log verify --witness reads a saved mailbox). */
static char *mail(const char *line, const struct bs_head *h, const char *from, const char *to)
{
	struct bs_buf b = BS_BUF_INIT;
	char when[BS_TIME_MAX], host[256] = "";
	unsigned char rnd[12];
	char id[25];

	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	bs_time_format(h->time_us, when);
	bs_buf_printf(&b, "From: brokersec <%s>\r\nTo: <%s>\r\nSubject: brokersec event-log head: log %.16s size %lld\r\n"
		      "Message-ID: <%s@%.200s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
		      "X-Brokersec-Head: witness\r\n\r\n", from, to, h->log_hex, (long long)h->size, id, host);
	bs_buf_printf(&b, "The signed head of the event log of brokersec on %.200s (%lld events, checkpoint of %s).\r\n"
		      "Keep this mail: 'brokersec log verify --witness FILE' checks the log against the heads in\r\n"
		      "the saved mails (docs/eventlog-format.md, \"Witnesses\").\r\n\r\n%s\r\n", host, (long long)h->size,
		      when, line);
	return bs_buf_detach(&b, NULL);
}

void bs_witness_out_publish(struct bs_witness_out *w, struct bs_datadir *dd, int final)
{
	char line[BS_EVENTLOG_HEAD_LINE_MAX], pub[65];
	struct bs_head h;
	char *json = NULL;
	int64_t now = bs_clock_now();

	if (!w || !w->n)
		return;
	if (bs_eventlog_head_line(dd->path, line, sizeof(line)) < 0 || bs_eventlog_head_parse(line, &h) < 0 ||
	    bs_eventlog_public_key(dd->path, pub) < 0) {
		fprintf(stderr, "brokersec serve: witness: %s\n", bs_error_message());
		return;
	}
	for (size_t i = 0; i < w->n; i++) {
		struct target *t = &w->t[i];
		struct bs_buf reply = BS_BUF_INIT;
		long status = 0;
		int err;

		if (!final && !strcmp(t->last, line) && (t->to[0] || now - t->sent_us < REPEAT_US))
			continue;
		if (!final && t->to[0] && t->sent_us && now - t->sent_us < MAIL_EVERY_US)
			continue; /* a mailbox gets a head every 15 minutes at most */
		if (!final && now < t->next_us)
			continue; /* backing off after a failure */
		if (t->to[0]) {
			char from[300], host[256] = "";
			if (gethostname(host, sizeof(host)) != 0 || !host[0] || !strchr(host, '.'))
				snprintf(host, sizeof(host), "localhost");
			host[sizeof(host) - 1] = '\0';
			snprintf(from, sizeof(from), "brokersec@%s", host);
			char *msg = mail(line, &h, from, t->to);
			err = bs_witness_mail(t->url, &w->tls, from, t->to, msg, &status);
			free(msg);
			if (err >= 0 && status != 250)
				bs_buf_printf(&reply, "the SMTP server answered %ld", status);
		} else {
			if (!json)
				json = body(line, &h, pub);
			err = bs_witness_http(t->url, &w->tls, w->token, json, 64 * 1024, &status, &reply);
		}
		if (err >= 0 && (status == 200 || status == 201 || (t->to[0] && status == 250))) {
			snprintf(t->last, sizeof(t->last), "%s", line);
			t->sent_us = now;
			t->backoff_s = 0;
			t->next_us = 0;
			if (bs_witness_delivered(dd->store, t->url, line, &h, status) < 0)
				fprintf(stderr, "brokersec serve: witness %s: delivered, but %s\n", t->url, bs_error_message());
		} else {
			t->backoff_s = t->backoff_s ? t->backoff_s * 2 : RETRY_MIN_S;
			if (t->backoff_s > RETRY_MAX_S)
				t->backoff_s = RETRY_MAX_S;
			t->next_us = now + (int64_t)t->backoff_s * 1000000;
			if (err >= 0) {
				bs_buf_putc(&reply, '\0');
				for (char *p = reply.ptr; *p; p++) /* the witness's words, not its terminal codes */
					if ((unsigned char)*p < 0x20 || *p == 0x7f)
						*p = ' ';
				fprintf(stderr, "brokersec serve: witness %s: refused the head (HTTP %ld: %.300s); next attempt "
					"in %d s\n", t->url, status, reply.ptr, t->backoff_s);
			} else {
				fprintf(stderr, "brokersec serve: witness %s; next attempt in %d s\n", bs_error_message(),
					t->backoff_s);
			}
		}
		bs_buf_release(&reply);
	}
	free(json);
}
