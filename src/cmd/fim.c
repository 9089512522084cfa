/* brokersec fim baseline|check|verify-baseline|canary|watch|policy: file integrity and
 * ransomware detection (issue 16, src/fim, docs/fim.md): 系統與資訊完整性 (SR.15), the integrity
 * checks of Annex 2 伍、三 (A2.5.3.3) and the signs of ransomware of Annex 3 四 (A3.4). */
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/error.h"
#include "fim/fim.h"

static const char usage_text[] =
	"usage: brokersec fim baseline --root DIR [--policy FILE] [--threads N]\n"
	"       brokersec fim check --root DIR [--full] [--format table|json] [--threads N]\n"
	"       brokersec fim verify-baseline [--root DIR]\n"
	"       brokersec fim canary plant DIR\n"
	"       brokersec fim watch --root DIR [--seconds N] [--inotify] [--stop-offender]\n"
	"       brokersec fim policy\n"
	"File integrity (SR.15 系統與資訊完整性, A2.5.3.3) and ransomware signs (A3.4).\n"
	"baseline: records every file under DIR by the rules (--policy FILE, YAML; else the built-in\n"
	"  ones 'fim policy' prints): SHA-256 of the content, size, mode, owner, mtime, ctime, inode,\n"
	"  extended attributes, ACLs, link target, type; stored in brokersec.db, signed with the data\n"
	"  directory's key, its digest pinned by an event in the tamper-evident log; for this host only.\n"
	"check: compares DIR with its baseline (verified first) and lists what was added, removed or\n"
	"  changed and in what; files whose size, mtime, ctime and inode are unchanged are not read\n"
	"  again unless --full. Each change is an event (A2.5.3.3, SR.15); ransomware signs (ransom\n"
	"  notes, Annex 3 extensions, rewritten files turned random, mass renames, canaries) are\n"
	"  alert events (A3.4) and above a threshold an incident draft (A3.6: 'brokersec incident list').\n"
	"  Unreadable and vanished files and link loops are counted and listed, never skipped silently.\n"
	"  Exit status: 0 clean, 3 changes, signs, unreadable or vanished files found, 1 error.\n"
	"verify-baseline: checks the baselines' entries, signature, host and the log's pin (exit 1 when\n"
	"  one fails).\n"
	"canary plant DIR: puts a file no person opens in DIR (a share); any change to it is an alert.\n"
	"watch: real-time (fanotify where allowed, else inotify on every directory): each file written,\n"
	"  created or moved judged by the same signs; a queue overflow is an alert, never silence;\n"
	"  --seconds N stops after N seconds (else at Ctrl-C); --inotify skips fanotify;\n"
	"  --stop-offender (off by default): on detection, SIGSTOP the processes whose writes gave the\n"
	"  signs (fanotify reports them), each stop an event; resume one with kill -CONT PID.\n"
	"--threads N: walk and hash on N threads (default: one per CPU).\n";
static const char usage_zh[] =
	"用法: brokersec fim baseline --root 目錄 [--policy 檔案] [--threads N]\n"
	"      brokersec fim check --root 目錄 [--full] [--format table|json] [--threads N]\n"
	"      brokersec fim verify-baseline [--root 目錄]\n"
	"      brokersec fim canary plant 目錄\n"
	"      brokersec fim watch --root 目錄 [--seconds N] [--inotify] [--stop-offender]\n"
	"      brokersec fim policy\n"
	"檔案完整性（第十五條 系統與資訊完整性 SR.15、附件二伍、三 A2.5.3.3）與勒索軟體徵兆（附件三四 A3.4）。\n"
	"baseline：依規則（--policy 檔案，YAML；未指定時為內建規則，見 'fim policy'）記錄目錄下每一檔案：內容之\n"
	"  SHA-256、大小、權限、擁有者、修改時間、變更時間、inode、延伸屬性、ACL、連結目標、類型；存於 brokersec.db，\n"
	"  以資料目錄之金鑰簽章，其摘要值由防竄改事件紀錄中之事件固定；僅適用於建立之主機。\n"
	"check：比對目錄與其基準（先驗證基準），列出新增、刪除、變更之檔案及變更之屬性；大小、修改時間、變更時間與\n"
	"  inode 未變之檔案不重新讀取，除非 --full。每一變更為一事件（A2.5.3.3、SR.15）；勒索軟體徵兆（勒索訊息檔、\n"
	"  附件三所列副檔名、改寫後成為亂數之檔案、大量更名、誘餌檔）為警示事件（A3.4），超過門檻時於資安事件登錄\n"
	"  建立事件草稿（A3.6：'brokersec incident list'）。無法讀取、讀取中消失之檔案及連結迴圈均計數並列出，絕不略過。\n"
	"  結束狀態：0 無變更，3 有變更、徵兆、無法讀取或消失之檔案，1 錯誤。\n"
	"verify-baseline：驗證各基準之內容、簽章、主機及事件紀錄之固定值（任一不符時結束狀態為 1）。\n"
	"canary plant 目錄：於目錄（共用資料夾）放置無人開啟之誘餌檔；其任何變更皆為警示。\n"
	"watch：即時監控（可用時以 fanotify，否則以 inotify 監看每一目錄）：每一寫入、建立或移動之檔案以相同徵兆判斷；\n"
	"  佇列溢位亦為警示，絕不靜默；--seconds N 於 N 秒後停止（否則至 Ctrl-C）；--inotify 不嘗試 fanotify；\n"
	"  --stop-offender（預設關閉）：偵測到時以 SIGSTOP 暫停寫入造成徵兆之程序（fanotify 方能得知），每一暫停為一事件；\n"
	"  以 kill -CONT 程序號 恢復。\n"
	"--threads N：以 N 個執行緒走訪與雜湊（預設：每一 CPU 一個）。\n";

enum { OPT_ROOT = 0x2000, OPT_POLICY, OPT_FULL, OPT_FORMAT, OPT_THREADS, OPT_SECONDS, OPT_INOTIFY, OPT_STOP };

struct fim_opts {
	const char *root, *policy, *format;
	int full, threads, seconds, inotify, stop;
};

static int fim_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct fim_opts *o = ctx;
	char *end;
	long v;

	switch (opt) {
	case OPT_ROOT: o->root = arg; break;
	case OPT_POLICY: o->policy = arg; break;
	case OPT_FORMAT: o->format = arg; break;
	case OPT_FULL: o->full = 1; break;
	case OPT_INOTIFY: o->inotify = 1; break;
	case OPT_STOP: o->stop = 1; break;
	case OPT_THREADS:
	case OPT_SECONDS:
		v = strtol(arg, &end, 10);
		if (*end || end == arg || v < (opt == OPT_THREADS ? 1 : 1) || v > (opt == OPT_THREADS ? 64 : 86400 * 365))
			return bs_cli_usage_error(cli, "--%s '%s' must be a whole number from 1 to %d", opt == OPT_THREADS ?
						  "threads" : "seconds", arg, opt == OPT_THREADS ? 64 : 86400 * 365);
		if (opt == OPT_THREADS)
			o->threads = (int)v;
		else
			o->seconds = (int)v;
		break;
	}
	return -1;
}

static int check_root(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct fim_opts *o = ctx;
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "fim %s takes no arguments: give the directory with --root DIR", cli->verb);
	if (!o->root)
		return bs_cli_usage_error(cli, "fim %s needs --root DIR (the directory to watch over, / for the whole host)",
					  cli->verb);
	if (strcmp(o->format, "table") && strcmp(o->format, "json"))
		return bs_cli_usage_error(cli, "--format '%s' is not one of table, json", o->format);
	return -1;
}

static int check_verify(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "fim verify-baseline takes no arguments (--root DIR for one root)");
	return -1;
}

static int check_none(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "fim policy takes no arguments");
	return -1;
}

static int check_canary(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc != 2 || strcmp(argv[0], "plant"))
		return bs_cli_usage_error(cli, "fim canary needs 'plant DIR' (the share to guard)");
	return -1;
}

static void print_problems(struct bs_cli *cli, const struct bs_fim_tree *t)
{
	if (!t->nproblems)
		return;
	fprintf(stderr, "%s\n", BS_T(cli->lang, "無法完整讀取（已計數，未略過）：", "not read whole (counted, not skipped):"));
	fputs(t->problems.ptr ? t->problems.ptr : "", stderr);
	if (t->nproblems > 200)
		fprintf(stderr, "... %s %" PRId64 "\n", BS_T(cli->lang, "合計", "in all"), t->nproblems);
}

static int run_baseline(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct fim_opts *o = ctx;
	struct bs_fim_baseline_info info;
	struct bs_fim_tree t = { 0 };
	int err;
	(void)argc, (void)argv;

	if ((err = bs_fim_baseline(dd, o->root, o->policy, o->threads, &info, &t)) < 0)
		return bs_cli_fail(cli, err);
	print_problems(cli, &t);
	printf("%s %" PRId64 " %s %s\n", BS_T(cli->lang, "基準", "baseline"), info.id, BS_T(cli->lang, "目錄", "of"),
	       info.root);
	printf("%s %" PRId64 "  %s %" PRId64 " (%.1f MiB)  %s %" PRId64 "\n", BS_T(cli->lang, "項目", "entries"),
	       info.entries, BS_T(cli->lang, "已雜湊", "hashed"), t.hashed, (double)t.bytes_hashed / 1048576.0,
	       BS_T(cli->lang, "排除", "excluded"), t.excluded);
	printf("%s %" PRId64 "  %s %" PRId64 "  %s %" PRId64 "\n", BS_T(cli->lang, "無法讀取", "unreadable"), t.unreadable,
	       BS_T(cli->lang, "讀取中消失", "vanished"), t.vanished, BS_T(cli->lang, "連結迴圈", "link loops"), t.loops);
	printf("%s sha256:%s\n", BS_T(cli->lang, "摘要值（已簽章並記入事件紀錄）", "digest (signed, pinned in the event log)"),
	       info.digest);
	bs_fim_tree_release(&t);
	return bs_cli_flush(cli);
}

static const char *kind_text(struct bs_cli *cli, char k)
{
	return k == BS_FIM_ADDED ? BS_T(cli->lang, "新增", "added") :
	       k == BS_FIM_REMOVED ? BS_T(cli->lang, "刪除", "removed") : BS_T(cli->lang, "變更", "changed");
}

static json_t *jpath(const char *p)
{
	struct bs_buf b = BS_BUF_INIT;
	json_t *j;
	bs_fim_path_text(p, &b);
	j = json_string(b.ptr ? b.ptr : "");
	bs_buf_release(&b);
	return j;
}

static void print_json(const struct bs_fim_report *r)
{
	json_t *changes = json_array(), *signs = json_array(), *problems = json_array(), *top;
	char *s;

	for (size_t i = 0; i < r->diff.n; i++) {
		const struct bs_fim_change *c = &r->diff.v[i];
		json_t *attrs = json_array();
		for (unsigned k = 0; k < BS_FIM_ATTR_COUNT; k++)
			if (c->attrs & (1u << k))
				json_array_append_new(attrs, json_string(bs_fim_attr_name(k)));
		json_array_append_new(changes, json_pack("{s:o, s:s, s:o}", "path", jpath(c->path), "change",
							 c->kind == BS_FIM_ADDED ? "added" :
							 c->kind == BS_FIM_REMOVED ? "removed" : "changed", "attributes", attrs));
	}
	for (size_t i = 0; i < r->signs.n; i++)
		json_array_append_new(signs, json_pack("{s:s, s:o, s:s, s:i}", "sign", bs_fim_sign_name(r->signs.v[i].sign),
						       "path", r->signs.v[i].path ? jpath(r->signs.v[i].path) : json_null(),
						       "detail", r->signs.v[i].detail, "weight", r->signs.v[i].weight));
	if (r->now.problems.ptr) {
		char *save = NULL, *copy = bs_strdup(r->now.problems.ptr);
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			json_array_append_new(problems, json_string(l));
		free(copy);
	}
	top = json_pack("{s:s, s:I, s:I, s:b, s:{s:I, s:I, s:I}, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, "
			"s:{s:i, s:o, s:I}, s:o}",
			"root", r->base.root, "baseline", (json_int_t)r->base.id, "check", (json_int_t)r->check_id, "clean",
			!r->diff.n && !r->signs.n && !r->now.unreadable && !r->now.vanished, "counts",
			"added", (json_int_t)r->diff.added, "removed", (json_int_t)r->diff.removed, "changed",
			(json_int_t)r->diff.changed, "changes", changes, "walk", "entries", (json_int_t)r->now.n, "hashed",
			(json_int_t)r->now.hashed, "unchanged_not_read", (json_int_t)r->now.reused, "excluded",
			(json_int_t)r->now.excluded, "unreadable", (json_int_t)r->now.unreadable, "vanished",
			(json_int_t)r->now.vanished, "loops", (json_int_t)r->now.loops, "problems", problems, "ransomware",
			"score", r->signs.score, "incident", r->incident_id ? json_integer(r->incident_id) : json_null(),
			"threshold", (json_int_t)BS_FIM_INCIDENT_SCORE, "signs", signs);
	if (!top || !(s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		abort();
	printf("%s\n", s);
	free(s);
	json_decref(top);
}

static void print_table(struct bs_cli *cli, const struct bs_fim_report *r)
{
	struct bs_buf a = BS_BUF_INIT, p = BS_BUF_INIT;

	for (size_t i = 0; i < r->diff.n; i++) {
		const struct bs_fim_change *c = &r->diff.v[i];
		bs_buf_clear(&a);
		bs_buf_clear(&p);
		bs_fim_attrs_text(c->attrs, &a);
		bs_fim_path_text(c->path, &p);
		printf("%s\t%s%s%s%s\n", kind_text(cli, c->kind), p.ptr, a.len ? "  (" : "", a.len ? a.ptr : "",
		       a.len ? ")" : "");
	}
	for (size_t i = 0; i < r->signs.n; i++) {
		bs_buf_clear(&p);
		if (r->signs.v[i].path)
			bs_fim_path_text(r->signs.v[i].path, &p);
		printf("%s(%s)\t%s%s%s\n", BS_T(cli->lang, "勒索軟體徵兆", "ransomware sign "),
		       bs_fim_sign_name(r->signs.v[i].sign), p.len ? p.ptr : "", p.len ? ": " : "", r->signs.v[i].detail);
	}
	printf("%s %s: %s %" PRId64 "  %s %" PRId64 "  %s %" PRId64 "\n", BS_T(cli->lang, "目錄", "root"), r->base.root,
	       BS_T(cli->lang, "新增", "added"), r->diff.added, BS_T(cli->lang, "刪除", "removed"), r->diff.removed,
	       BS_T(cli->lang, "變更", "changed"), r->diff.changed);
	printf("%s %zu  %s %" PRId64 "  %s %" PRId64 "  %s %" PRId64 "  %s %" PRId64 "  %s %" PRId64 "\n",
	       BS_T(cli->lang, "項目", "entries"), r->now.n, BS_T(cli->lang, "已雜湊", "hashed"), r->now.hashed,
	       BS_T(cli->lang, "未變未重讀", "unchanged, not read"), r->now.reused, BS_T(cli->lang, "無法讀取", "unreadable"),
	       r->now.unreadable, BS_T(cli->lang, "讀取中消失", "vanished"), r->now.vanished,
	       BS_T(cli->lang, "連結迴圈", "link loops"), r->now.loops);
	printf("%s %d / %d%s\n", BS_T(cli->lang, "勒索軟體分數", "ransomware score"), r->signs.score, BS_FIM_INCIDENT_SCORE,
	       r->incident_id ? BS_T(cli->lang, "：已建立資安事件草稿（brokersec incident list）",
				     ": incident drafted (brokersec incident list)") : "");
	if (r->incident_id)
		printf("incident %" PRId64 "\n", r->incident_id);
	bs_buf_release(&a);
	bs_buf_release(&p);
}

static int run_check(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct fim_opts *o = ctx;
	struct bs_fim_report r;
	int err, dirty, rc;
	(void)argc, (void)argv;

	if ((err = bs_fim_check(dd, o->root, o->full, o->threads, &r)) < 0) {
		bs_fim_report_release(&r);
		return bs_cli_fail(cli, err);
	}
	print_problems(cli, &r.now);
	if (!strcmp(o->format, "json"))
		print_json(&r);
	else
		print_table(cli, &r);
	dirty = r.diff.n || r.signs.n || r.now.unreadable || r.now.vanished;
	bs_fim_report_release(&r);
	rc = bs_cli_flush(cli);
	return rc ? rc : dirty ? 3 : 0;
}

static int run_verify(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct fim_opts *o = ctx;
	int64_t n = 0;
	int err;
	(void)argc, (void)argv;

	if ((err = bs_fim_verify_baseline(dd, o->root, &n)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %" PRId64 "\n", BS_T(cli->lang, "基準驗證無誤（內容、簽章、主機、事件紀錄之固定值）：",
				       "baselines verified (entries, signature, host, the log's pin):"), n);
	return bs_cli_flush(cli);
}

static int run_canary(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	char *path = NULL;
	int err;
	(void)ctx, (void)argc;

	if ((err = bs_fim_canary_plant(dd, argv[1], &path)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s\n", BS_T(cli->lang, "已放置誘餌檔：", "canary planted:"), path);
	free(path);
	return bs_cli_flush(cli);
}

static int run_policy(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)ctx, (void)dd, (void)argc, (void)argv;
	fputs(bs_fim_policy_default_text(), stdout);
	return bs_cli_flush(cli);
}

static void print_alert(const char *what, const char *path, const char *detail, void *ctx)
{
	struct bs_buf p = BS_BUF_INIT;
	struct bs_cli *cli = ctx;

	if (!strcmp(what, "ready")) {
		fprintf(stderr, "%s (%s)\n", BS_T(cli->lang, "監控中", "watching"), detail);
		return;
	}
	if (path)
		bs_fim_path_text(path, &p);
	/* one line each, flushed: a harness or a person reads them as they come */
	printf("%s\t%s%s%s\n", what, p.len ? p.ptr : "", p.len ? ": " : "", detail);
	fflush(stdout);
	bs_buf_release(&p);
}

static int run_watch(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct fim_opts *o = ctx;
	struct bs_fim_watch_opts wo = { o->root, o->seconds, o->inotify, 0, o->stop, print_alert, cli };
	struct bs_fim_watch_stats st;
	int err;
	(void)argc, (void)argv;

	memset(&st, 0, sizeof(st));
	err = bs_fim_watch(dd, &wo, &st);
	fprintf(stderr, "%s %s: %s %" PRId64 ", %s %" PRId64 ", %s %" PRId64 ", %s %" PRId64 "\n",
		BS_T(cli->lang, "監控結束", "watch ended"), st.backend ? st.backend : "-", BS_T(cli->lang, "事件", "events"),
		st.events, BS_T(cli->lang, "監看目錄", "watches"), st.watches, BS_T(cli->lang, "警示", "alerts"), st.alerts,
		BS_T(cli->lang, "溢位", "overflows"), st.overflows);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

int cmd_fim(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "seconds", required_argument, NULL, OPT_SECONDS },
		{ "inotify", no_argument, NULL, OPT_INOTIFY },
		{ "stop-offender", no_argument, NULL, OPT_STOP },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "baseline", run_baseline, BS_CMD_WRITES, "root policy threads", check_root },
		{ "check", run_check, BS_CMD_WRITES, "root full format threads", check_root },
		{ "verify-baseline", run_verify, BS_CMD_DATADIR, "root", check_verify },
		{ "canary", run_canary, BS_CMD_WRITES, "", check_canary },
		{ "watch", run_watch, BS_CMD_WRITES, "root seconds inotify stop-offender", check_root },
		{ "policy", run_policy, BS_CMD_NO_DATADIR, "", check_none },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", fim_option, verbs, NULL };
	struct fim_opts o = { NULL, NULL, "table", 0, 0, 0, 0, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
