/*
 * http.h - the HTTPS server: JSON API under /api/v1 (libmicrohttpd + GnuTLS).
 *
 * TLS only (1.3; 1.2 too when asked for; AEAD ciphers with ECDHE), security headers on
 * every response, request size and time limits, one error shape {"error": {"code",
 * "message"}}, and every route declaring its permission in one table (api.c) that one
 * function checks (authorisation at one choke point; every refusal is an event).
 */
#ifndef BS_HTTP_HTTP_H
#define BS_HTTP_HTTP_H

#include <stddef.h>

#include "core/error.h"

struct bs_http;

struct bs_http_config {
	const char *datadir;       /* the data directory (each server thread opens its own handle) */
	const char *listen;        /* "127.0.0.1:8443", "[::1]:8443"; port 0 picks a free one */
	const char *cert_file;     /* PEM certificate (chain) */
	const char *key_file;      /* PEM private key */
	unsigned threads;          /* 0: 4 */
	unsigned tls_min;          /* lowest TLS version: 0 or 13: TLS 1.3 only; 12: also TLS 1.2,
				    * for legacy clients (client renegotiation: see docs/tls.md) */
	int access_log;            /* one line per request on stderr (time, client, account, request,
				    * status, bytes, duration) */
};

/* Starts serving in background threads. On failure *out is NULL and the message names the
 * address or file and what to do. */
int bs_http_start(struct bs_http **out, const struct bs_http_config *cfg);
/* The port actually bound (useful with port 0). */
unsigned bs_http_port(struct bs_http *h);
/* Stops accepting, finishes running requests and frees everything. NULL is a no-op. */
void bs_http_stop(struct bs_http *h);

/* The GnuTLS priority strings: TLS 1.3 only (the default), and TLS 1.3 and 1.2 (tls_min 12);
 * ECDHE, AES-GCM and ChaCha20-Poly1305 only. */
extern const char bs_http_tls_priorities[];
extern const char bs_http_tls12_priorities[];

/* docs/openapi.yaml as compiled into the binary (served at GET /api/v1/openapi.yaml). */
const char *bs_http_openapi(size_t *len);

#endif
