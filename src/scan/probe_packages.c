/* probe_packages.c - installed packages (dpkg status), packages for services that should
 * not run on a broker's server (telnet, rsh, tftp, NIS ...), and pending security updates:
 * installed versions older than those in the apt lists of a security suite (compared the
 * way dpkg compares versions). Also the installed packages of interest to other checks
 * (anti-malware, rootkit scanners, IDS/IPS, file integrity, auditd), and the dpkg reader the
 * probes share (bs_dpkg_load). */
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

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct bs_dpkg_pkg *)a)->name, ((const struct bs_dpkg_pkg *)b)->name);
}

static void add_installed(const char *name, const char *ver, const char *status, int line, void *arg)
{
	struct bs_dpkg *p = arg;
	/* "install ok installed", "hold ok installed"; not half-installed, config-files ... */
	size_t sl = status ? strlen(status) : 0;
	if (sl < 10 || strcmp(status + sl - 10, " installed") != 0)
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

int bs_dpkg_load(struct bs_probe_ctx *ctx, struct bs_dpkg *out)
{
	struct bs_buf b = BS_BUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = bs_probe_read(ctx, BS_DPKG_STATUS, &b)) < 0) {
		bs_buf_release(&b);
		return r == BS_ENOTFOUND ? BS_ENOTFOUND : BS_ERR;
	}
	stanzas(&b, add_installed, out);
	bs_buf_release(&b);
	if (!out->n)
		return bs_error(BS_ERR, "%s lists no installed package: the file is damaged", BS_DPKG_STATUS);
	qsort(out->v, out->n, sizeof(*out->v), cmp_pkg);
	return 0;
}

const struct bs_dpkg_pkg *bs_dpkg_find(const struct bs_dpkg *d, const char *name)
{
	struct bs_dpkg_pkg key = { (char *)name, NULL, 0 };
	if (!d->n)
		return NULL;
	return bsearch(&key, d->v, d->n, sizeof(key), cmp_pkg);
}

void bs_dpkg_release(struct bs_dpkg *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].version);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Packages of interest, each reported as a fact "packages.<fact>" (subject: the package,
 * value: its version) when installed. */
static const struct {
	const char *fact;
	const char *const *names;
} interest[] = {
	/* ClamAV (clamscan, clamd) and the Linux agents of commercial anti-malware products
	 * (Lynis MALW-3280 looks for their running daemons instead). */
	{ "antivirus", (const char *const[]){ "clamav", "clamav-daemon", "mdatp", "falcon-sensor", "kesl",
					     "klnagent64", "eset-endpoint-antivirus", "efs", "esets",
					     "sophos-spl", "savinstpkg", "bitdefender-security-tools",
					     "mcafeetp", "ds-agent", "sentinelagent", "cylance-protect", "sdcss",
					     "avast", "avira-antivirus", NULL } },
	{ "rootkit_scanner", (const char *const[]){ "rkhunter", "chkrootkit", "unhide", NULL } },
	/* intrusion detection / prevention; fail2ban blocks sources after failed logins */
	{ "ids", (const char *const[]){ "suricata", "snort", "ossec-hids", "ossec-hids-agent", "ossec-hids-server",
				       "wazuh-agent", "wazuh-manager", "fail2ban", "crowdsec", "sagan", "zeek", NULL } },
	/* file integrity checkers */
	{ "integrity", (const char *const[]){ "aide", "tripwire", "samhain", "osquery", "integrit", "afick", NULL } },
	{ "auditd", (const char *const[]){ "auditd", NULL } },
};

struct upd {
	struct bs_probe_ctx *ctx;
	const struct bs_dpkg *installed;
	const char *list;
};

static void check_update(const char *name, const char *ver, const char *status, int line, void *arg)
{
	struct upd *u = arg;
	const struct bs_dpkg_pkg *hit = bs_dpkg_find(u->installed, name);
	(void)status;
	if (hit && bs_dpkg_vercmp(hit->version, ver) < 0)
		bs_fact_addf(u->ctx, "packages.security_update", name, u->list, line, "installed %s, security update %s",
			     hit->version, ver);
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	struct bs_dpkg p;
	int r;

	if ((r = bs_dpkg_load(ctx, &p)) < 0) {
		bs_dpkg_release(&p);
		if (r == BS_ENOTFOUND)
			/* NEEDSWORK: RPM hosts (rpmdb.sqlite) are not read yet. */
			return bs_probe_na(ctx, "沒有 dpkg 資料庫（%s）：不是 Debian 系主機", "no dpkg database (%s): not a Debian-family host", BS_DPKG_STATUS);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	bs_fact_addf(ctx, "packages.installed", NULL, BS_DPKG_STATUS, 0, "%zu", p.n);
	for (size_t i = 0; i < p.n; i++)
		for (int k = 0; unwanted[k]; k++)
			if (!strcmp(p.v[i].name, unwanted[k]))
				bs_fact_add(ctx, "packages.unwanted", p.v[i].name, p.v[i].version, BS_DPKG_STATUS,
					    p.v[i].line);
	for (size_t k = 0; k < sizeof(interest) / sizeof(interest[0]); k++) {
		char fact[64];
		snprintf(fact, sizeof(fact), "packages.%s", interest[k].fact);
		for (int j = 0; interest[k].names[j]; j++) {
			const struct bs_dpkg_pkg *hit = bs_dpkg_find(&p, interest[k].names[j]);
			if (hit)
				bs_fact_add(ctx, fact, hit->name, hit->version, BS_DPKG_STATUS, hit->line);
		}
	}
	if (bs_probe_exists(ctx, "/usr/bin/unattended-upgrade"))
		bs_fact_add(ctx, "packages.auto_updates", "unattended-upgrades", "installed", "/usr/bin/unattended-upgrade", 0);

	char **lists;
	size_t nl = bs_probe_glob(ctx, "/var/lib/apt/lists/*security*_Packages", &lists);
	bs_fact_addf(ctx, "packages.security_lists", NULL, "/var/lib/apt/lists", 0, "%zu", nl);
	for (size_t i = 0; i < nl; i++) {
		struct upd u = { ctx, &p, lists[i] };
		bs_buf_clear(&b);
		int rr;
		if ((rr = bs_probe_read(ctx, lists[i], &b)) < 0) {
			bs_probe_read_error(ctx, rr);
			continue;
		}
		stanzas(&b, check_update, &u);
	}
	/* NEEDSWORK: lists kept compressed (Acquire::GzipIndexes) are not read. */
	bs_probe_strv_free(lists, nl);
	bs_buf_release(&b);
	bs_dpkg_release(&p);
	return 0;
}

const struct bs_probe bs_probe_packages = { "packages", 0, run };
