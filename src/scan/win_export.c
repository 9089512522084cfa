/* win_export.c - reading what Windows tools export: the encoding is recognised from the
 * bytes (UTF-16LE/BE with BOM, UTF-16LE without, UTF-8 with or without BOM, else Big5 as a
 * zh-TW console writes it) and converted to UTF-8 with iconv(3); the kind of export is
 * recognised from the content, never from the file name. */
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/utf8.h"
#include "scan/probe.h"
#include "scan/probe_ctx.h" /* the scan's options: the export directory or an uploaded bundle's files */
#include "scan/scan.h"
#include "scan/win_export.h"

static int convert(const char *from, const char *in, size_t len, struct bs_buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char *ip = (char *)in;
	size_t il = len;

	if (cd == (iconv_t)-1)
		return -1;
	while (il) {
		char tmp[4096], *op = tmp;
		size_t ol = sizeof(tmp);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		bs_buf_put(out, tmp, sizeof(tmp) - ol);
		if (r == (size_t)-1 && errno != E2BIG) {
			iconv_close(cd);
			return -1;
		}
	}
	iconv_close(cd);
	return 0;
}

int bs_win_decode(const char *raw, size_t len, struct bs_buf *out, const char **encoding)
{
	const unsigned char *u = (const unsigned char *)raw;

	if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
		*encoding = "UTF-16LE";
		if ((len - 2) % 2)
			return -1;
		return convert("UTF-16LE", raw + 2, len - 2, out);
	}
	if (len >= 2 && u[0] == 0xfe && u[1] == 0xff) {
		*encoding = "UTF-16BE";
		if ((len - 2) % 2)
			return -1;
		return convert("UTF-16BE", raw + 2, len - 2, out);
	}
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		raw += 3;
		len -= 3;
	}
	if (len >= 4 && u[1] == 0 && u[3] == 0 && u[0] && u[2]) {
		*encoding = "UTF-16LE";
		if (len % 2)
			return -1;
		return convert("UTF-16LE", raw, len, out);
	}
	if (bs_utf8_valid_text(raw, len)) {
		*encoding = "UTF-8";
		bs_buf_put(out, raw, len);
		return 0;
	}
	*encoding = "Big5";
	return convert("BIG5", raw, len, out);
}

const char *bs_win_kind_name(enum bs_win_kind k)
{
	static const char *const names[BS_WIN_KINDS] = {
		"not an export", "secedit export", "auditpol CSV", "net accounts output", "Get-MpComputerStatus JSON",
		"Get-MpPreference JSON", "Get-BitLockerVolume JSON", "Get-NetFirewallProfile JSON", "Get-HotFix JSON",
		"Office macro policy JSON", "Win32_OperatingSystem JSON",
	};
	return (unsigned)k < BS_WIN_KINDS ? names[k] : "?";
}

/* PowerShell's ConvertTo-Json: an object or an array of them, recognised by the member names
 * only its cmdlet writes. */
static enum bs_win_kind recognise_json(const char *text)
{
	if (strstr(text, "\"AntivirusSignatureAge\"") || strstr(text, "\"AMServiceEnabled\""))
		return BS_WIN_DEFENDER;
	if (strstr(text, "\"EnableControlledFolderAccess\""))
		return BS_WIN_MPPREF;
	if (strstr(text, "\"ProtectionStatus\"") && strstr(text, "\"MountPoint\""))
		return BS_WIN_BITLOCKER;
	if (strstr(text, "\"DefaultInboundAction\""))
		return BS_WIN_FIREWALL;
	if (strstr(text, "\"HotFixID\""))
		return BS_WIN_HOTFIX;
	if (strstr(text, "\"OfficeMacroPolicy\""))
		return BS_WIN_OFFICE;
	if (strstr(text, "\"BuildNumber\"") && strstr(text, "\"OSArchitecture\""))
		return BS_WIN_OS;
	return BS_WIN_UNKNOWN;
}

enum bs_win_kind bs_win_recognise(const char *text)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p == '{' || *p == '[') { /* JSON, or an INF's first [section] */
		enum bs_win_kind k = recognise_json(p);
		if (k != BS_WIN_UNKNOWN)
			return k;
	}
	if (strstr(text, "[System Access]") || strstr(text, "$CHICAGO$"))
		return BS_WIN_SECEDIT;
	if (strstr(text, "{0CCE") || strstr(text, "{0cce"))
		return BS_WIN_AUDITPOL;
	/* net accounts: its 9 "label:   value" lines, whatever the language; the role value
	 * (WORKSTATION, SERVER, PRIMARY, BACKUP) is not translated. */
	if ((strstr(text, "WORKSTATION") || strstr(text, "SERVER") || strstr(text, "PRIMARY") ||
	     strstr(text, "BACKUP")) && bs_win_netaccounts_lines(text, NULL) >= 9)
		return BS_WIN_NETACCOUNTS;
	return BS_WIN_UNKNOWN;
}

int bs_win_netaccounts_lines(const char *text, char *values[9])
{
	int n = 0;
	const char *p = text;

	while (*p && n < 9) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *colon = NULL;
		for (size_t i = 0; i < len; i++)
			if (p[i] == ':')
				colon = p + i;
		/* a value column: the last ':' followed by at least two spaces */
		if (colon && colon[1] == ' ' && colon + 2 < p + len && colon[2] == ' ') {
			if (values) {
				char *v = bs_strndup(colon + 1, (size_t)(p + len - colon - 1));
				values[n] = bs_strdup(bs_text_trim(v));
				free(v);
			}
			n++;
		}
		p = nl ? nl + 1 : p + len;
	}
	return n;
}

/* One file of the export: where it is (shown in messages and evidence) and its bytes. */
struct win_file {
	char *path;
	const char *data; /* the bundle's bytes, or raw's */
	size_t len;
	struct bs_buf raw;
	int unreadable;   /* raw holds the reason it could not be read */
};

struct win_files {
	struct win_file *v;
	size_t n;
	int more;         /* the walk stopped at WALK_MAX files */
};

#define WALK_MAX 256
#define WALK_DEPTH 3

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct win_file *)a)->path, ((const struct win_file *)b)->path);
}

static void walk(struct bs_probe_ctx *ctx, const char *dir, int depth, struct win_files *fs)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (fs->n == WALK_MAX) {
			fs->more = 1;
			break;
		}
		struct bs_buf p = BS_BUF_INIT;
		bs_buf_printf(&p, "%s/%s", dir, de->d_name);
		/* links are not followed into folders (a loop), files behind them are read */
		if (lstat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth < WALK_DEPTH)
				walk(ctx, p.ptr, depth + 1, fs);
			bs_buf_release(&p);
			continue;
		}
		fs->v = bs_realloc(fs->v, bs_size_mul(fs->n + 1, sizeof(*fs->v)));
		struct win_file *f = &fs->v[fs->n++];
		memset(f, 0, sizeof(*f));
		f->path = bs_buf_detach(&p, NULL);
		bs_buf_init(&f->raw);
		if (bs_probe_read(ctx, f->path, &f->raw) < 0) {
			bs_buf_clear(&f->raw);
			bs_buf_puts(&f->raw, bs_error_message());
			bs_error_clear();
			f->unreadable = 1;
		}
		f->data = f->raw.ptr;
		f->len = f->raw.len;
	}
	closedir(d);
}

static void files_load(struct bs_probe_ctx *ctx, struct win_files *fs)
{
	const struct bs_scan_opts *o = ctx->opts;

	memset(fs, 0, sizeof(*fs));
	if (o->winfiles) {
		fs->v = bs_calloc(o->nwinfiles ? o->nwinfiles : 1, sizeof(*fs->v));
		for (size_t i = 0; i < o->nwinfiles; i++) {
			struct bs_buf p = BS_BUF_INIT;
			bs_buf_printf(&p, "%s/%s", o->winexport, o->winfiles[i].name);
			fs->v[i].path = bs_buf_detach(&p, NULL);
			bs_buf_init(&fs->v[i].raw);
			fs->v[i].data = o->winfiles[i].data;
			fs->v[i].len = o->winfiles[i].len;
		}
		fs->n = o->nwinfiles;
	} else {
		walk(ctx, o->winexport, 1, fs);
	}
	if (fs->n)
		qsort(fs->v, fs->n, sizeof(*fs->v), cmp_file);
}

static void files_free(struct win_files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		bs_buf_release(&fs->v[i].raw);
	}
	free(fs->v);
}

/* Decodes f into text and recognises it. When the bytes cannot be decoded, *damaged says why
 * and the kind is that of the part that could be (a truncated file keeps its kind). */
static enum bs_win_kind classify(const struct win_file *f, struct bs_buf *text, const char **damaged)
{
	const unsigned char *u = (const unsigned char *)f->data;
	const char *enc = "?";

	*damaged = NULL;
	if (f->unreadable) {
		*damaged = f->raw.ptr;
		return BS_WIN_UNKNOWN;
	}
	if (bs_win_decode(f->data, f->len, text, &enc) == 0) {
		bs_buf_putc(text, '\0');
		text->len--;
		return bs_win_recognise(text->ptr);
	}
	bs_buf_clear(text);
	int bom = f->len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff));
	if (!strncmp(enc, "UTF-16", 6)) {
		size_t off = bom ? 2 : 0, even = (f->len - off) & ~(size_t)1;
		*damaged = f->len % 2 ? "is not valid UTF-16 (an odd number of bytes: truncated?)"
				      : "is not valid UTF-16 (truncated or damaged?)";
		(void)convert(enc, f->data + off, even, text); /* the part before the damage */
		bs_buf_putc(text, '\0');
		text->len--;
		return bs_win_recognise(text->ptr);
	}
	/* neither UTF-8 nor Big5: not text (a picture, a zip inside the folder) */
	return BS_WIN_UNKNOWN;
}

int bs_win_each(struct bs_probe_ctx *ctx, enum bs_win_kind want,
		int (*fn)(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg), void *arg)
{
	struct win_files fs;
	int found = 0, r = 0;

	files_load(ctx, &fs);
	for (size_t i = 0; i < fs.n && r >= 0; i++) {
		struct bs_buf text = BS_BUF_INIT;
		const char *damaged;
		enum bs_win_kind k = classify(&fs.v[i], &text, &damaged);
		if (k == want && damaged) {
			r = bs_probe_fail(ctx, "'%s' (%s) %s: export it again (docs/windows-export.md)",
					  fs.v[i].path, bs_win_kind_name(k), damaged);
		} else if (k == want) {
			found = 1;
			r = fn(ctx, fs.v[i].path, &text, arg);
		}
		bs_buf_release(&text);
	}
	files_free(&fs);
	if (r < 0)
		return r;
	return found;
}

void bs_win_where(struct bs_probe_ctx *ctx, struct bs_buf *out)
{
	struct win_files fs;
	const struct bs_scan_opts *o = ctx->opts;

	files_load(ctx, &fs);
	if (o->winfiles)
		bs_buf_printf(out, "read the uploaded bundle '%s'", o->winexport);
	else
		bs_buf_printf(out, "searched '%s' and its subfolders (%d levels)", o->winexport, WALK_DEPTH);
	if (!fs.n)
		bs_buf_puts(out, ": it holds no file");
	for (size_t i = 0; i < fs.n && i < 12; i++) {
		struct bs_buf text = BS_BUF_INIT;
		const char *damaged;
		enum bs_win_kind k = classify(&fs.v[i], &text, &damaged);
		bs_buf_printf(out, "%s'%s' (%s%s%s)", i ? ", " : ": found ", fs.v[i].path,
			      k == BS_WIN_UNKNOWN && damaged ? "unreadable" : bs_win_kind_name(k), damaged ? ": " : "",
			      damaged ? damaged : "");
		bs_buf_release(&text);
	}
	if (fs.n > 12 || fs.more)
		bs_buf_printf(out, " and %s more", fs.more ? "many" : "some");
	files_free(&fs);
}
