/* The report as an OSCAL 1.1.2 assessment-results document (NIST), built with jansson:
 * the reviewed controls, one observation per control result and per drill, one finding and
 * one risk per finding (severity as a facet, the recommendation as a remediation, the audit
 * unit's follow-ups as the risk log), the assessors as parties. UUIDs are version 5 (SHA-1,
 * RFC 4122) of the assessment and the item, so the same report always carries the same ids. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "report/report.h"

#define NS "https://brokersec.tw/ns/oscal"

/* uuid v5 in a namespace of our own, over "assessment-id/kind/key". */
static void uuid5(const struct bs_report_doc *d, const char *kind, const char *key, char out[37])
{
	static const unsigned char ns[16] = { 0x6b, 0x1f, 0x3c, 0x52, 0x8e, 0x0a, 0x4d, 0x2b,
					      0x9c, 0x44, 0x1e, 0x77, 0x30, 0x5a, 0xb2, 0x19 };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		abort();
	EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
	EVP_DigestUpdate(ctx, ns, sizeof(ns));
	EVP_DigestUpdate(ctx, d->assessment_id, strlen(d->assessment_id));
	EVP_DigestUpdate(ctx, "/", 1);
	EVP_DigestUpdate(ctx, kind, strlen(kind));
	EVP_DigestUpdate(ctx, "/", 1);
	EVP_DigestUpdate(ctx, key, strlen(key));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2],
		 md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13], md[14], md[15]);
}

/* OSCAL strings (StringDatatype) are one line without outer spaces: runs of white space
 * become one space; an empty text becomes "-". */
static json_t *jstr(const char *s)
{
	struct bs_buf b = BS_BUF_INIT;
	json_t *j;
	int space = 0;

	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') {
			space = 1;
			continue;
		}
		if (space && b.len)
			bs_buf_putc(&b, ' ');
		space = 0;
		bs_buf_putc(&b, *s);
	}
	j = json_string(b.len ? b.ptr : "-");
	bs_buf_release(&b);
	return j;
}

/* A date (YYYY-MM-DD) as OSCAL's date-time with a zone (midnight UTC); the generation time
 * when the date is missing or unreadable. */
static json_t *jtime(const struct bs_report_doc *d, const char *s)
{
	int64_t us;
	char t[BS_TIME_MAX];
	if (!s || !*s || bs_time_parse(s, &us) < 0)
		if (!d->generated_at || bs_time_parse(d->generated_at, &us) < 0)
			us = bs_clock_now();
	bs_report_time_seconds(us, t);
	return json_string(t);
}

static json_t *prop(const char *name, const char *value)
{
	return json_pack("{s:s, s:s, s:o}", "name", name, "ns", NS, "value", jstr(value));
}

static void add_prop(json_t *arr, const char *name, const char *value)
{
	json_array_append_new(arr, prop(name, value));
}

static const char *result_token(enum bs_report_result_kind r)
{
	static const char *const t[] = { "met", "not-met", "not-applicable", "not-assessed" };
	return t[r];
}

static json_t *metadata(const struct bs_report_doc *d, enum bs_lang lang, json_t **assessor_uuids)
{
	json_t *parties = json_array(), *uuids = json_array(), *props = json_array();
	char u[37];
	json_t *m;

	uuid5(d, "party", "organisation", u);
	json_array_append_new(parties, json_pack("{s:s, s:s, s:o}", "uuid", u, "type", "organization", "name", jstr(d->org)));
	for (size_t i = 0; i < d->nassessors; i++) {
		const struct bs_report_assessor *a = &d->assessors[i];
		json_t *pp = json_array();
		char key[32], hours[32];
		snprintf(key, sizeof(key), "assessor-%zu", i);
		uuid5(d, "party", key, u);
		snprintf(hours, sizeof(hours), "%g", a->training_hours);
		add_prop(pp, "assessor-kind", a->kind);
		add_prop(pp, "unit", a->unit);
		add_prop(pp, "independence", a->independence);
		add_prop(pp, "training-hours", hours);
		if (a->certificate && *a->certificate)
			add_prop(pp, "certificate", a->certificate);
		add_prop(pp, "financial-experience", a->finance_exp);
		add_prop(pp, "nda-signed", a->nda_date);
		json_array_append_new(parties, json_pack("{s:s, s:s, s:o, s:o}", "uuid", u, "type", "person", "name",
							 jstr(a->name), "props", pp));
		json_array_append_new(uuids, json_string(u));
	}
	add_prop(props, "assessment-id", d->assessment_id);
	/* a demo data directory's report (datadir.h) */
	if (d->demo)
		json_array_append_new(props, json_pack("{s:s, s:s, s:s, s:s}", "name", "marking", "ns", NS, "value", "demo",
						       "remarks", BS_T(lang, BS_REPORT_DEMO_MARK_ZH "：由 brokersec 示範資料目錄產生，非真實評估。",
								       BS_REPORT_DEMO_MARK_EN ": generated from a brokersec demo data directory.")));
	add_prop(props, "audit-unit", d->audit_unit);
	add_prop(props, "regulation", "附件二 保險經紀人辦理電腦系統資訊安全評估作業原則 捌、評估報告 (A2.8)");
	m = json_pack("{s:o, s:o, s:s, s:s, s:o, s:[{s:s, s:s}, {s:s, s:s}], s:o}", "title",
		      jstr(BS_T(lang, "電腦系統資訊安全評估報告", "Computer System Information Security Assessment Report")),
		      "last-modified", jtime(d, d->generated_at), "version", "1", "oscal-version", "1.1.2", "props", props,
		      "roles", "id", "assessor", "title", BS_T(lang, "評估人員", "Assessor"), "id", "audit-unit", "title",
		      BS_T(lang, "稽核單位", "Audit unit"), "parties", parties);
	if (json_array_size(uuids))
		json_object_set_new(m, "responsible-parties", json_pack("[{s:s, s:O}]", "role-id", "assessor", "party-uuids", uuids));
	*assessor_uuids = uuids;
	return m;
}

static json_t *observations(const struct bs_report_doc *d, enum bs_lang lang)
{
	json_t *arr = json_array();
	char u[37], key[160];

	for (size_t i = 0; i < d->nresults; i++) {
		const struct bs_report_result *r = &d->results[i];
		json_t *pp = json_array();
		struct bs_buf desc = BS_BUF_INIT;
		snprintf(key, sizeof(key), "%s/%s", r->system_id, r->control_id);
		uuid5(d, "observation", key, u);
		bs_buf_printf(&desc, "%s %s: %s", r->system_id, r->control_id, result_token(r->result));
		if (r->note && *r->note)
			bs_buf_printf(&desc, " - %s", r->note);
		add_prop(pp, "system", r->system_id);
		add_prop(pp, "control", r->control_id);
		add_prop(pp, "result", result_token(r->result));
		add_prop(pp, "basis", r->source);
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:[s], s:o, s:o}", "uuid", u, "title", jstr(key), "description",
						     jstr(desc.ptr), "methods", !strcmp(r->source ? r->source : "", "scan") ? "TEST" : "EXAMINE",
						     "collected", jtime(d, d->end), "props", pp));
		bs_buf_release(&desc);
	}
	for (size_t i = 0; i < d->ndrills; i++) {
		const struct bs_report_drill *x = &d->drills[i];
		json_t *pp = json_array();
		char n[4][24];
		struct bs_buf desc = BS_BUF_INIT;
		snprintf(n[0], sizeof(n[0]), "%d", x->sent);
		snprintf(n[1], sizeof(n[1]), "%d", x->opened);
		snprintf(n[2], sizeof(n[2]), "%d", x->clicked);
		snprintf(n[3], sizeof(n[3]), "%d", x->reported);
		add_prop(pp, "drill-emails-sent", n[0]);
		add_prop(pp, "drill-opened", n[1]);
		add_prop(pp, "drill-clicked", n[2]);
		add_prop(pp, "drill-reported", n[3]);
		uuid5(d, "drill", x->id, u);
		bs_buf_printf(&desc, BS_T(lang, "社交工程演練（附件二陸）%s：寄送 %d、開啟 %d、點擊 %d、通報 %d。%s",
					  "Social engineering drill (Annex 2 VI) %s: sent %d, opened %d, clicked %d, reported %d. %s"),
			      x->date, x->sent, x->opened, x->clicked, x->reported, x->notes ? x->notes : "");
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:[s], s:[s], s:o, s:o}", "uuid", u, "title",
						     jstr(BS_T(lang, "社交演練結果", "Social engineering drill results")),
						     "description", jstr(desc.ptr), "methods", "TEST", "types", "finding",
						     "collected", jtime(d, x->date), "props", pp));
		bs_buf_release(&desc);
	}
	return arr;
}

static json_t *risk(const struct bs_report_doc *d, const struct bs_report_finding *f, json_t *assessors)
{
	char u[37], k[160];
	json_t *r, *log = json_array();

	uuid5(d, "risk", f->id, u);
	r = json_pack("{s:s, s:o, s:o, s:o, s:s}", "uuid", u, "title", jstr(f->title && *f->title ? f->title : f->id),
		      "description", jstr(f->risk), "statement", jstr(f->risk),
		      "status", strcmp(f->status, "closed") ? "open" : "closed");
	if (json_array_size(assessors))
		json_object_set_new(r, "characterizations", json_pack("[{s:{s:[{s:s, s:O}]}, s:[{s:s, s:s, s:o}, {s:s, s:s, s:o}]}]",
			"origin", "actors", "type", "party", "actor-uuid", json_array_get(assessors, 0),
			"facets", "name", "severity", "system", NS, "value", jstr(f->severity),
			"name", "category", "system", NS, "value", jstr(f->category)));
	snprintf(k, sizeof(k), "%s/recommendation", f->id);
	uuid5(d, "response", k, u);
	json_object_set_new(r, "remediations", json_pack("[{s:s, s:s, s:s, s:o}]", "uuid", u, "lifecycle", "recommendation",
							 "title", "recommendation", "description", jstr(f->recommendation)));
	if (f->due && *f->due)
		json_object_set_new(r, "deadline", jtime(d, f->due));
	for (size_t j = 0; j < f->nfollowups; j++) {
		const struct bs_report_followup *x = &f->followups[j];
		struct bs_buf t = BS_BUF_INIT;
		snprintf(k, sizeof(k), "%s/%zu", f->id, j);
		uuid5(d, "follow-up", k, u);
		bs_buf_printf(&t, "%s%s: %s%s%s", x->who, x->audit_unit ? " (audit unit)" : "", x->verdict,
			      x->note && *x->note ? " - " : "", x->note ? x->note : "");
		json_array_append_new(log, json_pack("{s:s, s:s, s:o, s:o, s:[{s:s, s:s, s:o}]}", "uuid", u, "title", "audit unit follow-up",
						     "description", jstr(t.ptr), "start", jtime(d, x->at), "props", "name", "verdict", "ns", NS,
						     "value", jstr(x->verdict)));
		bs_buf_release(&t);
	}
	if (json_array_size(log))
		json_object_set_new(r, "risk-log", json_pack("{s:o}", "entries", log));
	else
		json_decref(log);
	return r;
}

static json_t *finding(const struct bs_report_doc *d, const struct bs_report_finding *f)
{
	char u[37], ru[37];
	json_t *pp = json_array();
	uuid5(d, "finding", f->id, u);
	uuid5(d, "risk", f->id, ru);
	add_prop(pp, "finding-id", f->id);
	add_prop(pp, "system", f->system_id);
	add_prop(pp, "severity", f->severity);
	add_prop(pp, "category", f->category);
	add_prop(pp, "owner", f->owner);
	add_prop(pp, "due", f->due);
	add_prop(pp, "status", f->status);
	return json_pack("{s:s, s:o, s:o, s:o, s:{s:s, s:s, s:{s:s}}, s:[{s:s}]}", "uuid", u, "title",
			 jstr(f->title && *f->title ? f->title : f->id), "description", jstr(f->risk), "props", pp,
			 "target", "type", "objective-id", "target-id", f->control_id, "status", "state", "not-satisfied",
			 "related-risks", "risk-uuid", ru);
}

int bs_report_oscal(const struct bs_report_doc *d, enum bs_lang lang, struct bs_buf *out)
{
	json_t *assessors = NULL, *controls = json_array(), *top, *result, *doc, *obs;
	char u[37], ru[37];
	char *s;

	/* each control once, in the order the results name them */
	for (size_t i = 0; i < d->nresults; i++) {
		size_t j;
		for (j = 0; j < i && strcmp(d->results[j].control_id, d->results[i].control_id); j++)
			;
		if (j == i)
			json_array_append_new(controls, json_pack("{s:s}", "control-id", d->results[i].control_id));
	}
	uuid5(d, "document", "assessment-results", u);
	uuid5(d, "result", "1", ru);
	doc = json_pack("{s:s, s:o}", "uuid", u, "metadata", metadata(d, lang, &assessors));
	/* the plan (貳) is kept in brokersec: a back-matter resource stands for it */
	{
		char pu[37], href[40];
		uuid5(d, "resource", "assessment-plan", pu);
		snprintf(href, sizeof(href), "#%s", pu);
		json_object_set_new(doc, "import-ap", json_pack("{s:s}", "href", href));
		json_object_set_new(doc, "back-matter", json_pack("{s:[{s:s, s:o, s:o}]}", "resources", "uuid", pu, "title",
			jstr(BS_T(lang, "評估計畫（附件二貳）", "Assessment plan (Annex 2 II)")), "description",
			jstr(d->plan && *d->plan ? d->plan : BS_T(lang, "評估計畫保存於 brokersec", "the plan is kept in brokersec"))));
	}
	result = json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:[{s:o}]}}", "uuid", ru, "title", jstr(d->title), "description",
			   jstr(BS_T(lang, "依附件二辦理之電腦系統資訊安全評估結果", "Results of the computer system security assessment under Annex 2")),
			   "start", jtime(d, d->start), "end", jtime(d, d->end), "reviewed-controls", "control-selections",
			   json_array_size(controls) ? "include-controls" : "include-all",
			   json_array_size(controls) ? json_incref(controls) : json_object());
	obs = observations(d, lang);
	if (json_array_size(obs))
		json_object_set_new(result, "observations", obs);
	else
		json_decref(obs);
	if (d->nfindings) {
		json_t *findings = json_array(), *risks = json_array();
		for (size_t i = 0; i < d->nfindings; i++) {
			json_array_append_new(findings, finding(d, &d->findings[i]));
			json_array_append_new(risks, risk(d, &d->findings[i], assessors));
		}
		json_object_set_new(result, "findings", findings);
		json_object_set_new(result, "risks", risks);
	}
	json_object_set_new(doc, "results", json_pack("[o]", result));
	top = json_pack("{s:o}", "assessment-results", doc);
	s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(top);
	json_decref(controls);
	json_decref(assessors);
	if (!s)
		return bs_error(BS_ERR, "cannot write the OSCAL document: a text is not valid UTF-8 (jansson)");
	bs_buf_puts(out, s);
	bs_buf_putc(out, '\n');
	free(s);
	return 0;
}
