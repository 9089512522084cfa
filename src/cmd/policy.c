/* brokersec policy: show or tighten the password, lockout and session policy. Values can
 * only be made stricter than the regulation's numbers (A2.5.4.2). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cmd/cmd.h"

static const char usage_text[] =
	"usage: brokersec policy show [--format table|json]\n"
	"       brokersec policy set KEY=VALUE...\n"
	"Every value may be made stricter than the regulation, never looser; 'policy show' lists\n"
	"each key with its allowed range and the clause it comes from.\n";
static const char usage_zh[] =
	"用法: brokersec policy show [--format table|json]\n"
	"      brokersec policy set 鍵=值...\n"
	"密碼、鎖定與連線政策：每一值可設定得比法規更嚴格，絕不能更寬鬆；\n"
	"'policy show' 列出每個鍵及其允許範圍與所依據之條文。\n";

struct policy_opts {
	const char *format;
	int json;
};

enum { O_FORMAT = 0x2000 };

static int policy_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	(void)cli;
	if (opt == O_FORMAT)
		((struct policy_opts *)ctx)->format = arg;
	return -1;
}

static int check_show(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct policy_opts *o = ctx;
	int fmt;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	o->json = fmt == 1;
	return -1;
}

/* every assignment is checked before anything changes */
static int check_set(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx;
	if (!argc)
		return bs_cli_usage_error(cli, "'policy set' needs KEY=VALUE");
	for (int i = 0; i < argc; i++) {
		enum bs_policy_key k;
		int64_t v;
		if (bs_policy_parse_assignment(argv[i], &k, &v) < 0)
			return bs_cli_fail(cli, BS_EINVALID);
	}
	return -1;
}

static int policy_set(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	int err;

	(void)ctx;
	for (int i = 0; i < argc; i++) {
		enum bs_policy_key k;
		int64_t v;
		(void)bs_policy_parse_assignment(argv[i], &k, &v);
		if ((err = bs_policy_set(dd, k, v)) < 0)
			return bs_cli_fail(cli, err);
		printf("%s=%lld\n", bs_policy_info(k)->key, (long long)v);
	}
	return bs_cli_flush(cli);
}

static int policy_show(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct bs_policy pol;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return bs_cli_fail(cli, err);
	json_t *arr = ((struct policy_opts *)ctx)->json ? json_array() : NULL;
	for (int k = 0; k < BS_POL_COUNT; k++) {
		const struct bs_policy_info *in = bs_policy_info((enum bs_policy_key)k);
		if (arr) {
			json_t *o = json_object();
			json_object_set_new(o, "key", json_string(in->key));
			json_object_set_new(o, "value", json_integer(pol.v[k]));
			json_object_set_new(o, "default", json_integer(in->def));
			json_object_set_new(o, "min", json_integer(in->lo));
			json_object_set_new(o, "max", json_integer(in->hi));
			json_object_set_new(o, "source", json_string(in->source));
			json_object_set_new(o, "what", json_string(in->what));
			json_array_append_new(arr, o);
		} else {
			printf("%-24s %6lld   (%lld..%lld, %s) %s\n", in->key, (long long)pol.v[k], (long long)in->lo,
			       (long long)in->hi, in->source, in->what);
		}
	}
	if (arr) {
		char *s = json_dumps(arr, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(arr);
	}
	return bs_cli_flush(cli);
}

int cmd_policy(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "show", policy_show, BS_CMD_DATADIR, "format", check_show },
		{ "set", policy_set, BS_CMD_WRITES, "", check_set },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", policy_option, verbs, NULL };
	struct policy_opts o = { NULL, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
