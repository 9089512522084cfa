/*
 * fuzz_winexport.c - libFuzzer harness for reading Windows exports (src/scan): the encoding
 * detection and conversion (UTF-16LE/BE, UTF-8 with or without BOM, Big5/CP950:
 * bs_win_decode), the recognition of the kind (bs_win_recognise), and the readers the probes
 * use - secedit INF [System Access] (probe_winpol.c), `net accounts` text (same), auditpol
 * CSV (probe_winaudit.c) and the collector's JSON (probe_winjson.c) - through what
 * `brokersec scan --windows-export DIR` runs: bs_scan_run with the built-in policy's Windows
 * checks, then the scan as JSON.
 *
 * Input: up to three files separated by the line "#@#@#@" (each one an export in the
 * directory), e.g. an INF and an auditpol CSV.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "scan/scan.h"
#include "scan/win_export.h"

#include "fuzz_common.h"

static const struct bs_scan_policy *policy;
static char dir[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (bs_scan_policy_builtin(&policy) < 0) {
		fprintf(stderr, "the built-in policies do not load: %s\n", bs_error_message());
		abort();
	}
	snprintf(dir, sizeof(dir), "%s", fuzz_tmpdir("winexport"));
	return 0;
}

static void decode_one(const char *p, size_t len)
{
	struct bs_buf out = BS_BUF_INIT;
	const char *enc = NULL;
	char *values[9];

	if (bs_win_decode(p, len, &out, &enc) == 0) {
		fuzz_check(enc != NULL);
		/* UTF-8 in, UTF-8 out; a conversion gives UTF-8 too (it may hold NULs or controls) */
		if (!strcmp(enc, "UTF-8"))
			fuzz_check(bs_utf8_valid_text(out.ptr, out.len));
		bs_buf_putc(&out, '\0'); /* the probes read it as a C string */
		enum bs_win_kind k = bs_win_recognise(out.ptr);
		fuzz_check(k >= BS_WIN_UNKNOWN && k < BS_WIN_KINDS);
		fuzz_check(*bs_win_kind_name(k) != '?');
		int n = bs_win_netaccounts_lines(out.ptr, values);
		fuzz_check(n >= 0 && n <= 9);
		for (int i = 0; i < n; i++)
			free(values[i]);
	}
	bs_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n#@#@#@\n";
	const char *p = (const char *)data, *end = p + size;
	struct bs_buf path = BS_BUF_INIT;
	int nfiles = 0;

	/* the files of this input */
	while (nfiles < 3) {
		const char *s = nfiles < 2 ? memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1) : NULL;
		size_t len = s ? (size_t)(s - p) : (size_t)(end - p);
		/* an exact-size copy, so reading past the end is caught */
		char *copy = malloc(len ? len : 1);
		memcpy(copy, p, len);
		decode_one(copy, len);
		bs_buf_clear(&path);
		bs_buf_printf(&path, "%s/export%d", dir, nfiles);
		fuzz_write(path.ptr, copy, len);
		free(copy);
		nfiles++;
		if (!s)
			break;
		p = s + sizeof(sep) - 1;
	}

	/* the scan: every Windows check decides, or says why not */
	struct bs_scan_opts o = { NULL, NULL, dir, NULL, NULL };
	struct bs_scan *s = NULL;
	fuzz_check(bs_scan_run(&s, policy, &o) == 0);
	fuzz_check(s->n > 0);
	for (size_t i = 0; i < s->n; i++) {
		const struct bs_scan_result *r = &s->results[i];
		fuzz_check(r->status < BS_SCAN_STATUS_COUNT);
		if (r->status == BS_SCAN_NA || r->status == BS_SCAN_ERROR)
			fuzz_check(r->reason && *r->reason);
	}
	char *json = bs_scan_json(s);
	fuzz_check(json != NULL);
	json_error_t je;
	json_t *back = json_loads(json, 0, &je);
	fuzz_check(back != NULL);
	json_decref(back);
	free(json);
	bs_scan_free(s);

	for (int i = 0; i < nfiles; i++) {
		bs_buf_clear(&path);
		bs_buf_printf(&path, "%s/export%d", dir, i);
		unlink(path.ptr);
	}
	bs_buf_release(&path);
	bs_error_clear();
	return 0;
}
