/* brokersec serve: the HTTPS JSON API, and the syslog intake when asked for. */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cmd/cmd.h"
#include "core/clock.h"
#include "eventlog/eventlog.h"
#include "http/http.h"
#include "intake/intake.h"

static const char usage_text[] =
	"usage: brokersec serve [--data DIR] [--listen 127.0.0.1:8443] [--tls-cert FILE --tls-key FILE]\n"
	"                       [--tls-min 1.3|1.2] [--threads N] [--syslog-udp ADDR:PORT]\n"
	"                       [--syslog-tcp ADDR:PORT] [--syslog-tls ADDR:PORT]\n"
	"Serves the JSON API under https://ADDR:PORT/api/v1 (port 0 picks a free port and prints it).\n"
	"Without --tls-cert/--tls-key the data directory's tls/cert.pem and tls/key.pem are used\n"
	"(a self-signed ECDSA P-256 certificate is made when they are missing).\n"
	"TLS 1.3 only by default; --tls-min 1.2 also accepts TLS 1.2 for clients that lack 1.3\n"
	"(TLS 1.2 allows client-initiated renegotiation attempts: see docs/tls.md).\n"
	"--threads: threads serving requests; --syslog-*: also receive syslog (as 'brokersec intake').\n"
	"SIGINT or SIGTERM stops it after running requests finish.\n";
static const char usage_zh[] =
	"用法: brokersec serve [--data 目錄] [--listen 127.0.0.1:8443] [--tls-cert 檔案 --tls-key 檔案]\n"
	"                      [--tls-min 1.3|1.2] [--threads N] [--syslog-udp 位址:埠]\n"
	"                      [--syslog-tcp 位址:埠] [--syslog-tls 位址:埠]\n"
	"於 https://位址:埠/api/v1 提供 JSON API（埠 0 表示選用空閒之埠並顯示）。\n"
	"未給 --tls-cert/--tls-key 時使用資料目錄之 tls/cert.pem 與 tls/key.pem\n"
	"（缺少時自動產生 ECDSA P-256 自簽憑證）。\n"
	"預設僅接受 TLS 1.3；--tls-min 1.2 也接受 TLS 1.2，供不支援 1.3 之用戶端使用\n"
	"（TLS 1.2 允許用戶端發起重新協商之嘗試：見 docs/tls.md）。\n"
	"--threads 處理請求之執行緒數；--syslog-* 同時接收 syslog（同 'brokersec intake'）。\n"
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
};

enum { O_LISTEN = 0x2000, O_CERT, O_KEY, O_THREADS, O_UDP, O_TCP, O_TLS, O_TLS_MIN };

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

static int serve_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct serve_opts *o = ctx;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!o->cfg.cert_file != !o->cfg.key_file)
		return bs_cli_usage_error(cli, "--tls-cert and --tls-key go together");
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

static int serve_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct serve_opts *o = ctx;
	struct bs_http_config cfg = o->cfg;
	const char *udp = o->udp, *tcp = o->tcp, *tls = o->tls;
	char *cert = NULL, *key = NULL, *stats = NULL, fp[128] = "";
	struct bs_http *h = NULL;
	struct intake_run ir = { NULL, NULL, 0 };
	pthread_t itid;
	int started_intake = 0, err, rc = 1, swept;
	sigset_t set;

	(void)argc;
	(void)argv;
	cfg.datadir = dd->path;
	/* A test data directory's passwords are hashed at the weakest cost (datadir.h): such a
	 * server is reachable from this machine only. */
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
		if (cfg.tls_min == 12)
			fprintf(stderr, "brokersec serve: TLS 1.2 accepted as well as 1.3 (--tls-min 1.2): use it "
				"only while some client lacks TLS 1.3 (see docs/tls.md)\n");
	}
	/* a server whose start cannot be logged would answer unlogged: it stops (fail closed) */
	if ((err = bs_audit(dd, "serve.start", "success", NULL, "HTTPS API started on %s (TLS %s and later)", cfg.listen,
			    cfg.tls_min == 12 ? "1.2" : "1.3")) < 0)
		goto fail;
	for (;;) {
		struct timespec wait = { 600, 0 };
		int sig = sigtimedwait(&set, NULL, &wait);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig < 0 && errno == EAGAIN && bs_account_sweep(dd, &swept) < 0)
			fprintf(stderr, "brokersec serve: account sweep: %s\n", bs_error_message());
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
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", serve_run, 0, NULL, serve_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", serve_option, self, NULL };
	struct serve_opts o = { { NULL, "127.0.0.1:8443", NULL, NULL, 0 }, NULL, NULL, NULL };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
