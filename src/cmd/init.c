/* brokersec init: create the data directory with its database, keys and profile. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cmd/cmd.h"
#include "core/error.h"
#include "core/utf8.h"
#include "core/whoami.h"
#include "eventlog/eventlog.h"
#include "profile/profile.h"
#include "cmd/init_demo.h"
#include "demo/demo.h"

static const char usage_text[] =
	"usage: brokersec init --data DIR --org NAME --internal-control yes|no\n"
	"                      [--mail-server yes|no] [--online-insurance yes|no] [--mobile-app yes|no]\n"
	"                      [--cloud yes|no] [--byod yes|no] [--remote-work yes|no] [--admin USER]\n"
	"                      [--verification-key-file FILE] [--password-at-serve] [--seal-epoch DURATION]\n"
	"Creates DIR (mode 0700) with brokersec.db, keys/ and evidence/. DIR must not exist.\n"
	"--internal-control: the company has an internal audit and control system.\n"
	"The other yes|no options (mail server, online insurance, mobile app, cloud, BYOD, remote work)\n"
	"decide which controls apply ('brokersec profile set' changes them later).\n"
	"--admin USER: the first administrator's personal username (default: your login name);\n"
	"its one-time password is printed once and must be changed at first sign-in.\n"
	"--verification-key-file FILE: write the event log's verification key to FILE (new, mode 0600)\n"
	"instead of the screen; serve's sign-in screen then says where it went. Move it off this host.\n"
	"--seal-epoch DURATION: the event log's sealing epoch, 10s to 24h (default 15m): a thief of\n"
	"today's keys can rewrite at most the current epoch; each epoch costs one checkpoint.\n"
	"--password-at-serve: print no password now; 'serve' shows a new one-time password for the\n"
	"first administrator each time it starts until someone has signed in ('make run' does this).\n"
	"--demo: a demo data directory filled with a made-up small broker's generated records (--org and\n"
	"--internal-control then default to the demo company and yes; 'make demo' serves one). Every\n"
	"command, page and report of it says it is demo data; it cannot be made from an existing one.\n"
	"--test-fast-kdf: for the test suite only (needs BROKERSEC_TESTING=1): weak password hashing.\n";
static const char usage_zh[] =
	"用法: brokersec init --data 目錄 --org 名稱 --internal-control yes|no\n"
	"                     [--mail-server yes|no] [--online-insurance yes|no] [--mobile-app yes|no]\n"
	"                     [--cloud yes|no] [--byod yes|no] [--remote-work yes|no] [--admin 帳號]\n"
	"                     [--verification-key-file 檔案] [--password-at-serve] [--seal-epoch 時間長度]\n"
	"建立資料目錄（權限 0700），內含 brokersec.db、keys/ 與 evidence/；該目錄不得已存在。\n"
	"--internal-control：公司已實施內稽內控制度（yes 或 no）。\n"
	"其餘 yes|no 選項：是否有郵件伺服器、網路投保、行動應用程式、雲端服務、自攜裝置、遠端工作，\n"
	"決定哪些控制項適用（日後可用 'brokersec profile set' 變更）。\n"
	"--admin 帳號：第一位管理者之個人帳號（預設為您的登入名稱）；其一次性密碼只顯示一次，\n"
	"首次登入時必須變更。\n"
	"--verification-key-file 檔案：將事件紀錄驗證金鑰寫入該檔（新檔，權限 0600）而不顯示於畫面；\n"
	"serve 之登入說明會指出其位置。請將它移到本機以外保存。\n"
	"--seal-epoch 時間長度：事件紀錄封存時段之長度，10s 至 24h（預設 15m）：竊得今日金鑰者至多\n"
	"能改寫目前時段；每一時段多一個檢查點。\n"
	"--password-at-serve：此時不顯示密碼；在有人登入之前，'serve' 每次啟動時為第一位管理者\n"
	"產生新的一次性密碼並顯示（'make run' 即如此）。\n"
	"--demo：建立示範資料目錄，填入一家虛構小型經紀人公司之產生資料（此時 --org 與\n"
	"--internal-control 預設為示範公司與 yes；'make demo' 即以此提供網頁介面）。其每一指令、\n"
	"頁面與報告皆標示為示範資料；既有目錄不能改為示範資料目錄。\n"
	"--test-fast-kdf：僅供測試套件使用（須設定 BROKERSEC_TESTING=1）：密碼雜湊強度低。\n";

struct init_opts {
	const char *org, *admin;
	const char *vkey_file;
	int password_at_serve;
	int64_t seal_epoch_us;
	unsigned mask, given;
	unsigned flags;      /* BS_DATADIR_TEST_KDF */
};

enum { OPT_ORG = 0x2000, OPT_ADMIN, OPT_TEST_KDF, OPT_VKEY_FILE, OPT_PW_AT_SERVE, OPT_SEAL_EPOCH, OPT_FLAG = 0x2100 };
enum { OPT_DEMO = 0x2080 }; /* --demo (datadir.h, "demo data directories") */

static int init_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct init_opts *o = ctx;

	if (opt == OPT_ORG) {
		o->org = arg;
	} else if (opt == OPT_ADMIN) {
		o->admin = arg;
	} else if (opt == OPT_VKEY_FILE) {
		o->vkey_file = arg;
	} else if (opt == OPT_SEAL_EPOCH) {
		char *end;
		long long n = strtoll(arg, &end, 10);
		long long unit = !strcmp(end, "s") || !*end ? 1 : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600 : 0;
		if (end == arg || n <= 0 || !unit || n > 86400 || n * unit * 1000000 < BS_EVENTLOG_EPOCH_MIN_US ||
		    n * unit * 1000000 > BS_EVENTLOG_EPOCH_MAX_US)
			return bs_cli_usage_error(cli, "--seal-epoch takes 10s to 24h (a number with s, m or h), not '%s'", arg);
		o->seal_epoch_us = n * unit * 1000000;
	} else if (opt == OPT_PW_AT_SERVE) {
		o->password_at_serve = 1;
	} else if (opt == OPT_DEMO) {
		o->flags |= BS_DATADIR_DEMO;
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

	/* a demo directory is the demo company unless told otherwise (src/demo) */
	if ((o->flags & BS_DATADIR_DEMO) && !o->org)
		o->org = BS_DEMO_ORG;
	for (int f = 0; (o->flags & BS_DATADIR_DEMO) && f < BS_PF_COUNT; f++)
		if ((f == BS_PF_INTERNAL_CONTROL || f == BS_PF_ONLINE_INSURANCE || f == BS_PF_MOBILE_APP) &&
		    !(o->given & (1u << f))) {
			o->given |= 1u << f;
			o->mask |= 1u << f;
		}
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
	/* the key file is made after the directory (O_EXCL again then): refuse a clash before */
	if (o->vkey_file && (!*o->vkey_file || access(o->vkey_file, F_OK) == 0))
		return bs_cli_usage_error(cli, "--verification-key-file '%s' exists already (or is empty): the key is "
					  "never written over a file; move it away or name a new file", o->vkey_file);
	/* refused before anything exists (the library refuses it too): datadir.h */
	if ((o->flags & BS_DATADIR_TEST_KDF) && !bs_testing())
		return bs_cli_fail(cli, bs_error(BS_EDENIED, "--test-fast-kdf makes a test data directory with weak "
						 "password hashing: only the test suite may (%s=1 in the environment); "
						 "never use it for real accounts", BS_TESTING_ENV));
	return -1;
}

/* Writes the verification key to file and records where (datadir.h). */
static int write_vkey(struct bs_cli *cli, const char *path, const char *file, const char *vkey)
{
	struct bs_datadir *dd = NULL;
	char *abs = NULL;
	int err;

	if ((err = bs_vkey_file_write(file, vkey, &abs)) < 0)
		return err;
	if ((err = bs_datadir_open(&dd, path)) == 0) {
		dd->actor = bs_os_user();
		if ((err = bs_vkey_file_record(dd, abs)) == 0)
			err = bs_audit(dd, "eventlog.vkey_file", "success", NULL, "the event log's verification key was "
				       "written to '%s' (brokersec keeps no copy: move it off this host, to the auditor)", abs);
	}
	if (err == 0)
		printf("%s %s\n%s\n", BS_T(cli->lang, "事件紀錄驗證金鑰已寫入", "event log verification key written to"), abs,
		       BS_T(cli->lang, "（brokersec 未保留副本：請將此檔移到本機以外，交給稽核人員；'brokersec log verify --key 檔案' 需要它）",
			    "(brokersec keeps no copy: move this file off this host, to the auditor; "
			    "'brokersec log verify --key FILE' needs it)"));
	bs_datadir_free(dd);
	free(abs);
	return err;
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
	if ((err = bs_datadir_init_sealed(path, o->org, o->mask, bs_os_user(), o->flags, o->seal_epoch_us, vkey, sizeof(vkey))) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %s\n", BS_T(cli->lang, "已建立資料目錄", "created data directory"), path);
	if (o->flags & BS_DATADIR_TEST_KDF)
		fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command,
			BS_T(cli->lang, BS_TEST_DATADIR_WARNING_ZH, BS_TEST_DATADIR_WARNING_EN));
	/* The one time the verification key is shown or written: brokersec keeps no copy of it. */
	if (o->vkey_file && (err = write_vkey(cli, path, o->vkey_file, vkey)) == 0) {
		sodium_memzero(vkey, sizeof(vkey));
	} else {
		if (o->vkey_file) /* not lost: on the screen after all */
			fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command, bs_error_message());
		printf("%s\n%s\n", BS_T(cli->lang,
				"事件紀錄驗證金鑰（僅顯示這一次：請交給稽核人員離線保存，'brokersec log verify --key 檔案' 需要它）:",
				"event log verification key (shown only this once: give it to the auditor to keep offline; "
				"'brokersec log verify --key FILE' needs it):"), vkey);
		sodium_memzero(vkey, sizeof(vkey));
	}
	if ((r = bs_cli_init_auth(cli, path, o->admin, !o->password_at_serve)) != 0)
		return r;
	if ((o->flags & BS_DATADIR_DEMO) && (r = bs_cli_init_demo(cli, path)) != 0)
		return r;
	return bs_cli_flush(cli);
}

int cmd_init(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, OPT_ORG },
		{ "admin", required_argument, NULL, OPT_ADMIN },
		{ "test-fast-kdf", no_argument, NULL, OPT_TEST_KDF },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "verification-key-file", required_argument, NULL, OPT_VKEY_FILE },
		{ "password-at-serve", no_argument, NULL, OPT_PW_AT_SERVE },
		{ "seal-epoch", required_argument, NULL, OPT_SEAL_EPOCH },
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
	struct init_opts o;

	memset(&o, 0, sizeof(o));

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
