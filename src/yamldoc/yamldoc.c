/* yamldoc.c - one YAML document and the problems found in it, as "file:line: message". */
#include "yamldoc/yamldoc.h"

#include <stdarg.h>
#include <string.h>

#include "core/utf8.h"

int bs_yamldoc_load(struct bs_yamldoc *d, const char *file, const char *data, size_t len,
		    struct bs_buf *errors, unsigned flags)
{
	yaml_parser_t parser;

	memset(d, 0, sizeof(*d));
	d->file = file;
	d->errors = errors;
	d->flags = flags;
	if (!yaml_parser_initialize(&parser))
		return bs_error(BS_ERR, "cannot start the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &d->doc)) {
		/* libyaml leaves the document empty on failure, so release stays harmless. */
		bs_buf_printf(errors, "%s:%lu: %s%s%s\n", file, (unsigned long)parser.problem_mark.line + 1,
			      parser.problem ? parser.problem : "malformed YAML",
			      parser.context ? " " : "", parser.context ? parser.context : "");
		d->problems++;
		yaml_parser_delete(&parser);
		return 1;
	}
	yaml_parser_delete(&parser);
	return 0;
}

void bs_yamldoc_release(struct bs_yamldoc *d)
{
	yaml_document_delete(&d->doc);
}

yaml_node_t *bs_yamldoc_root(struct bs_yamldoc *d)
{
	return yaml_document_get_root_node(&d->doc);
}

yaml_node_t *bs_yamldoc_node(struct bs_yamldoc *d, int idx)
{
	return yaml_document_get_node(&d->doc, idx);
}

void bs_yamldoc_problem(struct bs_yamldoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	bs_buf_printf(d->errors, "%s:%lu: ", d->file, n ? (unsigned long)n->start_mark.line + 1 : 1ul);
	va_start(ap, fmt);
	bs_buf_vprintf(d->errors, fmt, ap);
	va_end(ap);
	bs_buf_putc(d->errors, '\n');
	d->problems++;
}

const char *bs_yamldoc_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *bs_yamldoc_text_scalar(struct bs_yamldoc *d, const yaml_node_t *n, const char *field)
{
	const char *s = bs_yamldoc_scalar(n);

	if ((d->flags & BS_YAMLDOC_MERGED_TEXT) && (!s || !*s)) {
		bs_yamldoc_problem(d, n, "'%s' must be a non-empty string", field);
		return NULL;
	}
	if (!s) {
		bs_yamldoc_problem(d, n, "'%s' must be a string", field);
		return NULL;
	}
	if (!*s) {
		bs_yamldoc_problem(d, n, "'%s' is empty", field);
		return NULL;
	}
	if (!bs_utf8_valid_text(s, n->data.scalar.length)) {
		bs_yamldoc_problem(d, n, "'%s' is not valid UTF-8 text", field);
		return NULL;
	}
	return s;
}

void bs_yamldoc_text(struct bs_yamldoc *d, const yaml_node_t *n, const char *field, struct bs_text *out)
{
	int merged = (d->flags & BS_YAMLDOC_MERGED_TEXT) != 0;

	if (!n || n->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(d, n, "'%s' must be a mapping with keys zh-TW and en", field);
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(d, pr->key), *v = bs_yamldoc_node(d, pr->value);
		const char *key = bs_yamldoc_scalar(k);
		char **dst = NULL;
		if (key && !strcmp(key, "zh-TW"))
			dst = &out->zh;
		else if (key && !strcmp(key, "en"))
			dst = &out->en;
		if (merged && (!dst || *dst)) {
			bs_yamldoc_problem(d, k, "'%s' has an unknown or repeated language '%s': use zh-TW and en "
					   "once each", field, key ? key : "?");
			continue;
		}
		if (!dst) {
			bs_yamldoc_problem(d, k, "unknown language '%s' in '%s': use zh-TW and en", key ? key : "?",
					   field);
			continue;
		}
		if (*dst) {
			bs_yamldoc_problem(d, k, "'%s' has '%s' twice", field, key);
			continue;
		}
		const char *s = bs_yamldoc_text_scalar(d, v, field);
		if (s)
			*dst = bs_strdup(s);
	}
	if (merged) {
		if (!out->zh || !out->en)
			bs_yamldoc_problem(d, n, "'%s' needs both zh-TW and en", field);
		return;
	}
	if (!out->zh)
		bs_yamldoc_problem(d, n, "'%s' has no zh-TW", field);
	if (!out->en)
		bs_yamldoc_problem(d, n, "'%s' has no en", field);
}
