/* brokersec notify channel|subscribe|unsubscribe|run|queue|test: notifications that reach a
 * person (issue 19, src/notify, docs/notifications.md). */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/table.h"
#include "core/utf8.h"
#include "datadir/datadir.h"
#include "notify/notify.h"
#include "outbox/outbox.h"

static const char usage_text[] =
	"usage: brokersec notify channel add NAME --smtp smtp://HOST[:PORT]|smtps://HOST[:PORT] --from ADDR\n"
	"                                 --to ADDR[,ADDR...] [--user U --smtp-password-file F] [--ca FILE]\n"
	"       brokersec notify channel add NAME --webhook https://HOST[:PORT]/PATH --secret-file F [--ca FILE]\n"
	"       brokersec notify channel list [--format table|json] | channel remove NAME\n"
	"       brokersec notify subscribe|unsubscribe CHANNEL CLASS...\n"
	"       brokersec notify run [--once] [--interval SECONDS]\n"
	"       brokersec notify queue [--state pending|sent|dead] [--limit N] [--format table|json]\n"
	"       brokersec notify retry ID|--all-failed\n"
	"       brokersec notify test CHANNEL\n"
	"Tells people of what needs them: the notifier reads the event log's new events, and each event of\n"
	"a class a channel is subscribed to becomes a message queued for that channel in brokersec.db.\n"
	"Classes: log (the event log failing or running out of room, A2.4.1.7.3), lockout (account\n"
	"lockouts and repeated refusals, SR.10, A2.4.1.6), integrity (integrity and ransomware indicators,\n"
	"A2.5.3.3, A3.4), phishing (SR.14), duties (a daily digest per responsible person of the duties\n"
	"overdue or due within 30 days, in zh-TW first), findings (assessment findings past due, A2.8).\n"
	"channel add: --smtp smtp://HOST[:PORT] mails over STARTTLS (required: a server without it is\n"
	"refused) or smtps:// (TLS from the start); --from the sender, --to the recipients; --user and\n"
	"--smtp-password-file F log in (SMTP AUTH, only after TLS). --webhook https://... POSTs JSON signed\n"
	"with the key of --secret-file F (HMAC-SHA256 in X-Brokersec-Signature: sha256=HEX over\n"
	"'TIMESTAMP.BODY', X-Brokersec-Timestamp). --ca FILE: the CA certificates that vouch for the server\n"
	"(else the system's). Secrets are read from their files once and kept sealed under keys/; never\n"
	"in a URL, never logged. Every change is an event.\n"
	"run: one pass with --once (read, queue, the day's digests, deliver what is due), else a pass every\n"
	"--interval seconds (default 30) until interrupted; serve runs the same passes. A failed delivery\n"
	"is retried after 1, 2, 4 ... minutes (at most 6 hours apart); after 12 attempts the message is\n"
	"dead. Each failure and each message given up is an event.\n"
	"queue: the messages and their state; those given up (dead) are marked, with the command that\n"
	"queues them again. retry ID|--all-failed: queues a message given up (or all of them, on channels\n"
	"that still exist) again, due now, its attempts from 0 (an event); until then the status shows\n"
	"them under the log-failure alert (A2.4.1.7.4.2) and due lists them. The deliveries of a pass\n"
	"to one server share one connection (an SMTP session, HTTPS keep-alive).\n"
	"test CHANNEL sends a test message at once.\n";
static const char usage_zh[] =
	"用法: brokersec notify channel add 名稱 --smtp smtp://主機[:埠]|smtps://主機[:埠] --from 寄件地址\n"
	"                                --to 地址[,地址...] [--user 帳號 --smtp-password-file 檔案] [--ca 檔案]\n"
	"      brokersec notify channel add 名稱 --webhook https://主機[:埠]/路徑 --secret-file 檔案 [--ca 檔案]\n"
	"      brokersec notify channel list [--format table|json] | channel remove 名稱\n"
	"      brokersec notify subscribe|unsubscribe 管道 類別...\n"
	"      brokersec notify run [--once] [--interval 秒數]\n"
	"      brokersec notify queue [--state pending|sent|dead] [--limit 筆數] [--format table|json]\n"
	"      brokersec notify retry 編號|--all-failed\n"
	"      brokersec notify test 管道\n"
	"將需要處理之事通知相關人員：通知程序讀取事件紀錄之新事件，屬於某管道所訂閱類別之事件，即成為該管道之訊息，\n"
	"排入 brokersec.db 之佇列。\n"
	"類別：log（事件紀錄失效或容量不足，附件二肆一(七)3）、lockout（帳號鎖定與多次拒絕存取，第十條、附件二肆一(六)）、\n"
	"integrity（完整性與勒索軟體跡象，附件二肆五(三)3、附件三四）、phishing（網路釣魚，第十四條）、\n"
	"duties（每日依負責人彙整已逾期或 30 日內到期之作業摘要，以繁體中文為先）、findings（逾期未改善之評估缺失，附件二捌）。\n"
	"channel add：--smtp smtp://主機[:埠] 以 STARTTLS 寄信（必要：不支援者一律拒絕）或 smtps://（自始即 TLS）；\n"
	"--from 寄件者，--to 收件者；--user 與 --smtp-password-file 檔案 登入（SMTP AUTH，僅於 TLS 之後）。\n"
	"--webhook https://... 以 JSON POST，並以 --secret-file 檔案之金鑰簽章（HMAC-SHA256，置於 X-Brokersec-Signature:\n"
	"sha256=十六進位，簽於「時間戳記.內容」，另附 X-Brokersec-Timestamp）。--ca 檔案：為伺服器憑證背書之 CA 憑證\n"
	"（未給則用系統之 CA）。密鑰僅自檔案讀取一次，密封保存於 keys/ 之金鑰下；不入網址、不入紀錄。每項變更皆為事件。\n"
	"run：--once 執行一輪（讀取、排入佇列、當日摘要、送出到期訊息），否則每 --interval 秒（預設 30）一輪直到中斷；\n"
	"serve 亦執行相同之輪次。送達失敗者於 1、2、4…分鐘後重試（間隔至多 6 小時）；12 次後該訊息列為失敗（dead）。\n"
	"每次失敗及每則放棄之訊息皆為事件。\n"
	"queue：列出訊息及其狀態；已放棄（dead）者另加標示，並附重新排入之指令。retry 編號|--all-failed：將已放棄之訊息\n"
	"（或管道仍在之全部已放棄訊息）重新排入佇列、立即到期、嘗試次數歸零（為事件）；在此之前，狀態於日誌失效告警\n"
	"（A2.4.1.7.4.2）下列出，due 亦列之。同一輪送往同一伺服器之訊息共用一條連線（SMTP 工作階段、HTTPS keep-alive）。\n"
	"test 管道：立即送出測試訊息。\n";

enum { O_SMTP = 0x2000, O_WEBHOOK, O_FROM, O_TO, O_USER, O_SMTP_PW, O_SECRET, O_CA, O_FORMAT, O_ONCE, O_INTERVAL,
       O_STATE, O_LIMIT, O_ALL_FAILED };

struct notify_opts {
	struct bs_notify_channel_spec spec;
	const char *smtp_pw, *secret, *format, *state;
	int once, all_failed;
	long interval, limit;
};

static int notify_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct notify_opts *o = ctx;
	char *end;

	switch (opt) {
	case O_SMTP: o->spec.smtp = arg; break;
	case O_WEBHOOK: o->spec.webhook = arg; break;
	case O_FROM: o->spec.from = arg; break;
	case O_TO: o->spec.to = arg; break;
	case O_USER: o->spec.user = arg; break;
	case O_SMTP_PW: o->smtp_pw = arg; break;
	case O_SECRET: o->secret = arg; break;
	case O_CA: o->spec.ca_file = arg; break;
	case O_FORMAT: o->format = arg; break;
	case O_ONCE: o->once = 1; break;
	case O_STATE: o->state = arg; break;
	case O_ALL_FAILED: o->all_failed = 1; break;
	case O_INTERVAL:
		errno = 0;
		o->interval = strtol(arg, &end, 10);
		if (errno || *end || o->interval < 1 || o->interval > 86400)
			return bs_cli_usage_error(cli, "--interval '%s': give seconds, 1 to 86400", arg);
		break;
	case O_LIMIT:
		errno = 0;
		o->limit = strtol(arg, &end, 10);
		if (errno || *end || o->limit < 1 || o->limit > 1000000)
			return bs_cli_usage_error(cli, "--limit '%s': give a number, 1 to 1000000", arg);
		break;
	}
	return -1;
}

static int check_format(struct bs_cli *cli, const struct notify_opts *o)
{
	if (strcmp(o->format, "table") && strcmp(o->format, "json"))
		return bs_cli_usage_error(cli, "--format '%s' is not one of table, json", o->format);
	return -1;
}

static int check_channel(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	int add = argc >= 1 && !strcmp(argv[0], "add"), remove = argc >= 1 && !strcmp(argv[0], "remove");
	int list = argc >= 1 && !strcmp(argv[0], "list");

	if (!add && !remove && !list)
		return bs_cli_usage_error(cli, "notify channel needs add, list or remove");
	if ((add || remove) && argc != 2)
		return bs_cli_usage_error(cli, "notify channel %s needs NAME", argv[0]);
	if (list && argc != 1)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	if (!add && (o->spec.smtp || o->spec.webhook || o->spec.from || o->spec.to || o->spec.user || o->smtp_pw ||
		     o->secret || o->spec.ca_file))
		return bs_cli_usage_error(cli, "notify channel %s takes no channel options (they are for add)", argv[0]);
	if (add) {
		int err;
		if (o->smtp_pw && o->secret)
			return bs_cli_usage_error(cli, "--smtp-password-file is for --smtp, --secret-file for --webhook: give "
						  "one");
		if (o->spec.smtp && o->secret)
			return bs_cli_usage_error(cli, "--secret-file is for --webhook (an SMTP login takes --user and "
						  "--smtp-password-file)");
		if (o->spec.webhook && o->smtp_pw)
			return bs_cli_usage_error(cli, "--smtp-password-file is for --smtp (a webhook takes --secret-file)");
		o->spec.name = argv[1];
		o->spec.secret_file = o->smtp_pw ? o->smtp_pw : o->secret;
		if ((err = bs_notify_channel_check(&o->spec)) < 0)
			return bs_cli_fail(cli, err), 2;
	}
	if (list)
		return check_format(cli, o);
	cli->flags |= BS_CMD_WRITES;
	return -1;
}

static int put_channels(struct bs_cli *cli, json_t *arr, const char *format)
{
	size_t i;
	json_t *c;

	if (!strcmp(format, "json")) {
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!s)
			abort();
		printf("%s\n", s);
		free(s);
		return 0;
	}
	json_array_foreach(arr, i, c) {
		struct bs_buf cl = BS_BUF_INIT;
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(c, "classes"), k, v)
			bs_buf_printf(&cl, "%s%s", k ? "," : "", json_string_value(v));
		printf("%s  %s  %s", json_string_value(json_object_get(c, "name")),
		       json_string_value(json_object_get(c, "kind")), json_string_value(json_object_get(c, "url")));
		if (json_is_string(json_object_get(c, "to")))
			printf("  %s %s", BS_T(cli->lang, "收件：", "to:"), json_string_value(json_object_get(c, "to")));
		printf("  %s %s\n", BS_T(cli->lang, "類別：", "classes:"), cl.len ? cl.ptr : BS_T(cli->lang, "（無）", "(none)"));
		bs_buf_release(&cl);
	}
	printf("%s %zu\n", BS_T(cli->lang, "合計", "total"), json_array_size(arr));
	return 0;
}

static int run_channel(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	int err;
	(void)argc;

	if (!strcmp(argv[0], "add")) {
		if ((err = bs_notify_channel_add(dd, &o->spec)) < 0)
			return bs_cli_fail(cli, err);
		printf("%s %s\n", BS_T(cli->lang, "已新增通知管道：", "notification channel added:"), argv[1]);
		printf("%s brokersec notify subscribe %s CLASS...\n", BS_T(cli->lang, "接著訂閱類別：", "next, subscribe it:"),
		       argv[1]);
	} else if (!strcmp(argv[0], "remove")) {
		if ((err = bs_notify_channel_remove(dd, argv[1])) < 0)
			return bs_cli_fail(cli, err);
		printf("%s %s\n", BS_T(cli->lang, "已移除通知管道：", "notification channel removed:"), argv[1]);
	} else {
		json_t *arr;
		if ((err = bs_notify_channel_list(dd->store, &arr)) < 0)
			return bs_cli_fail(cli, err);
		put_channels(cli, arr, o->format);
		json_decref(arr);
	}
	return bs_cli_flush(cli);
}

static int check_subscribe(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc < 2)
		return bs_cli_usage_error(cli, "notify %s needs CHANNEL and at least one CLASS (log, lockout, integrity, "
					  "phishing, duties, findings)", cli->verb);
	for (int i = 1; i < argc; i++) {
		enum bs_notify_class c;
		int err;
		if ((err = bs_notify_class_parse(argv[i], &c)) < 0)
			return bs_cli_fail(cli, err), 2;
	}
	return -1;
}

static int run_subscribe(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	enum bs_notify_class c[BS_NOTIFY_CLASS_COUNT * 4];
	int on = !strcmp(cli->verb, "subscribe"), n = 0, err;
	(void)ctx;

	for (int i = 1; i < argc && n < (int)(sizeof(c) / sizeof(c[0])); i++)
		if (bs_notify_class_parse(argv[i], &c[n]) == 0)
			n++;
	if ((err = bs_notify_subscribe(dd, argv[0], c, (size_t)n, on)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s:", on ? BS_T(cli->lang, "已訂閱", "subscribed") : BS_T(cli->lang, "已取消訂閱", "unsubscribed"),
	       argv[0]);
	for (int i = 0; i < n; i++)
		printf(" %s", bs_notify_class_name(c[i]));
	printf("\n");
	return bs_cli_flush(cli);
}

/* The notifier's clock: now, moved by BROKERSEC_TEST_NOTIFY_SKEW seconds only in a test run on
 * a test data directory (the retry and digest tests move it by hours and days; the event log
 * keeps the real time). */
static int64_t notify_now(const struct bs_datadir *dd)
{
	const char *skew = getenv("BROKERSEC_TEST_NOTIFY_SKEW");
	int64_t now = bs_clock_now();
	if (skew && *skew && bs_testing() && dd->test_kdf)
		now += strtoll(skew, NULL, 10) * 1000000;
	return now;
}

static volatile sig_atomic_t stop_run;
static void on_stop(int sig)
{
	(void)sig;
	stop_run = 1;
}

static int check_run(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (o->once && o->interval)
		return bs_cli_usage_error(cli, "--once and --interval: give one");
	return -1;
}

static int run_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	struct bs_notify_run_opts ro = { 0, 1, 0 };
	struct bs_notify_run_stats st;
	int err;
	(void)argc, (void)argv;

	if (!o->once) {
		signal(SIGINT, on_stop);
		signal(SIGTERM, on_stop);
	}
	do {
		ro.now_us = notify_now(dd);
		if ((err = bs_notify_run(dd, &ro, &st)) < 0) {
			if (o->once)
				return bs_cli_fail(cli, err);
			fprintf(stderr, "brokersec notify run: %s\n", bs_error_message());
		} else if (o->once || st.enqueued || st.sent || st.failed || st.dead) {
			printf(BS_T(cli->lang, "讀取 %lld 筆事件，排入 %lld 則（摘要 %lld），送達 %lld，失敗 %lld，放棄 %lld，連線 %lld\n",
				    "read %lld events, queued %lld (digests %lld), sent %lld, failed %lld, dead %lld, "
				    "connections %lld\n"),
			       (long long)st.read, (long long)st.enqueued, (long long)st.digests, (long long)st.sent,
			       (long long)st.failed, (long long)st.dead, (long long)st.connections);
			fflush(stdout);
		}
		for (long s = 0; !o->once && !stop_run && s < (o->interval ? o->interval : 30) * 10; s++) {
			struct timespec ts = { 0, 100000000 };
			nanosleep(&ts, NULL);
		}
	} while (!o->once && !stop_run);
	return bs_cli_flush(cli);
}

static int check_queue(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (o->state && strcmp(o->state, "pending") && strcmp(o->state, "sent") && strcmp(o->state, "dead"))
		return bs_cli_usage_error(cli, "--state '%s' is not one of pending, sent, dead", o->state);
	return check_format(cli, o);
}

static int run_queue(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	json_t *arr, *m;
	int64_t n[3];
	struct bs_outbox_failed f;
	size_t i;
	int err;
	(void)argc, (void)argv;

	if ((err = bs_notify_queue_list(dd->store, o->state, o->limit ? o->limit : 100, &arr)) < 0)
		return bs_cli_fail(cli, err);
	if ((err = bs_notify_queue_counts(dd->store, n)) < 0 || (err = bs_outbox_failed(dd->store, &f)) < 0) {
		json_decref(arr);
		return bs_cli_fail(cli, err);
	}
	if (!strcmp(o->format, "json")) {
		json_t *top = json_pack("{s:{s:I, s:I, s:I, s:I}, s:o}", "counts", "pending", (json_int_t)n[0], "sent",
					(json_int_t)n[1], "dead", (json_int_t)n[2], "retryable", (json_int_t)f.dead, "messages",
					arr);
		char *s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(top);
		if (!s)
			abort();
		printf("%s\n", s);
		free(s);
		return bs_cli_flush(cli);
	}
	printf("%s %lld  %s %lld  %s %lld\n", BS_T(cli->lang, "待送", "pending"), (long long)n[0],
	       BS_T(cli->lang, "已送達", "sent"), (long long)n[1], BS_T(cli->lang, "已放棄", "dead"), (long long)n[2]);
	if (f.dead)
		printf(BS_T(cli->lang, "！%lld 則已放棄、未送達（%s）：修復管道後以 brokersec notify retry --all-failed 重送\n",
			    "! %lld given up, never delivered (%s): once the channel works, brokersec notify retry "
			    "--all-failed\n"),
		       (long long)f.dead, f.classes);
	json_array_foreach(arr, i, m) {
		const char *state = json_string_value(json_object_get(m, "state"));
		struct bs_buf line = BS_BUF_INIT;
		bs_buf_printf(&line, "%s#%lld %s %s %s %s", strcmp(state, "dead") ? "" : "✗ ",
			      (long long)json_integer_value(json_object_get(m, "id")), state,
			      json_string_value(json_object_get(m, "channel")), json_string_value(json_object_get(m, "class")),
			      json_string_value(json_object_get(m, "key")));
		bs_buf_printf(&line, " %s %lld", BS_T(cli->lang, "嘗試", "attempts"),
			      (long long)json_integer_value(json_object_get(m, "attempts")));
		if (json_is_string(json_object_get(m, "next_try")))
			bs_buf_printf(&line, " %s %s", BS_T(cli->lang, "下次", "next"),
				      json_string_value(json_object_get(m, "next_try")));
		if (json_is_string(json_object_get(m, "last_error")))
			bs_buf_printf(&line, " %s %s", BS_T(cli->lang, "錯誤：", "error:"),
				      json_string_value(json_object_get(m, "last_error")));
		if (json_is_string(json_object_get(m, "retry")))
			bs_buf_printf(&line, " %s %s%s", BS_T(cli->lang, "（已放棄；重送：", "(given up; retry:"),
				      json_string_value(json_object_get(m, "retry")), BS_T(cli->lang, "）", ")"));
		printf("%s\n", line.ptr);
		bs_buf_release(&line);
	}
	json_decref(arr);
	return bs_cli_flush(cli);
}

static int check_retry(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	char *end;

	if (o->all_failed && argc)
		return bs_cli_usage_error(cli, "notify retry: give ID or --all-failed, not both");
	if (!o->all_failed && argc != 1)
		return bs_cli_usage_error(cli, "notify retry needs ID (from 'brokersec notify queue --state dead') or "
					  "--all-failed");
	if (argc) {
		errno = 0;
		o->limit = strtol(argv[0], &end, 10);
		if (errno || *end || o->limit < 1)
			return bs_cli_usage_error(cli, "notify retry '%s': give a message's number (#ID in 'brokersec notify "
						  "queue')", argv[0]);
	}
	return -1;
}

static int run_retry(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct notify_opts *o = ctx;
	int64_t n = 0;
	int err;
	(void)argc, (void)argv;

	if ((err = bs_notify_retry(dd, o->all_failed ? 0 : o->limit, notify_now(dd), &n)) < 0)
		return bs_cli_fail(cli, err);
	if (!n)
		printf("%s\n", BS_T(cli->lang, "沒有已放棄之訊息可重送", "no message given up to retry"));
	else
		printf(BS_T(cli->lang, "已重新排入 %lld 則訊息，由下一輪送出（serve 每 10 秒一輪；立即送出：brokersec notify run --once）\n",
			    "%lld message(s) queued again, sent by the next pass (serve runs one every 10 s; now: "
			    "`brokersec notify run --once`)\n"),
		       (long long)n);
	return bs_cli_flush(cli);
}

static int check_test(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "notify test needs CHANNEL");
	return -1;
}

static int run_test(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	int err;
	(void)ctx, (void)argc;
	if ((err = bs_notify_test(dd, argv[0], notify_now(dd))) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s\n", BS_T(cli->lang, "測試訊息已送達：", "test message delivered:"), argv[0]);
	return bs_cli_flush(cli);
}

int cmd_notify(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "smtp", required_argument, NULL, O_SMTP },
		{ "webhook", required_argument, NULL, O_WEBHOOK },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "user", required_argument, NULL, O_USER },
		{ "smtp-password-file", required_argument, NULL, O_SMTP_PW },
		{ "secret-file", required_argument, NULL, O_SECRET },
		{ "ca", required_argument, NULL, O_CA },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "once", no_argument, NULL, O_ONCE },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "state", required_argument, NULL, O_STATE },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "all-failed", no_argument, NULL, O_ALL_FAILED },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "channel", run_channel, BS_CMD_DATADIR, "smtp webhook from to user smtp-password-file secret-file ca format",
		  check_channel },
		{ "subscribe", run_subscribe, BS_CMD_WRITES, "", check_subscribe },
		{ "unsubscribe", run_subscribe, BS_CMD_WRITES, "", check_subscribe },
		{ "run", run_run, BS_CMD_WRITES, "once interval", check_run },
		{ "queue", run_queue, BS_CMD_DATADIR, "state limit format", check_queue },
		{ "retry", run_retry, BS_CMD_WRITES, "all-failed", check_retry },
		{ "test", run_test, BS_CMD_WRITES, "", check_test },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", notify_option, verbs, NULL };
	struct notify_opts o;

	memset(&o, 0, sizeof(o));
	o.format = "table";
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
