/*
 * fuzz_msrc.c - libFuzzer harness for Microsoft's CVRF JSON documents (`vuln import-feed
 * --format msrc`, src/vuln/vuln_msrc.c) and the Windows product mapping of `vuln inventory
 * --windows-export` (src/vuln/vuln_win.c).
 *
 * Input: the first byte picks (mod 2): 0 a CVRF document, 1 an os.json object (its members
 * handed to bs_vuln_inv_windows with a few KBs); the rest is the text. Invariants beyond "no
 * crash": a refused document keeps nothing and the message names the file; an accepted one
 * keeps only whole rows (ecosystem msrc or msrc-supersedes, a product, an id, the document's
 * ID, status open or resolved, a known severity; a supersedence names two KBs); matching a
 * Windows inventory of the first product with some of the document's KBs installed reports
 * only rows of that product whose KB is not installed. A mapped product is never empty, and
 * the inventory holds the product first, then only "KB<digits>" rows.
 * Seeds (corpus/msrc/): tests/fixtures/vuln/msrc's documents (cut down) and os.json files.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "vuln/vuln.h"

#include "fuzz_common.h"

int bs_vuln_msrc_parse(struct bs_vuln_feed *f, const char *file, const char *text, size_t len);

struct want {
	const char *product;
	const struct bs_vuln_inv *inv;
};

static void hit(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg)
{
	const struct want *w = arg;
	fuzz_check(!strcmp(a->ecosystem, "msrc"));
	fuzz_check(!strcasecmp(a->package, w->product) && !strcmp(p->name, w->product));
	for (size_t i = 0; a->fixed && i < w->inv->n; i++)
		fuzz_check(strcmp(w->inv->v[i].name, a->fixed) || !strcmp(w->inv->v[i].ecosystem, "windows"));
}

static int kb_ok(const char *s)
{
	char b[16];
	return s && bs_vuln_kb_norm(s, b, sizeof(b)) == 0 && !strcmp(b, s);
}

static void cvrf(const char *text, size_t len)
{
	struct bs_vuln_feed f;
	memset(&f, 0, sizeof(f));
	if (bs_vuln_feed_parse(BS_VULN_MSRC, "fuzz.json", text, len, NULL, &f) < 0) {
		fuzz_check(!f.nadv && !f.adv && !f.records && strstr(bs_error_message(), "fuzz.json"));
		return;
	}
	const char *product = NULL;
	for (size_t i = 0; i < f.nadv; i++) {
		const struct bs_vuln_adv *a = &f.adv[i];
		int sup = !strcmp(a->ecosystem, "msrc-supersedes");
		fuzz_check(sup || !strcmp(a->ecosystem, "msrc"));
		fuzz_check(a->package && *a->package && a->vuln_id && *a->vuln_id && a->osv_id && *a->osv_id && a->summary);
		fuzz_check(!strcmp(a->status, "open") || !strcmp(a->status, "resolved"));
		fuzz_check(!strcmp(a->status, "open") == !a->fixed);
		fuzz_check(!strcmp(a->severity, "critical") || !strcmp(a->severity, "high") || !strcmp(a->severity, "medium") ||
			   !strcmp(a->severity, "low") || !strcmp(a->severity, "unknown"));
		fuzz_check(a->cvss <= 10);
		if (sup)
			fuzz_check(kb_ok(a->vuln_id) && kb_ok(a->fixed) && strcmp(a->vuln_id, a->fixed));
		else if (!product)
			product = a->package;
	}
	if (product) {
		struct bs_vuln_inv inv;
		struct bs_vuln_index ix;
		struct want w = { product, &inv };
		memset(&inv, 0, sizeof(inv));
		snprintf(inv.kind, sizeof(inv.kind), "windows");
		bs_vuln_inv_add(&inv, product, "10.0.1", product, "10.0.1", "x64", "windows", "");
		/* every third KB of the document installed */
		for (size_t i = 0; i < f.nadv; i += 3)
			if (kb_ok(f.adv[i].fixed))
				bs_vuln_inv_add(&inv, f.adv[i].fixed, "", f.adv[i].fixed, "", "", "kb", "");
		bs_vuln_index_build(&ix, f.adv, f.nadv);
		bs_vuln_match(&ix, &inv, hit, &w);
		bs_vuln_index_release(&ix);
		bs_vuln_inv_release(&inv);
	}
	bs_vuln_feed_release(&f);
}

static void osjson(const char *text, size_t len)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, 0, &je);
	static const char *const kbs[] = { "KB5034123", "kb5033375", "5034765", "File 1", "KB12", "" };
	struct bs_vuln_inv inv;
	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	struct bs_vuln_winos os = {
		json_string_value(json_object_get(o, "Caption")),       json_string_value(json_object_get(o, "Version")),
		json_string_value(json_object_get(o, "BuildNumber")),   json_string_value(json_object_get(o, "OSArchitecture")),
		json_string_value(json_object_get(o, "DisplayVersion")), json_string_value(json_object_get(o, "InstallationType")),
		json_string_value(json_object_get(o, "ProcessorArchitecture")),
	};
	memset(&inv, 0, sizeof(inv));
	if (bs_vuln_inv_windows(&os, kbs, sizeof(kbs) / sizeof(kbs[0]), "fuzz", &inv) == 0) {
		fuzz_check(inv.n >= 1 && inv.release[0] && !strcmp(inv.v[0].name, inv.release));
		fuzz_check(!strcmp(inv.v[0].ecosystem, "windows"));
		for (size_t i = 1; i < inv.n; i++)
			fuzz_check(!strcmp(inv.v[i].ecosystem, "kb") && kb_ok(inv.v[i].name));
	} else {
		fuzz_check(inv.n == 0 && strstr(bs_error_message(), "operating system"));
	}
	bs_vuln_inv_release(&inv);
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	if (size < 1 || size > 65536)
		return 0;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	if (data[0] % 2 == 0)
		cvrf(text, size - 1);
	else
		osjson(text, size - 1);
	free(text);
	return 0;
}
