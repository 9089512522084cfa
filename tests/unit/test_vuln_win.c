/* Windows in vulnerability tracking (src/vuln/vuln_win.c, vuln_msrc.c): KB numbers as
 * Get-HotFix and MSRC write them, the product names of MSRC's documents from os.json's
 * members (builds, Server Core, architectures, localised OSArchitecture), and the matching
 * rules docs/vulnerabilities.md gives: supersedence followed through a chain, alternatives
 * within a document (a monthly rollup or a security-only update), every document of a
 * re-released CVE satisfied, products compared without regard to case and spaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/vuln.h"

static void test_kb(void **state)
{
	char b[16];
	(void)state;
	assert_int_equal(bs_vuln_kb_norm("KB5034123", b, sizeof(b)), 0);
	assert_string_equal(b, "KB5034123");
	assert_int_equal(bs_vuln_kb_norm("kb890830", b, sizeof(b)), 0);
	assert_string_equal(b, "KB890830");
	assert_int_equal(bs_vuln_kb_norm(" 5034765 ", b, sizeof(b)), 0);
	assert_string_equal(b, "KB5034765");
	assert_int_equal(bs_vuln_kb_norm("Click to Run", b, sizeof(b)), -1);
	assert_int_equal(bs_vuln_kb_norm("16.0.17126.20132", b, sizeof(b)), -1);
	assert_int_equal(bs_vuln_kb_norm("KB12", b, sizeof(b)), -1);
	assert_int_equal(bs_vuln_kb_norm("File 1", b, sizeof(b)), -1);
	assert_int_equal(bs_vuln_kb_norm("KB5034123 and more", b, sizeof(b)), -1);
}

static const char *product(const char *caption, const char *build, const char *arch, const char *type, const char *proc)
{
	static char out[96];
	struct bs_vuln_winos os = { caption, "10.0", build, arch, NULL, type, proc };
	struct bs_vuln_inv inv;
	const char *kbs[] = { "KB5034123" };
	memset(&inv, 0, sizeof(inv));
	if (bs_vuln_inv_windows(&os, kbs, 1, "t", &inv) < 0)
		return NULL;
	snprintf(out, sizeof(out), "%s", inv.release);
	assert_int_equal(inv.n, 2);
	assert_string_equal(inv.v[0].ecosystem, "windows");
	assert_string_equal(inv.v[1].name, "KB5034123");
	bs_vuln_inv_release(&inv);
	return out;
}

static void test_products(void **state)
{
	(void)state;
	assert_string_equal(product("Microsoft Windows 11 Pro", "22631", "64-bit", "Client", "AMD64"),
			    "Windows 11 Version 23H2 for x64-based Systems");
	assert_string_equal(product("Microsoft Windows 11 Pro", "26100", "ARM 64-bit Processor", "Client", NULL),
			    "Windows 11 Version 24H2 for ARM64-based Systems");
	assert_string_equal(product("Microsoft Windows 10 專業版", "19045", "32 位元", "Client", NULL),
			    "Windows 10 Version 22H2 for 32-bit Systems");
	/* PROCESSOR_ARCHITECTURE wins over a localised OSArchitecture */
	assert_string_equal(product("Microsoft Windows 10 Pro", "19044", "64 Bits", "Client", "x86"),
			    "Windows 10 Version 21H2 for 32-bit Systems");
	assert_string_equal(product("Microsoft Windows Server 2022 Standard", "20348", "64-bit", "Server", "AMD64"),
			    "Windows Server 2022");
	assert_string_equal(product("Microsoft Windows Server 2022 Datacenter", "20348", "64-bit", "Server Core", "AMD64"),
			    "Windows Server 2022 (Server Core installation)");
	assert_string_equal(product("Microsoft Windows Server 2019 Standard", "17763", "64-bit", NULL, NULL),
			    "Windows Server 2019");
	assert_string_equal(product("Microsoft Windows 10 Enterprise LTSC", "17763", "64-bit", "Client", NULL),
			    "Windows 10 Version 1809 for x64-based Systems");
	assert_string_equal(product("Microsoft Windows Server 2012 R2 Standard", "9600", "64-bit", "Server", NULL),
			    "Windows Server 2012 R2");
	/* a build brokersec does not know, a server build on a client, no architecture */
	assert_null(product("Microsoft Windows 11 Insider Preview", "27695", "64-bit", "Client", "AMD64"));
	assert_non_null(strstr(bs_error_message(), "BuildNumber '27695'"));
	assert_null(product("Microsoft Windows 10 Pro", "20348", "64-bit", "Client", NULL));
	assert_null(product("Microsoft Windows 11 Pro", "22631", "", "Client", NULL));
	assert_non_null(strstr(bs_error_message(), "architecture"));
	assert_null(product(NULL, NULL, NULL, NULL, NULL));
}

static void row(struct bs_vuln_feed *f, const char *eco, const char *prod, const char *id, const char *doc,
		const char *fixed)
{
	f->adv = realloc(f->adv, (f->nadv + 1) * sizeof(*f->adv));
	struct bs_vuln_adv *a = &f->adv[f->nadv++];
	memset(a, 0, sizeof(*a));
	a->ecosystem = strdup(eco);
	a->package = strdup(prod);
	a->vuln_id = strdup(id);
	a->osv_id = strdup(doc);
	a->status = strdup(fixed ? "resolved" : "open");
	a->fixed = fixed ? strdup(fixed) : NULL;
	a->severity = strdup("high");
	a->summary = strdup("");
	a->cvss = -1;
}

struct got {
	char list[512];
};

static void hit(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg)
{
	struct got *g = arg;
	size_t n = strlen(g->list), l = strlen(a->vuln_id);
	(void)p;
	/* one line per CVE: a re-released one is reported per document still open */
	if (n >= l && !strcmp(g->list + n - l, a->vuln_id))
		return;
	snprintf(g->list + n, sizeof(g->list) - n, "%s%s", n ? " " : "", a->vuln_id);
}

/* The CVEs open on a PC of product with the KBs installed. */
static const char *open_cves(const struct bs_vuln_feed *f, const char *prod, const char *const *kbs)
{
	static struct got g;
	struct bs_vuln_inv inv;
	struct bs_vuln_index ix;
	memset(&inv, 0, sizeof(inv));
	memset(&g, 0, sizeof(g));
	snprintf(inv.kind, sizeof(inv.kind), "windows");
	bs_vuln_inv_add(&inv, prod, "10.0", prod, "10.0", "x64", "windows", "");
	for (; *kbs; kbs++)
		bs_vuln_inv_add(&inv, *kbs, "", *kbs, "", "", "kb", "");
	bs_vuln_index_build(&ix, f->adv, f->nadv);
	bs_vuln_match(&ix, &inv, hit, &g);
	bs_vuln_index_release(&ix);
	bs_vuln_inv_release(&inv);
	return g.list;
}

static void test_match(void **state)
{
	static const char P[] = "Windows 11 Version 23H2 for x64-based Systems";
	static const char S12[] = "Windows Server 2012 R2";
	struct bs_vuln_feed f;
	(void)state;
	memset(&f, 0, sizeof(f));
	row(&f, "msrc", P, "CVE-A", "2024-Jan", "KB5034123");
	row(&f, "msrc", P, "CVE-B", "2024-Feb", "KB5034765");
	row(&f, "msrc", P, "CVE-N", "2024-Feb", NULL); /* no fix yet */
	row(&f, "msrc-supersedes", P, "KB5034765", "2024-Feb", "KB5034123");
	row(&f, "msrc-supersedes", P, "KB5035853", "2024-Mar", "KB5034765");
	/* Server 2012 R2: a monthly rollup or a security-only update, either fixes */
	row(&f, "msrc", S12, "CVE-A", "2024-Jan", "KB5034171");
	row(&f, "msrc", S12, "CVE-A", "2024-Jan", "KB5034166");
	/* a re-release: CVE-R listed in January (KB5034123) and again in March (KB5035853) */
	row(&f, "msrc", P, "CVE-R", "2024-Jan", "KB5034123");
	row(&f, "msrc", P, "CVE-R", "2024-Mar", "KB5035853");

	const char *none[] = { NULL };
	const char *jan[] = { "KB5034123", NULL };
	const char *feb[] = { "kb5034765", NULL }; /* case as Get-HotFix may write it */
	const char *mar[] = { "KB5035853", NULL };
	assert_string_equal(open_cves(&f, P, none), "CVE-A CVE-B CVE-N CVE-R");
	assert_string_equal(open_cves(&f, P, jan), "CVE-B CVE-N CVE-R");
	/* lower case: the inventory keeps what Get-HotFix wrote, the index KBs upper case */
	assert_string_equal(open_cves(&f, P, feb), "CVE-N CVE-R");
	/* the chain: March supersedes February supersedes January; CVE-R's March fix is had */
	assert_string_equal(open_cves(&f, P, mar), "CVE-N");
	/* the product named as MSRC sometimes writes it */
	assert_string_equal(open_cves(&f, "windows 11 version 23h2 for x64-based systems", mar), "CVE-N");
	const char *rollup[] = { "KB5034171", NULL }, *seconly[] = { "KB5034166", NULL };
	assert_string_equal(open_cves(&f, S12, none), "CVE-A");
	assert_string_equal(open_cves(&f, S12, rollup), "");
	assert_string_equal(open_cves(&f, S12, seconly), "");
	/* another product's KB fixes nothing here */
	assert_string_equal(open_cves(&f, S12, mar), "CVE-A");
	bs_vuln_feed_release(&f);
}

static void test_parse(void **state)
{
	static const char doc[] =
		"{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2024-Jan\"}}},\n"
		" \"ProductTree\": {\"FullProductName\": [{\"ProductID\": \"1\", \"Value\": \"Windows  Server 2022\"},\n"
		"   {\"ProductID\": \"2\", \"Value\": \"Windows 11 Version 23H2 for x64-based Systems\"}]},\n"
		" \"Vulnerability\": [{\"CVE\": \"CVE-2024-20674\", \"Title\": {\"Value\": \"Kerberos\"},\n"
		"   \"ProductStatuses\": [{\"ProductID\": [\"1\", \"2\"], \"Type\": 3}],\n"
		"   \"Threats\": [{\"Type\": 3, \"Description\": {\"Value\": \"Important\"}, \"ProductID\": [\"1\"]},\n"
		"                {\"Type\": 3, \"Description\": {\"Value\": \"Critical\"}, \"ProductID\": [\"2\"]}],\n"
		"   \"CVSSScoreSets\": [{\"BaseScore\": 9.0, \"ProductID\": [\"1\", \"2\"]}],\n"
		"   \"Remediations\": [{\"Type\": 2, \"Description\": {\"Value\": \"5034129\"}, \"Supercedence\": \"5033118; KB5032198\", \"ProductID\": [\"1\"]},\n"
		"                      {\"Type\": 5, \"Description\": {\"Value\": \"Release Notes\"}, \"ProductID\": [\"1\"]}]}]}\n";
	struct bs_vuln_feed f;
	size_t fixes = 0, sups = 0;
	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_MSRC, "d.json", doc, strlen(doc), NULL, &f), 0);
	assert_int_equal(f.records, 1);
	for (size_t i = 0; i < f.nadv; i++) {
		const struct bs_vuln_adv *a = &f.adv[i];
		assert_string_equal(a->osv_id, "2024-Jan");
		if (!strcmp(a->ecosystem, "msrc-supersedes")) {
			sups++;
			assert_string_equal(a->package, "Windows Server 2022"); /* spaces squeezed */
			assert_string_equal(a->vuln_id, "KB5034129");
			assert_true(!strcmp(a->fixed, "KB5033118") || !strcmp(a->fixed, "KB5032198"));
		} else if (!strcmp(a->package, "Windows Server 2022")) {
			fixes++;
			assert_string_equal(a->fixed, "KB5034129");
			assert_string_equal(a->severity, "high"); /* Important */
			assert_true(a->cvss > 8.99 && a->cvss < 9.01);
		} else {
			/* known affected, no vendor fix yet */
			assert_string_equal(a->status, "open");
			assert_null(a->fixed);
			assert_string_equal(a->severity, "critical");
		}
	}
	assert_int_equal(fixes, 1);
	assert_int_equal(sups, 2);
	assert_int_equal(f.nadv, 4);
	bs_vuln_feed_release(&f);

	/* damaged: refused whole, with the place */
	memset(&f, 0, sizeof(f));
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_MSRC, "d.json", doc, 300, NULL, &f), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "line 4"));
	assert_int_equal(f.nadv, 0);
	assert_null(f.adv);
	/* a product id the tree does not name */
	static const char bad[] =
		"{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"x\"}}}, \"ProductTree\": "
		"{\"FullProductName\": []}, \"Vulnerability\": [{\"CVE\": \"CVE-1\", \"ProductStatuses\": "
		"[{\"Type\": 3, \"ProductID\": [\"9\"]}]}]}";
	assert_int_equal(bs_vuln_feed_parse(BS_VULN_MSRC, "b.json", bad, strlen(bad), NULL, &f), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "ProductTree.FullProductName does not name"));
	assert_int_equal(f.nadv, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kb),
		cmocka_unit_test(test_products),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
