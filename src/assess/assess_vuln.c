/* assess_vuln.c - findings from vulnerability tracking (第十五條, issue 18): the vulnerabilities
 * past their remediation deadline on the devices of the systems in an assessment's scope
 * become findings of 肆一(三) 弱點與修補檢視 (A2.4.1.3.1, or 肆一(五)'s A2.4.1.5.4 when only
 * that area is in scope), one per system, package and fixed version: what a person corrects
 * in one step. The findings then go through the report and the audit unit's follow-up like
 * any other; each vulnerability is taken once per assessment (assessment_finding_vuln). */
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "core/buf.h"
#include "core/datefmt.h"
#include "core/i18n.h"
#include "datadir/datadir.h"
#include "store/store.h"
#include "vuln/vuln.h"

/* The lists in a finding's risk stay within its 4000 bytes. */
#define LIST_CVES 20
#define LIST_DEVICES 10

struct group {
	int64_t system;
	const char *package;   /* the source package when known: one upgrade fixes its binaries */
	const char *fixed;
	const struct bs_vuln_finding **v;
	size_t n;
};

/* critical 0 .. low 3, as enum bs_assess_severity runs; -1 for unknown */
static int sev_index(const char *s)
{
	static const char *const order[] = { "critical", "high", "medium", "low", NULL };
	for (int i = 0; order[i]; i++)
		if (s && !strcmp(s, order[i]))
			return i;
	return -1;
}

static int sev_rank(const char *s)
{
	int i = sev_index(s);
	return i < 0 ? 2 : i; /* unknown: medium until someone rates it */
}

/* The severity as the report's reader reads it: 嚴重/高/中/低 in zh-TW, as its findings are. */
static const char *sev_label(const char *s, enum bs_lang lang)
{
	int i = sev_index(s);
	return i < 0 ? BS_T(lang, "未評等", "unrated") : bs_assess_severity_label((enum bs_assess_severity)i, lang);
}

static const char *pkg_of(const struct bs_vuln_finding *f)
{
	return f->source && *f->source ? f->source : f->package;
}

static int taken(struct bs_store *s, int64_t id, int64_t vuln, int *yes)
{
	sqlite3_stmt *st;
	int rc, err;

	if ((err = as_query(s, &st,
			    "SELECT 1 FROM assessment_finding_vuln l JOIN assessment_finding f ON f.id = l.finding_id"
			    " WHERE f.assessment_id = ?1 AND l.vuln_id = ?2", "ii", id, vuln)) < 0)
		return err;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read which vulnerabilities the assessment holds");
	*yes = rc == SQLITE_ROW;
	return 0;
}

/* "SRV-01 (#4)": the device's asset tag or name as the register has it. */
static void device_label(struct bs_store *s, int64_t device, struct bs_buf *b)
{
	json_t *rec = NULL;
	const char *tag = NULL;

	if (as_record(s, "device", device, &rec) == 0) {
		tag = json_string_value(json_object_get(rec, "asset_tag"));
		if (!tag || !*tag)
			tag = json_string_value(json_object_get(rec, "name"));
	}
	bs_error_clear();
	if (tag && *tag)
		bs_buf_printf(b, "%s (#%lld)", tag, (long long)device);
	else
		bs_buf_printf(b, "#%lld", (long long)device);
	json_decref(rec);
}

static void write_texts(struct bs_store *s, const struct group *g, const char *sysname, int32_t as_of,
			enum bs_lang lang, struct bs_buf *title, struct bs_buf *risk, struct bs_buf *rec,
			const char **earliest)
{
	const struct bs_vuln_finding *f0 = g->v[0];
	size_t kev = 0, ndev = 0, ncve = 0;
	int32_t due = 0;
	char today[BS_DATE_MAX];
	struct bs_buf devs = BS_BUF_INIT, cves = BS_BUF_INIT;

	*earliest = f0->deadline;
	for (size_t i = 0; i < g->n; i++) {
		const struct bs_vuln_finding *f = g->v[i];
		int dup = 0;
		if (f->deadline && strcmp(f->deadline, *earliest) < 0)
			*earliest = f->deadline;
		for (size_t k = 0; k < i && !dup; k++)
			dup = g->v[k]->device == f->device;
		if (!dup && ndev++ < LIST_DEVICES) {
			if (ndev > 1)
				bs_buf_puts(&devs, BS_T(lang, "、", ", "));
			device_label(s, f->device, &devs);
		} else if (!dup && ndev == LIST_DEVICES + 1) {
			bs_buf_puts(&devs, BS_T(lang, "等", ", ..."));
		}
		/* a CVE counts once (on every device, and libssl3 and openssl share theirs) */
		dup = 0;
		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(g->v[k]->cve, f->cve);
		if (dup)
			continue;
		kev += f->kev != 0;
		if (++ncve == LIST_CVES + 1)
			bs_buf_puts(&cves, BS_T(lang, "等", ", ..."));
		if (ncve > LIST_CVES)
			continue;
		if (ncve > 1)
			bs_buf_puts(&cves, BS_T(lang, "、", ", "));
		bs_buf_printf(&cves, "%s (%s", f->cve, sev_label(f->severity, lang));
		if (f->cvss >= 0)
			bs_buf_printf(&cves, ", CVSS %.1f", f->cvss);
		if (f->kev)
			bs_buf_puts(&cves, BS_T(lang, "，已列入 CISA KEV", ", known exploited"));
		bs_buf_putc(&cves, ')');
	}
	if (bs_date_parse(*earliest, &due) < 0)
		due = as_of;
	bs_date_format(as_of, today);
	bs_buf_printf(title,
		      BS_T(lang, "%.120s %.80s 有 %zu 個弱點逾修復期限未修補%s（%zu 台設備%s）",
			   "%.120s %.80s: %zu vulnerabilit%s past the remediation deadline on %zu device(s)%s"),
		      pkg_of(f0), f0->version, ncve, lang == BS_LANG_EN ? (ncve == 1 ? "y" : "ies") : "", ndev, kev ? BS_T(lang, "，含已遭利用者", ", some known exploited") : "");
	/* the two languages put the day count and the date in a different order */
	if (lang == BS_LANG_EN)
		bs_buf_printf(risk,
			      "On system '%s', devices %s have %s %s with vulnerabilities not remediated by their deadline: %s. "
			      "The earliest deadline was %s, %d day(s) before %s (Article 15, vulnerability remediation); they "
			      "may be exploited against the system's confidentiality, integrity and availability%s.",
			      sysname, devs.ptr, pkg_of(f0), f0->version, cves.ptr, *earliest, as_of - due, today,
			      kev ? ", and some are already exploited in the wild" : "");
	else
		bs_buf_printf(risk,
			      "系統「%s」之設備 %s 所安裝之 %s %s 有弱點未於修復期限內修補：%s。最早之修復期限為 %s，至 %s 已逾 %d 日"
			      "（第十五條漏洞修復機制）；弱點可能遭利用而危及系統之機密性、完整性及可用性%s。",
			      sysname, devs.ptr, pkg_of(f0), f0->version, cves.ptr, *earliest, today, as_of - due,
			      kev ? "，其中已有遭實際利用者" : "");
	if (g->fixed && *g->fixed)
		bs_buf_printf(rec,
			      BS_T(lang,
				   "將上述設備之 %s 更新至 %s 以上版本，再以 brokersec vuln inventory 重新盤點確認弱點已關閉；"
				   "如暫時無法更新，採取緩解措施並以 brokersec vuln accept 記錄經核准之風險接受及其期限。",
				   "Upgrade %s to %s or later on these devices, then take a new inventory (brokersec vuln "
				   "inventory) to confirm the findings close; until then, mitigate and record the approved "
				   "acceptance of the risk with its expiry (brokersec vuln accept)."),
			      pkg_of(f0), g->fixed);
	else
		bs_buf_printf(rec,
			      BS_T(lang,
				   "%s 尚無修正版本：採取緩解措施（停用受影響功能、限制網路存取或更換套件），持續追蹤廠商公告，"
				   "並以 brokersec vuln accept 記錄經核准之風險接受及其期限。",
				   "%s has no fixed version yet: mitigate (turn off the affected feature, restrict network "
				   "access or replace the package), follow the vendor's advisories, and record the approved "
				   "acceptance of the risk with its expiry (brokersec vuln accept)."),
			      pkg_of(f0));
	bs_buf_release(&devs);
	bs_buf_release(&cves);
}

static int cmp_pick(const void *a, const void *b)
{
	const struct bs_vuln_finding *x = *(const struct bs_vuln_finding *const *)a;
	const struct bs_vuln_finding *y = *(const struct bs_vuln_finding *const *)b;
	int c;
	if (x->system != y->system)
		return x->system < y->system ? -1 : 1;
	if ((c = strcmp(pkg_of(x), pkg_of(y))) || (c = strcmp(x->fixed ? x->fixed : "", y->fixed ? y->fixed : "")) ||
	    (c = strcmp(x->cve, y->cve)))
		return c;
	return x->device < y->device ? -1 : x->device > y->device;
}

/* The overdue vulnerabilities of in-scope systems that the assessment does not hold yet. */
static int pick_vulns(struct bs_store *s, int64_t id, const struct bs_vuln_finding *v, size_t n,
		      const struct bs_vuln_finding **pick, size_t *npick, struct bs_assess_vuln_out *out)
{
	int err, yes = 0;

	*npick = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].overdue)
			continue;
		if (v[i].system <= 0 || as_in_scope(s, id, v[i].system, NULL) < 0) {
			bs_error_clear();
			out->other_systems++;
			continue;
		}
		if ((err = taken(s, id, v[i].id, &yes)) < 0)
			return err;
		if (yes) {
			out->already++;
			continue;
		}
		pick[(*npick)++] = &v[i];
	}
	qsort(pick, *npick, sizeof(*pick), cmp_pick);
	return 0;
}

/* check_only: refuses what would fail (no owner) before any finding is written, so that a
 * refusal leaves no assessment.finding event for a finding rolled back. */
static int add_group(struct bs_datadir *dd, int64_t id, const struct group *g, const struct bs_assess_vuln_in *in,
		     int check_only, struct bs_assess_vuln_out *out)
{
	struct bs_assess_finding_in f = { g->system, NULL, BS_ASSESS_SEV_LOW, "technical", NULL, NULL, NULL, NULL, NULL };
	struct bs_buf title = BS_BUF_INIT, risk = BS_BUF_INIT, rec = BS_BUF_INIT;
	json_t *sys = NULL;
	const char *name, *owner, *earliest;
	unsigned areas = 0;
	int64_t fid = 0;
	int rank = 3, err;

	if ((err = as_in_scope(dd->store, id, g->system, &areas)) < 0 || (err = as_record(dd->store, "system", g->system, &sys)) < 0)
		return err;
	if (areas & BS_ASSESS_AREA_BIT(3))
		f.control = "A2.4.1.3.1"; /* 弱點與修補檢視 */
	else if (areas & BS_ASSESS_AREA_BIT(5))
		f.control = "A2.4.1.5.4"; /* 軟體更新設定及狀態 */
	if (!f.control) {
		out->out_of_areas += check_only ? 0 : g->n;
		json_decref(sys);
		return 0;
	}
	name = json_string_value(json_object_get(sys, "name"));
	owner = in->owner ? in->owner : json_string_value(json_object_get(sys, "owner"));
	if (!owner || !*owner) {
		err = bs_error(BS_EINVALID, "system %lld (%s) has no owner in the register to correct its %zu overdue "
			       "vulnerabilities: give --owner NAME, or set one with `brokersec system update %lld --owner NAME`",
			       (long long)g->system, name ? name : "", g->n, (long long)g->system);
		json_decref(sys);
		return err;
	}
	if (check_only) {
		json_decref(sys);
		return 0;
	}
	for (size_t i = 0; i < g->n; i++) {
		int r = sev_rank(g->v[i]->severity);
		if (g->v[i]->kev && r > 1)
			r = 1; /* exploited in the wild: at least high */
		rank = r < rank ? r : rank;
	}
	f.severity = (enum bs_assess_severity)rank; /* the enum runs critical..low as sev_rank does */
	write_texts(dd->store, g, name ? name : "", in->as_of, in->lang, &title, &risk, &rec, &earliest);
	f.title = title.ptr, f.risk = risk.ptr, f.recommendation = rec.ptr, f.owner = owner;
	f.due = in->due ? in->due : earliest;
	if ((err = as_finding_check(&f)) >= 0 && (err = as_finding_insert(dd, id, &f, &fid)) >= 0) {
		for (size_t i = 0; i < g->n && err >= 0; i++)
			err = as_exec(dd->store, "cannot link the finding to its vulnerabilities", NULL,
				      "INSERT INTO assessment_finding_vuln (finding_id, vuln_id) VALUES (?1, ?2)", "ii", fid,
				      g->v[i]->id);
		out->findings++;
		out->vulns += g->n;
	}
	bs_buf_release(&title);
	bs_buf_release(&risk);
	bs_buf_release(&rec);
	json_decref(sys);
	return err;
}

int bs_assess_findings_from_vulns(struct bs_datadir *dd, int64_t id, const struct bs_assess_vuln_in *in,
				  struct bs_assess_vuln_out *out)
{
	struct bs_vuln_list_opts lo;
	struct bs_vuln_finding *v = NULL;
	const struct bs_vuln_finding **pick = NULL;
	size_t n = 0, npick = 0;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&lo, 0, sizeof(lo));
	lo.as_of = in->as_of;
	lo.overdue_only = 1;
	if (in->owner && (!*in->owner || strlen(in->owner) > 200))
		return bs_error(BS_EINVALID, "--owner must be 1-200 bytes: who corrects the findings");
	if (in->due && (err = as_date(in->due, "--due")) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING) | AS_BIT(BS_ASSESS_REPORTED),
			      "adding findings from vulnerability tracking")) < 0 ||
	    (err = bs_vuln_findings(dd->store, &lo, &v, &n)) < 0)
		goto done;
	pick = bs_calloc(n + 1, sizeof(*pick));
	if ((err = pick_vulns(dd->store, id, v, n, pick, &npick, out)) < 0)
		goto done;
	for (int check_only = 1; check_only >= 0 && err >= 0; check_only--)
		for (size_t i = 0; i < npick && err >= 0;) {
			struct group g = { pick[i]->system, pkg_of(pick[i]), pick[i]->fixed ? pick[i]->fixed : "", &pick[i], 0 };
			while (i + g.n < npick && pick[i + g.n]->system == g.system &&
			       !strcmp(pkg_of(pick[i + g.n]), g.package) &&
			       !strcmp(pick[i + g.n]->fixed ? pick[i + g.n]->fixed : "", g.fixed))
				g.n++;
			err = add_group(dd, id, &g, in, check_only, out);
			i += g.n;
		}
done:
	free(pick);
	bs_vuln_findings_free(v, n);
	return bs_store_finish(dd->store, err);
}
