/* probe_winpol.c - Windows password and lockout policy from `secedit /export /cfg` (INF,
 * [System Access]) or, when no INF is there, from `net accounts` (its lines are matched by
 * position, so a zh-TW console's output reads the same). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"
#include "scan/win_export.h"

static const struct { const char *inf, *fact; } map[] = {
	{ "MinimumPasswordLength", "winpol.min_length" }, { "PasswordComplexity", "winpol.complexity" },
	{ "PasswordHistorySize", "winpol.history" }, { "MaximumPasswordAge", "winpol.max_age_days" },
	{ "MinimumPasswordAge", "winpol.min_age_days" }, { "LockoutBadCount", "winpol.lockout_threshold" },
	{ "LockoutDuration", "winpol.lockout_minutes" }, { "ResetLockoutCount", "winpol.reset_minutes" },
	{ "ClearTextPassword", "winpol.cleartext_password" },
};

static int secedit(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg)
{
	size_t pos = 0;
	int lineno = 0, in_sa = 0, keys = 0;
	char *l;

	(void)arg;
	while ((l = bs_text_line(text, &pos, &lineno))) {
		l = bs_text_trim(l);
		if (*l == '[') {
			in_sa = !strcasecmp(l, "[System Access]");
			continue;
		}
		char *eq = strchr(l, '=');
		if (!in_sa || !eq)
			continue;
		*eq = '\0';
		char *k = bs_text_trim(l), *v = bs_text_trim(eq + 1);
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (strcasecmp(k, map[i].inf))
				continue;
			keys++;
			/* -1 means "never" for ages and "until an administrator unlocks" for duration */
			if (!strcmp(v, "-1") && (strstr(map[i].fact, "age") || strstr(map[i].fact, "lockout_minutes")))
				bs_fact_add(ctx, map[i].fact, NULL, "never", file, lineno);
			else
				bs_fact_add(ctx, map[i].fact, NULL, v, file, lineno);
		}
	}
	if (!keys)
		return bs_probe_fail(ctx, "'%s' is a secedit export without password settings in [System Access]: "
				     "export with secedit /export /cfg (docs/windows-export.md)", file);
	return 0;
}

static int netaccounts(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg)
{
	/* Positions: 0 force logoff, 1 min age, 2 max age, 3 min length, 4 history,
	 * 5 lockout threshold, 6 lockout duration, 7 observation window, 8 role. */
	static const char *const facts[9] = { NULL, "winpol.min_age_days", "winpol.max_age_days", "winpol.min_length",
					      "winpol.history", "winpol.lockout_threshold", "winpol.lockout_minutes",
					      "winpol.reset_minutes", NULL };
	char *v[9] = { 0 };
	int *done = arg;

	if (*done)
		return 0; /* the secedit export is more complete and was read already */
	int n = bs_win_netaccounts_lines(text->ptr, v);
	for (int i = 0; i < n; i++) {
		if (facts[i]) {
			long long x;
			const char *val = v[i];
			/* Words in any language: "Never", "None", "Unlimited", "永不", "無" ... */
			if (bs_text_int(val, &x) < 0) {
				if (i == 4 || i == 5)
					val = "0"; /* no history / no lockout */
				else if (i == 2 || i == 6)
					val = "never";
			}
			bs_fact_add(ctx, facts[i], NULL, val, file, 0);
		}
		free(v[i]);
	}
	/* net accounts does not show complexity */
	bs_fact_add(ctx, "winpol.complexity", NULL, "unset (net accounts does not show it: add the secedit export)",
		    file, 0);
	*done = 1;
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	int done = 0;
	int r = bs_win_each(ctx, BS_WIN_SECEDIT, secedit, NULL);
	if (r < 0)
		return r;
	done = r > 0;
	int r2 = bs_win_each(ctx, BS_WIN_NETACCOUNTS, netaccounts, &done);
	if (r2 < 0)
		return r2;
	if (!r && !r2) {
		/* where it looked and what it found there (issue 14, item 19) */
		struct bs_buf where = BS_BUF_INIT;
		bs_win_where(ctx, &where);
		r = bs_probe_fail(ctx, "no secedit export nor net accounts output: %s; export them with secedit /export "
				  "/cfg and net accounts (docs/windows-export.md)", where.ptr);
		bs_buf_release(&where);
		return r;
	}
	return 0;
}

const struct bs_probe bs_probe_winpol = { "winpol", BS_PROBE_WINDOWS, run };
