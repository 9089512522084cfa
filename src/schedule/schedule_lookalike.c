/* The daily look-alike check (第十四條 偵測釣魚網站, src/lookalike): a broker selling online
 * checks its official domains' look-alikes every day, so the next check is due the day after
 * the last one; a missed day is overdue. Nothing is due before official domains are set (the
 * status of SR.14 says that they are missing). */
#include "profile/profile.h"
#include "schedule/schedule_int.h"

void sched_rule_lookalike(struct sched_ctx *c)
{
	const json_t *s = json_object_get(c->snap, "lookalike");
	struct detail d = DETAIL_INIT;
	int64_t last, first;
	int32_t due;
	char when[BS_DATE_MAX];

	if (!(c->o->profile_mask & (1u << BS_PF_ONLINE_INSURANCE)) || !s || num(s, "domains", 0) <= 0)
		return;
	last = num(s, "last_check_us", 0);
	first = num(s, "first_domain_us", 0);
	if (last) {
		due = bs_days_from_time(last) + 1;
		bs_date_format(bs_days_from_time(last), when);
		dz(&d, "每日檢查 %lld 個官方網域之仿冒網域（最近一次 %s）：brokersec lookalike check", (long long)num(s, "domains", 0),
		   when);
		de(&d, "the daily look-alike check of %lld official domain(s) (last on %s): brokersec lookalike check",
		   (long long)num(s, "domains", 0), when);
	} else {
		due = bs_days_from_time(first);
		dz(&d, "官方網域已設定，尚未檢查仿冒網域：brokersec lookalike check");
		de(&d, "official domains are set but no look-alike check ran yet: brokersec lookalike check");
	}
	emit(c, "lookalike-check", "SR.14", "domains", due, BS_DUTY_RECURRING, BY_DATE, &d);
}
