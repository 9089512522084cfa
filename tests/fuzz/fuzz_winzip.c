/*
 * fuzz_winzip.c - libFuzzer harness for the Windows export bundle that POST /api/v1/scans
 * takes (src/scan/win_zip.c, src/http/api_scan_upload.c): the zip read in memory with its
 * caps (entries, bytes per entry and in all, counted as they inflate), its names checked
 * (zip-slip, absolute, backslash, not UTF-8), then, when it is accepted, the Windows checks
 * run on its files as the upload runs them (bs_scan_run with winfiles) and the scan as JSON.
 *
 * Input: the zip's bytes. The seeds (corpus/winzip/) are real bundles of the fixtures'
 * exports and the refused kinds (a zip-slip name, a small zip bomb, a truncated zip).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "core/error.h"
#include "core/utf8.h"
#include "scan/scan.h"

#include "fuzz_common.h"

static const struct bs_scan_policy *policy;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (bs_scan_policy_builtin(&policy) < 0) {
		fprintf(stderr, "the built-in policies do not load: %s\n", bs_error_message());
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_scan_file *files = NULL;
	size_t n = 0, total = 0;
	/* an exact-size copy, so reading past the end is caught */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);

	int r = bs_scan_winzip_read(copy, size, &files, &n);
	if (r < 0) {
		fuzz_check(files == NULL && n == 0);
		fuzz_check(*bs_error_message());
		fuzz_check(bs_utf8_valid_text(bs_error_message(), strlen(bs_error_message())));
		free(copy);
		bs_error_clear();
		return 0;
	}
	fuzz_check(n >= 1 && n <= BS_WINZIP_ENTRIES);
	for (size_t i = 0; i < n; i++) {
		const char *name = files[i].name;
		fuzz_check(files[i].len <= BS_WINZIP_FILE_MAX);
		total += files[i].len;
		/* no name that an extractor would follow out of its folder */
		fuzz_check(*name && name[0] != '/' && !strchr(name, '\\') && strcmp(name, "..") != 0);
		fuzz_check(strncmp(name, "../", 3) != 0 && !strstr(name, "/../"));
		fuzz_check(bs_utf8_valid_text(name, strlen(name)));
	}
	fuzz_check(total <= BS_WINZIP_TOTAL_MAX);

	struct bs_scan_opts o = { NULL, NULL, "bundle", NULL, NULL, files, n };
	struct bs_scan *s = NULL;
	fuzz_check(bs_scan_run(&s, policy, &o) == 0);
	fuzz_check(s->n > 0);
	for (size_t i = 0; i < s->n; i++) {
		const struct bs_scan_result *res = &s->results[i];
		fuzz_check(res->status < BS_SCAN_STATUS_COUNT);
		if (res->status == BS_SCAN_NA || res->status == BS_SCAN_ERROR)
			fuzz_check(res->reason && *res->reason);
	}
	char *json = bs_scan_json(s);
	fuzz_check(json != NULL);
	json_error_t je;
	json_t *back = json_loads(json, 0, &je);
	fuzz_check(back != NULL);
	json_decref(back);
	free(json);
	bs_scan_free(s);
	bs_scan_files_free(files, n);
	free(copy);
	bs_error_clear();
	return 0;
}
