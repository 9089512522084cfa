/* brokersec profile show|set: the organisation profile that decides applicability. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/error.h"
#include "core/whoami.h"
#include "eventlog/eventlog.h"
#include "profile/profile.h"

static const char usage_text[] =
	"usage: brokersec profile show [--format table|json] [--data DIR]\n"
	"       brokersec profile set FLAG=yes|no [FLAG=yes|no ...] [--data DIR]\n"
	"FLAG: internal-control, mail-server, online-insurance, mobile-app, cloud, byod, remote-work\n";

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
		if ((err = bs_profile_set(dd->store, (enum bs_profile_flag)flags[i], values[i], bs_os_user(), &changed)) < 0) {
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

int cmd_profile(int argc, char **argv, struct bs_cli *cli)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct option opts[] = { { "format", required_argument, NULL, 'f' }, BS_CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	const char *format = NULL;
	struct bs_datadir *dd = NULL;
	int opt, r, err, fmt;

	cli->usage = usage_text;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'f')
			format = optarg;
		else if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
			return r;
	}
	if (optind >= argc)
		return bs_cli_usage_error(cli, "say show or set");
	const char *verb = argv[optind++];
	if ((fmt = bs_cli_format(cli, format, formats)) < 0)
		return 2;
	if (strcmp(verb, "show") && strcmp(verb, "set"))
		return bs_cli_usage_error(cli, "unknown verb '%s': use show or set", verb);
	if (!strcmp(verb, "show") && optind < argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((err = bs_cli_open(cli, &dd)) < 0)
		return bs_cli_fail(cli, err);
	r = !strcmp(verb, "show") ? show(cli, dd, fmt == 1) : set(cli, dd, argc - optind, argv + optind);
	bs_datadir_free(dd);
	return r;
}
