/* brokersec assessment: the security assessment workflow of Annex 2 (貳, 參, 肆, 柒, 捌):
 * plan -> scope, sample, assessors -> run -> results -> findings -> complete -> follow-up by
 * the audit unit -> close; and `record` for an assessment made before brokersec. The work is
 * src/assess; this file parses, checks arguments and prints (docs/assessments.md). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "auth/auth.h"
#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "core/utf8.h"

static const char usage_text[] =
	"usage: brokersec assessment plan --title T --from DATE --to DATE --approver board|delegate\n"
	"                                 --approved-by NAME --approved-on DATE [--note TEXT]\n"
	"       brokersec assessment list|show [ID] [--format table|json]\n"
	"       brokersec assessment scope ID --system N [--areas 1,3,6|all --reason TEXT] [--remove]\n"
	"       brokersec assessment sample ID --system N --devices 4,5,6 [--remove]\n"
	"       brokersec assessment assessor ID --assessor N [--role lead|member] [--remove]\n"
	"       brokersec assessment run ID\n"
	"       brokersec assessment results ID --from-scans\n"
	"       brokersec assessment result ID --system N --control A2.4.1.x.y[,...] --result met|not-met|not-applicable\n"
	"                                      --source register|judgement [--reason TEXT] [--evidence REF]\n"
	"       brokersec assessment finding ID --system N --control ID --severity critical|high|medium|low\n"
	"                                       --category management|technical|physical|personnel --title T\n"
	"                                       --risk TEXT --recommendation TEXT --owner NAME --due DATE\n"
	"       brokersec assessment finding ID --from-vulns [--as-of DATE] [--owner NAME] [--due DATE]\n"
	"       brokersec assessment findings [ID] [--open] [--format table|json]\n"
	"       brokersec assessment complete ID [--date DATE]\n"
	"       brokersec assessment followup FINDING --by NAME --verdict corrected|partial|not-corrected\n"
	"                                       [--audit-unit] [--date DATE] [--note TEXT]\n"
	"       brokersec assessment finding-close FINDING\n"
	"       brokersec assessment close ID\n"
	"       brokersec assessment record --system N --date DATE --assessor NAME [--report REF] [--note TEXT]\n"
	"Areas are those of Annex 2 肆一 (1-10): category 1 systems take all ten, categories 2 and 3 the\n"
	"areas chosen with a --reason. complete checks the sample of 參二 (max(ceil(10%), min(100, all)))\n"
	"and a result for every control in scope. A finding closes only with the audit unit's verdict:\n"
	"followup --audit-unit --verdict corrected, or finding-close by a signed-in auditor (--as USER).\n"
	"record keeps a past assessment (before brokersec) so that it drives the 1/3/5-year deadlines.\n"
	"finding --from-vulns turns the vulnerabilities past their deadline (brokersec vuln list --overdue) on\n"
	"the devices of systems in scope into findings of A2.4.1.3.1, one per system, package and fixed version.\n";

static const char usage_zh[] =
	"用法: brokersec assessment plan --title 名稱 --from 日期 --to 日期 --approver board|delegate\n"
	"                                 --approved-by 核定人 --approved-on 日期 [--note 說明]\n"
	"       brokersec assessment list|show [ID] [--format table|json]\n"
	"       brokersec assessment scope ID --system N [--areas 1,3,6|all --reason 理由] [--remove]\n"
	"       brokersec assessment sample ID --system N --devices 4,5,6 [--remove]\n"
	"       brokersec assessment assessor ID --assessor N [--role lead|member] [--remove]\n"
	"       brokersec assessment run ID\n"
	"       brokersec assessment results ID --from-scans\n"
	"       brokersec assessment result ID --system N --control A2.4.1.x.y[,...] --result met|not-met|not-applicable\n"
	"                                      --source register|judgement [--reason 理由] [--evidence 佐證]\n"
	"       brokersec assessment finding ID --system N --control 控制項 --severity critical|high|medium|low\n"
	"                                       --category management|technical|physical|personnel --title 缺失\n"
	"                                       --risk 風險說明 --recommendation 改善建議 --owner 負責人 --due 日期\n"
	"       brokersec assessment finding ID --from-vulns [--as-of 日期] [--owner 負責人] [--due 日期]\n"
	"       brokersec assessment findings [ID] [--open] [--format table|json]\n"
	"       brokersec assessment complete ID [--date 日期]\n"
	"       brokersec assessment followup 缺失ID --by 姓名 --verdict corrected|partial|not-corrected\n"
	"                                       [--audit-unit] [--date 日期] [--note 說明]\n"
	"       brokersec assessment finding-close 缺失ID\n"
	"       brokersec assessment close ID\n"
	"       brokersec assessment record --system N --date 日期 --assessor 評估單位 [--report 報告] [--note 說明]\n"
	"評估項目為附件二肆、一之 (一)-(十)：第一類系統十項全評，第二、三類依系統特性選擇並以 --reason 記錄理由。\n"
	"complete 檢查參二抽測比例（max(10% 無條件進位, min(100, 全部))）及範圍內每一控制項皆有結果。\n"
	"缺失僅能以稽核單位之覆查結論結案：followup --audit-unit --verdict corrected，或由稽核人員登入後 finding-close。\n"
	"record 登錄導入 brokersec 前已完成之評估，以計算 1/3/5 年之評估期限。\n"
	"finding --from-vulns 將範圍內系統之設備逾修復期限之弱點（brokersec vuln list --overdue）記為 A2.4.1.3.1 之缺失，\n"
	"每一系統、套件及修正版本一項。\n";

enum {
	OPT_TITLE = 0x2000, OPT_FROM, OPT_TO, OPT_APPROVER, OPT_APPROVED_BY, OPT_APPROVED_ON, OPT_NOTE, OPT_FORMAT,
	OPT_SYSTEM, OPT_AREAS, OPT_REASON, OPT_REMOVE, OPT_DEVICES, OPT_ASSESSOR, OPT_ROLE, OPT_FROM_SCANS,
	OPT_CONTROL, OPT_RESULT, OPT_SOURCE, OPT_EVIDENCE, OPT_SEVERITY, OPT_CATEGORY, OPT_RISK, OPT_RECOMMENDATION,
	OPT_OWNER, OPT_DUE, OPT_OPEN, OPT_DATE, OPT_BY, OPT_VERDICT, OPT_AUDIT_UNIT, OPT_REPORT, OPT_FROM_VULNS, OPT_AS_OF,
};

struct aopts {
	const char *title, *from, *to, *approver, *approved_by, *approved_on, *note, *format, *system, *areas, *reason,
		*devices, *assessor, *role, *control, *result, *source, *evidence, *severity, *category, *risk,
		*recommendation, *owner, *due, *date, *by, *verdict, *report, *as_of;
	int remove, from_scans, from_vulns, open, audit_unit, json;
	int64_t id, system_id, assessor_id;
};

static int aoption(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct aopts *o = ctx;
	const char **slot[] = {
		[OPT_TITLE - OPT_TITLE] = &o->title, [OPT_FROM - OPT_TITLE] = &o->from, [OPT_TO - OPT_TITLE] = &o->to,
		[OPT_APPROVER - OPT_TITLE] = &o->approver, [OPT_APPROVED_BY - OPT_TITLE] = &o->approved_by,
		[OPT_APPROVED_ON - OPT_TITLE] = &o->approved_on, [OPT_NOTE - OPT_TITLE] = &o->note,
		[OPT_FORMAT - OPT_TITLE] = &o->format, [OPT_SYSTEM - OPT_TITLE] = &o->system,
		[OPT_AREAS - OPT_TITLE] = &o->areas, [OPT_REASON - OPT_TITLE] = &o->reason,
		[OPT_DEVICES - OPT_TITLE] = &o->devices, [OPT_ASSESSOR - OPT_TITLE] = &o->assessor,
		[OPT_ROLE - OPT_TITLE] = &o->role, [OPT_CONTROL - OPT_TITLE] = &o->control,
		[OPT_RESULT - OPT_TITLE] = &o->result, [OPT_SOURCE - OPT_TITLE] = &o->source,
		[OPT_EVIDENCE - OPT_TITLE] = &o->evidence, [OPT_SEVERITY - OPT_TITLE] = &o->severity,
		[OPT_CATEGORY - OPT_TITLE] = &o->category, [OPT_RISK - OPT_TITLE] = &o->risk,
		[OPT_RECOMMENDATION - OPT_TITLE] = &o->recommendation, [OPT_OWNER - OPT_TITLE] = &o->owner,
		[OPT_DUE - OPT_TITLE] = &o->due, [OPT_DATE - OPT_TITLE] = &o->date, [OPT_BY - OPT_TITLE] = &o->by,
		[OPT_VERDICT - OPT_TITLE] = &o->verdict, [OPT_REPORT - OPT_TITLE] = &o->report,
		[OPT_AS_OF - OPT_TITLE] = &o->as_of,
	};

	(void)cli;
	if (opt == OPT_REMOVE)
		o->remove = 1;
	else if (opt == OPT_FROM_SCANS)
		o->from_scans = 1;
	else if (opt == OPT_FROM_VULNS)
		o->from_vulns = 1;
	else if (opt == OPT_OPEN)
		o->open = 1;
	else if (opt == OPT_AUDIT_UNIT)
		o->audit_unit = 1;
	else if (opt >= OPT_TITLE && (size_t)(opt - OPT_TITLE) < sizeof(slot) / sizeof(slot[0]) && slot[opt - OPT_TITLE])
		*slot[opt - OPT_TITLE] = arg;
	return -1;
}

static int parse_id(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || errno || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* Arguments: the ID (assessment or finding) where the verb takes one; numbers; the format. */
static int acheck(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	static const char *const no_id[] = { "plan", "list", "record", "findings", NULL };
	struct aopts *o = ctx;
	int fmt, takes_id = 1;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt == 1;
	for (int i = 0; no_id[i]; i++)
		if (!strcmp(cli->verb, no_id[i]))
			takes_id = 0;
	if (argc > 1)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "多餘的引數 '%s'", "unexpected argument '%s'"), argv[1]);
	if (takes_id && argc < 1)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "%s 需要%s ID", "%s needs the %s ID"), cli->verb,
					  strstr(cli->verb, "follow") || strstr(cli->verb, "finding-")
						  ? BS_T(cli->lang, "缺失", "finding") : BS_T(cli->lang, "評估", "assessment"));
	if (argc == 1 && !strcmp(cli->verb, "findings"))
		takes_id = 1;
	if (argc == 1 && !takes_id)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "%s 不接受 ID（'%s'）", "%s takes no ID ('%s')"), cli->verb, argv[0]);
	if (takes_id && argc == 1 && parse_id(argv[0], &o->id) < 0)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "ID '%s' 不是正整數", "ID '%s' is not a positive number"), argv[0]);
	if (o->system && parse_id(o->system, &o->system_id) < 0)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "--system '%s' 不是系統編號（brokersec system list）", "--system '%s' is not a system id (`brokersec system list`)"), o->system);
	if (o->assessor && !strcmp(cli->verb, "assessor") && parse_id(o->assessor, &o->assessor_id) < 0)
		return bs_cli_usage_error(cli, "--assessor '%s' is not an assessor id (`brokersec assessor list`)",
					  o->assessor);
	/* the audit unit's verdict is the auditor's to give when an account acts (docs/roles.md) */
	if ((!strcmp(cli->verb, "followup") && o->audit_unit) || !strcmp(cli->verb, "finding-close"))
		cli->perm_write = BS_PERM_ASSESS_FOLLOWUP;
	return -1;
}

static int print_json(struct bs_cli *cli, json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s)
		puts(s);
	free(s);
	return bs_cli_flush(cli);
}

static int done_msg(struct bs_cli *cli, int err, const char *zh, const char *en, int64_t id)
{
	if (err < 0)
		return bs_cli_fail(cli, err);
	printf("%s %lld\n", BS_T(cli->lang, zh, en), (long long)id);
	return bs_cli_flush(cli);
}

static int v_plan(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	struct bs_assess_plan_in in = { o->title, o->from, o->to, o->approver, o->approved_by, o->approved_on, o->note };
	int64_t id = 0;
	(void)argc;
	(void)argv;
	int err = bs_assess_plan(dd, &in, &id);
	return done_msg(cli, err, "已建立評估計畫", "planned assessment", id);
}

static int v_scope(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	unsigned areas = 0;
	int err;
	(void)argc;
	(void)argv;
	if (!o->system_id)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "scope 需要 --system 編號", "scope needs --system N"));
	if (o->remove)
		return done_msg(cli, bs_assess_scope_remove(dd, o->id, o->system_id), "已移出評估範圍：系統",
				"taken out of scope: system", o->system_id);
	if (o->areas && (err = bs_assess_areas_parse(o->areas, &areas)) < 0)
		return bs_cli_fail(cli, err);
	return done_msg(cli, bs_assess_scope_set(dd, o->id, o->system_id, areas, o->reason), "已納入評估範圍：系統",
			"in scope: system", o->system_id);
}

static int v_sample(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	int64_t *devs;
	size_t n = 0;
	const char *p = o->devices;
	int err = 0;
	(void)argc;
	(void)argv;
	if (!p || !*p)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "sample 需要 --devices 4,5,6（設備登錄編號）", "sample needs --devices 4,5,6 (device register ids)"));
	if (!o->remove && !o->system_id)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "sample 需要 --system 編號", "sample needs --system N"));
	devs = bs_calloc(strlen(p) / 2 + 2, sizeof(*devs));
	while (*p) {
		char one[32];
		size_t len = strcspn(p, ",");
		snprintf(one, sizeof(one), "%.*s", (int)(len < sizeof(one) ? len : sizeof(one) - 1), p);
		if (len >= sizeof(one) || parse_id(one, &devs[n]) < 0) {
			free(devs);
			return bs_cli_usage_error(cli, "--devices: '%.*s' is not a device id", (int)len, p);
		}
		n++;
		p += len + (p[len] == ',');
	}
	if (o->remove) {
		for (size_t i = 0; i < n && err >= 0; i++)
			err = bs_assess_sample_remove(dd, o->id, devs[i]);
	} else {
		err = bs_assess_sample_add(dd, o->id, o->system_id, devs, n);
	}
	free(devs);
	if (err < 0)
		return bs_cli_fail(cli, err);
	printf(BS_T(cli->lang, "評估 %lld：已%s %zu 台抽測設備\n", "assessment %lld: %s %zu sampled device(s)\n"),
	       (long long)o->id, o->remove ? BS_T(cli->lang, "移除", "removed") : BS_T(cli->lang, "記錄", "recorded"), n);
	return bs_cli_flush(cli);
}

static int v_assessor(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	(void)argc;
	(void)argv;
	if (!o->assessor_id)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "assessor 需要 --assessor 編號（brokersec assessor list）", "assessor needs --assessor N (`brokersec assessor list`)"));
	if (o->remove)
		return done_msg(cli, bs_assess_assessor_remove(dd, o->id, o->assessor_id), "已移除評估人員",
				"removed assessor", o->assessor_id);
	return done_msg(cli, bs_assess_assessor_add(dd, o->id, o->assessor_id, o->role), "已加入評估人員",
			"added assessor", o->assessor_id);
}

static int v_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	size_t n = 0;
	int err;
	(void)argc;
	(void)argv;
	if ((err = bs_assess_run(dd, o->id, &n)) < 0)
		return bs_cli_fail(cli, err);
	printf(BS_T(cli->lang, "評估 %lld 開始執行；由抽測設備之主機檢查取得 %zu 項結果\n",
		    "assessment %lld running; %zu result(s) from the saved scans of the sampled devices\n"),
	       (long long)o->id, n);
	return bs_cli_flush(cli);
}

static int v_results(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	size_t n = 0;
	int err;
	(void)argc;
	(void)argv;
	if (!o->from_scans)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "results 需要 --from-scans（逐項登錄請用 assessment result）", "results needs --from-scans (one result by hand: `assessment result`)"));
	if ((err = bs_assess_results_from_scans(dd, o->id, &n)) < 0)
		return bs_cli_fail(cli, err);
	printf(BS_T(cli->lang, "評估 %lld：由主機檢查取得 %zu 項結果\n", "assessment %lld: %zu result(s) from saved scans\n"),
	       (long long)o->id, n);
	return bs_cli_flush(cli);
}

static int v_result(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	struct bs_assess_result_in in = { o->system_id, o->control, BS_RESULT_NONE, BS_SOURCE_NONE, o->reason, o->evidence };
	int err;
	(void)argc;
	(void)argv;
	if (!o->system_id || !o->control || !o->result || !o->source)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "result 需要 --system、--control、--result 與 --source", "result needs --system N --control ID --result R --source S"));
	if ((err = bs_assess_result_parse(o->result, &in.result)) < 0 ||
	    (err = bs_assess_source_parse(o->source, &in.source)) < 0)
		return bs_cli_fail(cli, err);
	/* --control A,B,C: the same result for several controls, all or none */
	if ((err = bs_assess_result_set(dd, o->id, &in)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s: %s\n", o->control, BS_T(cli->lang, "結果", "result"), bs_assess_result_label(in.result, cli->lang));
	return bs_cli_flush(cli);
}

/* finding ID --from-vulns: the overdue vulnerabilities of the systems in scope (assess_vuln.c) */
static int finding_from_vulns(struct bs_cli *cli, struct aopts *o, struct bs_datadir *dd)
{
	struct bs_assess_vuln_in in = { bs_days_taipei(bs_clock_now()), o->owner, o->due, cli->lang };
	struct bs_assess_vuln_out out;
	int err;

	if (o->system || o->control || o->severity || o->category || o->title || o->risk || o->recommendation)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "--from-vulns 由弱點追蹤產生缺失內容，不與 --system、--control、--severity、--category、--title、--risk、--recommendation 併用",
						    "--from-vulns writes the findings from vulnerability tracking: it takes no --system, --control, --severity, --category, --title, --risk or --recommendation"));
	if (o->as_of && bs_date_parse(o->as_of, &in.as_of) < 0)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "--as-of '%s' 不是日期（YYYY-MM-DD）", "--as-of '%s' is not a date (YYYY-MM-DD)"), o->as_of);
	if ((err = bs_assess_findings_from_vulns(dd, o->id, &in, &out)) < 0)
		return bs_cli_fail(cli, err);
	printf(BS_T(cli->lang, "評估 %lld：由逾期弱點新增 %zu 項缺失（含 %zu 個弱點）\n",
		    "assessment %lld: %zu finding(s) added for %zu overdue vulnerabilit(ies)\n"),
	       (long long)o->id, out.findings, out.vulns);
	if (out.already)
		printf(BS_T(cli->lang, "  %zu 個弱點已列於本評估之缺失\n", "  %zu already held by this assessment's findings\n"), out.already);
	if (out.other_systems)
		printf(BS_T(cli->lang, "  %zu 個弱點所在系統不在評估範圍（或設備未登錄系統）\n",
			    "  %zu on systems outside the scope (or devices of no system)\n"), out.other_systems);
	if (out.out_of_areas)
		printf(BS_T(cli->lang, "  %zu 個弱點所在系統之評估項目不含肆一(三)或(五)：以 assessment scope --areas 納入\n",
			    "  %zu on systems whose areas include neither 3 nor 5 of 肆一: widen them with `assessment scope --areas`\n"),
		       out.out_of_areas);
	return bs_cli_flush(cli);
}

static int v_finding(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	struct bs_assess_finding_in in = { o->system_id, o->control, BS_ASSESS_SEV_COUNT, o->category, o->title,
					   o->risk, o->recommendation, o->owner, o->due };
	int64_t fid = 0;
	int err;
	(void)argc;
	(void)argv;
	if (o->from_vulns)
		return finding_from_vulns(cli, o, dd);
	if (!o->system_id || !o->control)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "finding 需要 --system 與 --control", "finding needs --system N and --control ID"));
	if ((err = bs_assess_severity_parse(o->severity, &in.severity)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_assess_finding_add(dd, o->id, &in, &fid);
	return done_msg(cli, err, "已記錄缺失", "finding", fid);
}

static int v_complete(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	(void)argc;
	(void)argv;
	return done_msg(cli, bs_assess_complete(dd, o->id, o->date), "評估完成，報告送稽核單位追蹤覆查：評估",
			"completed; the report goes to the audit unit for follow-up: assessment", o->id);
}

static int v_followup(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	struct bs_assess_followup_in in = { o->id, o->date, o->by, o->audit_unit, BS_VERDICT_CORRECTED, o->note };
	int64_t fu = 0;
	int err;
	(void)argc;
	(void)argv;
	if ((err = bs_assess_verdict_parse(o->verdict, &in.verdict)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_assess_followup_add(dd, &in, &fu);
	return done_msg(cli, err, "已記錄追蹤覆查", "follow-up", fu);
}

/* A signed-in account of role auditor is the audit unit; the OS user is not. */
static int actor_is_auditor(struct bs_cli *cli, struct bs_datadir *dd)
{
	struct bs_account a;
	int yes;

	if (!cli->as_user && !cli->token_file)
		return 0;
	yes = bs_account_get(dd->store, dd->actor, &a) == 0 && a.role == BS_ROLE_AUDITOR && !strcmp(a.state, "active");
	bs_error_clear();
	return yes;
}

static int v_finding_close(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	(void)argc;
	(void)argv;
	return done_msg(cli, bs_assess_finding_close(dd, o->id, actor_is_auditor(cli, dd)), "已結案缺失",
			"closed finding", o->id);
}

static int v_close(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	(void)argc;
	(void)argv;
	return done_msg(cli, bs_assess_close(dd, o->id), "已結案評估", "closed assessment", o->id);
}

static int v_record(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	int64_t id = 0;
	(void)argc;
	(void)argv;
	if (!o->system_id)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "record 需要 --system 編號", "record needs --system N"));
	int err = bs_assess_record(dd, o->system_id, o->date, o->assessor, o->report, o->note, &id);
	return done_msg(cli, err,
			"已登錄過去之評估", "recorded past assessment", id);
}

/* ---- reading ---- */

static void cell(struct bs_buf *b, const char *s, size_t w)
{
	bs_utf8_put_cell(b, s ? s : "-", w, 1);
	bs_buf_putc(b, ' ');
}

static int v_list(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *arr = json_array();
	struct bs_buf b = BS_BUF_INIT;
	int err;
	(void)argc;
	(void)argv;
	if ((err = bs_assess_ids(dd->store, &ids, &n)) < 0) {
		json_decref(arr);
		return bs_cli_fail(cli, err);
	}
	if (!o->json) {
		bs_buf_printf(&b, "%-5s ", "ID");
		cell(&b, BS_T(cli->lang, "名稱", "title"), 26);
		cell(&b, BS_T(cli->lang, "狀態", "status"), 8);
		cell(&b, BS_T(cli->lang, "完成日", "completed"), 10);
		bs_buf_printf(&b, "%s\n", BS_T(cli->lang, "系統 缺失(未結)", "systems findings(open)"));
	}
	for (size_t i = 0; i < n && err >= 0; i++) {
		struct bs_assess_full a;
		if ((err = bs_assess_load(dd, ids[i], &a)) < 0)
			break;
		if (o->json) {
			json_t *j = bs_assess_json(&a);
			json_array_append_new(arr, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(j, "id"),
							     "title", json_object_get(j, "title"), "status",
							     json_object_get(j, "status"), "legacy", json_object_get(j, "legacy"),
							     "completed_on", json_object_get(j, "completed_on"), "summary",
							     json_object_get(j, "summary")));
			json_decref(j);
		} else {
			bs_buf_printf(&b, "%-5lld ", (long long)a.meta.id);
			cell(&b, a.meta.title, 26);
			cell(&b, bs_assess_status_label(a.meta.status, cli->lang), 8);
			cell(&b, a.meta.completed_on, 10);
			bs_buf_printf(&b, "%zu %zu(%zu)\n", a.summary.systems, a.summary.findings, a.summary.findings_open);
		}
		bs_assess_full_release(&a);
	}
	free(ids);
	if (err < 0) {
		json_decref(arr);
		bs_buf_release(&b);
		return bs_cli_fail(cli, err);
	}
	if (o->json)
		return print_json(cli, arr);
	json_decref(arr);
	fputs(b.ptr ? b.ptr : "", stdout);
	printf(BS_T(cli->lang, "%zu 項評估\n", "%zu assessment(s)\n"), n);
	bs_buf_release(&b);
	return bs_cli_flush(cli);
}

static void show_findings(struct bs_buf *b, const struct bs_assess_full *a, enum bs_lang lang, int open_only)
{
	for (size_t i = 0; i < a->nfindings; i++) {
		const struct bs_assess_finding *f = &a->findings[i];
		if (open_only && f->status != BS_FINDING_OPEN)
			continue;
		bs_buf_printf(b, "  #%lld [%s/%s] %s %s %s %s %s%s\n    ", (long long)f->id,
			      bs_assess_severity_label(f->severity, lang), bs_assess_category_label(f->category, lang),
			      BS_T(lang, "系統", "system"), f->system_id, f->control_id, BS_T(lang, "期限", "due"), f->due,
			      f->overdue ? BS_T(lang, "（逾期）", " (overdue)") : "");
		bs_utf8_wrap(b, f->title, 4, 78, 4);
		bs_buf_printf(b, "\n    %s: ", BS_T(lang, "風險", "risk"));
		bs_utf8_wrap(b, f->risk, 10, 78, 6);
		bs_buf_printf(b, "\n    %s: ", BS_T(lang, "建議", "advice"));
		bs_utf8_wrap(b, f->recommendation, 10, 78, 6);
		bs_buf_printf(b, "\n    %s: %s, %s: %s\n", BS_T(lang, "負責人", "owner"), f->owner, BS_T(lang, "狀態", "status"),
			      bs_assess_fstatus_label(f->status, lang));
		for (size_t k = 0; k < f->nfollowups; k++) {
			const struct bs_assess_followup *x = &f->followups[k];
			bs_buf_printf(b, "    %s %s %s%s: %s\n", BS_T(lang, "追蹤", "follow-up"), x->date, x->by,
				      x->audit_unit ? BS_T(lang, "（稽核單位）", " (audit unit)") : "",
				      bs_assess_verdict_label(x->verdict, lang));
		}
	}
}

static void show_table(struct bs_buf *b, const struct bs_assess_full *a, enum bs_lang lang)
{
	const struct bs_assess_meta *m = &a->meta;
	const struct bs_assess_summary *s = &a->summary;

	bs_buf_printf(b, "%s %lld: %s\n", BS_T(lang, "評估", "assessment"), (long long)m->id, m->title);
	bs_buf_printf(b, "%s: %s  %s: %s ~ %s\n", BS_T(lang, "狀態", "status"), bs_assess_status_label(m->status, lang),
		      BS_T(lang, "期間", "period"), m->period_start, m->period_end);
	if (m->legacy)
		bs_buf_printf(b, "%s: %s  %s: %s\n", BS_T(lang, "導入前評估，評估單位", "recorded before brokersec, assessor"),
			      m->legacy_assessor ? m->legacy_assessor : "-", BS_T(lang, "報告", "report"),
			      m->legacy_report ? m->legacy_report : "-");
	else
		bs_buf_printf(b, "%s: %s (%s) %s\n", BS_T(lang, "計畫核定（貳二）", "plan approved (貳二)"), m->plan_approved_by,
			      m->plan_approver && !strcmp(m->plan_approver, "board") ? BS_T(lang, "董（理）事會", "board")
										     : BS_T(lang, "經授權之經理部門", "delegate"),
			      m->plan_approved_on);
	bs_buf_printf(b, "\n%s\n", BS_T(lang, "評估範圍（肆）", "Scope (肆)"));
	for (size_t i = 0; i < a->nscope; i++) {
		const struct bs_assess_scope *x = &a->scope[i];
		struct bs_buf set = BS_BUF_INIT;
		bs_assess_areas_format(x->areas, &set);
		bs_buf_printf(b, "  %s %s %s (%s %d) %s %s; %s %zu/%zu (%s %zu)\n", BS_T(lang, "系統", "system"), x->system_id,
			      x->system_name ? x->system_name : "?", BS_T(lang, "類別", "category"), x->category,
			      BS_T(lang, "項目", "areas"), set.ptr, BS_T(lang, "抽測", "sampled"), x->sampled, x->devices,
			      BS_T(lang, "至少", "required"), x->sample_required);
		if (x->reason) {
			bs_buf_printf(b, "    %s: ", BS_T(lang, "理由", "reason"));
			bs_utf8_wrap(b, x->reason, 12, 78, 6);
			bs_buf_putc(b, '\n');
		}
		bs_buf_release(&set);
	}
	bs_buf_printf(b, "\n%s\n", BS_T(lang, "評估人員（柒）", "Assessors (柒)"));
	for (size_t i = 0; i < a->nassessors; i++)
		bs_buf_printf(b, "  %lld %s (%s, %s) %s\n", (long long)a->assessors[i].id, a->assessors[i].name,
			      a->assessors[i].kind, a->assessors[i].unit ? a->assessors[i].unit : "-", a->assessors[i].role);
	bs_buf_printf(b, "\n%s: %zu; %s %zu, %s %zu, %s %zu, %s %zu\n", BS_T(lang, "控制項結果", "control results"),
		      s->controls, BS_T(lang, "符合", "met"), s->met, BS_T(lang, "不符合", "not met"), s->not_met,
		      BS_T(lang, "不適用", "n/a"), s->not_applicable, BS_T(lang, "未評", "not assessed"), s->undecided);
	bs_buf_printf(b, "\n%s: %zu (%s %zu, %s %zu)\n", BS_T(lang, "缺失（捌）", "Findings (捌)"), s->findings,
		      BS_T(lang, "未結案", "open"), s->findings_open, BS_T(lang, "逾期", "overdue"), s->findings_overdue);
	show_findings(b, a, lang, 0);
	bs_buf_printf(b, "\n%s: %zu\n", BS_T(lang, "期間內社交工程演練（陸）", "social-engineering drills in the period (陸)"),
		      a->ndrills);
	for (size_t i = 0; i < a->ndrills; i++)
		bs_buf_printf(b, "  %s: %lld/%lld/%lld/%lld (%s)\n", a->drills[i].date, (long long)a->drills[i].emails_sent,
			      (long long)a->drills[i].opened, (long long)a->drills[i].clicked,
			      (long long)a->drills[i].reported,
			      BS_T(lang, "寄送/開啟/點擊/通報", "sent/opened/clicked/reported"));
}

static int v_show(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	struct bs_assess_full a;
	struct bs_buf b = BS_BUF_INIT;
	int err;
	(void)argc;
	(void)argv;
	if ((err = bs_assess_load(dd, o->id, &a)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		json_t *j = bs_assess_json(&a);
		bs_assess_full_release(&a);
		return print_json(cli, j);
	}
	show_table(&b, &a, cli->lang);
	bs_assess_full_release(&a);
	fputs(b.ptr, stdout);
	bs_buf_release(&b);
	return bs_cli_flush(cli);
}

static int v_findings(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct aopts *o = ctx;
	int64_t *ids = NULL, one = o->id;
	size_t n = 0;
	json_t *arr = json_array();
	struct bs_buf b = BS_BUF_INIT;
	int err = 0;
	(void)argc;
	(void)argv;
	if (one) {
		ids = &one;
		n = 1;
	} else if ((err = bs_assess_ids(dd->store, &ids, &n)) < 0) {
		json_decref(arr);
		return bs_cli_fail(cli, err);
	}
	for (size_t i = 0; i < n && err >= 0; i++) {
		struct bs_assess_full a;
		if ((err = bs_assess_load(dd, ids[i], &a)) < 0)
			break;
		for (size_t k = 0; k < a.nfindings; k++)
			if (!o->open || a.findings[k].status == BS_FINDING_OPEN) {
				json_t *f = bs_assess_finding_json(&a.findings[k]);
				json_object_set_new(f, "assessment", json_integer(a.meta.id));
				json_array_append_new(arr, f);
			}
		if (!o->json && a.nfindings) {
			bs_buf_printf(&b, "%s %lld: %s\n", BS_T(cli->lang, "評估", "assessment"), (long long)a.meta.id, a.meta.title);
			show_findings(&b, &a, cli->lang, o->open);
		}
		bs_assess_full_release(&a);
	}
	if (!one)
		free(ids);
	if (err < 0) {
		json_decref(arr);
		bs_buf_release(&b);
		return bs_cli_fail(cli, err);
	}
	if (o->json)
		return print_json(cli, arr);
	fputs(b.ptr ? b.ptr : "", stdout);
	printf(BS_T(cli->lang, "%zu 項缺失\n", "%zu finding(s)\n"), json_array_size(arr));
	json_decref(arr);
	bs_buf_release(&b);
	return bs_cli_flush(cli);
}

int cmd_assessment(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, OPT_TITLE }, { "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO }, { "approver", required_argument, NULL, OPT_APPROVER },
		{ "approved-by", required_argument, NULL, OPT_APPROVED_BY },
		{ "approved-on", required_argument, NULL, OPT_APPROVED_ON }, { "note", required_argument, NULL, OPT_NOTE },
		{ "format", required_argument, NULL, OPT_FORMAT }, { "system", required_argument, NULL, OPT_SYSTEM },
		{ "areas", required_argument, NULL, OPT_AREAS }, { "reason", required_argument, NULL, OPT_REASON },
		{ "remove", no_argument, NULL, OPT_REMOVE }, { "devices", required_argument, NULL, OPT_DEVICES },
		{ "assessor", required_argument, NULL, OPT_ASSESSOR }, { "role", required_argument, NULL, OPT_ROLE },
		{ "from-scans", no_argument, NULL, OPT_FROM_SCANS }, { "control", required_argument, NULL, OPT_CONTROL },
		{ "result", required_argument, NULL, OPT_RESULT }, { "source", required_argument, NULL, OPT_SOURCE },
		{ "evidence", required_argument, NULL, OPT_EVIDENCE },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "category", required_argument, NULL, OPT_CATEGORY }, { "risk", required_argument, NULL, OPT_RISK },
		{ "recommendation", required_argument, NULL, OPT_RECOMMENDATION },
		{ "owner", required_argument, NULL, OPT_OWNER }, { "due", required_argument, NULL, OPT_DUE },
		{ "open", no_argument, NULL, OPT_OPEN }, { "date", required_argument, NULL, OPT_DATE },
		{ "by", required_argument, NULL, OPT_BY }, { "verdict", required_argument, NULL, OPT_VERDICT },
		{ "audit-unit", no_argument, NULL, OPT_AUDIT_UNIT }, { "report", required_argument, NULL, OPT_REPORT },
		{ "from-vulns", no_argument, NULL, OPT_FROM_VULNS }, { "as-of", required_argument, NULL, OPT_AS_OF },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "plan", v_plan, BS_CMD_WRITES, "title from to approver approved-by approved-on note", acheck },
		{ "list", v_list, BS_CMD_DATADIR, "format", acheck },
		{ "show", v_show, BS_CMD_DATADIR, "format", acheck },
		{ "scope", v_scope, BS_CMD_WRITES, "system areas reason remove", acheck },
		{ "sample", v_sample, BS_CMD_WRITES, "system devices remove", acheck },
		{ "assessor", v_assessor, BS_CMD_WRITES, "assessor role remove", acheck },
		{ "run", v_run, BS_CMD_WRITES, "", acheck },
		{ "results", v_results, BS_CMD_WRITES, "from-scans", acheck },
		{ "result", v_result, BS_CMD_WRITES, "system control result source reason evidence", acheck },
		{ "finding", v_finding, BS_CMD_WRITES,
		  "system control severity category title risk recommendation owner due from-vulns as-of", acheck },
		{ "findings", v_findings, BS_CMD_DATADIR, "open format", acheck },
		{ "complete", v_complete, BS_CMD_WRITES, "date", acheck },
		{ "followup", v_followup, BS_CMD_WRITES, "by verdict audit-unit date note", acheck },
		{ "finding-close", v_finding_close, BS_CMD_WRITES, "", acheck },
		{ "close", v_close, BS_CMD_WRITES, "", acheck },
		{ "record", v_record, BS_CMD_WRITES, "system date assessor report note", acheck },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", aoption, verbs, NULL };
	struct aopts o;

	memset(&o, 0, sizeof(o));
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
