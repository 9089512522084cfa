/* The register table and the field engine: parse, format and validate values by descriptor. */
#include "registry/registry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "profile/profile.h"
#include "registry/registers.h"

/* Adding a register: write src/registry/reg_<name>.c, declare it in registers.h, add a line
 * here and a row in commands[] in src/main.c. */
const struct bs_register *const bs_registers[] = {
	&bs_reg_asset,
	&bs_reg_system,
	&bs_reg_device,
	&bs_reg_person,
	&bs_reg_training,
	&bs_reg_job_change,
	&bs_reg_vendor,
	&bs_reg_app,
	&bs_reg_policy_doc,
	&bs_reg_incident,
	&bs_reg_disposal,
	&bs_reg_drill,
	&bs_reg_plan,
	&bs_reg_assessment,
	&bs_reg_backup,
	&bs_reg_account_review,
	NULL,
};

#define TEXT_MAX_DEFAULT 500
#define LIST_MAX 64

const struct bs_register *bs_register_find(const char *name)
{
	for (size_t i = 0; bs_registers[i]; i++)
		if (!strcmp(bs_registers[i]->name, name))
			return bs_registers[i];
	return NULL;
}

const struct bs_field *bs_register_field(const struct bs_register *r, const char *name)
{
	for (const struct bs_field *f = r->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

void bs_field_flag(const struct bs_field *f, char *out, size_t outsz)
{
	size_t i;
	for (i = 0; f->name[i] && i + 1 < outsz; i++)
		out[i] = f->name[i] == '_' ? '-' : f->name[i];
	out[i] = '\0';
}

const char *bs_ftype_name(enum bs_ftype t)
{
	static const char *const names[] = { "text", "date", "time", "int", "num", "bool", "enum", "ref", "set", "refs" };
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int bs_reg_has(const json_t *rec, const char *field)
{
	const json_t *v = json_object_get(rec, field);
	return v && !json_is_null(v) && !json_is_false(v);
}

const char *bs_reg_str(const json_t *rec, const char *field)
{
	const json_t *v = json_object_get(rec, field);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t bs_reg_int(const json_t *rec, const char *field, int64_t dflt)
{
	const json_t *v = json_object_get(rec, field);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static void list_values(struct bs_buf *b, const char *const *values)
{
	for (size_t i = 0; values[i]; i++)
		bs_buf_printf(b, "%s%s", i ? "|" : "", values[i]);
}

/* Strict whole number: optional '-', digits only, no overflow. */
static int parse_int(const char *s, int64_t *out)
{
	char *end;
	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Decimal with at most two decimals, as hundredths. */
static int parse_num(const char *s, int64_t *hundredths)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, fd = 0;
	const char *p = s;

	if (*p == '-')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > 100000000)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fd++) {
			if (fd >= 2)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
		if (!fd)
			return -1;
		if (fd == 1)
			frac *= 10;
	}
	if (*p || !digits)
		return -1;
	*hundredths = whole * 100 + frac;
	return 0;
}

static int in_values(const char *const *values, const char *s, size_t len)
{
	for (size_t i = 0; values[i]; i++)
		if (strlen(values[i]) == len && !memcmp(values[i], s, len))
			return 1;
	return 0;
}

static int token_ok(const char *s, size_t len)
{
	if (!len || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Splits "a,b, c" into trimmed items; calls add for each. */
static int parse_list(const struct bs_field *f, const char *text, json_t *arr)
{
	const char *p = text;
	size_t n = 0;

	while (*p) {
		const char *start, *end;
		while (*p == ' ')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && end[-1] == ' ')
			end--;
		if (*p == ',')
			p++;
		size_t len = (size_t)(end - start);
		if (++n > LIST_MAX)
			return bs_error(BS_EINVALID, "more than %d items", LIST_MAX);
		if (f->type == BS_FT_REFS) {
			char tmp[24];
			int64_t id;
			if (len == 0 || len >= sizeof(tmp))
				return bs_error(BS_EINVALID, "'%s' is not a comma-separated list of %s ids", text, f->ref);
			memcpy(tmp, start, len);
			tmp[len] = '\0';
			if (parse_int(tmp, &id) < 0 || id <= 0)
				return bs_error(BS_EINVALID, "'%s' is not a %s id (a whole number above 0)", tmp, f->ref);
			for (size_t i = 0; i < json_array_size(arr); i++)
				if (json_integer_value(json_array_get(arr, i)) == id)
					return bs_error(BS_EINVALID, "%s id %lld is listed twice", f->ref, (long long)id);
			json_array_append_new(arr, json_integer(id));
			continue;
		}
		if (f->values ? !in_values(f->values, start, len) : !token_ok(start, len)) {
			struct bs_buf allowed = BS_BUF_INIT;
			if (f->values)
				list_values(&allowed, f->values);
			else
				bs_buf_puts(&allowed, "names of letters, digits, '.', '-', '_'");
			int err = bs_error(BS_EINVALID, "'%.*s' is not allowed: use %s", (int)(len > 64 ? 64 : len), start,
					   allowed.ptr);
			bs_buf_release(&allowed);
			return err;
		}
		for (size_t i = 0; i < json_array_size(arr); i++) {
			const char *s = json_string_value(json_array_get(arr, i));
			if (strlen(s) == len && !memcmp(s, start, len))
				return bs_error(BS_EINVALID, "'%s' is listed twice", s);
		}
		json_array_append_new(arr, json_stringn(start, len));
	}
	return 0;
}

int bs_field_parse(const struct bs_field *f, const char *text, json_t **out)
{
	size_t len = strlen(text);
	int64_t iv;
	int32_t day;

	*out = NULL;
	if (!bs_utf8_valid_text(text, len) || strchr(text, '\n') || strchr(text, '\r'))
		return bs_error(BS_EINVALID, "must be one line of UTF-8 text");
	if (len == 0) {
		*out = json_null();
		return 0;
	}
	switch (f->type) {
	case BS_FT_TEXT: {
		int64_t max = f->max ? f->max : TEXT_MAX_DEFAULT;
		if ((int64_t)len > max)
			return bs_error(BS_EINVALID, "is %zu bytes long: at most %lld allowed", len, (long long)max);
		*out = json_string(text);
		return 0;
	}
	case BS_FT_DATE:
		if (bs_date_parse(text, &day) < 0)
			return bs_error(BS_EINVALID, "'%s' is not a date: write YYYY-MM-DD, e.g. 2025-03-31", text);
		*out = json_string(text);
		return 0;
	case BS_FT_TIME: {
		int64_t us;
		char buf[BS_TIME_MAX];
		if (bs_time_parse(text, &us) < 0)
			return bs_error(BS_EINVALID,
					"'%s' is not a time: write RFC 3339, e.g. 2025-03-31T14:05:00+08:00 or 2025-03-31T06:05:00Z",
					text);
		/* whole seconds are enough for a register; keep the canonical UTC form */
		us -= ((us % 1000000) + 1000000) % 1000000;
		bs_time_format(us, buf);
		char *dot = strchr(buf, '.');
		if (dot) {
			dot[0] = 'Z';
			dot[1] = '\0';
		}
		*out = json_string(buf);
		return 0;
	}
	case BS_FT_INT:
		if (parse_int(text, &iv) < 0)
			return bs_error(BS_EINVALID, "'%s' is not a whole number", text);
		if (iv < f->min || iv > f->max)
			return bs_error(BS_EINVALID, "%lld is out of range: use %lld to %lld", (long long)iv,
					(long long)f->min, (long long)f->max);
		*out = json_integer(iv);
		return 0;
	case BS_FT_NUM:
		if (parse_num(text, &iv) < 0)
			return bs_error(BS_EINVALID, "'%s' is not a number: write e.g. 3 or 1.5 (at most 2 decimals)", text);
		if (iv < f->min * 100 || iv > f->max * 100)
			return bs_error(BS_EINVALID, "%s is out of range: use %lld to %lld", text, (long long)f->min,
					(long long)f->max);
		*out = json_real((double)iv / 100.0);
		return 0;
	case BS_FT_BOOL: {
		int b = bs_profile_parse_bool(text);
		if (b < 0)
			return bs_error(BS_EINVALID, "'%s' is not yes or no", text);
		*out = json_boolean(b);
		return 0;
	}
	case BS_FT_ENUM:
		if (!in_values(f->values, text, len)) {
			struct bs_buf allowed = BS_BUF_INIT;
			list_values(&allowed, f->values);
			int err = bs_error(BS_EINVALID, "'%s' is not allowed: use one of %s", text, allowed.ptr);
			bs_buf_release(&allowed);
			return err;
		}
		*out = json_string(text);
		return 0;
	case BS_FT_REF:
		if (parse_int(text, &iv) < 0 || iv <= 0)
			return bs_error(BS_EINVALID, "'%s' is not a %s id (a whole number above 0)", text, f->ref);
		*out = json_integer(iv);
		return 0;
	case BS_FT_SET:
	case BS_FT_REFS: {
		json_t *arr = json_array();
		int err = parse_list(f, text, arr);
		if (err < 0) {
			json_decref(arr);
			return err;
		}
		*out = arr;
		return 0;
	}
	}
	return bs_error(BS_ERR, "unknown field type");
}

void bs_field_format(const struct bs_field *f, const json_t *v, struct bs_buf *b)
{
	if (!v || json_is_null(v))
		return;
	switch (f->type) {
	case BS_FT_BOOL:
		bs_buf_puts(b, json_is_true(v) ? "yes" : "no");
		return;
	case BS_FT_INT:
	case BS_FT_REF:
		bs_buf_printf(b, "%lld", (long long)json_integer_value(v));
		return;
	case BS_FT_NUM: {
		/* shortest form: 3, 1.5, 1.25 */
		long long h = (long long)(json_number_value(v) * 100.0 + 0.5);
		if (h % 100 == 0)
			bs_buf_printf(b, "%lld", h / 100);
		else if (h % 10 == 0)
			bs_buf_printf(b, "%lld.%lld", h / 100, (h % 100) / 10);
		else
			bs_buf_printf(b, "%lld.%02lld", h / 100, h % 100);
		return;
	}
	case BS_FT_SET:
	case BS_FT_REFS:
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);
			if (i)
				bs_buf_putc(b, ',');
			if (json_is_integer(e))
				bs_buf_printf(b, "%lld", (long long)json_integer_value(e));
			else
				bs_buf_puts(b, json_string_value(e));
		}
		return;
	default:
		if (json_is_string(v))
			bs_buf_puts(b, json_string_value(v));
		return;
	}
}

/* 1 when v is a value f could have produced. */
static int value_fits(const struct bs_field *f, const json_t *v)
{
	switch (f->type) {
	case BS_FT_TEXT:
	case BS_FT_DATE:
	case BS_FT_TIME:
	case BS_FT_ENUM:
		return json_is_string(v);
	case BS_FT_INT:
	case BS_FT_REF:
		return json_is_integer(v);
	case BS_FT_NUM:
		return json_is_number(v);
	case BS_FT_BOOL:
		return json_is_boolean(v);
	case BS_FT_SET:
	case BS_FT_REFS:
		return json_is_array(v);
	}
	return 0;
}

int bs_register_validate(const struct bs_register *r, const json_t *rec, int cli)
{
	for (const struct bs_field *f = r->fields; f->name; f++) {
		const json_t *v = json_object_get(rec, f->name);
		char flag[64];
		bs_field_flag(f, flag, sizeof(flag));
		if (!v || json_is_null(v)) {
			if (f->flags & BS_FF_REQUIRED)
				return cli ? bs_error(BS_EINVALID, "%s: --%s is required (%s)", r->name, flag, f->en)
					   : bs_error(BS_EINVALID, "%s: column '%s' is required (%s)", r->name, f->name, f->en);
			continue;
		}
		if (!value_fits(f, v))
			return bs_error(BS_EINVALID, "%s: field '%s' holds a value of the wrong kind (want %s)", r->name,
					f->name, bs_ftype_name(f->type));
	}
	return r->check ? r->check(rec) : 0;
}

const struct bs_policy_kind *bs_policy_kind_find(const char *kind)
{
	for (size_t i = 0; bs_policy_kinds[i].kind; i++)
		if (!strcmp(bs_policy_kinds[i].kind, kind))
			return &bs_policy_kinds[i];
	return NULL;
}
