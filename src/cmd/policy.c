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

int cmd_policy(int argc, char **argv, struct bs_cli *cli)
{
	static const char *const formats[] = { "table", "json", NULL };
	enum { O_FORMAT = 0x2000 };
	struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL;
	struct bs_datadir *dd = NULL;
	struct bs_policy pol;
	int opt, r, fmt, err, rc = 0;

	cli->usage = usage_text;
	if (argc < 2 || (strcmp(argv[1], "show") && strcmp(argv[1], "set"))) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(usage_text, stdout);
			return 0;
		}
		return bs_cli_usage_error(cli, "which action? show or set");
	}
	const char *verb = argv[1];
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == O_FORMAT)
			format = optarg;
		else if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
			return r;
	}
	if ((fmt = bs_cli_format(cli, format, formats)) < 0)
		return 2;
	if (!strcmp(verb, "show") && optind < argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(verb, "set") && optind >= argc)
		return bs_cli_usage_error(cli, "'policy set' needs KEY=VALUE");
	/* check every assignment before changing anything */
	for (int i = optind; i < argc; i++) {
		enum bs_policy_key k;
		int64_t v;
		if (bs_policy_parse_assignment(argv[i], &k, &v) < 0)
			return bs_cli_fail(cli, BS_EINVALID);
	}
	if ((err = bs_cli_open(cli, &dd)) < 0)
		return bs_cli_fail(cli, err);
	if (!strcmp(verb, "set")) {
		for (int i = optind; i < argc; i++) {
			enum bs_policy_key k;
			int64_t v;
			(void)bs_policy_parse_assignment(argv[i], &k, &v);
			if ((err = bs_policy_set(dd, k, v)) < 0)
				goto fail;
			printf("%s=%lld\n", bs_policy_info(k)->key, (long long)v);
		}
	} else {
		if ((err = bs_policy_load(dd->store, &pol)) < 0)
			goto fail;
		json_t *arr = fmt == 1 ? json_array() : NULL;
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
	}
	rc = bs_cli_flush(cli);
	goto out;
fail:
	rc = bs_cli_fail(cli, err);
out:
	bs_datadir_free(dd);
	return rc;
}
