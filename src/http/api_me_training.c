/* api_me_training.c - GET /me/training: the signed-in person's own training and duties (第四條
 * 第五款), for every role including employees (training.self). The person is the live
 * record of the person register whose "account" is this user name; nobody else's record is
 * ever read into the answer. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/datefmt.h"
#include "http/http_int.h"
#include "registry/registry.h"
#include "schedule/schedule.h"

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The person's training records, newest first. */
static int own_training(struct bs_store *s, int64_t person, json_t **out)
{
	const struct bs_register *tr = bs_register_find("training");
	json_t *all, *rec;
	size_t i;
	int err;

	*out = json_array();
	if (!tr)
		return 0;
	if ((err = bs_reg_list(s, tr, 0, &all)) < 0)
		return err;
	json_array_foreach (all, i, rec)
		if (num(rec, "person") == person)
			json_array_insert(*out, 0, rec);
	json_decref(all);
	return 0;
}

/* The duties whose subject is this person, in lang. */
static int own_duties(struct bs_store *s, int64_t person, int32_t today, enum bs_lang lang, json_t **out)
{
	struct bs_schedule_opts so;
	struct bs_duties d = { 0 };
	char subject[40];
	json_t *all, *x;
	size_t i;
	int err;

	*out = NULL;
	bs_schedule_opts_default(&so, today);
	if ((err = bs_schedule_load(s, &so, &d)) < 0) {
		bs_duties_release(&d);
		return err;
	}
	all = bs_duties_json(&d, lang);
	bs_duties_release(&d);
	snprintf(subject, sizeof(subject), "person:%lld", (long long)person);
	*out = json_array();
	json_array_foreach (all, i, x)
		if (str(x, "subject") && !strcmp(str(x, "subject"), subject))
			json_array_append(*out, x);
	json_decref(all);
	return 0;
}

void bs_api_me_training(struct bs_http_ctx *c)
{
	const struct bs_register *pr = bs_register_find("person");
	const char *l = bs_http_query(c, "lang");
	enum bs_lang lang = BS_LANG_ZH_TW;
	int32_t today = bs_days_taipei(bs_clock_now());
	json_t *person = NULL, *training = NULL, *duties = NULL;
	char year[5], date[BS_DATE_MAX];
	double hours = 0, professional = 0;
	size_t i;
	json_t *t;
	int err;

	if (l && bs_lang_parse(l, &lang) < 0)
		return bs_http_error(c, 400, "invalid", "?lang='%.16s': use zh-TW or en", l);
	if (!pr)
		return bs_http_error(c, 500, "internal", "the person register is missing from this build");
	if ((err = bs_reg_find_text(c->dd->store, pr, "account", c->who.username, 0, &person)) < 0)
		return bs_http_fail(c, err);
	if (!person)
		return bs_http_json(c, 200, json_pack("{s:b}", "linked", 0));
	int64_t id = num(person, "id");
	if ((err = own_training(c->dd->store, id, &training)) < 0 ||
	    (err = own_duties(c->dd->store, id, today, lang, &duties)) < 0) {
		json_decref(person);
		json_decref(training);
		return bs_http_fail(c, err);
	}
	/* this calendar year's hours, as the duty counts them (Asia/Taipei dates) */
	bs_date_format(today, date);
	memcpy(year, date, 4);
	year[4] = '\0';
	json_array_foreach (training, i, t) {
		const char *d = str(t, "date"), *kind = str(t, "kind");
		json_t *h = json_object_get(t, "hours");
		if (!d || strncmp(d, year, 4) || !json_is_number(h))
			continue;
		hours += json_number_value(h);
		if (kind && !strcmp(kind, "professional"))
			professional += json_number_value(h);
	}
	bs_http_json(c, 200, json_pack("{s:b,s:{s:I,s:O,s:O,s:O},s:s,s:f,s:f,s:o,s:o}", "linked", 1, "person", "id",
				       (json_int_t)id, "name", json_object_get(person, "name"), "role",
				       json_object_get(person, "role"), "hired",
				       json_object_get(person, "hired") ? json_object_get(person, "hired") : json_null(), "year", year, "hours_this_year",
				       hours, "professional_hours_this_year", professional, "training", training,
				       "duties", duties));
	json_decref(person);
}
