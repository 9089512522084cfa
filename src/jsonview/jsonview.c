/* jsonview.c - JSON of catalog entries, status, events, accounts and evidence: one shape
 * for the CLI and the API. */
#include "jsonview/jsonview.h"

#include <string.h>

#include "core/clock.h"
#include "profile/profile.h"
#include "syslog/syslog.h"

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
	/* the links of docs/status.md: the entries that state the same duty elsewhere in the text
	 * (`same_as`, both ways once the catalog is linked: one proof serves all of them), and for an
	 * article the annex entries implementing it (`implemented_by`: it rolls up from them) */
	json_t *same = json_array(), *impl = json_array();
	if (c->nlinked)
		for (size_t i = 0; i < c->nlinked; i++)
			json_array_append_new(same, json_string(c->linked[i]->id));
	else
		for (size_t i = 0; i < c->nsame_as; i++)
			json_array_append_new(same, json_string(c->same_as[i]));
	if (c->nimplemented)
		for (size_t i = 0; i < c->nimplemented; i++)
			json_array_append_new(impl, json_string(c->implemented_by[i]->id));
	else
		for (size_t i = 0; i < c->nimpl; i++)
			json_array_append_new(impl, json_string(c->impl_ids[i]));
	json_object_set_new(o, "same_as", same);
	json_object_set_new(o, "implemented_by", impl);
	/* and the other way, for an annex entry of the built-in catalog: the articles it implements */
	const struct bs_catalog *cat;
	json_t *impls = json_array();
	if (bs_catalog_builtin(&cat) == 0)
		for (size_t i = 0; i < cat->n; i++)
			for (size_t k = 0; k < cat->v[i].nimplemented; k++)
				if (cat->v[i].implemented_by[k] == c)
					json_array_append_new(impls, json_string(cat->v[i].id));
	json_object_set_new(o, "implements", impls);
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

	json_object_set_new(o, "data", bs_syslog_event_view(ev->type, data));
	return o;
}

/* A time to the second, or null for 0 (never, or not yet). */
static json_t *time_json(int64_t us)
{
	char t[BS_TIME_MAX];

	if (!us)
		return json_null();
	bs_time_format(us, t);
	t[19] = 'Z'; /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ": seconds are enough for an account */
	t[20] = '\0';
	return json_string(t);
}

json_t *bs_jsonview_account(const struct bs_account *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "username", json_string(a->username));
	json_object_set_new(o, "full_name", json_string(a->full_name));
	json_object_set_new(o, "role", json_string(bs_role_name(a->role)));
	json_object_set_new(o, "kind", json_string(bs_account_kind_name(a->kind)));
	json_object_set_new(o, "state", json_string(a->state));
	if (a->disabled_reason[0])
		json_object_set_new(o, "disabled_reason", json_string(a->disabled_reason));
	json_object_set_new(o, "expires", time_json(a->expires_us));
	json_object_set_new(o, "last_login", time_json(a->last_login_us));
	json_object_set_new(o, "password_changed", time_json(a->pw_changed_us));
	json_object_set_new(o, "must_change_password", json_boolean(a->must_change));
	json_object_set_new(o, "locked", json_boolean(a->locked_until_us > bs_clock_now()));
	json_object_set_new(o, "totp", json_boolean(a->totp_enrolled));
	json_object_set_new(o, "totp_cli_only", json_boolean(a->totp_cli_only));
	json_object_set_new(o, "created", time_json(a->created_us));
	json_object_set_new(o, "created_by", json_string(a->created_by));
	json_object_set_new(o, "networks", json_string(a->networks));
	json_object_set_new(o, "hours", json_string(a->hours));
	json_object_set_new(o, "max_sessions", json_integer(a->max_sessions));
	return o;
}

json_t *bs_jsonview_token(const struct bs_token_info *t, const char *state)
{
	json_t *o = json_object(), *scopes = json_array();
	const char *p = t->scopes;

	while (*p) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(scopes, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "owner", json_string(t->owner));
	json_object_set_new(o, "owner_role", json_string(bs_role_name(t->owner_role)));
	json_object_set_new(o, "scopes", scopes);
	json_object_set_new(o, "created", time_json(t->created_us));
	json_object_set_new(o, "created_by", json_string(t->created_by));
	json_object_set_new(o, "expires", time_json(t->expires_us));
	json_object_set_new(o, "revoked", json_boolean(t->revoked));
	json_object_set_new(o, "state", json_string(state));
	return o;
}

json_t *bs_jsonview_evidence(const struct bs_evidence *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "control_id", json_string(e->control_id));
	json_object_set_new(o, "sha256", json_string(e->sha256));
	json_object_set_new(o, "size", json_integer(e->size));
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "note", json_string(e->note));
	json_object_set_new(o, "created_at", json_string(e->created_at));
	json_object_set_new(o, "created_by", json_string(e->created_by));
	json_object_set_new(o, "record", e->record_register ? json_pack("{s:s, s:I}", "register", e->record_register,
								       "id", (json_int_t)e->record_id) : json_null());
	json_object_set_new(o, "state", json_string(bs_evidence_state_name(e->state)));
	json_object_set_new(o, "reviewed_by", e->reviewed_by ? json_string(e->reviewed_by) : json_null());
	json_object_set_new(o, "reviewed_at", e->reviewed_at ? json_string(e->reviewed_at) : json_null());
	json_object_set_new(o, "review_comment", e->review_comment ? json_string(e->review_comment) : json_null());
	return o;
}
