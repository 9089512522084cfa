/* scan_result.c - what a scan leaves: results and their release, waivers applied to
 * failing checks, the exit status, names and labels, and the JSON document. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "scan/scan.h"

void bs_scan_waiver_release(struct bs_scan_waiver *w)
{
	if (!w)
		return;
	free(w->host);
	free(w->check_id);
	free(w->justification);
	free(w->approver);
	free(w->expires);
	free(w->created_at);
	free(w->created_by);
	memset(w, 0, sizeof(*w));
}

void bs_scan_free(struct bs_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct bs_scan_result *r = &s->results[i];
		free(r->reason);
		free(r->reason_zh);
		for (size_t k = 0; k < r->nev; k++) {
			free(r->ev[k].file);
			free(r->ev[k].subject);
			free(r->ev[k].found);
			free(r->ev[k].required);
		}
		free(r->ev);
		if (r->waiver) {
			bs_scan_waiver_release(r->waiver);
			free(r->waiver);
		}
	}
	free(s->results);
	free(s->host);
	free(s->root);
	free(s->platform);
	free(s->started_at);
	free(s);
}

int bs_scan_exit_status(const struct bs_scan *s)
{
	return (s->count[BS_SCAN_FAIL] > s->waived || s->count[BS_SCAN_ERROR]) ? 1 : 0;
}

static struct bs_scan_waiver *waiver_copy(const struct bs_scan_waiver *w)
{
	struct bs_scan_waiver *c = bs_calloc(1, sizeof(*c));
	c->id = w->id;
	c->host = bs_strdup(w->host);
	c->check_id = bs_strdup(w->check_id);
	c->justification = bs_strdup(w->justification);
	c->approver = bs_strdup(w->approver);
	c->expires = bs_strdup(w->expires);
	c->created_at = bs_strdup(w->created_at ? w->created_at : "");
	c->created_by = bs_strdup(w->created_by ? w->created_by : "");
	return c;
}

void bs_scan_apply_waivers(struct bs_scan *s, struct bs_scan_waiver *w, size_t n, int32_t today)
{
	s->waived = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct bs_scan_result *r = &s->results[i];
		if (r->status != BS_SCAN_FAIL || r->waiver)
			continue;
		for (size_t k = 0; k < n; k++) {
			int32_t exp;
			if (strcmp(w[k].check_id, r->check->id) || strcmp(w[k].host, s->host))
				continue;
			if (bs_date_parse(w[k].expires, &exp) < 0 || exp < today)
				continue; /* expired waivers lapse by themselves */
			r->waiver = waiver_copy(&w[k]);
			break;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->results[i].waiver)
			s->waived++;
}

static const char *const status_names[] = { "pass", "fail", "not_applicable", "error" };

const char *bs_scan_status_name(enum bs_scan_status s)
{
	return (unsigned)s < BS_SCAN_STATUS_COUNT ? status_names[s] : "?";
}

const char *bs_scan_status_label(enum bs_scan_status s, enum bs_lang lang)
{
	switch (s) {
	case BS_SCAN_PASS: return BS_T(lang, "通過", "pass");
	case BS_SCAN_FAIL: return BS_T(lang, "不符", "FAIL");
	case BS_SCAN_NA: return BS_T(lang, "不適用", "n/a");
	case BS_SCAN_ERROR: return BS_T(lang, "錯誤", "ERROR");
	default: return "?";
	}
}

const char *bs_scan_severity_name(enum bs_scan_severity s)
{
	static const char *const names[] = { "low", "medium", "high", "critical" };
	return (unsigned)s < 4 ? names[s] : "?";
}

static json_t *text_json(const struct bs_text *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "zh-TW", json_string(t->zh));
	json_object_set_new(o, "en", json_string(t->en));
	return o;
}

static json_t *nullable(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *bs_scan_json(const struct bs_scan *s)
{
	json_t *o = json_object(), *sum = json_object(), *arr = json_array();

	json_object_set_new(o, "host", json_string(s->host));
	json_object_set_new(o, "root", json_string(s->root));
	json_object_set_new(o, "platform", json_string(s->platform));
	json_object_set_new(o, "started_at", json_string(s->started_at));
	for (int i = 0; i < BS_SCAN_STATUS_COUNT; i++)
		json_object_set_new(sum, status_names[i], json_integer(s->count[i]));
	json_object_set_new(sum, "waived", json_integer(s->waived));
	json_object_set_new(o, "summary", sum);
	for (size_t i = 0; i < s->n; i++) {
		const struct bs_scan_result *r = &s->results[i];
		json_t *j = json_object(), *refs = json_array(), *ev = json_array();
		json_object_set_new(j, "id", json_string(r->check->id));
		json_object_set_new(j, "status", json_string(status_names[r->status]));
		json_object_set_new(j, "severity", json_string(bs_scan_severity_name(r->check->severity)));
		json_object_set_new(j, "title", text_json(&r->check->title));
		for (size_t k = 0; k < r->check->nrefs; k++)
			json_array_append_new(refs, json_string(r->check->refs[k]));
		json_object_set_new(j, "refs", refs);
		if (r->reason)
			json_object_set_new(j, "reason", json_string(r->reason));
		if (r->reason_zh)
			json_object_set_new(j, "reason_zh", json_string(r->reason_zh));
		for (size_t k = 0; k < r->nev; k++) {
			const struct bs_scan_evidence *e = &r->ev[k];
			json_t *je = json_object();
			json_object_set_new(je, "file", nullable(e->file));
			json_object_set_new(je, "line", e->line ? json_integer(e->line) : json_null());
			json_object_set_new(je, "subject", nullable(e->subject));
			json_object_set_new(je, "found", json_string(e->found));
			json_object_set_new(je, "required", json_string(e->required));
			json_array_append_new(ev, je);
		}
		json_object_set_new(j, "evidence", ev);
		if (r->status != BS_SCAN_PASS)
			json_object_set_new(j, "remediation", text_json(&r->check->remediation));
		if (r->check->baseline.zh)
			json_object_set_new(j, "baseline", text_json(&r->check->baseline));
		if (r->waiver) {
			json_t *w = json_object();
			json_object_set_new(w, "id", json_integer(r->waiver->id));
			json_object_set_new(w, "justification", json_string(r->waiver->justification));
			json_object_set_new(w, "approver", json_string(r->waiver->approver));
			json_object_set_new(w, "expires", json_string(r->waiver->expires));
			json_object_set_new(j, "waiver", w);
		}
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "results", arr);
	char *txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return txt;
}
