/*
 * main.c - the command table and dispatch, nothing else.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/error.h"

#ifndef BS_VERSION
#define BS_VERSION "0.0.0-dev"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct bs_cli *cli);
	const char *summary_zh;
	const char *summary_en;
};

static const struct command commands[] = {
	{ "init", cmd_init, "建立資料目錄與組織設定", "create a data directory and the organisation profile" },
	{ "profile", cmd_profile, "檢視或變更組織設定（適用條件）", "show or change the organisation profile" },
	{ "controls", cmd_controls, "法規控制項目錄", "the regulation catalog" },
	{ "evidence", cmd_evidence, "附上與列出佐證檔案", "attach and list evidence files" },
	{ "status", cmd_status, "各控制項符合狀態", "compliance state of every control" },
	{ "scan", cmd_scan, "主機檢查（Linux、--root、Windows 匯出檔）", "host assessment (Linux, --root, Windows exports)" },
	{ "intake", cmd_intake, "接收 syslog（UDP、TCP、TLS）寫入事件紀錄", "receive syslog (UDP, TCP, TLS) into the event log" },
	{ "user", cmd_user, "帳號生命週期：新增、停用、角色、重設、審查", "accounts: add, disable, role, reset, review" },
	{ "policy", cmd_policy, "密碼、鎖定與連線政策（只能更嚴格）", "password, lockout and session policy (stricter only)" },
	{ "serve", cmd_serve, "HTTPS 伺服器：JSON API 與事件接收", "HTTPS server: JSON API and event intake" },
	{ "log", cmd_log, "防竄改事件紀錄：新增、查詢、驗證、匯出", "the tamper-evident event log: append, search, verify, export" },
	{ "due", cmd_due, "各項期限（評估、演練、訓練、備份…）", "every deadline: assessments, drills, training, backups ..." },
	{ "asset", cmd_register, "資訊資產登錄", "register: information assets" },
	{ "system", cmd_register, "電腦系統登錄（分類）", "register: computer systems and their category" },
	{ "device", cmd_register, "設備登錄", "register: devices" },
	{ "person", cmd_register, "人員登錄", "register: people" },
	{ "training", cmd_register, "教育訓練時數", "register: training hours" },
	{ "job-change", cmd_register, "職務異動", "register: job changes" },
	{ "vendor", cmd_register, "委外廠商", "register: vendors" },
	{ "app", cmd_register, "行動應用程式", "register: mobile apps" },
	{ "policy-doc", cmd_register, "規範文件", "register: policy documents" },
	{ "incident", cmd_register, "資安事件", "register: incidents" },
	{ "disposal", cmd_register, "設備報廢", "register: disposals" },
	{ "drill", cmd_register, "演練（社交工程、業務持續）", "register: drills" },
	{ "plan", cmd_register, "評估計畫", "register: assessment plans" },
	{ "assessment", cmd_register, "資安評估紀錄", "register: completed assessments" },
	{ "backup", cmd_register, "備份", "register: backups" },
	{ "account-review", cmd_register, "帳號審核", "register: account reviews" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out, enum bs_lang lang)
{
	fprintf(out, "%s\n\n", BS_T(lang, "用法: brokersec [--data 目錄] [--lang zh-TW|en] <命令> [選項]",
				    "usage: brokersec [--data DIR] [--lang zh-TW|en] <command> [options]"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-15s %s\n", commands[i].name, BS_T(lang, commands[i].summary_zh, commands[i].summary_en));
	fprintf(out, "\n%s\n", BS_T(lang, "每個命令皆可加 --help。資料目錄：--data，否則 $BROKERSEC_DATA，否則 ./brokersec-data。",
				    "Every command takes --help. Data directory: --data, else $BROKERSEC_DATA, else ./brokersec-data."));
}

int main(int argc, char **argv)
{
	struct bs_cli cli = { "brokersec", "", NULL, bs_lang_default(), "" };
	int i = 1;

	if (sodium_init() < 0) {
		fprintf(stderr, "brokersec: cannot initialise libsodium\n");
		return 1;
	}
	/* Options before the command apply to it as if given after. */
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			printf("brokersec %s\n", BS_VERSION);
			return 0;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, cli.lang);
			return 0;
		}
		if ((!strcmp(a, "--data") || !strcmp(a, "--lang")) && i + 1 < argc) {
			if (a[2] == 'd') {
				cli.data_flag = argv[i + 1];
			} else if (bs_lang_parse(argv[i + 1], &cli.lang) < 0) {
				fprintf(stderr, "brokersec: %s\n", bs_error_message());
				return 2;
			}
			i += 2;
			continue;
		}
		if (!strncmp(a, "--data=", 7)) {
			cli.data_flag = a + 7;
			i++;
			continue;
		}
		if (!strncmp(a, "--lang=", 7)) {
			if (bs_lang_parse(a + 7, &cli.lang) < 0) {
				fprintf(stderr, "brokersec: %s\n", bs_error_message());
				return 2;
			}
			i++;
			continue;
		}
		fprintf(stderr, "brokersec: unknown option '%s'\n", a);
		usage(stderr, cli.lang);
		return 2;
	}
	if (i >= argc) {
		usage(stderr, cli.lang);
		return 2;
	}
	if (!strcmp(argv[i], "version")) {
		printf("brokersec %s\n", BS_VERSION);
		return 0;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout, cli.lang);
		return 0;
	}
	for (size_t c = 0; c < NCOMMANDS; c++) {
		if (!strcmp(argv[i], commands[c].name)) {
			cli.command = commands[c].name;
			optind = 0; /* glibc: fully reinitialise getopt for the command's own parse */
			return commands[c].run(argc - i, argv + i, &cli);
		}
	}
	fprintf(stderr, "brokersec: unknown command '%s'\n", argv[i]);
	usage(stderr, cli.lang);
	return 2;
}
