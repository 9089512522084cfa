#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/error.h"
#include "eventlog/eventlog.h"

int bs_cli_common_option(struct bs_cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case BS_OPT_DATA:
		if (!arg || !*arg)
			return bs_cli_usage_error(cli, "--data needs a directory");
		cli->data_flag = arg;
		return -1;
	case BS_OPT_LANG:
		if (bs_lang_parse(arg, &cli->lang) < 0)
			return bs_cli_usage_error(cli, "%s", bs_error_message());
		return -1;
	case BS_OPT_HELP:
		fputs(cli->usage, stdout);
		return 0;
	default:
		/* getopt_long has printed what was wrong */
		fprintf(stderr, "%s", cli->usage);
		return 2;
	}
}

int bs_cli_usage_error(struct bs_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", cli->prog, cli->command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", cli->usage);
	return 2;
}

int bs_cli_fail(struct bs_cli *cli, int err)
{
	const char *msg = bs_error_message();
	size_t n = strlen(cli->command);

	/* Core messages about a register name it ("system: ..."); here the command already does. */
	if (n && !strncmp(msg, cli->command, n) && !strncmp(msg + n, ": ", 2))
		msg += n + 2;
	fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command, *msg ? msg : bs_error_name(err));
	return 1;
}

int bs_cli_open(struct bs_cli *cli, struct bs_datadir **out)
{
	char alert[512];
	int err = bs_datadir_open(out, bs_datadir_locate(cli->data_flag));

	/* A2.4.1.7.3: a pending event log alert shows on every command until it is cleared. */
	if (err == 0 && bs_eventlog_alert_pending((*out)->path, alert, sizeof(alert)))
		fprintf(stderr, "%s %s: %s: %s (%s)\n", cli->prog, cli->command,
			BS_T(cli->lang, "事件紀錄警示", "EVENT LOG ALERT"), alert,
			BS_T(cli->lang, "排除後執行 'brokersec log clear-alert'", "fix it, then run 'brokersec log clear-alert'"));
	return err;
}

int bs_cli_format(struct bs_cli *cli, const char *arg, const char *const *allowed)
{
	if (!arg)
		return 0;
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(arg, allowed[i]))
			return i;
	bs_cli_usage_error(cli, "unknown --format '%s'", arg);
	return -1;
}

int bs_cli_flush(struct bs_cli *cli)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s %s: cannot write the output: %s\n", cli->prog, cli->command, strerror(errno));
		return 1;
	}
	return 0;
}
