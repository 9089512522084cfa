/* api_registers.c - the registers (src/registry) over the API. Every register goes through the
 * same routes (/registers/NAME, /registers/NAME/ID, .../history, .../archive): the handlers
 * take the register from the path's first segment and its descriptor does the rest, so a new
 * register needs nothing here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"
#include "registry/registry.h"

static json_t *labels_json(const char *zh, const char *en)
{
	return json_pack("{s:s,s:s}", "zh-TW", zh ? zh : "", "en", en ? en : "");
}

static json_t *value_label(const struct bs_field *f, const char *v)
{
	struct bs_buf zh = BS_BUF_INIT, en = BS_BUF_INIT;
	bs_field_value_label(f, v, BS_LANG_ZH_TW, &zh);
	bs_field_value_label(f, v, BS_LANG_EN, &en);
	json_t *o = labels_json(zh.ptr, en.ptr);
	bs_buf_release(&zh);
	bs_buf_release(&en);
	return o;
}

/* Enum and set values by their labels; an int field with labels (a system's category 1-3). */
static json_t *value_labels(const struct bs_field *f)
{
	json_t *o = json_object();
	if (f->values) {
		for (size_t i = 0; f->values[i]; i++)
			json_object_set_new(o, f->values[i], value_label(f, f->values[i]));
	} else if (f->type == BS_FT_INT) {
		for (int64_t v = f->min; v <= f->max && v - f->min < 64; v++) {
			char num[32];
			snprintf(num, sizeof(num), "%lld", (long long)v);
			json_object_set_new(o, num, value_label(f, num));
		}
	}
	return o;
}

static json_t *field_json(const struct bs_field *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "type", json_string(bs_ftype_name(f->type)));
	json_object_set_new(o, "required", json_boolean(f->flags & BS_FF_REQUIRED));
	if (f->values) {
		json_t *a = json_array();
		for (size_t i = 0; f->values[i]; i++)
			json_array_append_new(a, json_string(f->values[i]));
		json_object_set_new(o, "values", a);
	}
	if (f->labels) /* what a person reads for each value: {"security": {"zh-TW": "資安人員", "en": ...}} */
		json_object_set_new(o, "value_labels", value_labels(f));
	if (f->ref)
		json_object_set_new(o, "ref", json_string(f->ref));
	if (f->type == BS_FT_INT || f->type == BS_FT_NUM) {
		json_object_set_new(o, "min", json_integer((json_int_t)f->min));
		json_object_set_new(o, "max", json_integer((json_int_t)f->max));
	} else if (f->type == BS_FT_TEXT) {
		json_object_set_new(o, "max_bytes", json_integer(f->max ? (json_int_t)f->max : 500));
	}
	json_object_set_new(o, "default", f->def ? json_string(f->def) : json_null());
	json_object_set_new(o, "label", labels_json(f->zh, f->en));
	return o;
}

void bs_api_registers(struct bs_http_ctx *c)
{
	json_t *a = json_array();
	for (size_t i = 0; bs_registers[i]; i++) {
		const struct bs_register *r = bs_registers[i];
		json_t *fields = json_array();
		for (const struct bs_field *f = r->fields; f->name; f++)
			json_array_append_new(fields, field_json(f));
		json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:b,s:o}", "name", r->name, "label",
						   labels_json(r->zh, r->en), "source", r->source, "csv", r->csv,
						   "fields", fields));
	}
	bs_http_json(c, 200, json_pack("{s:o}", "registers", a));
}

/* The register the path's first segment names; NULL after a 404 reply that lists them. */
static const struct bs_register *path_register(struct bs_http_ctx *c)
{
	const struct bs_register *r = c->params[0] ? bs_register_find(c->params[0]) : NULL;
	struct bs_buf name = BS_BUF_INIT, names = BS_BUF_INIT;

	if (r)
		return r;
	bs_http_put_escaped(&name, c->params[0] ? c->params[0] : "", 64);
	for (size_t i = 0; bs_registers[i]; i++)
		bs_buf_printf(&names, "%s%s", i ? ", " : "", bs_registers[i]->name);
	bs_http_error(c, 404, "not_found", "no register '%s': use one of %s (GET /api/v1/registers describes them)",
		      name.ptr, names.ptr);
	bs_buf_release(&name);
	bs_buf_release(&names);
	return NULL;
}

/* The record id, the path's second segment; 0 after a 404 reply. */
static int64_t path_id(struct bs_http_ctx *c, const struct bs_register *r)
{
	const char *p = c->params[1];
	int64_t id = 0;
	size_t n = 0;

	for (; p && *p >= '0' && *p <= '9' && n < 18; p++, n++)
		id = id * 10 + (*p - '0');
	if (!p || *p || id <= 0) {
		struct bs_buf seg = BS_BUF_INIT;
		bs_http_put_escaped(&seg, c->params[1] ? c->params[1] : "", 32);
		bs_http_error(c, 404, "not_found", "no %s with id '%s': ids are whole numbers above 0, see "
			      "GET /api/v1/registers/%s?all=1", r->name, seg.ptr, r->name);
		bs_buf_release(&seg);
		return 0;
	}
	return id;
}

/* One value of a JSON body as the engine stores it. Every value goes through the parser the
 * CLI and CSV import use (bs_field_parse: dates, ranges, allowed values, one-line text): a
 * string as written, a number, true/false, or an array of strings/ids for set and refs
 * fields; null clears an optional field. The error names the register and the field. */
static int body_value(const struct bs_register *r, const struct bs_field *f, const json_t *v, json_t **out)
{
	struct bs_buf t = BS_BUF_INIT;
	int err = 0;

	*out = NULL;
	if (json_is_null(v)) {
		*out = json_null();
		return 0;
	}
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return bs_error(BS_EINVALID, "%s: field '%s' holds a NUL character", r->name, f->name);
		if (json_string_length(v) == 0)
			return bs_error(BS_EINVALID, "%s: field '%s' is empty: send null to clear it", r->name, f->name);
		bs_buf_puts(&t, json_string_value(v));
	} else if (json_is_integer(v)) {
		bs_buf_printf(&t, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		bs_buf_printf(&t, "%.15g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		bs_buf_puts(&t, json_is_true(v) ? "yes" : "no");
	} else if (json_is_array(v) && (f->type == BS_FT_SET || f->type == BS_FT_REFS)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);
			if (i)
				bs_buf_putc(&t, ',');
			if (json_is_integer(e))
				bs_buf_printf(&t, "%lld", (long long)json_integer_value(e));
			else if (json_is_string(e) && json_string_length(e) && !strchr(json_string_value(e), ',') &&
				 strlen(json_string_value(e)) == json_string_length(e))
				bs_buf_puts(&t, json_string_value(e));
			else {
				bs_buf_release(&t);
				return bs_error(BS_EINVALID, "%s: field '%s': item %zu is not a value or an id", r->name,
						f->name, i + 1);
			}
		}
		if (t.len == 0) {
			bs_buf_release(&t);
			*out = json_null();
			return 0;
		}
	} else {
		return bs_error(BS_EINVALID, "%s: field '%s' takes a %s value, not a JSON %s", r->name, f->name,
				bs_ftype_name(f->type), json_is_array(v) ? "array" : "object");
	}
	if (bs_field_parse(f, t.ptr, out) < 0) {
		char why[300];
		snprintf(why, sizeof(why), "%s", bs_error_message());
		err = bs_error(BS_EINVALID, "%s: field '%s': %s", r->name, f->name, why);
	}
	bs_buf_release(&t);
	return err;
}

/* The body's fields, each parsed (body_value); add: the required fields must be there. New
 * object in *out, or an error naming the field. */
static int body_fields(struct bs_http_ctx *c, const struct bs_register *r, int add, json_t **out)
{
	json_t *res = json_object(), *v;
	const char *key;
	int err;

	*out = NULL;
	json_object_foreach(c->json, key, v) {
		const struct bs_field *f = bs_register_field(r, key);
		json_t *pv;
		if (!f) {
			json_decref(res);
			return bs_error(BS_EINVALID, "%s has no field '%.64s': see GET /api/v1/registers for its fields",
					r->name, key);
		}
		if ((err = body_value(r, f, v, &pv)) < 0) {
			json_decref(res);
			return err;
		}
		json_object_set_new(res, key, pv);
	}
	for (const struct bs_field *f = r->fields; f->name; f++) {
		json_t *g = json_object_get(res, f->name);
		if (!(f->flags & BS_FF_REQUIRED) || (add && f->def && !g) || (g && !json_is_null(g)) || (!add && !g))
			continue;
		json_decref(res);
		return bs_error(BS_EINVALID, "%s: field '%s' is required (%s)", r->name, f->name, f->en);
	}
	*out = res;
	return 0;
}

static int truthy(struct bs_http_ctx *c, const char *key, int *out)
{
	const char *v = bs_http_query(c, key);
	*out = 0;
	if (!v || !*v || !strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
		return 0;
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	return bs_error(BS_EINVALID, "?%s='%.32s': use 1 or 0", key, v);
}

/* ?sort= of a register list: id, a field, or whether it is archived */
static int sortable_field(const char *key, const void *arg)
{
	const struct bs_register *r = arg;
	if (!strcmp(key, "id") || !strcmp(key, "archived"))
		return 1;
	for (const struct bs_field *f = r->fields; f->name; f++)
		if (!strcmp(f->name, key))
			return 1;
	return 0;
}

void bs_api_reg_list(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	json_t *recs;
	int all, err;

	if (!r)
		return;
	if ((err = truthy(c, "all", &all)) < 0 || (err = bs_reg_list(c->dd->store, r, all, &recs)) < 0)
		return bs_http_fail(c, err);
	/* a page of at most BS_API_PAGE_MAX records (api_page.c: ?q, ?sort, ?order, ?limit, ?offset) */
	json_t *o = json_pack("{s:s}", "register", r->name);
	err = bs_api_page(c, recs, sortable_field, r, o);
	json_decref(recs);
	if (err < 0) {
		json_decref(o);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, o);
}

void bs_api_reg_add(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	json_t *fields, *rec;
	int err;

	if (!r)
		return;
	if ((err = body_fields(c, r, 1, &fields)) < 0)
		return bs_http_fail(c, err);
	err = bs_reg_add(c->dd, r, fields, 0, &rec);
	json_decref(fields);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 201, rec);
}

void bs_api_reg_get(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *rec;
	int err;

	if (!id)
		return;
	if ((err = bs_reg_get(c->dd->store, r, id, &rec)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, rec);
}

void bs_api_reg_update(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *changes, *rec;
	int err;

	if (!id)
		return;
	if ((err = body_fields(c, r, 0, &changes)) < 0)
		return bs_http_fail(c, err);
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		return bs_http_error(c, 400, "invalid", "nothing to change: send the fields to change as a JSON "
				     "object, e.g. {\"owner\": \"IT\"}");
	}
	err = bs_reg_update(c->dd, r, id, changes, &rec);
	json_decref(changes);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, rec);
}

void bs_api_reg_archive(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *rec;
	int err;

	if (!id)
		return;
	if ((err = bs_reg_archive(c->dd, r, id, &rec)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, rec);
}

void bs_api_reg_history(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *h;
	int err;

	if (!id)
		return;
	if ((err = bs_reg_history(c->dd->store, r, id, &h)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:I,s:o}", "register", r->name, "id", (json_int_t)id, "history", h));
}

/* The register the path names, when it takes CSV (r->csv); NULL after the reply. */
static const struct bs_register *csv_register(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	if (r && !r->csv) {
		bs_http_error(c, 404, "not_found", "the register '%s' has no CSV import or export: the registers "
			      "with \"csv\": true in GET /api/v1/registers have", r->name);
		return NULL;
	}
	return r;
}

/* GET /registers/NAME/csv[?all=1]: the records as a CSV download, exactly as `brokersec NAME
 * export` writes them (formulas defused, docs/registers.md). */
void bs_api_reg_export_csv(struct bs_http_ctx *c)
{
	const struct bs_register *r = csv_register(c);
	struct bs_buf out = BS_BUF_INIT;
	char name[80];
	int all, err;

	if (!r)
		return;
	if ((err = truthy(c, "all", &all)) < 0 || (err = bs_reg_export_csv(c->dd->store, r, all, &out)) < 0) {
		bs_buf_release(&out);
		return bs_http_fail(c, err);
	}
	snprintf(name, sizeof(name), "brokersec-%s.csv", r->name);
	bs_http_attachment(c, "text/csv; charset=utf-8", name, out.ptr ? out.ptr : "", out.len);
	bs_buf_release(&out);
}

/* POST /registers/NAME/csv (Content-Type: text/csv, ?name=FILE for messages): one
 * transaction, as `brokersec NAME import`: every problem listed, and then nothing imported. */
void bs_api_reg_import_csv(struct bs_http_ctx *c)
{
	const struct bs_register *r = csv_register(c);
	const char *file = bs_http_query(c, "name");
	struct bs_buf errors = BS_BUF_INIT;
	size_t count = 0;
	int err;

	if (!r)
		return;
	if (!file || !*file || strlen(file) > 200 || strpbrk(file, "\r\n"))
		file = "upload.csv";
	err = bs_reg_import_csv(c->dd, r, file, c->body ? c->body : "", c->body_len, &errors, &count);
	if (err == BS_EINVALID && errors.len) {
		json_t *a = json_array();
		for (char *line = errors.ptr, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			struct bs_buf e = BS_BUF_INIT; /* cells quoted in a message need not be UTF-8 */
			bs_http_put_escaped(&e, line, 600);
			json_array_append_new(a, json_string(e.ptr));
			bs_buf_release(&e);
		}
		json_t *o = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message",
				      bs_error_message(), "problems", a);
		bs_buf_release(&errors);
		return bs_http_json(c, 400, o);
	}
	bs_buf_release(&errors);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:I}", "register", r->name, "imported", (json_int_t)count));
}
