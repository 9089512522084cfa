/* tls_internal.h - GnuTLS server state shared by intake.c and tls.c; private to src/intake. */
#ifndef BS_INTAKE_TLS_INTERNAL_H
#define BS_INTAKE_TLS_INTERNAL_H

#include <gnutls/gnutls.h>

struct bs_intake_tls {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
};

/* Loads a PEM certificate (chain) and key; TLS 1.2+ priorities. */
int bs_intake_tls_load(struct bs_intake_tls *t, const char *cert, const char *key);
void bs_intake_tls_free(struct bs_intake_tls *t);
/* A non-blocking server session on fd. */
int bs_intake_tls_session(struct bs_intake_tls *t, int fd, gnutls_session_t *out);

#endif
