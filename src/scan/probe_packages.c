/* probe_packages.c - installed packages (dpkg status), packages for services that should
 * not run on a broker's server (telnet, rsh, tftp, NIS ...), and pending security updates:
 * installed versions older than those in the apt lists of a security suite (compared the
 * way dpkg compares versions). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const char *const unwanted[] = { "telnetd", "inetutils-telnetd", "telnetd-ssl", "rsh-server",
					 "rsh-redone-server", "nis", "tftpd", "tftpd-hpa", "atftpd", "talkd",
					 "inetutils-talkd", "xinetd", "rlinetd", "ypserv", NULL };

/* dpkg's verrevcmp: '~' sorts before everything, letters before non-letters. */
static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;
		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* Compares two Debian versions [epoch:]upstream[-revision]; <0, 0, >0. */
int bs_dpkg_vercmp(const char *a, const char *b);
int bs_dpkg_vercmp(const char *a, const char *b)
{
	long ea = 0, eb = 0;
	const char *ca = strchr(a, ':'), *cb = strchr(b, ':');
	char *ua, *ub, *ra, *rb;
	int r;

	if (ca) {
		ea = strtol(a, NULL, 10);
		a = ca + 1;
	}
	if (cb) {
		eb = strtol(b, NULL, 10);
		b = cb + 1;
	}
	if (ea != eb)
		return ea < eb ? -1 : 1;
	ua = bs_strdup(a);
	ub = bs_strdup(b);
	ra = strrchr(ua, '-');
	rb = strrchr(ub, '-');
	if (ra)
		*ra++ = '\0';
	if (rb)
		*rb++ = '\0';
	r = verrevcmp(ua, ub);
	if (!r)
		r = verrevcmp(ra ? ra : "", rb ? rb : "");
	free(ua);
	free(ub);
	return r;
}

struct pkg {
	char *name, *version;
	int line;
};

struct pkgs {
	struct pkg *v;
	size_t n, cap;
};

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct pkg *)a)->name, ((const struct pkg *)b)->name);
}

/* Calls fn per stanza with Package, Version, Status (may be NULL) and the stanza's line. */
static void stanzas(struct bs_buf *b, void (*fn)(const char *, const char *, const char *, int, void *), void *arg)
{
	size_t pos = 0;
	int lineno = 0, start = 0;
	char *l, *name = NULL, *ver = NULL, *status = NULL;

	for (;;) {
		l = bs_text_line(b, &pos, &lineno);
		if (!l || !*l) {
			if (name && ver)
				fn(name, ver, status, start, arg);
			name = ver = status = NULL;
			if (!l)
				break;
			continue;
		}
		if (!name && !ver && !status)
			start = lineno;
		if (!strncmp(l, "Package: ", 9))
			name = l + 9;
		else if (!strncmp(l, "Version: ", 9))
			ver = l + 9;
		else if (!strncmp(l, "Status: ", 8))
			status = l + 8;
	}
}

static void add_installed(const char *name, const char *ver, const char *status, int line, void *arg)
{
	struct pkgs *p = arg;
	if (!status || !strstr(status, " installed") || strstr(status, "not-installed") ||
	    strstr(status, "config-files"))
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 512;
		p->v = bs_realloc(p->v, bs_size_mul(p->cap, sizeof(*p->v)));
	}
	p->v[p->n].name = bs_strdup(name);
	p->v[p->n].version = bs_strdup(ver);
	p->v[p->n].line = line;
	p->n++;
}

struct upd {
	struct bs_probe_ctx *ctx;
	struct pkgs *installed;
	const char *list;
};

static void check_update(const char *name, const char *ver, const char *status, int line, void *arg)
{
	struct upd *u = arg;
	struct pkg key = { (char *)name, NULL, 0 };
	struct pkg *hit;
	(void)status;
	hit = bsearch(&key, u->installed->v, u->installed->n, sizeof(key), cmp_pkg);
	if (hit && bs_dpkg_vercmp(hit->version, ver) < 0)
		bs_fact_addf(u->ctx, "packages.security_update", name, u->list, line, "installed %s, security update %s",
			     hit->version, ver);
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	struct pkgs p = { 0 };
	int r;

	if ((r = bs_probe_read(ctx, "/var/lib/dpkg/status", &b)) < 0) {
		bs_buf_release(&b);
		if (r == BS_ENOTFOUND)
			/* NEEDSWORK: RPM hosts (rpmdb.sqlite) are not read yet. */
			return bs_probe_na(ctx, "no dpkg database (/var/lib/dpkg/status): not a Debian-family host");
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	stanzas(&b, add_installed, &p);
	bs_buf_release(&b);
	if (!p.n) {
		free(p.v);
		return bs_probe_fail(ctx, "/var/lib/dpkg/status lists no installed package: the file is damaged");
	}
	qsort(p.v, p.n, sizeof(*p.v), cmp_pkg);
	bs_fact_addf(ctx, "packages.installed", NULL, "/var/lib/dpkg/status", 0, "%zu", p.n);
	for (size_t i = 0; i < p.n; i++)
		for (int k = 0; unwanted[k]; k++)
			if (!strcmp(p.v[i].name, unwanted[k]))
				bs_fact_add(ctx, "packages.unwanted", p.v[i].name, p.v[i].version, "/var/lib/dpkg/status",
					    p.v[i].line);
	if (bs_probe_exists(ctx, "/usr/bin/unattended-upgrade"))
		bs_fact_add(ctx, "packages.auto_updates", "unattended-upgrades", "installed", "/usr/bin/unattended-upgrade", 0);

	char **lists;
	size_t nl = bs_probe_glob(ctx, "/var/lib/apt/lists/*security*_Packages", &lists);
	bs_fact_addf(ctx, "packages.security_lists", NULL, "/var/lib/apt/lists", 0, "%zu", nl);
	for (size_t i = 0; i < nl; i++) {
		struct upd u = { ctx, &p, lists[i] };
		bs_buf_clear(&b);
		if (bs_probe_read(ctx, lists[i], &b) < 0) {
			bs_error_clear();
			continue;
		}
		stanzas(&b, check_update, &u);
	}
	/* NEEDSWORK: lists kept compressed (Acquire::GzipIndexes) are not read. */
	bs_probe_strv_free(lists, nl);
	bs_buf_release(&b);
	for (size_t i = 0; i < p.n; i++) {
		free(p.v[i].name);
		free(p.v[i].version);
	}
	free(p.v);
	return 0;
}

const struct bs_probe bs_probe_packages = { "packages", 0, run };
