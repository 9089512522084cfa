/* brokersec intake: receive syslog over UDP, TCP and TLS into the event log until SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/buf.h"
#include "eventlog/eventlog.h"
#include "intake/intake.h"

static const char usage_text[] =
	"usage: brokersec intake [--syslog-udp ADDR:PORT] [--syslog-tcp ADDR:PORT] [--syslog-tls ADDR:PORT]\n"
	"                        [--tls-cert FILE --tls-key FILE] [--tls-client-ca FILE]\n"
	"                        [--tls-client-fingerprint SHA256:HEX]... [--max-message BYTES]\n"
	"                        [--max-connections N] [--data DIR]\n"
	"Receives syslog (RFC 5424 and RFC 3164; TCP with octet counting or LF framing; TLS per\n"
	"RFC 5425) into the event log until SIGTERM or SIGINT, then stores what was received and\n"
	"exits. ADDR:PORT: 127.0.0.1:514, [::1]:514, *:514; port 0 picks a free port (printed).\n"
	"Without --tls-cert/--tls-key, TLS uses DIR/tls/cert.pem and key.pem, made self-signed\n"
	"when missing. --tls-client-ca (CA certificates, PEM) and --tls-client-fingerprint\n"
	"(up to 64) make TLS senders present a certificate signed by such a CA or with such\n"
	"a SHA-256 fingerprint (either suffices); without them anyone who reaches the TLS\n"
	"port may write to the log. --max-connections (1-65536, default 1024): at the limit\n"
	"the connection idle longest (60 s at least) makes room, else the new one is refused.\n"
	"Counters (received, stored, dropped) go to DIR/intake.stats.\n";
static const char usage_zh[] =
	"用法: brokersec intake [--syslog-udp 位址:埠] [--syslog-tcp 位址:埠] [--syslog-tls 位址:埠]\n"
	"                       [--tls-cert 檔案 --tls-key 檔案] [--tls-client-ca 檔案]\n"
	"                       [--tls-client-fingerprint SHA256:HEX]... [--max-message 位元組]\n"
	"                       [--max-connections N] [--data 目錄]\n"
	"接收 syslog（RFC 5424 與 RFC 3164；TCP 以位元組計數或換行分隔；TLS 依 RFC 5425）寫入事件紀錄，\n"
	"直到收到 SIGTERM 或 SIGINT，保存已收到者後結束。\n"
	"位址:埠 例：127.0.0.1:514、[::1]:514、*:514；埠 0 表示選用空閒之埠（並顯示）。\n"
	"未給 --tls-cert/--tls-key 時，TLS 使用 目錄/tls/cert.pem 與 key.pem，缺少時自動產生自簽憑證。\n"
	"--tls-client-ca（CA 憑證，PEM）與 --tls-client-fingerprint（最多 64 個）要求 TLS 傳送端出示\n"
	"由該 CA 簽發或具該 SHA-256 指紋之憑證（符合其一即可）；未設定時，能連上 TLS 埠者皆可寫入紀錄。\n"
	"--max-connections（1-65536，預設 1024）：達上限時，閒置最久（至少 60 秒）之連線讓位，否則拒絕新連線。\n"
	"計數（已接收、已保存、已捨棄）寫入 目錄/intake.stats。\n";

static struct bs_intake *running;

static void on_signal(int sig)
{
	(void)sig;
	if (running)
		bs_intake_stop(running);
}

static void notify(void *ctx, int is_error, const char *line)
{
	struct bs_cli *cli = ctx;
	fprintf(stderr, "%s %s: %s%s\n", cli->prog, cli->command, is_error ? "error: " : "", line);
}

/* An event about the intake itself (start, stop): who ran it, where it listens. */
static int record(struct bs_eventlog *log, struct bs_intake *in, const char *actor, const char *type,
		  const char *outcome, const char *message)
{
	struct bs_buf data = BS_BUF_INIT;
	struct bs_event ev;
	static const char *const tr[] = { "udp", "tcp", "tls" };
	char addr[80];
	int err, first = 1;

	bs_buf_puts(&data, "{\"listen\":{");
	for (int t = 0; t < 3; t++)
		if (bs_intake_address(in, tr[t], addr, sizeof(addr)) == 0) {
			bs_buf_printf(&data, "%s\"%s\":\"%s\"", first ? "" : ",", tr[t], addr);
			first = 0;
		}
	bs_buf_puts(&data, "}}");
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.severity = 5;
	ev.source = "cli";
	ev.user = actor;
	ev.outcome = outcome;
	ev.message = message;
	ev.data = data.ptr;
	err = bs_eventlog_append(log, &ev, 1);
	bs_buf_release(&data);
	return err;
}

struct intake_opts {
	struct bs_intake_config cfg;
	const char *client_fps[BS_INTAKE_CLIENT_FINGERPRINTS_MAX];
	size_t nclient_fps;
};

enum { OPT_UDP = 0x2000, OPT_TCP, OPT_TLS, OPT_CERT, OPT_KEY, OPT_MAXMSG, OPT_CLIENT_CA, OPT_CLIENT_FP, OPT_MAXCONN };

static int intake_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct intake_opts *o = ctx;
	struct bs_intake_config *cfg = &o->cfg;

	if (opt == OPT_UDP) {
		cfg->udp = arg;
	} else if (opt == OPT_TCP) {
		cfg->tcp = arg;
	} else if (opt == OPT_TLS) {
		cfg->tls = arg;
	} else if (opt == OPT_CERT) {
		cfg->tls_cert = arg;
	} else if (opt == OPT_KEY) {
		cfg->tls_key = arg;
	} else if (opt == OPT_MAXMSG) {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);
		if (*end || v < 480 || v > BS_INTAKE_FRAME_MAX)
			return bs_cli_usage_error(cli, "--max-message '%s': give a number of bytes from 480 to %d", arg,
						  BS_INTAKE_FRAME_MAX);
		cfg->max_message = v;
	} else if (opt == OPT_CLIENT_CA) {
		cfg->tls_client_ca = arg;
	} else if (opt == OPT_CLIENT_FP) {
		if (o->nclient_fps == BS_INTAKE_CLIENT_FINGERPRINTS_MAX)
			return bs_cli_usage_error(cli, "more than %d --tls-client-fingerprint values: use "
						  "--tls-client-ca with a CA that signs the senders' certificates",
						  BS_INTAKE_CLIENT_FINGERPRINTS_MAX);
		o->client_fps[o->nclient_fps++] = arg;
	} else if (opt == OPT_MAXCONN) {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);
		if (!*arg || *end || arg[0] == '-' || v < 1 || v > 65536)
			return bs_cli_usage_error(cli, "--max-connections '%s': give a number from 1 to 65536", arg);
		cfg->max_connections = v;
	}
	return -1;
}

static int intake_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct intake_opts *o = ctx;
	struct bs_intake_config *cfg = &o->cfg;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!cfg->udp && !cfg->tcp && !cfg->tls)
		return bs_cli_usage_error(cli, "nothing to listen on: give --syslog-udp, --syslog-tcp or --syslog-tls");
	if (!cfg->tls_cert != !cfg->tls_key)
		return bs_cli_usage_error(cli, "--tls-cert and --tls-key go together");
	if ((cfg->tls_cert || cfg->tls_key) && !cfg->tls)
		return bs_cli_usage_error(cli, "--tls-cert and --tls-key need --syslog-tls");
	if ((cfg->tls_client_ca || o->nclient_fps) && !cfg->tls)
		return bs_cli_usage_error(cli, "--tls-client-ca and --tls-client-fingerprint need --syslog-tls");
	cfg->tls_client_fingerprints = o->client_fps;
	cfg->tls_client_fingerprint_count = o->nclient_fps;
	return -1;
}

static int intake_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct intake_opts *o = ctx;
	struct bs_intake_config cfg = o->cfg;
	struct bs_eventlog *log = NULL;
	struct bs_intake *in = NULL;
	struct bs_intake_stats st;
	struct sigaction sa;
	char *cert = NULL, *key = NULL, *stats = NULL, fp[80];
	size_t nclient_fps = o->nclient_fps;
	int err, status = 1;

	(void)argc;
	(void)argv;
	if ((err = bs_eventlog_open(&log, dd->path)) < 0)
		goto fail;
	if (cfg.tls && !cfg.tls_cert) {
		if ((err = bs_intake_tls_ensure(dd->path, &cert, &key, fp, sizeof(fp))) < 0)
			goto fail;
		cfg.tls_cert = cert;
		cfg.tls_key = key;
		fprintf(stderr, "%s %s: tls certificate %s (%s)\n", cli->prog, cli->command, cert, fp);
	}
	stats = bs_intake_stats_file(dd->path);
	cfg.stats_path = stats;
	cfg.log = log; /* pipelined, trusted batches (the sink is for unit tests) */
	cfg.notify = notify;
	cfg.notify_ctx = cli;
	if ((err = bs_intake_create(&in, &cfg)) < 0)
		goto fail;
	if (cfg.tls && !cfg.tls_client_ca && !nclient_fps)
		fprintf(stderr, "%s %s: warning: tls clients are not authenticated: anyone who can reach the tls "
			"port may write to the log; allow only the senders in a firewall, or give --tls-client-ca "
			"or --tls-client-fingerprint\n", cli->prog, cli->command);
	else if (cfg.tls)
		fprintf(stderr, "%s %s: tls clients must present a certificate%s%s%s%s\n", cli->prog, cli->command,
			cfg.tls_client_ca ? " signed by a CA in " : "", cfg.tls_client_ca ? cfg.tls_client_ca : "",
			cfg.tls_client_ca && nclient_fps ? ", or one" : "",
			nclient_fps ? " with an allowed SHA-256 fingerprint" : "");
	if ((err = record(log, in, dd->actor, "intake.start", "success", "syslog intake started")) < 0)
		goto fail;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	running = in;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = bs_intake_run(in);
	running = NULL;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	bs_intake_get_stats(in, &st);
	fprintf(stderr, "%s %s: received %lld (udp %lld, tcp %lld, tls %lld), stored %lld (%lld malformed), "
		"udp dropped %lld (kernel %lld)\n", cli->prog, cli->command,
		(long long)(st.received_udp + st.received_tcp + st.received_tls), (long long)st.received_udp,
		(long long)st.received_tcp, (long long)st.received_tls, (long long)st.committed,
		(long long)st.malformed, (long long)st.dropped_udp, (long long)st.dropped_udp_kernel);
	if (err < 0) {
		/* keep this run's message: recording the stop may overwrite it */
		bs_cli_fail(cli, err);
		(void)record(log, in, dd->actor, "intake.stop", "failure", "syslog intake stopped; some messages were not stored");
		goto done;
	}
	if ((err = record(log, in, dd->actor, "intake.stop", "success", "syslog intake stopped")) < 0)
		goto fail;
	status = 0;
	goto done;
fail:
	bs_cli_fail(cli, err);
done:
	bs_intake_free(in);
	bs_eventlog_close(log);
	free(cert);
	free(key);
	free(stats);
	return status;
}

int cmd_intake(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "syslog-udp", required_argument, NULL, OPT_UDP },
		{ "syslog-tcp", required_argument, NULL, OPT_TCP },
		{ "syslog-tls", required_argument, NULL, OPT_TLS },
		{ "tls-cert", required_argument, NULL, OPT_CERT },
		{ "tls-key", required_argument, NULL, OPT_KEY },
		{ "max-message", required_argument, NULL, OPT_MAXMSG },
		{ "tls-client-ca", required_argument, NULL, OPT_CLIENT_CA },
		{ "tls-client-fingerprint", required_argument, NULL, OPT_CLIENT_FP },
		{ "max-connections", required_argument, NULL, OPT_MAXCONN },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", intake_run, 0, NULL, intake_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", intake_option, self, NULL };
	struct intake_opts o;

	memset(&o, 0, sizeof(o));
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
