/* notify_send.c - delivering a queued message over its channel, through src/witness's one
 * libcurl setup (TLS always, the peer verified with the system's CAs or the channel's CA file):
 * SMTP (STARTTLS required, or smtps; AUTH after TLS only) and HTTPS webhooks, whose JSON body is
 * signed: X-Brokersec-Timestamp: UNIX SECONDS, X-Brokersec-Signature: sha256=HEX of
 * HMAC-SHA256(key, TIMESTAMP "." BODY) (docs/notifications.md says how the receiver checks). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify_int.h"
#include "witness/witness.h"

void bs_notify_sign(const unsigned char *key, size_t keylen, const char *ts, const char *body, size_t bodylen,
		    char out[72])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, bodylen);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

int64_t bs_notify_backoff_us(int attempts)
{
	int64_t d = BS_NOTIFY_BACKOFF_US;
	for (int i = 1; i < attempts && d < BS_NOTIFY_BACKOFF_MAX_US; i++)
		d *= 2;
	return d < BS_NOTIFY_BACKOFF_MAX_US ? d : BS_NOTIFY_BACKOFF_MAX_US;
}

static int deliver_mail(struct bs_witness_conn *k, const struct nt_channel *c, const struct nt_msg *m, int64_t now_us,
			long *status)
{
	struct bs_witness_tls t = { c->ca, NULL, NULL };
	struct bs_buf mail = BS_BUF_INIT;
	const char *list = m->recipients ? m->recipients : c->to ? c->to : "";
	char *copy = bs_strdup(list), *save = NULL;
	const char *to[33];
	size_t n = 0;
	int err;

	for (char *p = strtok_r(copy, ",", &save); p && n < 32; p = strtok_r(NULL, ",", &save))
		to[n++] = p;
	to[n] = NULL;
	if (!n) {
		free(copy);
		return bs_error(BS_EINVALID, "channel '%s': no recipient", c->name);
	}
	nt_mail_format(c->from ? c->from : "", to, m->subject, m->body, now_us, m->id, &mail);
	err = bs_witness_mail_ex(k, c->url, &t, c->user, c->secret, c->from ? c->from : "", to, mail.ptr, status);
	if (err == 0 && (*status < 200 || *status >= 300))
		err = bs_error(BS_ERR, "%s answered %ld", c->url, *status);
	bs_buf_release(&mail);
	free(copy);
	return err;
}

static int deliver_webhook(struct bs_witness_conn *k, const struct nt_channel *c, const struct nt_msg *m,
			   int64_t now_us, long *status)
{
	struct bs_witness_tls t = { c->ca, NULL, NULL };
	struct bs_buf reply = BS_BUF_INIT;
	json_error_t je;
	json_t *p = json_loads(m->payload, 0, &je);
	char ts[24], sig[72], hts[64], hsig[128], hid[64], *body;
	const char *hdr[4];
	int err;

	if (!p || !c->secret)
		return bs_error(BS_ERR, "notification %lld: its message or the channel's key is missing", (long long)m->id);
	snprintf(ts, sizeof(ts), "%lld", (long long)(now_us / 1000000));
	json_object_set_new(p, "delivery", json_pack("{s:I, s:I, s:i}", "id", (json_int_t)m->id, "timestamp",
						      (json_int_t)(now_us / 1000000), "attempt", m->attempts + 1));
	body = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	if (!body)
		abort();
	bs_notify_sign((const unsigned char *)c->secret, strlen(c->secret), ts, body, strlen(body), sig);
	snprintf(hts, sizeof(hts), "X-Brokersec-Timestamp: %s", ts);
	snprintf(hsig, sizeof(hsig), "X-Brokersec-Signature: %s", sig);
	snprintf(hid, sizeof(hid), "X-Brokersec-Delivery: %lld", (long long)m->id);
	hdr[0] = hts;
	hdr[1] = hsig;
	hdr[2] = hid;
	hdr[3] = NULL;
	err = bs_witness_http_ex(k, c->url, &t, hdr, body, 64 * 1024, status, &reply);
	if (err == 0 && (*status < 200 || *status >= 300)) {
		bs_buf_putc(&reply, '\0');
		err = bs_error(BS_ERR, "%s answered %ld: %.300s", c->url, *status, reply.ptr);
	}
	bs_buf_release(&reply);
	free(body);
	return err;
}

int nt_deliver(struct bs_witness_conn *k, const struct nt_channel *c, const struct nt_msg *m, int64_t now_us,
	       long *status)
{
	*status = 0;
	if (!strcmp(c->kind, "smtp"))
		return deliver_mail(k, c, m, now_us, status);
	return deliver_webhook(k, c, m, now_us, status);
}
