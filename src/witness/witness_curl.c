/* witness_curl.c - HTTPS to a witness with libcurl (witness.h): https only, no redirects,
 * the peer always verified (the system's CAs, a CA file, or a public-key pin for a peer
 * brokersec's self-signed certificate), the bearer token from a file and never in a
 * message. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "witness/witness.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int bs_witness_url_check(const char *opt, const char *url)
{
	const char *host = url + 8, *end;

	if (strncmp(url, "https://", 8))
		return bs_error(BS_EINVALID, "%s '%.200s': give https://HOST[:PORT]/PATH (TLS is required)", opt, url);
	end = host + strcspn(host, "/?#");
	if (end == host || memchr(host, '@', (size_t)(end - host)) || strchr(url, '#') || strlen(url) > 2048 ||
	    strcspn(url, " \t\r\n\"'\\<>") != strlen(url))
		return bs_error(BS_EINVALID, "%s '%.200s': give https://HOST[:PORT]/PATH with no credentials in it (the "
				"token goes in a file: --witness-token-file)", opt, url);
	return 0;
}

int bs_witness_mail_url_check(const char *url, char *to, size_t cap)
{
	const char *host = url + (strncmp(url, "smtps://", 8) ? 7 : 8), *slash = strchr(host, '/'), *at;
	size_t n;

	if ((strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8)) || !slash || slash == host ||
	    memchr(host, '@', (size_t)(slash - host)) || !(at = strchr(slash + 1, '@')) || at == slash + 1 || !at[1] ||
	    (n = strlen(slash + 1)) >= cap || n > 254 || strcspn(slash + 1, " \t\r\n<>\"'\\,;:/?#()[]") != n ||
	    strchr(at + 1, '@'))
		return bs_error(BS_EINVALID, "--witness '%.200s': give smtp://HOST[:PORT]/ADDRESS (STARTTLS) or "
				"smtps://HOST[:PORT]/ADDRESS, the mailbox that keeps the heads as the path "
				"(smtp://mail.example.com:587/audit@example.com)", url);
	memcpy(to, slash + 1, n + 1);
	return 0;
}

int bs_witness_tls_check(const char *opt_prefix, const struct bs_witness_tls *t)
{
	if (t->pin) {
		size_t n = strlen(t->pin);
		if (strncmp(t->pin, "sha256//", 8) || n != 8 + 44 || t->pin[n - 1] != '=' ||
		    strspn(t->pin + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != 44)
			return bs_error(BS_EINVALID, "%s-pin '%.80s': give sha256//BASE64 of the witness's public key (44 "
					"characters of base64, as 'openssl x509 -pubkey -noout | openssl pkey -pubin "
					"-outform der | openssl dgst -sha256 -binary | base64' prints it)", opt_prefix, t->pin);
	}
	if (t->ca_file && access(t->ca_file, R_OK) != 0)
		return bs_error(BS_EINVALID, "%s-ca '%s': cannot read it: %s", opt_prefix, t->ca_file, bs_strerror(errno));
	if (t->token_file && access(t->token_file, R_OK) != 0)
		return bs_error(BS_EINVALID, "%s-token-file '%s': cannot read it: %s", opt_prefix, t->token_file,
				bs_strerror(errno));
	return 0;
}

int bs_witness_token_read(const struct bs_witness_tls *t, char **token)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t n;
	int err;

	*token = NULL;
	if (!t->token_file)
		return 0;
	if ((err = bs_buf_read_file(&b, t->token_file)) < 0)
		return err;
	n = strcspn(b.ptr ? b.ptr : "", "\r\n");
	if (n == 0 || n > 256 || strspn(b.ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~+/=") < n) {
		if (b.ptr)
			sodium_memzero(b.ptr, b.len);
		bs_buf_release(&b);
		return bs_error(BS_EINVALID, "token file '%s': its first line must be the API token ('brokersec user token' "
				"prints it)", t->token_file);
	}
	*token = sodium_malloc(n + 1);
	if (!*token)
		abort();
	memcpy(*token, b.ptr, n);
	(*token)[n] = '\0';
	sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	return 0;
}

struct sink {
	struct bs_buf *out;
	size_t max;
	int over;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * n;
	if (s->out->len + len > s->max) {
		s->over = 1;
		return 0;
	}
	bs_buf_put(s->out, p, len);
	return len;
}

/* The peer's certificate: pinned key, else the CAs (t->ca_file or the system's). */
static void tls_setup(CURL *h, const struct bs_witness_tls *t)
{
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (t->pin) {
		/* a peer brokersec's self-signed certificate: no CA vouches for it, its key alone is
		 * checked (a certificate with any other key is refused before a byte is sent) */
		curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, t->pin);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
		if (t->ca_file)
			curl_easy_setopt(h, CURLOPT_CAINFO, t->ca_file);
	}
}

/* libcurl's failure as an error naming url (what a TLS refusal means, and what to give);
 * chan: the peer is a notification channel (src/notify), not a witness. */
static int curl_fail(const char *url, CURLcode rc, const char *errbuf, int chan)
{
	if (chan && (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE))
		return bs_error(BS_EDENIED, "%s: the server's certificate is not trusted (%s): give the channel the CA "
				"file that vouches for it (notify channel add ... --ca FILE)", url,
				errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		return bs_error(BS_EDENIED, "%s: the witness's public key does not match the pin given (--witness-pin): no "
				"head was sent; check the pin against the witness's certificate", url);
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		return bs_error(BS_EDENIED, "%s: the witness's certificate is not trusted (%s): give --witness-ca FILE or "
				"--witness-pin sha256//BASE64", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return bs_error(BS_ERR, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

struct source {
	const char *p;
	size_t left;
};

/* A handle kept across requests (witness.h): curl_easy_reset between them keeps its live
 * connections, TLS sessions and DNS cache, and drops every option (and every pointer to the
 * caller's buffers). */
struct bs_witness_conn {
	CURL *h;
	long connects;
};

struct bs_witness_conn *bs_witness_conn_new(void)
{
	return bs_calloc(1, sizeof(struct bs_witness_conn));
}

void bs_witness_conn_free(struct bs_witness_conn *k)
{
	if (!k)
		return;
	if (k->h) {
		/* closing sends SMTP's QUIT: a server that does not answer holds us 5 s, not libcurl's 120 */
		curl_easy_setopt(k->h, CURLOPT_SERVER_RESPONSE_TIMEOUT, 5L);
		curl_easy_cleanup(k->h);
	}
	free(k);
}

long bs_witness_conn_connects(const struct bs_witness_conn *k)
{
	return k ? k->connects : 0;
}

/* After a request: counts the connections it opened; a kept handle forgets the request's
 * options (they point at the caller's buffers), a handle of its own is closed. */
static void handle_done(struct bs_witness_conn *k, CURL *h)
{
	long n = 0;
	if (!k) {
		curl_easy_cleanup(h);
		return;
	}
	if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &n) == CURLE_OK)
		k->connects += n;
	curl_easy_reset(h);
}

/* A handle for url with what every request shares: the protocols it may use, no signals,
 * 5 s to connect and 20 s in all (a witness must never hold serve up), errors into errbuf.
 * k: the kept handle (made on first use), or NULL: a new one. */
static int handle_new(struct bs_witness_conn *k, const char *url, const char *protocols, char *errbuf, CURL **out)
{
	CURL *h;

	pthread_once(&once, global_init);
	if (init_rc != CURLE_OK)
		return bs_error(BS_ERR, "cannot start libcurl: %s", curl_easy_strerror(init_rc));
	if (k && k->h)
		h = k->h;
	else if (!(h = curl_easy_init()))
		return bs_error(BS_ERR, "cannot start libcurl");
	if (k)
		k->h = h;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	*out = h;
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t n, void *ctx)
{
	struct source *s = ctx;
	size_t len = size * n < s->left ? size * n : s->left;
	memcpy(buf, s->p, len);
	s->p += len;
	s->left -= len;
	return len;
}

static int mail_do(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t, const char *user,
		   const char *password, const char *from, const char *const *to, const char *msg, long *status, int chan);
static int http_do(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t, const char *token,
		   const char *const *headers, const char *json, size_t max, long *status, struct bs_buf *out, int chan);

int bs_witness_mail(const char *url, const struct bs_witness_tls *t, const char *from, const char *to, const char *msg,
		    long *status)
{
	const char *const rcpt[] = { to, NULL };
	return mail_do(NULL, url, t, NULL, NULL, from, rcpt, msg, status, 0);
}

int bs_witness_mail_ex(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t, const char *user,
		       const char *password, const char *from, const char *const *to, const char *msg, long *status)
{
	return mail_do(k, url, t, user, password, from, to, msg, status, 1);
}

static int mail_do(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t, const char *user,
		   const char *password, const char *from, const char *const *to, const char *msg, long *status, int chan)
{
	char errbuf[CURL_ERROR_SIZE] = "", base[600];
	const char *host = strstr(url, "://") + 3;
	size_t hl = strcspn(host, "/?#");
	struct source src = { msg, strlen(msg) };
	struct curl_slist *rcpt = NULL;
	CURLcode rc;
	CURL *h;
	int err = 0;

	*status = 0;
	/* the scheme and the server only: the path is the recipient, not curl's EHLO name */
	snprintf(base, sizeof(base), "%.*s%.*s", (int)(host - url), url, (int)(hl < 500 ? hl : 500), host);
	if ((err = handle_new(k, base, "smtp,smtps", errbuf, &h)) < 0)
		return err;
	for (size_t i = 0; to[i]; i++)
		rcpt = curl_slist_append(rcpt, to[i]);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL); /* STARTTLS, or refused */
	if (user) { /* AUTH only ever after TLS: USE_SSL_ALL refuses a server without it first */
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password ? password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &src);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	tls_setup(h, t);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK && k && k->connects > 0 && rc != CURLE_COULDNT_CONNECT && rc != CURLE_OPERATION_TIMEDOUT &&
	    rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_PEER_FAILED_VERIFICATION && rc != CURLE_LOGIN_DENIED) {
		/* a kept connection the server closed, or in which it takes no more messages: once
		 * more on a new one (SMTP has no retry of its own in libcurl, unlike HTTP) */
		long n = 1;
		if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &n) == CURLE_OK && n == 0) {
			src.p = msg;
			src.left = strlen(msg);
			errbuf[0] = '\0';
			curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
			rc = curl_easy_perform(h);
		}
	}
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		err = curl_fail(url, rc, errbuf, chan);
	handle_done(k, h);
	curl_slist_free_all(rcpt);
	return err;
}

int bs_witness_http(const char *url, const struct bs_witness_tls *t, const char *token, const char *json,
		    size_t max, long *status, struct bs_buf *out)
{
	return http_do(NULL, url, t, token, NULL, json, max, status, out, 0);
}

int bs_witness_http_ex(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t,
		       const char *const *headers, const char *json, size_t max, long *status, struct bs_buf *out)
{
	return http_do(k, url, t, NULL, headers, json, max, status, out, 1);
}

static int http_do(struct bs_witness_conn *k, const char *url, const struct bs_witness_tls *t, const char *token,
		   const char *const *headers, const char *json, size_t max, long *status, struct bs_buf *out, int chan)
{
	struct curl_slist *hdr = NULL;
	struct sink s = { out, max, 0 };
	char errbuf[CURL_ERROR_SIZE] = "", *auth = NULL;
	CURL *h;
	CURLcode rc;
	int err = 0;

	*status = 0;
	if ((err = handle_new(k, url, "https", errbuf, &h)) < 0)
		return err;
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, chan ? "brokersec-notify/1" : "brokersec-witness/1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	tls_setup(h, t);
	if (token) {
		size_t n = strlen(token) + 32;
		auth = sodium_malloc(n);
		if (!auth)
			abort();
		snprintf(auth, n, "Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
	}
	if (json) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	}
	for (size_t i = 0; headers && headers[i]; i++)
		hdr = curl_slist_append(hdr, headers[i]);
	hdr = curl_slist_append(hdr, "Accept: text/plain, application/json");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	} else if (s.over) {
		err = bs_error(BS_ERR, "%s: the reply is larger than %zu bytes", url, max);
	} else {
		err = curl_fail(url, rc, errbuf, chan);
	}
	handle_done(k, h);
	curl_slist_free_all(hdr);
	if (auth) {
		sodium_free(auth);
	}
	return err;
}

int bs_witness_fetch(const char *url, const struct bs_witness_tls *t, struct bs_buf *out)
{
	char *token = NULL;
	long status = 0;
	int err;

	if ((err = bs_witness_url_check("--witness", url)) < 0 || (err = bs_witness_tls_check("--witness", t)) < 0 ||
	    (err = bs_witness_token_read(t, &token)) < 0)
		return err;
	err = bs_witness_http(url, t, token, NULL, 256u * 1024 * 1024, &status, out);
	if (token)
		sodium_free(token);
	if (err < 0)
		return err;
	if (status != 200) {
		bs_buf_putc(out, '\0');
		return bs_error(status == 401 || status == 403 ? BS_EDENIED : BS_ERR,
				"%s answered %ld: %.300s", url, status, out->ptr ? out->ptr : "");
	}
	return 0;
}
