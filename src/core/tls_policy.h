/*
 * tls_policy.h - the one TLS policy of brokersec, as GnuTLS priority strings, shared by the
 * HTTPS server and the syslog-over-TLS intake so the two never drift apart.
 *
 * ECDHE (X25519, P-256, P-384) with AEAD ciphers only; server cipher order. BS_TLS13 is the
 * HTTPS default (TLS 1.3 has no renegotiation, see docs/tls.md); BS_TLS12 adds TLS 1.2 for
 * legacy clients (serve --tls-min 1.2) and for RFC 5425 syslog senders, which commonly speak
 * only TLS 1.2.
 */
#ifndef BS_CORE_TLS_POLICY_H
#define BS_CORE_TLS_POLICY_H

#define BS_TLS_SUITES                                                                                          \
	"-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"     \
	"-SIGN-ALL:+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SHA384:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SECP384R1-SHA384:" \
	"+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-RSA-PSS-RSAE-SHA384:+SIGN-RSA-SHA256:+SIGN-RSA-SHA384:-GROUP-ALL:"          \
	"+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:%SERVER_PRECEDENCE"

#define BS_TLS13 "SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:" BS_TLS_SUITES
#define BS_TLS12 "SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" BS_TLS_SUITES

/* Self-signed certificates brokersec makes: valid 397 days (what browsers accept for public
 * certificates), renewed when fewer than 30 days are left. */
#define BS_TLS_SELF_SIGNED_DAYS 397
#define BS_TLS_RENEW_DAYS 30

#endif
