/* probe_audit.c - the Linux audit framework: auditd installed and enabled at boot, and the
 * rules it loads. augenrules (what auditd.service runs on Debian and RHEL) concatenates
 * /etc/audit/rules.d/ *.rules into audit.rules, so those files are read when there are any,
 * else /etc/audit/audit.rules. Each line is auditctl's arguments: watches (-w PATH) and
 * syscall rules (-a always,exit ...) record events; "never" rules only suppress; the last
 * -e sets the state (0 disables auditing). A line auditctl cannot take is reported. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

struct rules {
	int enable;        /* last -e value, -1 when not set */
	char *efile;
	int eline;
};

static void read_rules(struct bs_probe_ctx *ctx, const char *path, struct rules *st)
{
	struct bs_probe_conf c;
	char *l;

	/* auditctl -R: a line starting with '#' is a comment; '#' inside a rule is data */
	if (bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH_LINE) < 0) {
		bs_fact_add(ctx, "audit.rule_error", path, bs_error_message(), path, 0);
		bs_error_clear();
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		char *save = NULL, *opt, *arg;
		if (*l != '-') {
			bs_fact_add(ctx, "audit.rule_error", path, "not an auditctl option (a rule starts with -)", path,
				    c.line);
			continue;
		}
		char shown[160];
		snprintf(shown, sizeof(shown), "%s", l);
		opt = strtok_r(l, " \t", &save);
		arg = strtok_r(NULL, " \t", &save);
		if (!strcmp(opt, "-w")) {
			if (!arg)
				bs_fact_add(ctx, "audit.rule_error", path, "-w without a path", path, c.line);
			else
				bs_fact_add(ctx, "audit.rule", arg, shown, path, c.line);
		} else if (!strcmp(opt, "-a") || !strcmp(opt, "-A")) {
			/* "always,exit" or "exit,always"; never-rules only suppress */
			if (!arg || !strchr(arg, ',')) {
				bs_fact_add(ctx, "audit.rule_error", path, "-a without action,list", path, c.line);
				continue;
			}
			if (strstr(arg, "never"))
				continue;
			if (strstr(arg, "always") && (strstr(arg, "exit") || strstr(arg, "entry"))) {
				char *k = strstr(shown, "key=");
				char *kk = strstr(shown, "-k ");
				const char *subject = k ? k + 4 : kk ? kk + 3 : "syscall";
				char sub[64];
				snprintf(sub, sizeof(sub), "%s", subject);
				sub[strcspn(sub, " \t")] = '\0';
				bs_fact_add(ctx, "audit.rule", sub, shown, path, c.line);
			}
		} else if (!strcmp(opt, "-e")) {
			long long v;
			if (!arg || bs_text_int(arg, &v) < 0 || v < 0 || v > 2) {
				bs_fact_add(ctx, "audit.rule_error", path, "-e takes 0, 1 or 2", path, c.line);
				continue;
			}
			st->enable = (int)v;
			free(st->efile);
			st->efile = bs_strdup(path);
			st->eline = c.line;
		}
		/* -D, -b, -f, -r, --backlog_wait_time ...: settings, not rules */
	}
	bs_probe_conf_release(&c);
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_dpkg d;
	const struct bs_dpkg_pkg *p = NULL;
	int r = bs_dpkg_load(ctx, &d);
	char *where = NULL;

	if (r < 0 && r != BS_ENOTFOUND) {
		bs_dpkg_release(&d);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	bs_error_clear();
	if (r == 0)
		p = bs_dpkg_find(&d, "auditd");
	/* not a dpkg host: the daemon on disk says it is installed */
	int installed = p || (r == BS_ENOTFOUND && (bs_probe_exists(ctx, "/sbin/auditd") ||
						     bs_probe_exists(ctx, "/usr/sbin/auditd")));
	if (installed) {
		const char *ver = p ? p->version : "installed";
		if (bs_probe_unit_enabled(ctx, "auditd.service", &where))
			bs_fact_addf(ctx, "audit.auditd", "auditd", where, 0, "enabled at boot (%s)", ver);
		else
			bs_fact_addf(ctx, "audit.auditd", "auditd", p ? BS_DPKG_STATUS : NULL, p ? p->line : 0,
				     "not enabled at boot (%s)", ver);
	}
	free(where);
	bs_dpkg_release(&d);

	struct rules st = { -1, NULL, 0 };
	char **v;
	size_t n = bs_probe_glob(ctx, "/etc/audit/rules.d/*.rules", &v);
	if (!n) {
		DIR *dd = bs_probe_opendir(ctx, "/etc/audit/rules.d");
		int e = errno;
		if (dd)
			closedir(dd);
		else if (e == EACCES)
			return bs_probe_fail(ctx, "cannot list /etc/audit/rules.d: %s: run the scan as root", strerror(e));
		if (bs_probe_exists(ctx, "/etc/audit/audit.rules"))
			read_rules(ctx, "/etc/audit/audit.rules", &st);
	}
	for (size_t i = 0; i < n; i++)
		read_rules(ctx, v[i], &st);
	bs_probe_strv_free(v, n);
	if (st.enable == 0)
		bs_fact_add(ctx, "audit.disabled", NULL, "-e 0: auditing is disabled", st.efile, st.eline);
	free(st.efile);
	return 0;
}

const struct bs_probe bs_probe_audit = { "audit", 0, run };
