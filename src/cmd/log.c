/* brokersec log append|tail|search|verify|export|status|purge|retention|clear-alert:
 * the tamper-evident event log (src/eventlog). Reading the log is itself an event. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "core/term.h"
#include "core/utf8.h"
#include "eventlog/eventlog.h"
#include "jsonview/jsonview.h"
#include "intake/intake.h"
#include "witness/witness.h"

static const char usage_text[] =
	"usage: brokersec log append --type T [--user U] [--location L] [--system S] [--severity 0-7]\n"
	"                            [--outcome success|failure] --message M [--data-json JSON] [--data DIR]\n"
	"       brokersec log tail [-n N] [--follow] [--format table|json] [--data DIR]\n"
	"       brokersec log search [--from TIME] [--to TIME] [--type T] [--user U] [--host H] [--format table|json]\n"
	"       brokersec log verify [--key FILE] [--head SIZE:ROOT] [--witness FILE|URL] [--strict] [--threads N] [--data DIR]\n"
	"                                                        exit 0 intact, 1 tampered\n"
	"       brokersec log verify --from TIME --to TIME [--key FILE] [--data DIR]   only the checkpoints covering the range\n"
	"       brokersec log verify --bundle BUNDLE --key FILE\n"
	"       brokersec log export --from TIME --to TIME --out BUNDLE [--data DIR]\n"
	"       brokersec log status [--format table|json] [--data DIR]\n"
	"       brokersec log head [--data DIR]            the head as a signed line for a witness\n"
	"       brokersec log purge [--data DIR]           delete events older than the retention\n"
	"       brokersec log retention DAYS [--data DIR]  raise the retention (minimum 183 days)\n"
	"       brokersec log clear-alert [--data DIR]     after the cause of an alert is fixed\n"
	"append adds an event; tail shows the latest (--follow keeps showing); search selects by the options;\n"
	"export writes the events of a period as a bundle that verifies on its own; status shows the log and its head.\n"
	"TIME: RFC 3339 (2026-11-27T08:00:00Z) or a date. --key: the file holding the verification key\n"
	"that 'brokersec init' printed. --head: a head that 'log status' printed earlier (detects truncation).\n"
	"verify only reads; the read is logged after the verdict. Events after the last checkpoint are\n"
	"protected by the chain only: a warning, and with --strict a failure (exit 1).\n"
	"--witness FILE: a witness's record (a remote syslog's file, say) of the lines 'log head' prints\n"
	"(serve --witness sends one every epoch): each must be reproducible from this log.\n"
	"--witness https://HOST:PORT/api/v1/witness?log=ID: the heads another brokersec kept as a witness, fetched\n"
	"and checked as a FILE; its certificate checked with the system's CAs, --witness-ca FILE or --witness-pin\n"
	"sha256//BASE64, the API token (events.read) from --witness-token-file FILE.\n";
static const char usage_zh[] =
	"用法: brokersec log append --type 類型 [--user 使用者] [--location 地點] [--system 系統] [--severity 0-7]\n"
	"                           [--outcome success|failure] --message 訊息 [--data-json JSON] [--data 目錄]\n"
	"      brokersec log tail [-n N] [--follow] [--format table|json] [--data 目錄]\n"
	"      brokersec log search [--from 時間] [--to 時間] [--type 類型] [--user 使用者] [--host 主機] [--format table|json]\n"
	"      brokersec log verify [--key 檔案] [--head 大小:根雜湊] [--witness 檔案|網址] [--strict] [--threads N] [--data 目錄]\n"
	"                                                       結束狀態 0 完整，1 遭竄改\n"
	"      brokersec log verify --from 時間 --to 時間 [--key 檔案] [--data 目錄]   只驗證涵蓋該期間之檢查點\n"
	"      brokersec log verify --bundle 匯出檔 --key 檔案\n"
	"      brokersec log export --from 時間 --to 時間 --out 匯出檔 [--data 目錄]\n"
	"      brokersec log status [--format table|json] [--data 目錄]\n"
	"      brokersec log head [--data 目錄]            以簽章之一行輸出目前鏈頭，供見證者保存\n"
	"      brokersec log purge [--data 目錄]           刪除超過保存期限之事件\n"
	"      brokersec log retention 天數 [--data 目錄]  延長保存期限（至少 183 天）\n"
	"      brokersec log clear-alert [--data 目錄]     警示原因排除後清除警示\n"
	"append 新增一筆事件；tail 顯示最新事件（--follow 持續顯示）；search 依條件查詢；\n"
	"export 將期間內之事件匯出為可獨立驗證之匯出檔；status 顯示紀錄狀態與目前之鏈頭（head）。\n"
	"時間：RFC 3339（2026-11-27T08:00:00Z）或日期。--key：'brokersec init' 所顯示之驗證金鑰所在檔案。\n"
	"--head：先前 'log status' 所顯示之鏈頭（可偵測截斷）。\n"
	"verify 只讀取，判定後才記錄此次讀取。最後檢查點之後的事件只受雜湊鏈保護：顯示警告，\n"
	"加 --strict 則視為失敗（結束狀態 1）。\n"
	"--witness 檔案：見證者所保存之 'log head' 各行（例如遠端 syslog 之檔案；serve --witness 每一時段送出一行），\n"
	"每一行都必須能由本紀錄重現。\n"
	"--witness https://主機:埠/api/v1/witness?log=紀錄識別碼：取回另一部 brokersec 作為見證者所保存之鏈頭，\n"
	"如檔案般核對；其憑證以系統 CA、--witness-ca 檔案或 --witness-pin sha256//BASE64 驗證，\n"
	"API 符記（events.read）取自 --witness-token-file 檔案。\n";

struct opts {
	const char *type, *user, *location, *system, *outcome, *message, *json, *format, *from, *to, *host;
	const char *key, *head, *bundle, *out, *witness;
	struct bs_witness_tls wtls;
	int severity, follow, threads, strict;
	int64_t n;
};

static int parse_time(struct bs_cli *cli, const char *name, const char *s, int64_t *out, int end_of_day)
{
	if (!s)
		return 0;
	if (bs_time_parse(s, out) < 0)
		return bs_cli_usage_error(cli, "%s: %s", name, bs_error_message());
	if (end_of_day && strlen(s) == 10)
		*out += 86400LL * 1000000 - 1;
	return 0;
}

/* An event for a person: seq, the UTC instant and the Taiwan date and time (A2.4.1.7.5:
 * mappable to UTC; the officer's calendar is Taiwan's), type, who, outcome; then the message,
 * wrapped to the terminal rather than cut. */
static void put_event_table(struct bs_buf *b, const struct bs_event *ev, enum bs_lang lang)
{
	char t[BS_TIME_SHOW_MAX];
	bs_time_show(ev->time_us, lang, t);
	bs_buf_printf(b, "%-6" PRId64 " %s ", ev->seq, t);
	bs_buf_puts(b, ev->type ? ev->type : "");
	bs_buf_putc(b, ' ');
	bs_buf_puts(b, ev->user ? ev->user : "-");
	bs_buf_putc(b, ' ');
	bs_buf_puts(b, ev->outcome && !strcmp(ev->outcome, "failure") ? BS_T(lang, "失敗", "FAIL") : "ok");
	bs_buf_puts(b, "\n       ");
	bs_utf8_wrap(b, ev->message ? ev->message : "", 7, bs_term_width(), 7);
	bs_buf_putc(b, '\n');
}

struct print_ctx {
	int json;
	enum bs_lang lang;
	int64_t last;
	size_t n;
};

static int print_one(const struct bs_event *ev, void *p)
{
	struct print_ctx *pc = p;
	pc->last = ev->seq;
	pc->n++;
	if (pc->json) {
		/* One JSON object per line (NDJSON): streams, and --follow works the same way. */
		json_t *o = bs_jsonview_event(ev);
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0);
		puts(s);
		free(s);
		json_decref(o);
	} else {
		struct bs_buf b = BS_BUF_INIT;
		put_event_table(&b, ev, pc->lang);
		fputs(b.ptr, stdout);
		bs_buf_release(&b);
	}
	return 0;
}

/* Reading the log is an event too (A2.4.1.7.6). */
static int audit_read(struct bs_cli *cli, struct bs_datadir *dd, const char *what)
{
	int err = bs_eventlog_audit_read(dd, NULL, "log %s", what);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return 0;
}

static int do_append(struct bs_cli *cli, struct bs_datadir *dd, const struct opts *o)
{
	struct bs_event ev;
	int err;

	if (!o->type || !o->message)
		return bs_cli_usage_error(cli, "append needs --type T and --message M");
	if (!dd->events && (err = bs_eventlog_open(&dd->events, dd->path)) < 0)
		return bs_cli_fail(cli, err);
	memset(&ev, 0, sizeof(ev));
	ev.type = o->type;
	ev.severity = o->severity;
	ev.host = o->location;
	ev.source = "cli";
	ev.system = o->system;
	ev.user = o->user ? o->user : dd->actor;
	ev.outcome = o->outcome;
	ev.message = o->message;
	ev.data = o->json;
	if ((err = bs_eventlog_append(dd->events, &ev, 1)) < 0)
		return bs_cli_fail(cli, err);
	printf("%" PRId64 "\n", ev.seq);
	return bs_cli_flush(cli);
}

static int do_read(struct bs_cli *cli, struct bs_datadir *dd, const struct opts *o, int tail)
{
	struct bs_event_filter f;
	struct print_ctx pc = { 0, cli->lang, 0, 0 };
	static const char *const formats[] = { "table", "json", NULL };
	int fmt, err;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	memset(&f, 0, sizeof(f));
	pc.json = fmt == 1;
	if (parse_time(cli, "--from", o->from, &f.from_us, 0) || parse_time(cli, "--to", o->to, &f.to_us, 1))
		return 2;
	f.type = o->type;
	f.user = o->user;
	f.host = o->host;
	f.tail = tail;
	f.limit = tail ? o->n : 0;
	if ((err = audit_read(cli, dd, tail ? "tail" : "search")) != 0)
		return err;
	if ((err = bs_eventlog_each(dd->path, &f, print_one, &pc)) < 0)
		return bs_cli_fail(cli, err);
	if (bs_cli_flush(cli))
		return 1;
	while (tail && o->follow) {
		usleep(500000);
		f.tail = 0;
		f.limit = 0;
		f.after_seq = pc.last;
		if ((err = bs_eventlog_each(dd->path, &f, print_one, &pc)) < 0)
			return bs_cli_fail(cli, err);
		if (bs_cli_flush(cli))
			return 1;
	}
	return 0;
}

static int read_key(struct bs_cli *cli, const char *file, char *out, size_t cap)
{
	struct bs_buf b = BS_BUF_INIT;
	int err = bs_buf_read_file(&b, file);
	if (err == 0 && b.len >= cap)
		err = bs_error(BS_EINVALID, "key file '%s' is too long: it should hold the one line 'brokersec init' printed",
			       file);
	if (err == 0)
		snprintf(out, cap, "%s", b.ptr);
	sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return 0;
}

/* --witness https://...: the witness's heads fetched into a file of this process's own, then
 * checked as a FILE. */
static int verify_fetched(struct bs_datadir *dd, const struct opts *o, const char *key, struct bs_verify_result *r)
{
	struct bs_buf b = BS_BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	int fd, err;

	if ((err = bs_witness_fetch(o->witness, &o->wtls, &b)) < 0) {
		bs_buf_release(&b);
		return err;
	}
	snprintf(path, sizeof(path), "%s/brokersec-witness-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		bs_buf_release(&b);
		return bs_error(BS_ERR, "cannot make a temporary file for the witness's heads in '%s': %s (set TMPDIR)",
				tmp && *tmp ? tmp : "/tmp", bs_strerror(errno));
	}
	err = b.len && write(fd, b.ptr, b.len) != (ssize_t)b.len ?
		      bs_error(BS_ERR, "cannot write the witness's heads to '%s': %s", path, bs_strerror(errno)) : 0;
	close(fd);
	bs_buf_release(&b);
	if (err == 0)
		err = bs_eventlog_verify_witnessed(dd->path, key, o->head, path, o->threads, r);
	unlink(path);
	return err;
}

static int do_verify(struct bs_cli *cli, struct bs_datadir *dd, const struct opts *o)
{
	struct bs_verify_result r;
	char key[BS_EVENTLOG_VKEY_MAX * 2];
	int64_t from = 0, to = INT64_MAX;
	int err, ranged = o->from || o->to;

	if (parse_time(cli, "--from", o->from, &from, 0) || parse_time(cli, "--to", o->to, &to, 1))
		return 2;
	if (ranged && o->head)
		return bs_cli_usage_error(cli, "--head checks the end of the whole log: use it without --from/--to");
	if (o->key && read_key(cli, o->key, key, sizeof(key)))
		return 1;
	/* Read only: the read is logged after the verdict, so that verifying never writes (and
	 * seals) anything before it is checked. */
	if (o->witness && (ranged || o->bundle))
		return bs_cli_usage_error(cli, "--witness checks the whole log of a data directory: use it without --from, "
					  "--to and --bundle");
	if (ranged)
		err = bs_eventlog_verify_range(dd ? dd->path : NULL, o->bundle, o->key ? key : NULL, o->threads, from, to, &r);
	else if (o->witness && !strncmp(o->witness, "https://", 8))
		err = verify_fetched(dd, o, o->key ? key : NULL, &r);
	else if (o->witness)
		err = bs_eventlog_verify_witnessed(dd->path, o->key ? key : NULL, o->head, o->witness, o->threads, &r);
	else
		err = bs_eventlog_verify(dd ? dd->path : NULL, o->bundle, o->key ? key : NULL, o->head, o->threads, &r);
	sodium_memzero(key, sizeof(key));
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (r.ok && o->strict && r.unsealed > 0) {
		r.ok = 0;
		snprintf(r.problem, sizeof(r.problem), BS_T(cli->lang,
			 "未封存之尾端：最後 %" PRId64 " 筆事件尚無檢查點涵蓋（--strict）",
			 "unsealed tail: the last %" PRId64 " events are covered by no checkpoint (--strict)"), r.unsealed);
	}
	if (!r.ok) {
		printf("%s: %s\n", BS_T(cli->lang, "驗證失敗", "TAMPERED"), r.problem);
	} else {
		printf("%s: %" PRId64 " %s (%" PRId64 "..%" PRId64 "), %" PRId64 " %s; %s %s\n",
		       BS_T(cli->lang, "完整", "intact"), r.events, BS_T(cli->lang, "筆事件", "events"), r.first_seq,
		       r.last_seq, r.checkpoints, BS_T(cli->lang, "個檢查點", "checkpoints"), BS_T(cli->lang, "最新樹根", "head"),
		       r.head);
		if (!r.seals_checked)
			fprintf(stderr, "%s\n", BS_T(cli->lang, "注意：未提供 --key，未檢查前向安全封印；竊得今日金鑰者仍可能改寫歷史",
						     "note: no --key given, forward-secure seals were not checked; a thief of "
						     "today's keys could have rewritten history"));
		if (r.witnessed)
			printf("%s %" PRId64 " %s %s\n", BS_T(cli->lang, "與見證者一致：", "agrees with the witness:"), r.witnessed,
			       BS_T(cli->lang, "個鏈頭，最新", "heads, the latest"), r.witness_head);
		if (r.closed_us) {
			char when[BS_TIME_SHOW_MAX];
			bs_time_show(r.closed_us, cli->lang, when);
			printf("%s %s%s\n", BS_T(cli->lang, "紀錄已於", "the log was closed at"), when,
			       BS_T(cli->lang, " 關閉，此後無寫入（服務應持續執行者，請確認）",
				    ", nothing written since (if the service should be running, find out why)"));
		}
		if (r.seals_checked && !r.key_pinned)
			fprintf(stderr, "%s\n", BS_T(cli->lang, "注意：驗證金鑰未指明簽章公鑰（bspub1 行），簽章是以 keys/signing.pub "
						     "檢查，而該檔可能已被替換",
						     "note: the verification key names no signing key (no bspub1 line): signatures "
						     "were checked against keys/signing.pub, which a thief could have replaced"));
		if (r.unsealed > 0)
			fprintf(stderr, BS_T(cli->lang, "警告：最後 %" PRId64 " 筆事件尚未被檢查點涵蓋，只受雜湊鏈保護，"
					     "可能遭改寫而無從察覺（--strict 則視為失敗）\n",
					     "WARNING: the last %" PRId64 " events are covered by no checkpoint: the chain "
					     "alone protects them and they could have been rewritten unseen (--strict fails)\n"),
				r.unsealed);
	}
	fflush(stdout);
	if (dd && (err = audit_read(cli, dd, r.ok ? "verify: intact" : "verify: TAMPERED")) != 0)
		return err;
	return r.ok ? bs_cli_flush(cli) : 1;
}

static int do_export(struct bs_cli *cli, struct bs_datadir *dd, const struct opts *o)
{
	int64_t from = 0, to = INT64_MAX, n = 0;
	int err;

	if (!o->out || !o->from || !o->to)
		return bs_cli_usage_error(cli, "export needs --from TIME --to TIME --out BUNDLE");
	if (parse_time(cli, "--from", o->from, &from, 0) || parse_time(cli, "--to", o->to, &to, 1))
		return 2;
	if ((err = audit_read(cli, dd, "export")) != 0)
		return err;
	if ((err = bs_eventlog_export(dd->path, from, to, o->out, &n)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s: %" PRId64 " %s\n", BS_T(cli->lang, "已匯出", "exported"), o->out, n,
	       BS_T(cli->lang, "筆事件（含涵蓋的檢查點與公開金鑰，可離線驗證）",
		    "events (with their checkpoints and the public key: verifies offline)"));
	return bs_cli_flush(cli);
}

/* The intake's counters (intake.stats, written by a running or the last intake); 1 when there
 * are some, 0 when no intake has run; a damaged file is a warning, not a failure of status. */
static int intake_stats(struct bs_cli *cli, const char *dir, struct bs_intake_stats *in)
{
	char *path = bs_intake_stats_file(dir);
	int err = bs_intake_stats_read(path, in);
	free(path);
	if (err == BS_ENOTFOUND)
		return 0;
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", BS_T(cli->lang, "警告", "warning"), bs_error_message());
		return 0;
	}
	return 1;
}

static void print_intake(struct bs_cli *cli, const struct bs_intake_stats *in)
{
	char t[BS_TIME_MAX];
	bs_time_format(in->updated_us, t);
	printf("%s: %s %.19sZ\n", BS_T(cli->lang, "syslog 接收", "syslog intake"),
	       BS_T(cli->lang, "計數更新於", "counters of"), t);
	printf("  %s: UDP %" PRId64 ", TCP %" PRId64 ", TLS %" PRId64 "\n", BS_T(cli->lang, "收到", "received"),
	       in->received_udp, in->received_tcp, in->received_tls);
	printf("  %s: %" PRId64 ", %s %" PRId64 "\n", BS_T(cli->lang, "已寫入", "committed"), in->committed,
	       BS_T(cli->lang, "其中格式不符", "malformed"), in->malformed);
	printf("  %s: %" PRId64 " %s, %" PRId64 " %s%s\n", BS_T(cli->lang, "UDP 丟棄", "UDP dropped"), in->dropped_udp,
	       BS_T(cli->lang, "佇列滿", "queue full"), in->dropped_udp_kernel, BS_T(cli->lang, "核心丟棄", "by the kernel"),
	       in->dropped_udp || in->dropped_udp_kernel ? BS_T(cli->lang, "（警告）", " (warning)") : "");
	printf("  %s: %" PRId64 " (%s %" PRId64 ", %s %" PRId64 ", %s %" PRId64 "); %s %" PRId64 "\n",
	       BS_T(cli->lang, "連線", "connections"), in->connections, BS_T(cli->lang, "開啟中", "open"),
	       in->connections_open, BS_T(cli->lang, "拒絕", "refused"), in->connections_refused,
	       BS_T(cli->lang, "閒置遭關閉", "idle evicted"), in->evicted, BS_T(cli->lang, "待寫入", "queued"),
	       in->queued);
	printf("  TLS: %s %" PRId64 ", %s %" PRId64 "\n", BS_T(cli->lang, "交握失敗", "failures"), in->tls_failures,
	       BS_T(cli->lang, "用戶端憑證拒絕", "client certificates refused"), in->tls_auth_failures);
}

static int do_status(struct bs_cli *cli, struct bs_datadir *dd, const struct opts *o)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct bs_eventlog_status s;
	struct bs_intake_stats in;
	char t[BS_TIME_MAX];
	int fmt, err, have_intake;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	if ((err = bs_eventlog_status(dd->path, &s)) < 0)
		return bs_cli_fail(cli, err);
	have_intake = intake_stats(cli, dd->path, &in);
	bs_time_format(s.ckpt_time_us, t);
	if (fmt == 1) {
		json_t *j = bs_eventlog_status_json(&s);
		json_object_set_new(j, "intake", bs_intake_stats_json(have_intake ? &in : NULL));
		char *str = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(str);
		free(str);
		json_decref(j);
	} else {
		printf("%s: %" PRId64 " (%" PRId64 "..%" PRId64 ")\n", BS_T(cli->lang, "事件", "events"), s.events,
		       s.first_seq, s.last_seq);
		printf("%s: %.1f MB, %s %.1f MB\n", BS_T(cli->lang, "大小", "size"), (double)s.db_bytes / 1e6,
		       BS_T(cli->lang, "可用空間", "free"), (double)s.free_bytes / 1e6);
		printf("%s: %.0f/%s\n", BS_T(cli->lang, "速率", "rate"), s.events_per_day, BS_T(cli->lang, "日", "day"));
		if (s.capacity_days >= 0)
			printf("%s: %.0f %s\n", BS_T(cli->lang, "可用空間可存", "capacity"), s.capacity_days,
			       BS_T(cli->lang, "日", "days"));
		printf("%s: %d %s (%s %" PRId64 " %s)\n", BS_T(cli->lang, "保存期限", "retention"), s.retention_days,
		       BS_T(cli->lang, "日", "days"), BS_T(cli->lang, "最舊事件", "oldest event"), s.oldest_age_days,
		       BS_T(cli->lang, "日前", "days old"));
		printf("%s: #%" PRId64 " %s, %s %" PRId64 "\n", BS_T(cli->lang, "最新檢查點", "last checkpoint"), s.ckpt_index,
		       t, BS_T(cli->lang, "封印時段", "epoch"), s.ckpt_epoch);
		printf("%s: %s\n", BS_T(cli->lang, "樹根（請抄寫或寄出保存）", "head (write it down or send it off the host)"),
		       s.head);
		printf("%s: %s", BS_T(cli->lang, "時鐘", "clock"),
		       s.clock_synced == 1 ? BS_T(cli->lang, "已同步", "synchronised")
		       : s.clock_synced == 0 ? BS_T(cli->lang, "未同步（警告）", "NOT synchronised (warning)")
					     : BS_T(cli->lang, "狀態不明", "state unknown"));
		if (s.clock_synced == 1)
			printf(", %s %" PRId64 " us", BS_T(cli->lang, "估計誤差", "estimated error"), s.clock_esterror_us);
		printf("\n");
		if (have_intake)
			print_intake(cli, &in);
		if (s.alert[0])
			printf("%s: %s\n", BS_T(cli->lang, "警示", "ALERT"), s.alert);
	}
	if (s.clock_synced == 0)
		fprintf(stderr, "%s\n", BS_T(cli->lang, "警告：系統時鐘未同步（A2.4.1.7.5）：請設定 NTP",
					     "warning: the system clock is not synchronised (A2.4.1.7.5): configure NTP"));
	return bs_cli_flush(cli);
}

enum { O_TYPE = 0x2000, O_USER, O_LOC, O_SYS, O_OUT_C, O_MSG, O_JSON, O_FMT, O_FROM, O_TO, O_HOST, O_KEY, O_HEAD,
       O_BUNDLE, O_OUT, O_SEV, O_FOLLOW, O_THREADS, O_STRICT, O_WITNESS, O_WITNESS_CA, O_WITNESS_PIN, O_WITNESS_TOKEN };

static int log_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct opts *o = ctx;
	char *end;

	switch (opt) {
	case O_TYPE: o->type = arg; break;
	case O_USER: o->user = arg; break;
	case O_LOC: o->location = arg; break;
	case O_SYS: o->system = arg; break;
	case O_OUT_C: o->outcome = arg; break;
	case O_MSG: o->message = arg; break;
	case O_JSON: o->json = arg; break;
	case O_FMT: o->format = arg; break;
	case O_FROM: o->from = arg; break;
	case O_TO: o->to = arg; break;
	case O_HOST: o->host = arg; break;
	case O_KEY: o->key = arg; break;
	case O_HEAD: o->head = arg; break;
	case O_BUNDLE: o->bundle = arg; break;
	case O_OUT: o->out = arg; break;
	case O_FOLLOW: o->follow = 1; break;
	case O_SEV:
		o->severity = (int)strtol(arg, &end, 10);
		if (*end || o->severity < 0 || o->severity > 7)
			return bs_cli_usage_error(cli, "--severity takes 0 (emergency) to 7 (debug), not '%s'", arg);
		break;
	case O_STRICT:
		o->strict = 1;
		break;
	case O_WITNESS:
		if (!strncmp(arg, "http://", 7))
			return bs_cli_usage_error(cli, "--witness '%s': give a FILE or https://HOST:PORT/api/v1/witness?log=ID "
						  "(TLS is required)", arg);
		o->witness = arg;
		break;
	case O_WITNESS_CA: o->wtls.ca_file = arg; break;
	case O_WITNESS_PIN: o->wtls.pin = arg; break;
	case O_WITNESS_TOKEN: o->wtls.token_file = arg; break;
	case O_THREADS:
		o->threads = (int)strtol(arg, &end, 10);
		if (*end || o->threads < 1 || o->threads > 16)
			return bs_cli_usage_error(cli, "--threads takes 1 to 16, not '%s'", arg);
		break;
	case 'n':
		o->n = strtoll(arg, &end, 10);
		if (*end || o->n < 1 || o->n > 1000000)
			return bs_cli_usage_error(cli, "-n takes 1 to 1000000, not '%s'", arg);
		break;
	}
	return -1;
}

static int check_append(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct opts *o = ctx;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!o->type || !o->message)
		return bs_cli_usage_error(cli, "append needs --type T and --message M");
	return -1;
}

/* verify --bundle reads the bundle alone: no data directory */
static int check_verify(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct opts *o = ctx;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (o->bundle) {
		if (!o->key)
			return bs_cli_usage_error(cli, "verify --bundle needs --key FILE (the verification key from init)");
		cli->flags &= ~(unsigned)BS_CMD_DATADIR;
	}
	return -1;
}

static int check_retention(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	long days;
	char *end;

	if (argc != 1)
		return bs_cli_usage_error(cli, "retention needs DAYS");
	days = strtol(argv[0], &end, 10);
	if (*end || days < 1 || days > 36500)
		return bs_cli_usage_error(cli, "DAYS must be a number of days, not '%s'", argv[0]);
	((struct opts *)ctx)->n = days;
	return -1;
}

static int log_append(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return do_append(cli, dd, ctx);
}

static int log_read(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return do_read(cli, dd, ctx, cli->verb[0] == 't');
}

static int log_verify(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return do_verify(cli, dd, ctx);
}

static int log_export(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return do_export(cli, dd, ctx);
}

/* The head as the signed line witnesses keep (docs/eventlog-format.md, "Witnesses"). */
static int log_head(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	char line[BS_EVENTLOG_HEAD_LINE_MAX];
	int err;

	(void)ctx;
	(void)argc;
	(void)argv;
	if ((err = bs_eventlog_head_line(dd->path, line, sizeof(line))) < 0)
		return bs_cli_fail(cli, err);
	puts(line);
	return bs_cli_flush(cli);
}

static int log_status(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return do_status(cli, dd, ctx);
}

static int log_purge(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	int64_t n = 0;
	int err;

	(void)ctx;
	(void)argc;
	(void)argv;
	if (!dd->events && (err = bs_eventlog_open(&dd->events, dd->path)) < 0)
		return bs_cli_fail(cli, err);
	if ((err = bs_eventlog_purge(dd->events, dd->actor, &n)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %" PRId64 "\n", BS_T(cli->lang, "已刪除逾保存期限的事件:", "purged events:"), n);
	return bs_cli_flush(cli);
}

static int log_retention(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	long days = (long)((struct opts *)ctx)->n;
	int err;

	(void)argc;
	(void)argv;
	if (!dd->events && (err = bs_eventlog_open(&dd->events, dd->path)) < 0)
		return bs_cli_fail(cli, err);
	if ((err = bs_eventlog_set_retention(dd->events, dd->actor, (int)days)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %ld\n", BS_T(cli->lang, "保存期限（日）:", "retention days:"), days);
	return bs_cli_flush(cli);
}

static int log_clear_alert(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	int err;

	(void)ctx;
	(void)argc;
	(void)argv;
	if ((err = bs_eventlog_alert_clear(dd)) < 0)
		return bs_cli_fail(cli, err);
	return 0;
}

int cmd_log(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option lopts[] = {
		{ "type", required_argument, NULL, O_TYPE }, { "user", required_argument, NULL, O_USER },
		{ "location", required_argument, NULL, O_LOC }, { "system", required_argument, NULL, O_SYS },
		{ "outcome", required_argument, NULL, O_OUT_C }, { "message", required_argument, NULL, O_MSG },
		{ "data-json", required_argument, NULL, O_JSON }, { "format", required_argument, NULL, O_FMT },
		{ "from", required_argument, NULL, O_FROM }, { "to", required_argument, NULL, O_TO },
		{ "host", required_argument, NULL, O_HOST }, { "key", required_argument, NULL, O_KEY },
		{ "head", required_argument, NULL, O_HEAD }, { "bundle", required_argument, NULL, O_BUNDLE },
		{ "out", required_argument, NULL, O_OUT }, { "severity", required_argument, NULL, O_SEV },
		{ "follow", no_argument, NULL, O_FOLLOW }, { "threads", required_argument, NULL, O_THREADS },
		{ "strict", no_argument, NULL, O_STRICT }, { "witness", required_argument, NULL, O_WITNESS },
		{ "witness-ca", required_argument, NULL, O_WITNESS_CA }, { "witness-pin", required_argument, NULL, O_WITNESS_PIN },
		{ "witness-token-file", required_argument, NULL, O_WITNESS_TOKEN },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	/* Reading the log is an event too (A2.4.1.7.6): the readers name the actor the setup set. */
	static const struct bs_cli_verb verbs[] = {
		{ "append", log_append, BS_CMD_WRITES, "type user location system severity outcome message data-json",
		  check_append },
		{ "tail", log_read, BS_CMD_DATADIR, "n follow format", NULL },
		{ "search", log_read, BS_CMD_DATADIR, "from to type user host format", NULL },
		{ "verify", log_verify, BS_CMD_DATADIR, "key head threads from to bundle strict witness witness-ca witness-pin witness-token-file",
		  check_verify },
		{ "export", log_export, BS_CMD_DATADIR, "from to out", NULL },
		{ "status", log_status, BS_CMD_DATADIR, "format", NULL },
		{ "head", log_head, BS_CMD_DATADIR, "", NULL },
		{ "purge", log_purge, BS_CMD_WRITES, "", NULL },
		{ "retention", log_retention, BS_CMD_WRITES, "", check_retention },
		{ "clear-alert", log_clear_alert, BS_CMD_WRITES, "", NULL },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { lopts, "hn:", log_option, verbs, NULL };
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.severity = 5;
	o.n = 20;
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
