/* systemd_conf.c - the probe library's reader of systemd's own configuration files
 * (journald.conf, timesyncd.conf, journal-upload.conf ...), merged the way systemd merges
 * them (systemd.syntax(7), "Configuration Directories and Precedence"): the main file, then
 * every drop-in X.conf.d/NAME.conf of /etc, /run, /usr/local/lib and /usr/lib (or /lib) sorted
 * by file name across the directories, a name in /etc hiding the same name further down; a
 * later assignment overrides an earlier one. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const char *const dropin_dirs[] = { "/etc/systemd", "/run/systemd", "/usr/local/lib/systemd",
					   "/usr/lib/systemd", "/lib/systemd" };

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int by_base(const void *a, const void *b)
{
	return strcmp(base(*(char *const *)a), base(*(char *const *)b));
}

size_t bs_probe_systemd_files(const struct bs_probe_ctx *ctx, const char *name, char ***out)
{
	char path[512], **v = NULL;
	size_t n = 0, cap = 0;

	/* the main file: /etc's, else the vendor's (systemd >= 254 ships it in /usr/lib) */
	for (size_t d = 0; d < sizeof(dropin_dirs) / sizeof(dropin_dirs[0]); d++) {
		snprintf(path, sizeof(path), "%s/%s.conf", dropin_dirs[d], name);
		if (bs_probe_exists(ctx, path) || d + 1 == sizeof(dropin_dirs) / sizeof(dropin_dirs[0])) {
			/* when none exists the /etc path is named (its absence reads as the defaults) */
			if (!bs_probe_exists(ctx, path))
				snprintf(path, sizeof(path), "%s/%s.conf", dropin_dirs[0], name);
			v = bs_realloc(v, bs_size_mul(cap = 8, sizeof(*v)));
			v[n++] = bs_strdup(path);
			break;
		}
	}
	size_t first = n;
	for (size_t d = 0; d < sizeof(dropin_dirs) / sizeof(dropin_dirs[0]); d++) {
		char **g;
		snprintf(path, sizeof(path), "%s/%s.conf.d/*.conf", dropin_dirs[d], name);
		size_t ng = bs_probe_glob(ctx, path, &g);
		for (size_t i = 0; i < ng; i++) {
			int hidden = 0;
			for (size_t k = first; k < n && !hidden; k++)
				hidden = !strcmp(base(v[k]), base(g[i]));
			/* /usr/lib and /lib are one directory on a merged-/usr system */
			if (hidden) {
				free(g[i]);
				continue;
			}
			if (n == cap)
				v = bs_realloc(v, bs_size_mul(cap *= 2, sizeof(*v)));
			v[n++] = g[i];
		}
		free(g);
	}
	if (n - first > 1)
		qsort(v + first, n - first, sizeof(*v), by_base);
	*out = v;
	return n;
}

int bs_probe_systemd_setting(struct bs_probe_ctx *ctx, const char *name, const char *key, char **value,
			     char **file, int *line)
{
	char **v;
	size_t n = bs_probe_systemd_files(ctx, name, &v), klen = strlen(key);
	int err = 0;

	*value = *file = NULL;
	*line = 0;
	for (size_t i = 0; i < n; i++) {
		struct bs_probe_conf c;
		char *l;
		int r;
		/* every file is optional (no file: the defaults); an unreadable one is an error */
		if ((r = bs_probe_conf_open(&c, ctx, v[i], BS_CONF_HASH_LINE)) < 0) {
			if (bs_probe_read_error(ctx, r) < 0 && !err)
				err = r;
			continue;
		}
		while ((l = bs_probe_conf_next(&c))) {
			const char *eq = l + klen;
			if (*l == ';' || strncmp(l, key, klen) != 0)
				continue;
			/* systemd allows blanks around '=' ("Storage = persistent") */
			while (*eq == ' ' || *eq == '\t')
				eq++;
			if (*eq != '=')
				continue;
			free(*value);
			free(*file);
			*value = bs_strdup(bs_text_trim((char *)eq + 1));
			*file = bs_strdup(v[i]);
			*line = c.line;
		}
		bs_probe_conf_release(&c);
	}
	bs_probe_strv_free(v, n);
	return err;
}

/* systemd.time(7) units, in seconds; a month is 30.44 days, a year 365.25 days */
static const struct {
	const char *unit;
	long long sec;
	int months;  /* the unit counts calendar months (M, month, y, year) */
} units[] = {
	{ "usec", 0, 0 }, { "us", 0, 0 }, { "msec", 0, 0 }, { "ms", 0, 0 },
	{ "seconds", 1, 0 }, { "second", 1, 0 }, { "sec", 1, 0 }, { "s", 1, 0 },
	{ "minutes", 60, 0 }, { "minute", 60, 0 }, { "min", 60, 0 }, { "m", 60, 0 },
	{ "hours", 3600, 0 }, { "hour", 3600, 0 }, { "hr", 3600, 0 }, { "h", 3600, 0 },
	{ "days", 86400, 0 }, { "day", 86400, 0 }, { "d", 86400, 0 },
	{ "weeks", 604800, 0 }, { "week", 604800, 0 }, { "w", 604800, 0 },
	{ "months", 2629800, 1 }, { "month", 2629800, 1 }, { "M", 2629800, 1 },
	{ "years", 31557600, 12 }, { "year", 31557600, 12 }, { "y", 31557600, 12 },
};

int bs_probe_timespan(const char *s, long long *sec, long long *months)
{
	int only_months = 1, any = 0;

	*sec = 0;
	*months = 0;
	while (*s) {
		long long v = 0;
		size_t u;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			if (v > 1000000000000LL)
				return -1;
			v = v * 10 + (*s++ - '0');
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || (*s >= '0' && *s <= '9')) { /* a bare number is seconds */
			*sec += v;
			only_months = 0;
			any = 1;
			continue;
		}
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			size_t k = strlen(units[u].unit);
			if (!strncmp(s, units[u].unit, k) && (!s[k] || s[k] == ' ' || s[k] == '\t' || (s[k] >= '0' && s[k] <= '9')))
				break;
		}
		if (u == sizeof(units) / sizeof(units[0]))
			return -1;
		s += strlen(units[u].unit);
		*sec += v * units[u].sec;
		if (units[u].months)
			*months += v * units[u].months;
		else if (v)
			only_months = 0;
		any = 1;
	}
	if (!any)
		return -1;
	if (!only_months)
		*months = 0;
	return 0;
}
