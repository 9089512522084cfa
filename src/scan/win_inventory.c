/* win_inventory.c - the installed updates and the operating system of a Windows export, for
 * `vuln inventory --windows-export` (scan.h; docs/vulnerabilities.md). The files are found and
 * decoded by the one reader of exports the Windows checks use (win_export.c: bs_win_each), in
 * a probe context of their own; nothing else of the scan runs. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan/probe.h"
#include "scan/probe_ctx.h"
#include "scan/scan.h"
#include "scan/win_export.h"

static char *member_dup(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	char b[32];
	if (json_is_string(v))
		return json_string_length(v) ? bs_strndup(json_string_value(v), strnlen(json_string_value(v), 200)) : NULL;
	if (json_is_integer(v)) {
		snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(v));
		return bs_strdup(b);
	}
	return NULL;
}

/* A file's JSON: an object, or an array of objects; the callback per object. */
static int each_object(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, const char *what,
		       int (*one)(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *arg), void *arg)
{
	json_error_t je;
	json_t *doc = json_loadb(text->ptr, text->len, JSON_REJECT_DUPLICATES, &je);
	int r = 0;

	if (!doc)
		return bs_probe_fail(ctx, "'%s' (%s) is not valid JSON (line %d: %s): make it again with the collector "
				     "(docs/windows-export.md)", file, what, je.line, je.text);
	if (json_is_object(doc)) {
		r = one(ctx, file, doc, 0, arg);
	} else if (json_is_array(doc)) {
		for (size_t i = 0; i < json_array_size(doc) && r >= 0; i++) {
			json_t *o = json_array_get(doc, i);
			r = json_is_object(o) ? one(ctx, file, o, i, arg)
					      : bs_probe_fail(ctx, "'%s': item %zu of the %s is not an object", file, i + 1, what);
		}
	} else {
		r = bs_probe_fail(ctx, "'%s' (%s) has no %s: make it again with the collector", file, what, "an object");
	}
	json_decref(doc);
	return r;
}

static int hotfix_one(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *arg)
{
	struct bs_scan_wininv *w = arg;
	const char *id = json_string_value(json_object_get(o, "HotFixID"));
	if (!id || !*id)
		return bs_probe_fail(ctx, "'%s': object %zu has no %s: make the file again with %s (docs/windows-export.md)",
				     file, i + 1, "HotFixID", "Get-HotFix | ConvertTo-Json");
	w->kbs = bs_realloc(w->kbs, bs_size_mul(w->nkbs + 1, sizeof(*w->kbs)));
	w->kbs[w->nkbs++] = bs_strndup(id, strnlen(id, 64));
	return 0;
}

static int hotfix_file(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg)
{
	struct bs_scan_wininv *w = arg;
	if (!w->hotfix_file)
		w->hotfix_file = bs_strdup(file);
	return each_object(ctx, file, text, bs_win_kind_name(BS_WIN_HOTFIX), hotfix_one, arg);
}

static int os_one(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *arg)
{
	struct bs_scan_wininv *w = arg;
	(void)i;
	if (w->build)
		return bs_probe_fail(ctx, "'%s': a second operating system (the export holds one PC's os.json; %s was read "
				     "before)", file, w->os_file);
	w->build = member_dup(o, "BuildNumber");
	if (!w->build)
		return bs_probe_fail(ctx, "'%s': object %zu has no %s: make the file again with %s (docs/windows-export.md)",
				     file, i + 1, "BuildNumber", "the collector");
	w->os_file = bs_strdup(file);
	w->caption = member_dup(o, "Caption");
	w->version = member_dup(o, "Version");
	w->arch = member_dup(o, "OSArchitecture");
	w->display = member_dup(o, "DisplayVersion");
	w->install_type = member_dup(o, "InstallationType");
	w->proc_arch = member_dup(o, "ProcessorArchitecture");
	w->host = member_dup(o, "CSName");
	return 0;
}

static int os_file(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg)
{
	return each_object(ctx, file, text, bs_win_kind_name(BS_WIN_OS), os_one, arg);
}

void bs_scan_wininv_release(struct bs_scan_wininv *w)
{
	for (size_t i = 0; i < w->nkbs; i++)
		free(w->kbs[i]);
	free(w->kbs);
	free(w->caption), free(w->version), free(w->build), free(w->arch), free(w->display), free(w->install_type);
	free(w->proc_arch), free(w->host), free(w->hotfix_file), free(w->os_file);
	memset(w, 0, sizeof(*w));
}

int bs_scan_win_inventory(const struct bs_scan_opts *opts_in, struct bs_scan_wininv *out)
{
	struct bs_scan_opts o = *opts_in, *opts = &o;
	char *abs = NULL;
	struct bs_probe_ctx ctx;
	struct probe_slot slot;
	struct bs_buf where = BS_BUF_INIT;
	struct stat st;
	int err = 0, r;

	memset(out, 0, sizeof(*out));
	if (!opts->winexport)
		return bs_error(BS_EINVALID, "no Windows export given");
	if (!opts->winfiles && (stat(opts->winexport, &st) < 0 || !S_ISDIR(st.st_mode)))
		return bs_error(BS_ENOTFOUND, "cannot read Windows export directory '%s': give the directory the collector "
				"wrote (docs/windows-export.md)", opts->winexport);
	/* the files are opened under the root "/" (rootfs.c): a relative directory is made
	 * absolute first, or it would be looked for under / */
	if (!o.winfiles && o.winexport[0] != '/') {
		if (!(abs = realpath(o.winexport, NULL)))
			return bs_error(BS_ENOTFOUND, "cannot read Windows export directory '%s': give the directory the "
					"collector wrote (docs/windows-export.md)", o.winexport);
		o.winexport = abs;
	}
	memset(&ctx, 0, sizeof(ctx));
	memset(&slot, 0, sizeof(slot));
	ctx.opts = opts;
	ctx.root = "";
	ctx.cur = &slot;
	if ((err = bs_rootfs_open_root(&ctx.fs, "")) < 0) {
		free(abs);
		return err;
	}
	r = bs_win_each(&ctx, BS_WIN_HOTFIX, hotfix_file, out);
	if (r == 0) {
		bs_win_where(&ctx, &where);
		err = bs_error(BS_ENOTFOUND, "the export holds no %s (%s): collect it with "
			       "scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)", "Get-HotFix JSON (hotfix.json)",
			       where.ptr);
		goto out;
	}
	if (r > 0)
		r = bs_win_each(&ctx, BS_WIN_OS, os_file, out);
	if (r == 0) {
		bs_win_where(&ctx, &where);
		err = bs_error(BS_ENOTFOUND, "the export holds no %s (%s): collect it with "
			       "scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)",
			       "Win32_OperatingSystem JSON (os.json)", where.ptr);
		goto out;
	}
	if (r < 0)
		err = bs_error(BS_EINVALID, "Windows export: %s", slot.reason ? slot.reason : "unreadable");
out:
	free(slot.reason);
	free(slot.reason_zh);
	bs_buf_release(&where);
	bs_rootfs_close(&ctx.fs);
	free(abs);
	if (err < 0)
		bs_scan_wininv_release(out);
	return err;
}
