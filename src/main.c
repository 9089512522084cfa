/*
 * main.c - the command table and dispatch, nothing else.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/error.h"
#include "registry/registry.h"

#ifndef BS_VERSION
#define BS_VERSION "0.0.0-dev"
#endif

static int cmd_help(int argc, char **argv, struct bs_cli *cli);
static int cmd_version(int argc, char **argv, struct bs_cli *cli);

/* One row per command; the setup its flags name is done by bs_cli_dispatch() (cmd/cmd.h).
 * Registers have no rows: any name bs_register_find() knows runs cmd_register. A row without
 * a summary is not listed by --help. */
struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct bs_cli *cli);
	unsigned flags; /* BS_CMD_* */
	const char *summary_zh;
	const char *summary_en;
	/* what an account acting with --as / --token-file must hold to read / to change state
	 * (docs/roles.md); none given: registers.read / registers.write */
	enum bs_perm perm_read, perm_write;
};

static const struct command commands[] = {
	{ "init", cmd_init, BS_CMD_NO_DATADIR, "建立資料目錄與組織設定", "create a data directory and the organisation profile", BS_PERM_USERS_WRITE, BS_PERM_USERS_WRITE },
	{ "profile", cmd_profile, BS_CMD_PER_VERB, "檢視或變更組織設定（適用條件）", "show or change the organisation profile", BS_PERM_POLICY_READ, BS_PERM_POLICY_WRITE },
	{ "controls", cmd_controls, BS_CMD_NO_DATADIR, "法規控制項目錄", "the regulation catalog", BS_PERM_CONTROLS_READ, BS_PERM_CONTROLS_READ },
	{ "evidence", cmd_evidence, BS_CMD_PER_VERB, "附上與列出佐證檔案", "attach and list evidence files", BS_PERM_EVIDENCE_READ, BS_PERM_EVIDENCE_WRITE },
	{ "status", cmd_status, BS_CMD_DATADIR, "各控制項符合狀態", "compliance state of every control", BS_PERM_STATUS_READ, BS_PERM_STATUS_READ },
	{ "scan", cmd_scan, BS_CMD_NO_DATADIR, "主機檢查（Linux、--root、Windows 匯出檔）", "host assessment (Linux, --root, Windows exports)", BS_PERM_STATUS_READ, BS_PERM_EVIDENCE_WRITE },
	{ "intake", cmd_intake, BS_CMD_DATADIR | BS_CMD_WRITES, "接收 syslog（UDP、TCP、TLS）寫入事件紀錄", "receive syslog (UDP, TCP, TLS) into the event log", BS_PERM_EVENTS_APPEND, BS_PERM_EVENTS_APPEND },
	{ "user", cmd_user, BS_CMD_PER_VERB, "帳號生命週期：新增、停用、角色、重設、審查", "accounts: add, disable, role, reset, review", BS_PERM_USERS_READ, BS_PERM_USERS_WRITE },
	{ "policy", cmd_policy, BS_CMD_PER_VERB, "密碼、鎖定與連線政策（只能更嚴格）", "password, lockout and session policy (stricter only)", BS_PERM_POLICY_READ, BS_PERM_POLICY_WRITE },
	{ "serve", cmd_serve, BS_CMD_DATADIR | BS_CMD_WRITES, "HTTPS 伺服器：JSON API 與事件接收", "HTTPS server: JSON API and event intake", BS_PERM_USERS_WRITE, BS_PERM_USERS_WRITE },
	{ "log", cmd_log, BS_CMD_PER_VERB, "防竄改事件紀錄：新增、查詢、驗證、匯出", "the tamper-evident event log: append, search, verify, export", BS_PERM_EVENTS_READ, BS_PERM_EVENTS_APPEND },
	{ "witness", cmd_witness, BS_CMD_PER_VERB, "作為其他 brokersec 事件紀錄之見證者：固定金鑰、列出鏈頭", "witness of other brokersecs' event logs: pin a key, list heads", BS_PERM_EVENTS_READ, BS_PERM_WITNESS_WRITE },
	{ "due", cmd_due, BS_CMD_DATADIR, "各項期限（評估、演練、訓練、備份…）", "every deadline: assessments, drills, training, backups ...", BS_PERM_REGISTERS_READ, BS_PERM_REGISTERS_READ },
	{ "report", cmd_report, BS_CMD_PER_VERB, "電腦系統資訊安全評估報告（html、pdf、docx、oscal）與驗證", "the assessment report (html, pdf, docx, oscal) and its verification", BS_PERM_REGISTERS_READ, BS_PERM_REGISTERS_WRITE },
	{ "assessment", cmd_assessment, BS_CMD_PER_VERB, "資訊安全評估：計畫、範圍、抽測、結果、缺失、追蹤、結案", "security assessments: plan, scope, sample, results, findings, follow-up, close", BS_PERM_REGISTERS_READ, BS_PERM_REGISTERS_WRITE },
	{ "fim", cmd_fim, BS_CMD_PER_VERB, "檔案完整性與勒索軟體偵測：基準、比對、即時監控（第十五條、附件三）", "file integrity and ransomware detection: baseline, check, watch (SR.15, A3.4)", BS_PERM_STATUS_READ, BS_PERM_EVIDENCE_WRITE },
	{ "lookalike", cmd_lookalike, BS_CMD_PER_VERB, "網釣仿冒網域：變形、偵測、提醒客戶（第十四條）", "phishing look-alike domains: permutations, detection, customer notice (第十四條)", BS_PERM_STATUS_READ, BS_PERM_EVIDENCE_WRITE },
	{ "vuln", cmd_vuln, BS_CMD_PER_VERB, "漏洞修復：軟體盤點、弱點通報比對、修復期限（第十五條）", "vulnerabilities: inventories, advisory feeds, remediation deadlines (第十五條)", BS_PERM_REGISTERS_READ, BS_PERM_REGISTERS_WRITE },
	{ "backup", cmd_backup, BS_CMD_PER_VERB, "備份本資料目錄：建立、驗證、還原測試（第十二條、A3.7.11）", "back up this data directory: create, verify, restore test (SR.12, A3.7.11)", BS_PERM_REGISTERS_READ, BS_PERM_POLICY_WRITE },
	{ "notify", cmd_notify, BS_CMD_PER_VERB, "通知：事件與到期作業以電子郵件或 webhook 告知相關人員", "notifications: events and duties told by e-mail or webhook", BS_PERM_EVENTS_READ, BS_PERM_POLICY_WRITE },
	{ "help", cmd_help, BS_CMD_NO_DATADIR, NULL, NULL },
	{ "version", cmd_version, BS_CMD_NO_DATADIR, NULL, NULL },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out, enum bs_lang lang)
{
	fprintf(out, "%s\n\n", BS_T(lang, "用法: brokersec [--data 目錄] [--lang zh-TW|en] [--as 帳號] [--roc-dates] <命令> [選項]",
				    "usage: brokersec [--data DIR] [--lang zh-TW|en] [--as USER] [--roc-dates] <command> [options]"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].summary_zh)
			fprintf(out, "  %-15s %s\n", commands[i].name, BS_T(lang, commands[i].summary_zh, commands[i].summary_en));
	/* the registers, from their descriptors, in bs_registers[] order */
	for (size_t i = 0; bs_registers[i]; i++)
		fprintf(out, "  %-15s %s\n", bs_registers[i]->name,
			BS_T(lang, bs_registers[i]->summary_zh, bs_registers[i]->summary_en));
	fprintf(out, "\n%s\n", BS_T(lang, "每個命令皆可加 --help。資料目錄：--data，否則 $BROKERSEC_DATA，否則 ./brokersec-data。\n"
				    "--as 帳號：以該 brokersec 帳號身分執行並記錄（密碼取自 --password-file、$BROKERSEC_PASSWORD\n"
				    "或終端機提示，絕不取自命令列）；--token-file 檔案：以 API 符記的帳號身分；未指定時記錄作業系統使用者。\n"
				    "--roc-dates：表格與報告以民國年顯示日期。",
				    "Every command takes --help. Data directory: --data, else $BROKERSEC_DATA, else ./brokersec-data.\n"
				    "--as USER: act and be recorded as that brokersec account (password from --password-file,\n"
				    "$BROKERSEC_PASSWORD or a terminal prompt, never the command line); --token-file FILE: as the\n"
				    "account of an API token; otherwise the OS user is recorded. --roc-dates: 民國 years in tables."));
}

static int cmd_help(int argc, char **argv, struct bs_cli *cli)
{
	(void)argc;
	(void)argv;
	usage(stdout, cli->lang);
	return 0;
}

static int cmd_version(int argc, char **argv, struct bs_cli *cli)
{
	(void)argc;
	(void)argv;
	(void)cli;
	printf("brokersec %s\n", BS_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	struct bs_cli cli = { "brokersec", "", NULL, bs_lang_default(), "", 0, "" };
	int i = 1;

	if (sodium_init() < 0) {
		fprintf(stderr, "brokersec: cannot initialise libsodium\n");
		return 1;
	}
	/* Options before the command apply to it as if given after. */
	while (i < argc && argv[i][0] == '-') {
		static const struct {
			const char *name;
			int opt, has_arg;
		} global[] = {
			{ "--data", BS_OPT_DATA, 1 }, { "--lang", BS_OPT_LANG, 1 }, { "--as", BS_OPT_AS, 1 },
			{ "--password-file", BS_OPT_PASSWORD_FILE, 1 }, { "--token-file", BS_OPT_TOKEN_FILE, 1 },
			{ "--roc-dates", BS_OPT_ROC_DATES, 0 }, { "--password", BS_OPT_PASSWORD, 1 },
		};
		const char *a = argv[i];
		size_t g, n = 0;
		if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			printf("brokersec %s\n", BS_VERSION);
			return 0;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, cli.lang);
			return 0;
		}
		for (g = 0; g < sizeof(global) / sizeof(global[0]); g++) {
			n = strlen(global[g].name);
			if (!strncmp(a, global[g].name, n) && (a[n] == '\0' || (a[n] == '=' && global[g].has_arg)))
				break;
		}
		if (g == sizeof(global) / sizeof(global[0])) {
			fprintf(stderr, BS_T(cli.lang, "brokersec: 不認得的選項 '%s'\n", "brokersec: unknown option '%s'\n"), a);
			usage(stderr, cli.lang);
			return 2;
		}
		const char *arg = NULL;
		if (global[g].has_arg) {
			if (a[n] == '=') {
				arg = a + n + 1;
			} else if (i + 1 < argc) {
				arg = argv[++i];
			} else {
				fprintf(stderr, BS_T(cli.lang, "brokersec: %s 需要一個值\n", "brokersec: %s needs a value\n"), a);
				return 2;
			}
		}
		cli.command = "";
		if (global[g].opt == BS_OPT_LANG && bs_lang_parse(arg, &cli.lang) < 0) {
			fprintf(stderr, "brokersec: %s\n", bs_error_message());
			return 2;
		}
		if (global[g].opt != BS_OPT_LANG && bs_cli_common_option(&cli, global[g].opt, arg) >= 0)
			return 2;
		i++;
	}
	if (i >= argc) {
		usage(stderr, cli.lang);
		return 2;
	}
	optind = 0; /* glibc: fully reinitialise getopt for the command's own parse */
	for (size_t c = 0; c < NCOMMANDS; c++) {
		if (!strcmp(argv[i], commands[c].name)) {
			cli.command = commands[c].name;
			cli.flags = commands[c].flags;
			cli.summary_zh = commands[c].summary_zh;
			cli.perm_read = commands[c].perm_read;
			cli.perm_write = commands[c].perm_write;
			return commands[c].run(argc - i, argv + i, &cli);
		}
	}
	/* a register is a command by its descriptor alone */
	const struct bs_register *r = bs_register_find(argv[i]);
	if (r) {
		cli.command = r->name;
		cli.flags = BS_CMD_PER_VERB;
		cli.summary_zh = r->summary_zh;
		return cmd_register(argc - i, argv + i, &cli);
	}
	fprintf(stderr, BS_T(cli.lang, "brokersec: 不認得的命令 '%s'\n", "brokersec: unknown command '%s'\n"), argv[i]);
	usage(stderr, cli.lang);
	return 2;
}
