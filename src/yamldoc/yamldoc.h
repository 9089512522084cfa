/*
 * yamldoc.h - one YAML file loaded as a document, and the checks its loaders share.
 *
 * The catalog (catalog/) and the check policies (scan/) are YAML read with libyaml's document
 * API. Both collect every problem as a line "file:line: message" instead of stopping at the
 * first; this module holds that bookkeeping and the helpers both formats need: node lookup,
 * scalars, checked text, and the bilingual {zh-TW, en} mapping. Field rules stay with the
 * loaders.
 *
 * Use:
 *	struct bs_yamldoc d;
 *	if ((r = bs_yamldoc_load(&d, file, data, len, errors, 0)) != 0)
 *		return r;
 *	... bs_yamldoc_root(&d), bs_yamldoc_problem(&d, node, "...") ...
 *	r = d.problems;
 *	bs_yamldoc_release(&d);
 */
#ifndef BS_YAMLDOC_YAMLDOC_H
#define BS_YAMLDOC_YAMLDOC_H

#include <stddef.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/i18n.h"

/*
 * How the text helpers word their problems. 0: one problem for each thing wrong ("'title' is
 * empty", "'title' has no en"). BS_YAMLDOC_MERGED_TEXT: the check policies' wording, which
 * merges related problems into one ("'title' must be a non-empty string", "'title' needs both
 * zh-TW and en"), so a text missing both languages is one problem, not two.
 * NEEDSWORK: the two wordings should become one; policy messages are checked by tests and
 * read by users, so changing them is a change of its own.
 */
enum bs_yamldoc_flag {
	BS_YAMLDOC_MERGED_TEXT = 1u << 0,
};

struct bs_yamldoc {
	const char *file;        /* borrowed: the name problems are reported under */
	yaml_document_t doc;     /* owned; freed by bs_yamldoc_release() */
	struct bs_buf *errors;   /* borrowed: problems are appended, one line each */
	int problems;            /* lines appended to errors so far */
	unsigned flags;          /* enum bs_yamldoc_flag */
};

/*
 * Loads the YAML in data (len bytes, not NUL-terminated) as one document. file and errors are
 * borrowed and must outlive d. Returns 0 when loaded: d then owns the document and the caller
 * must call bs_yamldoc_release(). Returns 1 when the YAML is malformed, after appending one
 * line "file:line: <libyaml problem> <context>" to errors; returns the number of repeats
 * (> 0) when a mapping has a key twice, after one line each "file:line: 'key' appears twice
 * ..."; returns BS_ERR with a message when libyaml cannot start. On a non-zero return there
 * is nothing to release (releasing anyway is harmless).
 */
int bs_yamldoc_load(struct bs_yamldoc *d, const char *file, const char *data, size_t len,
		    struct bs_buf *errors, unsigned flags);
/* Frees the document; file, errors and problems are left as they are. */
void bs_yamldoc_release(struct bs_yamldoc *d);

/* The root node, or NULL for an empty document. Borrowed from d. */
yaml_node_t *bs_yamldoc_root(struct bs_yamldoc *d);
/* The node at libyaml index idx (a pair's key or value, a sequence item), or NULL. Borrowed. */
yaml_node_t *bs_yamldoc_node(struct bs_yamldoc *d, int idx);

/* Appends "file:line: message\n" to d->errors, line being n's (1 when n is NULL), and counts
 * the problem. The message follows the project's wording: lowercase, no trailing period. */
void bs_yamldoc_problem(struct bs_yamldoc *d, const yaml_node_t *n, const char *fmt, ...) BS_PRINTF(3, 4);

/* n's value when n is a scalar, else NULL (also for NULL). Borrowed from the document. */
const char *bs_yamldoc_scalar(const yaml_node_t *n);
/* n's value when it is a non-empty scalar of valid UTF-8 text; otherwise reports what is
 * wrong, naming field, and returns NULL. Borrowed from the document. */
const char *bs_yamldoc_text_scalar(struct bs_yamldoc *d, const yaml_node_t *n, const char *field);
/*
 * Reads n, a mapping {zh-TW: ..., en: ...} of text scalars, into out (whose members start
 * NULL). Sets each language found as a string the caller frees, and reports every problem
 * (not a mapping, unknown or repeated language, bad text, a language missing) naming field.
 * On problems out may hold one language or none; the caller frees what is set either way.
 */
void bs_yamldoc_text(struct bs_yamldoc *d, const yaml_node_t *n, const char *field, struct bs_text *out);

#endif
