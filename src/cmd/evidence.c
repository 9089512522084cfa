/* brokersec evidence add|list: proof files kept against catalog controls. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "core/error.h"
#include "core/utf8.h"
#include "core/whoami.h"
#include "evidence/evidence.h"

static const char usage_text[] =
	"usage: brokersec evidence add CONTROL_ID --file F [--note TEXT] [--format table|json] [--data DIR]\n"
	"       brokersec evidence list [CONTROL_ID] [--format table|json] [--data DIR]\n"
	"add keeps a copy of F in the data directory (named by its SHA-256) and records who added it when.\n"
	"F must be a regular file of at most 100 MiB; symbolic links, FIFOs, devices and directories are\n"
	"refused.\n";

static json_t *evidence_json(const struct bs_evidence *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "control_id", json_string(e->control_id));
	json_object_set_new(o, "sha256", json_string(e->sha256));
	json_object_set_new(o, "size", json_integer(e->size));
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "note", json_string(e->note));
	json_object_set_new(o, "created_at", json_string(e->created_at));
	json_object_set_new(o, "created_by", json_string(e->created_by));
	return o;
}

struct list_ctx {
	json_t *arr;
	struct bs_buf out;
	size_t n;
};

static int list_one(const struct bs_evidence *e, void *p)
{
	struct list_ctx *lc = p;
	lc->n++;
	if (lc->arr) {
		json_array_append_new(lc->arr, evidence_json(e));
		return 0;
	}
	char day[11];
	snprintf(day, sizeof(day), "%.10s", e->created_at);
	bs_buf_printf(&lc->out, "%-5lld ", (long long)e->id);
	bs_utf8_put_cell(&lc->out, e->control_id, 13, 1);
	bs_buf_printf(&lc->out, " %s %.12s ", day, e->sha256);
	bs_utf8_put_cell(&lc->out, e->name, 24, 0);
	bs_buf_putc(&lc->out, '\n');
	return 0;
}

int cmd_evidence(int argc, char **argv, struct bs_cli *cli)
{
	static const char *const formats[] = { "table", "json", NULL };
	enum { OPT_FILE = 0x2000, OPT_NOTE, OPT_FORMAT };
	struct option opts[] = {
		{ "file", required_argument, NULL, OPT_FILE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *note = NULL, *format = NULL, *verb, *id = NULL;
	const struct bs_catalog *cat;
	struct bs_datadir *dd = NULL;
	int opt, r, fmt, err;

	cli->usage = usage_text;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_FILE)
			file = optarg;
		else if (opt == OPT_NOTE)
			note = optarg;
		else if (opt == OPT_FORMAT)
			format = optarg;
		else if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
			return r;
	}
	if ((fmt = bs_cli_format(cli, format, formats)) < 0)
		return 2;
	if (optind >= argc)
		return bs_cli_usage_error(cli, "say add or list");
	verb = argv[optind++];
	if (optind < argc)
		id = argv[optind++];
	if (optind < argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (strcmp(verb, "add") && strcmp(verb, "list"))
		return bs_cli_usage_error(cli, "unknown verb '%s': use add or list", verb);
	if (!strcmp(verb, "add") && (!id || !file))
		return bs_cli_usage_error(cli, "add needs CONTROL_ID and --file F");
	if (!strcmp(verb, "list") && (file || note))
		return bs_cli_usage_error(cli, "--file and --note belong to add");
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return bs_cli_fail(cli, err);
	if (id && !bs_catalog_find(cat, id)) {
		bs_error(BS_ENOTFOUND, "no control '%s' in the catalog: see 'brokersec controls' for the ids", id);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	if ((err = bs_cli_open(cli, &dd)) < 0)
		return bs_cli_fail(cli, err);
	if (!strcmp(verb, "add")) {
		struct bs_evidence e;
		if ((err = bs_evidence_add(dd, id, file, note, bs_os_user(), &e)) < 0) {
			bs_datadir_free(dd);
			return bs_cli_fail(cli, err);
		}
		if (fmt == 1) {
			json_t *o = evidence_json(&e);
			char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			puts(s);
			free(s);
			json_decref(o);
		} else {
			printf("%lld\n", (long long)e.id);
		}
		bs_evidence_release(&e);
	} else {
		struct list_ctx lc = { fmt == 1 ? json_array() : NULL, BS_BUF_INIT, 0 };
		err = bs_evidence_each(dd->store, id, list_one, &lc);
		if (err < 0) {
			json_decref(lc.arr);
			bs_buf_release(&lc.out);
			bs_datadir_free(dd);
			return bs_cli_fail(cli, err);
		}
		if (lc.arr) {
			char *s = json_dumps(lc.arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			puts(s);
			free(s);
			json_decref(lc.arr);
		} else {
			fputs(lc.out.ptr, stdout);
			printf("%zu %s\n", lc.n, BS_T(cli->lang, "筆佐證", "evidence records"));
		}
		bs_buf_release(&lc.out);
	}
	bs_datadir_free(dd);
	return bs_cli_flush(cli);
}
