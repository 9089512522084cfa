/* brokersec serve: the HTTPS JSON API, and the syslog intake when asked for. */
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "http/http.h"
#include "intake/intake.h"
#include "notify/notify.h"
#include "witness/witness.h"

static const char usage_text[] =
	"usage: brokersec serve [--data DIR] [--listen 127.0.0.1:8443] [--tls-cert FILE --tls-key FILE]\n"
	"                       [--tls-min 1.3|1.2] [--threads N] [--syslog-udp ADDR:PORT]\n"
	"                       [--syslog-tcp ADDR:PORT] [--syslog-tls ADDR:PORT]\n"
	"                       [--welcome|--no-welcome] [--no-access-log] [--allow-root]\n"
	"                       [--witness syslog://HOST:PORT|https://HOST[:PORT]/PATH|smtp://HOST[:PORT]/ADDRESS ...]\n"
	"                       [--witness-ca FILE | --witness-pin sha256//BASE64] [--witness-token-file FILE]\n"
	"Serves the web UI at https://ADDR:PORT/ and the JSON API under https://ADDR:PORT/api/v1\n"
	"(port 0 picks a free port and prints it).\n"
	"Without --tls-cert/--tls-key the data directory's tls/cert.pem and tls/key.pem are used\n"
	"(a self-signed ECDSA P-256 certificate is made when they are missing).\n"
	"TLS 1.3 only by default; --tls-min 1.2 also accepts TLS 1.2 for clients that lack 1.3\n"
	"(TLS 1.2 allows client-initiated renegotiation attempts: see docs/tls.md).\n"
	"--threads: threads serving requests; --syslog-*: also receive syslog (as 'brokersec intake').\n"
	"On a terminal (or with --welcome) it ends with how to sign in: the URL, the certificate's\n"
	"fingerprint, where the verification key went and, until someone has signed in, the first\n"
	"administrator's name and a new one-time password (any earlier one stops working).\n"
	"Each request is a line on stderr (time, client, account, request, status, bytes, time taken)\n"
	"unless --no-access-log.\n"
	"--witness syslog://HOST:PORT: sends the event log's signed head (as 'brokersec log head') to\n"
	"that syslog server over UDP within 10 s of each change and every 5 minutes, so that a record\n"
	"of the log's history lies off this host ('log verify --witness FILE' checks the log against it).\n"
	"--witness https://HOST[:PORT]/PATH: POSTs the head as JSON ({\"head\": LINE, \"key\": ...}) to a webhook\n"
	"or to another brokersec's https://HOST:PORT/api/v1/witness, as often; a failure is said on stderr and\n"
	"retried (10 s, doubling to 5 minutes), serving goes on; each head delivered is recorded for the report.\n"
	"The peer's certificate is always checked: the system's CAs, --witness-ca FILE, or --witness-pin\n"
	"sha256//BASE64 (its public key's SHA-256: a peer brokersec's self-signed certificate).\n"
	"--witness-token-file FILE: the API token (witness.write) sent as a bearer token.\n"
	"--witness smtp://HOST[:PORT]/ADDRESS (STARTTLS required) or smtps://...: mails the head to ADDRESS\n"
	"when it changed, every 15 minutes at most, and after the closing checkpoint (the server checked\n"
	"as for https; no SMTP login: a relay that takes this host's mail). --witness may be given several\n"
	"times, syslog, https and smtp mixed.\n"
	"Notifications: while a channel exists ('brokersec notify channel add'), serve runs the notifier's\n"
	"pass every 10 s: new events told, the day's digests, deliveries retried (docs/notifications.md).\n"
	"--allow-root: serve as root all the same. Without it serve refuses to run as root: it answers\n"
	"the network, and a flaw in it would then hand over the whole machine; run it as its own user\n"
	"(the Debian package's brokersec.service runs as 'brokersec', docs/install.md).\n"
	"BROKERSEC_ALLOW_ROOT=1 in the environment does the same (scripts and test suites run as root).\n"
	"SIGINT or SIGTERM stops it after running requests finish.\n";
static const char usage_zh[] =
	"用法: brokersec serve [--data 目錄] [--listen 127.0.0.1:8443] [--tls-cert 檔案 --tls-key 檔案]\n"
	"                      [--tls-min 1.3|1.2] [--threads N] [--syslog-udp 位址:埠]\n"
	"                      [--syslog-tcp 位址:埠] [--syslog-tls 位址:埠]\n"
	"                      [--welcome|--no-welcome] [--no-access-log] [--allow-root]\n"
	"                      [--witness syslog://主機:埠|https://主機[:埠]/路徑|smtp://主機[:埠]/信箱 ...]\n"
	"                      [--witness-ca 檔案 | --witness-pin sha256//BASE64] [--witness-token-file 檔案]\n"
	"於 https://位址:埠/ 提供網頁介面，於 https://位址:埠/api/v1 提供 JSON API（埠 0 表示選用空閒之埠並顯示）。\n"
	"未給 --tls-cert/--tls-key 時使用資料目錄之 tls/cert.pem 與 tls/key.pem\n"
	"（缺少時自動產生 ECDSA P-256 自簽憑證）。\n"
	"預設僅接受 TLS 1.3；--tls-min 1.2 也接受 TLS 1.2，供不支援 1.3 之用戶端使用\n"
	"（TLS 1.2 允許用戶端發起重新協商之嘗試：見 docs/tls.md）。\n"
	"--threads 處理請求之執行緒數；--syslog-* 同時接收 syslog（同 'brokersec intake'）。\n"
	"輸出至終端機時（或給 --welcome）最後顯示登入說明：網址、憑證指紋、驗證金鑰之去處，\n"
	"以及在有人登入之前，第一位管理者之帳號與新的一次性密碼（先前之密碼隨即失效）。\n"
	"每個請求於 stderr 記一行（時間、來源、帳號、請求、狀態碼、位元組、耗時），--no-access-log 則不記。\n"
	"--witness syslog://主機:埠：將事件紀錄之簽章鏈頭（同 'brokersec log head'）以 UDP 送至該 syslog\n"
	"伺服器，鏈頭變動後 10 秒內及每 5 分鐘一次，使紀錄歷程存於本機以外（'log verify --witness 檔案' 據以核對）。\n"
	"--witness https://主機[:埠]/路徑：以相同頻率將鏈頭以 JSON（{\"head\": 該行, \"key\": ...}）POST 至 webhook\n"
	"或另一部 brokersec 之 https://主機:埠/api/v1/witness；失敗時於 stderr 說明並重試（10 秒起倍增至 5 分鐘），\n"
	"服務不中斷；每個送達之鏈頭皆記錄，供評估報告引用。對方憑證一律驗證：系統 CA、--witness-ca 檔案，\n"
	"或 --witness-pin sha256//BASE64（對方公鑰之 SHA-256：另一部 brokersec 之自簽憑證）。\n"
	"--witness-token-file 檔案：以 bearer 方式送出之 API 符記（witness.write）。\n"
	"--witness smtp://主機[:埠]/信箱（須 STARTTLS）或 smtps://...：鏈頭變動時寄至該信箱，至多每 15 分鐘一封，\n"
	"關閉檢查點後再寄一封（伺服器憑證驗證方式同 https；不登入 SMTP：須為接受本機郵件之轉送伺服器）。\n"
	"--witness 可給多次，syslog、https 與 smtp 並用。\n"
	"通知：已設定通知管道時（'brokersec notify channel add'），serve 每 10 秒執行一輪通知：告知新事件、\n"
	"當日摘要、重試未送達者（docs/notifications.md）。\n"
	"--allow-root：仍以 root 執行。未給此選項時 serve 拒絕以 root 執行：它對網路提供服務，其中若有\n"
	"漏洞即交出整部主機；請以專用帳號執行（Debian 套件之 brokersec.service 以 'brokersec' 執行，見 docs/install.md）。\n"
	"環境變數 BROKERSEC_ALLOW_ROOT=1 效果相同（供以 root 執行之腳本與測試套件）。\n"
	"收到 SIGINT 或 SIGTERM 時，待進行中之請求完成後停止。\n";

struct intake_run {
	struct bs_intake *in;
	struct bs_eventlog *log;
	int rc;
};

static void intake_notify(void *ctx, int is_error, const char *line)
{
	(void)ctx;
	fprintf(stderr, "brokersec serve: intake: %s%s\n", is_error ? "error: " : "", line);
}

static void *intake_thread(void *p)
{
	struct intake_run *r = p;
	r->rc = bs_intake_run(r->in);
	if (r->rc < 0)
		fprintf(stderr, "brokersec serve: intake: %s\n", bs_error_message());
	return NULL;
}

struct serve_opts {
	struct bs_http_config cfg;
	const char *udp, *tcp, *tls;
	const char *witness[8];         /* syslog://HOST:PORT or https://HOST[:PORT]/PATH */
	size_t nwitness;
	struct bs_witness_tls wtls;     /* --witness-ca, --witness-pin, --witness-token-file */
	int welcome;                    /* 1 --welcome, -1 --no-welcome, 0 when stdout is a terminal */
	int allow_root;                 /* --allow-root (or BROKERSEC_ALLOW_ROOT=1) */
};

enum { O_LISTEN = 0x2000, O_CERT, O_KEY, O_THREADS, O_UDP, O_TCP, O_TLS, O_TLS_MIN, O_WELCOME, O_NO_WELCOME,
       O_NO_ACCESS_LOG, O_WITNESS, O_WITNESS_CA, O_WITNESS_PIN, O_WITNESS_TOKEN, O_ALLOW_ROOT };

static int serve_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct serve_opts *o = ctx;

	switch (opt) {
	case O_LISTEN: o->cfg.listen = arg; break;
	case O_CERT: o->cfg.cert_file = arg; break;
	case O_KEY: o->cfg.key_file = arg; break;
	case O_UDP: o->udp = arg; break;
	case O_TCP: o->tcp = arg; break;
	case O_TLS: o->tls = arg; break;
	case O_WELCOME: o->welcome = 1; break;
	case O_NO_WELCOME: o->welcome = -1; break;
	case O_NO_ACCESS_LOG: o->cfg.access_log = 0; break;
	case O_ALLOW_ROOT: o->allow_root = 1; break;
	case O_WITNESS:
		if (o->nwitness == sizeof(o->witness) / sizeof(o->witness[0]))
			return bs_cli_usage_error(cli, "--witness: at most 8 witnesses");
		o->witness[o->nwitness++] = arg;
		break;
	case O_WITNESS_CA: o->wtls.ca_file = arg; break;
	case O_WITNESS_PIN: o->wtls.pin = arg; break;
	case O_WITNESS_TOKEN: o->wtls.token_file = arg; break;
	case O_TLS_MIN:
		if (!strcmp(arg, "1.3"))
			o->cfg.tls_min = 13;
		else if (!strcmp(arg, "1.2"))
			o->cfg.tls_min = 12;
		else
			return bs_cli_usage_error(cli, "--tls-min takes 1.3 (the default) or 1.2, not '%s'", arg);
		break;
	case O_THREADS: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (end == arg || *end || v < 1 || v > 256)
			return bs_cli_usage_error(cli, "--threads takes 1..256, not '%s'", arg);
		o->cfg.threads = (unsigned)v;
		break;
	}
	}
	return -1;
}

/* BROKERSEC_ALLOW_ROOT=1: --allow-root for whatever starts serve as root on purpose (test suites). */
static int allow_root_env(void)
{
	const char *v = getenv("BROKERSEC_ALLOW_ROOT");
	return v && !strcmp(v, "1");
}

static int serve_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct serve_opts *o = ctx;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!o->cfg.cert_file != !o->cfg.key_file)
		return bs_cli_usage_error(cli, "--tls-cert and --tls-key go together");
	if (o->wtls.ca_file && o->wtls.pin)
		return bs_cli_usage_error(cli, "--witness-ca and --witness-pin: give one (a CA file, or the pin of a "
					  "self-signed certificate)");
	/* Before the data directory is opened: a root server would own what it creates there. */
	if (geteuid() == 0 && !o->allow_root && !allow_root_env())
		return bs_cli_fail(cli, bs_error(BS_EDENIED, "refusing to serve as root: serve answers the network, and a "
						 "flaw in it would hand over the whole machine; run it as its own user (the "
						 "Debian package's brokersec.service runs as 'brokersec', docs/install.md), "
						 "or give --allow-root if you mean it"));
	return -1;
}

/* 1 when --listen names a loopback address (127.0.0.0/8, [::1]), else 0 (names included:
 * they could resolve to anything). */
static int listen_loopback(const char *listen)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	size_t n = colon ? (size_t)(colon - listen) : 0;
	unsigned char a[16];

	if (n >= 2 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (!colon || n == 0 || n >= sizeof(host))
		return 0;
	memcpy(host, listen, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1)
		return !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	return 0;
}

/* "https://HOST:PORT/" of --listen: a wildcard address is no address to open, so the host's
 * name stands for it. */
static void site_url(char *out, size_t n, const char *listen, unsigned port)
{
	const char *colon = strrchr(listen, ':');
	int hl = (int)(colon - listen);
	char host[256];

	if ((hl == 7 && !strncmp(listen, "0.0.0.0", 7)) || (hl == 4 && !strncmp(listen, "[::]", 4))) {
		if (gethostname(host, sizeof(host)) != 0 || !host[0])
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		snprintf(out, n, "https://%s:%u/", host, port);
	} else {
		snprintf(out, n, "https://%.*s:%u/", hl, listen, port);
	}
}

/* The certificate's SHA-256 as browsers show it: "AB:CD:..." (fp: "SHA256:abcd..."). */
static void fp_colons(char *out, size_t n, const char *fp)
{
	const char *hex = strncmp(fp, "SHA256:", 7) ? fp : fp + 7;
	size_t o = 0;

	for (size_t i = 0; hex[i] && hex[i + 1] && o + 4 < n; i += 2) {
		if (i)
			out[o++] = ':';
		out[o++] = (char)toupper((unsigned char)hex[i]);
		out[o++] = (char)toupper((unsigned char)hex[i + 1]);
	}
	out[o] = '\0';
}

/* --witness syslog://HOST:PORT: a UDP socket connected to the witness (0, or an error naming
 * the address). */
static int witness_open(const char *url, int *fd)
{
	char host[256];
	const char *h = url + 9, *colon;
	struct addrinfo hints, *ai = NULL;
	size_t hl;
	int rc;

	*fd = -1;
	if (strncmp(url, "syslog://", 9))
		return bs_error(BS_EINVALID, "--witness '%s': give syslog://HOST:PORT (a syslog server that keeps what it "
				"receives, off this host)", url);
	if (*h == '[') {
		const char *close = strchr(h, ']');
		if (!close || close[1] != ':')
			return bs_error(BS_EINVALID, "--witness '%s': give syslog://HOST:PORT (a syslog server that keeps what "
					"it receives, off this host)", url);
		hl = (size_t)(close - h - 1);
		colon = close + 1;
		h++;
	} else {
		colon = strrchr(h, ':');
		hl = colon ? (size_t)(colon - h) : 0;
	}
	if (!colon || !hl || hl >= sizeof(host) || !colon[1])
		return bs_error(BS_EINVALID, "--witness '%s': give syslog://HOST:PORT (a syslog server that keeps what it "
				"receives, off this host)", url);
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0)
		return bs_error(BS_EINVALID, "--witness '%s': cannot resolve it: %s", url, gai_strerror(rc));
	*fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || connect(*fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		int e = errno;
		freeaddrinfo(ai);
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return bs_error(BS_ERR, "--witness '%s': %s", url, bs_strerror(e));
	}
	freeaddrinfo(ai);
	return 0;
}

/* Sends the log's head as an RFC 5424 message (facility log audit, notice) when it changed
 * since last or 5 minutes after the last one sent. A failure is said on stderr: the server
 * goes on (the witness is a second line of defence, not a condition of serving). */
static void witness_publish(struct bs_datadir *dd, const int *fds, const char *const *urls, size_t nfd, char *last,
			    size_t cap, int64_t *sent_us)
{
	char line[BS_EVENTLOG_HEAD_LINE_MAX], host[256] = "-", now[BS_TIME_MAX], msg[BS_EVENTLOG_HEAD_LINE_MAX + 400];
	int64_t t = bs_clock_now();
	int n;

	if (bs_eventlog_head_line(dd->path, line, sizeof(line)) < 0) {
		fprintf(stderr, "brokersec serve: witness: %s\n", bs_error_message());
		return;
	}
	if (!strcmp(line, last) && t - *sent_us < 300LL * 1000000)
		return;
	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "-");
	host[sizeof(host) - 1] = '\0';
	bs_time_format(t, now);
	n = snprintf(msg, sizeof(msg), "<109>1 %s %.200s brokersec %ld eventlog.head - %s", now, host, (long)getpid(),
		     line);
	for (size_t i = 0; i < nfd; i++) {
		struct bs_head h;
		if (n < 0 || (size_t)n >= sizeof(msg) || send(fds[i], msg, (size_t)n, 0) != n) {
			fprintf(stderr, "brokersec serve: witness: cannot send the head: %s\n", bs_strerror(errno));
			return;
		}
		/* sent (UDP has no receipt: status 0): the report's latest witnessed head */
		if (bs_eventlog_head_parse(line, &h) < 0 || bs_witness_delivered(dd->store, urls[i], line, &h, 0) < 0)
			fprintf(stderr, "brokersec serve: witness %s: %s\n", urls[i], bs_error_message());
	}
	snprintf(last, cap, "%s", line);
	*sent_us = t;
}

/* One line of the sign-in screen: the label in a column of its own (CJK labels are two
 * columns a character), then the value. */
static void welcome_line(struct bs_buf *b, const char *label, const char *value)
{
	bs_buf_puts(b, "  ");
	bs_utf8_put_cell(b, label, 12, 1);
	bs_buf_printf(b, "%s\n", value);
}

/* How to sign in, last on the screen (make run's first run): where to go, as whom, with which
 * one-time password, which certificate to expect and where the verification key went. */
static void print_welcome(struct bs_cli *cli, struct bs_datadir *dd, const char *url, const char *fp,
			  const char *admin, const char *pw)
{
	enum bs_lang L = cli->lang;
	char colons[128], half[128];
	char *vk = NULL;
	struct bs_buf b = BS_BUF_INIT, line = BS_BUF_INIT;
	const char *rule = "════════════════════════════════════════════════════════════════\n";

	if (bs_vkey_file_get(dd, &vk) < 0) {
		fprintf(stderr, "brokersec serve: %s\n", bs_error_message());
		vk = NULL;
	}
	bs_buf_printf(&b, "\n%s  %s\n\n", rule, BS_T(L, "brokersec 已啟動：請以瀏覽器開啟", "brokersec is running: open it in a browser"));
	if (dd->demo) /* never mistaken for a real installation */
		bs_buf_printf(&b, "  %s\n\n", BS_T(L, BS_DEMO_DATADIR_WARNING_ZH, BS_DEMO_DATADIR_WARNING_EN));
	welcome_line(&b, BS_T(L, "網址", "URL"), url);
	if (pw) {
		welcome_line(&b, BS_T(L, "帳號", "user"), admin);
		welcome_line(&b, BS_T(L, "一次性密碼", "password"), pw);
		welcome_line(&b, "", BS_T(L, "（首次登入時須變更，再以驗證器 App 設定兩步驟驗證；",
					   "(one-time: change it at first sign-in, then set up an"));
		welcome_line(&b, "", BS_T(L, "　每次重新啟動即換發新密碼，直到有人登入）",
					   " authenticator app; each restart issues a new one until someone signs in)"));
	} else {
		welcome_line(&b, BS_T(L, "帳號", "user"), BS_T(L, "以您的帳號登入（忘記密碼：brokersec user reset 帳號）",
							    "your own account (lost password: brokersec user reset NAME)"));
	}
	if (fp && fp[0]) {
		/* as browsers show it, in two halves that fit a terminal */
		fp_colons(colons, sizeof(colons), fp);
		snprintf(half, sizeof(half), "SHA-256 %.48s", colons); /* "...:10:" goes on below */
		welcome_line(&b, BS_T(L, "憑證指紋", "certificate"), half);
		if (strlen(colons) > 48) {
			snprintf(half, sizeof(half), "        %s", colons + 48);
			welcome_line(&b, "", half);
		}
		welcome_line(&b, "", BS_T(L, "（自簽憑證：瀏覽器警告時，確認其指紋與此相同再接受）",
					   "(self-signed: accept it only if the browser shows this fingerprint)"));
	}
	if (vk && access(vk, F_OK) == 0) {
		welcome_line(&b, BS_T(L, "驗證金鑰", "verify key"), vk);
		welcome_line(&b, "", BS_T(L, "（事件紀錄驗證金鑰：請將此檔移到本機以外，交給稽核人員）",
					   "(the event log's verification key: move it off this host, to the auditor)"));
	} else if (vk) {
		bs_buf_printf(&line, "%s %s", BS_T(L, "已自原處移走：", "moved away from"), vk);
		welcome_line(&b, BS_T(L, "驗證金鑰", "verify key"), line.ptr);
	} else {
		welcome_line(&b, BS_T(L, "驗證金鑰", "verify key"),
			     BS_T(L, "init 時已顯示一次（brokersec 未保留副本）", "shown once by init (brokersec keeps no copy)"));
	}
	bs_buf_printf(&b, "\n  %s\n%s", BS_T(L, "按 Ctrl-C 停止。每個請求於下方記一行。", "Ctrl-C stops it. Each request is a line below."), rule);
	fputs(b.ptr, stdout);
	fflush(stdout);
	sodium_memzero(b.ptr, b.len); /* it held the password */
	bs_buf_release(&b);
	bs_buf_release(&line);
	free(vk);
}

static int serve_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct serve_opts *o = ctx;
	struct bs_http_config cfg = o->cfg;
	const char *udp = o->udp, *tcp = o->tcp, *tls = o->tls;
	char *cert = NULL, *key = NULL, *stats = NULL, fp[128] = "", admin[65] = "", pw[32] = "";
	struct bs_http *h = NULL;
	struct intake_run ir = { NULL, NULL, 0 };
	pthread_t itid;
	int started_intake = 0, err, rc = 1, swept, first = 0, wfd[8], nwfd = 0;
	const char *wurl[8];
	struct bs_witness_out *wout = NULL;
	char wlast[BS_EVENTLOG_HEAD_LINE_MAX] = "";
	int64_t wsent = 0, swept_us = bs_clock_now();
	int welcome = o->welcome > 0 || (o->welcome == 0 && isatty(STDOUT_FILENO));
	sigset_t set;

	(void)argc;
	(void)argv;
	cfg.datadir = dd->path;
	/* A test data directory's passwords are hashed at the weakest cost (datadir.h): such a
	 * server is reachable from this machine only. */
	for (size_t i = 0; i < o->nwitness; i++) {
		if (!strncmp(o->witness[i], "https://", 8) || !strncmp(o->witness[i], "smtp://", 7) ||
		    !strncmp(o->witness[i], "smtps://", 8))
			continue; /* src/witness's */
		if (!strncmp(o->witness[i], "http://", 7)) {
			err = bs_error(BS_EINVALID, "--witness '%s': give syslog://HOST:PORT or https://HOST[:PORT]/PATH (TLS "
				       "is required for a webhook)", o->witness[i]);
			goto fail;
		}
		if ((err = witness_open(o->witness[i], &wfd[nwfd])) < 0)
			goto fail;
		wurl[nwfd++] = o->witness[i];
	}
	if ((err = bs_witness_out_new(&wout, o->witness, o->nwitness, &o->wtls)) < 0)
		goto fail;
	if (dd->test_kdf && !listen_loopback(cfg.listen)) {
		err = bs_error(BS_EDENIED, "this is a test data directory (weak password hashing, init --test-fast-kdf): "
			       "it serves on a loopback address only (127.0.0.1 or [::1]), not on '%s'", cfg.listen);
		goto fail;
	}
	if (!cfg.cert_file) {
		if ((err = bs_intake_tls_ensure(dd->path, &cert, &key, fp, sizeof(fp))) < 0)
			goto fail;
		cfg.cert_file = cert;
		cfg.key_file = key;
	}
	/* expired and idle accounts go before anyone can sign in; warm the dummy hash so the
	 * first unknown-user sign-in takes no longer than any other */
	if ((err = bs_account_sweep(dd, &swept)) < 0)
		goto fail;
	bs_password_dummy_verify("warm-up");
	/* the first run: a password is shown only where it is read (the sign-in screen), never in a
	 * service's log */
	if (welcome && (err = first = bs_account_first_password(dd, admin, pw)) < 0)
		goto fail;

	/* signals are taken by this thread only (sigtimedwait below): block them before any
	 * server thread starts so the threads inherit the mask */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Request bodies of up to 4 MiB are malloc'd and freed per request. glibc raises its mmap
	 * threshold to the size of each large block freed, after which such blocks come from the
	 * heap and stay with the process when freed (250 connections left 925 MiB behind). A fixed
	 * threshold keeps every block of 128 KiB and more in its own mapping, returned at free. */
	if (mallopt(M_MMAP_THRESHOLD, 128 * 1024) != 1)
		fprintf(stderr, "brokersec serve: cannot fix the malloc mmap threshold: memory of large requests may "
			"stay with the process after they end\n");
	if ((err = bs_http_start(&h, &cfg)) < 0)
		goto fail;
	if (udp || tcp || tls) {
		struct bs_intake_config ic;
		memset(&ic, 0, sizeof(ic));
		ic.udp = udp;
		ic.tcp = tcp;
		ic.tls = tls;
		ic.tls_cert = cfg.cert_file;
		ic.tls_key = cfg.key_file;
		ic.notify = intake_notify;
		/* the intake keeps the path (its stats are written until it is freed) */
		stats = bs_intake_stats_file(dd->path);
		ic.stats_path = stats;
		if ((err = bs_eventlog_open(&ir.log, dd->path)) < 0)
			goto fail;
		/* the production path, as `brokersec intake` takes it: pipelined, trusted batches */
		ic.log = ir.log;
		err = bs_intake_create(&ir.in, &ic);
		if (err < 0)
			goto fail;
		if (pthread_create(&itid, NULL, intake_thread, &ir) != 0) {
			err = bs_error(BS_ERR, "cannot start the syslog intake thread");
			goto fail;
		}
		started_intake = 1;
	}
	{
		const char *colon = strrchr(cfg.listen, ':');
		printf("listening on https://%.*s:%u/api/v1\n", (int)(colon - cfg.listen), cfg.listen, bs_http_port(h));
		if (fp[0])
			printf("certificate %s\n", fp);
		fflush(stdout);
		if (welcome) {
			char url[320];
			site_url(url, sizeof(url), cfg.listen, bs_http_port(h));
			print_welcome(cli, dd, url, fp, admin, first ? pw : NULL);
			sodium_memzero(pw, sizeof(pw));
		}
		if (cfg.tls_min == 12)
			fprintf(stderr, "brokersec serve: TLS 1.2 accepted as well as 1.3 (--tls-min 1.2): use it "
				"only while some client lacks TLS 1.3 (see docs/tls.md)\n");
	}
	/* a server whose start cannot be logged would answer unlogged: it stops (fail closed) */
	if ((err = bs_audit(dd, "serve.start", "success", NULL, "HTTPS API started on %s (TLS %s and later)", cfg.listen,
			    cfg.tls_min == 12 ? "1.2" : "1.3")) < 0)
		goto fail;
	for (;;) {
		/* with a witness, the head goes out within 10 s of a change; so do notifications */
		int notifying = bs_notify_active(dd->store) > 0;
		struct timespec wait = { nwfd || bs_witness_out_count(wout) || notifying ? 10 : 600, 0 };
		int sig;
		if (nwfd)
			witness_publish(dd, wfd, wurl, (size_t)nwfd, wlast, sizeof(wlast), &wsent);
		bs_witness_out_publish(wout, dd, 0);
		if (notifying) { /* src/notify: the same pass as `notify run --once` (docs/notifications.md) */
			struct bs_notify_run_opts nro = { bs_clock_now(), 1, 0 };
			struct bs_notify_run_stats nst;
			if (bs_notify_run(dd, &nro, &nst) < 0)
				fprintf(stderr, "brokersec serve: notify: %s\n", bs_error_message());
		}
		sig = sigtimedwait(&set, NULL, &wait);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig < 0 && errno == EAGAIN && bs_clock_now() - swept_us >= 600LL * 1000000) {
			swept_us = bs_clock_now();
			if (bs_account_sweep(dd, &swept) < 0)
				fprintf(stderr, "brokersec serve: account sweep: %s\n", bs_error_message());
		}
	}
	rc = 0;
	goto out;
fail:
	rc = bs_cli_fail(cli, err);
out:
	if (started_intake) {
		bs_intake_stop(ir.in);
		pthread_join(itid, NULL);
	}
	bs_intake_free(ir.in);
	if (ir.log)
		bs_eventlog_close(ir.log);
	bs_http_stop(h);
	if (rc == 0 && bs_audit(dd, "serve.stop", "success", NULL, "HTTPS API stopped") < 0) {
		fprintf(stderr, "brokersec serve: the stop could not be recorded in the event log: %s\n", bs_error_message());
		rc = 1;
	}
	sodium_memzero(pw, sizeof(pw));
	if (nwfd || bs_witness_out_count(wout)) {
		/* the last head: the closing checkpoint (when this was the log's last writer) */
		if (dd->events) {
			bs_eventlog_close(dd->events);
			dd->events = NULL;
		}
		wlast[0] = '\0';
		if (nwfd)
			witness_publish(dd, wfd, wurl, (size_t)nwfd, wlast, sizeof(wlast), &wsent);
		if (rc == 0)
			bs_witness_out_publish(wout, dd, 1);
	}
	for (int i = 0; i < nwfd; i++)
		close(wfd[i]);
	bs_witness_out_free(wout);
	free(cert);
	free(key);
	free(stats);
	return rc;
}

int cmd_serve(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "tls-cert", required_argument, NULL, O_CERT },
		{ "tls-key", required_argument, NULL, O_KEY },
		{ "tls-min", required_argument, NULL, O_TLS_MIN },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "syslog-udp", required_argument, NULL, O_UDP },
		{ "syslog-tcp", required_argument, NULL, O_TCP },
		{ "syslog-tls", required_argument, NULL, O_TLS },
		{ "welcome", no_argument, NULL, O_WELCOME },
		{ "no-welcome", no_argument, NULL, O_NO_WELCOME },
		{ "no-access-log", no_argument, NULL, O_NO_ACCESS_LOG },
		{ "witness", required_argument, NULL, O_WITNESS },
		{ "witness-ca", required_argument, NULL, O_WITNESS_CA },
		{ "witness-pin", required_argument, NULL, O_WITNESS_PIN },
		{ "witness-token-file", required_argument, NULL, O_WITNESS_TOKEN },
		{ "allow-root", no_argument, NULL, O_ALLOW_ROOT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", serve_run, 0, NULL, serve_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", serve_option, self, NULL };
	struct serve_opts o = { { NULL, "127.0.0.1:8443", NULL, NULL, 0, 0, 1 }, NULL, NULL, NULL, { NULL }, 0,
				{ NULL, NULL, NULL }, 0, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
