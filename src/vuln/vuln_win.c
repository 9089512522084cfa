/* vuln_win.c - Windows hosts (vuln.h; docs/vulnerabilities.md): the operating system of an
 * export mapped to the product name Microsoft's advisories use, the installed KBs as an
 * inventory, and the matching of that inventory against the MSRC rows (vuln_msrc.c): a CVE
 * listed for the product is open until a KB that fixes it, or one that supersedes such a KB
 * (through the chain, across every imported document), is installed. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "vuln/vuln.h"

int bs_vuln_kb_norm(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if ((s[0] == 'K' || s[0] == 'k') && (s[1] == 'B' || s[1] == 'b'))
		s += 2;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	/* KB numbers have six or seven digits (KB890830 ... KB5034123) */
	if (n < 6 || n > 8 || size < n + 3)
		return -1;
	for (const char *t = s + n; *t; t++)
		if (*t != ' ' && *t != '\t' && *t != '\r' && *t != '\n')
			return -1;
	snprintf(buf, size, "KB%.*s", (int)n, s);
	return 0;
}

/* The builds of Windows that MSRC's documents name, by build number (language-independent,
 * unlike Caption and OSArchitecture). client: the product stem before " for <arch>";
 * server: the product name as is (servers carry no architecture since 2012). */
static const struct winbuild {
	const char *build, *client, *server;
} builds[] = {
	{ "7601", "Windows 7", "Windows Server 2008 R2" },
	{ "9200", NULL, "Windows Server 2012" },
	{ "9600", "Windows 8.1", "Windows Server 2012 R2" },
	{ "10240", "Windows 10", NULL },
	{ "14393", "Windows 10 Version 1607", "Windows Server 2016" },
	{ "17763", "Windows 10 Version 1809", "Windows Server 2019" },
	{ "19041", "Windows 10 Version 2004", NULL },
	{ "19042", "Windows 10 Version 20H2", NULL },
	{ "19043", "Windows 10 Version 21H1", NULL },
	{ "19044", "Windows 10 Version 21H2", NULL },
	{ "19045", "Windows 10 Version 22H2", NULL },
	{ "20348", NULL, "Windows Server 2022" },
	{ "22000", "Windows 11 Version 21H2", NULL },
	{ "22621", "Windows 11 Version 22H2", NULL },
	{ "22631", "Windows 11 Version 23H2", NULL },
	{ "25398", NULL, "Windows Server 2022, 23H2 Edition" },
	{ "26100", "Windows 11 Version 24H2", "Windows Server 2025" },
	{ "26200", "Windows 11 Version 25H2", NULL },
};

static int contains_ci(const char *s, const char *what)
{
	size_t n = strlen(what);
	for (; s && *s; s++)
		if (!strncasecmp(s, what, n))
			return 1;
	return 0;
}

/* "x64", "32-bit", "ARM64" from PROCESSOR_ARCHITECTURE (AMD64, x86, ARM64), else from
 * OSArchitecture ("64-bit", "64 位元", "ARM 64-bit Processor", "32-bit"); NULL if neither. */
static const char *arch_of(const struct bs_vuln_winos *os)
{
	const char *p = os->proc_arch, *a = os->arch;
	if (p && *p) {
		if (!strcasecmp(p, "AMD64") || !strcasecmp(p, "x64"))
			return "x64";
		if (!strcasecmp(p, "ARM64"))
			return "ARM64";
		if (!strcasecmp(p, "x86"))
			return "32-bit";
	}
	if (a && contains_ci(a, "ARM"))
		return "ARM64";
	if (a && strstr(a, "64"))
		return "x64";
	if (a && strstr(a, "32"))
		return "32-bit";
	return NULL;
}

static void what_was_read(const struct bs_vuln_winos *os, struct bs_buf *b)
{
	bs_buf_printf(b, "Caption '%s', Version '%s', BuildNumber '%s', OSArchitecture '%s', DisplayVersion '%s', "
		      "InstallationType '%s'", os->caption ? os->caption : "", os->version ? os->version : "",
		      os->build ? os->build : "", os->arch ? os->arch : "", os->display ? os->display : "",
		      os->install_type ? os->install_type : "");
}

/* MSRC's name of the product into buf: 0, or BS_EINVALID naming what was read. */
static int product_name(const struct bs_vuln_winos *os, char *buf, size_t size)
{
	const struct winbuild *b = NULL;
	int server = contains_ci(os->caption, "Server") || (os->install_type && contains_ci(os->install_type, "Server"));
	int core = os->install_type && contains_ci(os->install_type, "Core");
	const char *arch = arch_of(os);
	struct bs_buf what = BS_BUF_INIT;
	int err;

	for (size_t i = 0; os->build && i < sizeof(builds) / sizeof(builds[0]); i++)
		if (!strcmp(os->build, builds[i].build))
			b = &builds[i];
	if (b && server && b->server) {
		if (!strcmp(b->build, "7601"))
			snprintf(buf, size, "Windows Server 2008 R2 for x64-based Systems Service Pack 1%s",
				 core ? " (Server Core installation)" : "");
		else if (!strcmp(b->build, "25398"))
			snprintf(buf, size, "%s (Server Core installation)", b->server); /* Core only */
		else
			snprintf(buf, size, "%s%s", b->server, core ? " (Server Core installation)" : "");
		return 0;
	}
	if (b && !server && b->client && arch) {
		if (!strcmp(b->build, "7601"))
			snprintf(buf, size, "Windows 7 for %s Service Pack 1",
				 !strcmp(arch, "32-bit") ? "32-bit Systems" : "x64-based Systems");
		else if (!strcmp(b->build, "9600"))
			snprintf(buf, size, "Windows 8.1 for %s", !strcmp(arch, "32-bit") ? "32-bit systems" : "x64-based systems");
		else
			snprintf(buf, size, "%s for %s%s", b->client, arch, !strcmp(arch, "32-bit") ? " Systems" : "-based Systems");
		return 0;
	}
	what_was_read(os, &what);
	if (b && !arch)
		err = bs_error(BS_EINVALID, "the export's operating system (%s) names no architecture brokersec knows "
			       "(64-bit, 32-bit, ARM64): cannot name its MSRC product", what.ptr);
	else
		err = bs_error(BS_EINVALID, "the export's operating system (%s) is not a Windows product brokersec can name "
			       "as Microsoft's advisories do (docs/vulnerabilities.md lists them): its updates cannot be "
			       "matched", what.ptr);
	bs_buf_release(&what);
	return err;
}

int bs_vuln_inv_windows(const struct bs_vuln_winos *os, const char *const *kbs, size_t nkbs, const char *origin,
			struct bs_vuln_inv *out)
{
	char product[96], kb[16];
	const char *arch;
	int err;
	(void)origin;

	if ((err = product_name(os, product, sizeof(product))) < 0)
		return err;
	arch = arch_of(os);
	snprintf(out->kind, sizeof(out->kind), "windows");
	snprintf(out->distro, sizeof(out->distro), "windows");
	snprintf(out->release, sizeof(out->release), "%s", product);
	{
		char ver[64];
		snprintf(ver, sizeof(ver), "%s", os->version && *os->version ? os->version : os->build ? os->build : "");
		bs_vuln_inv_add(out, product, ver, product, ver, arch ? arch : "", "windows", "");
	}
	for (size_t i = 0; i < nkbs; i++) {
		/* Get-HotFix lists "KB5034123"; a row that names no KB ("File 1", a
		 * Description-only entry of an old system) is not an update brokersec can match */
		if (bs_vuln_kb_norm(kbs[i], kb, sizeof(kb)) < 0)
			continue;
		int dup = 0;
		for (size_t k = 1; k < out->n && !dup; k++)
			dup = !strcmp(out->v[k].name, kb);
		if (!dup)
			bs_vuln_inv_add(out, kb, "", kb, "", "", "kb", "");
	}
	return 0;
}

/* --- matching --- */

/* The rows of the index whose ecosystem is eco and whose package is product (compared as
 * MSRC spells products inconsistently: "Windows 11 version 21H2", "Windows 8.1 for x64-based
 * systems"), appended to *out. */
static void rows_of(const struct bs_vuln_index *ix, const char *eco, const char *product,
		    const struct bs_vuln_adv ***out, size_t *n)
{
	size_t lo = 0, hi = ix->nkeys;
	/* the keys are sorted by (ecosystem, package): the first key of eco */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(ix->v[ix->keys[mid].first]->ecosystem, eco) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < ix->nkeys; k++) {
		const struct bs_vuln_adv *a = ix->v[ix->keys[k].first];
		if (strcmp(a->ecosystem, eco))
			break;
		if (strcasecmp(a->package, product))
			continue;
		*out = bs_realloc(*out, bs_size_mul(*n + ix->keys[k].n, sizeof(**out)));
		for (size_t j = 0; j < ix->keys[k].n; j++)
			(*out)[(*n)++] = ix->v[ix->keys[k].first + j];
	}
}

struct kbset {
	char **v;
	size_t n;
};

static int kb_has(const struct kbset *s, const char *kb)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcasecmp(s->v[i], kb))
			return 1;
	return 0;
}

static int cmp_fix(const void *x, const void *y)
{
	const struct bs_vuln_adv *a = *(const struct bs_vuln_adv *const *)x, *b = *(const struct bs_vuln_adv *const *)y;
	int r = strcmp(a->vuln_id, b->vuln_id);
	if (!r)
		r = strcmp(a->osv_id, b->osv_id);
	if (!r)
		r = strcmp(a->fixed ? a->fixed : "", b->fixed ? b->fixed : "");
	return r;
}

size_t bs_vuln_win_match(const struct bs_vuln_index *ix, const struct bs_vuln_inv *inv,
			 void (*fn)(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg), void *arg)
{
	const struct bs_vuln_pkg *prod = NULL;
	const struct bs_vuln_adv **fix = NULL, **sup = NULL;
	size_t nfix = 0, nsup = 0, hits = 0;
	struct kbset have = { NULL, 0 };

	for (size_t i = 0; i < inv->n && !prod; i++)
		if (!strcmp(inv->v[i].ecosystem, "windows"))
			prod = &inv->v[i];
	if (!prod)
		return 0;
	rows_of(ix, "msrc", prod->name, &fix, &nfix);
	if (!nfix)
		goto out;
	rows_of(ix, "msrc-supersedes", prod->name, &sup, &nsup);
	/* the installed KBs and, transitively, every KB they supersede */
	for (size_t i = 0; i < inv->n; i++)
		if (!strcmp(inv->v[i].ecosystem, "kb") && !kb_has(&have, inv->v[i].name)) {
			have.v = bs_realloc(have.v, bs_size_mul(have.n + 1, sizeof(*have.v)));
			have.v[have.n++] = inv->v[i].name;
		}
	for (size_t i = 0; i < have.n; i++) /* have grows as the chain is followed */
		for (size_t e = 0; e < nsup; e++)
			if (sup[e]->fixed && !strcasecmp(sup[e]->vuln_id, have.v[i]) && !kb_has(&have, sup[e]->fixed)) {
				have.v = bs_realloc(have.v, bs_size_mul(have.n + 1, sizeof(*have.v)));
				have.v[have.n++] = sup[e]->fixed;
			}
	/* per CVE, per document: fixed when one of the document's KBs is had; the CVE is
	 * affected while any document's fix is not */
	qsort(fix, nfix, sizeof(*fix), cmp_fix);
	for (size_t i = 0; i < nfix;) {
		size_t j = i;
		const struct bs_vuln_adv *last = NULL;
		int fixed = 0;
		while (j < nfix && !strcmp(fix[j]->vuln_id, fix[i]->vuln_id) && !strcmp(fix[j]->osv_id, fix[i]->osv_id)) {
			if (fix[j]->fixed && kb_has(&have, fix[j]->fixed))
				fixed = 1;
			last = fix[j];
			j++;
		}
		if (!fixed) {
			fn(prod, last, arg);
			hits++;
		}
		i = j;
	}
out:
	free(fix);
	free(sup);
	free(have.v);
	return hits;
}
