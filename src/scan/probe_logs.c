/* probe_logs.c - how long logs are kept and who may read them: rsyslog file targets, the
 * logrotate block that rotates each (rotate count x period, capped by maxage; whether that
 * meets six months by the event log's rule, bs_log_retention_meets()), journald
 * storage, rsyslog's time stamp format, and the modes of files under /var/log; where logs
 * leave the host (rsyslog @host / @@host / action(type="omfwd"), syslog-ng network
 * destinations used by a log path, systemd-journal-upload) and which files receive the
 * auth / authpriv facilities (failed logins).
 * NEEDSWORK: RainerScript filters (if $syslogfacility-text == ...) are not evaluated. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eventlog/eventlog.h"
#include "scan/probe.h"

struct target {
	char *path, *file;
	int line;
};

struct targets {
	struct target *v;
	size_t n, cap;
	int traditional;
	char *tmpl_file;
	int tmpl_line;
};

static void add_target(struct targets *t, const char *path, const char *file, int line)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].path, path))
			return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = bs_realloc(t->v, bs_size_mul(t->cap, sizeof(*t->v)));
	}
	t->v[t->n].path = bs_strdup(path);
	t->v[t->n].file = bs_strdup(file);
	t->v[t->n].line = line;
	t->n++;
}

/* Whether a legacy selector ("auth,authpriv.*;mail.none") sends facility fac to the action:
 * later parts override earlier ones, priority "none" excludes. */
static int selects(const char *sel, const char *fac)
{
	char buf[512], *save = NULL;
	int on = 0;

	snprintf(buf, sizeof(buf), "%s", sel);
	for (char *part = strtok_r(buf, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
		char *dot = strrchr(part, '.'), *save2 = NULL;
		int hit = 0;
		if (!dot)
			continue;
		*dot = '\0';
		for (char *f = strtok_r(part, ",", &save2); f; f = strtok_r(NULL, ",", &save2)) {
			f = bs_text_trim(f);
			if (!strcmp(f, "*") || !strcmp(f, fac))
				hit = 1;
		}
		if (hit)
			on = strcmp(bs_text_trim(dot + 1), "none") != 0;
	}
	return on;
}

/* "@@(o)host:port;Template" -> host (in place); *tcp set for "@@". */
static char *fwd_host(char *a, int *tcp)
{
	*tcp = a[1] == '@';
	a += *tcp ? 2 : 1;
	if (*a == '(') {
		char *c = strchr(a, ')');
		a = c ? c + 1 : a + strlen(a);
	}
	if (*a == '[') {
		char *c = strchr(a, ']');
		if (c)
			c[1] = '\0';
	} else {
		a[strcspn(a, ":; \t")] = '\0';
	}
	return a;
}

/* A RainerScript parameter: name="value" -> value (owned), or NULL. */
static char *rs_param(const char *stmt, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = stmt; (p = strcasestr(p, name)); p += nl) {
		const char *q = p + nl;
		if (p > stmt && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.'))
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '"' && *q != '\'')
			continue;
		char quote = *q++;
		const char *e = strchr(q, quote);
		if (!e)
			return NULL;
		return bs_strndup(q, (size_t)(e - q));
	}
	return NULL;
}

static void read_rsyslog(struct bs_probe_ctx *ctx, const char *path, int depth, struct targets *t)
{
	struct bs_probe_conf c;
	char *l;

	int r = 0;
	/* depth: an include loop; an unreadable file (not a missing one) is the probe's error */
	if (depth > 4 || (r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		bs_error_clear();
		return;
	}
	struct bs_buf stmt = BS_BUF_INIT;
	int stmt_line = 0;
	while ((l = bs_probe_conf_next(&c))) {
		char *p;
		/* a RainerScript action(...) may span lines: join them */
		if (stmt.len || (strstr(l, "action(") && !strchr(strstr(l, "action("), ')'))) {
			if (!stmt.len)
				stmt_line = c.line;
			bs_buf_printf(&stmt, "%s ", l);
			if (!strchr(l, ')'))
				continue;
			l = stmt.ptr;
		} else {
			stmt_line = c.line;
		}
		if ((p = strstr(l, "action(")) && (p = rs_param(p, "type")) != NULL) {
			int fwd = !strcasecmp(p, "omfwd") || !strcasecmp(p, "omrelp");
			free(p);
			char *target = fwd ? rs_param(strstr(l, "action("), "target") : NULL;
			if (target) {
				char *proto = rs_param(strstr(l, "action("), "protocol");
				bs_fact_addf(ctx, "logs.remote", target, path, stmt_line, "rsyslog action %s",
					     proto ? proto : "udp");
				free(proto);
				free(target);
			}
		}
		if (l == stmt.ptr) {
			if (strstr(l, "omfile") && (p = rs_param(strstr(l, "action("), "file"))) {
				add_target(t, p, path, stmt_line);
				free(p);
			}
			bs_buf_clear(&stmt);
			continue;
		}
		if (!strncasecmp(l, "$IncludeConfig", 14) || !strncmp(l, "include(", 8)) {
			char pat[512], **v;
			const char *arg = l + 14;
			if (l[0] == 'i') {
				char *f = strstr(l, "file=\"");
				if (!f)
					continue;
				arg = f + 6;
				char *q = strchr(arg, '"');
				if (q)
					*q = '\0';
			}
			while (*arg == ' ' || *arg == '\t')
				arg++;
			snprintf(pat, sizeof(pat), "%s", arg);
			size_t n = bs_probe_glob(ctx, pat, &v);
			for (size_t i = 0; i < n; i++)
				read_rsyslog(ctx, v[i], depth + 1, t);
			bs_probe_strv_free(v, n);
			continue;
		}
		if (!strncasecmp(l, "$ActionFileDefaultTemplate", 26)) {
			t->traditional = strstr(l, "RSYSLOG_TraditionalFileFormat") != NULL;
			free(t->tmpl_file);
			t->tmpl_file = bs_strdup(path);
			t->tmpl_line = c.line;
			continue;
		}
		if ((p = strstr(l, "file=\"")) && strstr(l, "omfile")) {
			char *q = strchr(p + 6, '"');
			if (q) {
				*q = '\0';
				add_target(t, p + 6, path, c.line);
			}
			continue;
		}
		/* legacy: "selector   -/var/log/file", "selector @@host:port" */
		if (l[0] == '$' || !strchr(l, '.'))
			continue;
		p = l + strcspn(l, " \t");
		if (*p)
			*p++ = '\0';
		p = bs_text_trim(p);
		if (*p == '@') {
			int tcp;
			char *host = fwd_host(p, &tcp);
			if (*host)
				bs_fact_addf(ctx, "logs.remote", host, path, c.line, "rsyslog %s %s", l, tcp ? "@@ (tcp)" : "@ (udp)");
			continue;
		}
		if (*p == '-')
			p++;
		if (*p == '/') {
			p = bs_text_trim(p);
			add_target(t, p, path, c.line);
			if (selects(l, "auth") || selects(l, "authpriv"))
				bs_fact_addf(ctx, "logs.auth_file", p, path, c.line, "rsyslog %s", l);
		}
	}
	bs_buf_release(&stmt);
	bs_probe_conf_release(&c);
}

/* logrotate: global settings, then blocks of paths with their own settings. */
struct rot {
	int period;       /* days; 0 = unknown */
	int months;       /* the period in calendar months (monthly 1, yearly 12), else 0 */
	long long rotate; /* -1 = not set */
	long long maxage; /* -1 = not set */
};

struct rblock {
	char **pat;
	size_t npat;
	struct rot r;
	char *file;
	int line;
};

struct rstate {
	struct rot global;
	struct rblock *v;
	size_t n, cap;
	char *error;
};

static int directive(char *l, struct rot *r)
{
	long long n;
	char *arg = l + strcspn(l, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = bs_text_trim(arg);
	/* monthly and yearly rotate by the calendar: their retention is also counted in months */
	if (!strcmp(l, "daily")) r->period = 1, r->months = 0;
	else if (!strcmp(l, "weekly")) r->period = 7, r->months = 0;
	else if (!strcmp(l, "monthly")) r->period = 30, r->months = 1;
	else if (!strcmp(l, "yearly")) r->period = 365, r->months = 12;
	else if (!strcmp(l, "hourly")) r->period = 1, r->months = 0; /* NEEDSWORK: hourly counts as daily: overstates */
	else if (!strcmp(l, "rotate")) {
		if (bs_text_int(arg, &n) < 0)
			return -1;
		r->rotate = n;
	} else if (!strcmp(l, "maxage")) {
		if (bs_text_int(arg, &n) < 0)
			return -1;
		r->maxage = n;
	}
	return 0;
}

static void read_logrotate(struct bs_probe_ctx *ctx, const char *path, int depth, struct rstate *s)
{
	struct bs_probe_conf c;
	char *l;
	struct rblock *cur = NULL;
	struct bs_buf pending = BS_BUF_INIT;

	int r = 0;
	if (depth > 4 || (r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		bs_error_clear();
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		if (cur) {
			if (!strcmp(l, "}")) {
				cur = NULL;
				continue;
			}
			if (!strcmp(l, "postrotate") || !strcmp(l, "prerotate") || !strcmp(l, "firstaction") ||
			    !strcmp(l, "lastaction") || !strcmp(l, "preremove")) {
				/* the script is shell, not logrotate's syntax: read as it is up to endscript */
				while ((l = bs_probe_conf_raw(&c)) && strcmp(bs_text_trim(l), "endscript"))
					;
				continue;
			}
			if (directive(l, &cur->r) < 0 && !s->error) {
				struct bs_buf e = BS_BUF_INIT;
				bs_buf_printf(&e, "%s:%d: 'rotate' or 'maxage' without a number: fix the logrotate file",
					      path, c.line);
				s->error = bs_buf_detach(&e, NULL);
			}
			continue;
		}
		char *brace = strchr(l, '{');
		if (brace || (l[0] == '/' || l[0] == '"')) {
			if (brace)
				*brace = '\0';
			bs_buf_printf(&pending, "%s ", l);
			if (!brace)
				continue;
			if (s->n == s->cap) {
				s->cap = s->cap ? s->cap * 2 : 32;
				s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
			}
			cur = &s->v[s->n++];
			memset(cur, 0, sizeof(*cur));
			cur->r = s->global;
			cur->file = bs_strdup(path);
			cur->line = c.line;
			char *save = NULL;
			for (char *t = strtok_r(pending.ptr, " \t\"", &save); t; t = strtok_r(NULL, " \t\"", &save)) {
				cur->pat = bs_realloc(cur->pat, bs_size_mul(cur->npat + 1, sizeof(char *)));
				cur->pat[cur->npat++] = bs_strdup(t);
			}
			bs_buf_clear(&pending);
			continue;
		}
		if (!strncmp(l, "include", 7) && (l[7] == ' ' || l[7] == '\t')) {
			char **v;
			size_t n = bs_probe_include(ctx, bs_text_trim(l + 8), &v);
			for (size_t i = 0; i < n; i++) {
				const char *base = strrchr(v[i], '/');
				base = base ? base + 1 : v[i];
				/* logrotate skips backup files and dpkg leftovers */
				if (strchr(base, '~') || strstr(base, ".dpkg-") || strstr(base, ".ucf-"))
					continue;
				read_logrotate(ctx, v[i], depth + 1, s);
			}
			bs_probe_strv_free(v, n);
			continue;
		}
		directive(l, &s->global);
	}
	bs_probe_conf_release(&c);
	bs_buf_release(&pending);
}

/* Returns the first problem met in the logrotate files (owned), or NULL. */
static char *retention(struct bs_probe_ctx *ctx, struct targets *t)
{
	struct rstate s;

	memset(&s, 0, sizeof(s));
	s.global.rotate = -1;
	s.global.maxage = -1;
	s.global.period = 1; /* logrotate's default when no period is given: rotate on every run (daily) */
	read_logrotate(ctx, "/etc/logrotate.conf", 0, &s);
	for (size_t i = 0; i < t->n; i++) {
		const struct rblock *hit = NULL;
		for (size_t k = 0; k < s.n && !hit; k++)
			for (size_t p = 0; p < s.v[k].npat; p++)
				if (fnmatch(s.v[k].pat[p], t->v[i].path, 0) == 0) {
					hit = &s.v[k];
					break;
				}
		if (!hit) {
			bs_fact_add(ctx, "logs.retention_days", t->v[i].path, "unbounded (not rotated)", t->v[i].file,
				    t->v[i].line);
			bs_fact_add(ctx, "logs.retention_6_months", t->v[i].path, "yes (not rotated)", t->v[i].file,
				    t->v[i].line);
			continue;
		}
		long long rotate = hit->r.rotate < 0 ? 0 : hit->r.rotate;
		long long days = rotate * hit->r.period, months = rotate * hit->r.months;
		if (hit->r.maxage >= 0 && hit->r.maxage < days) {
			days = hit->r.maxage; /* maxage counts days, whatever the period */
			months = 0;
		}
		bs_fact_addf(ctx, "logs.retention_days", t->v[i].path, hit->file, hit->line, "%lld", days);
		/* the event log's own rule (eventlog.h): six calendar months, or >= 183 days */
		if (months)
			bs_fact_addf(ctx, "logs.retention_6_months", t->v[i].path, hit->file, hit->line, "%s (%lld months)",
				     bs_log_retention_meets(days, months) ? "yes" : "no", months);
		else
			bs_fact_addf(ctx, "logs.retention_6_months", t->v[i].path, hit->file, hit->line, "%s (%lld days)",
				     bs_log_retention_meets(days, months) ? "yes" : "no", days);
	}
	for (size_t k = 0; k < s.n; k++) {
		for (size_t p = 0; p < s.v[k].npat; p++)
			free(s.v[k].pat[p]);
		free(s.v[k].pat);
		free(s.v[k].file);
	}
	free(s.v);
	return s.error;
}

/* journald: where the journal is kept and, when on disk, how long (MaxRetentionSec; the
 * settings merged from journald.conf and every drop-in as systemd merges them,
 * bs_probe_systemd_setting). Returns 1 when the journal is persistent and so is a log
 * whose retention counts (logs.retention_6_months, subject "journald"). */
static int journald(struct bs_probe_ctx *ctx)
{
	char *storage = NULL, *sfile = NULL, *ret = NULL, *rfile = NULL, *mf = NULL, *mfile = NULL;
	int sline = 0, rline = 0, mline = 0, persistent;

	if (!bs_probe_exists(ctx, "/lib/systemd/systemd-journald") &&
	    !bs_probe_exists(ctx, "/usr/lib/systemd/systemd-journald"))
		return 0;
	bs_probe_systemd_setting(ctx, "journald", "Storage", &storage, &sfile, &sline);
	if (!storage || !*storage || !strcmp(storage, "auto")) {
		persistent = bs_probe_exists(ctx, "/var/log/journal");
		bs_fact_add(ctx, "logs.journald.storage", NULL, persistent ? "persistent" : "volatile",
			    sfile ? sfile : "/var/log/journal", sline);
	} else {
		persistent = !strcmp(storage, "persistent");
		bs_fact_add(ctx, "logs.journald.storage", NULL, storage, sfile, sline);
	}
	if (persistent) {
		long long sec = 0, months = 0;
		bs_probe_systemd_setting(ctx, "journald", "MaxRetentionSec", &ret, &rfile, &rline);
		/* MaxFileSec only starts a new file after that time: it deletes nothing */
		bs_probe_systemd_setting(ctx, "journald", "MaxFileSec", &mf, &mfile, &mline);
		const char *file = rfile ? rfile : sfile ? sfile : "/etc/systemd/journald.conf";
		if (!ret || !*ret || (bs_probe_timespan(ret, &sec, &months) == 0 && sec == 0)) {
			bs_fact_add(ctx, "logs.retention_days", "journald", "unbounded (no MaxRetentionSec)", file, rline);
			bs_fact_addf(ctx, "logs.retention_6_months", "journald", file, rline,
				     "yes (no MaxRetentionSec: entries are removed only for space, SystemMaxUse%s%s)",
				     mf && *mf ? "; MaxFileSec=" : "", mf && *mf ? mf : "");
		} else if (bs_probe_timespan(ret, &sec, &months) < 0) {
			bs_fact_addf(ctx, "logs.retention_6_months", "journald", file, rline,
				     "unknown (MaxRetentionSec=%s is not a time span)", ret);
		} else {
			long long days = sec / 86400;
			bs_fact_addf(ctx, "logs.retention_days", "journald", file, rline, "%lld", days);
			if (months)
				bs_fact_addf(ctx, "logs.retention_6_months", "journald", file, rline,
					     "%s (MaxRetentionSec=%s: %lld months)",
					     bs_log_retention_meets(days, months) ? "yes" : "no", ret, months);
			else
				bs_fact_addf(ctx, "logs.retention_6_months", "journald", file, rline,
					     "%s (MaxRetentionSec=%s: %lld days)",
					     bs_log_retention_meets(days, months) ? "yes" : "no", ret, days);
		}
	}
	free(storage);
	free(sfile);
	free(ret);
	free(rfile);
	free(mf);
	free(mfile);
	return persistent;
}

/* syslog-ng: destinations with a network driver (network, syslog, tcp, udp, tcp6, udp6) that
 * a log path uses. The files (syslog-ng.conf and its @include's) are read with comments
 * blanked out; a destination may be defined in one file and used in another. */
struct ngfile {
	char *path;
	struct bs_buf text;
};

struct ng {
	struct ngfile *v;
	size_t n;
};

static void ng_read(struct bs_probe_ctx *ctx, const char *path, int depth, struct ng *ng)
{
	struct bs_buf b = BS_BUF_INIT;

	int r = 0;
	if (depth > 4 || ng->n >= 64 || (r = bs_probe_read(ctx, path, &b)) < 0) {
		bs_probe_read_error(ctx, r);
		bs_error_clear();
		bs_buf_release(&b);
		return;
	}
	/* blank comments, keeping offsets (and so line numbers) */
	int q = 0;
	for (size_t i = 0; i < b.len; i++) {
		char c = b.ptr[i];
		if (c == '"' && (i == 0 || b.ptr[i - 1] != '\\'))
			q = !q;
		else if (c == '\n')
			q = 0;
		else if (c == '#' && !q)
			while (i < b.len && b.ptr[i] != '\n')
				b.ptr[i++] = ' ';
	}
	ng->v = bs_realloc(ng->v, bs_size_mul(ng->n + 1, sizeof(*ng->v)));
	ng->v[ng->n].path = bs_strdup(path);
	ng->v[ng->n].text = b;
	ng->n++;
	/* @include "file-or-glob" (relative to /etc/syslog-ng); the SCL is library code */
	for (const char *p = b.ptr; (p = strstr(p, "@include")); p += 8) {
		const char *o = strchr(p, '"'), *e = o ? strchr(o + 1, '"') : NULL;
		char pat[512], **v;
		if (!o || !e || memchr(p, '\n', (size_t)(o - p)))
			continue;
		int len = (int)(e - o - 1);
		if (!strncmp(o + 1, "scl.conf", 8))
			continue;
		snprintf(pat, sizeof(pat), "%s%.*s", o[1] == '/' ? "" : "/etc/syslog-ng/", len, o + 1);
		struct stat st;
		if (bs_probe_lstat(ctx, pat, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(pat + strlen(pat), sizeof(pat) - strlen(pat), "/*");
		size_t n = bs_probe_glob(ctx, pat, &v);
		for (size_t i = 0; i < n; i++)
			ng_read(ctx, v[i], depth + 1, ng);
		bs_probe_strv_free(v, n);
	}
}

static int ng_line(const struct ngfile *f, const char *at)
{
	int line = 1;
	for (const char *p = f->text.ptr; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Is destination name used by a log path: "destination(name)" anywhere. */
static int ng_used(const struct ng *ng, const char *name, size_t nl)
{
	for (size_t i = 0; i < ng->n; i++)
		for (const char *p = ng->v[i].text.ptr; (p = strstr(p, "destination")); p += 11) {
			const char *a = p + 11;
			while (isspace((unsigned char)*a))
				a++;
			if (*a != '(')
				continue;
			a++;
			while (isspace((unsigned char)*a))
				a++;
			if (!strncmp(a, name, nl) && !(isalnum((unsigned char)a[nl]) || a[nl] == '_' || a[nl] == '-'))
				return 1;
		}
	return 0;
}

static void syslogng(struct bs_probe_ctx *ctx)
{
	static const char *const drivers[] = { "network", "syslog", "tcp", "udp", "tcp6", "udp6", NULL };
	struct ng ng = { NULL, 0 };

	ng_read(ctx, "/etc/syslog-ng/syslog-ng.conf", 0, &ng);
	for (size_t i = 0; i < ng.n; i++) {
		const struct ngfile *f = &ng.v[i];
		for (const char *p = f->text.ptr; (p = strstr(p, "destination")); p += 11) {
			const char *a = p + 11, *name, *body, *end;
			int depth = 0;
			if (p > f->text.ptr && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue;
			if (!isspace((unsigned char)*a))
				continue;
			while (isspace((unsigned char)*a))
				a++;
			name = a;
			while (isalnum((unsigned char)*a) || *a == '_' || *a == '-' || *a == '.')
				a++;
			size_t nl = (size_t)(a - name);
			while (isspace((unsigned char)*a))
				a++;
			if (!nl || *a != '{')
				continue;
			body = a;
			for (end = a; *end; end++) {
				if (*end == '{')
					depth++;
				else if (*end == '}' && --depth == 0)
					break;
			}
			for (const char *d = body + 1; d < end; d++) {
				for (int k = 0; drivers[k]; k++) {
					size_t dl = strlen(drivers[k]);
					const char *x = d + dl;
					if (strncmp(d, drivers[k], dl) || isalnum((unsigned char)d[-1]) || d[-1] == '_' || d[-1] == '-')
						continue;
					while (x < end && isspace((unsigned char)*x))
						x++;
					if (*x != '(')
						continue;
					x++;
					while (x < end && isspace((unsigned char)*x))
						x++;
					char host[256] = "";
					if (*x == '"' || *x == '\'') {
						const char *e = memchr(x + 1, *x, (size_t)(end - x - 1));
						if (e && (size_t)(e - x - 1) < sizeof(host))
							snprintf(host, sizeof(host), "%.*s", (int)(e - x - 1), x + 1);
					}
					if (!*host || !strcmp(host, "127.0.0.1") || !strcmp(host, "localhost") || !strcmp(host, "::1"))
						continue;
					char nm[128];
					snprintf(nm, sizeof(nm), "%.*s", (int)(nl < 127 ? nl : 127), name);
					if (ng_used(&ng, name, nl))
						bs_fact_addf(ctx, "logs.remote", host, f->path, ng_line(f, p),
							     "syslog-ng destination %s: %s()", nm, drivers[k]);
					d = end; /* one per destination */
					break;
				}
			}
			p = end > p ? end - 11 : p;
			if (!*end)
				break;
		}
	}
	for (size_t i = 0; i < ng.n; i++) {
		free(ng.v[i].path);
		bs_buf_release(&ng.v[i].text);
	}
	free(ng.v);
}

/* systemd-journal-upload: enabled at boot with a URL (journal-upload.conf, drop-ins last). */
static void journal_upload(struct bs_probe_ctx *ctx)
{
	char *url = NULL, *ufile = NULL, *where = NULL;
	int uline = 0;

	if (!bs_probe_unit_enabled(ctx, "systemd-journal-upload.service", &where))
		return;
	bs_probe_systemd_setting(ctx, "journal-upload", "URL", &url, &ufile, &uline);
	if (url && *url)
		bs_fact_addf(ctx, "logs.remote", url, ufile, uline, "systemd-journal-upload (enabled: %s)", where);
	free(url);
	free(ufile);
	free(where);
}

static int perm_cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *st, void *arg)
{
	(void)arg;
	if (!S_ISREG(st->st_mode))
		return 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* wtmp and lastlog are world-readable by design (last, lastlog read them as users) */
	if (!strncmp(base, "wtmp", 4) || !strcmp(base, "lastlog") || !strcmp(base, "faillog"))
		return 0;
	if (st->st_mode & 0006)
		bs_fact_addf(ctx, "logs.world_accessible", path, path, 0, "mode %04o", (unsigned)st->st_mode & 07777);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct targets t;
	struct stat st;

	if (bs_probe_lstat(ctx, "/var/log", &st) < 0)
		return bs_probe_na(ctx, "此主機沒有 /var/log", "no /var/log on this host");
	memset(&t, 0, sizeof(t));
	/* a persistent journal is a log kept on the host: its retention counts too, and where
	 * rsyslog writes no file it is the only one */
	int journal = journald(ctx);
	if (bs_probe_exists(ctx, "/etc/rsyslog.conf")) {
		read_rsyslog(ctx, "/etc/rsyslog.conf", 0, &t);
		bs_fact_add(ctx, "logs.rsyslog.timestamp", NULL, t.traditional ? "traditional (no year, no time zone)"
									       : "rfc3339",
			    t.tmpl_file ? t.tmpl_file : "/etc/rsyslog.conf", t.tmpl_line);
		if (!t.n && !journal) {
			bs_fact_add(ctx, "logs.retention_days", NULL, "unset (rsyslog writes no log files)",
				    "/etc/rsyslog.conf", 0);
			bs_fact_add(ctx, "logs.retention_6_months", NULL, "unset (rsyslog writes no log files)",
				    "/etc/rsyslog.conf", 0);
		}
		char *e = retention(ctx, &t);
		if (e) {
			int r = bs_probe_fail(ctx, "%s", e);
			free(e);
			for (size_t i = 0; i < t.n; i++) {
				free(t.v[i].path);
				free(t.v[i].file);
			}
			free(t.v);
			free(t.tmpl_file);
			return r;
		}
	}
	syslogng(ctx);
	journal_upload(ctx);
	bs_probe_walk(ctx, "/var/log", 3, perm_cb, NULL);
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].path);
		free(t.v[i].file);
	}
	free(t.v);
	free(t.tmpl_file);
	return 0;
}

const struct bs_probe bs_probe_logs = { "logs", 0, run };
