/* vuln_match.c - matching inventories against advisories in memory (vuln.h). A Debian or
 * Ubuntu binary package is looked up by its source package (dpkg status' Source:, else its
 * own name) and that source's version is compared in dpkg's order; an SBOM component by its
 * purl type and name. */
#include <stdlib.h>
#include <string.h>

#include "vuln/rpmdb.h"
#include "vuln/vuln.h"

static int cmp_adv(const void *x, const void *y)
{
	const struct bs_vuln_adv *a = *(const struct bs_vuln_adv *const *)x, *b = *(const struct bs_vuln_adv *const *)y;
	int r = strcmp(a->ecosystem, b->ecosystem);
	return r ? r : strcmp(a->package, b->package);
}

static int dpkg_order(const char *eco)
{
	return !strncmp(eco, "debian:", 7) || !strncmp(eco, "ubuntu:", 7) || !strcmp(eco, "deb");
}

/* FNV-1a of ecosystem, a separator and package. */
static uint64_t key_hash(const char *eco, const char *pkg)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)eco; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (const unsigned char *p = (const unsigned char *)pkg; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

void bs_vuln_index_build(struct bs_vuln_index *ix, const struct bs_vuln_adv *adv, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	ix->v = bs_malloc(bs_size_mul(n ? n : 1, sizeof(*ix->v)));
	for (size_t i = 0; i < n; i++)
		if (strcmp(adv[i].status, "not-affected"))
			ix->v[ix->n++] = &adv[i];
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_adv);
	ix->flags = bs_malloc(ix->n ? ix->n : 1);
	for (size_t i = 0; i < ix->n; i++)
		ix->flags[i] = (unsigned char)((dpkg_order(ix->v[i]->ecosystem) ? 1 : 0) |
					       (!strcmp(ix->v[i]->status, "undetermined") ? 2 : 0));
	ix->keys = bs_malloc(bs_size_mul(ix->n ? ix->n : 1, sizeof(*ix->keys)));
	for (size_t i = 0; i < ix->n;) {
		size_t j = i + 1;
		while (j < ix->n && !cmp_adv(&ix->v[i], &ix->v[j]))
			j++;
		ix->keys[ix->nkeys].first = i;
		ix->keys[ix->nkeys].n = j - i;
		ix->keys[ix->nkeys].hash = key_hash(ix->v[i]->ecosystem, ix->v[i]->package);
		ix->nkeys++;
		i = j;
	}
	for (ix->tsize = 16; ix->tsize < ix->nkeys * 2; ix->tsize *= 2)
		;
	ix->table = bs_calloc(ix->tsize, sizeof(*ix->table));
	for (size_t k = 0; k < ix->nkeys; k++) {
		size_t slot = (size_t)ix->keys[k].hash & (ix->tsize - 1);
		while (ix->table[slot])
			slot = (slot + 1) & (ix->tsize - 1);
		ix->table[slot] = (uint32_t)(k + 1);
	}
}

void bs_vuln_index_release(struct bs_vuln_index *ix)
{
	free(ix->v);
	free(ix->keys);
	free(ix->table);
	free(ix->flags);
	memset(ix, 0, sizeof(*ix));
}


/* The range test of bs_vuln_affected with the order given. */
static int in_range(const struct bs_vuln_adv *a, const char *version, int dpkg)
{
	int (*cmp)(const char *, const char *) = dpkg ? bs_version_cmp : bs_rpm_evrcmp;

	if (a->introduced && cmp(version, a->introduced) < 0)
		return 0;
	if (a->fixed && cmp(version, a->fixed) >= 0)
		return 0;
	if (a->last_affected && cmp(version, a->last_affected) > 0)
		return 0;
	return 1;
}

int bs_vuln_affected(const struct bs_vuln_adv *a, const char *version)
{
	if (!strcmp(a->status, "not-affected"))
		return 0;
	if (!strcmp(a->status, "undetermined"))
		return 1; /* reported as such: the tracker does not know yet */
	return in_range(a, version, dpkg_order(a->ecosystem));
}

/* The rows of (eco, pkg) in the index, or NULL. */
static const struct bs_vuln_ixkey *lookup(const struct bs_vuln_index *ix, const char *eco, const char *pkg)
{
	uint64_t h;
	size_t slot;
	if (!ix->tsize)
		return NULL;
	h = key_hash(eco, pkg);
	for (slot = (size_t)h & (ix->tsize - 1); ix->table[slot]; slot = (slot + 1) & (ix->tsize - 1)) {
		const struct bs_vuln_ixkey *k = &ix->keys[ix->table[slot] - 1];
		const struct bs_vuln_adv *a = ix->v[k->first];
		if (k->hash == h && !strcmp(a->package, pkg) && !strcmp(a->ecosystem, eco))
			return k;
	}
	return NULL;
}

size_t bs_vuln_match(const struct bs_vuln_index *ix, const struct bs_vuln_inv *inv,
		     void (*fn)(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg), void *arg)
{
	char dist[128], rpmbuf[128];
	const char *deb = bs_vuln_inv_ecosystem(inv, dist, sizeof(dist));
	const char *rpm = bs_vuln_rpm_ecosystem(inv->distro, inv->release, rpmbuf, sizeof(rpmbuf));
	size_t hits = 0;

	if (!strcmp(inv->kind, "windows"))
		return bs_vuln_win_match(ix, inv, fn, arg); /* a product and its KBs: vuln_win.c */
	for (size_t i = 0; i < inv->n; i++) {
		const struct bs_vuln_pkg *p = &inv->v[i];
		const char *eco, *pkg, *ver;
		if (!strcmp(p->ecosystem, "deb")) {
			if (!deb)
				continue;
			eco = deb;
			pkg = p->source;
			ver = p->source_version;
		} else if (!strcmp(p->ecosystem, "rpm")) {
			/* RPM advisories name binary packages (AlmaLinux, SUSE) or source ones (some of
			 * Red Hat's): both, in rpm's order; one finding per package and CVE (vuln_store.c) */
			if (!rpm)
				continue;
			eco = rpm;
			pkg = p->name;
			ver = p->version;
			if (strcmp(p->source, p->name)) {
				const struct bs_vuln_ixkey *sk = lookup(ix, eco, p->source);
				for (size_t k = 0; sk && k < sk->n; k++) {
					const struct bs_vuln_adv *a = ix->v[sk->first + k];
					unsigned f = ix->flags[sk->first + k];
					if ((f & 2) || in_range(a, p->source_version, f & 1)) {
						fn(p, a, arg);
						hits++;
					}
				}
			}
		} else {
			eco = p->ecosystem;
			pkg = p->name;
			ver = p->version;
		}
		const struct bs_vuln_ixkey *key = lookup(ix, eco, pkg);
		for (size_t k = 0; key && k < key->n; k++) {
			const struct bs_vuln_adv *a = ix->v[key->first + k];
			unsigned f = ix->flags[key->first + k];
			if ((f & 2) || in_range(a, ver, f & 1)) {
				fn(p, a, arg);
				hits++;
			}
		}
	}
	return hits;
}
