/* probe_winjson.c - the Windows exports the collector writes as JSON (PowerShell's
 * ConvertTo-Json; scripts/windows/brokersec-collect.ps1, docs/windows-export.md): Defender's
 * status and signature age, controlled folder access, BitLocker, the firewall profiles, the
 * installed updates and the Office macro policy. One probe per kind of file, so that a
 * damaged file makes only its own checks an error; one file for the six, as they share the
 * reading (an object or an array of objects; Windows PowerShell 5.1 writes enums and
 * booleans as numbers, PowerShell 7 may write them as names). A kind the export does not hold
 * makes its checks not applicable with the reason (an export made by hand before the
 * collector: secedit, auditpol and net accounts only). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "scan/probe.h"
#include "scan/win_export.h"

/* The member as text: strings as they are, numbers in decimal, booleans as true / false;
 * NULL when absent or null. */
static const char *member(json_t *o, const char *key, char *buf, size_t cap)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, cap, "%.0f", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/* A boolean as PowerShell may write it: true/false, 1/0, "True"/"False". -1: neither. */
static int boolean(json_t *o, const char *key)
{
	char b[32];
	const char *s = member(o, key, b, sizeof(b));
	if (!s)
		return -1;
	if (!strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

struct reader {
	enum bs_win_kind kind;
	const char *cmd;   /* what makes the file */
	/* facts from one object of the file (st: the probe's running state, or NULL); 0, or <0
	 * after bs_probe_fail */
	int (*one)(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st);
	/* the file's objects are under this member (NULL: the file itself) */
	const char *list;
};

static int missing(struct bs_probe_ctx *ctx, const char *file, size_t i, const char *key, const char *cmd)
{
	return bs_probe_fail(ctx, "'%s': object %zu has no %s: make the file again with %s (docs/windows-export.md)", file,
			     i + 1, key, cmd);
}

static int defender(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st)
{
	(void)st;
	static const char *const keys[] = { "AntivirusEnabled", "RealTimeProtectionEnabled" };
	static const char *const facts[] = { "windefender.antivirus_enabled", "windefender.realtime" };
	char b[32];
	const char *age = member(o, "AntivirusSignatureAge", b, sizeof(b));
	long long n;

	for (int k = 0; k < 2; k++) {
		int v = boolean(o, keys[k]);
		if (v < 0)
			return missing(ctx, file, i, keys[k], "Get-MpComputerStatus | ConvertTo-Json");
		bs_fact_add(ctx, facts[k], NULL, v ? "true" : "false", file, 0);
	}
	if (!age)
		return missing(ctx, file, i, "AntivirusSignatureAge", "Get-MpComputerStatus | ConvertTo-Json");
	if (bs_text_int(age, &n) < 0 || n < 0)
		return bs_probe_fail(ctx, "'%s': AntivirusSignatureAge is '%.40s', not a number of days", file, age);
	/* 65535: the signatures were never updated */
	bs_fact_add(ctx, "windefender.signature_age_days", NULL, age, file, 0);
	return 0;
}

static int cfa(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st)
{
	(void)st;
	char b[32];
	const char *v = member(o, "EnableControlledFolderAccess", b, sizeof(b));
	static const char *const names[][2] = { { "0", "Disabled" }, { "1", "Enabled" }, { "2", "AuditMode" },
						{ "3", "BlockDiskModificationOnly" }, { "4", "AuditDiskModificationOnly" } };
	if (!v)
		return missing(ctx, file, i, "EnableControlledFolderAccess", "Get-MpPreference | ConvertTo-Json");
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(v, names[k][0]) || !strcasecmp(v, names[k][1])) {
			bs_fact_addf(ctx, "wincfa.mode", NULL, file, 0, "%s (%s)", names[k][0], names[k][1]);
			return 0;
		}
	return bs_probe_fail(ctx, "'%s': EnableControlledFolderAccess is '%.40s', none of 0-4", file, v);
}

static int bitlocker(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st)
{
	(void)st;
	char b1[32], b2[32];
	const char *mount = json_string_value(json_object_get(o, "MountPoint"));
	const char *type = member(o, "VolumeType", b1, sizeof(b1));
	const char *prot = member(o, "ProtectionStatus", b2, sizeof(b2));

	if (!mount)
		return missing(ctx, file, i, "MountPoint", "Get-BitLockerVolume | ConvertTo-Json");
	if (!prot)
		return missing(ctx, file, i, "ProtectionStatus", "Get-BitLockerVolume | ConvertTo-Json");
	/* ProtectionStatus: 0 Off, 1 On, 2 Unknown; VolumeType: 0 OperatingSystem, 1 FixedData, 2 Removable */
	const char *state = !strcmp(prot, "1") || !strcasecmp(prot, "On") ? "on"
			    : !strcmp(prot, "0") || !strcasecmp(prot, "Off") ? "off" : "unknown";
	int os = type && (!strcmp(type, "0") || !strcasecmp(type, "OperatingSystem"));
	int fixed = type && (!strcmp(type, "1") || !strcasecmp(type, "FixedData"));
	if (os)
		bs_fact_add(ctx, "winbitlocker.os_volume", mount, state, file, 0);
	else if (fixed)
		bs_fact_add(ctx, "winbitlocker.fixed_volume", mount, state, file, 0);
	return 0;
}

static int firewall(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st)
{
	(void)st;
	char b1[32], b2[32];
	const char *name = json_string_value(json_object_get(o, "Name"));
	const char *en = member(o, "Enabled", b1, sizeof(b1));
	const char *in = member(o, "DefaultInboundAction", b2, sizeof(b2));

	if (!name)
		return missing(ctx, file, i, "Name", "Get-NetFirewallProfile | ConvertTo-Json");
	if (!en)
		return missing(ctx, file, i, "Enabled", "Get-NetFirewallProfile | ConvertTo-Json");
	/* Enabled (GpoBoolean): 0 False, 1 True, 2 NotConfigured (then the firewall's default: on) */
	const char *e = !strcmp(en, "1") || !strcasecmp(en, "True") ? "on"
			: !strcmp(en, "0") || !strcasecmp(en, "False") ? "off"
			: !strcmp(en, "2") || !strcasecmp(en, "NotConfigured") ? "on (not configured: the default)" : en;
	bs_fact_add(ctx, "winfirewall.enabled", name, e, file, 0);
	/* DefaultInboundAction: 0 NotConfigured (the default: block), 2 Allow, 4 Block */
	if (in) {
		const char *a = !strcmp(in, "4") || !strcasecmp(in, "Block") ? "block"
				: !strcmp(in, "2") || !strcasecmp(in, "Allow") ? "allow"
				: !strcmp(in, "0") || !strcasecmp(in, "NotConfigured") ? "block (not configured: the default)" : in;
		bs_fact_add(ctx, "winfirewall.inbound", name, a, file, 0);
	}
	return 0;
}

/* InstalledOn as the collector writes it (yyyy-MM-dd), as ConvertTo-Json writes a DateTime
 * (Windows PowerShell: "/Date(ms)/"; PowerShell 7: ISO 8601), or as Get-HotFix prints it on
 * an en-US system (M/d/yyyy). Days since the epoch, or -1. */
static int32_t hotfix_day(const char *s)
{
	int y, m, d;
	long long ms;
	int32_t day;
	char tail;

	if (sscanf(s, "/Date(%lld", &ms) == 1)
		return (int32_t)(ms / 86400000LL);
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3) {
		char t[16];
		snprintf(t, sizeof(t), "%04d-%02d-%02d", y, m, d);
		return bs_date_parse(t, &day) == 0 ? day : -1;
	}
	if (sscanf(s, "%d/%d/%d%c", &m, &d, &y, &tail) >= 3 && y > 1900 && y < 10000) {
		char t[16];
		snprintf(t, sizeof(t), "%04d-%02d-%02d", y, m, d);
		return bs_date_parse(t, &day) == 0 ? day : -1;
	}
	return -1;
}

struct updates {
	int32_t last;
	char last_id[64];
	char file[512];
	int n;
};
static int hotfix(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st)
{
	struct updates *upd = st;
	const char *id = json_string_value(json_object_get(o, "HotFixID"));
	const char *on = json_string_value(json_object_get(o, "InstalledOn"));
	json_t *ono = json_object_get(o, "InstalledOn");

	if (!id)
		return missing(ctx, file, i, "HotFixID", "Get-HotFix | ConvertTo-Json");
	upd->n++;
	/* ConvertTo-Json of a DateTime in Windows PowerShell: {"value": "/Date(ms)/", "DateTime": ...} */
	if (!on && json_is_object(ono))
		on = json_string_value(json_object_get(ono, "value"));
	if (!on)
		return 0; /* Windows does not always record the date */
	int32_t d = hotfix_day(on);
	if (d < 0)
		return bs_probe_fail(ctx, "'%s': %s has InstalledOn '%.40s', not a date (yyyy-MM-dd)", file, id, on);
	if (d > upd->last) {
		upd->last = d;
		snprintf(upd->last_id, sizeof(upd->last_id), "%s", id);
		snprintf(upd->file, sizeof(upd->file), "%s", file);
	}
	return 0;
}

static int office(struct bs_probe_ctx *ctx, const char *file, json_t *o, size_t i, void *st)
{
	(void)st;
	char b1[32], b2[32];
	const char *app = json_string_value(json_object_get(o, "Application"));
	const char *ver = json_string_value(json_object_get(o, "Version"));
	const char *vba = member(o, "VBAWarnings", b1, sizeof(b1));
	const char *inet = member(o, "BlockContentExecutionFromInternet", b2, sizeof(b2));
	char subject[160];

	if (!app)
		return missing(ctx, file, i, "Application", "the collector");
	const char *user = json_string_value(json_object_get(o, "User")); /* the collector: a user's SID */
	snprintf(subject, sizeof(subject), "%.40s %.20s%s%.60s", app, ver ? ver : "", user ? " " : "", user ? user : "");
	bs_fact_add(ctx, "winoffice.vba_warnings", subject,
		    vba ? vba : "unset (no policy: a user may enable macros)", file, 0);
	bs_fact_add(ctx, "winoffice.block_internet", subject,
		    inet ? inet : "unset (no policy: macros from the internet are not blocked by policy)", file, 0);
	return 0;
}

static const struct reader readers[] = {
	{ BS_WIN_DEFENDER, "Get-MpComputerStatus | ConvertTo-Json", defender, NULL },
	{ BS_WIN_MPPREF, "Get-MpPreference | ConvertTo-Json", cfa, NULL },
	{ BS_WIN_BITLOCKER, "Get-BitLockerVolume | ConvertTo-Json", bitlocker, NULL },
	{ BS_WIN_FIREWALL, "Get-NetFirewallProfile | ConvertTo-Json", firewall, NULL },
	{ BS_WIN_HOTFIX, "Get-HotFix | ConvertTo-Json", hotfix, NULL },
	{ BS_WIN_OFFICE, "the collector", office, "OfficeMacroPolicy" },
};

struct job {
	const struct reader *rd;
	void *st;
};

static int read_file(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg)
{
	const struct job *jb = arg;
	const struct reader *rd = jb->rd;
	json_error_t je;
	json_t *doc = json_loadb(text->ptr, text->len, JSON_REJECT_DUPLICATES, &je), *list;
	int r = 0;

	if (!doc)
		return bs_probe_fail(ctx, "'%s' (%s) is not valid JSON (line %d: %s): make it again with %s "
				     "(docs/windows-export.md)", file, bs_win_kind_name(rd->kind), je.line, je.text, rd->cmd);
	list = rd->list ? json_object_get(doc, rd->list) : doc;
	if (json_is_object(list)) {
		r = rd->one(ctx, file, list, 0, jb->st);
	} else if (json_is_array(list)) {
		size_t n = json_array_size(list);
		for (size_t i = 0; i < n && r >= 0; i++) {
			json_t *o = json_array_get(list, i);
			if (!json_is_object(o))
				r = bs_probe_fail(ctx, "'%s': item %zu of the %s is not an object", file, i + 1,
						  bs_win_kind_name(rd->kind));
			else
				r = rd->one(ctx, file, o, i, jb->st);
		}
		if (r >= 0 && !n && rd->kind == BS_WIN_OFFICE)
			r = bs_probe_na(ctx, "'%s' 未列出任何 Office 應用程式：此電腦未安裝 Office",
					"'%s' lists no Office application: Office is not installed on this PC", file);
	} else {
		r = bs_probe_fail(ctx, "'%s' (%s) has no %s: make it again with %s", file, bs_win_kind_name(rd->kind),
				  rd->list ? rd->list : "an object", rd->cmd);
	}
	json_decref(doc);
	return r;
}

static int run_kind(struct bs_probe_ctx *ctx, enum bs_win_kind kind, void *st)
{
	struct job jb = { NULL, st };
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (readers[i].kind == kind)
			jb.rd = &readers[i];
	const struct reader *rd = jb.rd;
	int r = bs_win_each(ctx, kind, read_file, &jb);
	if (r < 0)
		return r;
	if (!r) {
		struct bs_buf where = BS_BUF_INIT;
		bs_win_where(ctx, &where);
		r = bs_probe_na(ctx, "匯出檔中沒有 %s（%s）：請用 scripts/windows/brokersec-collect.ps1 收集"
				"（docs/windows-export.md）",
				"the export holds no %s (%s): collect it with scripts/windows/brokersec-collect.ps1 "
				"(docs/windows-export.md)", bs_win_kind_name(rd->kind), where.ptr);
		bs_buf_release(&where);
		return r;
	}
	return 0;
}

static int run_defender(struct bs_probe_ctx *ctx)
{
	return run_kind(ctx, BS_WIN_DEFENDER, NULL);
}

static int run_cfa(struct bs_probe_ctx *ctx)
{
	return run_kind(ctx, BS_WIN_MPPREF, NULL);
}

static int run_bitlocker(struct bs_probe_ctx *ctx)
{
	return run_kind(ctx, BS_WIN_BITLOCKER, NULL);
}

static int run_firewall(struct bs_probe_ctx *ctx)
{
	return run_kind(ctx, BS_WIN_FIREWALL, NULL);
}

static int run_office(struct bs_probe_ctx *ctx)
{
	return run_kind(ctx, BS_WIN_OFFICE, NULL);
}

/* The newest update's age in days (winupdates.days_since_last, its KB as the subject) and
 * how many are listed. */
static int run_updates(struct bs_probe_ctx *ctx)
{
	struct updates u = { -1, "", "", 0 };
	struct bs_buf where = BS_BUF_INIT;
	int r;

	r = run_kind(ctx, BS_WIN_HOTFIX, &u);
	if (r < 0)
		return r;
	if (u.last < 0) {
		bs_win_where(ctx, &where);
		r = bs_probe_fail(ctx, "the Get-HotFix output lists %d updates but none with an InstalledOn date: %s", u.n,
				  where.ptr);
		bs_buf_release(&where);
		return r;
	}
	/* the subject: the newest update's KB */
	bs_fact_addf(ctx, "winupdates.days_since_last", u.last_id, u.file, 0, "%d", (int)(bs_probe_today(ctx) - u.last));
	bs_fact_addf(ctx, "winupdates.count", NULL, u.file, 0, "%d", u.n);
	return 0;
}

const struct bs_probe bs_probe_windefender = { "windefender", BS_PROBE_WINDOWS, run_defender };
const struct bs_probe bs_probe_wincfa = { "wincfa", BS_PROBE_WINDOWS, run_cfa };
const struct bs_probe bs_probe_winbitlocker = { "winbitlocker", BS_PROBE_WINDOWS, run_bitlocker };
const struct bs_probe bs_probe_winfirewall = { "winfirewall", BS_PROBE_WINDOWS, run_firewall };
const struct bs_probe bs_probe_winupdates = { "winupdates", BS_PROBE_WINDOWS, run_updates };
const struct bs_probe bs_probe_winoffice = { "winoffice", BS_PROBE_WINDOWS, run_office };
