/* brokersec status: a summary per article / part with the next actions (the default), or the
 * state of every applicable control (--all, --id), or the whole document (--format json). */
#include <jansson.h>
#include <stdio.h>
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
	"usage: brokersec status [--all] [--id PREFIX] [--format table|json] [--as-of YYYY-MM-DD] [--data DIR]\n"
	"States: met, not_met, due, unknown, not_applicable, each with its reason.\n"
	"The table is a summary: each article and annex part with its counts, the totals, and the ten\n"
	"most urgent actions, each with the command that does it (docs/status.md, \"Next actions\").\n"
	"--all lists every control with its state and reason; --id PREFIX lists the controls under\n"
	"that prefix (SR.4, A2.5), likewise in full; --format json is the full document with the\n"
	"actions; --as-of judges deadlines on that date.\n";
static const char usage_zh[] =
	"用法: brokersec status [--all] [--id 前綴] [--format table|json] [--as-of YYYY-MM-DD] [--data 目錄]\n"
	"列出各控制項之狀態及其理由：符合（met）、不符合（not_met）、到期（due）、\n"
	"未知（unknown）、不適用（not_applicable）。\n"
	"表格為摘要：各條及各附件部分之件數、合計，以及最優先的 10 項行動與執行各項之指令\n"
	"（docs/status.md「下一步」）。\n"
	"--all 列出每一控制項之狀態及理由；--id 前綴 列出該前綴下之控制項（SR.4、A2.5），亦為完整清單；\n"
	"--format json 為含行動（actions）之完整文件；--as-of 以指定日期判斷期限。\n";

static int print_json(struct bs_datadir *dd, const struct bs_status *st, const char *prefix)
{
	json_t *o = bs_jsonview_status(st, prefix);
	int err = bs_actions_attach(dd, st, prefix, o);
	if (err < 0) {
		json_decref(o);
		return err;
	}
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
	return 0;
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

/* The worst applicable state among counts (not applicable when nothing applies). */
static enum bs_state worst_of(const unsigned *count)
{
	for (int s = 0; s < BS_STATE_NOT_APPLICABLE; s++)
		if (count[s])
			return (enum bs_state)s;
	return BS_STATE_NOT_APPLICABLE;
}

static const enum bs_state count_order[] = { BS_STATE_MET, BS_STATE_NOT_MET, BS_STATE_DUE, BS_STATE_UNKNOWN,
					     BS_STATE_NOT_APPLICABLE };

static void summary_row(struct bs_buf *b, const char *id, enum bs_state state, const unsigned *count,
			const size_t *cw, size_t idw, size_t stw, enum bs_lang lang)
{
	bs_utf8_put_cell(b, id, idw, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, bs_state_label(state, lang), stw, 1);
	for (size_t k = 0; k < 5; k++)
		bs_buf_printf(b, " %*u", (int)cw[k], count[count_order[k]]);
}

/* The summary (the default table): each article / annex part with its counts, the totals,
 * then the most urgent actions with their commands and where the full list is. */
static void print_summary(const struct bs_status *st, const struct bs_actions *acts, enum bs_lang lang)
{
	struct bs_buf b = BS_BUF_INIT;
	char day[BS_DATE_SHOW_MAX];
	size_t width = bs_term_width(), cw[5], idw, stw = 0, col;
	const char *idh = BS_T(lang, "條文", "part"), *sth = BS_T(lang, "狀態", "state");

	bs_date_show(st->as_of, lang, day);
	bs_buf_printf(&b, "%s  %s %s\n", st->profile.org, BS_T(lang, "狀態基準日", "as of"), day);
	idw = bs_utf8_width(idh);
	for (size_t g = 0; g < st->ngroups; g++)
		if (bs_utf8_width(st->groups[g].control->id) > idw)
			idw = bs_utf8_width(st->groups[g].control->id);
	if (bs_utf8_width(BS_T(lang, "合計", "total")) > idw)
		idw = bs_utf8_width(BS_T(lang, "合計", "total"));
	for (int s = 0; s < BS_STATE_COUNT; s++)
		if (bs_utf8_width(bs_state_label((enum bs_state)s, lang)) > stw)
			stw = bs_utf8_width(bs_state_label((enum bs_state)s, lang));
	if (bs_utf8_width(sth) > stw)
		stw = bs_utf8_width(sth);
	for (size_t k = 0; k < 5; k++) {
		char n[16];
		snprintf(n, sizeof(n), "%u", st->total[count_order[k]]);
		cw[k] = bs_utf8_width(bs_state_label(count_order[k], lang));
		if (strlen(n) > cw[k])
			cw[k] = strlen(n);
	}
	col = idw + 1 + stw + 2;
	for (size_t k = 0; k < 5; k++)
		col += cw[k] + 1;
	/* the header: the count columns right-aligned under their labels */
	bs_utf8_put_cell(&b, idh, idw, 1);
	bs_buf_putc(&b, ' ');
	bs_utf8_put_cell(&b, sth, stw, 1);
	for (size_t k = 0; k < 5; k++) {
		const char *l = bs_state_label(count_order[k], lang);
		bs_buf_printf(&b, " %*s%s", (int)(cw[k] - bs_utf8_width(l)), "", l);
	}
	bs_buf_printf(&b, "  %s\n", BS_T(lang, "標題", "title"));
	for (size_t g = 0; g < st->ngroups; g++) {
		const struct bs_status_group *gr = &st->groups[g];
		const char *title = BS_T(lang, gr->control->title.zh, gr->control->title.en);
		summary_row(&b, gr->control->id, gr->state, gr->count, cw, idw, stw, lang);
		if (width >= col + 16) {
			bs_buf_puts(&b, "  ");
			bs_utf8_wrap(&b, title, col, width, col);
		} else { /* a narrow terminal: the title on a line of its own */
			bs_buf_puts(&b, "\n    ");
			bs_utf8_wrap(&b, title, 4, width, 4);
		}
		bs_buf_putc(&b, '\n');
	}
	summary_row(&b, BS_T(lang, "合計", "total"), worst_of(st->total), st->total, cw, idw, stw, lang);
	bs_buf_putc(&b, '\n');

	if (!acts->n) {
		bs_buf_printf(&b, "%s\n", BS_T(lang, "沒有待辦行動：各適用控制項皆符合。",
						  "Nothing to do: every applicable control is met."));
	} else {
		if (acts->total > acts->n)
			bs_buf_printf(&b, BS_T(lang, "最優先的 %zu 項行動（共 %zu 項）：\n",
					       "The %zu most urgent actions (of %zu):\n"), acts->n, acts->total);
		else
			bs_buf_printf(&b, BS_T(lang, "最優先的 %zu 項行動：\n", "The %zu most urgent actions:\n"),
				      acts->n);
	}
	for (size_t i = 0; i < acts->n; i++) {
		const struct bs_action *a = &acts->v[i];
		struct bs_buf t = BS_BUF_INIT;
		bs_buf_printf(&t, "%s · %s", bs_state_label(a->state, lang), BS_T(lang, a->title_zh, a->title_en));
		if (lang == BS_LANG_EN)
			bs_buf_printf(&t, " (%u control%s: ", a->count, a->count == 1 ? "" : "s");
		else
			bs_buf_printf(&t, "（影響 %u 項：", a->count);
		for (size_t k = 0; k < a->nexamples && k < 2; k++) /* the JSON has more */
			bs_buf_printf(&t, "%s%s", k ? BS_T(lang, "、", ", ") : "", a->examples[k]);
		bs_buf_puts(&t, a->count > 2 ? BS_T(lang, "…）", "…)") : BS_T(lang, "）", ")"));
		bs_buf_printf(&b, "%2zu. ", i + 1);
		bs_utf8_wrap(&b, t.ptr, 4, width, 4);
		bs_buf_puts(&b, "\n    ");
		bs_utf8_wrap(&b, BS_T(lang, a->command_zh, a->command_en), 4, width, 6);
		bs_buf_putc(&b, '\n');
		bs_buf_release(&t);
	}
	bs_buf_printf(&b, "%sbrokersec status --all\n", BS_T(lang, "完整清單：", "Full list: "));
	fputs(b.ptr, stdout);
	bs_buf_release(&b);
}

struct status_opts {
	const char *format, *asof, *prefix;
	const struct bs_catalog *cat;
	int32_t day;
	int json, all;
};

enum { OPT_FORMAT = 0x2000, OPT_ASOF, OPT_ID, OPT_ALL };

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
	else if (opt == OPT_ALL)
		o->all = 1;
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
	struct bs_actions acts = { NULL, 0, 0 };
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_status_compute(dd, o->cat, o->day, &st)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json)
		err = print_json(dd, &st, o->prefix);
	else if (o->all || o->prefix)
		print_table(&st, o->prefix, cli->lang);
	else if ((err = bs_status_actions(dd, &st, NULL, BS_ACTIONS_TOP, &acts)) == 0)
		print_summary(&st, &acts, cli->lang);
	if (err < 0) {
		bs_status_release(&st);
		return bs_cli_fail(cli, err);
	}
	bs_actions_release(&acts);
	bs_status_release(&st);
	return bs_cli_flush(cli);
}

int cmd_status(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "as-of", required_argument, NULL, OPT_ASOF },
		{ "id", required_argument, NULL, OPT_ID },
		{ "all", no_argument, NULL, OPT_ALL },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", status_run, 0, NULL, status_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", status_option, self, NULL };
	struct status_opts o = { NULL, NULL, NULL, NULL, 0, 0, 0 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
