/* Notifications given up (issue 19, src/notify): a message whose retries ran out reached
 * nobody, so a person must see to the channel and queue it again (`brokersec notify retry`). One
 * duty while any is given up on a live channel, overdue from the day the first was given up
 * (A2.4.1.7.4.2: a log-processing failure is alerted to designated personnel within the time
 * set); it leaves `due` once they are retried. */
#include "schedule/schedule_int.h"

void sched_rule_notify(struct sched_ctx *c)
{
	const json_t *s = json_object_get(c->snap, "notify");
	struct detail d = DETAIL_INIT;
	int64_t dead = num(s, "dead", 0);
	char when[BS_DATE_MAX];
	int32_t day;

	if (!s || dead <= 0)
		return;
	day = bs_days_from_time(num(s, "oldest_us", 0));
	bs_date_format(day, when);
	dz(&d, "%lld 則通知重試用盡已放棄、未送達（%s，最早 %s）：修復管道後 brokersec notify retry --all-failed",
	   (long long)dead, str(s, "classes") ? str(s, "classes") : "", when);
	de(&d, "%lld notification(s) given up, never delivered (%s, the first on %s): once the channel works, brokersec "
	   "notify retry --all-failed", (long long)dead, str(s, "classes") ? str(s, "classes") : "", when);
	emit(c, "notify-retry", "A2.4.1.7.4.2", "notify", day, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
}
