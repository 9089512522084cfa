/* registry_doc.c - the registers' documentation, made from the descriptors alone: the
 * OpenAPI schemas of their records (docs/openapi.yaml), the register table and field tables
 * of docs/registers.md, and the registers' row of the README's "What works today". `make docs`
 * writes each between its marker comments and `make docs-check` fails when a file differs
 * (tools/registers-doc.c), so a register's documentation cannot drift from its file. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_private.h"

/* Appends s as a YAML double-quoted scalar (descriptor text: one line of UTF-8). */
static void yaml_str(struct bs_buf *b, const char *s)
{
	bs_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			bs_buf_putc(b, '\\');
		bs_buf_putc(b, *s);
	}
	bs_buf_putc(b, '"');
}

static void yaml_values(struct bs_buf *b, const char *const *values, int with_null)
{
	bs_buf_puts(b, "enum: [");
	for (size_t i = 0; values[i]; i++) {
		if (i)
			bs_buf_puts(b, ", ");
		yaml_str(b, values[i]);
	}
	/* OpenAPI 3.0.3: nullable does not add null to an enum; it has to be listed */
	if (with_null)
		bs_buf_puts(b, ", null");
	bs_buf_putc(b, ']');
}

/* The value a field's default stands for, as YAML (it passed bs_field_parse in the tests). */
static void yaml_default(struct bs_buf *b, const struct bs_field *f)
{
	json_t *v = NULL;

	if (bs_field_parse(f, f->def, &v) < 0 || !v)
		return;
	bs_buf_puts(b, ", default: ");
	if (json_is_boolean(v))
		bs_buf_puts(b, json_is_true(v) ? "true" : "false");
	else if (json_is_integer(v))
		bs_buf_printf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		yaml_str(b, json_string_value(v));
	else
		yaml_str(b, f->def);
	json_decref(v);
}

/* One property of a record schema, on one line. */
static void openapi_field(struct bs_buf *b, const struct bs_field *f)
{
	int optional = !(f->flags & BS_FF_REQUIRED);
	struct bs_buf d = BS_BUF_INIT;

	bs_buf_printf(b, "        %s: {", f->name);
	bs_buf_puts(&d, f->zh);
	switch (f->type) {
	case BS_FT_TEXT:
		bs_buf_printf(b, "type: string, maxLength: %lld", (long long)(f->max ? f->max : 500));
		bs_buf_puts(&d, "; one line, maxLength counted in bytes of UTF-8");
		break;
	case BS_FT_DATE:
		bs_buf_puts(b, "type: string, format: date");
		break;
	case BS_FT_TIME:
		bs_buf_puts(b, "type: string, format: date-time");
		bs_buf_puts(&d, "; stored as UTC, whole seconds");
		break;
	case BS_FT_INT:
		bs_buf_printf(b, "type: integer, minimum: %lld, maximum: %lld", (long long)f->min, (long long)f->max);
		break;
	case BS_FT_NUM:
		bs_buf_printf(b, "type: number, minimum: %lld, maximum: %lld", (long long)f->min, (long long)f->max);
		bs_buf_puts(&d, "; at most 2 decimals");
		break;
	case BS_FT_BOOL:
		bs_buf_puts(b, "type: boolean");
		break;
	case BS_FT_ENUM:
		bs_buf_puts(b, "type: string, ");
		yaml_values(b, f->values, optional);
		break;
	case BS_FT_REF:
		bs_buf_puts(b, "type: integer, minimum: 1");
		bs_buf_printf(&d, "; the id of a %s record", f->ref);
		break;
	case BS_FT_SET:
		bs_buf_puts(b, "type: array, uniqueItems: true, maxItems: 64, items: {type: string, ");
		if (f->values)
			yaml_values(b, f->values, 0);
		else
			bs_buf_puts(b, "pattern: \"^[A-Za-z0-9._-]{1,64}$\"");
		bs_buf_putc(b, '}');
		if (!f->values)
			bs_buf_puts(&d, "; the values the register's own rule allows (docs/registers.md)");
		break;
	case BS_FT_REFS:
		bs_buf_puts(b, "type: array, uniqueItems: true, maxItems: 64, items: {type: integer, minimum: 1}");
		bs_buf_printf(&d, "; ids of %s records", f->ref);
		break;
	}
	if (optional)
		bs_buf_puts(b, ", nullable: true");
	if (f->def)
		yaml_default(b, f);
	bs_buf_puts(b, ", description: ");
	yaml_str(b, d.ptr);
	bs_buf_puts(b, "}\n");
	bs_buf_release(&d);
}

/* Under components/schemas (4 spaces in): RegisterName, RegisterRecord and one
 * Register.<name> per register. */
static void doc_openapi(struct bs_buf *b)
{
	bs_buf_puts(b, "    RegisterName:\n"
		       "      type: string\n"
		       "      description: a register (GET /registers describes each with its fields; docs/registers.md)\n"
		       "      enum: [");
	for (size_t i = 0; bs_registers[i]; i++) {
		if (i)
			bs_buf_puts(b, ", ");
		yaml_str(b, bs_registers[i]->name);
	}
	bs_buf_puts(b, "]\n    RegisterRecord:\n"
		       "      description: a record of the register the path names\n"
		       "      oneOf:\n");
	for (size_t i = 0; bs_registers[i]; i++)
		bs_buf_printf(b, "        - {$ref: \"#/components/schemas/Register.%s\"}\n", bs_registers[i]->name);
	for (size_t i = 0; bs_registers[i]; i++) {
		const struct bs_register *r = bs_registers[i];
		struct bs_buf d = BS_BUF_INIT;

		bs_buf_printf(b, "    Register.%s:\n      type: object\n      description: ", r->name);
		bs_buf_printf(&d, "%s / %s (%s), `brokersec %s`%s. %s", r->zh, r->en, r->source, r->name,
			      r->csv ? ", CSV import and export" : "", r->about);
		yaml_str(b, d.ptr);
		bs_buf_release(&d);
		bs_buf_printf(b, "\n      x-register: %s\n      additionalProperties: false\n      required: [id", r->name);
		for (const struct bs_field *f = r->fields; f->name; f++)
			if (f->flags & BS_FF_REQUIRED)
				bs_buf_printf(b, ", %s", f->name);
		bs_buf_puts(b, ", archived]\n      properties:\n"
			       "        id: {type: integer, minimum: 1}\n");
		for (const struct bs_field *f = r->fields; f->name; f++)
			openapi_field(b, f);
		bs_buf_puts(b, "        archived: {type: boolean, description: \"hidden from lists, never erased\"}\n");
	}
}

static void md_values(struct bs_buf *b, const char *const *values)
{
	for (size_t i = 0; values[i]; i++)
		bs_buf_printf(b, "%s%s", i ? "\\|" : "", values[i]);
}

/* The "values / notes" cell of a field. */
static void md_notes(struct bs_buf *b, const struct bs_field *f)
{
	size_t start = b->len;

	if (f->type == BS_FT_TEXT && f->max)
		bs_buf_printf(b, "≤ %lld bytes", (long long)f->max);
	else if (f->type == BS_FT_INT || f->type == BS_FT_NUM)
		bs_buf_printf(b, "%lld..%lld", (long long)f->min, (long long)f->max);
	else if (f->values)
		md_values(b, f->values);
	else if (f->ref)
		bs_buf_printf(b, "→ %s", f->ref);
	if (f->def)
		bs_buf_printf(b, "%sdefault %s", b->len > start ? "; " : "", f->def);
}

/* docs/registers.md: the table of registers, then each register's fields. */
static void doc_markdown(struct bs_buf *b)
{
	bs_buf_puts(b, "## The registers\n\n"
		       "| register | 中文 | English | clauses | CSV | fields |\n"
		       "| --- | --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; bs_registers[i]; i++) {
		const struct bs_register *r = bs_registers[i];
		size_t n = 0;
		for (const struct bs_field *f = r->fields; f->name; f++)
			n++;
		bs_buf_printf(b, "| `%s` | %s | %s | %s | %s | %zu |\n", r->name, r->zh, r->en, r->source,
			      r->csv ? "yes" : "", n);
	}
	for (size_t i = 0; bs_registers[i]; i++) {
		const struct bs_register *r = bs_registers[i];
		bs_buf_printf(b, "\n## `%s` — %s / %s (%s)%s\n\n%s\n\n", r->name, r->zh, r->en, r->source,
			      r->csv ? " — CSV" : "", r->about);
		bs_buf_puts(b, "| field | kind | required | values / notes | 中文 |\n"
			       "| --- | --- | --- | --- | --- |\n");
		for (const struct bs_field *f = r->fields; f->name; f++) {
			bs_buf_printf(b, "| `%s` | %s | %s | ", f->name, bs_ftype_name(f->type),
				      (f->flags & BS_FF_REQUIRED) ? "yes" : "");
			md_notes(b, f);
			bs_buf_printf(b, " | %s |\n", f->zh);
		}
	}
}

/* The cells of the README row (between its markers, inside the row): the commands, what they
 * do, the clauses. */
static void doc_readme(struct bs_buf *b)
{
	size_t ncsv = 0, nsrc = 0;

	for (size_t i = 0; bs_registers[i]; i++)
		bs_buf_printf(b, "%s`%s`", i ? " " : "", bs_registers[i]->name);
	bs_buf_puts(b, " | the registers: `add\\|list\\|show\\|update\\|archive\\|history`, CSV `import\\|export` for ");
	for (size_t i = 0; bs_registers[i]; i++)
		if (bs_registers[i]->csv)
			bs_buf_printf(b, "%s`%s`", ncsv++ ? ", " : "", bs_registers[i]->name);
	bs_buf_puts(b, "; nothing is erased, every change is an event (`docs/registers.md`) | ");
	for (size_t i = 0; bs_registers[i]; i++) {
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++) /* each clause once, where it first appears */
			dup = !strcmp(bs_registers[j]->source, bs_registers[i]->source);
		if (!dup)
			bs_buf_printf(b, "%s%s", nsrc++ ? ", " : "", bs_registers[i]->source);
	}
}

void bs_register_doc(enum bs_register_doc kind, struct bs_buf *out)
{
	switch (kind) {
	case BS_REGDOC_OPENAPI:
		doc_openapi(out);
		return;
	case BS_REGDOC_MARKDOWN:
		doc_markdown(out);
		return;
	case BS_REGDOC_README:
		doc_readme(out);
		return;
	}
}
