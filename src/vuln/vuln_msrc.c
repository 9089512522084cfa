/* vuln_msrc.c - Microsoft's monthly security-update documents (vuln.h;
 * docs/vulnerabilities.md): the CVRF 1.1 JSON that api.msrc.microsoft.com/cvrf/v3.0/cvrf/<ID>
 * returns with "Accept: application/json". Read whole before anything is kept:
 *   DocumentTracking.Identification.ID.Value  "2024-Jan": the rows' document (osv_id);
 *   ProductTree.FullProductName[]             {ProductID, Value}: the product names;
 *   Vulnerability[]                           {CVE, Title.Value, ProductStatuses[] (Type 3:
 *       known affected), Threats[] (Type 3: severity, Description.Value Critical / Important /
 *       Moderate / Low, per ProductID), CVSSScoreSets[] {BaseScore, ProductID}, Remediations[]
 *       (Type 2: vendor fix, Description.Value the KB number, ProductID[], Supercedence: the
 *       KB(s) it replaces)}.
 * Rows: ("msrc", product, CVE, fixed KB) per fixing KB, status "open" without one; and
 * ("msrc-supersedes", product, KB, superseded KB) per supersedence (migration 0019). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "vuln/vuln.h"

int bs_vuln_msrc_parse(struct bs_vuln_feed *f, const char *file, const char *text, size_t len);

/* At most max bytes of s, cut at a UTF-8 character boundary. */
static char *cut_dup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n == max && s[n])
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	return bs_strndup(s, n);
}

/* Whitespace runs as one space, none at the ends (MSRC's names sometimes carry two). */
static char *squeeze(const char *s)
{
	struct bs_buf b = BS_BUF_INIT;
	int sp = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			sp = b.len > 0;
			continue;
		}
		if (sp)
			bs_buf_putc(&b, ' ');
		sp = 0;
		bs_buf_putc(&b, *s);
	}
	if (!b.ptr)
		bs_buf_puts(&b, "");
	return bs_buf_detach(&b, NULL);
}

struct product {
	const char *id;
	char *name;
};

struct per_product {
	const char *pid;
	int rank;      /* MSRC's severity: 4 critical ... 1 low, 0 none */
	double cvss;   /* < 0 none */
	int listed;    /* known affected, or named by a remediation */
	char **kbs;    /* vendor fixes: KB5034123 */
	size_t nkbs;
	char *other;   /* a vendor fix that is not a KB ("Release Notes", a version) */
};

struct doc {
	struct bs_vuln_feed *f;
	const char *file, *id;
	struct product *prod;
	size_t nprod;
	/* supersedence (product id, kb, superseded) deduplicated at the end */
	struct edge {
		const char *pid;
		char kb[16], old[16];
	} *edges;
	size_t nedges;
};

static const char *product_name(const struct doc *d, const char *pid)
{
	for (size_t i = 0; i < d->nprod; i++)
		if (!strcmp(d->prod[i].id, pid))
			return d->prod[i].name;
	return NULL;
}

static struct per_product *pp_get(struct per_product **v, size_t *n, const char *pid)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].pid, pid))
			return &(*v)[i];
	*v = bs_realloc(*v, bs_size_mul(*n + 1, sizeof(**v)));
	struct per_product *p = &(*v)[(*n)++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->cvss = -1;
	return p;
}

/* A Type member: CVRF's enumeration as a number (the API's JSON) or its name. */
static int type_is(const json_t *o, int num, const char *name)
{
	const json_t *t = json_object_get(o, "Type");
	if (json_is_integer(t))
		return json_integer_value(t) == num;
	return json_is_string(t) && !strcasecmp(json_string_value(t), name);
}

/* o's ProductID: an array of strings (or absent: *ok stays 1, nothing called). */
static int product_ids(const json_t *o, const char **what, void (*fn)(const char *pid, void *arg), void *arg)
{
	const json_t *ids = json_object_get(o, "ProductID"), *x;
	size_t i;
	if (!ids)
		return 0;
	if (json_is_string(ids)) { /* a single id, as an XML conversion may write it */
		fn(json_string_value(ids), arg);
		return 0;
	}
	if (!json_is_array(ids))
		return *what = "a ProductID is not an array of strings", -1;
	json_array_foreach (ids, i, x) {
		if (!json_is_string(x))
			return *what = "a ProductID is not an array of strings", -1;
		fn(json_string_value(x), arg);
	}
	return 0;
}

static int sev_rank(const char *s)
{
	return !strcasecmp(s, "Critical") ? 4 : !strcasecmp(s, "Important") ? 3 : !strcasecmp(s, "Moderate") ? 2
	     : !strcasecmp(s, "Low") ? 1 : 0;
}

struct walk {
	struct per_product **pp;
	size_t *npp;
	int rank;
	double score;
	const char *kb, *other, *supersedes;
	struct doc *d;
};

static void on_status(const char *pid, void *arg)
{
	struct walk *w = arg;
	pp_get(w->pp, w->npp, pid)->listed = 1;
}

static void on_threat(const char *pid, void *arg)
{
	struct walk *w = arg;
	struct per_product *p = pp_get(w->pp, w->npp, pid);
	if (w->rank > p->rank)
		p->rank = w->rank;
}

static void on_score(const char *pid, void *arg)
{
	struct walk *w = arg;
	struct per_product *p = pp_get(w->pp, w->npp, pid);
	if (w->score > p->cvss)
		p->cvss = w->score;
}

static void on_fix(const char *pid, void *arg)
{
	struct walk *w = arg;
	struct per_product *p = pp_get(w->pp, w->npp, pid);
	p->listed = 1;
	if (w->kb) {
		for (size_t i = 0; i < p->nkbs; i++)
			if (!strcmp(p->kbs[i], w->kb))
				goto sup;
		p->kbs = bs_realloc(p->kbs, bs_size_mul(p->nkbs + 1, sizeof(*p->kbs)));
		p->kbs[p->nkbs++] = bs_strdup(w->kb);
	} else if (w->other && !p->other) {
		p->other = cut_dup(w->other, 64);
	}
sup:
	/* "Supercedence": "5033375", "KB5033375", "5033372; 5033375" or "5033372,5033375" */
	if (w->kb && w->supersedes) {
		const char *s = w->supersedes;
		while (*s) {
			size_t n = strcspn(s, ",; \t\r\n");
			char tok[32], kb[16];
			if (n && n < sizeof(tok)) {
				memcpy(tok, s, n);
				tok[n] = 0;
				if (bs_vuln_kb_norm(tok, kb, sizeof(kb)) == 0 && strcmp(kb, w->kb)) {
					struct doc *d = w->d;
					d->edges = bs_realloc(d->edges, bs_size_mul(d->nedges + 1, sizeof(*d->edges)));
					struct edge *e = &d->edges[d->nedges++];
					e->pid = pid;
					snprintf(e->kb, sizeof(e->kb), "%s", w->kb);
					snprintf(e->old, sizeof(e->old), "%s", kb);
				}
			}
			s += n;
			while (*s == ',' || *s == ';' || *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
				s++;
		}
	}
}

static const char *severity_word(int rank)
{
	return rank == 4 ? "critical" : rank == 3 ? "high" : rank == 2 ? "medium" : rank == 1 ? "low" : "unknown";
}

static const char *text_value(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(o, key), "Value"));
}

/* A member that must be an array when present. */
static int opt_array(const json_t *o, const char *key, const json_t **out)
{
	*out = json_object_get(o, key);
	return !*out || json_is_array(*out) ? 0 : -1;
}

/* One Vulnerability[] entry. 0, or -1 with what. */
static int vulnerability(struct doc *d, const json_t *v, const char **what)
{
	const char *cve = json_string_value(json_object_get(v, "CVE"));
	const json_t *statuses, *threats, *scores, *rems, *x;
	struct per_product *pp = NULL;
	size_t npp = 0, i;
	struct walk w;
	int err = 0;

	if (!json_is_object(v))
		return *what = "a Vulnerability entry is not an object", -1;
	if (!cve || !*cve || strlen(cve) > 64)
		return *what = "a Vulnerability entry has no string CVE", -1;
	if (opt_array(v, "ProductStatuses", &statuses) < 0 || opt_array(v, "Threats", &threats) < 0 ||
	    opt_array(v, "CVSSScoreSets", &scores) < 0 || opt_array(v, "Remediations", &rems) < 0)
		return *what = "a Vulnerability's ProductStatuses, Threats, CVSSScoreSets or Remediations is not an array", -1;
	d->f->records++;
	memset(&w, 0, sizeof(w));
	w.pp = &pp;
	w.npp = &npp;
	w.d = d;
	json_array_foreach (statuses, i, x) {
		if (!json_is_object(x)) {
			*what = "a ProductStatuses entry is not an object";
			goto bad;
		}
		if (type_is(x, 3, "Known Affected") && product_ids(x, what, on_status, &w) < 0)
			goto bad;
	}
	json_array_foreach (threats, i, x) {
		if (!json_is_object(x)) {
			*what = "a Threats entry is not an object";
			goto bad;
		}
		if (!type_is(x, 3, "Severity"))
			continue;
		const char *s = text_value(x, "Description");
		if (!s) {
			*what = "a severity Threat has no Description.Value";
			goto bad;
		}
		w.rank = sev_rank(s);
		if (product_ids(x, what, on_threat, &w) < 0)
			goto bad;
	}
	json_array_foreach (scores, i, x) {
		const json_t *bs = json_object_get(x, "BaseScore");
		if (!json_is_object(x) || (bs && !json_is_number(bs))) {
			*what = "a CVSSScoreSets entry is not an object with a number BaseScore";
			goto bad;
		}
		if (!bs)
			continue;
		w.score = json_number_value(bs);
		if (w.score < 0 || w.score > 10) {
			*what = "a CVSS BaseScore is outside 0 to 10";
			goto bad;
		}
		if (product_ids(x, what, on_score, &w) < 0)
			goto bad;
	}
	json_array_foreach (rems, i, x) {
		char kb[16];
		const json_t *sup;
		if (!json_is_object(x)) {
			*what = "a Remediations entry is not an object";
			goto bad;
		}
		if (!type_is(x, 2, "Vendor Fix"))
			continue;
		const char *desc = text_value(x, "Description");
		sup = json_object_get(x, "Supercedence");
		if (!desc || (sup && !json_is_string(sup) && !json_is_null(sup))) {
			*what = "a vendor fix has no Description.Value, or a Supercedence that is not a string";
			goto bad;
		}
		w.kb = bs_vuln_kb_norm(desc, kb, sizeof(kb)) == 0 ? kb : NULL;
		w.other = w.kb ? NULL : desc;
		w.supersedes = json_string_value(sup);
		if (product_ids(x, what, on_fix, &w) < 0)
			goto bad;
	}
	{
		const char *title = text_value(v, "Title");
		for (size_t k = 0; k < npp; k++) {
			struct per_product *p = &pp[k];
			const char *name = product_name(d, p->pid);
			if (!p->listed)
				continue; /* a score or severity of a product neither affected nor fixed */
			if (!name) {
				*what = "a ProductID that ProductTree.FullProductName does not name";
				goto bad;
			}
			for (size_t j = 0; j < (p->nkbs ? p->nkbs : 1); j++) {
				struct bs_vuln_adv *a = bs_vuln_feed_row(d->f);
				a->ecosystem = bs_strdup("msrc");
				a->package = bs_strdup(name);
				a->vuln_id = bs_strdup(cve);
				a->osv_id = bs_strdup(d->id);
				if (p->nkbs) {
					a->status = bs_strdup("resolved");
					a->fixed = bs_strdup(p->kbs[j]);
				} else if (p->other) {
					a->status = bs_strdup("resolved");
					a->fixed = bs_strdup(p->other);
				} else {
					a->status = bs_strdup("open");
				}
				a->cvss = p->cvss;
				/* MSRC's rating; the store keeps the worse of it and the CVSS score's */
				a->severity = bs_strdup(p->rank == 0 && p->cvss >= 0 ? bs_cvss_severity(p->cvss)
										     : severity_word(p->rank));
				a->summary = cut_dup(title ? title : "", 300);
			}
		}
	}
	goto out;
bad:
	err = -1;
out:
	for (size_t k = 0; k < npp; k++) {
		for (size_t j = 0; j < pp[k].nkbs; j++)
			free(pp[k].kbs[j]);
		free(pp[k].kbs);
		free(pp[k].other);
	}
	free(pp);
	return err;
}

static int cmp_edge(const void *x, const void *y)
{
	const struct edge *a = x, *b = y;
	int r = strcmp(a->pid, b->pid);
	if (!r)
		r = strcmp(a->kb, b->kb);
	return r ? r : strcmp(a->old, b->old);
}

int bs_vuln_msrc_parse(struct bs_vuln_feed *f, const char *file, const char *text, size_t len)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	const json_t *names, *vulns, *x;
	struct doc d;
	const char *what = NULL;
	size_t i;
	int err = 0;

	memset(&d, 0, sizeof(d));
	d.f = f;
	d.file = file;
	if (!doc) {
		size_t off = (size_t)(je.position > 0 ? je.position - 1 : 0);
		return bs_error(BS_EINVALID, "feed '%s': line %d, column %d (byte %zu): %s: the feed is refused whole, nothing "
				"was imported", file, je.line, je.column, off, je.text);
	}
	d.id = json_string_value(json_object_get(
		json_object_get(json_object_get(json_object_get(doc, "DocumentTracking"), "Identification"), "ID"), "Value"));
	names = json_object_get(json_object_get(doc, "ProductTree"), "FullProductName");
	vulns = json_object_get(doc, "Vulnerability");
	if (!json_is_object(doc) || !d.id || !*d.id || strlen(d.id) > 64 || !json_is_array(names) ||
	    (vulns && !json_is_array(vulns))) {
		json_decref(doc);
		return bs_error(BS_EINVALID, "feed '%s' is not an MSRC CVRF document (DocumentTracking.Identification.ID, "
				"ProductTree.FullProductName[] and Vulnerability[] expected; download it with Accept: "
				"application/json): nothing was imported", file);
	}
	json_array_foreach (names, i, x) {
		const char *pid = json_string_value(json_object_get(x, "ProductID"));
		const char *val = json_string_value(json_object_get(x, "Value"));
		if (!pid || !val || !*val || strlen(val) > 300) {
			err = bs_error(BS_EINVALID, "feed '%s': ProductTree.FullProductName[%zu] has no string ProductID and "
				       "Value: the feed is refused whole, nothing was imported", file, i);
			goto out;
		}
		d.prod = bs_realloc(d.prod, bs_size_mul(d.nprod + 1, sizeof(*d.prod)));
		d.prod[d.nprod].id = pid;
		d.prod[d.nprod].name = squeeze(val);
		d.nprod++;
	}
	json_array_foreach (vulns, i, x) {
		if (vulnerability(&d, x, &what) < 0) {
			const char *cve = json_string_value(json_object_get(x, "CVE"));
			err = bs_error(BS_EINVALID, "feed '%s': Vulnerability[%zu] (%.64s): %s: the feed is refused whole, "
				       "nothing was imported", file, i, cve ? cve : "?", what);
			goto out;
		}
	}
	if (d.nedges) {
		qsort(d.edges, d.nedges, sizeof(*d.edges), cmp_edge);
		for (size_t k = 0; k < d.nedges; k++) {
			if (k && !cmp_edge(&d.edges[k], &d.edges[k - 1]))
				continue;
			const char *name = product_name(&d, d.edges[k].pid);
			if (!name)
				continue; /* refused above when the fix itself named it */
			struct bs_vuln_adv *a = bs_vuln_feed_row(f);
			a->ecosystem = bs_strdup("msrc-supersedes");
			a->package = bs_strdup(name);
			a->vuln_id = bs_strdup(d.edges[k].kb);
			a->osv_id = bs_strdup(d.id);
			a->status = bs_strdup("resolved");
			a->fixed = bs_strdup(d.edges[k].old);
			a->severity = bs_strdup("unknown");
			a->summary = bs_strdup("");
		}
	}
out:
	for (size_t k = 0; k < d.nprod; k++)
		free(d.prod[k].name);
	free(d.prod);
	free(d.edges);
	json_decref(doc);
	return err;
}
