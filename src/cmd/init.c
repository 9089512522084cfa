/* brokersec init: create the data directory with its database, keys and profile. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/error.h"
#include "core/utf8.h"
#include "core/whoami.h"
#include "eventlog/eventlog.h"
#include "profile/profile.h"

static const char usage_text[] =
	"usage: brokersec init --data DIR --org NAME --internal-control yes|no\n"
	"                      [--mail-server yes|no] [--online-insurance yes|no] [--mobile-app yes|no]\n"
	"                      [--cloud yes|no] [--byod yes|no] [--remote-work yes|no] [--admin USER]\n"
	"Creates DIR (mode 0700) with brokersec.db, keys/ and evidence/. DIR must not exist.\n"
	"--internal-control: the company has an internal audit and control system.\n"
	"The other yes|no options (mail server, online insurance, mobile app, cloud, BYOD, remote work)\n"
	"decide which controls apply ('brokersec profile set' changes them later).\n"
	"--admin USER: the first administrator's personal username (default: your login name);\n"
	"its one-time password is printed once and must be changed at first sign-in.\n"
	"--test-fast-kdf: for the test suite only (needs BROKERSEC_TESTING=1): weak password hashing.\n";
static const char usage_zh[] =
	"用法: brokersec init --data 目錄 --org 名稱 --internal-control yes|no\n"
	"                     [--mail-server yes|no] [--online-insurance yes|no] [--mobile-app yes|no]\n"
	"                     [--cloud yes|no] [--byod yes|no] [--remote-work yes|no] [--admin 帳號]\n"
	"建立資料目錄（權限 0700），內含 brokersec.db、keys/ 與 evidence/；該目錄不得已存在。\n"
	"--internal-control：公司已實施內稽內控制度（yes 或 no）。\n"
	"其餘 yes|no 選項：是否有郵件伺服器、網路投保、行動應用程式、雲端服務、自攜裝置、遠端工作，\n"
	"決定哪些控制項適用（日後可用 'brokersec profile set' 變更）。\n"
	"--admin 帳號：第一位管理者之個人帳號（預設為您的登入名稱）；其一次性密碼只顯示一次，\n"
	"首次登入時必須變更。\n"
	"--test-fast-kdf：僅供測試套件使用（須設定 BROKERSEC_TESTING=1）：密碼雜湊強度低。\n";

struct init_opts {
	const char *org, *admin;
	unsigned mask, given;
	unsigned flags;      /* BS_DATADIR_TEST_KDF */
};

enum { OPT_ORG = 0x2000, OPT_ADMIN, OPT_TEST_KDF, OPT_FLAG = 0x2100 };

static int init_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct init_opts *o = ctx;

	if (opt == OPT_ORG) {
		o->org = arg;
	} else if (opt == OPT_ADMIN) {
		o->admin = arg;
	} else if (opt == OPT_TEST_KDF) {
		o->flags |= BS_DATADIR_TEST_KDF;
	} else if (opt >= OPT_FLAG && opt < OPT_FLAG + BS_PF_COUNT) {
		int f = opt - OPT_FLAG, v = bs_profile_parse_bool(arg);
		if (v < 0)
			return bs_cli_usage_error(cli, "--%s takes yes or no, not '%s'",
						  bs_profile_info((enum bs_profile_flag)f)->option, arg);
		o->given |= 1u << f;
		if (v)
			o->mask |= 1u << f;
	}
	return -1;
}

static int init_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct init_opts *o = ctx;
	const char *org = o->org;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!org)
		return bs_cli_usage_error(cli, "--org NAME is required (the company's registered name)");
	if (!*org || strlen(org) > 200 || !bs_utf8_valid_text(org, strlen(org)) || strpbrk(org, "\n\r\t"))
		return bs_cli_usage_error(cli, "--org must be 1 to 200 bytes of UTF-8 text on one line");
	if (!(o->given & (1u << BS_PF_INTERNAL_CONTROL)))
		return bs_cli_usage_error(cli, "--internal-control yes|no is required: it decides which clauses apply "
					  "(SR.4.4, SR.11, SR.12, SR.15, SR.20)");
	/* refused before anything exists (the library refuses it too): datadir.h */
	if ((o->flags & BS_DATADIR_TEST_KDF) && !bs_testing())
		return bs_cli_fail(cli, bs_error(BS_EDENIED, "--test-fast-kdf makes a test data directory with weak "
						 "password hashing: only the test suite may (%s=1 in the environment); "
						 "never use it for real accounts", BS_TESTING_ENV));
	return -1;
}

/* Makes the data directory, so the dispatcher opens none (BS_CMD_NO_DATADIR); the first
 * admin is made through it right after. */
static int init_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct init_opts *o = ctx;
	const char *path = bs_datadir_locate(cli->data_flag);
	char vkey[BS_EVENTLOG_VKEY_MAX];
	int r, err;

	(void)dd;
	(void)argc;
	(void)argv;
	if ((err = bs_datadir_init_flags(path, o->org, o->mask, bs_os_user(), o->flags, vkey, sizeof(vkey))) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s\n", BS_T(cli->lang, "已建立資料目錄", "created data directory"), path);
	if (o->flags & BS_DATADIR_TEST_KDF)
		fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command,
			BS_T(cli->lang, BS_TEST_DATADIR_WARNING_ZH, BS_TEST_DATADIR_WARNING_EN));
	/* The one time the verification key is shown: brokersec keeps no copy of it. */
	printf("%s\n%s\n", BS_T(cli->lang,
				"事件紀錄驗證金鑰（僅顯示這一次：請交給稽核人員離線保存，'brokersec log verify --key 檔案' 需要它）:",
				"event log verification key (shown only this once: give it to the auditor to keep offline; "
				"'brokersec log verify --key FILE' needs it):"), vkey);
	sodium_memzero(vkey, sizeof(vkey));
	if ((r = bs_cli_init_auth(cli, path, o->admin)) != 0)
		return r;
	return bs_cli_flush(cli);
}

int cmd_init(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, OPT_ORG },
		{ "admin", required_argument, NULL, OPT_ADMIN },
		{ "test-fast-kdf", no_argument, NULL, OPT_TEST_KDF },
		{ "internal-control", required_argument, NULL, OPT_FLAG + BS_PF_INTERNAL_CONTROL },
		{ "mail-server", required_argument, NULL, OPT_FLAG + BS_PF_MAIL_SERVER },
		{ "online-insurance", required_argument, NULL, OPT_FLAG + BS_PF_ONLINE_INSURANCE },
		{ "mobile-app", required_argument, NULL, OPT_FLAG + BS_PF_MOBILE_APP },
		{ "cloud", required_argument, NULL, OPT_FLAG + BS_PF_CLOUD },
		{ "byod", required_argument, NULL, OPT_FLAG + BS_PF_BYOD },
		{ "remote-work", required_argument, NULL, OPT_FLAG + BS_PF_REMOTE_WORK },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", init_run, 0, NULL, init_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", init_option, self, NULL };
	struct init_opts o = { NULL, NULL, 0, 0, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
