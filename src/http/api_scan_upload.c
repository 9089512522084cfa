/* api_scan_upload.c - POST /api/v1/scans: a PC's Windows export bundle (the zip the collector,
 * scripts/windows/brokersec-collect.ps1, makes) scanned with the Windows checks and saved as
 * `brokersec scan --windows-export DIR --save --system ID` (and --device) saves it: the same
 * library calls, waivers for the host applied, the event scan.save by the token's owner. The
 * zip is read in memory (src/scan/win_zip.c), never extracted to disk. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "http/http_int.h"
#include "scan/scan.h"

static int text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > max)
		return 0;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return 0;
	return 1;
}

void bs_api_scan_upload(struct bs_http_ctx *c)
{
	const char *system = bs_http_query(c, "system"), *device = bs_http_query(c, "device");
	const char *host = bs_http_query(c, "host");
	const struct bs_scan_policy *pol;
	struct bs_scan_file *files = NULL;
	struct bs_scan *scan = NULL;
	struct bs_scan_waiver *w = NULL;
	size_t nfiles = 0, nw = 0;
	int64_t id = 0;
	int32_t today = bs_days_from_time(bs_clock_now());
	struct bs_scan_opts so = { NULL, NULL, "bundle", host, NULL, NULL, 0 };
	int err;

	if (!text_ok(system, 100)) {
		bs_http_error(c, 400, "invalid",
			      BS_T(bs_error_lang(), "請以 ?system=ID 指定這部電腦所屬的系統（1 至 100 位元組，見系統清冊）",
				   "give ?system=ID: the system this PC belongs to (1-100 bytes, see the system register)"));
		return;
	}
	if ((device && !text_ok(device, 100)) || (host && !text_ok(host, 255))) {
		bs_http_error(c, 400, "invalid",
			      BS_T(bs_error_lang(), "?device 須為 1 至 100 位元組、?host 須為 1 至 255 位元組的文字",
				   "?device must be 1-100 bytes and ?host 1-255 bytes of text"));
		return;
	}
	if ((err = bs_scan_winzip_read(c->body ? c->body : "", c->body_len, &files, &nfiles)) < 0) {
		bs_http_error(c, 400, "invalid", "%s", bs_error_message());
		return;
	}
	if ((err = bs_scan_policy_builtin(&pol)) < 0)
		goto fail;
	so.winfiles = files;
	so.nwinfiles = nfiles;
	if ((err = bs_scan_run(&scan, pol, &so)) < 0)
		goto fail;
	/* A bundle from which no check could decide holds no export: saved, it would show a PC
	 * assessed on nothing. */
	if (!scan->count[BS_SCAN_PASS] && !scan->count[BS_SCAN_FAIL]) {
		const char *why = "";
		for (size_t i = 0; i < scan->n && !*why; i++)
			if (scan->results[i].status == BS_SCAN_ERROR && scan->results[i].reason)
				why = scan->results[i].reason;
		bs_http_error(c, 400, "invalid",
			      BS_T(bs_error_lang(), "此套件無法判定任何 Windows 檢查，故未儲存：%s",
				   "no Windows check could decide from this bundle, so it was not saved: %s"),
			      *why ? why : "it holds no export the checks read (docs/windows-export.md)");
		goto out;
	}
	if ((err = bs_scan_waiver_list(c->dd->store, scan->host, 0, today, &w, &nw)) < 0)
		goto fail;
	bs_scan_apply_waivers(scan, w, nw, today);
	if ((err = bs_scan_save(c->dd, scan, system, device, &id)) < 0)
		goto fail;
	{
		char *js = bs_scan_json(scan);
		json_error_t je;
		json_t *doc = js ? json_loads(js, 0, &je) : NULL;
		free(js);
		if (!doc) {
			bs_http_error(c, 500, "internal", "the saved scan %lld could not be shown: see GET /api/v1/scans/%lld",
				      (long long)id, (long long)id);
			goto out;
		}
		json_object_set_new(doc, "id", json_integer(id));
		json_object_set_new(doc, "system", json_string(system));
		json_object_set_new(doc, "device", device ? json_string(device) : json_null());
		json_t *names = json_array();
		for (size_t i = 0; i < nfiles; i++)
			json_array_append_new(names, json_string(files[i].name)); /* UTF-8: win_zip.c */
		json_object_set_new(doc, "files", names);
		bs_http_json(c, 201, doc);
	}
	goto out;
fail:
	bs_http_fail(c, err);
out:
	for (size_t i = 0; i < nw; i++)
		bs_scan_waiver_release(&w[i]);
	free(w);
	bs_scan_free(scan);
	bs_scan_files_free(files, nfiles);
}
