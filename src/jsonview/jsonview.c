/* jsonview.c - JSON of catalog entries and status, one shape for the CLI and the API. */
#include "jsonview/jsonview.h"

#include "core/clock.h"
#include "intake/intake.h"
#include "profile/profile.h"

static json_t *text_json(const char *zh, const char *en)
{
	json_t *o = json_object();
	json_object_set_new(o, "zh-TW", json_string(zh));
	json_object_set_new(o, "en", json_string(en));
	return o;
}

static json_t *mask_json(unsigned mask)
{
	json_t *a = json_array();
	for (int i = 1; i <= 3; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_integer(i));
	return a;
}

json_t *bs_jsonview_control(const struct bs_control *c)
{
	json_t *o = json_object(), *applies = json_object(), *how = json_array();

	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "parent", c->parent_id ? json_string(c->parent_id) : json_null());
	json_object_set_new(o, "title", text_json(c->title.zh, c->title.en));
	json_object_set_new(o, "text", text_json(c->text.zh, c->text.en));
	if (c->applies.profile) {
		json_t *p = json_array();
		for (int f = 0; f < BS_PF_COUNT; f++)
			if (c->applies.profile & (1u << f))
				json_array_append_new(p, json_string(bs_profile_info((enum bs_profile_flag)f)->name));
		json_object_set_new(applies, "profile", p);
	}
	if (c->applies.system_category)
		json_object_set_new(applies, "system_category", mask_json(c->applies.system_category));
	if (c->applies.app_class)
		json_object_set_new(applies, "app_class", mask_json(c->applies.app_class));
	json_object_set_new(o, "applies", applies);
	for (size_t i = 0; i < c->nhow; i++) {
		json_t *h = json_object();
		json_object_set_new(h, "kind", json_string(bs_how_kind_name(c->how[i].kind)));
		json_object_set_new(h, "ref", json_string(c->how[i].ref));
		json_array_append_new(how, h);
	}
	json_object_set_new(o, "how", how);
	json_object_set_new(o, "period", c->period ? json_string(c->period) : json_null());
	return o;
}

static json_t *counts_json(const unsigned *count)
{
	json_t *o = json_object();
	for (int s = 0; s < BS_STATE_COUNT; s++)
		json_object_set_new(o, bs_state_name((enum bs_state)s), json_integer(count[s]));
	return o;
}

json_t *bs_jsonview_status(const struct bs_status *st, const char *prefix)
{
	json_t *o = json_object(), *groups = json_array(), *flags = json_object();
	char day[BS_DATE_MAX];

	bs_date_format(st->as_of, day);
	json_object_set_new(o, "as_of", json_string(day));
	json_object_set_new(o, "org", json_string(st->profile.org));
	for (int f = 0; f < BS_PF_COUNT; f++)
		json_object_set_new(flags, bs_profile_info((enum bs_profile_flag)f)->name,
				    json_boolean((st->profile.mask >> f) & 1));
	json_object_set_new(o, "profile", flags);
	json_object_set_new(o, "totals", counts_json(st->total));
	for (size_t g = 0; g < st->ngroups; g++) {
		const struct bs_status_group *gr = &st->groups[g];
		if (prefix && !bs_control_id_under(gr->control->id, prefix) && !bs_control_id_under(prefix, gr->control->id))
			continue;
		json_t *jg = json_object(), *items = json_array();
		json_object_set_new(jg, "id", json_string(gr->control->id));
		json_object_set_new(jg, "title", text_json(gr->control->title.zh, gr->control->title.en));
		json_object_set_new(jg, "state", json_string(bs_state_name(gr->state)));
		json_object_set_new(jg, "counts", counts_json(gr->count));
		for (size_t i = gr->first; i < gr->first + gr->n; i++) {
			const struct bs_status_item *it = &st->items[i];
			if (prefix && !bs_control_id_under(it->control->id, prefix))
				continue;
			json_t *ji = json_object();
			json_object_set_new(ji, "id", json_string(it->control->id));
			json_object_set_new(ji, "title", text_json(it->control->title.zh, it->control->title.en));
			json_object_set_new(ji, "state", json_string(bs_state_name(it->state)));
			json_object_set_new(ji, "reason", text_json(it->reason_zh, it->reason_en));
			json_array_append_new(items, ji);
		}
		json_object_set_new(jg, "controls", items);
		json_array_append_new(groups, jg);
	}
	json_object_set_new(o, "groups", groups);
	return o;
}

json_t *bs_jsonview_event(const struct bs_event *ev)
{
	json_t *o = bs_event_json(ev);
	json_t *data = json_object_get(o, "data");

	json_object_set_new(o, "data", bs_intake_event_view(ev->type, data));
	return o;
}
