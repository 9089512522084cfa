/* probe_timesync.c - configured time sources (chrony, ntpd/ntpsec, systemd-timesyncd) and
 * whether their service is enabled. */
#include <string.h>

#include "scan/probe.h"

static void sources(struct bs_probe_ctx *ctx, const char *path, const char *daemon)
{
	struct bs_probe_conf c;
	char *l;

	int r;
	/* every daemon's file is optional (a host runs one of them); an unreadable one is an error */
	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		if (!strncmp(l, "server ", 7) || !strncmp(l, "pool ", 5) || !strncmp(l, "peer ", 5)) {
			char *host = bs_text_trim(strchr(l, ' '));
			host[strcspn(host, " \t")] = '\0';
			bs_fact_add(ctx, "timesync.source", host, daemon, path, c.line);
		} else if (!strncmp(l, "NTP=", 4) && l[4]) {
			char *save = NULL;
			for (char *t = strtok_r(l + 4, " ", &save); t; t = strtok_r(NULL, " ", &save))
				bs_fact_add(ctx, "timesync.source", t, daemon, path, c.line);
		}
	}
	bs_probe_conf_release(&c);
}

static void glob_sources(struct bs_probe_ctx *ctx, const char *pattern, const char *daemon)
{
	char **v;
	size_t n = bs_probe_glob(ctx, pattern, &v);
	for (size_t i = 0; i < n; i++)
		sources(ctx, v[i], daemon);
	bs_probe_strv_free(v, n);
}

/* Enabled under a *.wants/ directory and not masked (a link to /dev/null is not enabled). */
static int enabled(struct bs_probe_ctx *ctx, const char *unit)
{
	return bs_probe_unit_enabled(ctx, unit, NULL);
}

static int run(struct bs_probe_ctx *ctx)
{
	size_t before;
	(void)before;
	sources(ctx, "/etc/chrony/chrony.conf", "chrony");
	sources(ctx, "/etc/chrony.conf", "chrony");
	glob_sources(ctx, "/etc/chrony/conf.d/*.conf", "chrony");
	glob_sources(ctx, "/etc/chrony/sources.d/*.sources", "chrony");
	sources(ctx, "/etc/ntp.conf", "ntpd");
	sources(ctx, "/etc/ntpsec/ntp.conf", "ntpd");
	if (bs_probe_exists(ctx, "/lib/systemd/systemd-timesyncd") ||
	    bs_probe_exists(ctx, "/usr/lib/systemd/systemd-timesyncd")) {
		sources(ctx, "/etc/systemd/timesyncd.conf", "timesyncd");
		glob_sources(ctx, "/etc/systemd/timesyncd.conf.d/*.conf", "timesyncd");
		/* NEEDSWORK: without NTP= timesyncd uses the distribution's compiled-in
		 * FallbackNTP servers; they are not listed as a configured source here. */
		if (enabled(ctx, "systemd-timesyncd.service"))
			bs_fact_add(ctx, "timesync.enabled", "systemd-timesyncd", "yes", NULL, 0);
	}
	if (enabled(ctx, "chrony.service") || enabled(ctx, "chronyd.service"))
		bs_fact_add(ctx, "timesync.enabled", "chrony", "yes", NULL, 0);
	if (enabled(ctx, "ntp.service") || enabled(ctx, "ntpsec.service") || enabled(ctx, "ntpd.service"))
		bs_fact_add(ctx, "timesync.enabled", "ntpd", "yes", NULL, 0);
	return 0;
}

const struct bs_probe bs_probe_timesync = { "timesync", 0, run };
