#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/whoami.h"
#include "eventlog/eventlog.h"

/* Handles --data, --lang, --help or an unknown option. Returns -1 to go on, else the exit
 * status (0 after --help, 2 after a usage error). */
static int common_option(struct bs_cli *cli, int opt, const char *arg)
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

int bs_cli_setup(struct bs_cli *cli, unsigned flags, struct bs_datadir **out)
{
	char alert[512];
	int err;

	*out = NULL;
	/* NEEDSWORK: --as USER comes with a later issue; until then no command may claim to act
	 * for a signed-in account, so the flag fails closed here, the one place that checks it. */
	if (flags & BS_CMD_SIGNED_IN)
		return bs_error(BS_EDENIED, "'%s%s%s' needs a signed-in account, which the command line cannot give "
				"yet: use the HTTPS API", cli->command, *cli->verb ? " " : "", cli->verb);
	if (!(flags & (BS_CMD_DATADIR | BS_CMD_WRITES)))
		return 0;
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
	/* The CLI acts as the OS user that owns the data directory (docs/roles.md): every change
	 * it makes is an event naming that user, from the command line. */
	if (flags & BS_CMD_WRITES) {
		(*out)->actor = bs_os_user();
		(*out)->source = "cli";
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

/* "add, list or show": the verbs of a table for a message. */
static void verb_list(const struct bs_cli_verb *verbs, struct bs_buf *b)
{
	for (const struct bs_cli_verb *v = verbs; v->name; v++)
		bs_buf_printf(b, "%s%s", v == verbs ? "" : v[1].name ? ", " : " or ", v->name);
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
	int opt, li, r = 2, err;

	cli->verb = "";
	/* Only parse here: the options are kept until the verb is known, so that an unknown verb
	 * is reported before any option value is judged, a prompt asked or a file opened. */
	while (li = -1, (opt = getopt_long(argc, argv, spec->shortopts, spec->options, &li)) != -1) {
		if (opt == BS_OPT_DATA || opt == BS_OPT_LANG || opt == BS_OPT_HELP || opt == '?' || opt == ':') {
			if ((r = common_option(cli, opt, optarg)) >= 0)
				goto done;
			continue;
		}
		given[ngiven++] = (struct given){ opt, li, optarg };
	}
	argc -= optind;
	argv += optind;
	if (verb->name[0]) {
		struct bs_buf verbs = BS_BUF_INIT;
		const char *name = argc ? argv[0] : NULL;
		verb_list(spec->verbs, &verbs);
		if (!name) {
			r = bs_cli_usage_error(cli, "missing verb: use %s", verbs.ptr);
		} else if (!(verb = bs_cli_verb_find(spec->verbs, name))) {
			if (!spec->unknown || (r = spec->unknown(cli, name)) < 0)
				r = bs_cli_usage_error(cli, "unknown verb '%s': use %s", name, verbs.ptr);
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
			r = bs_cli_usage_error(cli, "option '%s%s' does not apply to '%s %s'", name[1] ? "--" : "-", name,
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
		r = bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
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
