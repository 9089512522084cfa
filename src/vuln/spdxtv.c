/* spdxtv.c - SPDX 2.x tag-value SBOMs (vuln.h; SPDX 2.3 specification, clause 5 "Tag-value
 * format" and 7.21 "External reference field"): "Tag: value" lines, '#' comment lines and
 * blank lines, <text>...</text> values that may run over several lines. A package starts at
 * PackageName; its PackageVersion and its "ExternalRef: PACKAGE-MANAGER purl pkg:..." lines
 * (PACKAGE_MANAGER in SPDX 2.2) are kept; a file, snippet or license section ends it. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "vuln/vuln.h"

/* The next line of [*pos, len): start and length without its "\n" or "\r\n". 0 at the end. */
static int next_line(const char *t, size_t len, size_t *pos, const char **line, size_t *ll)
{
	const char *nl;
	size_t n;
	if (*pos >= len)
		return 0;
	*line = t + *pos;
	nl = memchr(*line, '\n', len - *pos);
	n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && (*line)[n - 1] == '\r')
		n--;
	*ll = n;
	return 1;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Not JSON (the first non-blank, non-comment line does not open an object or array) and a
 * line starts with SPDXVersion: (SPDX puts it first; not every tool does). A UTF-8 BOM is
 * allowed. */
int bs_vuln_is_spdx_tv(const char *text, size_t len)
{
	size_t pos = 0, ll;
	const char *l;
	int first = 1;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (next_line(text, len, &pos, &l, &ll)) {
		while (ll && is_blank(*l))
			l++, ll--;
		if (!ll || *l == '#')
			continue;
		if (first && (*l == '{' || *l == '['))
			return 0;
		first = 0;
		if (ll >= 12 && !memcmp(l, "SPDXVersion:", 12))
			return 1;
	}
	return 0;
}

struct tv_pkg {
	int open;                /* inside a package's fields */
	char *name, *version;
	char **purls;
	int *purl_lines;
	size_t npurls;
	int line;                /* PackageName's */
};

static void pkg_clear(struct tv_pkg *p)
{
	free(p->name), free(p->version);
	for (size_t i = 0; i < p->npurls; i++)
		free(p->purls[i]);
	free(p->purls), free(p->purl_lines);
	memset(p, 0, sizeof(*p));
}

/* purl with "@version" put in before its qualifiers and subpath when it has none. */
static char *purl_with_version(const char *purl, const char *version)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t end = strcspn(purl, "?#");
	const char *slash = NULL;
	for (size_t i = 0; i < end; i++)
		if (purl[i] == '/')
			slash = purl + i;
	if (!version || !*version || !slash || memchr(slash, '@', (size_t)(purl + end - slash)))
		return bs_strdup(purl);
	bs_buf_put(&b, purl, end);
	bs_buf_putc(&b, '@');
	/* a purl's version is percent-encoded: only what the purl spec reserves */
	for (const char *v = version; *v; v++)
		if (*v == '?' || *v == '#' || *v == '@' || *v == '%' || *v == '/' || *v == ' ' || (unsigned char)*v < 0x20)
			bs_buf_printf(&b, "%%%02X", (unsigned char)*v);
		else
			bs_buf_putc(&b, *v);
	bs_buf_puts(&b, purl + end);
	return bs_buf_detach(&b, NULL);
}

/* Ends the open package: its purls into inv. 0 or BS_EINVALID. */
static int pkg_end(const char *file, struct tv_pkg *p, struct bs_vuln_inv *inv)
{
	int err = 0;
	if (!p->open)
		return 0;
	if (!p->npurls)
		inv->nopurl++;
	for (size_t i = 0; i < p->npurls && !err; i++) {
		char *purl = purl_with_version(p->purls[i], p->version);
		if (bs_vuln_inv_add_purl(inv, purl) < 0)
			err = bs_error(BS_EINVALID, "SBOM '%s': line %d: package '%s': the purl '%s' is not "
				       "pkg:TYPE/NAMESPACE/NAME@VERSION (and PackageVersion gives no version)", file,
				       p->purl_lines[i], p->name ? p->name : "", p->purls[i]);
		free(purl);
	}
	pkg_clear(p);
	return err;
}

/* The sections that end a package's fields (SPDX 2.3 clauses 8-10, 11). */
static int ends_package(const char *tag, size_t n)
{
	static const char *const t[] = { "FileName", "SnippetSPDXID", "LicenseID", "Relationship" };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i]) == n && !memcmp(tag, t[i], n))
			return 1;
	return 0;
}

static int tag_is(const char *tag, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(tag, name, n);
}

int bs_vuln_inv_spdx_tv(const char *file, const char *text, size_t len, struct bs_vuln_inv *out)
{
	struct bs_vuln_inv tmp;
	struct tv_pkg p;
	size_t pos = 0, ll, packages = 0;
	const char *l;
	int lineno = 0, text_start = 0, err = 0, saw_version = 0;

	memset(&tmp, 0, sizeof(tmp));
	memset(&p, 0, sizeof(p));
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (!err && next_line(text, len, &pos, &l, &ll)) {
		const char *tag, *v, *colon;
		size_t tn, vn;
		lineno++;
		if (text_start) {
			/* inside <text>: only its end matters */
			for (size_t i = 0; i + 7 <= ll; i++)
				if (!memcmp(l + i, "</text>", 7)) {
					text_start = 0;
					break;
				}
			continue;
		}
		while (ll && is_blank(*l))
			l++, ll--;
		if (!ll || *l == '#')
			continue;
		colon = memchr(l, ':', ll);
		tag = l;
		tn = colon ? (size_t)(colon - l) : 0;
		for (size_t i = 0; i < tn; i++)
			if (!((tag[i] >= 'A' && tag[i] <= 'Z') || (tag[i] >= 'a' && tag[i] <= 'z') ||
			      (tag[i] >= '0' && tag[i] <= '9') || tag[i] == '_' || tag[i] == '-'))
				tn = 0;
		if (!tn) {
			err = bs_error(BS_EINVALID, "SBOM '%s': line %d: not a 'Tag: value' line of SPDX tag-value: %.*s", file,
				       lineno, (int)(ll > 60 ? 60 : ll), l);
			break;
		}
		v = colon + 1;
		vn = ll - tn - 1;
		while (vn && is_blank(*v))
			v++, vn--;
		while (vn && is_blank(v[vn - 1]))
			vn--;
		if (vn >= 6 && !memcmp(v, "<text>", 6)) {
			int closed = 0;
			for (size_t i = 6; i + 7 <= vn; i++)
				if (!memcmp(v + i, "</text>", 7))
					closed = 1;
			if (!closed)
				text_start = lineno;
			/* the value is the text between: kept only for the names below */
			v += 6, vn -= 6;
			if (closed) {
				const char *e = NULL;
				for (size_t i = 0; i + 7 <= vn; i++)
					if (!memcmp(v + i, "</text>", 7))
						e = v + i;
				vn = (size_t)(e - v);
			}
		}
		if (tag_is(tag, tn, "SPDXVersion")) {
			saw_version = 1;
		} else if (tag_is(tag, tn, "PackageName")) {
			if ((err = pkg_end(file, &p, &tmp)) < 0)
				break;
			p.open = 1;
			p.name = bs_strndup(v, vn);
			p.line = lineno;
			packages++;
		} else if (tag_is(tag, tn, "PackageVersion") && p.open && !text_start) {
			free(p.version);
			p.version = bs_strndup(v, vn);
		} else if (tag_is(tag, tn, "ExternalRef")) {
			/* CATEGORY TYPE LOCATOR */
			char *f = bs_strndup(v, vn), *cat, *type, *loc, *save = NULL;
			cat = strtok_r(f, " \t", &save);
			type = cat ? strtok_r(NULL, " \t", &save) : NULL;
			loc = type ? strtok_r(NULL, " \t", &save) : NULL;
			if (!loc || strtok_r(NULL, " \t", &save)) {
				free(f);
				err = bs_error(BS_EINVALID, "SBOM '%s': line %d: ExternalRef needs three fields, CATEGORY TYPE "
					       "LOCATOR (PACKAGE-MANAGER purl pkg:...)", file, lineno);
				break;
			}
			if (!p.open) {
				free(f);
				err = bs_error(BS_EINVALID, "SBOM '%s': line %d: ExternalRef outside a package (no "
					       "PackageName before it)", file, lineno);
				break;
			}
			if ((!strcmp(cat, "PACKAGE-MANAGER") || !strcmp(cat, "PACKAGE_MANAGER")) && !strcmp(type, "purl")) {
				p.purls = bs_realloc(p.purls, bs_size_mul(p.npurls + 1, sizeof(*p.purls)));
				p.purl_lines = bs_realloc(p.purl_lines, bs_size_mul(p.npurls + 1, sizeof(*p.purl_lines)));
				p.purls[p.npurls] = bs_strdup(loc);
				p.purl_lines[p.npurls++] = lineno;
			}
			free(f);
		} else if (ends_package(tag, tn)) {
			if ((err = pkg_end(file, &p, &tmp)) < 0)
				break;
		}
	}
	if (!err && text_start)
		err = bs_error(BS_EINVALID, "SBOM '%s': line %d: <text> is not closed by </text> before the end of the file",
			       file, text_start);
	if (!err && !saw_version)
		err = bs_error(BS_EINVALID, "SBOM '%s': not SPDX tag-value: no SPDXVersion line", file);
	if (!err)
		err = pkg_end(file, &p, &tmp);
	if (!err && !tmp.n)
		err = bs_error(BS_EINVALID, "SBOM '%s' (SPDX tag-value) has %zu packages and none with an ExternalRef "
			       "PACKAGE-MANAGER purl: nothing to match", file, packages);
	pkg_clear(&p);
	if (err < 0) {
		bs_vuln_inv_release(&tmp);
		return err;
	}
	snprintf(out->kind, sizeof(out->kind), "spdx"); /* JSON or tag-value: one kind (0013) */
	if (!out->release[0] && tmp.release[0]) {
		snprintf(out->distro, sizeof(out->distro), "%s", tmp.distro);
		snprintf(out->release, sizeof(out->release), "%s", tmp.release);
	}
	for (size_t i = 0; i < tmp.n; i++) {
		const struct bs_vuln_pkg *q = &tmp.v[i];
		bs_vuln_inv_add(out, q->name, q->version, q->source, q->source_version, q->arch, q->ecosystem, q->purl);
	}
	out->nopurl += tmp.nopurl;
	bs_vuln_inv_release(&tmp);
	return 0;
}
