/* fim_diff.c - a walk against a baseline: what was added, removed, and changed in which of the
 * attributes both record (fim.h). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fim/fim.h"

static void add(struct bs_fim_diff *d, const struct bs_fim_entry *old, const struct bs_fim_entry *now, char kind,
		unsigned attrs)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = bs_realloc(d->v, bs_size_mul(d->cap, sizeof(*d->v)));
	}
	d->v[d->n].old = old;
	d->v[d->n].now = now;
	d->v[d->n].path = old ? old->path : now->path;
	d->v[d->n].kind = kind;
	d->v[d->n].attrs = attrs;
	d->n++;
	if (kind == BS_FIM_ADDED)
		d->added++;
	else if (kind == BS_FIM_REMOVED)
		d->removed++;
	else
		d->changed++;
}

static int streq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* The attributes of a and b that differ, among those both record. */
static unsigned differ(const struct bs_fim_entry *a, const struct bs_fim_entry *b)
{
	unsigned m = a->attrs & b->attrs, out = 0;

	if (a->type != b->type)
		return (m & BS_FIM_TYPE) ? BS_FIM_TYPE : 0;
	if ((m & BS_FIM_MODE) && a->mode != b->mode)
		out |= BS_FIM_MODE;
	if ((m & BS_FIM_OWNER) && (a->uid != b->uid || a->gid != b->gid))
		out |= BS_FIM_OWNER;
	if ((m & BS_FIM_INODE) && a->inode != b->inode)
		out |= BS_FIM_INODE;
	if ((m & BS_FIM_XATTRS) && strcmp(a->xattrs, b->xattrs))
		out |= BS_FIM_XATTRS;
	if ((m & BS_FIM_ACL) && strcmp(a->acl, b->acl))
		out |= BS_FIM_ACL;
	/* a directory's size and times move with every entry added or removed in it: those
	 * entries are reported themselves */
	if (a->type == 'd')
		return out;
	if ((m & BS_FIM_SIZE) && a->size != b->size)
		out |= BS_FIM_SIZE;
	if ((m & BS_FIM_MTIME) && a->mtime_ns != b->mtime_ns)
		out |= BS_FIM_MTIME;
	if ((m & BS_FIM_CTIME) && a->ctime_ns != b->ctime_ns)
		out |= BS_FIM_CTIME;
	if ((m & BS_FIM_LINK) && a->type == 'l' && !streq(a->link, b->link))
		out |= BS_FIM_LINK;
	/* not read now (unreadable, vanished): counted as such, not a change of content */
	if ((m & BS_FIM_HASH) && a->hash[0] && b->hash[0] && strcmp(a->hash, b->hash))
		out |= BS_FIM_HASH;
	return out;
}

void bs_fim_diff(const struct bs_fim_tree *base, const struct bs_fim_tree *now, struct bs_fim_diff *out)
{
	size_t i = 0, j = 0;

	memset(out, 0, sizeof(*out));
	while (i < base->n || j < now->n) {
		int c = i == base->n ? 1 : j == now->n ? -1 : strcmp(base->v[i].path, now->v[j].path);
		if (c < 0) {
			add(out, &base->v[i++], NULL, BS_FIM_REMOVED, 0);
		} else if (c > 0) {
			add(out, NULL, &now->v[j++], BS_FIM_ADDED, 0);
		} else {
			unsigned m = differ(&base->v[i], &now->v[j]);
			if (m)
				add(out, &base->v[i], &now->v[j], BS_FIM_CHANGED, m);
			i++;
			j++;
		}
	}
}

void bs_fim_diff_release(struct bs_fim_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}
