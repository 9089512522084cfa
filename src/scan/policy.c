/* policy.c - loads check policies (YAML) with every problem reported as file:line. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/embed.h"
#include "core/error.h"
#include "scan/probe.h"
#include "scan/rule.h"
#include "scan/scan.h"
#include "yamldoc/yamldoc.h"

/* One file being parsed: the policy it adds to and the document with its problems. */
struct parse {
	struct bs_scan_policy *pol;
	const struct bs_catalog *cat;
	struct bs_yamldoc *y;
	const char *platform;
};

static void text_release(struct bs_text *t)
{
	free(t->zh);
	free(t->en);
}

const char *bs_cmp_name(enum cmp_op op)
{
	static const char *const names[] = { "<", "<=", ">", ">=", "==", "!=" };
	return (unsigned)op < 6 ? names[op] : "?";
}

int bs_cmp_eval(enum cmp_op op, long long a, long long b)
{
	switch (op) {
	case CMP_LT: return a < b;
	case CMP_LE: return a <= b;
	case CMP_GT: return a > b;
	case CMP_GE: return a >= b;
	case CMP_EQ: return a == b;
	case CMP_NE: return a != b;
	}
	return 0;
}

int bs_num_parse(const char *s, long long *out)
{
	static const char *const inf[] = { "never", "unbounded", "infinite", NULL };
	for (int i = 0; inf[i]; i++) {
		size_t l = strlen(inf[i]);
		/* "unbounded (not rotated)": a word, then an explanation */
		if (!strncasecmp(s, inf[i], l) && (s[l] == '\0' || s[l] == ' ')) {
			*out = BS_NUM_INF;
			return 0;
		}
	}
	return bs_text_int(s, out);
}

/* "<= 5", ">=180", "== 0" */
static int parse_cmp(const char *s, enum cmp_op *op, long long *num)
{
	static const struct { const char *t; enum cmp_op op; } ops[] = {
		{ "<=", CMP_LE }, { ">=", CMP_GE }, { "==", CMP_EQ }, { "!=", CMP_NE }, { "<", CMP_LT }, { ">", CMP_GT },
	};
	while (*s == ' ')
		s++;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].t);
		if (!strncmp(s, ops[i].t, n)) {
			const char *r = s + n;
			while (*r == ' ')
				r++;
			*op = ops[i].op;
			return bs_num_parse(r, num);
		}
	}
	return -1;
}

static int parse_bool(const char *s, int *out)
{
	if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) {
		*out = 1;
		return 0;
	}
	if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) {
		*out = 0;
		return 0;
	}
	return -1;
}

static void rule_release(struct bs_scan_rule *r)
{
	free(r->target);
	free(r->pattern);
	free(r->owner);
	if (r->has_re)
		regfree(&r->re);
}

/* What glibc's regcomp builds for an ERE grows with the product of stacked and nested
 * repetitions: it copies the repeated part once per repetition ("a" and 25 '+' took more
 * than 2 GiB, "a+*" and 10 more '+' 1.3 s; found by fuzzing, tests/fuzz/corpus/policy/
 * crash-regex-*). re_cost estimates that size (saturating at RE_COST_MAX) and refuses
 * stacked repetitions, so a policy cannot make a scan exhaust memory or time. */
#define RE_COST_MAX 20000
#define RE_DEPTH_MAX 32

static size_t re_sat(size_t a, size_t b, size_t c)
{
	/* a * b + c, saturating */
	if (b && a > (RE_COST_MAX + 1) / b)
		return RE_COST_MAX + 1;
	a = a * b + c;
	return a > RE_COST_MAX ? RE_COST_MAX + 1 : a;
}

/* The cost of the alternatives from s[*i] up to an unmatched ')' or the end. */
static size_t re_cost(const char *s, size_t *i, int depth)
{
	size_t total = 0;

	if (depth > RE_DEPTH_MAX)
		return RE_COST_MAX + 1;
	while (s[*i] && s[*i] != ')' && total <= RE_COST_MAX) {
		size_t atom = 1;
		char c = s[(*i)++];
		if (c == '(') {
			atom = re_sat(re_cost(s, i, depth + 1), 1, 1);
			if (s[*i] == ')')
				(*i)++;
		} else if (c == '[') {
			/* a bracket expression: "[]" and "[^]" take ']' as a member, "[:alpha:]" inside */
			if (s[*i] == '^')
				(*i)++;
			if (s[*i] == ']')
				(*i)++;
			while (s[*i] && s[*i] != ']') {
				if (s[*i] == '[' && (s[*i + 1] == ':' || s[*i + 1] == '.' || s[*i + 1] == '=')) {
					char end = s[*i + 1];
					*i += 2;
					while (s[*i] && !(s[*i] == end && s[*i + 1] == ']'))
						(*i)++;
					if (s[*i])
						*i += 2;
					continue;
				}
				(*i)++;
			}
			if (s[*i])
				(*i)++;
		} else if (c == '\\') {
			if (s[*i])
				(*i)++;
		} else if (c == '|') {
			atom = 0;
		}
		/* repetitions: each copies what it repeats; two in a row ("a+*", "a{2}{3}") are
		 * undefined in POSIX and are what blows glibc up: refused */
		for (int reps = 0;; reps++) {
			if (reps && (s[*i] == '*' || s[*i] == '+' || s[*i] == '?' ||
				     (s[*i] == '{' && s[*i + 1] >= '0' && s[*i + 1] <= '9')))
				return RE_COST_MAX + 1;
			if (s[*i] == '*' || s[*i] == '+' || s[*i] == '?') {
				atom = re_sat(atom, 2, 1);
				(*i)++;
			} else if (s[*i] == '{') {
				size_t j = *i + 1, n = 0, m = 0;
				int digits = 0;
				while (s[j] >= '0' && s[j] <= '9' && n <= RE_COST_MAX)
					n = n * 10 + (size_t)(s[j++] - '0'), digits++;
				m = n;
				if (s[j] == ',') {
					j++;
					m = 0;
					while (s[j] >= '0' && s[j] <= '9' && m <= RE_COST_MAX)
						m = m * 10 + (size_t)(s[j++] - '0');
					if (!m)
						m = n + 1; /* {n,}: n copies and a star */
				}
				if (!digits || s[j] != '}')
					break; /* not a bound: a literal '{' */
				atom = re_sat(atom, (m > n ? m : n) + 1, 1);
				*i = j + 1;
			} else {
				break;
			}
		}
		total = re_sat(total, 1, atom);
	}
	return total;
}

static int compile_re(struct parse *p, yaml_node_t *v, struct bs_scan_rule *r, const char *s)
{
	size_t at = 0, cost = 0;
	while (s[at] && cost <= RE_COST_MAX) {
		cost = re_sat(cost, 1, re_cost(s, &at, 0));
		if (s[at] == ')')
			at++; /* an unmatched ')' */
	}
	if (strlen(s) > 1000 || cost > RE_COST_MAX) {
		bs_yamldoc_problem(p->y, v, "regex '%.80s%s' is too large, or repeats a repetition ('a+*', 'a{2}{3}', "
				   "which POSIX leaves undefined) or nests them too deeply ('((a{100}){100}){100}'): "
				   "simplify it", s, strlen(s) > 80 ? "..." : "");
		return -1;
	}
	int rc = regcomp(&r->re, s, REG_EXTENDED);
	if (rc != 0) {
		char msg[200];
		regerror(rc, &r->re, msg, sizeof(msg));
		bs_yamldoc_problem(p->y, v, "regex '%s' does not compile: %s (POSIX extended syntax)", s, msg);
		return -1;
	}
	r->has_re = 1;
	r->pattern = bs_strdup(s);
	return 0;
}

/* A fact name: "<probe>.<rest>" where <probe> is a registered probe. */
static int known_fact(const char *name)
{
	const char *dot = strchr(name, '.');
	char dom[64];

	if (!dot || dot == name || (size_t)(dot - name) >= sizeof(dom) || !dot[1])
		return 0;
	memcpy(dom, name, (size_t)(dot - name));
	dom[dot - name] = '\0';
	return bs_probe_lookup(dom) != NULL;
}

static void parse_rule(struct parse *p, yaml_node_t *n, struct bs_scan_rule *r, int *ok)
{
	const char *exists = NULL, *match = NULL, *compare = NULL, *entries = NULL, *perm = NULL, *present = NULL,
		   *equals = NULL, *count = NULL, *missing = NULL;
	yaml_node_t *where = n;
	int bad = p->y->problems;

	memset(r, 0, sizeof(*r));
	r->line = (int)n->start_mark.line + 1;
	*ok = 0;
	if (n->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(p->y, n, "each rule must be a mapping with file, dir or fact");
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(p->y, pr->key), *v = bs_yamldoc_node(p->y, pr->value);
		const char *key = bs_yamldoc_scalar(k), *val = bs_yamldoc_scalar(v);
		if (!key || !val) {
			bs_yamldoc_problem(p->y, k, "rule fields are 'name: value' strings");
			continue;
		}
		if (!strcmp(key, "file") || !strcmp(key, "dir") || !strcmp(key, "fact")) {
			if (r->target) {
				bs_yamldoc_problem(p->y, k, "a rule names one of file, dir, fact");
				continue;
			}
			r->kind = key[0] == 'f' && key[1] == 'i' ? RULE_FILE : key[0] == 'd' ? RULE_DIR : RULE_FACT;
			r->target = bs_strdup(val);
		} else if (!strcmp(key, "exists")) exists = val;
		else if (!strcmp(key, "match")) match = val;
		else if (!strcmp(key, "compare")) compare = val;
		else if (!strcmp(key, "entries")) entries = val;
		else if (!strcmp(key, "perm_max")) perm = val;
		else if (!strcmp(key, "owner")) r->owner = bs_strdup(val);
		else if (!strcmp(key, "present")) present = val;
		else if (!strcmp(key, "equals")) equals = val;
		else if (!strcmp(key, "count")) count = val;
		else if (!strcmp(key, "missing")) missing = val;
		else
			bs_yamldoc_problem(p->y, k, "unknown rule field '%s': use file, dir, fact, exists, match, "
				"compare, entries, perm_max, owner, present, equals, count, missing", key);
	}
	if (!r->target) {
		bs_yamldoc_problem(p->y, where, "the rule names no file, dir or fact");
		return;
	}
	if (compare && parse_cmp(compare, &r->cmp, &r->num) < 0)
		bs_yamldoc_problem(p->y, where, "compare '%s' is not 'OP NUMBER' with OP one of < <= > >= == !=",
			compare);
	if (count && parse_cmp(count, &r->cmp, &r->num) < 0)
		bs_yamldoc_problem(p->y, where, "count '%s' is not 'OP NUMBER' with OP one of < <= > >= == !=", count);
	if (missing && strcmp(missing, "na") && strcmp(missing, "fail"))
		bs_yamldoc_problem(p->y, where, "missing '%s' is unknown: use na or fail", missing);
	r->missing_na = missing && !strcmp(missing, "na");
	if (r->kind == RULE_FILE) {
		int e = 1;
		if (present || equals || count || entries || missing)
			bs_yamldoc_problem(p->y, where, "a file rule takes exists, match (+compare), perm_max, owner");
		if (exists && parse_bool(exists, &e) < 0)
			bs_yamldoc_problem(p->y, where, "exists must be true or false");
		if (match) {
			r->op = OP_MATCH;
			compile_re(p, where, r, match);
			r->has_cmp = compare != NULL;
		} else if (perm || r->owner) {
			r->op = OP_MODE;
			if (perm) {
				char *end;
				unsigned long m = strtoul(perm, &end, 8);
				if (*end || !*perm || m > 07777)
					bs_yamldoc_problem(p->y, where,
						"perm_max '%s' is not an octal mode such as 0640", perm);
				r->perm_max = (unsigned)m;
				r->has_perm = 1;
			}
		} else {
			r->op = e ? OP_EXISTS : OP_ABSENT;
		}
		if (compare && !match)
			bs_yamldoc_problem(p->y, where, "compare on a file needs match with a capture group");
		if (r->target[0] != '/')
			bs_yamldoc_problem(p->y, where, "file '%s' must be an absolute path", r->target);
	} else if (r->kind == RULE_DIR) {
		if (!entries)
			bs_yamldoc_problem(p->y, where, "a dir rule needs entries: REGEX");
		else
			compile_re(p, where, r, entries);
		r->op = OP_ENTRIES;
		if (r->target[0] != '/')
			bs_yamldoc_problem(p->y, where, "dir '%s' must be an absolute path", r->target);
	} else {
		int nops = !!present + !!compare + !!equals + !!match + !!count;
		if (!known_fact(r->target))
			bs_yamldoc_problem(p->y, where, "fact '%s' names no probe: facts are <probe>.<name> "
				"(scan --list-checks lists the probes)", r->target);
		if (nops != 1)
			bs_yamldoc_problem(p->y, where,
				"a fact rule takes exactly one of present, compare, equals, match, count");
		if (present) {
			int b = 1;
			if (parse_bool(present, &b) < 0)
				bs_yamldoc_problem(p->y, where, "present must be true or false");
			r->op = b ? OP_PRESENT : OP_ABSENT;
		} else if (compare) {
			r->op = OP_COMPARE;
			r->has_cmp = 1;
		} else if (equals) {
			r->op = OP_EQUALS;
			r->pattern = bs_strdup(equals);
		} else if (match) {
			r->op = OP_MATCH;
			compile_re(p, where, r, match);
		} else if (count) {
			r->op = OP_COUNT;
			r->has_cmp = 1;
		}
		if (exists || entries || perm || r->owner)
			bs_yamldoc_problem(p->y, where, "a fact rule takes present, compare, equals, match or count");
	}
	if (p->y->problems == bad)
		*ok = 1;
}

static void check_release(struct bs_scan_check *c)
{
	free(c->id);
	free(c->platform);
	text_release(&c->title);
	text_release(&c->rationale);
	text_release(&c->remediation);
	text_release(&c->baseline);
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i]);
	free(c->refs);
	for (size_t i = 0; i < c->nrules; i++)
		rule_release(&c->rules[i]);
	free(c->rules);
	free(c->file);
}

static int valid_check_id(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

static void parse_check(struct parse *p, yaml_node_t *n)
{
	struct bs_scan_check c;
	int bad = p->y->problems, has_sev = 0;
	yaml_node_t *title = NULL, *rationale = NULL, *remediation = NULL, *baseline = NULL;

	memset(&c, 0, sizeof(c));
	c.line = (int)n->start_mark.line + 1;
	c.cond = BS_COND_ALL;
	if (n->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(p->y, n, "each check must be a mapping");
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(p->y, pr->key), *v = bs_yamldoc_node(p->y, pr->value);
		const char *key = bs_yamldoc_scalar(k), *val = bs_yamldoc_scalar(v);
		if (!key) {
			bs_yamldoc_problem(p->y, k, "field names must be strings");
		} else if (!strcmp(key, "id")) {
			if (!val || !valid_check_id(val))
				bs_yamldoc_problem(p->y, v, "check id '%s' must be 1-64 of a-z 0-9 . -",
					val ? val : "?");
			else
				c.id = bs_strdup(val);
		} else if (!strcmp(key, "title")) {
			title = v;
		} else if (!strcmp(key, "rationale")) {
			rationale = v;
		} else if (!strcmp(key, "remediation")) {
			remediation = v;
		} else if (!strcmp(key, "baseline")) {
			baseline = v;
		} else if (!strcmp(key, "severity")) {
			static const char *const sev[] = { "low", "medium", "high", "critical" };
			for (int i = 0; i < 4 && val; i++)
				if (!strcmp(val, sev[i])) {
					c.severity = (enum bs_scan_severity)i;
					has_sev = 1;
				}
			if (!has_sev)
				bs_yamldoc_problem(p->y, v, "severity '%s' is unknown: use low, medium, high or critical",
					val ? val : "?");
		} else if (!strcmp(key, "condition")) {
			if (val && !strcmp(val, "all"))
				c.cond = BS_COND_ALL;
			else if (val && !strcmp(val, "any"))
				c.cond = BS_COND_ANY;
			else if (val && !strcmp(val, "none"))
				c.cond = BS_COND_NONE;
			else
				bs_yamldoc_problem(p->y, v, "condition '%s' is unknown: use all, any or none",
					val ? val : "?");
		} else if (!strcmp(key, "refs")) {
			if (!v || v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start == v->data.sequence.items.top) {
				bs_yamldoc_problem(p->y, v, "'refs' must be a non-empty list of catalog ids");
				continue;
			}
			size_t cap = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
			c.refs = bs_calloc(cap, sizeof(*c.refs));
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				yaml_node_t *rv = bs_yamldoc_node(p->y, *it);
				const char *id = bs_yamldoc_scalar(rv);
				if (!id || !bs_catalog_find(p->cat, id)) {
					bs_yamldoc_problem(p->y, rv, "ref '%s' is not a catalog id: see 'brokersec controls'",
						id ? id : "?");
					continue;
				}
				c.refs[c.nrefs++] = bs_strdup(id);
			}
		} else if (!strcmp(key, "rules")) {
			if (!v || v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start == v->data.sequence.items.top) {
				bs_yamldoc_problem(p->y, v, "'rules' must be a non-empty list");
				continue;
			}
			size_t cap = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
			c.rules = bs_calloc(cap, sizeof(*c.rules));
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				int ok;
				parse_rule(p, bs_yamldoc_node(p->y, *it), &c.rules[c.nrules], &ok);
				if (ok)
					c.nrules++;
				else
					rule_release(&c.rules[c.nrules]);
			}
		} else {
			bs_yamldoc_problem(p->y, k, "unknown check field '%s': allowed are id, title, rationale, "
				"remediation, baseline, refs, severity, condition, rules", key);
		}
	}
	if (!c.id && p->y->problems == bad)
		bs_yamldoc_problem(p->y, n, "check has no 'id'");
	if (!title)
		bs_yamldoc_problem(p->y, n, "check '%s' has no 'title'", c.id ? c.id : "?");
	else
		bs_yamldoc_text(p->y, title, "title", &c.title);
	if (!rationale)
		bs_yamldoc_problem(p->y, n, "check '%s' has no 'rationale'", c.id ? c.id : "?");
	else
		bs_yamldoc_text(p->y, rationale, "rationale", &c.rationale);
	if (!remediation)
		bs_yamldoc_problem(p->y, n, "check '%s' has no 'remediation'", c.id ? c.id : "?");
	else
		bs_yamldoc_text(p->y, remediation, "remediation", &c.remediation);
	if (baseline)
		bs_yamldoc_text(p->y, baseline, "baseline", &c.baseline);
	if (!has_sev && p->y->problems == bad)
		bs_yamldoc_problem(p->y, n, "check '%s' has no 'severity'", c.id ? c.id : "?");
	if (!c.nrefs && p->y->problems == bad)
		bs_yamldoc_problem(p->y, n, "check '%s' has no 'refs': every check maps to at least one catalog id",
			c.id ? c.id : "?");
	if (!c.nrules && p->y->problems == bad)
		bs_yamldoc_problem(p->y, n, "check '%s' has no 'rules'", c.id ? c.id : "?");
	if (p->y->problems != bad) {
		check_release(&c);
		return;
	}
	c.file = bs_strdup(p->y->file);
	c.platform = bs_strdup(p->platform);
	if (p->pol->n == p->pol->cap) {
		p->pol->cap = p->pol->cap ? p->pol->cap * 2 : 64;
		p->pol->v = bs_realloc(p->pol->v, bs_size_mul(p->pol->cap, sizeof(*p->pol->v)));
	}
	p->pol->v[p->pol->n++] = c;
}

int bs_scan_policy_parse(struct bs_scan_policy *pol, const struct bs_catalog *cat, const char *file,
			 const char *data, size_t len, struct bs_buf *errors)
{
	struct bs_yamldoc y;
	struct parse p = { pol, cat, &y, NULL };
	yaml_node_t *root, *checks = NULL;
	int r;

	/* Policies keep their own wording of text problems; tests and users rely on it. */
	if ((r = bs_yamldoc_load(&y, file, data, len, errors, BS_YAMLDOC_MERGED_TEXT)) != 0)
		return r;
	root = bs_yamldoc_root(&y);
	if (!root || root->type != YAML_MAPPING_NODE) {
		bs_yamldoc_problem(&y, root, "a policy file is a mapping with 'platform' and 'checks'");
		goto done;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = bs_yamldoc_node(&y, pr->key), *v = bs_yamldoc_node(&y, pr->value);
		const char *key = bs_yamldoc_scalar(k);
		if (key && !strcmp(key, "platform")) {
			p.platform = bs_yamldoc_scalar(v);
			if (!p.platform || (strcmp(p.platform, "linux") && strcmp(p.platform, "windows"))) {
				bs_yamldoc_problem(&y, v, "platform '%s' is unknown: use linux or windows",
					p.platform ? p.platform : "?");
				p.platform = NULL;
			}
		} else if (key && !strcmp(key, "checks")) {
			checks = v;
		} else if (key && !strcmp(key, "title")) {
			/* a description of the file for readers; not used */
		} else {
			bs_yamldoc_problem(&y, k, "unknown top-level field '%s': use platform, title and checks",
				key ? key : "?");
		}
	}
	if (!p.platform) {
		if (!y.problems)
			bs_yamldoc_problem(&y, root, "the policy has no 'platform' (linux or windows)");
		goto done;
	}
	if (!checks || checks->type != YAML_SEQUENCE_NODE) {
		bs_yamldoc_problem(&y, checks ? checks : root, "'checks' must be a list");
		goto done;
	}
	for (yaml_node_item_t *it = checks->data.sequence.items.start; it < checks->data.sequence.items.top; it++)
		parse_check(&p, bs_yamldoc_node(&y, *it));
done:
	r = y.problems;
	bs_yamldoc_release(&y);
	return r;
}

int bs_scan_policy_link(struct bs_scan_policy *pol, struct bs_buf *errors)
{
	int problems = 0;

	/* Quadratic, but policies hold ~100 checks. */
	for (size_t i = 0; i < pol->n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(pol->v[i].id, pol->v[j].id)) {
				bs_buf_printf(errors, "%s:%d: duplicate check id '%s' (first at %s:%d)\n", pol->v[i].file,
					      pol->v[i].line, pol->v[i].id, pol->v[j].file, pol->v[j].line);
				problems++;
				break;
			}
	return problems;
}

void bs_scan_policy_release(struct bs_scan_policy *pol)
{
	for (size_t i = 0; i < pol->n; i++)
		check_release(&pol->v[i]);
	free(pol->v);
	memset(pol, 0, sizeof(*pol));
}

const struct bs_scan_check *bs_scan_policy_find(const struct bs_scan_policy *pol, const char *id)
{
	for (size_t i = 0; i < pol->n; i++)
		if (!strcmp(pol->v[i].id, id))
			return &pol->v[i];
	return NULL;
}

static int load_one(struct bs_scan_policy *pol, const struct bs_catalog *cat, const char *path, struct bs_buf *errors)
{
	struct bs_buf data = BS_BUF_INIT;
	int r = bs_buf_read_file(&data, path);

	if (r < 0) {
		bs_buf_printf(errors, "%s: %s\n", path, bs_error_message());
		bs_buf_release(&data);
		return 1;
	}
	r = bs_scan_policy_parse(pol, cat, path, data.ptr, data.len, errors);
	bs_buf_release(&data);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bs_scan_policy_load(struct bs_scan_policy *pol, const struct bs_catalog *cat, const char *path)
{
	struct bs_buf errors = BS_BUF_INIT;
	struct stat st;
	int problems = 0;

	if (stat(path, &st) < 0)
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "cannot open policy '%s': %s: give a policy "
				"file or a directory of *.yaml", path, bs_strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, cap = 0;
		if (!d)
			return bs_error(BS_ERR, "cannot read policy directory '%s': %s", path, bs_strerror(errno));
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name);
			if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") || de->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = bs_realloc(names, bs_size_mul(cap, sizeof(*names)));
			}
			struct bs_buf b = BS_BUF_INIT;
			bs_buf_printf(&b, "%s/%s", path, de->d_name);
			names[n++] = bs_buf_detach(&b, NULL);
		}
		closedir(d);
		if (n)
			qsort(names, n, sizeof(*names), cmp_str);
		if (!n) {
			free(names);
			return bs_error(BS_ENOTFOUND, "policy directory '%s' has no *.yaml files", path);
		}
		for (size_t i = 0; i < n; i++) {
			problems += load_one(pol, cat, names[i], &errors);
			free(names[i]);
		}
		free(names);
	} else {
		problems += load_one(pol, cat, path, &errors);
	}
	problems += bs_scan_policy_link(pol, &errors);
	if (problems) {
		/* drop the trailing newline for a clean message */
		if (errors.len && errors.ptr[errors.len - 1] == '\n')
			bs_buf_truncate(&errors, errors.len - 1);
		int err = problems == 1 ? bs_error(BS_EINVALID, "policy '%s' has 1 problem: fix it and run again:\n%s",
						   path, errors.ptr)
					: bs_error(BS_EINVALID, "policy '%s' has %d problems: fix them and run again:\n%s",
						   path, problems, errors.ptr);
		bs_buf_release(&errors);
		return err;
	}
	bs_buf_release(&errors);
	return 0;
}

int bs_scan_policy_builtin(const struct bs_scan_policy **out)
{
	static struct bs_scan_policy pol;
	static int loaded;
	const struct bs_catalog *cat;
	struct bs_buf errors = BS_BUF_INIT;
	int problems = 0, err;

	*out = NULL;
	if (loaded) {
		*out = &pol;
		return 0;
	}
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return err;
	for (const struct bs_embed *e = bs_embed_policies; e->name; e++) {
		int r = bs_scan_policy_parse(&pol, cat, e->name, (const char *)e->data, e->len, &errors);
		if (r < 0) {
			bs_buf_release(&errors);
			bs_scan_policy_release(&pol);
			return r;
		}
		problems += r;
	}
	problems += bs_scan_policy_link(&pol, &errors);
	if (problems) {
		err = bs_error(BS_ERR, "the built-in policies are invalid (%d problems):\n%s", problems, errors.ptr);
		bs_buf_release(&errors);
		bs_scan_policy_release(&pol);
		return err;
	}
	bs_buf_release(&errors);
	loaded = 1;
	*out = &pol;
	return 0;
}

void bs_scan_rule_describe(const struct bs_scan_check *c, size_t i, struct bs_buf *out)
{
	const struct bs_scan_rule *r = &c->rules[i];

	switch (r->kind) {
	case RULE_FILE:
		bs_buf_printf(out, "file %s", r->target);
		break;
	case RULE_DIR:
		bs_buf_printf(out, "dir %s", r->target);
		break;
	case RULE_FACT:
		bs_buf_printf(out, "fact %s", r->target);
		break;
	}
	switch (r->op) {
	case OP_EXISTS: bs_buf_puts(out, " exists"); break;
	case OP_ABSENT: bs_buf_puts(out, r->kind == RULE_FACT ? " absent" : " does not exist"); break;
	case OP_PRESENT: bs_buf_puts(out, " present"); break;
	case OP_MATCH: bs_buf_printf(out, " matches /%s/", r->pattern); break;
	case OP_ENTRIES: bs_buf_printf(out, " has an entry matching /%s/", r->pattern); break;
	case OP_EQUALS: bs_buf_printf(out, " == %s", r->pattern); break;
	case OP_COUNT: bs_buf_puts(out, " count"); break;
	case OP_MODE:
		if (r->has_perm)
			bs_buf_printf(out, " mode at most %04o", r->perm_max);
		if (r->owner)
			bs_buf_printf(out, " owner %s", r->owner);
		break;
	case OP_COMPARE: break;
	}
	if (r->has_cmp) {
		if (r->num == BS_NUM_INF)
			bs_buf_printf(out, " %s never", bs_cmp_name(r->cmp));
		else
			bs_buf_printf(out, " %s %lld", bs_cmp_name(r->cmp), r->num);
	}
	if (r->missing_na)
		bs_buf_puts(out, " (n/a when not reported)");
}
