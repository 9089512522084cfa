#include "catalog/catalog.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/error.h"
#include "profile/profile.h"
#include "yamldoc/yamldoc.h"

/* One file being parsed: the catalog it adds to and the document with its problems. */
struct parse {
	struct bs_catalog *cat;
	struct bs_yamldoc *y;
};

static int valid_segment(const char *s, size_t len, int two_digit)
{
	if (len == 0 || len > 3)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (two_digit)
		return len == 2 && !(s[0] == '0' && s[1] == '0');
	return s[0] != '0';
}

/* Ids: the part's root ("SR", "A2") then numeric segments; Annex 1's table is A1.T1.NN. */
static int valid_id(const char *id, const char *part)
{
	size_t plen = strlen(part);
	const char *s;
	int in_table = 0;

	if (strncmp(id, part, plen) != 0)
		return 0;
	s = id + plen;
	while (*s) {
		const char *seg, *end;
		if (*s != '.')
			return 0;
		seg = s + 1;
		end = strchr(seg, '.');
		if (!end)
			end = seg + strlen(seg);
		if (!strcmp(part, "A1") && seg == id + plen + 1 && end - seg == 2 && !strncmp(seg, "T1", 2)) {
			in_table = 1;
		} else if (!valid_segment(seg, (size_t)(end - seg), in_table)) {
			return 0;
		}
		s = end;
	}
	return 1;
}

static unsigned parse_number_list(struct parse *p, yaml_node_t *n, const char *field)
{
	unsigned mask = 0;

	if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top) {
		bs_yamldoc_problem(p->y, n, "'applies.%s' must be a non-empty list of 1, 2, 3", field);
		return 0;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = bs_yamldoc_node(p->y, *it);
		const char *s = bs_yamldoc_scalar(v);
		if (!s || strlen(s) != 1 || s[0] < '1' || s[0] > '3') {
			bs_yamldoc_problem(p->y, v, "'applies.%s' has '%s': allowed are 1, 2, 3", field, s ? s : "?");
			continue;
		}
		mask |= 1u << (s[0] - '0');
	}
	return mask;
}

static void parse_applies(struct parse *p, yaml_node_t *n, struct bs_applies *out)
{
	if (!n || n->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(p->y, n, "'applies' must be a mapping of profile, system_category, app_class");
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(p->y, pr->key), *v = bs_yamldoc_node(p->y, pr->value);
		const char *key = bs_yamldoc_scalar(k);
		if (key && !strcmp(key, "profile")) {
			if (!v || v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start == v->data.sequence.items.top) {
				bs_yamldoc_problem(p->y, v,
					"'applies.profile' must be a non-empty list of profile flags");
				continue;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				yaml_node_t *fv = bs_yamldoc_node(p->y, *it);
				const char *s = bs_yamldoc_scalar(fv);
				int f = s ? bs_profile_flag_lookup(s) : -1;
				if (f < 0 || strcmp(s, bs_profile_info((enum bs_profile_flag)f)->name) != 0)
					bs_yamldoc_problem(p->y, fv, "unknown profile flag '%s' in 'applies.profile': "
						"known are internal_control, mail_server, online_insurance, mobile_app, "
						"cloud, byod, remote_work", s ? s : "?");
				else
					out->profile |= 1u << f;
			}
		} else if (key && !strcmp(key, "system_category")) {
			out->system_category = parse_number_list(p, v, key);
		} else if (key && !strcmp(key, "app_class")) {
			out->app_class = parse_number_list(p, v, key);
		} else {
			bs_yamldoc_problem(p->y, k, "unknown condition '%s' in 'applies': use profile, "
				"system_category, app_class", key ? key : "?");
		}
	}
}

static const char *const how_kinds[] = { "mechanism", "check", "record", "schedule" };

const char *bs_how_kind_name(enum bs_how_kind k)
{
	return (unsigned)k < 4 ? how_kinds[k] : "?";
}

static int valid_ref(const char *s)
{
	if (!*s || strlen(s) > 100)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._:#/-", *s))
			return 0;
	return 1;
}

static void parse_how(struct parse *p, yaml_node_t *n, struct bs_control *c)
{
	if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top) {
		bs_yamldoc_problem(p->y, n, "'how' must be a non-empty list of {kind, ref}");
		return;
	}
	size_t cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	c->how = bs_calloc(cap, sizeof(*c->how));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *m = bs_yamldoc_node(p->y, *it);
		const char *kind = NULL, *ref = NULL;
		if (!m || m->type != YAML_MAPPING_NODE) {
			bs_yamldoc_problem(p->y, m, "each 'how' item must be a mapping {kind, ref}");
			continue;
		}
		for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = bs_yamldoc_node(p->y, pr->key), *v = bs_yamldoc_node(p->y, pr->value);
			const char *key = bs_yamldoc_scalar(k);
			if (key && !strcmp(key, "kind"))
				kind = bs_yamldoc_scalar(v);
			else if (key && !strcmp(key, "ref"))
				ref = bs_yamldoc_scalar(v);
			else
				bs_yamldoc_problem(p->y, k, "unknown field '%s' in a 'how' item: use kind and ref",
					key ? key : "?");
		}
		int ki = -1;
		for (int i = 0; i < 4 && kind; i++)
			if (!strcmp(kind, how_kinds[i]))
				ki = i;
		if (ki < 0) {
			bs_yamldoc_problem(p->y, m, "'how' kind '%s' is unknown: use mechanism, check, record or "
				"schedule", kind ? kind : "(missing)");
			continue;
		}
		if (!ref || !valid_ref(ref)) {
			bs_yamldoc_problem(p->y, m, "'how' ref '%s' is missing or not a name "
				"(letters, digits, . _ : # / -)", ref ? ref : "(missing)");
			continue;
		}
		c->how[c->nhow].kind = (enum bs_how_kind)ki;
		c->how[c->nhow].ref = bs_strdup(ref);
		c->nhow++;
	}
}

void bs_control_release(struct bs_control *c)
{
	free(c->id);
	free(c->parent_id);
	free(c->title.zh);
	free(c->title.en);
	free(c->text.zh);
	free(c->text.en);
	for (size_t i = 0; i < c->nhow; i++)
		free(c->how[i].ref);
	free(c->how);
	free(c->period);
	for (size_t i = 0; i < c->nsame_as; i++)
		free(c->same_as[i]);
	free(c->same_as);
	free(c->linked);
	for (size_t i = 0; i < c->nimpl; i++)
		free(c->impl_ids[i]);
	free(c->impl_ids);
	free(c->implemented_by);
}

/* same_as, implemented_by: a list of ids (any part); resolved and checked in bs_catalog_link. */
static void parse_ids(struct parse *p, yaml_node_t *n, const char *field, char ***ids, size_t *nids)
{
	if (*ids) {
		bs_yamldoc_problem(p->y, n, "'%s' is given twice", field);
		return;
	}
	if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top) {
		bs_yamldoc_problem(p->y, n, "'%s' must be a non-empty list of ids", field);
		return;
	}
	size_t cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	*ids = bs_calloc(cap, sizeof(**ids));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = bs_yamldoc_node(p->y, *it);
		const char *s = bs_yamldoc_scalar(v);
		if (!s || !(valid_id(s, "SR") || valid_id(s, "A1") || valid_id(s, "A2") || valid_id(s, "A3"))) {
			bs_yamldoc_problem(p->y, v, "'%s' item '%s' is not a control id (SR.n, A1.n, A2.n, A3.n)", field,
					   s ? s : "?");
			continue;
		}
		(*ids)[(*nids)++] = bs_strdup(s);
	}
}

static void parse_entry(struct parse *p, yaml_node_t *n, const char *part)
{
	struct bs_control c;
	int bad = p->y->problems;

	memset(&c, 0, sizeof(c));
	c.file = p->y->file;
	c.line = (int)n->start_mark.line + 1;
	if (n->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(p->y, n, "each entry must be a mapping");
		return;
	}
	yaml_node_t *title = NULL, *text = NULL;
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(p->y, pr->key), *v = bs_yamldoc_node(p->y, pr->value);
		const char *key = bs_yamldoc_scalar(k);
		if (!key) {
			bs_yamldoc_problem(p->y, k, "field names must be strings");
		} else if (!strcmp(key, "id")) {
			const char *s = bs_yamldoc_scalar(v);
			if (!s || !valid_id(s, part))
				bs_yamldoc_problem(p->y, v, "id '%s' does not follow the scheme %s.<n>[.<n>...] "
					"(see catalog/README.md)", s ? s : "?", part);
			else
				c.id = bs_strdup(s);
		} else if (!strcmp(key, "parent")) {
			const char *s = bs_yamldoc_scalar(v);
			if (!s || !valid_id(s, part))
				bs_yamldoc_problem(p->y, v, "parent '%s' is not an id of part %s", s ? s : "?", part);
			else
				c.parent_id = bs_strdup(s);
		} else if (!strcmp(key, "title")) {
			title = v;
		} else if (!strcmp(key, "text")) {
			text = v;
		} else if (!strcmp(key, "applies")) {
			parse_applies(p, v, &c.applies);
		} else if (!strcmp(key, "how")) {
			parse_how(p, v, &c);
		} else if (!strcmp(key, "same_as")) {
			parse_ids(p, v, "same_as", &c.same_as, &c.nsame_as);
		} else if (!strcmp(key, "implemented_by")) {
			parse_ids(p, v, "implemented_by", &c.impl_ids, &c.nimpl);
		} else if (!strcmp(key, "period")) {
			const char *s = bs_yamldoc_scalar(v);
			if (!s || bs_duration_parse(s, &c.period_d) < 0)
				bs_yamldoc_problem(p->y, v, "period '%s' is not an ISO 8601 duration "
					"such as P1Y, P3M, PT15M", s ? s : "?");
			else
				c.period = bs_strdup(s);
		} else {
			bs_yamldoc_problem(p->y, k, "unknown field '%s': allowed are id, parent, title, text, applies, "
				"how, period, same_as, implemented_by", key);
		}
	}
	if (!c.id && p->y->problems == bad)
		bs_yamldoc_problem(p->y, n, "entry has no 'id'");
	if (c.id && strcmp(c.id, part) != 0 && !c.parent_id && p->y->problems == bad)
		bs_yamldoc_problem(p->y, n, "entry '%s' has no 'parent'", c.id);
	if (c.id && !strcmp(c.id, part) && c.parent_id)
		bs_yamldoc_problem(p->y, n, "the root entry '%s' must not have a parent", c.id);
	if (!title)
		bs_yamldoc_problem(p->y, n, "entry '%s' has no 'title'", c.id ? c.id : "?");
	else
		bs_yamldoc_text(p->y, title, "title", &c.title);
	if (!text)
		bs_yamldoc_problem(p->y, n, "entry '%s' has no 'text'", c.id ? c.id : "?");
	else
		bs_yamldoc_text(p->y, text, "text", &c.text);
	if (p->y->problems != bad) {
		bs_control_release(&c);
		return;
	}
	if (p->cat->n == p->cat->cap) {
		p->cat->cap = p->cat->cap ? p->cat->cap * 2 : 256;
		p->cat->v = bs_realloc(p->cat->v, bs_size_mul(p->cat->cap, sizeof(*p->cat->v)));
	}
	p->cat->v[p->cat->n++] = c;
}

int bs_catalog_parse(struct bs_catalog *cat, const char *file, const char *data, size_t len,
		     struct bs_buf *errors)
{
	struct bs_yamldoc y;
	struct parse p = { cat, &y };
	yaml_node_t *root, *entries = NULL;
	const char *part = NULL;
	int r;

	if ((r = bs_yamldoc_load(&y, file, data, len, errors, 0)) != 0)
		return r;
	root = bs_yamldoc_root(&y);
	if (!root || root->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(&y, root, "a catalog file is a mapping with 'part' and 'entries'");
		goto done;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(&y, pr->key), *v = bs_yamldoc_node(&y, pr->value);
		const char *key = bs_yamldoc_scalar(k);
		if (key && !strcmp(key, "part")) {
			part = bs_yamldoc_scalar(v);
			if (!part || (strcmp(part, "SR") && strcmp(part, "A1") && strcmp(part, "A2") && strcmp(part, "A3"))) {
				bs_yamldoc_problem(&y, v, "part '%s' is unknown: use SR, A1, A2 or A3",
					part ? part : "?");
				part = NULL;
			}
		} else if (key && !strcmp(key, "entries")) {
			entries = v;
		} else {
			bs_yamldoc_problem(&y, k, "unknown top-level field '%s': use part and entries",
				key ? key : "?");
		}
	}
	if (!part) {
		if (y.problems == 0)
			bs_yamldoc_problem(&y, root, "the file has no 'part'");
		goto done;
	}
	if (!entries || entries->type != YAML_SEQUENCE_NODE) {
		bs_yamldoc_problem(&y, entries ? entries : root, "'entries' must be a list");
		goto done;
	}
	for (yaml_node_item_t *it = entries->data.sequence.items.start; it < entries->data.sequence.items.top; it++)
		parse_entry(&p, bs_yamldoc_node(&y, *it), part);
done:
	r = y.problems;
	bs_yamldoc_release(&y);
	return r;
}

/* Open addressing over ids; the catalog is small and fixed, so a flat table is enough. */
static size_t hash_id(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

const struct bs_control *bs_catalog_find(const struct bs_catalog *cat, const char *id)
{
	/* Linear scan is fast enough for ~500 entries and keeps the struct simple; callers in
	 * loops (link) use their own index. */
	for (size_t i = 0; i < cat->n; i++)
		if (!strcmp(cat->v[i].id, id))
			return &cat->v[i];
	return NULL;
}

static struct bs_control *find_slot(struct bs_catalog *cat, const size_t *slot, size_t cap, const char *id)
{
	for (size_t h = hash_id(id) & (cap - 1); slot[h]; h = (h + 1) & (cap - 1))
		if (!strcmp(cat->v[slot[h] - 1].id, id))
			return &cat->v[slot[h] - 1];
	return NULL;
}

static int has_link(const struct bs_control *c, const struct bs_control *o)
{
	for (size_t i = 0; i < c->nlinked; i++)
		if (c->linked[i] == o)
			return 1;
	return 0;
}

static void add_link(struct bs_control *c, const struct bs_control *o)
{
	if (has_link(c, o))
		return;
	c->linked = bs_realloc(c->linked, bs_size_mul(c->nlinked + 1, sizeof(*c->linked)));
	c->linked[c->nlinked++] = o;
}

/* same_as both ways; each side must exist, state a duty (`how`) and not be the entry itself. */
static int link_same_as(struct bs_catalog *cat, const size_t *slot, size_t cap, struct bs_buf *errors)
{
	int problems = 0;

	for (size_t i = 0; i < cat->n; i++) {
		struct bs_control *c = &cat->v[i];
		for (size_t j = 0; j < c->nsame_as; j++) {
			struct bs_control *o = find_slot(cat, slot, cap, c->same_as[j]);
			const char *why = !o ? "does not exist" : o == c ? "is the entry itself"
					  : !o->nhow ? "states no duty (no 'how')"
					  : !c->nhow ? "is linked from an entry that states no duty (add 'how' to it)" : NULL;
			if (why) {
				bs_buf_printf(errors, "%s:%d: entry '%s': same_as '%s' %s\n", c->file, c->line, c->id,
					      c->same_as[j], why);
				problems++;
				continue;
			}
			add_link(c, o);
			add_link(o, c);
		}
		for (size_t j = 0; j < c->nimpl; j++) {
			struct bs_control *o = find_slot(cat, slot, cap, c->impl_ids[j]);
			const char *why = !o ? "does not exist" : !strncmp(o->id, "SR", 2) ? "is not an annex entry (A1, A2, A3)"
					  : !o->nhow ? "states no duty (no 'how')"
					  : strncmp(c->id, "SR.", 3) != 0 ? "is given on an entry that is not an article (SR.n)" : NULL;
			if (why) {
				bs_buf_printf(errors, "%s:%d: entry '%s': implemented_by '%s' %s\n", c->file, c->line, c->id,
					      c->impl_ids[j], why);
				problems++;
				continue;
			}
			if (!c->implemented_by)
				c->implemented_by = bs_calloc(c->nimpl, sizeof(*c->implemented_by));
			c->implemented_by[c->nimplemented++] = o;
		}
	}
	return problems;
}

int bs_catalog_link(struct bs_catalog *cat, struct bs_buf *errors)
{
	size_t cap = 1;
	int problems = 0;

	while (cap < cat->n * 2 + 2)
		cap <<= 1;
	size_t *slot = bs_calloc(cap, sizeof(*slot)); /* index + 1; 0 = empty */
	for (size_t i = 0; i < cat->n; i++) {
		struct bs_control *c = &cat->v[i];
		size_t h = hash_id(c->id) & (cap - 1);
		int dup = 0;
		while (slot[h]) {
			if (!strcmp(cat->v[slot[h] - 1].id, c->id)) {
				const struct bs_control *o = &cat->v[slot[h] - 1];
				bs_buf_printf(errors, "%s:%d: duplicate id '%s' (first at %s:%d)\n", c->file, c->line,
					      c->id, o->file, o->line);
				problems++;
				dup = 1;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (!dup)
			slot[h] = i + 1;
	}
	for (size_t i = 0; i < cat->n; i++) {
		struct bs_control *c = &cat->v[i];
		c->effective = c->applies;
		if (!c->parent_id)
			continue;
		size_t h = hash_id(c->parent_id) & (cap - 1);
		struct bs_control *par = NULL;
		while (slot[h]) {
			if (!strcmp(cat->v[slot[h] - 1].id, c->parent_id)) {
				par = &cat->v[slot[h] - 1];
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (!par) {
			bs_buf_printf(errors, "%s:%d: entry '%s' names parent '%s', which does not exist\n", c->file,
				      c->line, c->id, c->parent_id);
			problems++;
			continue;
		}
		if (par >= c) {
			bs_buf_printf(errors, "%s:%d: entry '%s' comes before its parent '%s': list parents first\n",
				      c->file, c->line, c->id, c->parent_id);
			problems++;
			continue;
		}
		/* A child's id extends its parent's, except the table rows (A1.T1 sits under A1.5). */
		if (!strstr(c->id, ".T1") && !bs_control_id_under(c->id, par->id)) {
			bs_buf_printf(errors, "%s:%d: entry '%s' does not extend its parent's id '%s'\n", c->file,
				      c->line, c->id, par->id);
			problems++;
			continue;
		}
		c->parent = par;
		par->nchildren++;
		if (c->nhow)
			par->nduty_children++;
		/* Parents come first, so par->effective is already final. */
		c->effective.profile |= par->effective.profile;
		c->effective.system_category = c->effective.system_category ? c->effective.system_category
									     : par->effective.system_category;
		c->effective.app_class = c->effective.app_class ? c->effective.app_class : par->effective.app_class;
	}
	problems += link_same_as(cat, slot, cap, errors);
	free(slot);
	return problems;
}

void bs_catalog_release(struct bs_catalog *cat)
{
	for (size_t i = 0; i < cat->n; i++)
		bs_control_release(&cat->v[i]);
	free(cat->v);
	memset(cat, 0, sizeof(*cat));
}

int bs_control_id_under(const char *id, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(id, prefix, n) && (id[n] == '\0' || id[n] == '.');
}

void bs_control_group(const struct bs_control *c, char *out, size_t outsz)
{
	const char *dot = strchr(c->id, '.');
	size_t len;

	if (!dot) {
		snprintf(out, outsz, "%s", c->id);
		return;
	}
	const char *second = strchr(dot + 1, '.');
	len = second ? (size_t)(second - c->id) : strlen(c->id);
	snprintf(out, outsz, "%.*s", (int)len, c->id);
}

const char *bs_text_get(const struct bs_text *t, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? t->en : t->zh;
}

/* Loaded once per process, on first use, from any thread (the server's included). */
static struct bs_catalog builtin_cat;
static int builtin_err;
static char *builtin_msg;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void load_builtin(void)
{
	struct bs_buf errors = BS_BUF_INIT;
	int problems = 0;

	for (const struct bs_embed *e = bs_embed_catalog; e->name; e++) {
		int r = bs_catalog_parse(&builtin_cat, e->name, (const char *)e->data, e->len, &errors);
		if (r < 0) {
			builtin_err = r;
			builtin_msg = bs_strdup(bs_error_message());
			goto done;
		}
		problems += r;
	}
	problems += bs_catalog_link(&builtin_cat, &errors);
	if (problems) {
		struct bs_buf m = BS_BUF_INIT;
		bs_buf_printf(&m, "the built-in catalog is invalid (%d problems):\n%s", problems, errors.ptr);
		builtin_err = BS_ERR;
		builtin_msg = bs_buf_detach(&m, NULL);
	}
done:
	if (builtin_err)
		bs_catalog_release(&builtin_cat);
	bs_buf_release(&errors);
}

int bs_catalog_builtin(const struct bs_catalog **out)
{
	*out = NULL;
	if (pthread_once(&builtin_once, load_builtin) != 0)
		return bs_error(BS_ERR, "cannot load the built-in catalog");
	if (builtin_err)
		return bs_error(builtin_err, "%s", builtin_msg);
	*out = &builtin_cat;
	return 0;
}
