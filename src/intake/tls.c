/*
 * tls.c - the intake's TLS side (RFC 5425): server credentials, sessions, and the data
 * directory's self-signed certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/tls_policy.h"
#include "intake/intake.h"
#include "intake/tls_internal.h"

/* TLS 1.2 and 1.3 only (RFC 5425 asks for 1.2 at least; older versions are broken). */
/* RFC 5425 senders often speak only TLS 1.2; the suites are brokersec's one policy. */
static const char priority[] = BS_TLS12;

/* s with control characters (and anything not printable ASCII) as '?', cut to fit out:
 * certificate names come from the peer and end up in log lines. */
static void printable(char *out, size_t cap, const char *s, size_t len)
{
	size_t k = 0;

	if (!cap)
		return;
	for (size_t i = 0; i < len && k + 1 < cap; i++)
		out[k++] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
	if (len >= cap && cap > 4) {
		memcpy(out + cap - 4, "...", 3);
		k = cap - 1;
	}
	out[k] = 0;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bs_intake_tls_parse_fingerprint(const char *s, unsigned char out[32])
{
	const char *p = s;
	size_t n = 0;

	if (strncasecmp(p, "SHA256:", 7) != 0)
		goto bad;
	p += 7;
	/* 64 hex digits, or 32 pairs with one colon between each two */
	while (n < 32) {
		int hi = hex_val(p[0]), lo = hi < 0 ? -1 : hex_val(p[1]);
		if (lo < 0)
			goto bad;
		out[n++] = (unsigned char)(hi << 4 | lo);
		p += 2;
		if (*p == ':' && n < 32 && hex_val(p[1]) >= 0)
			p++;
	}
	if (*p == 0)
		return 0;
bad:
	return bs_error(BS_EINVALID, "cannot use --tls-client-fingerprint '%s': give SHA256: and the 64 hex digits "
			"of the client certificate's SHA-256 fingerprint (colons allowed), as printed by "
			"'openssl x509 -noout -fingerprint -sha256 -in CERT'", s);
}

static void refuse(struct bs_intake_tls_peer *p, const char *fmt, ...) BS_PRINTF(2, 3);
static void refuse(struct bs_intake_tls_peer *p, const char *fmt, ...)
{
	va_list ap;

	p->refused = 1;
	p->accepted = 0;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

/* The subject DN of a DER certificate, printable, or "?" */
static void subject_of(const gnutls_datum_t *der, char *out, size_t cap)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t dn = { NULL, 0 };

	snprintf(out, cap, "?");
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) >= 0 && gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0)
		printable(out, cap, (const char *)dn.data, dn.size);
	gnutls_free(dn.data);
	gnutls_x509_crt_deinit(crt);
}

/* Why a chain did not verify against --tls-client-ca, in words. */
static const char *verify_reason(unsigned status)
{
	if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
		return "client certificate not signed by --tls-client-ca";
	if (status & GNUTLS_CERT_REVOKED)
		return "client certificate revoked";
	if (status & GNUTLS_CERT_EXPIRED)
		return "client certificate expired";
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		return "client certificate not yet valid";
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		return "client certificate signed with an insecure algorithm";
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		return "client certificate signature does not verify";
	return "client certificate does not verify against --tls-client-ca";
}

/*
 * Called by GnuTLS once the client's certificate has arrived, before the handshake ends:
 * accepts the certificate when its SHA-256 fingerprint is one allowed (compared in constant
 * time, each one) or, with --tls-client-ca, when its chain verifies against that trust list
 * (signatures, dates, revocation as GnuTLS checks them). Non-zero aborts the handshake.
 */
static int verify_client(gnutls_session_t s)
{
	struct bs_intake_tls_peer *p = gnutls_session_get_ptr(s);
	const struct bs_intake_tls *t;
	const gnutls_datum_t *chain;
	unsigned n = 0, status = 0;
	unsigned char fp[32];
	size_t fpn = sizeof(fp);
	char hex[65], subject[120];
	int r, pinned = 0;

	if (!p)
		return -1;
	t = p->t;
	p->id[0] = 0;
	if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509 || !(chain = gnutls_certificate_get_peers(s, &n)) ||
	    !n) {
		refuse(p, "the client sent no certificate; it must present one (RFC 5425 section 4.2): configure "
		       "the sender's client certificate and key");
		return -1;
	}
	if ((r = gnutls_fingerprint(GNUTLS_DIG_SHA256, &chain[0], fp, &fpn)) < 0 || fpn != sizeof(fp)) {
		refuse(p, "cannot hash the client certificate: %s", r < 0 ? gnutls_strerror(r) : "bad digest size");
		return -1;
	}
	sodium_bin2hex(hex, sizeof(hex), fp, sizeof(fp));
	snprintf(p->id, sizeof(p->id), "SHA256:%s", hex);
	for (size_t i = 0; i < t->nfps; i++) /* every entry, no early exit */
		pinned |= sodium_memcmp(fp, t->fps[i], sizeof(fp)) == 0;
	if (pinned) {
		p->accepted = 1;
		return 0;
	}
	subject_of(&chain[0], subject, sizeof(subject));
	if (t->client_ca) {
		if ((r = gnutls_certificate_verify_peers2(s, &status)) < 0) {
			refuse(p, "cannot verify the client certificate (subject '%s', %s): %s", subject, p->id,
			       gnutls_strerror(r));
			return -1;
		}
		if (status == 0) {
			p->accepted = 1;
			return 0;
		}
		if (t->nfps)
			refuse(p, "%s, and fingerprint %s not allowed (subject '%s'): give the sender a certificate "
			       "from that CA, or add --tls-client-fingerprint %s if this sender is yours",
			       verify_reason(status), p->id, subject, p->id);
		else
			refuse(p, "%s (subject '%s', %s): give the sender a certificate from that CA that is valid now",
			       verify_reason(status), subject, p->id);
		return -1;
	}
	refuse(p, "fingerprint %s not allowed (subject '%s'): add --tls-client-fingerprint %s if this sender "
	       "is yours", p->id, subject, p->id);
	return -1;
}

int bs_intake_tls_load(struct bs_intake_tls *t, const char *cert, const char *key, const char *client_ca,
		       const char *const *fps, size_t nfps)
{
	int r, err;

	memset(t, 0, sizeof(*t));
	if (nfps > BS_INTAKE_CLIENT_FINGERPRINTS_MAX)
		return bs_error(BS_EINVALID, "%zu --tls-client-fingerprint values: at most %d are allowed; use "
				"--tls-client-ca with a CA that signs the senders' certificates instead", nfps,
				BS_INTAKE_CLIENT_FINGERPRINTS_MAX);
	for (size_t i = 0; i < nfps; i++) {
		if ((err = bs_intake_tls_parse_fingerprint(fps[i], t->fps[i])) < 0)
			return err;
	}
	t->nfps = nfps;
	if ((r = gnutls_certificate_allocate_credentials(&t->cred)) < 0)
		return bs_error(BS_ERR, "cannot set up TLS: %s", gnutls_strerror(r));
	r = gnutls_certificate_set_x509_key_file(t->cred, cert, key, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		bs_intake_tls_free(t);
		return bs_error(BS_EINVALID, "cannot load TLS certificate '%s' with key '%s': %s; give PEM files "
				"that belong together (--tls-cert, --tls-key) or remove both to use a new self-signed pair",
				cert, key, gnutls_strerror(r));
	}
	if (client_ca) {
		struct bs_buf pem = BS_BUF_INIT;
		char why[256];
		if ((err = bs_buf_read_file(&pem, client_ca)) < 0) {
			snprintf(why, sizeof(why), "%s", bs_error_message());
			bs_buf_release(&pem);
			bs_intake_tls_free(t);
			return bs_error(BS_EINVALID, "cannot use --tls-client-ca: %s; give the PEM file of the CA "
					"certificates that sign the senders' certificates", why);
		}
		gnutls_datum_t d = { (unsigned char *)pem.ptr, (unsigned)pem.len };
		r = pem.len ? gnutls_certificate_set_x509_trust_mem(t->cred, &d, GNUTLS_X509_FMT_PEM) : 0;
		bs_buf_release(&pem);
		if (r <= 0) {
			bs_intake_tls_free(t);
			return bs_error(BS_EINVALID, "cannot use --tls-client-ca '%s': %s; give a PEM file holding the "
					"CA certificates (-----BEGIN CERTIFICATE-----) that sign the senders' certificates",
					client_ca,
					r < 0 ? gnutls_strerror(r) : BS_T(bs_error_lang(), "其中沒有憑證", "no certificate in it"));
		}
		t->client_ca = 1;
	}
	if (t->client_ca || t->nfps)
		gnutls_certificate_set_verify_function(t->cred, verify_client);
	if ((r = gnutls_priority_init(&t->prio, priority, NULL)) < 0) {
		bs_intake_tls_free(t);
		return bs_error(BS_ERR, "cannot set TLS priorities: %s", gnutls_strerror(r));
	}
	return 0;
}

void bs_intake_tls_free(struct bs_intake_tls *t)
{
	if (t->prio)
		gnutls_priority_deinit(t->prio);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	memset(t, 0, sizeof(*t));
}

int bs_intake_tls_auth(const struct bs_intake_tls *t)
{
	return t->client_ca || t->nfps;
}

int bs_intake_tls_session(struct bs_intake_tls *t, int fd, struct bs_intake_tls_peer *peer, gnutls_session_t *out)
{
	gnutls_session_t s;
	int r;

	*out = NULL;
	memset(peer, 0, sizeof(*peer));
	peer->t = t;
	/* no resumption: every client shows its certificate on every connection */
	if ((r = gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS)) < 0)
		return bs_error(BS_ERR, "cannot start a TLS session: %s", gnutls_strerror(r));
	if ((r = gnutls_priority_set(s, t->prio)) < 0 ||
	    (r = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, t->cred)) < 0) {
		gnutls_deinit(s);
		return bs_error(BS_ERR, "cannot start a TLS session: %s", gnutls_strerror(r));
	}
	if (bs_intake_tls_auth(t)) {
		/* RFC 5425 4.2: the server requests a certificate; verify_client judges it */
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
		gnutls_session_set_ptr(s, peer);
		/* pinned certificates are often self-signed: naming our CAs in the request could
		 * keep a client from offering one */
		if (t->nfps)
			gnutls_certificate_send_x509_rdn_sequence(s, 1);
	} else {
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_IGNORE);
	}
	gnutls_transport_set_int(s, fd);
	*out = s;
	return 0;
}

static char *join(const char *a, const char *b)
{
	struct bs_buf buf = BS_BUF_INIT;
	bs_buf_printf(&buf, "%s/%s", a, b);
	return bs_buf_detach(&buf, NULL);
}

static int write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	const char *p = data;

	if (fd < 0)
		return bs_error(BS_ERR, "cannot create '%s': %s", path, bs_strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			unlink(path);
			return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		unlink(path);
		return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(errno));
	}
	return 0;
}

#define GT(call)                                                                                         \
	do {                                                                                             \
		if ((r = (call)) < 0) {                                                                  \
			err = bs_error(BS_ERR, "cannot make a self-signed TLS certificate: %s: %s", #call, \
				       gnutls_strerror(r));                                              \
			goto done;                                                                       \
		}                                                                                        \
	} while (0)

static int make_self_signed(const char *cert_path, const char *key_path)
{
	static const unsigned char lo4[4] = { 127, 0, 0, 1 };
	static const unsigned char lo6[16] = { [15] = 1 };
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t dcrt = { NULL, 0 }, dkey = { NULL, 0 };
	unsigned char serial[16];
	char host[256];
	time_t now = time(NULL);
	int r, err = 0;

	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = 0;
	randombytes_buf(serial, sizeof(serial));
	serial[0] &= 0x7f;
	GT(gnutls_x509_privkey_init(&key));
	GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	GT(gnutls_x509_crt_init(&crt));
	GT(gnutls_x509_crt_set_version(crt, 3));
	GT(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)));
	GT(gnutls_x509_crt_set_activation_time(crt, now - 3600));
	GT(gnutls_x509_crt_set_expiration_time(crt, now + (time_t)BS_TLS_SELF_SIGNED_DAYS * 86400));
	GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, host, (unsigned)strlen(host)));
	GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "brokersec intake", 16));
	GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host, (unsigned)strlen(host),
						GNUTLS_FSAN_APPEND));
	if (strcmp(host, "localhost"))
		GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND));
	GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo4, 4, GNUTLS_FSAN_APPEND));
	GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo6, 16, GNUTLS_FSAN_APPEND));
	GT(gnutls_x509_crt_set_basic_constraints(crt, 0, -1));
	GT(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
	GT(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
	GT(gnutls_x509_crt_set_key(crt, key));
	GT(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));
	GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &dcrt));
	GT(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &dkey));
	if ((err = write_new(key_path, dkey.data, dkey.size, 0600)) < 0)
		goto done;
	if ((err = write_new(cert_path, dcrt.data, dcrt.size, 0644)) < 0) {
		unlink(key_path);
		goto done;
	}
done:
	if (dkey.data) {
		sodium_memzero(dkey.data, dkey.size);
		gnutls_free(dkey.data);
	}
	gnutls_free(dcrt.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return err;
}

static int fingerprint_of(const char *cert_path, char *out, size_t cap)
{
	struct bs_buf pem = BS_BUF_INIT;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	unsigned char fp[32];
	size_t n = sizeof(fp);
	int r, err;

	if ((err = bs_buf_read_file(&pem, cert_path)) < 0)
		return err;
	d.data = (unsigned char *)pem.ptr;
	d.size = (unsigned)pem.len;
	if ((r = gnutls_x509_crt_init(&crt)) < 0 || (r = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM)) < 0 ||
	    (r = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &n)) < 0) {
		err = bs_error(BS_EINVALID, "cannot read the TLS certificate '%s': %s; replace it with a PEM "
			       "certificate", cert_path, gnutls_strerror(r));
	} else if (cap >= 8 + 2 * n) {
		memcpy(out, "SHA256:", 7);
		sodium_bin2hex(out + 7, cap - 7, fp, n);
	} else if (cap) {
		out[0] = 0;
	}
	if (crt)
		gnutls_x509_crt_deinit(crt);
	bs_buf_release(&pem);
	return err;
}

/* Our own self-signed certificate (issuer = subject, O=brokersec intake) close to expiry is
 * replaced by a new pair, written beside the old one and renamed over it; a certificate the
 * user supplied is never touched. */
static int renew_if_expiring(const char *cert_path, const char *key_path)
{
	struct bs_buf pem = BS_BUF_INIT, nc = BS_BUF_INIT, nk = BS_BUF_INIT;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	char org[64];
	size_t olen = sizeof(org);
	int ours = 0, err;

	if ((err = bs_buf_read_file(&pem, cert_path)) < 0)
		return err;
	d.data = (unsigned char *)pem.ptr;
	d.size = (unsigned)pem.len;
	if (gnutls_x509_crt_init(&crt) >= 0 && gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) >= 0 &&
	    gnutls_x509_crt_check_issuer(crt, crt) &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, 0, org, &olen) >= 0 &&
	    !strcmp(org, "brokersec intake") &&
	    gnutls_x509_crt_get_expiration_time(crt) < time(NULL) + (time_t)BS_TLS_RENEW_DAYS * 86400)
		ours = 1;
	if (crt)
		gnutls_x509_crt_deinit(crt);
	bs_buf_release(&pem);
	if (!ours)
		return 0;
	bs_buf_printf(&nc, "%s.new", cert_path);
	bs_buf_printf(&nk, "%s.new", key_path);
	(void)unlink(nc.ptr);
	(void)unlink(nk.ptr);
	if ((err = make_self_signed(nc.ptr, nk.ptr)) == 0 &&
	    (rename(nk.ptr, key_path) != 0 || rename(nc.ptr, cert_path) != 0))
		err = bs_error(BS_ERR, "cannot renew the self-signed TLS certificate '%s': %s", cert_path,
			       bs_strerror(errno));
	(void)unlink(nc.ptr);
	(void)unlink(nk.ptr);
	bs_buf_release(&nc);
	bs_buf_release(&nk);
	return err;
}

int bs_intake_tls_ensure(const char *datadir_path, char **cert, char **key, char *fingerprint, size_t cap)
{
	char *dir = join(datadir_path, "tls");
	char *c = join(dir, "cert.pem"), *k = join(dir, "key.pem");
	struct stat st;
	int hc, hk, err = 0;

	*cert = *key = NULL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", dir, bs_strerror(errno));
		goto done;
	}
	hc = stat(c, &st) == 0;
	hk = stat(k, &st) == 0;
	if (hc != hk) {
		err = bs_error(BS_ECONFLICT, "'%s' exists but '%s' does not: restore the missing file, or remove "
			       "both to make a new self-signed certificate", hc ? c : k, hc ? k : c);
		goto done;
	}
	if (!hc && (err = make_self_signed(c, k)) < 0)
		goto done;
	if (hc && (err = renew_if_expiring(c, k)) < 0)
		goto done;
	if (fingerprint && (err = fingerprint_of(c, fingerprint, cap)) < 0)
		goto done;
	*cert = c;
	*key = k;
	c = k = NULL;
done:
	free(dir);
	free(c);
	free(k);
	return err;
}
