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
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out, enum bs_lang lang)
{
	fprintf(out, "%s\n\n", BS_T(lang, "用法: brokersec [--data 目錄] [--lang zh-TW|en] <命令> [選項]",
				    "usage: brokersec [--data DIR] [--lang zh-TW|en] <command> [options]"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, BS_T(lang, commands[i].summary_zh, commands[i].summary_en));
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
