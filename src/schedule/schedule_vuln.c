/* schedule_vuln.c - the deadline engine's rule for vulnerabilities (issue 18; 第十五條
 * 漏洞修復機制, A2.5.3.1.2 "儘快修復", SR.18.1 "重大漏洞應立即處理"): per device, its open
 * findings are one duty due on the earliest remediation deadline (the policy's days per
 * severity, KEV and system category: src/vuln/vuln_policy.c); an accepted risk is a duty to
 * look at it again by the day it runs out. The rows come from bs_vuln_due_rows() via
 * bs_schedule_load(). */
#include "schedule/schedule_int.h"

void sched_rule_vuln(struct sched_ctx *c)
{
	const json_t *rows = records(c, "vuln"), *r;
	struct detail d = DETAIL_INIT;
	size_t i;

	json_array_foreach (rows, i, r) {
		int64_t dev = num(r, "device", 0), open = num(r, "open", 0), kev = num(r, "kev", 0);
		int32_t due;
		char sj[40];
		if (dev > 0)
			subj(sj, sizeof(sj), "device", dev);
		else
			snprintf(sj, sizeof(sj), "inventory");
		if (open > 0 && date_of(r, "due", &due) == 0) {
			dz(&d, "%lld 項弱點未修復（其中 %lld 項已知遭利用），最早期限者：%s；修補後以 brokersec vuln inventory "
			   "重新盤點即結案", (long long)open, (long long)kev, str(r, "first"));
			de(&d, "%lld open vulnerabilities (%lld known exploited), the first due: %s; patch, then brokersec vuln "
			   "inventory again closes them", (long long)open, (long long)kev, str(r, "first"));
			emit(c, "vuln", "SR.15", sj, due, BS_DUTY_DEFECT, BY_DATE, &d);
		}
		if (date_of(r, "review", &due) == 0) {
			dz(&d, "風險接受到期：重新評估已接受之弱點風險（brokersec vuln list --device %lld）", (long long)dev);
			de(&d, "an accepted vulnerability risk runs out: review it (brokersec vuln list --device %lld)",
			   (long long)dev);
			emit(c, "vuln-risk-review", "SR.15", sj, due, BS_DUTY_DEFECT, BY_DATE, &d);
		}
	}
}
