/* vuln_inv.c - inventories: dpkg status, os-release, CycloneDX and SPDX JSON SBOMs (vuln.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/vuln.h"

void bs_vuln_inv_add(struct bs_vuln_inv *inv, const char *name, const char *version, const char *source,
		     const char *source_version, const char *arch, const char *ecosystem, const char *purl)
{
	struct bs_vuln_pkg *p;
	if (inv->n == inv->cap) {
		inv->cap = inv->cap ? inv->cap * 2 : 256;
		inv->v = bs_realloc(inv->v, bs_size_mul(inv->cap, sizeof(*inv->v)));
	}
	p = &inv->v[inv->n++];
	p->name = bs_strdup(name);
	p->version = bs_strdup(version);
	p->source = bs_strdup(source ? source : name);
	p->source_version = bs_strdup(source_version ? source_version : version);
	p->arch = bs_strdup(arch ? arch : "");
	p->ecosystem = bs_strdup(ecosystem);
	p->purl = bs_strdup(purl ? purl : "");
}

void bs_vuln_inv_release(struct bs_vuln_inv *inv)
{
	for (size_t i = 0; i < inv->n; i++) {
		struct bs_vuln_pkg *p = &inv->v[i];
		free(p->name), free(p->version), free(p->source), free(p->source_version), free(p->arch);
		free(p->ecosystem), free(p->purl);
	}
	free(inv->v);
	inv->v = NULL;
	inv->n = inv->cap = 0;
}

int bs_vuln_inv_dpkg(char *text, size_t len, const char *file, struct bs_vuln_inv *out)
{
	struct bs_dpkg d;
	int err;

	snprintf(out->kind, sizeof(out->kind), "dpkg");
	if ((err = bs_dpkg_parse(text, len, file, &d)) < 0)
		return err;
	/* the strings move over as they are (a thousand hosts' inventories are read at once) */
	out->v = bs_realloc(out->v, bs_size_mul(out->n + d.n, sizeof(*out->v)));
	out->cap = out->n + d.n;
	for (size_t i = 0; i < d.n; i++) {
		struct bs_vuln_pkg *p = &out->v[out->n++];
		p->name = d.v[i].name;
		p->version = d.v[i].version;
		p->source = d.v[i].source;
		p->source_version = d.v[i].source_version;
		p->arch = d.v[i].arch;
		p->ecosystem = bs_strdup("deb");
		p->purl = bs_strdup("");
	}
	free(d.v);
	return 0;
}

/* The value of KEY= in os-release text (quotes removed) into buf. */
static int os_field(const char *text, const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, kl) || l[kl] != '=')
			continue;
		const char *v = l + kl + 1;
		size_t n = strcspn(v, "\r\n");
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
			v++, n -= 2;
		if (n >= size)
			n = size - 1;
		memcpy(buf, v, n);
		buf[n] = 0;
		return 1;
	}
	return 0;
}

/* Debian's release numbers as the tracker names them (OSV's "Debian:12", purl distro=debian-12). */
static const char *const debian_names[][2] = {
	{ "9", "stretch" }, { "10", "buster" }, { "11", "bullseye" }, { "12", "bookworm" }, { "13", "trixie" },
	{ "14", "forky" },
};

const char *bs_vuln_debian_codename(const char *number);
const char *bs_vuln_debian_codename(const char *number)
{
	for (size_t i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++)
		if (!strcmp(number, debian_names[i][0]))
			return debian_names[i][1];
	return NULL;
}

void bs_vuln_inv_os_release(const char *text, struct bs_vuln_inv *inv)
{
	char id[32] = "", code[64] = "", ver[64] = "";
	os_field(text, "ID", id, sizeof(id));
	os_field(text, "VERSION_CODENAME", code, sizeof(code));
	os_field(text, "VERSION_ID", ver, sizeof(ver));
	snprintf(inv->distro, sizeof(inv->distro), "%s", id);
	if (!strcmp(id, "ubuntu"))
		snprintf(inv->release, sizeof(inv->release), "%s", ver);
	else if (code[0])
		snprintf(inv->release, sizeof(inv->release), "%s", code);
	else if (bs_vuln_debian_codename(ver))
		snprintf(inv->release, sizeof(inv->release), "%s", bs_vuln_debian_codename(ver));
	else if (strcmp(id, "debian") && ver[0])
		/* RPM distributions: rhel 9.3, rocky 9.3, opensuse-leap 15.5, sles 15.5 (rpmdb.h) */
		snprintf(inv->release, sizeof(inv->release), "%s", ver);
}

const char *bs_vuln_inv_ecosystem(const struct bs_vuln_inv *inv, char *buf, size_t size)
{
	if (!inv->distro[0] || !inv->release[0])
		return NULL;
	snprintf(buf, size, "%s:%s", inv->distro, inv->release);
	return buf;
}

/* --- purl (github.com/package-url/purl-spec): pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH --- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 32;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decoded s[0..n) appended to out (a %00 is dropped). */
static void pct_decode(const char *s, size_t n, struct bs_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n + 1 && i + 2 <= n - 1 && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			char c = (char)(hi * 16 + lo);
			if (c)
				bs_buf_putc(out, c);
			i += 2;
		} else {
			bs_buf_putc(out, s[i]);
		}
	}
	if (!out->ptr)
		bs_buf_puts(out, "");
}

struct purl {
	struct bs_buf type, ns, name, version, distro;
};

/* 0, or -1 when s is not a purl with a type, a name and a version. */
static int purl_parse(const char *s, struct purl *p)
{
	const char *t, *slash, *at, *q, *hash, *end;
	if (strncmp(s, "pkg:", 4))
		return -1;
	t = s + 4;
	while (*t == '/')
		t++;
	hash = strchr(t, '#');
	end = hash ? hash : t + strlen(t);
	q = memchr(t, '?', (size_t)(end - t));
	if (q) {
		/* distro=debian-12 (or bookworm) */
		const char *d = q + 1;
		while (d < end) {
			size_t l = strcspn(d, "&#");
			if (l > 7 && !strncmp(d, "distro=", 7))
				pct_decode(d + 7, l - 7, &p->distro);
			d += l + (d[l] == '&');
			if (!d[0] || d[-1] != '&')
				break;
		}
		end = q;
	}
	slash = memchr(t, '/', (size_t)(end - t));
	if (!slash || slash == t)
		return -1;
	for (const char *c = t; c < slash; c++)
		bs_buf_putc(&p->type, (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c));
	at = NULL;
	for (const char *c = end; c > slash; c--)
		if (c[-1] == '@') {
			at = c - 1;
			break;
		}
	if (!at || at + 1 >= end)
		return -1;
	pct_decode(at + 1, (size_t)(end - at - 1), &p->version);
	const char *last = at;
	while (last > slash + 1 && last[-1] != '/')
		last--;
	if (last == at)
		return -1;
	pct_decode(last, (size_t)(at - last), &p->name);
	if (last - 1 > slash)
		pct_decode(slash + 1, (size_t)(last - 1 - slash - 1), &p->ns);
	return 0;
}

static void purl_release(struct purl *p)
{
	bs_buf_release(&p->type), bs_buf_release(&p->ns), bs_buf_release(&p->name), bs_buf_release(&p->version);
	bs_buf_release(&p->distro);
}

/* A component as OSV names packages: npm "@scope/name", Maven "group:artifact", Go
 * "host/path/name", PyPI lower case with '-'; the ecosystem is the purl type. */
int bs_vuln_inv_add_purl(struct bs_vuln_inv *inv, const char *purl)
{
	struct purl p = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf name = BS_BUF_INIT;
	int rc = -1;
	if (purl_parse(purl, &p) == 0) {
		const char *type = p.type.ptr;
		if (p.ns.len && !strcmp(type, "maven"))
			bs_buf_printf(&name, "%s:%s", p.ns.ptr, p.name.ptr);
		else if (p.ns.len && (!strcmp(type, "npm") || !strcmp(type, "golang") || !strcmp(type, "composer")))
			bs_buf_printf(&name, "%s/%s", p.ns.ptr, p.name.ptr);
		else
			bs_buf_puts(&name, p.name.ptr);
		if (!strcmp(type, "pypi"))
			for (size_t i = 0; i < name.len; i++)
				name.ptr[i] = name.ptr[i] == '_' || name.ptr[i] == '.' ? '-'
					      : (name.ptr[i] >= 'A' && name.ptr[i] <= 'Z') ? (char)(name.ptr[i] + 32)
											 : name.ptr[i];
		if ((!strcmp(type, "deb")) && p.distro.len && !inv->release[0]) {
			/* distro=debian-12, distro=bookworm, distro=ubuntu-22.04 */
			const char *d = p.distro.ptr, *dash = strchr(d, '-');
			if (dash && !strncmp(d, "debian", 6) && bs_vuln_debian_codename(dash + 1)) {
				snprintf(inv->distro, sizeof(inv->distro), "debian");
				snprintf(inv->release, sizeof(inv->release), "%s", bs_vuln_debian_codename(dash + 1));
			} else if (dash && !strncmp(d, "ubuntu", 6)) {
				snprintf(inv->distro, sizeof(inv->distro), "ubuntu");
				snprintf(inv->release, sizeof(inv->release), "%s", dash + 1);
			}
		}
		if (name.len)
			bs_vuln_inv_add(inv, name.ptr, p.version.ptr, NULL, NULL, NULL, type, purl), rc = 0;
	}
	bs_buf_release(&name);
	purl_release(&p);
	return rc;
}

static void add_purl(struct bs_vuln_inv *inv, const char *purl)
{
	(void)bs_vuln_inv_add_purl(inv, purl);
}

static void cdx_components(struct bs_vuln_inv *inv, const json_t *arr, int depth)
{
	size_t i;
	const json_t *c;
	if (!json_is_array(arr) || depth > 32)
		return;
	json_array_foreach (arr, i, c) {
		const char *purl = json_string_value(json_object_get(c, "purl"));
		if (purl)
			add_purl(inv, purl);
		cdx_components(inv, json_object_get(c, "components"), depth + 1);
	}
}

int bs_vuln_inv_sbom(const char *file, const char *text, size_t len, struct bs_vuln_inv *out)
{
	json_error_t je;
	json_t *doc;
	const char *fmt;

	if (bs_vuln_is_spdx_tv(text, len))
		return bs_vuln_inv_spdx_tv(file, text, len, out);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc && !(len > strspn(text, " \t\r\n") && strchr("{[", text[strspn(text, " \t\r\n")])))
		return bs_error(BS_EINVALID, "SBOM '%s' is neither CycloneDX JSON (bomFormat), SPDX JSON (spdxVersion) nor "
				"SPDX tag-value (SPDXVersion:)", file);
	if (!doc)
		return bs_error(BS_EINVALID, "SBOM '%s': line %d, column %d: %s: not read", file, je.line, je.column,
				je.text);
	fmt = json_string_value(json_object_get(doc, "bomFormat"));
	if (fmt && !strcmp(fmt, "CycloneDX")) {
		snprintf(out->kind, sizeof(out->kind), "cyclonedx");
		const json_t *meta = json_object_get(json_object_get(doc, "metadata"), "component");
		const char *mp = json_string_value(json_object_get(meta, "purl"));
		if (mp)
			add_purl(out, mp);
		cdx_components(out, json_object_get(doc, "components"), 0);
	} else if (json_is_string(json_object_get(doc, "spdxVersion"))) {
		size_t i, j;
		const json_t *p, *r;
		snprintf(out->kind, sizeof(out->kind), "spdx");
		json_array_foreach (json_object_get(doc, "packages"), i, p) {
			json_array_foreach (json_object_get(p, "externalRefs"), j, r) {
				const char *type = json_string_value(json_object_get(r, "referenceType"));
				const char *loc = json_string_value(json_object_get(r, "referenceLocator"));
				if (type && loc && !strcmp(type, "purl"))
					add_purl(out, loc);
			}
		}
	} else {
		json_decref(doc);
		return bs_error(BS_EINVALID, "SBOM '%s' is neither CycloneDX JSON (bomFormat), SPDX JSON (spdxVersion) nor "
				"SPDX tag-value (SPDXVersion:)",
				file);
	}
	json_decref(doc);
	if (!out->n)
		return bs_error(BS_EINVALID, "SBOM '%s' names no component with a purl (pkg:TYPE/NAME@VERSION): nothing to "
				"match", file);
	return 0;
}
