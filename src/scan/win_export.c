/* win_export.c - reading what Windows tools export: the encoding is recognised from the
 * bytes (UTF-16LE/BE with BOM, UTF-16LE without, UTF-8 with or without BOM, else Big5 as a
 * zh-TW console writes it) and converted to UTF-8 with iconv(3); the kind of export is
 * recognised from the content, never from the file name. */
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "scan/probe.h"
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

enum bs_win_kind bs_win_recognise(const char *text)
{
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bs_win_each(struct bs_probe_ctx *ctx, enum bs_win_kind want,
		int (*fn)(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg), void *arg)
{
	const char *dir = bs_probe_winexport(ctx);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int found = 0, r = 0;

	if (!d)
		return bs_probe_fail(ctx, "cannot read the export directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = bs_realloc(names, bs_size_mul(n + 1, sizeof(*names)));
		struct bs_buf p = BS_BUF_INIT;
		bs_buf_printf(&p, "%s/%s", dir, de->d_name);
		names[n++] = bs_buf_detach(&p, NULL);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct bs_buf raw = BS_BUF_INIT, text = BS_BUF_INIT;
		const char *enc = "?";
		if (bs_probe_read(ctx, names[i], &raw) < 0) {
			bs_error_clear();
			goto next;
		}
		if (bs_win_decode(raw.ptr, raw.len, &text, &enc) < 0) {
			/* Undecodable: only an error when the bytes look like the wanted export. */
			if ((raw.len >= 2 && (unsigned char)raw.ptr[0] == 0xff && (unsigned char)raw.ptr[1] == 0xfe))
				r = bs_probe_fail(ctx, "'%s' starts with a UTF-16LE byte order mark but is not valid "
						  "UTF-16 (truncated?): export it again (docs/windows-export.md)", names[i]);
			goto next;
		}
		if (bs_win_recognise(text.ptr) != want)
			goto next;
		found = 1;
		r = fn(ctx, names[i], &text, arg);
next:
		bs_buf_release(&raw);
		bs_buf_release(&text);
	}
	bs_probe_strv_free(names, n);
	if (r < 0)
		return r;
	return found;
}
