/* vuln_policy.c - remediation deadlines in days (vuln.h; docs/vulnerabilities.md
 * "Deadlines"). The regulation sets no number: 第十八條一 (SR.18.1) asks that a major
 * vulnerability of systems and devices be dealt with at once (應立即處理), Annex 2 伍、三、(一)
 * (A2.5.3.1.2) that vulnerabilities of information systems be fixed as soon as possible
 * (儘快修復). The defaults below make "at once" and "as soon as possible" a number a
 * broker can be held to (those of CISA BOD 19-02 for critical and high, 22-01's two weeks
 * halved for exploited ones), stricter for 第一類 systems (A2.3.1: the core business);
 * a value can only be tightened (like the password policy, src/auth/policy.c). */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "store/store.h"
#include "vuln/vuln.h"

static const struct bs_vuln_policy_info infos[BS_VPOL_COUNT] = {
	[BS_VPOL_KEV] = { "days.kev", 7, "已知遭利用（CISA KEV）之漏洞修復期限（日）", "days to fix a known exploited (CISA KEV) vulnerability" },
	[BS_VPOL_CRITICAL] = { "days.critical", 15, "嚴重（CVSS 9.0 以上）漏洞修復期限（日）", "days to fix a critical vulnerability (CVSS >= 9.0)" },
	[BS_VPOL_HIGH] = { "days.high", 30, "高風險漏洞修復期限（日）", "days to fix a high vulnerability" },
	[BS_VPOL_MEDIUM] = { "days.medium", 90, "中風險（及未分級）漏洞修復期限（日）", "days to fix a medium (or unrated) vulnerability" },
	[BS_VPOL_LOW] = { "days.low", 180, "低風險漏洞修復期限（日）", "days to fix a low vulnerability" },
	[BS_VPOL_CAT1_KEV] = { "cat1.days.kev", 3, "第一類系統：已知遭利用之漏洞修復期限（日）", "category 1 systems: days to fix a known exploited vulnerability" },
	[BS_VPOL_CAT1_CRITICAL] = { "cat1.days.critical", 7, "第一類系統：嚴重漏洞修復期限（日）", "category 1 systems: days to fix a critical vulnerability" },
	[BS_VPOL_CAT1_HIGH] = { "cat1.days.high", 15, "第一類系統：高風險漏洞修復期限（日）", "category 1 systems: days to fix a high vulnerability" },
	[BS_VPOL_CAT1_MEDIUM] = { "cat1.days.medium", 60, "第一類系統：中風險漏洞修復期限（日）", "category 1 systems: days to fix a medium vulnerability" },
	[BS_VPOL_CAT1_LOW] = { "cat1.days.low", 120, "第一類系統：低風險漏洞修復期限（日）", "category 1 systems: days to fix a low vulnerability" },
};

const struct bs_vuln_policy_info *bs_vuln_policy_info(enum bs_vuln_pol k)
{
	return (unsigned)k < BS_VPOL_COUNT ? &infos[k] : NULL;
}

static int find_key(const char *name, size_t len, enum bs_vuln_pol *out)
{
	for (int k = 0; k < BS_VPOL_COUNT; k++)
		if (strlen(infos[k].key) == len && !strncmp(infos[k].key, name, len)) {
			*out = (enum bs_vuln_pol)k;
			return 0;
		}
	return BS_ENOTFOUND;
}

int bs_vuln_policy_parse(const char *kv, enum bs_vuln_pol *key, int *days)
{
	const char *eq = strchr(kv, '=');
	char *end;
	long v;

	if (!eq)
		return bs_error(BS_EINVALID, "deadline setting '%s' has no '=': write KEY=DAYS, e.g. days.high=20", kv);
	if (find_key(kv, (size_t)(eq - kv), key) < 0)
		return bs_error(BS_EINVALID, "unknown deadline key '%.*s': 'brokersec vuln policy show' lists the keys",
				(int)(eq - kv), kv);
	errno = 0;
	v = strtol(eq + 1, &end, 10);
	if (errno || end == eq + 1 || *end)
		return bs_error(BS_EINVALID, "deadline for '%s' is not a whole number of days: '%s'", infos[*key].key, eq + 1);
	if (v < 1 || v > infos[*key].def)
		return bs_error(BS_EINVALID, "%s=%ld is outside 1..%d: a remediation deadline may only be made shorter than "
				"the default, not longer", infos[*key].key, v, infos[*key].def);
	*days = (int)v;
	return 0;
}

int bs_vuln_policy_load(struct bs_store *s, struct bs_vuln_policy *out)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	for (int k = 0; k < BS_VPOL_COUNT; k++)
		out->days[k] = infos[k].def;
	if ((err = bs_store_prepare(s, "SELECT key, value FROM vuln_policy", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum bs_vuln_pol k;
		const char *name = bs_store_text(st, 0);
		int64_t v = sqlite3_column_int64(st, 1);
		if (find_key(name, strlen(name), &k) < 0)
			continue;
		/* a value edited in by hand that is looser than the default is refused, never used */
		if (v < 1 || v > infos[k].def) {
			sqlite3_finalize(st);
			return bs_error(BS_EINVALID, "stored deadline %s=%lld is outside 1..%d: set it again with 'brokersec "
					"vuln policy set'", infos[k].key, (long long)v, infos[k].def);
		}
		out->days[k] = (int)v;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the vulnerability deadlines");
	return 0;
}

int bs_vuln_policy_days(const struct bs_vuln_policy *p, const char *sev, int kev, int category)
{
	int base = category == 1 ? BS_VPOL_CAT1_KEV : BS_VPOL_KEV, d;
	if (!strcmp(sev, "critical"))
		d = p->days[base + 1];
	else if (!strcmp(sev, "high"))
		d = p->days[base + 2];
	else if (!strcmp(sev, "low"))
		d = p->days[base + 4];
	else
		d = p->days[base + 3]; /* medium and unrated */
	if (kev && p->days[base] < d)
		d = p->days[base];
	return d;
}

int bs_vuln_policy_set(struct bs_datadir *dd, enum bs_vuln_pol key, int days)
{
	struct bs_vuln_policy p;
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_vuln_policy_load(dd->store, &p)) < 0)
		goto done;
	if ((err = bs_store_prepare(dd->store,
				    "INSERT INTO vuln_policy (key, value, updated_us, updated_by) VALUES (?1, ?2, ?3, ?4) "
				    "ON CONFLICT (key) DO UPDATE SET value = ?2, updated_us = ?3, updated_by = ?4",
				    &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, infos[key].key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, days);
	sqlite3_bind_int64(st, 3, bs_clock_now());
	sqlite3_bind_text(st, 4, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the vulnerability deadlines");
		goto done;
	}
	if ((err = bs_audit(dd, "vuln.policy", "success", NULL, "vulnerability deadline %s changed from %d to %d days",
			    infos[key].key, p.days[key], days)) < 0)
		goto done;
	err = bs_vuln_rematch(dd, NULL, NULL);
done:
	sqlite3_finalize(st);
	return bs_store_finish(dd->store, err);
}
