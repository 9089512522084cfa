/* brokersec profile show|set: the organisation profile that decides applicability. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cmd/cmd.h"
#include "core/error.h"
#include "profile/profile.h"

static const char usage_text[] =
	"usage: brokersec profile show [--format table|json] [--data DIR]\n"
	"       brokersec profile set FLAG=yes|no [FLAG=yes|no ...] [--data DIR]\n"
	"show prints the organisation profile (which controls apply); set changes one or more flags.\n"
	"FLAG: internal-control, mail-server, online-insurance, mobile-app, cloud, byod, remote-work\n";
static const char usage_zh[] =
	"用法: brokersec profile show [--format table|json] [--data 目錄]\n"
	"      brokersec profile set 旗標=yes|no [旗標=yes|no ...] [--data 目錄]\n"
	"show 顯示組織設定（決定哪些控制項適用）；set 變更一或多項設定。\n"
	"旗標：internal-control（已實施內稽內控制度）、mail-server（郵件伺服器）、\n"
	"online-insurance（網路投保）、mobile-app（行動應用程式）、cloud（雲端服務）、\n"
	"byod（自攜裝置）、remote-work（遠端工作）。\n";

static int show(struct bs_cli *cli, struct bs_datadir *dd, int json)
{
	struct bs_profile p;
	int err = bs_profile_load(dd->store, &p);

	if (err < 0)
		return bs_cli_fail(cli, err);
	if (json) {
		json_t *o = json_object(), *flags = json_object();
		json_object_set_new(o, "org", json_string(p.org));
		json_object_set_new(o, "created_at", json_string(p.created_at));
		for (int f = 0; f < BS_PF_COUNT; f++)
			json_object_set_new(flags, bs_profile_info((enum bs_profile_flag)f)->name,
					    json_boolean((p.mask >> f) & 1));
		json_object_set_new(o, "profile", flags);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(o);
	} else {
		printf("%s: %s\n", BS_T(cli->lang, "組織", "organisation"), p.org);
		for (int f = 0; f < BS_PF_COUNT; f++) {
			const struct bs_profile_info *pi = bs_profile_info((enum bs_profile_flag)f);
			printf("  %-17s %-3s  %s\n", pi->option, (p.mask >> f) & 1 ? "yes" : "no",
			       BS_T(cli->lang, pi->zh, pi->en));
		}
	}
	bs_profile_release(&p);
	return bs_cli_flush(cli);
}

static int set(struct bs_cli *cli, struct bs_datadir *dd, int n, char **pairs)
{
	int flags[BS_PF_COUNT * 4], values[BS_PF_COUNT * 4];
	int err;

	if (n == 0)
		return bs_cli_usage_error(cli, "set needs at least one FLAG=yes|no");
	if (n > BS_PF_COUNT * 4)
		return bs_cli_usage_error(cli, "too many settings");
	/* Validate everything before changing anything. */
	for (int i = 0; i < n; i++) {
		char *eq = strchr(pairs[i], '=');
		if (!eq)
			return bs_cli_usage_error(cli, "'%s' is not FLAG=yes|no", pairs[i]);
		*eq = '\0';
		flags[i] = bs_profile_flag_lookup(pairs[i]);
		values[i] = bs_profile_parse_bool(eq + 1);
		if (flags[i] < 0)
			return bs_cli_usage_error(cli, "unknown profile flag '%s'", pairs[i]);
		if (values[i] < 0)
			return bs_cli_usage_error(cli, "'%s' takes yes or no, not '%s'", pairs[i], eq + 1);
	}
	if ((err = bs_store_begin(dd->store)) < 0)
		return bs_cli_fail(cli, err);
	for (int i = 0; i < n; i++) {
		int changed;
		if ((err = bs_profile_set(dd->store, (enum bs_profile_flag)flags[i], values[i], dd->actor, &changed)) < 0) {
			bs_store_rollback(dd->store);
			return bs_cli_fail(cli, err);
		}
		if (changed) {
			const char *opt = bs_profile_info((enum bs_profile_flag)flags[i])->option;
			char data[128];
			snprintf(data, sizeof(data), "{\"flag\": \"%s\", \"value\": %s}", opt, values[i] ? "true" : "false");
			/* Logged before the commit; a change that cannot be logged does not happen. */
			if ((err = bs_audit(dd, "profile.set", "success", data, "set profile %s=%s", opt,
					    values[i] ? "yes" : "no")) < 0) {
				bs_store_rollback(dd->store);
				return bs_cli_fail(cli, err);
			}
		}
		printf("%s=%s%s\n", bs_profile_info((enum bs_profile_flag)flags[i])->option, values[i] ? "yes" : "no",
		       changed ? "" : BS_T(cli->lang, "（未變更）", " (unchanged)"));
	}
	if ((err = bs_store_commit(dd->store)) < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

struct profile_opts {
	const char *format;
	int json;
};

static int profile_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	(void)cli;
	if (opt == 'f')
		((struct profile_opts *)ctx)->format = arg;
	return -1;
}

static int check_show(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct profile_opts *o = ctx;
	int fmt;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	o->json = fmt == 1;
	return -1;
}

static int check_set(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)cli;
	(void)ctx;
	(void)argc;
	(void)argv;
	return -1; /* set() judges every FLAG=yes|no before changing anything */
}

static int run_show(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return show(cli, dd, ((struct profile_opts *)ctx)->json);
}

static int run_set(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	(void)ctx;
	return set(cli, dd, argc, argv);
}

int cmd_profile(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, BS_CLI_COMMON_OPTIONS,
					      { NULL, 0, NULL, 0 } };
	static const struct bs_cli_verb verbs[] = {
		{ "show", run_show, BS_CMD_DATADIR, "format", check_show },
		{ "set", run_set, BS_CMD_WRITES, "", check_set },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", profile_option, verbs, NULL };
	struct profile_opts o = { NULL, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
