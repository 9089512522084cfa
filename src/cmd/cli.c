#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "core/whoami.h"
#include "eventlog/eventlog.h"

const char *bs_cli_usage(const struct bs_cli *cli)
{
	static struct bs_buf zh = BS_BUF_INIT; /* kept for the process: printed once, then exit */
	const char *u = cli->usage;

	if (cli->lang != BS_LANG_ZH_TW)
		return u;
	if (cli->usage_zh)
		return cli->usage_zh;
	/* Every command and register has a zh-TW text (t0016-help-language.sh fails otherwise);
	 * a new one without it still reads as zh-TW where it can until it gets one: "用法" for
	 * "usage" and the command's summary from main.c's table. */
	bs_buf_clear(&zh);
	for (const char *line = u; *line;) {
		size_t n = strcspn(line, "\n");
		if (!strncmp(line, "usage: ", 7))
			bs_buf_printf(&zh, "用法: %.*s", (int)(n - 7), line + 7);
		else
			bs_buf_put(&zh, line, n);
		line += n;
		if (*line == '\n') {
			bs_buf_putc(&zh, '\n');
			line++;
		}
	}
	if (cli->summary_zh)
		bs_buf_printf(&zh, "%s%s\n", zh.len && zh.ptr[zh.len - 1] != '\n' ? "\n" : "", cli->summary_zh);
	return zh.ptr ? zh.ptr : "";
}

/* Handles --data, --lang, --as, --password-file, --token-file, --roc-dates, --help or an
 * unknown option. Returns -1 to go on, else the exit status (0 after --help, 2 after a usage
 * error). */
int bs_cli_common_option(struct bs_cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case BS_OPT_DATA:
		if (!arg || !*arg)
			return bs_cli_usage_error(cli, BS_T(cli->lang, "--data 需要一個目錄", "--data needs a directory"));
		cli->data_flag = arg;
		return -1;
	case BS_OPT_LANG:
		if (bs_lang_parse(arg, &cli->lang) < 0)
			return bs_cli_usage_error(cli, "%s", bs_error_message());
		return -1;
	case BS_OPT_AS:
		if (!arg || !*arg)
			return bs_cli_usage_error(cli, BS_T(cli->lang, "--as 需要 brokersec 帳號名稱", "--as needs a brokersec account name"));
		cli->as_user = arg;
		return -1;
	case BS_OPT_PASSWORD_FILE:
		cli->password_file = arg;
		return -1;
	case BS_OPT_TOKEN_FILE:
		cli->token_file = arg;
		return -1;
	case BS_OPT_ROC_DATES:
		bs_dates_set_roc(1);
		return -1;
	case BS_OPT_PASSWORD:
		/* an option of its own so that "--password X" is not taken as --password-file X
		 * (getopt's abbreviations) and X never shows up in a message */
		return bs_cli_usage_error(cli, BS_T(cli->lang,
			"密碼絕不取自命令列（其他使用者可由 ps 看見）：請用 --password-file 檔案、$BROKERSEC_PASSWORD 或終端機提示",
			"a password is never taken from the command line (ps shows it to others): use --password-file FILE, "
			"$BROKERSEC_PASSWORD or the terminal prompt"));
	case BS_OPT_HELP:
		fputs(bs_cli_usage(cli), stdout);
		return 0;
	default:
		/* getopt_long has printed what was wrong */
		fprintf(stderr, "%s", bs_cli_usage(cli));
		return 2;
	}
}

int bs_cli_usage_error(struct bs_cli *cli, const char *fmt, ...)
{
	va_list ap;

	/* the officer's language, from the same tables as bs_error (tools/error-strings.sh checks
	 * both): a format already picked by BS_T is not in them and stays as it is */
	if (cli->lang == BS_LANG_ZH_TW && bs_error_zh(fmt))
		fmt = bs_error_zh(fmt);
	fprintf(stderr, "%s %s: ", cli->prog, cli->command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", bs_cli_usage(cli));
	return 2;
}

int bs_cli_fail(struct bs_cli *cli, int err)
{
	const char *msg = bs_error_message();
	size_t n = strlen(cli->command);

	/* Core messages about a register name it ("system: ...", in zh-TW "system：..."); here the
	 * command already does. */
	if (n && !strncmp(msg, cli->command, n) && !strncmp(msg + n, ": ", 2))
		msg += n + 2;
	else if (n && !strncmp(msg, cli->command, n) && !strncmp(msg + n, "：", strlen("：")))
		msg += n + strlen("：");
	fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command, *msg ? msg : bs_error_name(err));
	return 1;
}

int bs_cli_setup(struct bs_cli *cli, unsigned flags, struct bs_datadir **out)
{
	char alert[512];
	int err;

	*out = NULL;
	if (cli->password_file && !cli->as_user)
		return bs_error(BS_EINVALID, BS_T(cli->lang, "--password-file 只與 --as 使用者 一起使用",
						  "--password-file goes with --as USER"));
	if (!(flags & (BS_CMD_DATADIR | BS_CMD_WRITES | BS_CMD_SIGNED_IN))) {
		/* nobody to sign in as without a data directory: say so rather than ignore it */
		if (cli->as_user || cli->token_file)
			return bs_error(BS_EINVALID, BS_T(cli->lang, "'%s%s%s' 不開啟資料目錄，--as / --token-file 無從登入",
							  "'%s%s%s' opens no data directory: --as / --token-file have nothing to sign in to"),
					cli->command, *cli->verb ? " " : "", cli->verb);
		return 0;
	}
	if ((err = bs_datadir_open(out, bs_datadir_locate(cli->data_flag))) < 0)
		return err;
	/* A2.4.1.7.3: a pending event log alert shows on every command until it is cleared. */
	if (bs_eventlog_alert_pending((*out)->path, alert, sizeof(alert)))
		fprintf(stderr, "%s %s: %s: %s (%s)\n", cli->prog, cli->command,
			BS_T(cli->lang, "事件紀錄警示", "EVENT LOG ALERT"), alert,
			BS_T(cli->lang, "排除後執行 'brokersec log clear-alert'", "fix it, then run 'brokersec log clear-alert'"));
	/* A test data directory (weak password hashing, datadir.h) says so on every command. */
	if ((*out)->test_kdf)
		fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command,
			BS_T(cli->lang, BS_TEST_DATADIR_WARNING_ZH, BS_TEST_DATADIR_WARNING_EN));
	/* So does a demo data directory (generated records, datadir.h): never taken for real ones. */
	if ((*out)->demo)
		fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command,
			BS_T(cli->lang, BS_DEMO_DATADIR_WARNING_ZH, BS_DEMO_DATADIR_WARNING_EN));
	/* Who acts (docs/roles.md): the account of --as / --token-file once signed in, else the OS
	 * user; every change is an event naming it and saying which kind it is. A reader signs in
	 * too when asked, so that a wrong password is refused (and counted) the same way. */
	if ((flags & (BS_CMD_WRITES | BS_CMD_SIGNED_IN)) || cli->as_user || cli->token_file) {
		if ((err = bs_cli_sign_in(cli, *out, flags)) < 0) {
			bs_datadir_free(*out);
			*out = NULL;
			return err;
		}
	}
	return 0;
}

const struct bs_cli_verb *bs_cli_verb_find(const struct bs_cli_verb *verbs, const char *name)
{
	for (; verbs->name; verbs++)
		if (!strcmp(verbs->name, name))
			return verbs;
	return NULL;
}

/* "add, list or show" (zh-TW: "add、list 或 show"): the verbs of a table for a message. */
static void verb_list(const struct bs_cli_verb *verbs, enum bs_lang lang, struct bs_buf *b)
{
	for (const struct bs_cli_verb *v = verbs; v->name; v++)
		bs_buf_printf(b, "%s%s", v == verbs ? "" : v[1].name ? BS_T(lang, "、", ", ") : BS_T(lang, " 或 ", " or "),
			      v->name);
}

/* 1 when the space-separated list names the option called name. */
static int takes_option(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return 1;
	for (const char *p = list; *p; p += strcspn(p, " "), p += strspn(p, " "))
		if (!strncmp(p, name, n) && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

struct given {
	int opt;
	int index;   /* in spec->options, -1 for a short option */
	const char *arg;
};

int bs_cli_dispatch(struct bs_cli *cli, const struct bs_cli_spec *spec, void *ctx, int argc, char **argv)
{
	const struct bs_cli_verb *verb = spec->verbs;
	struct given *given = bs_calloc((size_t)argc, sizeof(*given));
	struct bs_datadir *dd = NULL;
	size_t ngiven = 0;
	int opt, li, r = 2, err, help = 0;

	cli->verb = "";
	/* Only parse here: the options are kept until the verb is known, so that an unknown verb
	 * is reported before any option value is judged, a prompt asked or a file opened. */
	while (li = -1, (opt = getopt_long(argc, argv, spec->shortopts, spec->options, &li)) != -1) {
		if (opt == BS_OPT_HELP) { /* after every option: a later --lang decides its language */
			help = 1;
			continue;
		}
		if (opt == BS_OPT_DATA || opt == BS_OPT_LANG || opt == BS_OPT_AS ||
		    opt == BS_OPT_PASSWORD_FILE || opt == BS_OPT_TOKEN_FILE || opt == BS_OPT_ROC_DATES || opt == BS_OPT_PASSWORD || opt == '?' ||
		    opt == ':') {
			if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
				goto done;
			continue;
		}
		given[ngiven++] = (struct given){ opt, li, optarg };
	}
	bs_error_set_lang(cli->lang); /* --lang / $BROKERSEC_LANG known: messages below follow it */
	if (help) {
		r = bs_cli_common_option(cli, BS_OPT_HELP, NULL);
		goto done;
	}
	argc -= optind;
	argv += optind;
	if (verb->name[0]) {
		struct bs_buf verbs = BS_BUF_INIT;
		const char *name = argc ? argv[0] : NULL;
		verb_list(spec->verbs, cli->lang, &verbs);
		if (!name) {
			r = bs_cli_usage_error(cli, BS_T(cli->lang, "缺少動詞：請用 %s", "missing verb: use %s"), verbs.ptr);
		} else if (!(verb = bs_cli_verb_find(spec->verbs, name))) {
			if (!spec->unknown || (r = spec->unknown(cli, name)) < 0)
				r = bs_cli_usage_error(cli, BS_T(cli->lang, "不認得的動詞 '%s'：請用 %s", "unknown verb '%s': use %s"),
						       name, verbs.ptr);
		}
		bs_buf_release(&verbs);
		if (!verb || !name)
			goto done;
		cli->verb = verb->name;
		argc--;
		argv++;
	}
	for (size_t i = 0; i < ngiven; i++) {
		char shortname[2] = { (char)given[i].opt, '\0' };
		const char *name = given[i].index >= 0 ? spec->options[given[i].index].name : shortname;
		if (!takes_option(verb->options, name)) {
			r = bs_cli_usage_error(cli, BS_T(cli->lang, "選項 '%s%s' 不適用於 '%s %s'", "option '%s%s' does not apply to '%s %s'"),
					       name[1] ? "--" : "-", name,
					       cli->command, cli->verb);
			goto done;
		}
	}
	for (size_t i = 0; i < ngiven; i++)
		if (spec->option && (r = spec->option(cli, ctx, given[i].opt, given[i].arg)) >= 0)
			goto done;
	cli->flags |= verb->flags;
	if (verb->check) {
		if ((r = verb->check(cli, ctx, argc, argv)) >= 0)
			goto done;
	} else if (argc) {
		r = bs_cli_usage_error(cli, BS_T(cli->lang, "多餘的參數 '%s'", "unexpected argument '%s'"), argv[0]);
		goto done;
	}
	if ((err = bs_cli_setup(cli, cli->flags, &dd)) < 0) {
		r = bs_cli_fail(cli, err);
		goto done;
	}
	r = verb->run(cli, ctx, dd, argc, argv);
done:
	bs_datadir_free(dd);
	free(given);
	return r;
}

int bs_cli_format(struct bs_cli *cli, const char *arg, const char *const *allowed)
{
	if (!arg)
		return 0;
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(arg, allowed[i]))
			return i;
	bs_cli_usage_error(cli, BS_T(cli->lang, "不認得的 --format '%s'", "unknown --format '%s'"), arg);
	return -1;
}

int bs_cli_flush(struct bs_cli *cli)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, BS_T(cli->lang, "%s %s: 無法寫出結果：%s\n", "%s %s: cannot write the output: %s\n"), cli->prog,
			cli->command, bs_strerror(errno));
		return 1;
	}
	return 0;
}
