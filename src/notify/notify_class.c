/* notify_class.c - which events are told, and to whom: the classes and the table that maps an
 * event's type (and outcome) to one (docs/notifications.md lists it). A type not in the table
 * is not told; the notifier's own events (notify.*) never are, so no message breeds another. */
#include <string.h>

#include "eventlog/eventlog.h"
#include "notify/notify.h"

static const struct {
	const char *name, *zh, *en;
} classes[BS_NOTIFY_CLASS_COUNT] = {
	[BS_NOTIFY_LOG] = { "log", "事件紀錄失效或容量不足（附件二肆一(七)3）",
			    "event log failure or capacity (A2.4.1.7.3)" },
	[BS_NOTIFY_LOCKOUT] = { "lockout", "帳號鎖定與多次拒絕存取（第十條、附件二肆一(六)）",
				"account lockouts and repeated refusals (SR.10, A2.4.1.6)" },
	[BS_NOTIFY_INTEGRITY] = { "integrity", "完整性與勒索軟體跡象（附件二肆五(三)3、附件三四）",
				  "integrity and ransomware indicators (A2.5.3.3, A3.4)" },
	[BS_NOTIFY_PHISHING] = { "phishing", "網路釣魚（第十四條）", "phishing (SR.14)" },
	[BS_NOTIFY_DUTIES] = { "duties", "逾期與即將到期之作業（每日摘要）", "overdue and soon-due duties (daily digest)" },
	[BS_NOTIFY_FINDINGS] = { "findings", "逾期未改善之評估缺失（附件二捌）", "findings past due (A2.8)" },
};

/* type: exact, or a prefix ending in '.'; outcome: NULL any, else that outcome only. The first
 * row that matches decides. */
static const struct {
	const char *type, *outcome;
	enum bs_notify_class c;
} rules[] = {
	{ "eventlog.alert", NULL, BS_NOTIFY_LOG },               /* a write failed, or too little room */
	{ "auth.lockout", NULL, BS_NOTIFY_LOCKOUT },             /* an account locked after failed sign-ins */
	{ "auth.denied.summary", NULL, BS_NOTIFY_LOCKOUT },      /* refusals counted over a minute */
	{ "auth.refused", NULL, BS_NOTIFY_LOCKOUT },             /* sign-in refused: remote-access rules */
	{ "evidence.integrity", NULL, BS_NOTIFY_INTEGRITY },     /* a kept file changed */
	{ "report.mismatch", NULL, BS_NOTIFY_INTEGRITY },        /* a report that is not as issued */
	{ "witness.refused", NULL, BS_NOTIFY_INTEGRITY },        /* a head signed with another key */
	{ "ransom.", NULL, BS_NOTIFY_INTEGRITY },
	{ "fim.alert", NULL, BS_NOTIFY_INTEGRITY },              /* fim: a ransomware sign, a canary, lost events */
	{ "fim.", "failure", BS_NOTIFY_INTEGRITY },
	{ "phishing.", NULL, BS_NOTIFY_PHISHING },
	{ "lookalike.hit", NULL, BS_NOTIFY_PHISHING },           /* a look-alike domain found registered */
	{ "lookalike.", "failure", BS_NOTIFY_PHISHING },
};

const char *bs_notify_class_name(enum bs_notify_class c)
{
	return (unsigned)c < BS_NOTIFY_CLASS_COUNT ? classes[c].name : "?";
}

const char *bs_notify_class_title(enum bs_notify_class c, enum bs_lang lang)
{
	if ((unsigned)c >= BS_NOTIFY_CLASS_COUNT)
		return "?";
	return BS_T(lang, classes[c].zh, classes[c].en);
}

int bs_notify_class_parse(const char *name, enum bs_notify_class *c)
{
	for (int i = 0; i < BS_NOTIFY_CLASS_COUNT; i++) {
		if (!strcmp(name, classes[i].name)) {
			*c = (enum bs_notify_class)i;
			return 0;
		}
	}
	return bs_error(BS_EINVALID, "class '%.40s' is not one of log, lockout, integrity, phishing, duties, findings",
			name);
}

int bs_notify_classify(const struct bs_event *ev)
{
	if (!ev->type || !strncmp(ev->type, "notify.", 7))
		return -1;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		size_t n = strlen(rules[i].type);
		int hit = rules[i].type[n - 1] == '.' ? !strncmp(ev->type, rules[i].type, n) : !strcmp(ev->type, rules[i].type);
		if (hit && (!rules[i].outcome || (ev->outcome && !strcmp(ev->outcome, rules[i].outcome))))
			return (int)rules[i].c;
	}
	return -1;
}
