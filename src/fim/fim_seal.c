/* fim_seal.c - what protects a baseline: the canonical digest of its entries, the host it
 * was made on, and printable paths (fim.h; docs/fim.md "Baseline protection"). */
#include <ctype.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "fim/fim.h"

int bs_fim_host_id(char out[65])
{
	static const char *const files[] = { "/etc/machine-id", "/var/lib/dbus/machine-id", NULL };
	const char *t = getenv("BROKERSEC_FIM_HOST_ID");

	/* tests play "another host" with it; never honoured outside a test run */
	if (t && *t && bs_testing()) {
		snprintf(out, 65, "%.64s", t);
		return 0;
	}
	for (int i = 0; files[i]; i++) {
		struct bs_buf b = BS_BUF_INIT;
		if (bs_buf_read_file(&b, files[i]) == 0 && b.len >= 32) {
			size_t l = strspn(b.ptr, "0123456789abcdef");
			if (l >= 32) {
				snprintf(out, 65, "%.*s", (int)(l > 64 ? 64 : l), b.ptr);
				bs_buf_release(&b);
				bs_error_clear();
				return 0;
			}
		}
		bs_buf_release(&b);
	}
	bs_error_clear();
	/* no machine id (a minimal container): the host name, which is at least stable */
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
		return bs_error(BS_ERR, "cannot tell which host this is: no /etc/machine-id and no host name "
				"(systemd-machine-id-setup makes one)");
	snprintf(out, 65, "host:%.59s", host);
	return 0;
}

/* "<len>:<bytes>" so that no path or target can fake a field boundary */
static void put_str(EVP_MD_CTX *c, const char *s)
{
	char len[24];
	size_t l = s ? strlen(s) : 0;
	snprintf(len, sizeof(len), "%zu:", l);
	EVP_DigestUpdate(c, len, strlen(len));
	if (l)
		EVP_DigestUpdate(c, s, l);
}

void bs_fim_tree_digest(const struct bs_fim_tree *t, char hex[65])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[32];
	static const char hx[] = "0123456789abcdef";

	if (!c)
		abort();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, "brokersec-fim-entries-v1\n", 25);
	for (size_t i = 0; i < t->n; i++) {
		const struct bs_fim_entry *e = &t->v[i];
		char num[256];
		put_str(c, e->path);
		snprintf(num, sizeof(num), "%c %u %u %u %u %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64 " %d %u", e->type,
			 e->attrs, e->mode, e->uid, e->gid, e->size, e->mtime_ns, e->ctime_ns, e->inode, e->entropy,
			 e->compressed);
		put_str(c, num);
		put_str(c, e->hash);
		put_str(c, e->xattrs);
		put_str(c, e->acl);
		put_str(c, e->link);
		put_str(c, e->err);
		EVP_DigestUpdate(c, "\n", 1);
	}
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = hx[md[i] >> 4];
		hex[2 * i + 1] = hx[md[i] & 15];
	}
	hex[64] = 0;
}

void bs_fim_path_text(const char *path, struct bs_buf *b)
{
	const unsigned char *p = (const unsigned char *)path;
	while (*p) {
		size_t n = 0;
		unsigned char c = *p;
		uint32_t cp = 0;
		if (c < 0x80)
			n = 1;
		else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 2, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 3, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 4, cp = c & 0x07;
		for (size_t k = 1; n > 1 && k < n; k++) {
			if ((p[k] & 0xc0) != 0x80) {
				n = 0;
				break;
			}
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
			n = 0;
		if (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
			n = 0;
		if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f || c == '\\'))) {
			if (c == '\\')
				bs_buf_puts(b, "\\\\");
			else
				bs_buf_printf(b, "\\x%02x", c);
			p++;
			continue;
		}
		bs_buf_put(b, p, n);
		p += n;
	}
}
