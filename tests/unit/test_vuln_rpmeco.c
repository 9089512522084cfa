/* The OSV ecosystems of RPM distributions and an os-release in one spelling
 * (src/vuln/rpmeco.c, vuln/rpmdb.h), and the matching of "rpm" packages that uses them
 * (vuln_match.c): a binary package by its own name and by its source package's, in rpm's
 * order, only in its own distribution's major release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vuln/rpmdb.h"
#include "vuln/vuln.h"

static void osv_names(void **state)
{
	static const char *const map[][2] = {
		{ "almalinux:9", "almalinux:9" },
		{ "almalinux:8.9", "almalinux:8" },
		{ "rocky linux:9", "rocky:9" },
		{ "red hat:enterprise_linux:9::appstream", "rhel:9" },
		{ "red hat:enterprise_linux:8::baseos", "rhel:8" },
		{ "opensuse:leap 15.5", "opensuse-leap:15.5" },
		{ "opensuse:tumbleweed", "opensuse-tumbleweed" },
		{ "suse:linux enterprise server 15 sp5", "sles:15.5" },
		{ "suse:linux enterprise module for basesystem 15 sp5", "sles:15.5" },
		{ "suse:linux enterprise server 12 sp5", "sles:12.5" },
		{ "suse:linux enterprise server 15", "sles:15" },
		{ "mageia:9", "mageia:9" },
	};
	static const char *const unknown[] = {
		"red hat:rhel_eus:9.2::appstream", "suse:linux enterprise micro 5.5", "opensuse:leap micro 5.5",
		"almalinux:", "rocky linux:x", "suse:linux enterprise server sp5", "wolfi", "debian:12", "",
	};
	char out[128];
	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		assert_int_equal(bs_vuln_osv_rpm_ecosystem(map[i][0], out, sizeof(out)), 1);
		assert_string_equal(out, map[i][1]);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(bs_vuln_osv_rpm_ecosystem(unknown[i], out, sizeof(out)), 0);
}

static void os_release_names(void **state)
{
	static const char *const map[][3] = {
		{ "almalinux", "9.3", "almalinux:9" }, { "rocky", "8.9", "rocky:8" },  { "rhel", "9.3", "rhel:9" },
		{ "opensuse-leap", "15.5", "opensuse-leap:15.5" },                       { "sles", "15.5", "sles:15.5" },
		{ "sles_sap", "15.4", "sles:15.4" }, { "opensuse-tumbleweed", "20240101", "opensuse-tumbleweed" },
		{ "mageia", "9", "mageia:9" },
	};
	char out[128];
	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *r = bs_vuln_rpm_ecosystem(map[i][0], map[i][1], out, sizeof(out));
		assert_non_null(r);
		assert_string_equal(r, map[i][2]);
	}
	assert_null(bs_vuln_rpm_ecosystem("fedora", "39", out, sizeof(out)));
	assert_null(bs_vuln_rpm_ecosystem("centos", "7", out, sizeof(out)));
	assert_null(bs_vuln_rpm_ecosystem("rhel", "", out, sizeof(out)));
	assert_null(bs_vuln_rpm_ecosystem("debian", "12", out, sizeof(out)));
}

struct seen {
	char what[8][96];
	size_t n;
};

static void hit(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg)
{
	struct seen *s = arg;
	if (s->n < 8)
		snprintf(s->what[s->n++], sizeof(s->what[0]), "%s %s %s", p->name, a->package, a->vuln_id);
}

static void matching(void **state)
{
	struct bs_vuln_adv adv[] = {
		/* by binary name, epoch in the fix */
		{ "almalinux:9", "openssl-libs", "CVE-1", "A1", "resolved", NULL, "1:3.0.7-25.el9_3", NULL, "medium", -1, "" },
		/* by source name */
		{ "almalinux:9", "openssl", "CVE-2", "A2", "resolved", NULL, "1:3.0.7-27.el9", NULL, "low", -1, "" },
		/* fixed without an epoch: 0 < 1, not affected */
		{ "almalinux:9", "openssl-libs", "CVE-3", "A3", "resolved", NULL, "3.0.7-99.el9", NULL, "high", -1, "" },
		/* another distribution */
		{ "rocky:9", "openssl-libs", "CVE-4", "R1", "resolved", NULL, "1:9.9-1", NULL, "high", -1, "" },
		/* another major release */
		{ "almalinux:8", "openssl-libs", "CVE-5", "A5", "resolved", NULL, "1:9.9-1", NULL, "high", -1, "" },
		/* '~' before the release: 5.1.8~rc1 < 5.1.8 */
		{ "almalinux:9", "bash", "CVE-6", "A6", "resolved", NULL, "5.1.8-1.el9", NULL, "high", -1, "" },
	};
	struct bs_vuln_index ix;
	struct bs_vuln_inv inv;
	struct seen s;
	(void)state;

	memset(&inv, 0, sizeof(inv));
	memset(&s, 0, sizeof(s));
	snprintf(inv.kind, sizeof(inv.kind), "rpm");
	snprintf(inv.distro, sizeof(inv.distro), "almalinux");
	snprintf(inv.release, sizeof(inv.release), "9.3");
	bs_vuln_inv_add(&inv, "openssl-libs", "1:3.0.7-24.el9", "openssl", "1:3.0.7-24.el9", "x86_64", "rpm", NULL);
	bs_vuln_inv_add(&inv, "bash", "5.1.8~rc1-1.el9", "bash", "5.1.8~rc1-1.el9", "x86_64", "rpm", NULL);
	bs_vuln_index_build(&ix, adv, sizeof(adv) / sizeof(adv[0]));
	assert_int_equal(bs_vuln_match(&ix, &inv, hit, &s), 3);
	{
		int c1 = 0, c2 = 0, c6 = 0;
		for (size_t i = 0; i < s.n; i++) {
			c1 += !strcmp(s.what[i], "openssl-libs openssl-libs CVE-1");
			c2 += !strcmp(s.what[i], "openssl-libs openssl CVE-2");
			c6 += !strcmp(s.what[i], "bash bash CVE-6");
		}
		assert_int_equal(c1 + c2 + c6, 3);
		assert_true(c1 == 1 && c2 == 1 && c6 == 1);
	}
	/* without a known distribution nothing is matched */
	snprintf(inv.distro, sizeof(inv.distro), "fedora");
	memset(&s, 0, sizeof(s));
	assert_int_equal(bs_vuln_match(&ix, &inv, hit, &s), 0);
	bs_vuln_index_release(&ix);
	bs_vuln_inv_release(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(osv_names),
		cmocka_unit_test(os_release_names),
		cmocka_unit_test(matching),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
