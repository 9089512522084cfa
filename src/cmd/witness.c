/* brokersec witness trust|heads: this brokersec as the witness of other brokersecs' event
 * logs (issue 20, src/witness): pin a log's key before its first head arrives, and print the
 * heads kept (the lines `log verify --witness FILE` reads on the log's own host). */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "witness/witness.h"

static const char usage_text[] =
	"usage: brokersec witness trust LOG_ID bspub1-HEX [--data DIR]\n"
	"       brokersec witness heads LOG_ID [--data DIR]\n"
	"This brokersec keeps other brokersecs' event-log heads when they send them (their serve\n"
	"--witness https://THIS-HOST:PORT/api/v1/witness, with an API token holding witness.write).\n"
	"trust pins the key of log LOG_ID (the 32 hex digits of 'log=' in its head line) to the\n"
	"verification key's second line, bspub1-HEX, before its first head arrives; without it the key\n"
	"sent with the first head is pinned (trust on first use). A head signed with another key is\n"
	"refused (409). heads prints the heads kept of LOG_ID, a line each (for log verify --witness FILE).\n";
static const char usage_zh[] =
	"用法: brokersec witness trust 紀錄識別碼 bspub1-十六進位 [--data 目錄]\n"
	"      brokersec witness heads 紀錄識別碼 [--data 目錄]\n"
	"本 brokersec 保存其他 brokersec 送來之事件紀錄鏈頭（對方以 serve --witness https://本機:埠/api/v1/witness\n"
	"送出，使用具 witness.write 權限之 API 符記）。\n"
	"trust 於首個鏈頭送達前，將紀錄（其鏈頭行中 'log=' 之 32 位十六進位）之金鑰固定為驗證金鑰之第二行\n"
	"bspub1-十六進位；未先設定時，固定首個鏈頭所附之金鑰（首次使用即信任）。以其他金鑰簽章之鏈頭一律拒絕（409）。\n"
	"heads 逐行列出所保存之該紀錄鏈頭（供 log verify --witness 檔案 使用）。\n";

static int no_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	(void)cli, (void)ctx, (void)opt, (void)arg;
	return -1;
}

static int check_trust(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc != 2)
		return bs_cli_usage_error(cli, "witness trust needs LOG_ID and bspub1-HEX (the log's verification key's "
					  "second line)");
	return -1;
}

static int check_heads(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "witness heads needs LOG_ID");
	return -1;
}

static int run_trust(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	int err;
	(void)ctx, (void)argc;
	if ((err = bs_witness_trust(dd, argv[0], argv[1])) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s\n", BS_T(cli->lang, "已固定金鑰：", "key pinned:"), argv[0]);
	return bs_cli_flush(cli);
}

static int put_line(const struct bs_witness_head *h, void *ctx)
{
	(void)ctx;
	printf("%s\n", h->line);
	return 0;
}

static int run_heads(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	char pub[65];
	int err;
	(void)ctx, (void)argc;
	if ((err = bs_witness_heads(dd->store, argv[0], 0, -1, NULL, pub, put_line, NULL)) < 0)
		return bs_cli_fail(cli, err);
	if (!pub[0])
		return bs_cli_fail(cli, bs_error(BS_ENOTFOUND, "log '%.40s': this witness has no head of it ('brokersec "
						 "log head' on its host prints its id)", argv[0]));
	return bs_cli_flush(cli);
}

int cmd_witness(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = { BS_CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	static const struct bs_cli_verb verbs[] = {
		{ "trust", run_trust, BS_CMD_WRITES, "", check_trust },
		{ "heads", run_heads, BS_CMD_DATADIR, "", check_heads },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", no_option, verbs, NULL };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, NULL, argc, argv);
}
