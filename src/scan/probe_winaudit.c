/* probe_winaudit.c - Windows audit policy from `auditpol /get /category:* /r` (CSV).
 * Subcategories are matched by GUID, never by their (localised) names; the setting is read
 * from the numeric Setting Value column when present, else from the inclusion text in
 * English or Chinese. Facts: winaudit.<guid> = none | success | failure | success_failure. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"
#include "scan/win_export.h"

static int split_csv(char *l, char **f, int max)
{
	int n = 0;
	char *p = l;
	while (n < max) {
		if (*p == '"') {
			f[n++] = ++p;
			while (*p && *p != '"')
				p++;
			if (*p)
				*p++ = '\0';
			if (*p == ',')
				p++;
			else if (!*p)
				break;
			continue;
		}
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

static int guid_ok(const char *g)
{
	static const char shape[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
	if (strlen(g) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'x' ? !isxdigit((unsigned char)g[i]) : g[i] != shape[i])
			return 0;
	return 1;
}

static const char *setting(const char *incl, const char *num)
{
	long long v;
	if (num && bs_text_int(num, &v) == 0 && v >= 0 && v <= 3) {
		static const char *const s[] = { "none", "success", "failure", "success_failure" };
		return s[v];
	}
	int succ = strstr(incl, "Success") || strstr(incl, "成功");
	int fail = strstr(incl, "Failure") || strstr(incl, "失敗");
	if (succ && fail)
		return "success_failure";
	if (succ)
		return "success";
	if (fail)
		return "failure";
	if (strstr(incl, "No Auditing") || strstr(incl, "沒有稽核") || strstr(incl, "無稽核") || strstr(incl, "不稽核"))
		return "none";
	return NULL;
}

static int auditpol(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg)
{
	size_t pos = 0;
	int lineno = 0, rows = 0;
	char *l;

	(void)arg;
	while ((l = bs_text_line(text, &pos, &lineno))) {
		char *f[8], name[80];
		int n = split_csv(l, f, 8);
		if (n < 5 || !guid_ok(f[3]))
			continue;
		const char *s = setting(f[4], n >= 7 ? f[6] : NULL);
		if (!s)
			return bs_probe_fail(ctx, "%s:%d: unreadable audit setting '%s': export with "
					     "auditpol /get /category:* /r (docs/windows-export.md)", file, lineno, f[4]);
		snprintf(name, sizeof(name), "winaudit.%.36s", f[3] + 1);
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		bs_fact_add(ctx, name, f[2], s, file, lineno);
		if (!rows++ && *f[0])
			bs_fact_add(ctx, "winaudit.machine", NULL, f[0], file, lineno);
	}
	if (!rows)
		return bs_probe_fail(ctx, "'%s' mentions audit GUIDs but has no readable CSV row: export with "
				     "auditpol /get /category:* /r", file);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	int r = bs_win_each(ctx, BS_WIN_AUDITPOL, auditpol, NULL);
	if (r < 0)
		return r;
	if (!r) {
		struct bs_buf where = BS_BUF_INIT;
		bs_win_where(ctx, &where);
		r = bs_probe_fail(ctx, "no auditpol CSV: %s; run auditpol /get /category:* /r > auditpol.csv "
				  "(docs/windows-export.md)", where.ptr);
		bs_buf_release(&where);
		return r;
	}
	return 0;
}

const struct bs_probe bs_probe_winaudit = { "winaudit", BS_PROBE_WINDOWS, run };
