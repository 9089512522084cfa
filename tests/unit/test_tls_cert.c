/* The self-signed certificate: 397-day validity, renewal of our own near expiry, and a
 * certificate the user supplied left alone whatever its dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/tls_policy.h"
#include "intake/intake.h"

static char root[64];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/bs-tlscert-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Days between now and the certificate's expiry. */
static long days_left(const char *path)
{
	struct bs_buf pem = BS_BUF_INIT;
	gnutls_x509_crt_t crt;
	gnutls_datum_t d;
	long days;

	assert_int_equal(bs_buf_read_file(&pem, path), 0);
	d.data = (unsigned char *)pem.ptr;
	d.size = (unsigned)pem.len;
	assert_true(gnutls_x509_crt_init(&crt) >= 0);
	assert_true(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) >= 0);
	days = (long)((gnutls_x509_crt_get_expiration_time(crt) - time(NULL)) / 86400);
	gnutls_x509_crt_deinit(crt);
	bs_buf_release(&pem);
	return days;
}

/* A short-lived certificate made by openssl with the given organisation. */
static void plant(const char *dir, const char *org, int days)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/tls' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		 "-days %d -subj '/CN=localhost/O=%s' -keyout '%s/tls/key.pem' -out '%s/tls/cert.pem' 2>/dev/null",
		 dir, days, org, dir, dir);
	assert_int_equal(system(cmd), 0);
}

static void test_new_certificate_is_397_days(void **state)
{
	char dir[128], fp[80], *cert = NULL, *key = NULL;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/a", root);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(bs_intake_tls_ensure(dir, &cert, &key, fp, sizeof(fp)), 0);
	long d = days_left(cert);
	assert_true(d >= BS_TLS_SELF_SIGNED_DAYS - 1 && d <= BS_TLS_SELF_SIGNED_DAYS);
	free(cert);
	free(key);
}

static void test_own_expiring_certificate_is_renewed(void **state)
{
	char dir[128], fp1[80], fp2[80], *cert = NULL, *key = NULL;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/b", root);
	plant(dir, "brokersec intake", 10);
	assert_int_equal(bs_intake_tls_ensure(dir, &cert, &key, fp1, sizeof(fp1)), 0);
	assert_true(days_left(cert) >= BS_TLS_SELF_SIGNED_DAYS - 1);
	free(cert);
	free(key);
	/* renewed once; a second call keeps it */
	assert_int_equal(bs_intake_tls_ensure(dir, &cert, &key, fp2, sizeof(fp2)), 0);
	assert_string_equal(fp1, fp2);
	char leftover[200];
	snprintf(leftover, sizeof(leftover), "%s/tls/cert.pem.new", dir);
	assert_int_not_equal(access(leftover, F_OK), 0);
	free(cert);
	free(key);
}

static void test_supplied_certificate_is_left_alone(void **state)
{
	char dir[128], fp[80], *cert = NULL, *key = NULL;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/c", root);
	plant(dir, "Example Broker Ltd", 10);
	assert_int_equal(bs_intake_tls_ensure(dir, &cert, &key, fp, sizeof(fp)), 0);
	assert_true(days_left(cert) <= 10);
	free(cert);
	free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_certificate_is_397_days),
		cmocka_unit_test(test_own_expiring_certificate_is_renewed),
		cmocka_unit_test(test_supplied_certificate_is_left_alone),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
