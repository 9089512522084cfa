/* The deadline engine: every rule is one row of rules[], naming the clauses its duties cite.
 * The rules themselves, each beside the periods the text sets for it, are in
 * schedule_periodic.c (recurring duties) and schedule_records.c (what records lack); the
 * output (JSON, iCalendar) is in schedule_out.c. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "schedule/schedule_int.h"

/* Every rule of the engine. */
static const struct rule {
	const char *name;
	const char *sources; /* for docs and people: the clauses the rule's duties cite */
	void (*run)(struct sched_ctx *c);
} rules[] = {
	{ "assessment", "A2.3.1.1 A2.3.1.2 A2.3.1.3", sched_rule_assessment },
	{ "reassessment", "A2.3.3", sched_rule_reassessment },
	{ "bcp-drill", "A2.3.4", sched_rule_bcp_drill },
	{ "plan-review", "A2.2.2", sched_rule_plan_review },
	{ "social-engineering-drill", "A2.6", sched_rule_se_drill },
	{ "training", "SR.4.5", sched_rule_training },
	{ "backup", "A2.4.1.8.1 A2.4.1.8.2 A2.4.1.8.3 A3.7.11", sched_rule_backup },
	{ "account-review", "A2.4.1.6.1.4", sched_rule_account_review },
	{ "incident", "SR.19 A3.6", sched_rule_incidents },
	{ "job-change", "SR.4.7", sched_rule_job_changes },
	{ "person", "SR.4.1 SR.4.2", sched_rule_people },
	{ "vendor", "SR.4.3 A2.5.6.6", sched_rule_vendors },
	{ "disposal", "SR.17", sched_rule_disposals },
	{ "app", "A1.T1 A1.4.1.1.5.2", sched_rule_apps },
	{ "policy-doc", "SR.5 SR.6 SR.7 SR.13 SR.17 SR.18", sched_rule_policy_docs },
	{ "finding", "A2.8", sched_rule_findings },
	{ "retention", "A2.8 A2.4.1.7.1.1", sched_rule_retention },
	{ "vuln", "SR.15 A2.5.3.1 SR.18.1", sched_rule_vuln },
	{ "lookalike", "SR.14", sched_rule_lookalike },
	{ "notify", "A2.4.1.7.4.2", sched_rule_notify },
};

void bs_schedule_opts_default(struct bs_schedule_opts *o, int32_t as_of)
{
	memset(o, 0, sizeof(*o));
	o->as_of = as_of;
	o->within = 90;
	o->restore_test_months = 12;
	o->account_review_months = 12;
}

void sched_add(struct sched_ctx *c, const char *duty, const char *source, const char *subject, int32_t due,
	       enum bs_duty_kind kind, enum force force, const char *zh, const char *en)
{
	struct bs_duties *d = c->out;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->v = bs_realloc(d->v, bs_size_mul(d->cap, sizeof(*d->v)));
	}
	struct bs_duty *x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->duty = duty;
	snprintf(x->source, sizeof(x->source), "%s", source);
	snprintf(x->subject, sizeof(x->subject), "%s", subject);
	x->due = due;
	x->kind = kind;
	if (kind == BS_DUTY_RETENTION || force == FORCE_OK)
		x->status = BS_DUTY_OK;
	else if (force == FORCE_OVERDUE || due < c->o->as_of)
		x->status = BS_DUTY_OVERDUE;
	else if (due <= c->o->as_of + c->o->within)
		x->status = BS_DUTY_DUE_SOON;
	else
		x->status = BS_DUTY_OK;
	x->detail_zh = bs_strdup(zh);
	x->detail_en = bs_strdup(en);
}

/* --- ordering and output --- */

/* "system:10" after "system:9": compare the text before the digits, then the number. */
static int subject_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long long na = strtoull(a, &ea, 10), nb = strtoull(b, &eb, 10);
			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int duty_cmp(const void *pa, const void *pb)
{
	const struct bs_duty *a = pa, *b = pb;
	int r;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if ((r = strcmp(a->duty, b->duty)) != 0)
		return r;
	if ((r = subject_cmp(a->subject, b->subject)) != 0)
		return r;
	return strcmp(a->source, b->source);
}

int bs_schedule_compute(const json_t *snapshot, const struct bs_schedule_opts *o, struct bs_duties *out)
{
	struct sched_ctx c = { snapshot, o, out };

	memset(out, 0, sizeof(*out));
	if (!json_is_object(snapshot))
		return bs_error(BS_EINVALID, "the register snapshot is not a JSON object");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		rules[i].run(&c);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), duty_cmp);
	return 0;
}

void bs_duties_release(struct bs_duties *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].detail_zh);
		free(d->v[i].detail_en);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}
