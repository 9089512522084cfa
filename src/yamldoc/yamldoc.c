/* yamldoc.c - one YAML document and the problems found in it, as "file:line: message". */
#include "yamldoc/yamldoc.h"

#include <stdarg.h>
#include <string.h>

#include "core/utf8.h"

/* YAML forbids a key twice in one mapping, but libyaml loads it: one problem per repeat. */
static int repeated_keys(struct bs_yamldoc *d)
{
	int before = d->problems;

	for (yaml_node_t *n = d->doc.nodes.start; n && n < d->doc.nodes.top; n++) {
		if (n->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
			yaml_node_t *ka = bs_yamldoc_node(d, a->key);
			if (!ka || ka->type != YAML_SCALAR_NODE)
				continue;
			for (yaml_node_pair_t *b = n->data.mapping.pairs.start; b < a; b++) {
				yaml_node_t *kb = bs_yamldoc_node(d, b->key);
				if (kb && kb->type == YAML_SCALAR_NODE && kb->data.scalar.length == ka->data.scalar.length &&
				    !memcmp(kb->data.scalar.value, ka->data.scalar.value, ka->data.scalar.length)) {
					bs_yamldoc_problem(d, ka, "'%.64s' appears twice in one mapping (first on line %lu): "
							   "keep one", (const char *)ka->data.scalar.value,
							   (unsigned long)kb->start_mark.line + 1);
					break;
				}
			}
		}
	}
	return d->problems - before;
}

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
	if (repeated_keys(d)) {
		/* the loaders read a mapping one pair at a time: a second 'how:' or 'refs:' would be
		 * read over the first (found by fuzzing, tests/fuzz/corpus/catalog/crash-dup-*) */
		yaml_document_delete(&d->doc);
		memset(&d->doc, 0, sizeof(d->doc));
		return d->problems;
	}
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
