/* match.c - is a name seen in a feed one of the official domains' look-alikes? One hash
 * lookup of the name, one of its registrable part (a host under a look-alike), and a
 * substring test of its labels against the official labels (brand-in-name, the commonest
 * phishing form in certificate logs). Feeds bring millions of names, so the ASCII path does
 * no allocation and calls libidn2 only for the rare non-ASCII name. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "lookalike/check.h"

struct bs_lookalike_matcher {
	struct bs_lookalike_set set;
	size_t *owner;             /* set index -> official index */
	struct bs_domain *official;
	char (*reg)[256];          /* each official domain's registrable part */
	size_t n;
};

int bs_lookalike_matcher_new(const struct bs_domain *official, size_t n, const struct bs_lookalike_opts *o,
			     struct bs_lookalike_matcher **out)
{
	struct bs_lookalike_matcher *m = bs_calloc(1, sizeof(*m));
	int err;

	m->n = n;
	m->official = bs_calloc(n ? n : 1, sizeof(*m->official));
	m->reg = bs_calloc(n ? n : 1, sizeof(*m->reg));
	memcpy(m->official, official, n * sizeof(*official));
	for (size_t i = 0; i < n; i++) {
		size_t before = m->set.n;
		snprintf(m->reg[i], sizeof(m->reg[i]), "%s.%s", official[i].label, official[i].suffix);
		if ((err = bs_lookalike_gen(&official[i], o, &m->set)) < 0) {
			bs_lookalike_matcher_free(m);
			return err;
		}
		m->owner = bs_realloc(m->owner, bs_size_mul(m->set.n ? m->set.n : 1, sizeof(*m->owner)));
		for (size_t j = before; j < m->set.n; j++)
			m->owner[j] = i;
	}
	*out = m;
	return 0;
}

void bs_lookalike_matcher_free(struct bs_lookalike_matcher *m)
{
	if (!m)
		return;
	bs_lookalike_set_release(&m->set);
	free(m->owner);
	free(m->official);
	free(m->reg);
	free(m);
}

const struct bs_lookalike_set *bs_lookalike_matcher_set(const struct bs_lookalike_matcher *m)
{
	return &m->set;
}

int bs_lookalike_normalize(const char *in, size_t len, char out[256])
{
	char tmp[256];
	size_t o = 0;
	int ascii = 1;
	const char *why;

	while (len && (*in == ' ' || *in == '\t'))
		in++, len--;
	while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\r'))
		len--;
	if (len && in[len - 1] == '.') /* the root */
		len--;
	if (len >= 2 && in[0] == '*' && in[1] == '.') /* a wildcard certificate's name */
		in += 2, len -= 2;
	if (!len || len > 253)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x80)
			ascii = 0;
		else if (c <= ' ' || c == 0x7f)
			return -1;
	}
	if (ascii) {
		size_t label = 0;
		for (size_t i = 0; i < len; i++) {
			char c = in[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c == '.') {
				if (!label || out[o - 1] == '-' || out[o - label] == '-')
					return -1;
				label = 0;
			} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				if (++label > 63)
					return -1;
			} else {
				return -1;
			}
			out[o++] = c;
		}
		if (!label || out[o - 1] == '-' || out[o - label] == '-')
			return -1;
		out[o] = 0;
	} else {
		memcpy(tmp, in, len);
		tmp[len] = 0;
		if (bs_domain_to_ascii(tmp, out, 256, &why) < 0)
			return -1;
	}
	/* a name needs a dot and a top-level domain that exists: "report.pdf" is no domain */
	if (!strchr(out, '.') || !bs_domain_known_suffix(out))
		return -1;
	return 0;
}

static void fill(const struct bs_lookalike_matcher *m, size_t idx, const char *name, const char *host,
		 struct bs_lookalike_found *f)
{
	const struct bs_lookalike *l = &m->set.v[idx];
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->host, sizeof(f->host), "%s", host);
	f->kind = l->kind;
	f->official = m->official[m->owner[idx]].ascii;
	f->unicode = l->unicode;
}

/* Does some label of name (before its suffix) hold an official label? */
static size_t brand_in(const struct bs_lookalike_matcher *m, const char *name, size_t upto)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *label = m->official[i].label;
		size_t ll = strlen(label);
		if (ll < 5 || !strncmp(label, "xn--", 4))
			continue;
		if (ll <= upto && memmem(name, upto, label, ll))
			return i + 1;
	}
	return 0;
}

int bs_lookalike_match(const struct bs_lookalike_matcher *m, const char *name, struct bs_lookalike_found *f)
{
	const char *reg = bs_domain_registrable(name);
	size_t idx, b;

	if (!reg)
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(reg, m->reg[i]))
			return 0; /* ours */
	if ((idx = bs_lookalike_set_find(&m->set, name))) {
		fill(m, idx - 1, name, name, f);
		return 1;
	}
	if (reg != name && (idx = bs_lookalike_set_find(&m->set, reg))) {
		fill(m, idx - 1, reg, name, f);
		return 1;
	}
	/* brand-in-name: the official label inside any label but the public suffix's */
	{
		const char *suffix = strchr(reg, '.');
		size_t upto = suffix ? (size_t)(suffix - name) : strlen(name);
		if ((b = brand_in(m, name, upto))) {
			snprintf(f->name, sizeof(f->name), "%s", reg);
			snprintf(f->host, sizeof(f->host), "%s", name);
			f->kind = "brand";
			f->official = m->official[b - 1].ascii;
			f->unicode = NULL;
			return 1;
		}
	}
	return 0;
}
