/*
 * cmd.h - the subcommands and what they share.
 *
 * Adding a command:
 *   1. write src/cmd/<name>.c with `int cmd_<name>(int argc, char **argv, struct bs_cli *cli)`;
 *      parse options with getopt_long including BS_CLI_COMMON_OPTIONS and pass unknown
 *      option letters to bs_cli_common_option();
 *   2. declare it below and add one row to `commands[]` in src/main.c;
 *   3. add tests/cli/tNNNN-<name>-<what>.sh and a line to the README table.
 * A command returns its exit status: 0 success, 1 failure (message printed by
 * bs_cli_fail), 2 usage error.
 */
#ifndef BS_CMD_CMD_H
#define BS_CMD_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "core/error.h"
#include "core/i18n.h"
#include "datadir/datadir.h"

struct bs_cli {
	const char *prog;       /* "brokersec" */
	const char *command;    /* "status" */
	const char *data_flag;  /* --data, NULL when not given */
	enum bs_lang lang;
	const char *usage;      /* the command's usage text, for --help and usage errors */
};

/* Options every command accepts: --data DIR, --lang L, --help. */
#define BS_OPT_DATA 0x1001
#define BS_OPT_LANG 0x1002
#define BS_OPT_HELP 'h'
#define BS_CLI_COMMON_OPTIONS \
	{ "data", required_argument, NULL, BS_OPT_DATA }, \
	{ "lang", required_argument, NULL, BS_OPT_LANG }, \
	{ "help", no_argument, NULL, BS_OPT_HELP }

/* Handles a common option or an unknown one. Returns -1 to go on, else the exit status the
 * command should return (0 after --help, 2 after a usage error). */
int bs_cli_common_option(struct bs_cli *cli, int opt, const char *arg);

/* Prints "brokersec <command>: <message>" and a usage hint; returns 2. */
int bs_cli_usage_error(struct bs_cli *cli, const char *fmt, ...) BS_PRINTF(2, 3);
/* Prints "brokersec: <error message>" for err; returns 1. */
int bs_cli_fail(struct bs_cli *cli, int err);

/* Opens the data directory that --data / $BROKERSEC_DATA / the default names. */
int bs_cli_open(struct bs_cli *cli, struct bs_datadir **out);

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
 * name) and prints its one-time password once, and the TLS certificate. Exit status. */
int bs_cli_init_auth(struct bs_cli *cli, const char *path, const char *admin);
int cmd_user(int argc, char **argv, struct bs_cli *cli);
int cmd_policy(int argc, char **argv, struct bs_cli *cli);
int cmd_serve(int argc, char **argv, struct bs_cli *cli);
int cmd_log(int argc, char **argv, struct bs_cli *cli);
/* Every register (asset, system, person, ...): the command name picks the register. */
int cmd_register(int argc, char **argv, struct bs_cli *cli);
int cmd_due(int argc, char **argv, struct bs_cli *cli);

#endif
