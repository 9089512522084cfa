/*
 * fuzz_vulnfeed.c - libFuzzer harness for what `brokersec vuln` reads from outside (src/vuln):
 * advisory feeds, SBOMs and dpkg status files.
 *
 * Input: the first byte picks the parser (mod 5): 0 the Debian Security Tracker's JSON
 * (the top-level object walked a member at a time), 1 OSV records, 2 CISA KEV, 3 a CycloneDX
 * or SPDX SBOM, 4 a dpkg status file; the rest is the text. Invariants beyond "no crash":
 * a refused feed keeps nothing (every count zero) and says where; an accepted one keeps only
 * whole rows (ecosystem, package, id, a known status and severity); the rows then match a
 * fixed inventory without crashing, every hit affected by its own rule; a parsed SBOM or
 * status holds only packages with a name, a version and a source.
 * Seeds (corpus/vulnfeed/): tests/fixtures/vuln's feeds, SBOMs and status, each behind its byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/vuln.h"

#include "fuzz_common.h"

static void hit(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg)
{
	(void)arg;
	if (!bs_vuln_affected(a, !strcmp(p->ecosystem, "deb") ? p->source_version : p->version))
		abort();
}

static const char *const statuses[] = { "open", "resolved", "undetermined", "not-affected", NULL };
static const char *const sevs[] = { "critical", "high", "medium", "low", "unknown", NULL };

static int one_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

static void check_inv(const struct bs_vuln_inv *inv)
{
	for (size_t i = 0; i < inv->n; i++)
		if (!inv->v[i].name || !*inv->v[i].name || !inv->v[i].version || !*inv->v[i].version || !inv->v[i].source ||
		    !inv->v[i].ecosystem)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int which;

	if (size < 1 || size > 65536)
		return 0;
	which = data[0] % 5;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	if (which <= 2) {
		struct bs_vuln_feed f;
		memset(&f, 0, sizeof(f));
		if (bs_vuln_feed_parse((enum bs_vuln_format)which, "fuzz.json", text, size - 1, which ? NULL : "bookworm", &f) < 0) {
			if (f.nadv || f.nkev || f.records || f.adv || f.kev || !strstr(bs_error_message(), "fuzz.json"))
				abort();
		} else {
			struct bs_vuln_index ix;
			struct bs_vuln_inv inv;
			for (size_t i = 0; i < f.nadv; i++) {
				const struct bs_vuln_adv *a = &f.adv[i];
				if (!a->ecosystem || !a->package || !a->vuln_id || !a->osv_id || !a->summary ||
				    !one_of(a->status, statuses) || !one_of(a->severity, sevs))
					abort();
			}
			for (size_t i = 0; i < f.nkev; i++)
				if (strncmp(f.kev[i].cve, "CVE-", 4))
					abort();
			memset(&inv, 0, sizeof(inv));
			snprintf(inv.kind, sizeof(inv.kind), "dpkg");
			snprintf(inv.distro, sizeof(inv.distro), "debian");
			snprintf(inv.release, sizeof(inv.release), "bookworm");
			for (size_t i = 0; i < f.nadv && i < 64; i++) {
				bs_vuln_inv_add(&inv, f.adv[i].package, "1.0-1", NULL, NULL, NULL, "deb", NULL);
				bs_vuln_inv_add(&inv, f.adv[i].package, "1:2.3~rc1-0+deb12u1", NULL, NULL, NULL, "deb", NULL);
				bs_vuln_inv_add(&inv, f.adv[i].package, "2.31.0", NULL, NULL, NULL, f.adv[i].ecosystem, NULL);
			}
			bs_vuln_index_build(&ix, f.adv, f.nadv);
			bs_vuln_match(&ix, &inv, hit, NULL);
			bs_vuln_index_release(&ix);
			bs_vuln_inv_release(&inv);
		}
		bs_vuln_feed_release(&f);
	} else {
		struct bs_vuln_inv inv;
		memset(&inv, 0, sizeof(inv));
		if (which == 3) {
			if (bs_vuln_inv_sbom("fuzz.json", text, size - 1, &inv) == 0)
				check_inv(&inv);
		} else if (bs_vuln_inv_dpkg(text, size - 1, "status", &inv) == 0) {
			check_inv(&inv);
			bs_vuln_inv_os_release(text, &inv);
		}
		bs_vuln_inv_release(&inv);
	}
	free(text);
	return 0;
}
