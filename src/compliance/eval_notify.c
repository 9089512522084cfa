/*
 * Alerts that reach a person (issue 19; src/notify, docs/notifications.md, docs/status.md): the
 * controls whose catalog entry names the mechanism eventlog.failure-alert (A2.4.1.7.4.1,
 * A2.4.1.7.4.2 "alert designated personnel within the prescribed time", A3.7.7, SR.11 through
 * them) are decided by the notifier's queue once a notification channel exists:
 *  - not met when an event-log failure alert (class log) was given up on a live channel: the
 *    alert never reached anyone;
 *  - due when other notifications were given up (a lockout, an integrity sign ... nobody was
 *    told), or an alert is still being retried;
 *  - met when a live channel is subscribed to log and nothing was given up;
 *  - unknown (with what to do) when channels exist but none takes log.
 * Each reason says how many and the commands that show and retry them. No channel: no opinion
 * (the alert flag, stderr and syslog are the mechanism; evidence decides).
 */
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/clock.h"
#include "outbox/outbox.h"

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	struct bs_outbox_failed *f = bs_calloc(1, sizeof(*f));
	int err = bs_outbox_failed(ctx->dd->store, f);
	if (err < 0) {
		free(f);
		return err;
	}
	*out = f;
	return 0;
}

static void release(void *state)
{
	free(state);
}

static int mine(const struct bs_control *c)
{
	for (size_t i = 0; i < c->nhow; i++)
		if (c->how[i].kind == BS_HOW_MECHANISM && !strcmp(c->how[i].ref, "eventlog.failure-alert"))
			return 1;
	return 0;
}

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c, struct bs_verdict *v)
{
	const struct bs_outbox_failed *f = state;
	char since[BS_DATE_MAX];
	(void)ctx;

	if (!mine(c) || !f->channels)
		return 0;
	if (f->dead) {
		bs_date_format(bs_days_from_time(f->oldest_us), since);
		v->state = f->dead_log ? BS_STATE_NOT_MET : BS_STATE_DUE;
		bs_buf_printf(&v->zh, "%s%lld 則通知重試用盡已放棄、未送達任何人（%s；最早 %s）：brokersec notify queue --state "
			      "dead 查看，修復管道後 brokersec notify retry --all-failed 重送",
			      f->dead_log ? "日誌失效告警未送達特定人員；" : "", (long long)f->dead, f->classes, since);
		bs_buf_printf(&v->en, "%s%lld notification(s) given up after their retries, never delivered (%s; the first "
			      "on %s): see them with brokersec notify queue --state dead, and once the channel works, "
			      "brokersec notify retry --all-failed",
			      f->dead_log ? "a log-failure alert did not reach the designated personnel; " : "",
			      (long long)f->dead, f->classes, since);
		return 1;
	}
	if (f->failing_log) {
		v->state = BS_STATE_DUE;
		bs_buf_printf(&v->zh, "%lld 則日誌失效告警送達失敗、重試中：brokersec notify queue --state pending",
			      (long long)f->failing_log);
		bs_buf_printf(&v->en, "%lld log-failure alert(s) failed to be delivered and are being retried: brokersec "
			      "notify queue --state pending", (long long)f->failing_log);
		return 1;
	}
	if (!f->log_channels) {
		v->state = BS_STATE_UNKNOWN;
		bs_buf_puts(&v->zh, "已設通知管道，但無管道訂閱日誌失效告警：brokersec notify subscribe 管道 log");
		bs_buf_puts(&v->en, "notification channels exist, but none takes the log-failure alert: brokersec notify "
			    "subscribe CHANNEL log");
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "日誌失效告警經 %lld 個通知管道送達特定人員（brokersec notify channel list），無放棄未送達之通知",
		      (long long)f->log_channels);
	bs_buf_printf(&v->en, "the log-failure alert reaches the designated personnel over %lld notification channel(s) "
		      "(brokersec notify channel list); no notification was given up", (long long)f->log_channels);
	return 1;
}

const struct bs_evaluator bs_eval_notify = { "notify", prepare, evaluate, release };
