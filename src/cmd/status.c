/* brokersec status: the state of every applicable control, rolled up per article / part. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "compliance/status.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "core/term.h"
#include "core/utf8.h"
#include "jsonview/jsonview.h"

static const char usage_text[] =
	"usage: brokersec status [--format table|json] [--as-of YYYY-MM-DD] [--id PREFIX] [--data DIR]\n"
	"States: met, not_met, due, unknown, not_applicable, each with its reason.\n"
	"--as-of judges deadlines on that date; --id lists only the controls under that prefix.\n";
static const char usage_zh[] =
	"用法: brokersec status [--format table|json] [--as-of YYYY-MM-DD] [--id 前綴] [--data 目錄]\n"
	"列出各控制項之狀態及其理由：符合（met）、不符合（not_met）、到期（due）、\n"
	"未知（unknown）、不適用（not_applicable）。\n"
	"--as-of 以指定日期判斷期限；--id 只列出該前綴下之控制項。\n";

static void print_json(const struct bs_status *st, const char *prefix)
{
	json_t *o = bs_jsonview_status(st, prefix);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

static void counts_line(struct bs_buf *b, const unsigned *count, enum bs_lang lang)
{
	static const enum bs_state order[] = { BS_STATE_MET, BS_STATE_NOT_MET, BS_STATE_DUE, BS_STATE_UNKNOWN,
					       BS_STATE_NOT_APPLICABLE };
	for (size_t i = 0; i < 5; i++)
		bs_buf_printf(b, "%s%s %u", i ? " · " : "", bs_state_label(order[i], lang), count[order[i]]);
}

static void print_table(const struct bs_status *st, const char *prefix, enum bs_lang lang)
{
	struct bs_buf b = BS_BUF_INIT;
	char day[BS_DATE_SHOW_MAX];
	size_t width = bs_term_width();

	bs_date_show(st->as_of, lang, day);
	bs_buf_printf(&b, "%s  %s %s\n", st->profile.org, BS_T(lang, "狀態基準日", "as of"), day);
	for (size_t g = 0; g < st->ngroups; g++) {
		const struct bs_status_group *gr = &st->groups[g];
		if (prefix && !bs_control_id_under(gr->control->id, prefix) && !bs_control_id_under(prefix, gr->control->id))
			continue;
		bs_buf_putc(&b, '\n');
		bs_utf8_put_cell(&b, gr->control->id, 6, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, bs_state_label(gr->state, lang), 8, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_wrap(&b, BS_T(lang, gr->control->title.zh, gr->control->title.en), 16, width, 16);
		bs_buf_puts(&b, "\n       ");
		counts_line(&b, gr->count, lang);
		bs_buf_putc(&b, '\n');
		for (size_t i = gr->first; i < gr->first + gr->n; i++) {
			const struct bs_status_item *it = &st->items[i];
			if (prefix && !bs_control_id_under(it->control->id, prefix))
				continue;
			bs_buf_puts(&b, "  ");
			bs_utf8_put_cell(&b, it->control->id, 14, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, bs_state_label(it->state, lang), 8, 1);
			bs_buf_putc(&b, ' ');
			/* titles and reasons wrap to the terminal: a reason is read whole, not cut */
			bs_utf8_wrap(&b, BS_T(lang, it->control->title.zh, it->control->title.en), 26, width, 26);
			bs_buf_puts(&b, "\n                  ");
			bs_utf8_wrap(&b, BS_T(lang, it->reason_zh, it->reason_en), 18, width, 18);
			bs_buf_putc(&b, '\n');
		}
	}
	bs_buf_printf(&b, "\n%s: ", BS_T(lang, "合計", "total"));
	counts_line(&b, st->total, lang);
	bs_buf_putc(&b, '\n');
	fputs(b.ptr, stdout);
	bs_buf_release(&b);
}

struct status_opts {
	const char *format, *asof, *prefix;
	const struct bs_catalog *cat;
	int32_t day;
	int json;
};

enum { OPT_FORMAT = 0x2000, OPT_ASOF, OPT_ID };

static int status_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct status_opts *o = ctx;

	(void)cli;
	if (opt == OPT_FORMAT)
		o->format = arg;
	else if (opt == OPT_ASOF)
		o->asof = arg;
	else if (opt == OPT_ID)
		o->prefix = arg;
	return -1;
}

static int status_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct status_opts *o = ctx;
	int fmt, err;

	if (argc)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "多餘的參數 '%s'", "unexpected argument '%s'"), argv[0]);
	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt == 1;
	if (o->asof) {
		if (bs_date_parse(o->asof, &o->day) < 0)
			return bs_cli_usage_error(cli, "--as-of: %s", bs_error_message());
	} else {
		o->day = bs_days_taipei(bs_clock_now()); /* the officer's today: the Taiwan date */
	}
	if ((err = bs_catalog_builtin(&o->cat)) < 0)
		return bs_cli_fail(cli, err);
	if (o->prefix && !bs_catalog_find(o->cat, o->prefix)) {
		bs_error(BS_ENOTFOUND, "no control '%s' in the catalog: ids look like SR.4, A2.5, A3.7.11", o->prefix);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	return -1;
}

static int status_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct status_opts *o = ctx;
	struct bs_status st;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_status_compute(dd, o->cat, o->day, &st)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json)
		print_json(&st, o->prefix);
	else
		print_table(&st, o->prefix, cli->lang);
	bs_status_release(&st);
	return bs_cli_flush(cli);
}

int cmd_status(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "as-of", required_argument, NULL, OPT_ASOF },
		{ "id", required_argument, NULL, OPT_ID },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", status_run, 0, NULL, status_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", status_option, self, NULL };
	struct status_opts o = { NULL, NULL, NULL, NULL, 0, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
