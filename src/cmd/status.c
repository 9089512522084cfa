/* brokersec status: the state of every applicable control, rolled up per article / part. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "compliance/status.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "jsonview/jsonview.h"

static const char usage_text[] =
	"usage: brokersec status [--format table|json] [--as-of YYYY-MM-DD] [--id PREFIX] [--data DIR]\n"
	"States: met, not_met, due, unknown, not_applicable, each with its reason.\n";

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
	char day[BS_DATE_MAX];

	bs_date_format(st->as_of, day);
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
		bs_utf8_put_cell(&b, BS_T(lang, gr->control->title.zh, gr->control->title.en), 64, 0);
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
			bs_utf8_put_cell(&b, BS_T(lang, it->control->title.zh, it->control->title.en), 54, 0);
			bs_buf_puts(&b, "\n                  ");
			bs_utf8_put_cell(&b, BS_T(lang, it->reason_zh, it->reason_en), 62, 0);
			bs_buf_putc(&b, '\n');
		}
	}
	bs_buf_printf(&b, "\n%s: ", BS_T(lang, "合計", "total"));
	counts_line(&b, st->total, lang);
	bs_buf_putc(&b, '\n');
	fputs(b.ptr, stdout);
	bs_buf_release(&b);
}

int cmd_status(int argc, char **argv, struct bs_cli *cli)
{
	static const char *const formats[] = { "table", "json", NULL };
	enum { OPT_FORMAT = 0x2000, OPT_ASOF, OPT_ID };
	struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "as-of", required_argument, NULL, OPT_ASOF },
		{ "id", required_argument, NULL, OPT_ID },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *asof = NULL, *prefix = NULL;
	const struct bs_catalog *cat;
	struct bs_datadir *dd = NULL;
	struct bs_status st;
	int32_t day;
	int opt, r, fmt, err;

	cli->usage = usage_text;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_FORMAT)
			format = optarg;
		else if (opt == OPT_ASOF)
			asof = optarg;
		else if (opt == OPT_ID)
			prefix = optarg;
		else if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
			return r;
	}
	if (optind < argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((fmt = bs_cli_format(cli, format, formats)) < 0)
		return 2;
	if (asof) {
		if (bs_date_parse(asof, &day) < 0)
			return bs_cli_usage_error(cli, "--as-of: %s", bs_error_message());
	} else {
		day = bs_days_from_time(bs_clock_now());
	}
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return bs_cli_fail(cli, err);
	if (prefix && !bs_catalog_find(cat, prefix)) {
		bs_error(BS_ENOTFOUND, "no control '%s' in the catalog: ids look like SR.4, A2.5, A3.7.11", prefix);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	if ((err = bs_cli_open(cli, &dd)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_status_compute(dd, cat, day, &st);
	bs_datadir_free(dd);
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (fmt == 1)
		print_json(&st, prefix);
	else
		print_table(&st, prefix, cli->lang);
	bs_status_release(&st);
	return bs_cli_flush(cli);
}
