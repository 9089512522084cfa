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
};

static const struct command commands[] = {
	{ "init", cmd_init, BS_CMD_NO_DATADIR, "建立資料目錄與組織設定", "create a data directory and the organisation profile" },
	{ "profile", cmd_profile, BS_CMD_PER_VERB, "檢視或變更組織設定（適用條件）", "show or change the organisation profile" },
	{ "controls", cmd_controls, BS_CMD_NO_DATADIR, "法規控制項目錄", "the regulation catalog" },
	{ "evidence", cmd_evidence, BS_CMD_PER_VERB, "附上與列出佐證檔案", "attach and list evidence files" },
	{ "status", cmd_status, BS_CMD_DATADIR, "各控制項符合狀態", "compliance state of every control" },
	{ "scan", cmd_scan, BS_CMD_NO_DATADIR, "主機檢查（Linux、--root、Windows 匯出檔）", "host assessment (Linux, --root, Windows exports)" },
	{ "intake", cmd_intake, BS_CMD_DATADIR | BS_CMD_WRITES, "接收 syslog（UDP、TCP、TLS）寫入事件紀錄", "receive syslog (UDP, TCP, TLS) into the event log" },
	{ "user", cmd_user, BS_CMD_PER_VERB, "帳號生命週期：新增、停用、角色、重設、審查", "accounts: add, disable, role, reset, review" },
	{ "policy", cmd_policy, BS_CMD_PER_VERB, "密碼、鎖定與連線政策（只能更嚴格）", "password, lockout and session policy (stricter only)" },
	{ "serve", cmd_serve, BS_CMD_DATADIR | BS_CMD_WRITES, "HTTPS 伺服器：JSON API 與事件接收", "HTTPS server: JSON API and event intake" },
	{ "log", cmd_log, BS_CMD_PER_VERB, "防竄改事件紀錄：新增、查詢、驗證、匯出", "the tamper-evident event log: append, search, verify, export" },
	{ "due", cmd_due, BS_CMD_DATADIR, "各項期限（評估、演練、訓練、備份…）", "every deadline: assessments, drills, training, backups ..." },
	{ "help", cmd_help, BS_CMD_NO_DATADIR, NULL, NULL },
	{ "version", cmd_version, BS_CMD_NO_DATADIR, NULL, NULL },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out, enum bs_lang lang)
{
	fprintf(out, "%s\n\n", BS_T(lang, "用法: brokersec [--data 目錄] [--lang zh-TW|en] <命令> [選項]",
				    "usage: brokersec [--data DIR] [--lang zh-TW|en] <command> [options]"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].summary_zh)
			fprintf(out, "  %-15s %s\n", commands[i].name, BS_T(lang, commands[i].summary_zh, commands[i].summary_en));
	/* the registers, from their descriptors, in bs_registers[] order */
	for (size_t i = 0; bs_registers[i]; i++)
		fprintf(out, "  %-15s %s\n", bs_registers[i]->name,
			BS_T(lang, bs_registers[i]->summary_zh, bs_registers[i]->summary_en));
	fprintf(out, "\n%s\n", BS_T(lang, "每個命令皆可加 --help。資料目錄：--data，否則 $BROKERSEC_DATA，否則 ./brokersec-data。",
				    "Every command takes --help. Data directory: --data, else $BROKERSEC_DATA, else ./brokersec-data."));
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
	optind = 0; /* glibc: fully reinitialise getopt for the command's own parse */
	for (size_t c = 0; c < NCOMMANDS; c++) {
		if (!strcmp(argv[i], commands[c].name)) {
			cli.command = commands[c].name;
			cli.flags = commands[c].flags;
			return commands[c].run(argc - i, argv + i, &cli);
		}
	}
	/* a register is a command by its descriptor alone */
	const struct bs_register *r = bs_register_find(argv[i]);
	if (r) {
		cli.command = r->name;
		cli.flags = BS_CMD_PER_VERB;
		return cmd_register(argc - i, argv + i, &cli);
	}
	fprintf(stderr, "brokersec: unknown command '%s'\n", argv[i]);
	usage(stderr, cli.lang);
	return 2;
}
