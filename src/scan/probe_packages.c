/* probe_packages.c - installed packages (dpkg status), packages for services that should
 * not run on a broker's server (telnet, rsh, tftp, NIS ...), and pending security updates:
 * installed versions older than those in the apt lists of a security suite (compared the
 * way dpkg compares versions, src/vuln/version.h), the lists read whether apt keeps them
 * plain or compressed (.gz, .xz, .lz4: Acquire::GzipIndexes, Debian's default lz4), each
 * pending update named (package, installed version, the security suite's version). Also the installed packages of interest to other checks
 * (anti-malware, rootkit scanners, IDS/IPS, file integrity, auditd), and the dpkg reader the
 * probes share (bs_dpkg_load, over src/vuln/dpkg.c's reader). */
#include <lz4frame.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "scan/probe.h"
#include "vuln/version.h"

static const char *const unwanted[] = { "telnetd", "inetutils-telnetd", "telnetd-ssl", "rsh-server",
					 "rsh-redone-server", "nis", "tftpd", "tftpd-hpa", "atftpd", "talkd",
					 "inetutils-talkd", "xinetd", "rlinetd", "ypserv", NULL };

int bs_dpkg_load(struct bs_probe_ctx *ctx, struct bs_dpkg *out)
{
	struct bs_buf b = BS_BUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = bs_probe_read(ctx, BS_DPKG_STATUS, &b)) < 0) {
		bs_buf_release(&b);
		return r == BS_ENOTFOUND ? BS_ENOTFOUND : BS_ERR;
	}
	r = bs_dpkg_parse(b.ptr ? b.ptr : (char *)"", b.len, BS_DPKG_STATUS, out); /* the one reader: src/vuln/dpkg.c */
	bs_buf_release(&b);
	return r < 0 ? BS_ERR : 0;
}

/* Packages of interest, each reported as a fact "packages.<fact>" (subject: the package,
 * value: its version) when installed. */
static const struct {
	const char *fact;
	const char *const *names;
} interest[] = {
	/* ClamAV (clamscan, clamd) and the Linux agents of commercial anti-malware products
	 * (Lynis MALW-3280 looks for their running daemons instead). */
	{ "antivirus", (const char *const[]){ "clamav", "clamav-daemon", "mdatp", "falcon-sensor", "kesl",
					     "klnagent64", "eset-endpoint-antivirus", "efs", "esets",
					     "sophos-spl", "savinstpkg", "bitdefender-security-tools",
					     "mcafeetp", "ds-agent", "sentinelagent", "cylance-protect", "sdcss",
					     "avast", "avira-antivirus", NULL } },
	{ "rootkit_scanner", (const char *const[]){ "rkhunter", "chkrootkit", "unhide", NULL } },
	/* intrusion detection / prevention; fail2ban blocks sources after failed logins */
	{ "ids", (const char *const[]){ "suricata", "snort", "ossec-hids", "ossec-hids-agent", "ossec-hids-server",
				       "wazuh-agent", "wazuh-manager", "fail2ban", "crowdsec", "sagan", "zeek", NULL } },
	/* file integrity checkers */
	{ "integrity", (const char *const[]){ "aide", "tripwire", "samhain", "osquery", "integrit", "afick", NULL } },
	{ "auditd", (const char *const[]){ "auditd", NULL } },
};

/* apt's lists as apt keeps them: plain, or compressed by the suffix (Acquire::GzipIndexes
 * and Acquire::CompressionTypes::Order: .gz, .xz, .lz4 -- Debian's apt stores lz4 by
 * default). The text is at most UNPACK_MAX bytes once unpacked. */
#define UNPACK_MAX (256u << 20)

static int unpack_gz(const char *path, const struct bs_buf *in, struct bs_buf *out)
{
	z_stream z;
	int r = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* gzip framing */
		return bs_error(BS_ERR, "cannot unpack '%s': %s could not start", path, "zlib");
	z.next_in = (unsigned char *)in->ptr;
	z.avail_in = (uInt)in->len;
	while (z.avail_in > 0 || r != Z_STREAM_END) {
		if (r == Z_STREAM_END) /* another gzip member follows */
			inflateReset(&z);
		bs_buf_grow(out, 1 << 18);
		z.next_out = (unsigned char *)out->ptr + out->len;
		z.avail_out = 1 << 18;
		r = inflate(&z, Z_NO_FLUSH);
		out->len += (1 << 18) - z.avail_out;
		out->ptr[out->len] = '\0';
		if (r != Z_OK && r != Z_STREAM_END) {
			inflateEnd(&z);
			return bs_error(BS_ERR, "cannot unpack '%s': damaged %s data (%s): run apt-get update", path, "gzip",
					z.msg ? z.msg : "truncated");
		}
		if (r == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			inflateEnd(&z);
			return bs_error(BS_ERR, "cannot unpack '%s': damaged %s data (%s): run apt-get update", path, "gzip",
					"truncated");
		}
		if (out->len > UNPACK_MAX) {
			inflateEnd(&z);
			return bs_error(BS_ERR, "cannot unpack '%s': more than %u MiB unpacked: not read", path,
					UNPACK_MAX >> 20);
		}
	}
	inflateEnd(&z);
	return 0;
}

static int unpack_xz(const char *path, const struct bs_buf *in, struct bs_buf *out)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret r;

	if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return bs_error(BS_ERR, "cannot unpack '%s': %s could not start", path, "liblzma");
	z.next_in = (const uint8_t *)in->ptr;
	z.avail_in = in->len;
	do {
		bs_buf_grow(out, 1 << 18);
		z.next_out = (uint8_t *)out->ptr + out->len;
		z.avail_out = 1 << 18;
		r = lzma_code(&z, z.avail_in ? LZMA_RUN : LZMA_FINISH);
		out->len += (1 << 18) - z.avail_out;
		out->ptr[out->len] = '\0';
		if (out->len > UNPACK_MAX) {
			lzma_end(&z);
			return bs_error(BS_ERR, "cannot unpack '%s': more than %u MiB unpacked: not read", path,
					UNPACK_MAX >> 20);
		}
	} while (r == LZMA_OK);
	lzma_end(&z);
	if (r != LZMA_STREAM_END)
		return bs_error(BS_ERR, "cannot unpack '%s': damaged %s data (%s): run apt-get update", path, "xz",
				r == LZMA_BUF_ERROR ? "truncated" : r == LZMA_FORMAT_ERROR ? "not xz" : "corrupt");
	return 0;
}

static int unpack_lz4(const char *path, const struct bs_buf *in, struct bs_buf *out)
{
	LZ4F_dctx *d;
	size_t pos = 0, hint = 1;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return bs_error(BS_ERR, "cannot unpack '%s': %s could not start", path, "liblz4");
	while (pos < in->len) { /* frames one after another, as lz4 -c writes them */
		size_t src = in->len - pos, dst = 1 << 18;
		bs_buf_grow(out, dst);
		hint = LZ4F_decompress(d, out->ptr + out->len, &dst, in->ptr + pos, &src, NULL);
		if (LZ4F_isError(hint)) {
			int e = bs_error(BS_ERR, "cannot unpack '%s': damaged %s data (%s): run apt-get update", path, "lz4",
					 LZ4F_getErrorName(hint));
			LZ4F_freeDecompressionContext(d);
			return e;
		}
		pos += src;
		out->len += dst;
		out->ptr[out->len] = '\0';
		if (out->len > UNPACK_MAX) {
			LZ4F_freeDecompressionContext(d);
			return bs_error(BS_ERR, "cannot unpack '%s': more than %u MiB unpacked: not read", path,
					UNPACK_MAX >> 20);
		}
		if (!src && !dst)
			break;
	}
	LZ4F_freeDecompressionContext(d);
	if (hint != 0)
		return bs_error(BS_ERR, "cannot unpack '%s': damaged %s data (%s): run apt-get update", path, "lz4",
				"truncated");
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Reads apt list path into out, unpacked: 0 or an error (message set). */
static int read_list(struct bs_probe_ctx *ctx, const char *path, struct bs_buf *out)
{
	struct bs_buf raw = BS_BUF_INIT;
	int r;

	if (!ends_with(path, ".gz") && !ends_with(path, ".xz") && !ends_with(path, ".lz4"))
		return bs_probe_read(ctx, path, out);
	if ((r = bs_probe_read(ctx, path, &raw)) == 0) {
		if (ends_with(path, ".gz"))
			r = unpack_gz(path, &raw, out);
		else if (ends_with(path, ".xz"))
			r = unpack_xz(path, &raw, out);
		else
			r = unpack_lz4(path, &raw, out);
	}
	bs_buf_release(&raw);
	if (!r && memchr(out->ptr, '\0', out->len))
		r = bs_error(BS_EINVALID, "'%s' is not an apt package list (it holds binary data): run apt-get update",
			     path);
	return r;
}

/* A pending security update: the newest version of an installed package that the security
 * suite's lists offer, when it is newer than the installed one. */
struct pending {
	char *name, *installed, *candidate, *list, *suite;
	int line;
};

struct upd {
	const struct bs_dpkg *installed;
	const char *list, *suite;
	struct pending *v;
	size_t n, cap;
};

static void check_update(const struct bs_deb_stanza *s, void *arg)
{
	struct upd *u = arg;
	const char *name = s->package, *ver = s->version;
	int line = s->line;
	const struct bs_dpkg_pkg *hit = bs_dpkg_find(u->installed, name);
	if (!hit || bs_version_cmp(hit->version, ver) >= 0)
		return;
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->v[i].name, name)) {
			if (bs_version_cmp(u->v[i].candidate, ver) < 0) {
				free(u->v[i].candidate);
				free(u->v[i].list);
				free(u->v[i].suite);
				u->v[i].candidate = bs_strdup(ver);
				u->v[i].list = bs_strdup(u->list);
				u->v[i].suite = bs_strdup(u->suite);
				u->v[i].line = line;
			}
			return;
		}
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 32;
		u->v = bs_realloc(u->v, bs_size_mul(u->cap, sizeof(*u->v)));
	}
	u->v[u->n] = (struct pending){ bs_strdup(name), bs_strdup(hit->version), bs_strdup(ver), bs_strdup(u->list),
				       bs_strdup(u->suite), line };
	u->n++;
}

static int cmp_pending(const void *a, const void *b)
{
	return strcmp(((const struct pending *)a)->name, ((const struct pending *)b)->name);
}

/* The suite of an apt list file name ("..._dists_bookworm-security_main_binary-amd64_Packages.lz4"
 * -> "bookworm-security"), in buf; "security" when the name has no _dists_ part. */
static const char *list_suite(const char *path, char *buf, size_t size)
{
	const char *d = strstr(path, "_dists_");
	if (!d) {
		snprintf(buf, size, "security");
		return buf;
	}
	d += 7;
	snprintf(buf, size, "%.*s", (int)strcspn(d, "_"), d);
	return buf;
}

/* Security lists: every *security*_Packages list in any form; where apt holds one list both
 * plain and compressed, the plain one is read once. */
static void security_updates(struct bs_probe_ctx *ctx, const struct bs_dpkg *p)
{
	static const char *const forms[] = { "", ".gz", ".xz", ".lz4" };
	struct upd u = { p, NULL, NULL, NULL, 0, 0 };
	struct bs_buf b = BS_BUF_INIT;
	size_t nlists = 0;

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		char pat[128], **lists;
		snprintf(pat, sizeof(pat), "/var/lib/apt/lists/*security*_Packages%s", forms[f]);
		size_t nl = bs_probe_glob(ctx, pat, &lists);
		for (size_t i = 0; i < nl; i++) {
			char plain[4096], suite[128];
			int r;
			/* the same list kept twice (a plain copy beside the compressed one) counts once */
			if (f && snprintf(plain, sizeof(plain), "%.*s", (int)(strlen(lists[i]) - strlen(forms[f])),
					  lists[i]) < (int)sizeof(plain) &&
			    bs_probe_exists(ctx, plain))
				continue;
			nlists++;
			bs_buf_clear(&b);
			if ((r = read_list(ctx, lists[i], &b)) < 0) {
				bs_probe_read_error(ctx, r == BS_ENOTFOUND ? BS_ERR : r);
				continue;
			}
			u.list = lists[i];
			u.suite = list_suite(lists[i], suite, sizeof(suite));
			bs_deb822_each(b.ptr ? b.ptr : (char *)"", b.len, check_update, &u);
			u.list = u.suite = NULL;
		}
		bs_probe_strv_free(lists, nl);
	}
	bs_fact_addf(ctx, "packages.security_lists", NULL, "/var/lib/apt/lists", 0, "%zu", nlists);
	if (u.n)
		qsort(u.v, u.n, sizeof(*u.v), cmp_pending);
	for (size_t i = 0; i < u.n; i++) {
		bs_fact_addf(ctx, "packages.security_update", u.v[i].name, u.v[i].list, u.v[i].line,
			     "installed %s, security update %s (%s)", u.v[i].installed, u.v[i].candidate, u.v[i].suite);
		free(u.v[i].name);
		free(u.v[i].installed);
		free(u.v[i].candidate);
		free(u.v[i].list);
		free(u.v[i].suite);
	}
	free(u.v);
	bs_buf_release(&b);
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_dpkg p;
	int r;

	if ((r = bs_dpkg_load(ctx, &p)) < 0) {
		bs_dpkg_release(&p);
		if (r == BS_ENOTFOUND)
			/* NEEDSWORK: RPM hosts (rpmdb.sqlite) are not read yet. */
			return bs_probe_na(ctx, "沒有 dpkg 資料庫（%s）：不是 Debian 系主機", "no dpkg database (%s): not a Debian-family host", BS_DPKG_STATUS);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	bs_fact_addf(ctx, "packages.installed", NULL, BS_DPKG_STATUS, 0, "%zu", p.n);
	for (size_t i = 0; i < p.n; i++)
		for (int k = 0; unwanted[k]; k++)
			if (!strcmp(p.v[i].name, unwanted[k]))
				bs_fact_add(ctx, "packages.unwanted", p.v[i].name, p.v[i].version, BS_DPKG_STATUS,
					    p.v[i].line);
	for (size_t k = 0; k < sizeof(interest) / sizeof(interest[0]); k++) {
		char fact[64];
		snprintf(fact, sizeof(fact), "packages.%s", interest[k].fact);
		for (int j = 0; interest[k].names[j]; j++) {
			const struct bs_dpkg_pkg *hit = bs_dpkg_find(&p, interest[k].names[j]);
			if (hit)
				bs_fact_add(ctx, fact, hit->name, hit->version, BS_DPKG_STATUS, hit->line);
		}
	}
	if (bs_probe_exists(ctx, "/usr/bin/unattended-upgrade"))
		bs_fact_add(ctx, "packages.auto_updates", "unattended-upgrades", "installed", "/usr/bin/unattended-upgrade", 0);

	security_updates(ctx, &p);
	bs_dpkg_release(&p);
	return 0;
}

const struct bs_probe bs_probe_packages = { "packages", 0, run };
