/*
 * catalog.h - the regulation as a machine-readable catalog.
 *
 * The catalog is the YAML under catalog/ (format: catalog/README.md), compiled into the
 * binary. Loading validates everything - unique ids, id scheme, parents, known fields,
 * conditions, periods - and reports every problem as "file:line: message", not just the
 * first. Entries keep the files' order (SR, A1, A2, A3; parent before child).
 */
#ifndef BS_CATALOG_CATALOG_H
#define BS_CATALOG_CATALOG_H

#include <stddef.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"  /* enum bs_lang, struct bs_text */

enum bs_how_kind { BS_HOW_MECHANISM, BS_HOW_CHECK, BS_HOW_RECORD, BS_HOW_SCHEDULE };

struct bs_how {
	enum bs_how_kind kind;
	char *ref;
};

/* An entry's own conditions; bit n of each mask is value n (categories and classes 1..3),
 * profile bits are enum bs_profile_flag. A zero mask means "no condition". */
struct bs_applies {
	unsigned profile;
	unsigned system_category;
	unsigned app_class;
};

struct bs_control {
	char *id;
	char *parent_id;               /* NULL for a part's root */
	const struct bs_control *parent;
	struct bs_text title, text;
	struct bs_applies applies;     /* this entry's own conditions */
	struct bs_applies effective;   /* with every ancestor's conditions AND-ed in */
	struct bs_how *how;
	size_t nhow;
	char *period;                  /* ISO 8601 or NULL */
	struct bs_duration period_d;
	char **same_as;                /* ids this entry duplicates, as written (`same_as`) */
	size_t nsame_as;
	/* Resolved by bs_catalog_link both ways: the entries that state the same duty elsewhere
	 * in the text (A2.5.5 <-> A2.4.1.8); one proof serves all of them (docs/status.md). */
	const struct bs_control **linked;
	size_t nlinked;
	/* An article (SR.n) and the annex entries that implement it (`implemented_by`, resolved by
	 * bs_catalog_link): the article rolls up from their states as well as from its own items. */
	char **impl_ids;               /* as written */
	size_t nimpl;
	const struct bs_control **implemented_by;
	size_t nimplemented;
	size_t nchildren;
	size_t nduty_children;         /* children that state a duty (have `how`) */
	const char *file;
	int line;
};

struct bs_catalog {
	struct bs_control *v;
	size_t n;
	size_t cap;
};

/* The built-in catalog, loaded once per process and never freed. On a broken build
 * returns an error listing every problem. */
int bs_catalog_builtin(const struct bs_catalog **out);

/* Parses one YAML file into cat (appending). Problems go to errors, one "file:line: msg"
 * per line; returns the number of problems (0 when clean) or BS_ERR on unreadable YAML. */
int bs_catalog_parse(struct bs_catalog *cat, const char *file, const char *data, size_t len,
		     struct bs_buf *errors);
/* Links parents and checks cross-entry rules; appends problems to errors; returns count. */
int bs_catalog_link(struct bs_catalog *cat, struct bs_buf *errors);
void bs_catalog_release(struct bs_catalog *cat);
/* Frees what one entry owns (bs_catalog_release does it for every entry). */
void bs_control_release(struct bs_control *c);

const struct bs_control *bs_catalog_find(const struct bs_catalog *cat, const char *id);
/* 1 when c's id equals prefix or starts with prefix followed by '.'; "A2.5" selects A2.5.*
 * but not A2.50. */
int bs_control_id_under(const char *id, const char *prefix);
/* The group a control rolls up into: SR.<article> for the main rules, <annex>.<part> for
 * the annexes (A2.4 is 肆); roots roll up into themselves. Writes into out. */
void bs_control_group(const struct bs_control *c, char *out, size_t outsz);

const char *bs_how_kind_name(enum bs_how_kind k);
const char *bs_text_get(const struct bs_text *t, enum bs_lang lang);

#endif
