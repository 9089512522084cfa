/* probe_integrity.c - a file integrity checker that can actually check: installed (dpkg
 * status) and initialised, i.e. with a baseline database to compare against: AIDE
 * (/var/lib/aide/aide.db*), Tripwire (/var/lib/tripwire/ *.twd), Samhain
 * (/var/lib/samhain/samhain_file), integrit (/var/lib/integrit/ *.cdb); osquery when its
 * daemon is enabled at boot (its file events need no baseline). An installed checker
 * without a baseline is reported separately: it compares nothing.
 * NEEDSWORK: whether the check runs periodically (cron, timer) is not read. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const struct {
	const char *pkg;
	const char *db;    /* glob of the baseline database, or NULL */
	const char *unit;  /* the daemon that must be enabled instead, or NULL */
} tools[] = {
	{ "aide", "/var/lib/aide/aide.db*", NULL },
	{ "tripwire", "/var/lib/tripwire/*.twd", NULL },
	{ "samhain", "/var/lib/samhain/samhain_file", NULL },
	{ "integrit", "/var/lib/integrit/*.cdb", NULL },
	{ "osquery", NULL, "osqueryd.service" },
};

/* The AIDE database from aide.conf's database_in= (database= before AIDE 0.17) when it is a
 * plain file: URL; the packaged configuration uses @@{DBDIR} and the default path. */
static char *aide_db(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0;
	char *l, *found = NULL;

	int r = bs_probe_read(ctx, "/etc/aide/aide.conf", &b);
	if (r == BS_ENOTFOUND)
		r = bs_probe_read(ctx, "/etc/aide.conf", &b);
	if (r < 0) {
		bs_probe_read_error(ctx, r); /* optional: AIDE is one of several checkers */
		bs_buf_release(&b);
		return NULL;
	}
	bs_error_clear();
	while ((l = bs_text_line(&b, &pos, &lineno))) {
		l = bs_text_trim(l);
		if (strncmp(l, "database_in", 11) && (strncmp(l, "database", 8) || (l[8] != '=' && l[8] != ' ')))
			continue;
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		char *v = bs_text_trim(eq + 1);
		if (!strncmp(v, "file:", 5) && v[5] == '/' && !strstr(v, "@@")) {
			free(found);
			found = bs_strdup(v + 5);
		}
	}
	bs_buf_release(&b);
	return found;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_dpkg d;
	int r = bs_dpkg_load(ctx, &d);

	if (r < 0) {
		bs_dpkg_release(&d);
		if (r == BS_ENOTFOUND)
			return bs_probe_na(ctx, "沒有 dpkg 資料庫（%s）：不是 Debian 系主機", "no dpkg database (%s): not a Debian-family host", BS_DPKG_STATUS);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const struct bs_dpkg_pkg *p = bs_dpkg_find(&d, tools[i].pkg);
		if (!p)
			continue;
		if (tools[i].unit) {
			char *where = NULL;
			if (bs_probe_unit_enabled(ctx, tools[i].unit, &where))
				bs_fact_addf(ctx, "integrity.ready", p->name, where, 0, "%s, %s enabled at boot", p->version,
					     tools[i].unit);
			else
				bs_fact_addf(ctx, "integrity.not_ready", p->name, BS_DPKG_STATUS, p->line,
					     "%s installed, %s not enabled at boot", p->version, tools[i].unit);
			free(where);
			continue;
		}
		char **v = NULL, *conf = !strcmp(p->name, "aide") ? aide_db(ctx) : NULL;
		size_t n = bs_probe_glob(ctx, conf ? conf : tools[i].db, &v);
		if (n)
			bs_fact_addf(ctx, "integrity.ready", p->name, v[0], 0, "%s, baseline database present", p->version);
		else
			bs_fact_addf(ctx, "integrity.not_ready", p->name, BS_DPKG_STATUS, p->line,
				     "%s installed, no baseline database (%s): run its init", p->version,
				     conf ? conf : tools[i].db);
		bs_probe_strv_free(v, n);
		free(conf);
	}
	bs_dpkg_release(&d);
	return 0;
}

const struct bs_probe bs_probe_integrity = { "integrity", 0, run };
