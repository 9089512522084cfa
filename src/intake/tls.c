/*
 * tls.c - the intake's TLS side (RFC 5425): server credentials, sessions, and the data
 * directory's self-signed certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/tls_policy.h"
#include "intake/intake.h"
#include "intake/tls_internal.h"

/* TLS 1.2 and 1.3 only (RFC 5425 asks for 1.2 at least; older versions are broken). */
/* RFC 5425 senders often speak only TLS 1.2; the suites are brokersec's one policy. */
static const char priority[] = BS_TLS12;

int bs_intake_tls_load(struct bs_intake_tls *t, const char *cert, const char *key)
{
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = gnutls_certificate_allocate_credentials(&t->cred)) < 0)
		return bs_error(BS_ERR, "cannot set up TLS: %s", gnutls_strerror(r));
	r = gnutls_certificate_set_x509_key_file(t->cred, cert, key, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		bs_intake_tls_free(t);
		return bs_error(BS_EINVALID, "cannot load TLS certificate '%s' with key '%s': %s; give PEM files "
				"that belong together (--tls-cert, --tls-key) or remove both to use a new self-signed pair",
				cert, key, gnutls_strerror(r));
	}
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

int bs_intake_tls_session(struct bs_intake_tls *t, int fd, gnutls_session_t *out)
{
	gnutls_session_t s;
	int r;

	*out = NULL;
	if ((r = gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NONBLOCK)) < 0)
		return bs_error(BS_ERR, "cannot start a TLS session: %s", gnutls_strerror(r));
	if ((r = gnutls_priority_set(s, t->prio)) < 0 ||
	    (r = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, t->cred)) < 0) {
		gnutls_deinit(s);
		return bs_error(BS_ERR, "cannot start a TLS session: %s", gnutls_strerror(r));
	}
	/* NEEDSWORK: RFC 5425 mutual authentication (client certificates checked against a
	 * list of fingerprints or a CA) is not done yet; any client that completes the
	 * handshake may send. */
	gnutls_certificate_server_set_request(s, GNUTLS_CERT_IGNORE);
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
		return bs_error(BS_ERR, "cannot create '%s': %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			unlink(path);
			return bs_error(BS_ERR, "cannot write '%s': %s", path, strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		unlink(path);
		return bs_error(BS_ERR, "cannot write '%s': %s", path, strerror(errno));
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
			       strerror(errno));
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
		err = bs_error(BS_ERR, "cannot create '%s': %s", dir, strerror(errno));
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
