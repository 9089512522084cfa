/* The report's entry points: formats by name, rendering a doc in one of them, freeing a doc. */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char *const format_names[] = { "html", "pdf", "docx", "oscal" };

int bs_report_format_parse(const char *s, enum bs_report_format *out)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, format_names[i])) {
			*out = (enum bs_report_format)i;
			return 0;
		}
	return bs_error(BS_EINVALID, "unknown report format '%s': use html, pdf, docx or oscal", s ? s : "");
}

const char *bs_report_format_name(enum bs_report_format f)
{
	return (unsigned)f < 4 ? format_names[f] : "?";
}

int bs_report_render(const struct bs_report_doc *doc, enum bs_report_format f, enum bs_lang lang, struct bs_buf *out)
{
	struct bs_report_outline o;
	int err;

	if (f == BS_REPORT_OSCAL)
		return bs_report_oscal(doc, lang, out);
	bs_report_outline(doc, lang, &o);
	if (f == BS_REPORT_HTML)
		err = bs_report_html(&o, lang, out);
	else if (f == BS_REPORT_PDF)
		err = bs_report_pdf(&o, lang, doc->generated_at, out);
	else
		err = bs_report_docx(&o, lang, doc->generated_at, out);
	bs_report_outline_release(&o);
	return err;
}

void bs_report_doc_release(struct bs_report_doc *d)
{
	for (size_t i = 0; i < d->nassessors; i++) {
		struct bs_report_assessor *a = &d->assessors[i];
		free(a->name), free(a->kind), free(a->unit), free(a->independence);
		free(a->certificate), free(a->finance_exp), free(a->nda_date);
	}
	for (size_t i = 0; i < d->nsystems; i++) {
		struct bs_report_system *s = &d->systems[i];
		free(s->id), free(s->name), free(s->areas_reason);
	}
	for (size_t i = 0; i < d->nsamples; i++) {
		struct bs_report_sample *s = &d->samples[i];
		free(s->system_id), free(s->device_id), free(s->device_name), free(s->basis);
	}
	for (size_t i = 0; i < d->nresults; i++) {
		struct bs_report_result *r = &d->results[i];
		free(r->system_id), free(r->control_id), free(r->source), free(r->note);
	}
	for (size_t i = 0; i < d->nfindings; i++) {
		struct bs_report_finding *f = &d->findings[i];
		free(f->id), free(f->system_id), free(f->control_id), free(f->severity), free(f->category);
		free(f->title), free(f->risk), free(f->recommendation), free(f->owner), free(f->due), free(f->status);
		for (size_t j = 0; j < f->nfollowups; j++) {
			struct bs_report_followup *u = &f->followups[j];
			free(u->at), free(u->who), free(u->verdict), free(u->note);
		}
		free(f->followups);
	}
	for (size_t i = 0; i < d->ndrills; i++) {
		struct bs_report_drill *x = &d->drills[i];
		free(x->id), free(x->date), free(x->scope), free(x->notes);
	}
	free(d->assessors), free(d->systems), free(d->samples), free(d->results), free(d->findings), free(d->drills);
	free(d->assessment_id), free(d->title), free(d->org), free(d->plan), free(d->start), free(d->end);
	free(d->status), free(d->audit_unit), free(d->generated_at);
	memset(d, 0, sizeof(*d));
}
