/* schedule_findings.c - the deadline engine's rule for assessment findings (Annex 2 捌): each
 * open finding is a duty due on its due date, until the audit unit's verdict closes it
 * (src/assess). The rows come from bs_assess_open_findings() via bs_schedule_load(). */
#include "assess/assess.h"
#include "schedule/schedule_int.h"

void sched_rule_findings(struct sched_ctx *c)
{
	struct detail d = DETAIL_INIT;

	EACH_LIVE(c, "assessment_finding", i, f) {
		enum bs_assess_severity sev = BS_ASSESS_SEV_HIGH;
		int32_t due;
		char sj[40];
		if (date_of(f, "due", &due) < 0 || bs_assess_severity_parse(str(f, "severity"), &sev) < 0)
			continue;
		subj(sj, sizeof(sj), "finding", id_of(f));
		dz(&d, "評估 %lld 之缺失（嚴重程度%s，系統 %lld，%s）：%s；負責人 %s，改善後送稽核單位追蹤覆查",
		   (long long)num(f, "assessment", 0), bs_assess_severity_label(sev, BS_LANG_ZH_TW),
		   (long long)num(f, "system", 0), str(f, "control"), str(f, "title"), str(f, "owner"));
		de(&d, "finding of assessment %lld (%s, system %lld, %s): %s; owner %s, then the audit unit's follow-up",
		   (long long)num(f, "assessment", 0), bs_assess_severity_label(sev, BS_LANG_EN),
		   (long long)num(f, "system", 0), str(f, "control"), str(f, "title"), str(f, "owner"));
		emit(c, "finding", "A2.8", sj, due, BS_DUTY_DEFECT, BY_DATE, &d);
	}
}
