/* dpkg.c - Debian control stanzas and dpkg's status file (dpkg.h). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "vuln/dpkg.h"

void bs_deb822_each(char *text, size_t len, void (*fn)(const struct bs_deb_stanza *, void *), void *arg)
{
	struct bs_deb_stanza s;
	size_t pos = 0;
	int lineno = 0, open = 0;

	memset(&s, 0, sizeof(s));
	for (;;) {
		char *l = NULL;
		if (pos < len) {
			char *nl = memchr(text + pos, '\n', len - pos);
			l = text + pos;
			if (nl) {
				*nl = '\0';
				pos = (size_t)(nl - text) + 1;
			} else {
				pos = len;
			}
			size_t ll = strlen(l);
			if (ll && l[ll - 1] == '\r')
				l[ll - 1] = '\0';
			lineno++;
		}
		if (!l || !*l) {
			if (open && s.package && s.version)
				fn(&s, arg);
			memset(&s, 0, sizeof(s));
			open = 0;
			if (!l)
				break;
			continue;
		}
		if (!open) {
			open = 1;
			s.line = lineno;
		}
		if (*l == ' ' || *l == '\t')
			continue; /* a continuation line (Description, Conffiles ...) */
		if (!strncmp(l, "Package: ", 9))
			s.package = l + 9;
		else if (!strncmp(l, "Version: ", 9))
			s.version = l + 9;
		else if (!strncmp(l, "Status: ", 8))
			s.status = l + 8;
		else if (!strncmp(l, "Source: ", 8))
			s.source = l + 8;
		else if (!strncmp(l, "Architecture: ", 14))
			s.arch = l + 14;
	}
}

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct bs_dpkg_pkg *)a)->name, ((const struct bs_dpkg_pkg *)b)->name);
}

static void add_installed(const struct bs_deb_stanza *s, void *arg)
{
	struct bs_dpkg *p = arg;
	size_t sl = s->status ? strlen(s->status) : 0;
	struct bs_dpkg_pkg *k;

	/* "install ok installed", "hold ok installed"; not half-installed, config-files ... */
	if (sl < 10 || strcmp(s->status + sl - 10, " installed") != 0)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 512;
		p->v = bs_realloc(p->v, bs_size_mul(p->cap, sizeof(*p->v)));
	}
	k = &p->v[p->n++];
	k->name = bs_strdup(s->package);
	k->version = bs_strdup(s->version);
	k->arch = bs_strdup(s->arch ? s->arch : "");
	k->line = s->line;
	if (s->source && *s->source) {
		/* "Source: openssl" or "Source: glibc (2.36-9+deb12u4)" when the versions differ */
		const char *src = s->source, *paren = strchr(src, '(');
		size_t n = paren ? (size_t)(paren - src) : strlen(src);
		while (n && (src[n - 1] == ' ' || src[n - 1] == '\t'))
			n--;
		k->source = bs_strndup(src, n);
		if (paren) {
			const char *close = strchr(paren, ')');
			size_t vl = close ? (size_t)(close - paren - 1) : strlen(paren + 1);
			k->source_version = bs_strndup(paren + 1, vl);
		} else {
			k->source_version = bs_strdup(s->version);
		}
	} else {
		k->source = bs_strdup(s->package);
		k->source_version = bs_strdup(s->version);
	}
}

int bs_dpkg_parse(char *text, size_t len, const char *file, struct bs_dpkg *out)
{
	memset(out, 0, sizeof(*out));
	bs_deb822_each(text, len, add_installed, out);
	if (!out->n)
		return bs_error(BS_EINVALID, "%s lists no installed package: the file is damaged", file);
	qsort(out->v, out->n, sizeof(*out->v), cmp_pkg);
	return 0;
}

const struct bs_dpkg_pkg *bs_dpkg_find(const struct bs_dpkg *d, const char *name)
{
	struct bs_dpkg_pkg key;
	if (!d->n)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.name = (char *)name;
	return bsearch(&key, d->v, d->n, sizeof(key), cmp_pkg);
}

void bs_dpkg_release(struct bs_dpkg *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].version);
		free(d->v[i].source);
		free(d->v[i].source_version);
		free(d->v[i].arch);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}
