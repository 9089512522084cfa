/* The pure parts of vulnerability tracking (src/vuln/vuln.h), each against a value known from
 * outside: CVSS v3.1 base scores as FIRST's calculator gives them, rpm's order on rpm's own
 * test cases (rpm's tests/rpmvercmp.at), dpkg status stanzas with Source: versions, purls of
 * SBOMs, OSV ranges (introduced / fixed / last_affected), the tracker's statuses, and a
 * damaged feed refused with its line and column and nothing kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/vuln.h"

static void test_cvss(void **state)
{
	static const struct {
		const char *v;
		double score;
	} cases[] = {
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8 },  /* e.g. CVE-2021-44228's NVD score is 10.0 with S:C */
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0 },
		{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1 },  /* CVE-2023-32681 (requests) */
		{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8 },  /* CVE-2023-4911 (glibc) */
		{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5 },
		{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0 },
	};
	double s;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(bs_cvss3_score(cases[i].v, &s), 0);
		assert_true(s > cases[i].score - 0.001 && s < cases[i].score + 0.001);
	}
	assert_int_equal(bs_cvss3_score("CVSS:2.0/AV:N", &s), BS_EINVALID);
	assert_int_equal(bs_cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", &s), BS_EINVALID);
	assert_int_equal(bs_cvss3_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s), BS_EINVALID);
	assert_string_equal(bs_cvss_severity(9.8), "critical");
	assert_string_equal(bs_cvss_severity(6.1), "medium");
	assert_string_equal(bs_vuln_urgency_severity("high**"), "high");
	assert_string_equal(bs_vuln_urgency_severity("unimportant"), "low");
	assert_string_equal(bs_vuln_urgency_severity("not yet assigned"), "unknown");
}

static int sign(int r)
{
	return r < 0 ? -1 : r > 0;
}

static void test_rpm(void **state)
{
	/* from rpm's tests/rpmvercmp.at */
	static const struct {
		const char *a, *b;
		int r;
	} cases[] = {
		{ "1.0", "1.0", 0 },      { "1.0", "2.0", -1 },     { "2.0.1", "2.0.1a", -1 }, { "5.5p1", "5.5p2", -1 },
		{ "5.5p10", "5.5p1", 1 }, { "10xyz", "10.1xyz", -1 }, { "xyz10", "xyz10.1", -1 }, { "1.0aa", "1.0a", 1 },
		{ "2.0a", "2.0", 1 },     { "1.0~rc1", "1.0", -1 },  { "1.0~rc1~git123", "1.0~rc1", -1 },
		{ "1.0^", "1.0", 1 },     { "1.0^git1", "1.0^git2", -1 }, { "1.0^git1", "1.01", -1 },
		{ "1.0^git1~pre", "1.0^git1", -1 }, { "a+", "a_", 0 }, { "+a", "_a", 0 }, { "1b.fc17", "1.fc17", -1 },
		{ "6.0.rc1", "6.0", 1 },  { "10b2", "10a1", 1 },     { "1.0010", "1.9", 1 },    { "20101122", "20101121", 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sign(bs_rpm_vercmp(cases[i].a, cases[i].b)), cases[i].r);
		assert_int_equal(sign(bs_rpm_vercmp(cases[i].b, cases[i].a)), -cases[i].r);
	}
	assert_int_equal(sign(bs_rpm_evrcmp("1:1.0-1", "2.0-1")), 1);
	assert_int_equal(sign(bs_rpm_evrcmp("1.0-1.el9", "1.0-2.el9")), -1);
	assert_int_equal(sign(bs_rpm_evrcmp("1.0", "1.0-1")), -1);
}

static void test_dpkg(void **state)
{
	char text[] = "Package: libfoo1\nStatus: install ok installed\nSource: foo (1.0-1)\nVersion: 1.0-3+b1\n"
		      "Architecture: amd64\nDescription: x\n more\n\n"
		      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
		      "Package: bar\r\nStatus: hold ok installed\r\nVersion: 2:3-4\r\n";
	struct bs_vuln_inv inv;
	(void)state;
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(bs_vuln_inv_dpkg(text, strlen(text), "status", &inv), 0);
	assert_int_equal(inv.n, 2);
	assert_string_equal(inv.v[0].name, "bar");
	assert_string_equal(inv.v[0].source, "bar");
	assert_string_equal(inv.v[0].source_version, "2:3-4");
	assert_string_equal(inv.v[1].source, "foo");
	assert_string_equal(inv.v[1].source_version, "1.0-1");
	assert_string_equal(inv.v[1].version, "1.0-3+b1");
	bs_vuln_inv_os_release("ID=ubuntu\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n", &inv);
	assert_string_equal(inv.distro, "ubuntu");
	assert_string_equal(inv.release, "22.04");
	bs_vuln_inv_release(&inv);
	char empty[] = "Package: x\nStatus: deinstall ok config-files\nVersion: 1\n";
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(bs_vuln_inv_dpkg(empty, strlen(empty), "status", &inv), BS_EINVALID);
	bs_vuln_inv_release(&inv);
}

static void test_sbom(void **state)
{
	const char *cdx = "{\"bomFormat\":\"CycloneDX\",\"components\":["
			  "{\"purl\":\"pkg:npm/%40babel/core@7.22.0\"},{\"purl\":\"pkg:maven/org.apache.logging.log4j/"
			  "log4j-core@2.14.1?type=jar\"},{\"purl\":\"pkg:pypi/Django_Rest@3.0\"},"
			  "{\"purl\":\"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12\"},"
			  "{\"purl\":\"not-a-purl\"},{\"purl\":\"pkg:npm/noversion\"}]}";
	struct bs_vuln_inv inv;
	(void)state;
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(bs_vuln_inv_sbom("x.json", cdx, strlen(cdx), &inv), 0);
	assert_int_equal(inv.n, 4);
	assert_string_equal(inv.v[0].name, "@babel/core");
	assert_string_equal(inv.v[0].ecosystem, "npm");
	assert_string_equal(inv.v[1].name, "org.apache.logging.log4j:log4j-core");
	assert_string_equal(inv.v[1].version, "2.14.1");
	assert_string_equal(inv.v[2].name, "django-rest");
	assert_string_equal(inv.v[3].ecosystem, "deb");
	assert_string_equal(inv.release, "bookworm");
	bs_vuln_inv_release(&inv);
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(bs_vuln_inv_sbom("x.json", "{\"bomFormat\":", 13, &inv), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "line 1"));
	bs_vuln_inv_release(&inv);
}

static void test_osv(void **state)
{
	const char *rec = "{\"id\":\"GHSA-x\",\"aliases\":[\"CVE-2021-44228\"],\"affected\":[{\"package\":{\"ecosystem\":"
			  "\"Maven\",\"name\":\"org.apache.logging.log4j:log4j-core\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
			  "\"events\":[{\"introduced\":\"2.0-beta9\"},{\"fixed\":\"2.15.0\"},{\"introduced\":\"2.16.0\"},"
			  "{\"last_affected\":\"2.16.0\"}]}]},{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"apache-log4j2\"},"
			  "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.15.0-1~deb11u1\"}]}]}]}";
	struct bs_vuln_feed f;
	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_OSV, "r.json", rec, strlen(rec), NULL, &f), 0);
	assert_int_equal(f.nadv, 3);
	assert_string_equal(f.adv[0].ecosystem, "maven");
	assert_string_equal(f.adv[0].vuln_id, "CVE-2021-44228");
	assert_true(bs_vuln_affected(&f.adv[0], "2.14.1"));
	assert_false(bs_vuln_affected(&f.adv[0], "2.15.0"));
	assert_false(bs_vuln_affected(&f.adv[0], "1.2"));
	assert_true(bs_vuln_affected(&f.adv[1], "2.16.0"));
	assert_false(bs_vuln_affected(&f.adv[1], "2.17.0"));
	assert_string_equal(f.adv[2].ecosystem, "debian:bullseye");
	assert_true(bs_vuln_affected(&f.adv[2], "2.13.3-1"));
	assert_false(bs_vuln_affected(&f.adv[2], "2.15.0-1~deb11u1"));
	assert_int_equal(f.nunknown, 0);
	bs_vuln_feed_release(&f);
}

static void test_tracker(void **state)
{
	const char *t = "{\n \"openssl\": {\"CVE-1\": {\"releases\": {\"bookworm\": {\"status\": \"resolved\", "
			"\"fixed_version\": \"3.0.11-1~deb12u2\", \"urgency\": \"high\"}, \"bullseye\": {\"status\": "
			"\"resolved\", \"fixed_version\": \"0\"}}}},\n \"x\": {\"CVE-2\": {\"releases\": {\"bookworm\": "
			"{\"status\": \"open\"}}}}\n}\n";
	struct bs_vuln_feed f;
	struct bs_vuln_index ix;
	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_TRACKER, "t.json", t, strlen(t), NULL, &f), 0);
	assert_int_equal(f.records, 2);
	assert_int_equal(f.nadv, 3);
	bs_vuln_index_build(&ix, f.adv, f.nadv);
	assert_int_equal(ix.n, 2); /* the "0" (not affected) row is not matched */
	bs_vuln_index_release(&ix);
	assert_true(bs_vuln_affected(&f.adv[0], "3.0.9-1"));
	assert_false(bs_vuln_affected(&f.adv[0], "3.0.11-1~deb12u2"));
	assert_true(bs_vuln_affected(&f.adv[0], "3.0.11-1~deb12u1"));
	bs_vuln_feed_release(&f);
	/* cut in the second package: refused with where, nothing kept */
	memset(&f, 0, sizeof(f));
	size_t cut = (size_t)(strstr(t, "\"x\"") - t) + 12;
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_TRACKER, "t.json", t, cut, NULL, &f), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "line 3"));
	assert_non_null(strstr(bs_error_message(), "truncated"));
	assert_int_equal(f.nadv, 0);
	assert_null(f.adv);
	/* a trailing comma */
	memset(&f, 0, sizeof(f));
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_TRACKER, "t.json", "{\"a\": {},}", 10, NULL, &f), BS_EINVALID);
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_TRACKER, "t.json", "{} x", 4, NULL, &f), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "after the end"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvss), cmocka_unit_test(test_rpm),  cmocka_unit_test(test_dpkg),
		cmocka_unit_test(test_sbom), cmocka_unit_test(test_osv),  cmocka_unit_test(test_tracker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
