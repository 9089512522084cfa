/* fim_policy.c - the rules of fim as YAML (docs/fim.md "Rules"): which paths, what is left
 * out, which attributes are recorded; every problem reported as file:line. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "fim/fim.h"
#include "yamldoc/yamldoc.h"

static const char *const attr_names[BS_FIM_ATTR_COUNT] = {
	"hash", "size", "mode", "owner", "mtime", "ctime", "inode", "xattrs", "acl", "link", "type",
};

const char *bs_fim_attr_name(unsigned i)
{
	return i < BS_FIM_ATTR_COUNT ? attr_names[i] : "?";
}

void bs_fim_attrs_text(unsigned mask, struct bs_buf *b)
{
	int first = 1;
	for (unsigned i = 0; i < BS_FIM_ATTR_COUNT; i++)
		if (mask & (1u << i)) {
			if (!first)
				bs_buf_putc(b, ',');
			bs_buf_puts(b, attr_names[i]);
			first = 0;
		}
}

/* The built-in policy: the whole root, less what is not files (kernel views, runtime state)
 * and what changes all day by design (caches, spools, logs: A2.5.3.3 is about programs and
 * data, the logs have the event log's own rules). */
static const char default_text[] =
	"# brokersec fim: the built-in policy (docs/fim.md). Paths are relative to --root.\n"
	"rules:\n"
	"  - path: /\n"
	"    exclude: [/proc, /sys, /dev, /run, /tmp, /var/tmp, /var/cache, /var/log, /var/spool, /var/lib/apt/lists,\n"
	"              /var/lib/dpkg/lock*, /lost+found, '*.swp', '*~']\n"
	"    attributes: [hash, size, mode, owner, mtime, ctime, inode, xattrs, acl, link, type]\n";

const char *bs_fim_policy_default_text(void)
{
	return default_text;
}

void bs_fim_policy_release(struct bs_fim_policy *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = 0; j < p->rules[i].nexclude; j++)
			free(p->rules[i].exclude[j]);
		free(p->rules[i].exclude);
		free(p->rules[i].path);
	}
	free(p->rules);
	free(p->text);
	free(p->file);
	memset(p, 0, sizeof(*p));
}

/* "/etc/ssh/" -> "etc/ssh", "/" -> ""; NULL when it has an empty, "." or ".." part. */
static char *norm_path(const char *s)
{
	struct bs_buf b = BS_BUF_INIT;
	const char *p = s;

	while (*p) {
		size_t l;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		l = strcspn(p, "/");
		if ((l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.')) {
			bs_buf_release(&b);
			return NULL;
		}
		if (b.len)
			bs_buf_putc(&b, '/');
		bs_buf_put(&b, p, l);
		p += l;
	}
	if (!b.ptr)
		return bs_strdup("");
	return bs_buf_detach(&b, NULL);
}

static void parse_rule(struct bs_yamldoc *d, yaml_node_t *n, struct bs_fim_policy *p)
{
	struct bs_fim_rule r = { NULL, NULL, 0, BS_FIM_ATTR_ALL };
	int have_path = 0;

	if (n->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(d, n, "a rule must be a mapping with 'path' (and 'exclude', 'attributes')");
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(d, pr->key), *v = bs_yamldoc_node(d, pr->value);
		const char *key = bs_yamldoc_scalar(k);
		if (!key || !v) {
			bs_yamldoc_problem(d, k, "a rule's keys are 'path', 'exclude' and 'attributes'");
		} else if (!strcmp(key, "path")) {
			const char *s = bs_yamldoc_text_scalar(d, v, "path");
			have_path = 1;
			if (s && !(r.path = norm_path(s)))
				bs_yamldoc_problem(d, v, "path '%.200s' has a '.' or '..' part: give the path from the root", s);
		} else if (!strcmp(key, "exclude")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				bs_yamldoc_problem(d, v, "'exclude' must be a list of patterns ([var/log, '*.tmp'])");
				continue;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				const char *s = bs_yamldoc_text_scalar(d, bs_yamldoc_node(d, *it), "exclude");
				if (!s)
					continue;
				if (!s[strspn(s, "/")] || strlen(s) > 1024) {
					bs_yamldoc_problem(d, bs_yamldoc_node(d, *it), "an exclusion must be a pattern of 1 to "
							   "1024 bytes");
					continue;
				}
				r.exclude = bs_realloc(r.exclude, bs_size_mul(r.nexclude + 1, sizeof(*r.exclude)));
				r.exclude[r.nexclude++] = bs_strdup(s);
			}
		} else if (!strcmp(key, "attributes")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				bs_yamldoc_problem(d, v, "'attributes' must be a list ([hash, size, mode, owner, mtime, ctime, "
						   "inode, xattrs, acl, link, type] or [all])");
				continue;
			}
			r.attrs = 0;
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				const char *s = bs_yamldoc_scalar(bs_yamldoc_node(d, *it));
				unsigned i;
				if (s && !strcmp(s, "all")) {
					r.attrs = BS_FIM_ATTR_ALL;
					continue;
				}
				for (i = 0; i < BS_FIM_ATTR_COUNT && (!s || strcmp(s, attr_names[i])); i++)
					;
				if (i == BS_FIM_ATTR_COUNT)
					bs_yamldoc_problem(d, bs_yamldoc_node(d, *it), "unknown attribute '%.40s': one of hash, "
							   "size, mode, owner, mtime, ctime, inode, xattrs, acl, link, type, all",
							   s ? s : "(not a word)");
				else
					r.attrs |= 1u << i;
			}
			if (!r.attrs)
				bs_yamldoc_problem(d, v, "'attributes' is empty: name at least one (type)");
		} else {
			bs_yamldoc_problem(d, k, "unknown key '%.40s' in a rule: 'path', 'exclude' or 'attributes'", key);
		}
	}
	if (!have_path)
		bs_yamldoc_problem(d, n, "a rule needs 'path' (/ for the whole root)");
	if (r.path)
		for (size_t i = 0; i < p->n; i++)
			if (!strcmp(p->rules[i].path, r.path)) {
				bs_yamldoc_problem(d, n, "two rules for path '/%.200s': merge them", r.path);
				break;
			}
	p->rules = bs_realloc(p->rules, bs_size_mul(p->n + 1, sizeof(*p->rules)));
	if (!r.path)
		r.path = bs_strdup("");
	p->rules[p->n++] = r;
}

int bs_fim_policy_parse(struct bs_fim_policy *p, const char *file, const char *data, size_t len,
			struct bs_buf *errors)
{
	struct bs_yamldoc d;
	yaml_node_t *root, *rules = NULL;
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = bs_yamldoc_load(&d, file, data, len, errors, 0)) != 0)
		return r < 0 ? r : BS_EINVALID;
	root = bs_yamldoc_root(&d);
	if (!root || root->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(&d, root, "a fim policy is a mapping with 'rules' (a list)");
		goto out;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(&d, pr->key);
		const char *key = bs_yamldoc_scalar(k);
		if (key && !strcmp(key, "rules"))
			rules = bs_yamldoc_node(&d, pr->value);
		else
			bs_yamldoc_problem(&d, k, "unknown key '%.40s': a fim policy has 'rules' only", key ? key : "");
	}
	if (!rules || rules->type != YAML_SEQUENCE_NODE || rules->data.sequence.items.start == rules->data.sequence.items.top) {
		bs_yamldoc_problem(&d, rules ? rules : root, "'rules' must be a list of at least one rule");
		goto out;
	}
	for (yaml_node_item_t *it = rules->data.sequence.items.start; it < rules->data.sequence.items.top; it++) {
		if (p->n >= 1000) {
			bs_yamldoc_problem(&d, bs_yamldoc_node(&d, *it), "more than 1000 rules");
			break;
		}
		parse_rule(&d, bs_yamldoc_node(&d, *it), p);
	}
out:
	r = d.problems;
	bs_yamldoc_release(&d);
	if (r) {
		bs_fim_policy_release(p);
		return BS_EINVALID;
	}
	p->text = bs_strndup(data, len);
	p->file = bs_strdup(file);
	return 0;
}

int bs_fim_policy_load(struct bs_fim_policy *p, const char *path)
{
	struct bs_buf text = BS_BUF_INIT, errors = BS_BUF_INIT;
	int err;

	memset(p, 0, sizeof(*p));
	if (!path) {
		err = bs_fim_policy_parse(p, "(built-in)", default_text, strlen(default_text), &errors);
	} else {
		if ((err = bs_buf_read_file(&text, path)) < 0)
			goto out;
		err = bs_fim_policy_parse(p, path, text.ptr ? text.ptr : "", text.len, &errors);
	}
	if (err == BS_EINVALID) {
		if (errors.len && errors.ptr[errors.len - 1] == '\n')
			bs_buf_truncate(&errors, errors.len - 1);
		err = bs_error(BS_EINVALID, "fim policy '%s' has problems:\n%s", path ? path : "(built-in)", errors.ptr ? errors.ptr : "");
	}
out:
	bs_buf_release(&text);
	bs_buf_release(&errors);
	return err;
}

/* 1 when rule path rp covers rel ("" covers everything; "etc" covers "etc" and "etc/x"). */
static int covers(const char *rp, const char *rel)
{
	size_t l = strlen(rp);
	if (!l)
		return 1;
	if (!strcmp(rel, "."))
		return 0;
	return !strncmp(rp, rel, l) && (rel[l] == '\0' || rel[l] == '/');
}

const struct bs_fim_rule *bs_fim_policy_match(const struct bs_fim_policy *p, const char *rel, int *excluded)
{
	const struct bs_fim_rule *best = NULL;
	const char *base;

	*excluded = 0;
	for (size_t i = 0; i < p->n; i++)
		if (covers(p->rules[i].path, rel) && (!best || strlen(p->rules[i].path) > strlen(best->path)))
			best = &p->rules[i];
	if (!best || !strcmp(rel, "."))
		return best;
	base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	for (size_t j = 0; j < best->nexclude; j++) {
		/* "/x" or "a/b": the path from the root; "*.tmp": the name, at any depth */
		const char *pat = best->exclude[j];
		if (strchr(pat, '/') ? !fnmatch(pat + strspn(pat, "/"), rel, 0) : !fnmatch(pat, base, 0)) {
			*excluded = 1;
			break;
		}
	}
	return best;
}
