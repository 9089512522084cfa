/* tls_internal.h - GnuTLS server state shared by intake.c and tls.c; private to src/intake. */
#ifndef BS_INTAKE_TLS_INTERNAL_H
#define BS_INTAKE_TLS_INTERNAL_H

#include <gnutls/gnutls.h>
#include <stddef.h>

#include "intake/intake.h"

struct bs_intake_tls {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	/* RFC 5425 client authentication: off when neither is set */
	int client_ca;                                               /* trust list loaded */
	unsigned char fps[BS_INTAKE_CLIENT_FINGERPRINTS_MAX][32];    /* allowed SHA-256 fingerprints */
	size_t nfps;
};

/* What the check of one client's certificate found; lives in the connection, and the session
 * points to it while it handshakes. */
struct bs_intake_tls_peer {
	const struct bs_intake_tls *t;
	int accepted;      /* a certificate was checked and accepted */
	int refused;       /* a certificate was checked and refused: reason says why */
	char reason[384];
	char id[80];       /* the checked certificate: "SHA256:<hex>" */
};

/* Loads a PEM certificate (chain) and key; TLS 1.2+ priorities. With client_ca (a PEM file
 * of CA certificates) or fps (n "SHA256:HEX" strings), clients must present a certificate
 * that chains to one of the CAs or has one of the fingerprints. */
int bs_intake_tls_load(struct bs_intake_tls *t, const char *cert, const char *key, const char *client_ca,
		       const char *const *fps, size_t nfps);
void bs_intake_tls_free(struct bs_intake_tls *t);
/* Whether clients must present a certificate. */
int bs_intake_tls_auth(const struct bs_intake_tls *t);
/* A non-blocking server session on fd; its client's certificate is judged into peer. */
int bs_intake_tls_session(struct bs_intake_tls *t, int fd, struct bs_intake_tls_peer *peer, gnutls_session_t *out);
/* "SHA256:HEX" (case-insensitive; colons between the bytes allowed) into 32 bytes. 0 or
 * BS_EINVALID with a message naming s. */
int bs_intake_tls_parse_fingerprint(const char *s, unsigned char out[32]);

#endif
