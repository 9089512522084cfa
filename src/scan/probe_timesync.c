/* probe_timesync.c - configured time sources (chrony, ntpd/ntpsec, systemd-timesyncd) and
 * whether their service is enabled. systemd-timesyncd enabled with no NTP= set uses its
 * FallbackNTP= servers: set in its configuration, else compiled in (Debian's are the
 * debian.pool.ntp.org servers, written commented out in the timesyncd.conf it ships); an
 * empty FallbackNTP= turns them off (issue 14, item 9). */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

/* The sources configured in path; returns how many. */
static int sources(struct bs_probe_ctx *ctx, const char *path, const char *daemon)
{
	struct bs_probe_conf c;
	char *l;
	int n = 0;

	int r;
	/* every daemon's file is optional (a host runs one of them); an unreadable one is an error */
	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		return 0;
	}
	while ((l = bs_probe_conf_next(&c))) {
		if (!strncmp(l, "server ", 7) || !strncmp(l, "pool ", 5) || !strncmp(l, "peer ", 5)) {
			char *host = bs_text_trim(strchr(l, ' '));
			host[strcspn(host, " \t")] = '\0';
			bs_fact_add(ctx, "timesync.source", host, daemon, path, c.line);
			n++;
		} else if (!strncmp(l, "NTP=", 4) && l[4]) {
			char *save = NULL;
			for (char *t = strtok_r(l + 4, " ", &save); t; t = strtok_r(NULL, " ", &save))
				bs_fact_add(ctx, "timesync.source", t, daemon, path, c.line), n++;
		}
	}
	bs_probe_conf_release(&c);
	return n;
}

/* timesyncd with no NTP= server: its fallback servers, if any. */
static void timesyncd_fallback(struct bs_probe_ctx *ctx)
{
	char *val = NULL, *file = NULL, *save = NULL;
	int line = 0, n = 0;

	bs_probe_systemd_setting(ctx, "timesyncd", "FallbackNTP", &val, &file, &line);
	if (val) {
		/* FallbackNTP= set: those servers; empty: none at all */
		for (char *t = strtok_r(val, " \t", &save); t; t = strtok_r(NULL, " \t", &save), n++)
			bs_fact_add(ctx, "timesync.source", t, "timesyncd (FallbackNTP)", file, line);
		free(val);
		free(file);
		return;
	}
	/* compiled in: the packaged timesyncd.conf shows them as the commented default */
	struct bs_probe_conf c;
	const char *path = "/etc/systemd/timesyncd.conf";
	char *l;
	if (bs_probe_conf_open(&c, ctx, path, 0) == 0) {
		while ((l = bs_probe_conf_next(&c)))
			if (!strncmp(l, "#FallbackNTP=", 13)) {
				for (char *t = strtok_r(l + 13, " \t", &save); t; t = strtok_r(NULL, " \t", &save), n++)
					bs_fact_add(ctx, "timesync.source", t, "timesyncd (FallbackNTP compiled in)", path,
						    c.line);
				break;
			}
		bs_probe_conf_release(&c);
	}
	bs_error_clear();
	if (!n)
		bs_fact_add(ctx, "timesync.source", "FallbackNTP", "timesyncd (the distribution's compiled-in servers)",
			    "/lib/systemd/systemd-timesyncd", 0);
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
		char **v;
		size_t nv = bs_probe_systemd_files(ctx, "timesyncd", &v);
		int set = 0;
		for (size_t i = 0; i < nv; i++)
			set += sources(ctx, v[i], "timesyncd");
		bs_probe_strv_free(v, nv);
		if (enabled(ctx, "systemd-timesyncd.service")) {
			bs_fact_add(ctx, "timesync.enabled", "systemd-timesyncd", "yes", NULL, 0);
			if (!set)
				timesyncd_fallback(ctx);
		}
	}
	if (enabled(ctx, "chrony.service") || enabled(ctx, "chronyd.service"))
		bs_fact_add(ctx, "timesync.enabled", "chrony", "yes", NULL, 0);
	if (enabled(ctx, "ntp.service") || enabled(ctx, "ntpsec.service") || enabled(ctx, "ntpd.service"))
		bs_fact_add(ctx, "timesync.enabled", "ntpd", "yes", NULL, 0);
	return 0;
}

const struct bs_probe bs_probe_timesync = { "timesync", 0, run };
