/* vuln_feed.c - advisory feeds read whole before anything is kept (vuln.h): the Debian
 * Security Tracker JSON (security-tracker.debian.org/tracker/data/json), OSV records
 * (ossf.github.io/osv-schema), CISA's Known Exploited Vulnerabilities catalog; and CVSS v3
 * base scores from their vectors. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "vuln/rpmdb.h"
#include "vuln/vuln.h"

const char *bs_vuln_debian_codename(const char *number); /* vuln_inv.c */

static const char *const format_names[] = { "debian-tracker", "osv", "kev", "msrc" };
int bs_vuln_msrc_parse(struct bs_vuln_feed *f, const char *file, const char *text, size_t len); /* vuln_msrc.c */

const char *bs_vuln_format_name(enum bs_vuln_format f)
{
	return format_names[f];
}

int bs_vuln_format_parse(const char *s, enum bs_vuln_format *out)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, format_names[i])) {
			*out = (enum bs_vuln_format)i;
			return 0;
		}
	return bs_error(BS_EINVALID, "unknown feed format '%s': give debian-tracker, osv, kev or msrc", s);
}

void bs_vuln_feed_release(struct bs_vuln_feed *f)
{
	for (size_t i = 0; i < f->nadv; i++) {
		struct bs_vuln_adv *a = &f->adv[i];
		free(a->ecosystem), free(a->package), free(a->vuln_id), free(a->osv_id), free(a->status);
		free(a->introduced), free(a->fixed), free(a->last_affected), free(a->severity), free(a->summary);
	}
	for (size_t i = 0; i < f->nkev; i++) {
		struct bs_vuln_kevrec *k = &f->kev[i];
		free(k->cve), free(k->date_added), free(k->due_date), free(k->name);
	}
	for (size_t i = 0; i < f->nunknown; i++)
		free(f->unknown[i]);
	free(f->adv), free(f->kev), free(f->unknown);
	memset(f, 0, sizeof(*f));
}

/* At most max bytes of s, cut at a UTF-8 character boundary. */
static char *trunc_dup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n == max && s[n])
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	return bs_strndup(s, n);
}

struct bs_vuln_adv *bs_vuln_feed_row(struct bs_vuln_feed *f)
{
	if (f->nadv == f->capadv) {
		f->capadv = f->capadv ? f->capadv * 2 : 1024;
		f->adv = bs_realloc(f->adv, bs_size_mul(f->capadv, sizeof(*f->adv)));
	}
	struct bs_vuln_adv *a = &f->adv[f->nadv++];
	memset(a, 0, sizeof(*a));
	a->cvss = -1;
	return a;
}

/* --- CVSS v3.x base score (FIRST's specification, section 7.1 and Appendix A) --- */

/* CVSS 3.1's Roundup (Appendix A), without libm: x is in [0, 10]. */
static double roundup(double x)
{
	long long i = (long long)(x * 100000 + 0.5);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static double pow15(double x)
{
	double r = 1;
	for (int k = 0; k < 15; k++)
		r *= x;
	return r;
}

int bs_cvss3_score(const char *vector, double *score)
{
	static const char *const need[] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A" };
	char val[8] = { 0 };
	const char *p;
	double av, ac, pr, ui, c, in, a, iss, impact, expl;
	int changed;

	if (strncmp(vector, "CVSS:3.0/", 9) && strncmp(vector, "CVSS:3.1/", 9))
		return bs_error(BS_EINVALID, "'%.80s' is not a CVSS v3 vector (CVSS:3.1/AV:N/...)", vector);
	p = vector + 9;
	while (*p) {
		size_t l = strcspn(p, "/"), k;
		const char *colon = memchr(p, ':', l);
		if (!colon || colon + 2 != p + l)
			goto bad;
		for (k = 0; k < 8; k++)
			if ((size_t)(colon - p) == strlen(need[k]) && !strncmp(p, need[k], (size_t)(colon - p)))
				break;
		if (k < 8) {
			if (val[k])
				goto bad;
			val[k] = colon[1];
		}
		p += l;
		if (*p == '/')
			p++;
	}
	for (int k = 0; k < 8; k++)
		if (!val[k])
			goto bad;
	changed = val[4] == 'C';
	if (val[4] != 'C' && val[4] != 'U')
		goto bad;
	av = val[0] == 'N' ? 0.85 : val[0] == 'A' ? 0.62 : val[0] == 'L' ? 0.55 : val[0] == 'P' ? 0.2 : -1;
	ac = val[1] == 'L' ? 0.77 : val[1] == 'H' ? 0.44 : -1;
	pr = val[2] == 'N' ? 0.85 : val[2] == 'L' ? (changed ? 0.68 : 0.62) : val[2] == 'H' ? (changed ? 0.5 : 0.27) : -1;
	ui = val[3] == 'N' ? 0.85 : val[3] == 'R' ? 0.62 : -1;
	c = val[5] == 'H' ? 0.56 : val[5] == 'L' ? 0.22 : val[5] == 'N' ? 0 : -1;
	in = val[6] == 'H' ? 0.56 : val[6] == 'L' ? 0.22 : val[6] == 'N' ? 0 : -1;
	a = val[7] == 'H' ? 0.56 : val[7] == 'L' ? 0.22 : val[7] == 'N' ? 0 : -1;
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || c < 0 || in < 0 || a < 0)
		goto bad;
	iss = 1 - (1 - c) * (1 - in) * (1 - a);
	impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02) : 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		*score = 0;
	else if (changed)
		*score = roundup(1.08 * (impact + expl) < 10 ? 1.08 * (impact + expl) : 10);
	else
		*score = roundup(impact + expl < 10 ? impact + expl : 10);
	return 0;
bad:
	return bs_error(BS_EINVALID, "CVSS vector '%.80s' lacks or repeats a base metric, or has a value it cannot "
			"have", vector);
}

const char *bs_cvss_severity(double s)
{
	if (s >= 9.0)
		return "critical";
	if (s >= 7.0)
		return "high";
	if (s >= 4.0)
		return "medium";
	if (s > 0)
		return "low";
	return "unknown";
}

const char *bs_vuln_urgency_severity(const char *u)
{
	if (!u)
		return "unknown";
	if (!strncmp(u, "high", 4))
		return "high";
	if (!strncmp(u, "medium", 6))
		return "medium";
	if (!strncmp(u, "low", 3) || !strcmp(u, "unimportant"))
		return "low";
	return "unknown";
}

/* --- errors with a place --- */

/* Line and column (1-based) of byte offset off in text. */
static void place(const char *text, size_t off, int *line, int *col)
{
	const char *p = text, *end = text + off, *ls = text;
	int l = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		l++;
		p = ls = nl + 1;
	}
	*line = l;
	*col = (int)(end - ls) + 1;
}

static int bad_at(const char *file, const char *text, size_t off, const char *what)
{
	int line, col;
	place(text, off, &line, &col);
	return bs_error(BS_EINVALID, "feed '%s': line %d, column %d (byte %zu): %s: the feed is refused whole, nothing "
			"was imported", file, line, col, off, what);
}

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* --- the Debian Security Tracker --- */

/* One source package's entry: {CVE: {description, scope, releases: {R: {status,
 * fixed_version, urgency, repositories}}}}. 0, or a message in what. */
static int tracker_package(struct bs_vuln_feed *f, const char *pkg, const json_t *cves, const char *release,
			   const char **what)
{
	const char *id;
	const json_t *e;

	if (!json_is_object(cves))
		return *what = "a source package's value is not an object of CVE entries", -1;
	json_object_foreach ((json_t *)cves, id, e) {
		const json_t *rels = json_object_get(e, "releases"), *r;
		const char *rel;
		if (!json_is_object(e) || (rels && !json_is_object(rels)))
			return *what = "a CVE entry is not an object with an object 'releases'", -1;
		f->records++;
		json_object_foreach ((json_t *)rels, rel, r) {
			const char *status, *fixed, *urgency;
			if (release && strcmp(rel, release))
				continue;
			if (!json_is_object(r))
				return *what = "a release entry is not an object", -1;
			status = json_string_value(json_object_get(r, "status"));
			fixed = json_string_value(json_object_get(r, "fixed_version"));
			urgency = json_string_value(json_object_get(r, "urgency"));
			if (!status)
				return *what = "a release entry has no string 'status'", -1;
			if (fixed && *fixed && strcmp(fixed, "0") && !bs_version_valid(fixed))
				return *what = "a fixed_version is not a Debian version", -1;
			struct bs_vuln_adv *a = bs_vuln_feed_row(f);
			char eco[96];
			snprintf(eco, sizeof(eco), "debian:%s", rel);
			a->ecosystem = bs_strdup(eco);
			a->package = bs_strdup(pkg);
			a->vuln_id = bs_strdup(id);
			a->osv_id = bs_strdup("");
			if (!strcmp(status, "resolved") && fixed && !strcmp(fixed, "0"))
				a->status = bs_strdup("not-affected");
			else if (!strcmp(status, "resolved") && fixed && *fixed) {
				a->status = bs_strdup("resolved");
				a->fixed = bs_strdup(fixed);
			} else if (!strcmp(status, "open") || (!strcmp(status, "resolved"))) {
				a->status = bs_strdup("open");
			} else if (!strcmp(status, "undetermined")) {
				a->status = bs_strdup("undetermined");
			} else {
				return *what = "a release entry's status is not open, resolved or undetermined", -1;
			}
			a->severity = bs_strdup(bs_vuln_urgency_severity(urgency));
			const char *d = json_string_value(json_object_get(e, "description"));
			a->summary = trunc_dup(d ? d : "", 300);
		}
	}
	return 0;
}

/* The top-level object walked one member at a time, each member's value parsed alone
 * (json_loadb with JSON_DISABLE_EOF_CHECK): the memory held is the text and one package. */
static int parse_tracker(struct bs_vuln_feed *f, const char *file, const char *t, size_t len, const char *release)
{
	size_t i = skip_ws(t, len, 0);
	json_error_t je;
	int first = 1;

	if (i >= len || t[i] != '{')
		return bad_at(file, t, i, "the tracker's JSON is an object of source packages: '{' expected");
	i++;
	for (;;) {
		json_t *key, *val;
		const char *what = NULL;
		i = skip_ws(t, len, i);
		if (i < len && t[i] == '}' && first) {
			i++;
			break;
		}
		if (i >= len || t[i] != '"')
			return bad_at(file, t, i, i >= len ? "the text ends inside the object (truncated)"
							  : "a source package's name (a string) expected");
		key = json_loadb(t + i, len - i, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &je);
		if (!key)
			return bad_at(file, t, i + (size_t)(je.position > 0 ? je.position - 1 : 0), je.text);
		i += (size_t)je.position;
		i = skip_ws(t, len, i);
		if (i >= len || t[i] != ':') {
			json_decref(key);
			return bad_at(file, t, i, i >= len ? "the text ends inside the object (truncated)" : "':' expected");
		}
		i = skip_ws(t, len, i + 1);
		val = json_loadb(t + i, len - i, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
		if (!val) {
			json_decref(key);
			return bad_at(file, t, i + (size_t)(je.position > 0 ? je.position - 1 : 0),
				      je.position >= 0 && (size_t)je.position >= len - i ? "the text ends inside a value (truncated)"
											 : je.text);
		}
		if (tracker_package(f, json_string_value(key), val, release, &what) < 0) {
			int e = bad_at(file, t, i, what);
			json_decref(key), json_decref(val);
			return e;
		}
		json_decref(key), json_decref(val);
		i = skip_ws(t, len, i + (size_t)je.position);
		first = 0;
		if (i < len && t[i] == ',') {
			i++;
			continue;
		}
		if (i < len && t[i] == '}') {
			i++;
			break;
		}
		return bad_at(file, t, i, i >= len ? "the text ends inside the object (truncated)" : "',' or '}' expected");
	}
	i = skip_ws(t, len, i);
	if (i < len)
		return bad_at(file, t, i, "text after the end of the object");
	return 0;
}

/* --- OSV --- */

/* OSV's ecosystems (ossf.github.io/osv-schema/#affectedpackage-field), lower case, that an
 * inventory of brokersec can be matched against: Debian and Ubuntu (dpkg status), and the
 * package ecosystems an SBOM's purl names. */
static const char *const osv_known[][2] = {
	{ "pypi", "pypi" },       { "npm", "npm" },         { "maven", "maven" },   { "go", "golang" },
	{ "crates.io", "cargo" }, { "rubygems", "gem" },    { "nuget", "nuget" },   { "packagist", "composer" },
	{ "hex", "hex" },         { "pub", "pub" },
};

/* The ecosystem of an OSV record as stored: "debian:bookworm", "ubuntu:22.04", a purl type
 * ("pypi", "golang", "cargo" ...); else the name in lower case, and *known = 0. */
static void osv_ecosystem(const char *e, char *out, size_t size, int *known)
{
	char low[96];
	size_t n = strlen(e);
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(e[i] >= 'A' && e[i] <= 'Z' ? e[i] + 32 : e[i]);
	low[n] = 0;
	*known = 1;
	if (!strncmp(low, "debian:", 7)) {
		const char *code = bs_vuln_debian_codename(low + 7);
		snprintf(out, size, "debian:%s", code ? code : low + 7);
		return;
	}
	if (!strncmp(low, "ubuntu:", 7)) {
		/* Ubuntu:22.04:LTS, Ubuntu:Pro:18.04:LTS */
		const char *v = low + 7;
		if (!strncmp(v, "pro:", 4))
			v += 4;
		snprintf(out, size, "ubuntu:%.*s", (int)strcspn(v, ":"), v);
		return;
	}
	if (bs_vuln_osv_rpm_ecosystem(low, out, size))
		return; /* "rhel:9", "almalinux:9", "sles:15.5" ... (vuln/rpmdb.h) */
	for (size_t i = 0; i < sizeof(osv_known) / sizeof(osv_known[0]); i++)
		if (!strcmp(low, osv_known[i][0])) {
			snprintf(out, size, "%s", osv_known[i][1]);
			return;
		}
	snprintf(out, size, "%s", low);
	*known = 0;
}

static void note_unknown(struct bs_vuln_feed *f, const char *eco)
{
	for (size_t i = 0; i < f->nunknown; i++)
		if (!strcmp(f->unknown[i], eco))
			return;
	f->unknown = bs_realloc(f->unknown, bs_size_mul(f->nunknown + 1, sizeof(*f->unknown)));
	f->unknown[f->nunknown++] = bs_strdup(eco);
}

/* The record's severity: the highest CVSS v3 score of severity[] (record or affected), else
 * database_specific.severity / ecosystem_specific.urgency as words. */
static void osv_severity(const json_t *rec, const json_t *aff, double *cvss, const char **sev)
{
	const json_t *lists[2] = { json_object_get(aff, "severity"), json_object_get(rec, "severity") }, *s;
	size_t i;
	*cvss = -1;
	*sev = "unknown";
	for (int k = 0; k < 2; k++)
		json_array_foreach (lists[k], i, s) {
			const char *type = json_string_value(json_object_get(s, "type"));
			const char *score = json_string_value(json_object_get(s, "score"));
			double v;
			if (type && score && !strncmp(type, "CVSS_V3", 7) && bs_cvss3_score(score, &v) == 0 && v > *cvss)
				*cvss = v;
		}
	bs_error_clear();
	if (*cvss >= 0) {
		*sev = bs_cvss_severity(*cvss);
		return;
	}
	const char *w = json_string_value(json_object_get(json_object_get(rec, "database_specific"), "severity"));
	if (!w)
		w = json_string_value(json_object_get(json_object_get(aff, "ecosystem_specific"), "urgency"));
	if (!w)
		w = json_string_value(json_object_get(json_object_get(aff, "ecosystem_specific"), "severity"));
	if (w) {
		char low[16];
		size_t n = strlen(w) < 15 ? strlen(w) : 15;
		for (size_t j = 0; j < n; j++)
			low[j] = (char)(w[j] >= 'A' && w[j] <= 'Z' ? w[j] + 32 : w[j]);
		low[n] = 0;
		if (!strcmp(low, "critical"))
			*sev = "critical";
		else if (!strcmp(low, "moderate"))
			*sev = "medium";
		else
			*sev = bs_vuln_urgency_severity(low);
	}
}

static struct bs_vuln_adv *osv_row(struct bs_vuln_feed *f, const char *eco, const char *pkg, const char *vid,
				   const char *osv_id, const char *summary, double cvss, const char *sev)
{
	struct bs_vuln_adv *a = bs_vuln_feed_row(f);
	a->ecosystem = bs_strdup(eco);
	a->package = bs_strdup(pkg);
	a->vuln_id = bs_strdup(vid);
	a->osv_id = bs_strdup(osv_id);
	a->status = bs_strdup("resolved");
	a->severity = bs_strdup(sev);
	a->cvss = cvss;
	a->summary = trunc_dup(summary ? summary : "", 300);
	return a;
}

/* One OSV record. 0 or a message in what. */
static int osv_record(struct bs_vuln_feed *f, const json_t *rec, const char **what)
{
	const char *id = json_string_value(json_object_get(rec, "id")), *vid;
	const json_t *aff = json_object_get(rec, "affected"), *al = json_object_get(rec, "aliases"), *x, *u;
	const char *summary = json_string_value(json_object_get(rec, "summary"));
	size_t i, j, k;

	if (!json_is_object(rec) || !id || !*id)
		return *what = "an OSV record is an object with a string 'id'", -1;
	if (aff && !json_is_array(aff))
		return *what = "an OSV record's 'affected' is not an array", -1;
	if (al && !json_is_array(al))
		return *what = "an OSV record's 'aliases' is not an array", -1;
	f->records++;
	/* the CVE it is about: its id, else a CVE alias or upstream id */
	vid = id;
	if (strncmp(id, "CVE-", 4)) {
		json_array_foreach (al, i, x)
			if (json_is_string(x) && !strncmp(json_string_value(x), "CVE-", 4)) {
				vid = json_string_value(x);
				break;
			}
		if (vid == id)
			json_array_foreach (json_object_get(rec, "upstream"), i, u)
				if (json_is_string(u) && !strncmp(json_string_value(u), "CVE-", 4)) {
					vid = json_string_value(u);
					break;
				}
		if (vid == id) /* AlmaLinux's and SUSE's records name their CVEs in related[] */
			json_array_foreach (json_object_get(rec, "related"), i, u)
				if (json_is_string(u) && !strncmp(json_string_value(u), "CVE-", 4)) {
					vid = json_string_value(u);
					break;
				}
	}
	if (!summary)
		summary = json_string_value(json_object_get(rec, "details"));
	json_array_foreach (aff, i, x) {
		const json_t *pkg = json_object_get(x, "package"), *ranges = json_object_get(x, "ranges"), *r;
		const json_t *versions = json_object_get(x, "versions"), *v;
		const char *eco = json_string_value(json_object_get(pkg, "ecosystem"));
		const char *name = json_string_value(json_object_get(pkg, "name"));
		char e[96];
		int known;
		double cvss;
		const char *sev;
		if (!json_is_object(x) || !eco || !name)
			return *what = "an affected[] entry has no package with a string ecosystem and name", -1;
		if ((ranges && !json_is_array(ranges)) || (versions && !json_is_array(versions)))
			return *what = "an affected[] entry's ranges or versions is not an array", -1;
		osv_ecosystem(eco, e, sizeof(e), &known);
		if (!known)
			note_unknown(f, e);
		osv_severity(rec, x, &cvss, &sev);
		json_array_foreach (ranges, j, r) {
			const char *type = json_string_value(json_object_get(r, "type"));
			const json_t *events = json_object_get(r, "events"), *ev;
			struct bs_vuln_adv *a = NULL;
			if (!type || !json_is_array(events))
				return *what = "a range has no string 'type' and array 'events'", -1;
			if (!strcmp(type, "GIT"))
				continue; /* commits, not versions */
			/* each "introduced" opens an interval that the next "fixed" or
			 * "last_affected" closes */
			json_array_foreach (events, k, ev) {
				const char *in = json_string_value(json_object_get(ev, "introduced"));
				const char *fx = json_string_value(json_object_get(ev, "fixed"));
				const char *la = json_string_value(json_object_get(ev, "last_affected"));
				if (!json_is_object(ev) || (!in && !fx && !la && !json_object_get(ev, "limit")))
					return *what = "a range event is not one of introduced, fixed, last_affected, limit", -1;
				if (in) {
					a = osv_row(f, e, name, vid, id, summary, cvss, sev);
					a->status = (free(a->status), bs_strdup("open"));
					if (strcmp(in, "0"))
						a->introduced = bs_strdup(in);
				} else if ((fx || la) && a) {
					free(a->status);
					a->status = bs_strdup("resolved");
					if (fx)
						a->fixed = bs_strdup(fx);
					else {
						a->last_affected = bs_strdup(la);
						free(a->status);
						a->status = bs_strdup("open");
					}
					a = NULL;
				}
			}
		}
		/* explicit versions: each an interval of one */
		json_array_foreach (versions, j, v) {
			struct bs_vuln_adv *a;
			if (!json_is_string(v))
				return *what = "a versions[] entry is not a string", -1;
			if (json_array_size(ranges))
				break; /* the ranges say it already */
			a = osv_row(f, e, name, vid, id, summary, cvss, sev);
			free(a->status);
			a->status = bs_strdup("open");
			a->introduced = bs_strdup(json_string_value(v));
			a->last_affected = bs_strdup(json_string_value(v));
		}
	}
	return 0;
}

static int parse_osv(struct bs_vuln_feed *f, const char *file, const char *t, size_t len)
{
	json_error_t je;
	json_t *doc = json_loadb(t, len, JSON_REJECT_DUPLICATES, &je), *r;
	const char *what = NULL;
	size_t i;
	int err = 0;

	if (!doc)
		return bad_at(file, t, (size_t)(je.position > 0 ? je.position - 1 : 0), je.text);
	if (json_is_array(doc)) {
		json_array_foreach (doc, i, r)
			if (osv_record(f, r, &what) < 0) {
				char msg[160];
				snprintf(msg, sizeof(msg), "record %zu: %s", i + 1, what);
				err = bs_error(BS_EINVALID, "feed '%s': %s: the feed is refused whole, nothing was imported", file, msg);
				break;
			}
	} else if (osv_record(f, doc, &what) < 0) {
		err = bs_error(BS_EINVALID, "feed '%s': %s: the feed is refused whole, nothing was imported", file, what);
	}
	json_decref(doc);
	return err;
}

/* --- CISA KEV --- */

static int parse_kev(struct bs_vuln_feed *f, const char *file, const char *t, size_t len)
{
	json_error_t je;
	json_t *doc = json_loadb(t, len, JSON_REJECT_DUPLICATES, &je), *v, *x;
	size_t i;

	if (!doc)
		return bad_at(file, t, (size_t)(je.position > 0 ? je.position - 1 : 0), je.text);
	v = json_object_get(doc, "vulnerabilities");
	if (!json_is_array(v)) {
		json_decref(doc);
		return bs_error(BS_EINVALID, "feed '%s': no array 'vulnerabilities': not CISA's KEV catalog "
				"(known_exploited_vulnerabilities.json): nothing was imported", file);
	}
	json_array_foreach (v, i, x) {
		const char *cve = json_string_value(json_object_get(x, "cveID"));
		if (!cve || strncmp(cve, "CVE-", 4)) {
			json_decref(doc);
			return bs_error(BS_EINVALID, "feed '%s': vulnerabilities[%zu] has no cveID 'CVE-...': the feed is refused "
					"whole, nothing was imported", file, i);
		}
		if (f->nkev == f->capkev) {
			f->capkev = f->capkev ? f->capkev * 2 : 256;
			f->kev = bs_realloc(f->kev, bs_size_mul(f->capkev, sizeof(*f->kev)));
		}
		struct bs_vuln_kevrec *k = &f->kev[f->nkev++];
		const char *da = json_string_value(json_object_get(x, "dateAdded"));
		const char *dd = json_string_value(json_object_get(x, "dueDate"));
		const char *nm = json_string_value(json_object_get(x, "vulnerabilityName"));
		k->cve = bs_strdup(cve);
		k->date_added = bs_strdup(da ? da : "");
		k->due_date = bs_strdup(dd ? dd : "");
		k->name = trunc_dup(nm ? nm : "", 300);
		f->records++;
	}
	json_decref(doc);
	return 0;
}

int bs_vuln_feed_parse(enum bs_vuln_format fmt, const char *file, const char *text, size_t len, const char *release,
		       struct bs_vuln_feed *out)
{
	int err;
	if (memchr(text, '\0', len)) {
		size_t off = (size_t)((const char *)memchr(text, '\0', len) - text);
		return bad_at(file, text, off, "a NUL byte: not a JSON text");
	}
	if (fmt == BS_VULN_TRACKER)
		err = parse_tracker(out, file, text, len, release);
	else if (fmt == BS_VULN_OSV)
		err = parse_osv(out, file, text, len);
	else if (fmt == BS_VULN_MSRC)
		err = bs_vuln_msrc_parse(out, file, text, len);
	else
		err = parse_kev(out, file, text, len);
	if (err < 0)
		bs_vuln_feed_release(out);
	return err;
}

#define FEED_MAX (1024ull << 20) /* 1 GiB: the tracker is about 70 MB */

static int read_whole(const char *path, struct bs_buf *b)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "cannot read feed '%s': %s", path,
				bs_strerror(errno));
	if (!S_ISREG(st.st_mode))
		return bs_error(BS_EINVALID, "feed '%s' is not a regular file", path);
	if ((unsigned long long)st.st_size > FEED_MAX)
		return bs_error(BS_EINVALID, "feed '%s' is larger than 1 GiB: not read", path);
	return bs_buf_read_file(b, path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bs_vuln_feed_load(enum bs_vuln_format fmt, const char *path, const char *release, struct bs_vuln_feed *out,
		      char sha256_hex[65])
{
	struct stat st;
	crypto_hash_sha256_state h;
	unsigned char md[32];
	struct bs_buf b = BS_BUF_INIT;
	int err = 0;

	memset(out, 0, sizeof(*out));
	crypto_hash_sha256_init(&h);
	if ((fmt == BS_VULN_OSV || fmt == BS_VULN_MSRC) && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* a directory of records, as osv.dev's per-ecosystem all.zip unpacks (or of MSRC's
		 * monthly documents) */
		DIR *d = opendir(path);
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;
		if (!d)
			return bs_error(BS_ERR, "cannot list feed directory '%s': %s", path, bs_strerror(errno));
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json"))
				continue;
			names = bs_realloc(names, bs_size_mul(n + 1, sizeof(*names)));
			names[n++] = bs_strdup(e->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n && err == 0; i++) {
			struct bs_buf file = BS_BUF_INIT;
			struct bs_vuln_feed one;
			memset(&one, 0, sizeof(one));
			bs_buf_printf(&file, "%s/%s", path, names[i]);
			bs_buf_clear(&b);
			if ((err = read_whole(file.ptr, &b)) == 0 &&
			    (err = bs_vuln_feed_parse(fmt, file.ptr, b.ptr ? b.ptr : "", b.len, release, &one)) == 0) {
				crypto_hash_sha256_update(&h, (const unsigned char *)b.ptr, b.len);
				/* move one's rows into out */
				for (size_t k = 0; k < one.nadv; k++) {
					struct bs_vuln_adv *a = bs_vuln_feed_row(out);
					*a = one.adv[k];
				}
				for (size_t k = 0; k < one.nunknown; k++)
					note_unknown(out, one.unknown[k]);
				out->records += one.records;
				one.nadv = 0;
				bs_vuln_feed_release(&one);
			}
			bs_buf_release(&file);
		}
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		if (!err && !n)
			err = bs_error(BS_EINVALID, "feed directory '%s' holds no *.json record", path);
	} else if ((err = read_whole(path, &b)) == 0) {
		crypto_hash_sha256_update(&h, (const unsigned char *)b.ptr, b.len);
		err = bs_vuln_feed_parse(fmt, path, b.ptr ? b.ptr : "", b.len, release, out);
	}
	bs_buf_release(&b);
	if (err < 0) {
		bs_vuln_feed_release(out);
		return err;
	}
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(sha256_hex, 65, md, 32);
	if (fmt == BS_VULN_TRACKER && release && !out->nadv)
		return bs_error(BS_EINVALID, "feed '%s' has no entry for release '%s': give the tracker's name of a Debian "
				"release (bookworm, bullseye, trixie)", path, release);
	return 0;
}
