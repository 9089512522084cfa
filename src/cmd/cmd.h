/*
 * cmd.h - the subcommands and what they share.
 *
 * Shape: src/main.c's table names each command with its setup flags (BS_CMD_*) and summary;
 * a register needs no row (the dispatcher falls back to bs_register_find()). A command
 * describes its options and its verbs (struct bs_cli_spec, struct bs_cli_verb) and hands
 * them to bs_cli_dispatch(), which parses, finds the verb, refuses options the verb does not
 * take, runs the verb's check, does the setup its flags ask for (opens the data directory
 * once) and calls it. No command opens the data directory or looks up a verb itself.
 *
 * Adding a command:
 *   1. write src/cmd/<name>.c with `int cmd_<name>(int argc, char **argv, struct bs_cli *cli)`:
 *      its usage text in English and in zh-TW (cli->usage, cli->usage_zh: every line that
 *      explains an option or a verb in both languages, the regulation's own terms),
 *      its getopt_long table (with BS_CLI_COMMON_OPTIONS), an option callback that stores
 *      values in the command's own struct, a verb table {name, run, flags, options, check}
 *      (one entry named "" when it has no verbs), and `return bs_cli_dispatch(...)`;
 *      a verb's check validates arguments before anything is opened, its run gets the
 *      data directory its flags asked for;
 *   2. declare it below and add one row {name, fn, flags, summary_zh, summary_en} to
 *      `commands[]` in src/main.c (a register: only src/registry/reg_<name>.c);
 *   3. add tests/cli/tNNNN-<name>-<what>.sh and a line to the README table.
 * A command returns its exit status: 0 success, 1 failure (message printed by
 * bs_cli_fail), 2 usage error.
 */
#ifndef BS_CMD_CMD_H
#define BS_CMD_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "core/error.h"
#include "auth/auth.h"
#include "core/i18n.h"
#include "datadir/datadir.h"

/* What a command or verb needs before it runs (git's RUN_SETUP). bs_cli_dispatch() does it
 * once; a verb's flags add to its command's. */
#define BS_CMD_NO_DATADIR 0x1u /* needs no data directory: none is opened (init makes one; help;
				  controls and scan unless an option asks, through the verb's check) */
#define BS_CMD_DATADIR    0x2u /* opens the data directory, which must exist, and hands it to the verb */
#define BS_CMD_WRITES     0x4u /* changes state as a person: implies BS_CMD_DATADIR, and the setup
				  names who acts and from where in dd->actor and dd->source */
#define BS_CMD_SIGNED_IN  0x8u /* needs a signed-in account (--as USER or --token-file): the
				  setup is the one place that checks it and makes the account
				  dd->actor; without one the command is refused */
#define BS_CMD_PER_VERB   0x0u /* in main.c's table: the command's verb table says, verb by verb */

struct bs_cli {
	const char *prog;       /* "brokersec" */
	const char *command;    /* "status" */
	const char *data_flag;  /* --data, NULL when not given */
	enum bs_lang lang;
	const char *usage;      /* the command's usage text, for --help and usage errors */
	unsigned flags;         /* BS_CMD_*: the setup the command (then its verb) needs */
	const char *verb;       /* the verb being run, "" when the command has none */
	const char *usage_zh;   /* the usage text in zh-TW: options, verbs and their explanations,
				   like usage's (every command has one: t0016-help-language.sh) */
	const char *summary_zh; /* the command's summary (main.c's table), shown with such a text */
	/* Who acts (docs/roles.md, "--as"): a brokersec account signed in by the setup with the
	 * password from --password-file, $BROKERSEC_PASSWORD or a prompt on the terminal (never
	 * from argv), or an API token from --token-file. NULL: the OS user acts. */
	const char *as_user;
	const char *password_file;
	const char *token_file;
	char actor[65];         /* the signed-in account's username, for dd->actor */
	/* What an account acting through --as / --token-file must hold (main.c's table): to
	 * read, and to change state (BS_CMD_WRITES). 0 (BS_PERM_NONE) in both: the register
	 * permissions, so that a command without its own never runs unchecked. */
	enum bs_perm perm_read, perm_write;
};

/* One verb of a command ("user list"), or the command itself when it has none (name ""). */
struct bs_cli_verb {
	const char *name;       /* "list"; NULL ends a table */
	/* Does the work. ctx: the command's option values; dd: the data directory when the flags
	 * asked for one (owned by the dispatcher), else NULL; argc/argv: the arguments after the
	 * verb. Returns the exit status. */
	int (*run)(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv);
	unsigned flags;         /* BS_CMD_*, added to the command's */
	/* The command's options this verb takes, by long name ("n" for -n), space-separated;
	 * --data, --lang and --help always. "" none; NULL every option (a command without verbs). */
	const char *options;
	/* Validates the arguments and option values before anything is opened or read; may add
	 * BS_CMD_DATADIR (or take it away) in cli->flags when an option decides. Returns -1 to go
	 * on, else the exit status. NULL: the verb takes no arguments. */
	int (*check)(struct bs_cli *cli, void *ctx, int argc, char **argv);
};

struct bs_cli_spec {
	const struct option *options; /* getopt_long table with BS_CLI_COMMON_OPTIONS, zero row last */
	const char *shortopts;        /* "h", "hn:" */
	/* Stores one of the command's own options in ctx (called after the verb is known and the
	 * option found to belong to it). -1 to go on, else the exit status. May be NULL. */
	int (*option)(struct bs_cli *cli, void *ctx, int opt, const char *arg);
	const struct bs_cli_verb *verbs; /* ends with a NULL name; or one entry named "" */
	/* Called for a verb the table lacks before the generic message; -1 for that message, else
	 * the exit status (a register without CSV says which registers have it). May be NULL. */
	int (*unknown)(struct bs_cli *cli, const char *verb);
};

/* Runs a command: parses argv (argv[0] is the command) with spec->options, finds the verb
 * (the first argument) before anything else can ask or open anything, refuses an option the
 * verb does not take ("option '--x' does not apply to 'user list'"), stores the options, runs
 * the verb's check, does the setup cli->flags ask for, runs the verb and frees the setup.
 * Returns the exit status. */
int bs_cli_dispatch(struct bs_cli *cli, const struct bs_cli_spec *spec, void *ctx, int argc, char **argv);

/* The verb called name in verbs, or NULL. */
const struct bs_cli_verb *bs_cli_verb_find(const struct bs_cli_verb *verbs, const char *name);

/* Options every command accepts: --data DIR, --lang L, --help, and who acts (--as USER,
 * --password-file F, --token-file F) and --roc-dates (民國 years in tables). */
#define BS_OPT_DATA 0x1001
#define BS_OPT_LANG 0x1002
#define BS_OPT_AS 0x1003
#define BS_OPT_PASSWORD_FILE 0x1004
#define BS_OPT_TOKEN_FILE 0x1005
#define BS_OPT_ROC_DATES 0x1006
#define BS_OPT_PASSWORD 0x1007 /* refused: a password never comes from argv (ps shows it) */
#define BS_OPT_HELP 'h'
#define BS_CLI_COMMON_OPTIONS \
	{ "data", required_argument, NULL, BS_OPT_DATA }, \
	{ "lang", required_argument, NULL, BS_OPT_LANG }, \
	{ "as", required_argument, NULL, BS_OPT_AS }, \
	{ "password-file", required_argument, NULL, BS_OPT_PASSWORD_FILE }, \
	{ "token-file", required_argument, NULL, BS_OPT_TOKEN_FILE }, \
	{ "roc-dates", no_argument, NULL, BS_OPT_ROC_DATES }, \
	{ "password", required_argument, NULL, BS_OPT_PASSWORD }, \
	{ "help", no_argument, NULL, BS_OPT_HELP }

/* Handles one of the options every command takes (main.c: before the command; the
 * dispatcher: after it). -1 to go on, else the exit status (0 after --help). */
int bs_cli_common_option(struct bs_cli *cli, int opt, const char *arg);
/* The usage text in cli->lang. */
const char *bs_cli_usage(const struct bs_cli *cli);

/* Prints "brokersec <command>: <message>" and a usage hint; returns 2. */
int bs_cli_usage_error(struct bs_cli *cli, const char *fmt, ...) BS_PRINTF(2, 3);
/* Prints "brokersec: <error message>" for err; returns 1. */
int bs_cli_fail(struct bs_cli *cli, int err);

/* The setup of flags (BS_CMD_*): opens the data directory that --data / $BROKERSEC_DATA /
 * the default names when they ask for one (*out NULL otherwise), shows a pending event log
 * alert, names the actor. bs_cli_dispatch() calls it; a command calls it itself only to open
 * late (scan --save: after the host was read, a failure is exit 2). On error *out is NULL. */
int bs_cli_setup(struct bs_cli *cli, unsigned flags, struct bs_datadir **out);

/* Names who acts in dd (src/cmd/signin.c): the account of --as / --token-file after it
 * signed in (BS_EDENIED when it does not), else the OS user; BS_CMD_SIGNED_IN in flags
 * refuses the OS user. Sets dd->actor, dd->actor_kind ("account" / "os-user"), dd->source. */
int bs_cli_sign_in(struct bs_cli *cli, struct bs_datadir *dd, unsigned flags);

/* A register record as a person reads it: "王小明 (10)" (its name or title and id), the id
 * alone when it has neither or cannot be read (src/cmd/register.c). */
void bs_cli_record_name(struct bs_store *st, const char *reg, int64_t id, struct bs_buf *b);
/* Parses --format; allowed is a NULL-terminated list, first is the default. Returns the
 * index or -1 after printing a usage error. */
int bs_cli_format(struct bs_cli *cli, const char *arg, const char *const *allowed);

/* Writes s (and a newline) to stdout; returns 1 and prints an error when stdout fails. */
int bs_cli_flush(struct bs_cli *cli);

int cmd_init(int argc, char **argv, struct bs_cli *cli);
int cmd_profile(int argc, char **argv, struct bs_cli *cli);
int cmd_controls(int argc, char **argv, struct bs_cli *cli);
int cmd_evidence(int argc, char **argv, struct bs_cli *cli);
int cmd_status(int argc, char **argv, struct bs_cli *cli);
int cmd_scan(int argc, char **argv, struct bs_cli *cli);
int cmd_intake(int argc, char **argv, struct bs_cli *cli);
/* init's part for accounts (src/cmd/user.c): creates the first admin (admin NULL: the login
 * name) and prints its one-time password once (unless show_password is 0: serve shows one,
 * bs_account_first_password), and the TLS certificate. Exit status. */
int bs_cli_init_auth(struct bs_cli *cli, const char *path, const char *admin, int show_password);
int cmd_user(int argc, char **argv, struct bs_cli *cli);
int cmd_policy(int argc, char **argv, struct bs_cli *cli);
int cmd_serve(int argc, char **argv, struct bs_cli *cli);
int cmd_log(int argc, char **argv, struct bs_cli *cli);
int cmd_witness(int argc, char **argv, struct bs_cli *cli);
int cmd_lookalike(int argc, char **argv, struct bs_cli *cli);
int cmd_vuln(int argc, char **argv, struct bs_cli *cli);
int cmd_fim(int argc, char **argv, struct bs_cli *cli);
int cmd_backup(int argc, char **argv, struct bs_cli *cli);
int cmd_notify(int argc, char **argv, struct bs_cli *cli);
/* Every register (asset, system, person, ...): the command name picks the register. main.c
 * runs it for any name bs_register_find() knows; registers have no rows of their own. */
int cmd_register(int argc, char **argv, struct bs_cli *cli);
int cmd_due(int argc, char **argv, struct bs_cli *cli);
int cmd_assessment(int argc, char **argv, struct bs_cli *cli);
int cmd_report(int argc, char **argv, struct bs_cli *cli);

#endif
