/* brokersec evidence add|list: proof files kept against catalog controls. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "core/error.h"
#include "core/utf8.h"
#include "evidence/evidence.h"
#include "jsonview/jsonview.h"

static const char usage_text[] =
	"usage: brokersec evidence add CONTROL_ID --file F [--note TEXT] [--format table|json] [--data DIR]\n"
	"       brokersec evidence list [CONTROL_ID] [--format table|json] [--data DIR]\n"
	"add keeps a copy of F in the data directory (named by its SHA-256) and records who added it when.\n"
	"F must be a regular file of at most 100 MiB; symbolic links, FIFOs, devices and directories are\n"
	"refused.\n";

/* The one evidence view, the same as GET /api/v1/evidence (src/jsonview). */
static json_t *evidence_json(const struct bs_evidence *e)
{
	return bs_jsonview_evidence(e);
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

struct evidence_opts {
	const char *file, *note, *format, *id;
	int json;
};

enum { OPT_FILE = 0x2000, OPT_NOTE, OPT_FORMAT };

static int evidence_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct evidence_opts *o = ctx;

	(void)cli;
	if (opt == OPT_FILE)
		o->file = arg;
	else if (opt == OPT_NOTE)
		o->note = arg;
	else if (opt == OPT_FORMAT)
		o->format = arg;
	return -1;
}

/* [CONTROL_ID], which must be in the catalog; add needs it and --file. */
static int check_evidence(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct evidence_opts *o = ctx;
	const struct bs_catalog *cat;
	int fmt, err;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt == 1;
	if (argc > 1)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	o->id = argc ? argv[0] : NULL;
	if (!strcmp(cli->verb, "add") && (!o->id || !o->file))
		return bs_cli_usage_error(cli, "add needs CONTROL_ID and --file F");
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return bs_cli_fail(cli, err);
	if (o->id && !bs_catalog_find(cat, o->id)) {
		bs_error(BS_ENOTFOUND, "no control '%s' in the catalog: see 'brokersec controls' for the ids", o->id);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	return -1;
}

static int evidence_add(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct evidence_opts *o = ctx;
	struct bs_evidence e;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_evidence_add(dd, o->id, o->file, o->note, dd->actor, &e)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		json_t *j = evidence_json(&e);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(j);
	} else {
		printf("%lld\n", (long long)e.id);
	}
	bs_evidence_release(&e);
	return bs_cli_flush(cli);
}

static int evidence_list(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct evidence_opts *o = ctx;
	struct list_ctx lc = { o->json ? json_array() : NULL, BS_BUF_INIT, 0 };
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_evidence_each(dd->store, o->id, list_one, &lc)) < 0) {
		json_decref(lc.arr);
		bs_buf_release(&lc.out);
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
	return bs_cli_flush(cli);
}

int cmd_evidence(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, OPT_FILE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "add", evidence_add, BS_CMD_WRITES, "file note format", check_evidence },
		{ "list", evidence_list, BS_CMD_DATADIR, "format", check_evidence },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", evidence_option, verbs, NULL };
	struct evidence_opts o = { NULL, NULL, NULL, NULL, 0 };

	cli->usage = usage_text;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
