/* win_zip.c - the files of an uploaded Windows export bundle (POST /api/v1/scans), read from
 * the zip into memory with libzip: nothing is extracted to disk, so an entry's name is only a
 * label (still refused when it is absolute or climbs out, as an extractor would be led out of
 * its folder), and the sizes are counted as the entries inflate, not taken from the headers
 * (a zip bomb stops at the cap). */
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/utf8.h"
#include "scan/scan.h"

void bs_scan_files_free(struct bs_scan_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].data);
	}
	free(v);
}

/* The name as a message may show it: at most 200 bytes, controls, backslashes and (in a name
 * that is not UTF-8) every byte above 0x7f as \xNN. */
static void put_name(struct bs_buf *b, const char *name)
{
	int utf8 = bs_utf8_valid_text(name, strlen(name));
	size_t n = 0;
	for (const unsigned char *u = (const unsigned char *)name; *u && n < 200; u++, n++) {
		if (*u < 0x20 || *u == 0x7f || *u == '\\' || (!utf8 && *u > 0x7f))
			bs_buf_printf(b, "\\x%02x", *u);
		else
			bs_buf_putc(b, (char)*u);
	}
	if (strlen(name) > 200)
		bs_buf_puts(b, "...");
}

/* A name that would leave the folder it is extracted into, or that is not text: refused
 * (BS_EINVALID, the message naming it), else 0. */
static int check_name(const char *name)
{
	struct bs_buf b = BS_BUF_INIT;
	const char *p = name;
	int err = 0, dotdot = 0;

	while (*p) {
		size_t l = strcspn(p, "/");
		dotdot |= l == 2 && p[0] == '.' && p[1] == '.';
		p += l;
		if (*p)
			p++;
	}
	put_name(&b, name);
	if (!*name)
		err = bs_error(BS_EINVALID, "the bundle has an entry with an empty name: make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)");
	else if (name[0] == '/' || (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':'))
		err = bs_error(BS_EINVALID, "the bundle's entry '%s' is an absolute path: make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)", b.ptr);
	else if (strchr(name, '\\'))
		err = bs_error(BS_EINVALID, "the bundle's entry '%s' has a backslash (paths inside a zip are written with "
			       "'/'): make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)", b.ptr);
	else if (dotdot)
		err = bs_error(BS_EINVALID, "the bundle's entry '%s' has '..' (zip-slip: it climbs out of the folder): make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)",
			       b.ptr);
	else if (!bs_utf8_valid_text(name, strlen(name)))
		err = bs_error(BS_EINVALID, "the bundle's entry '%s' has a name that is not UTF-8 text: make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)", b.ptr);
	bs_buf_release(&b);
	return err;
}

static int refuse_entry(const char *name, const char *why)
{
	struct bs_buf b = BS_BUF_INIT;
	put_name(&b, name);
	int err = bs_error(BS_EINVALID, "the bundle's entry '%s' is damaged (%s): make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)", b.ptr, why);
	bs_buf_release(&b);
	return err;
}

int bs_scan_winzip_read(const void *zip, size_t len, struct bs_scan_file **out, size_t *n)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	struct bs_scan_file *v = NULL;
	size_t nv = 0, total = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!len)
		return bs_error(BS_EINVALID, "the bundle is empty: send the zip the collector made "
				"(Content-Type: application/zip, docs/windows-export.md)");
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(zip, len, 0, &ze))) {
		err = bs_error(BS_ERR, "cannot read the bundle: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return err;
	}
	if (!(za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
		err = bs_error(BS_EINVALID, "the bundle is not a readable zip (%s): send the zip the collector made, "
			       "whole (docs/windows-export.md)", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return err;
	}
	zip_error_fini(&ze);
	zip_int64_t ne = zip_get_num_entries(za, 0);
	if (ne < 0 || ne > BS_WINZIP_ENTRIES) {
		err = bs_error(BS_EINVALID, "the bundle has %lld entries, more than the %d an export has: send only the "
			       "collector's files", (long long)ne, BS_WINZIP_ENTRIES);
		goto done;
	}
	if (ne == 0) {
		err = bs_error(BS_EINVALID, "the bundle is a zip without any file: run the collector again "
			       "(docs/windows-export.md)");
		goto done;
	}
	for (zip_int64_t i = 0; i < ne && !err; i++) {
		zip_stat_t zs;
		const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);

		if (!name) {
			err = refuse_entry("?", zip_strerror(za));
			break;
		}
		if ((err = check_name(name)) < 0)
			break;
		if (name[strlen(name) - 1] == '/')
			continue; /* a folder */
		zip_stat_init(&zs);
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) < 0) {
			err = refuse_entry(name, zip_strerror(za));
			break;
		}
		if ((zs.valid & ZIP_STAT_ENCRYPTION_METHOD) && zs.encryption_method != ZIP_EM_NONE) {
			struct bs_buf b = BS_BUF_INIT;
			put_name(&b, name);
			err = bs_error(BS_EINVALID, "the bundle's entry '%s' is encrypted: the collector never encrypts, send "
				       "the bundle without a password", b.ptr);
			bs_buf_release(&b);
			break;
		}
		if ((zs.valid & ZIP_STAT_COMP_METHOD) && zs.comp_method != ZIP_CM_STORE && zs.comp_method != ZIP_CM_DEFLATE) {
			struct bs_buf b = BS_BUF_INIT;
			put_name(&b, name);
			err = bs_error(BS_EINVALID, "the bundle's entry '%s' is compressed with a method other than deflate "
				       "or store: make the bundle again with scripts/windows/brokersec-collect.ps1 (docs/windows-export.md)", b.ptr);
			bs_buf_release(&b);
			break;
		}
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		if (!zf) {
			err = refuse_entry(name, zip_strerror(za));
			break;
		}
		struct bs_buf b = BS_BUF_INIT;
		char tmp[16384];
		zip_int64_t got;
		while ((got = zip_fread(zf, tmp, sizeof(tmp))) > 0) {
			if (b.len + (size_t)got > BS_WINZIP_FILE_MAX) {
				err = bs_error(BS_EINVALID, "the bundle's entry '%.200s' inflates to more than %d bytes, more than "
					       "any export (a zip bomb?): send the collector's files only", name,
					       BS_WINZIP_FILE_MAX); /* a checked name: UTF-8, no controls */
				break;
			}
			if (total + (size_t)got > BS_WINZIP_TOTAL_MAX) {
				err = bs_error(BS_EINVALID, "the bundle inflates to more than %d bytes in all (at entry '%.200s'): "
					       "more than an export (a zip bomb?): send the collector's files only",
					       BS_WINZIP_TOTAL_MAX, name);
				break;
			}
			bs_buf_put(&b, tmp, (size_t)got);
			total += (size_t)got;
		}
		if (!err && got < 0)
			err = refuse_entry(name, zip_file_strerror(zf));
		zip_fclose(zf);
		if (err) {
			bs_buf_release(&b);
			break;
		}
		v = bs_realloc(v, bs_size_mul(nv + 1, sizeof(*v)));
		v[nv].name = bs_strdup(name);
		v[nv].len = b.len;
		v[nv].data = bs_buf_detach(&b, NULL);
		nv++;
	}
	if (!err && !nv)
		err = bs_error(BS_EINVALID, "the bundle holds folders but no file: run the collector again "
			       "(docs/windows-export.md)");
done:
	zip_discard(za); /* frees src too */
	if (err) {
		bs_scan_files_free(v, nv);
		return err;
	}
	*out = v;
	*n = nv;
	return 0;
}
