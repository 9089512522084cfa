/*
 * fuzz_spdxtv.c - libFuzzer harness for SPDX tag-value SBOMs (`vuln inventory --sbom`,
 * src/vuln/spdxtv.c) and the OSV ecosystem names of RPM distributions (src/vuln/rpmeco.c).
 *
 * Input: the document's bytes. Invariants beyond "no crash": a refused document keeps
 * nothing (the inventory untouched) and the message names the file; an accepted one holds at
 * least one package, each with a name, a version, an ecosystem and the purl it came from,
 * and the count of packages without a purl never exceeds the PackageName lines. The first
 * line, in lower case, as an OSV ecosystem: when mapped, the result is one of the spellings
 * an os-release gives (lower case, "distro:version" or opensuse-tumbleweed).
 * Seeds (corpus/spdxtv/): tests/fixtures/vuln/sbom.spdx.tv, a 2.2 document with
 * PACKAGE_MANAGER, CRLF, an unterminated <text>, a bad ExternalRef, RPM ecosystem names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/rpmdb.h"
#include "vuln/vuln.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_vuln_inv inv;
	char *text, low[96], eco[128];
	size_t n, names = 0;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	memset(&inv, 0, sizeof(inv));
	/* over every byte: the parser reads lines by length, a NUL does not end the text */
	for (const char *p = text, *e = text + size; p < e && (p = memmem(p, (size_t)(e - p), "PackageName", 11)) != NULL;
	     p++)
		names++;
	if (bs_vuln_inv_spdx_tv("fuzz.tv", text, size, &inv) < 0) {
		fuzz_check(inv.n == 0 && inv.v == NULL && inv.kind[0] == 0 && inv.nopurl == 0);
		fuzz_check(strstr(bs_error_message(), "fuzz.tv") != NULL);
	} else {
		fuzz_check(inv.n >= 1 && !strcmp(inv.kind, "spdx") && inv.nopurl <= names);
		for (size_t i = 0; i < inv.n; i++) {
			const struct bs_vuln_pkg *p = &inv.v[i];
			fuzz_check(p->name && *p->name && p->version && *p->version && p->ecosystem && *p->ecosystem);
			fuzz_check(!strncmp(p->purl, "pkg:", 4));
		}
	}
	bs_vuln_inv_release(&inv);
	(void)bs_vuln_is_spdx_tv(text, size);

	n = strcspn(text, "\n");
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
	low[n] = 0;
	if (bs_vuln_osv_rpm_ecosystem(low, eco, sizeof(eco))) {
		fuzz_check(eco[0] && (strchr(eco, ':') || !strcmp(eco, "opensuse-tumbleweed")));
		for (const char *c = eco; *c; c++)
			fuzz_check(!(*c >= 'A' && *c <= 'Z'));
	}
	free(text);
	return 0;
}
