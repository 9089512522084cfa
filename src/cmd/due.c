/* brokersec due: every duty of the regulation with its due date (the deadline engine). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "core/term.h"
#include "core/utf8.h"
#include "schedule/schedule.h"

static const char usage_zh[] =
	"用法: brokersec due [--as-of YYYY-MM-DD] [--within 天數] [--status overdue,due_soon,ok] [--all]\n"
	"                    [--format table|json|ics] [--restore-test-months 1..12]\n"
	"                    [--account-review-months 1..12] [--data 目錄] [--roc-dates]\n"
	"列出各登記簿所產生的每項義務、到期日與狀態：逾期（overdue）、即將到期（due_soon，\n"
	"--within 天數內，預設 90）或正常（ok）。\n"
	"  --within N   只列出 N 天內到期及已逾期者（同時為「即將到期」的範圍）\n"
	"  --status L   只列出所列狀態（以逗號分隔）\n"
	"  --all        表格也列出正常者（預設隱藏，並顯示「另有 N 項正常」）\n"
	"  --format ics 輸出 iCalendar 檔，每項附提醒（VALARM：30 天與 7 天前）\n"
	"規則與控制項編號：docs/registers.md。\n";
static const char usage_en[] =
	"usage: brokersec due [--as-of YYYY-MM-DD] [--within DAYS] [--status overdue,due_soon,ok] [--all]\n"
	"                     [--format table|json|ics] [--restore-test-months 1..12]\n"
	"                     [--account-review-months 1..12] [--data DIR] [--roc-dates]\n"
	"Lists every duty the registers give rise to, with its due date and status: overdue,\n"
	"due_soon (within --within days, default 90) or ok.\n"
	"  --within N   only duties due within N days and those overdue (also the due_soon window)\n"
	"  --status L   only the statuses listed (comma-separated)\n"
	"  --all        the table also lists duties that are ok (hidden by default, with a count)\n"
	"  --format ics an iCalendar file, each duty with reminders (VALARM: 30 and 7 days before)\n"
	"The rules and their catalog ids: docs/registers.md.\n";

static int parse_small(struct bs_cli *cli, const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "%s '%s'：請給 %d 到 %d 的整數",
						  "%s '%s': give a whole number from %d to %d"), opt, s, lo, hi);
	*out = (int)v;
	return 0;
}

struct due_opts {
	const char *format, *as_of, *status;
	int within, restore, review, fmt, within_given, all;
	unsigned status_mask; /* bit = enum bs_duty_status; 0: not given */
	int32_t day;
};

enum { OPT_AS_OF = 0x2000, OPT_WITHIN, OPT_FORMAT, OPT_RESTORE, OPT_REVIEW, OPT_STATUS, OPT_ALL };

static int due_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct due_opts *o = ctx;

	if (opt == OPT_AS_OF)
		o->as_of = arg;
	else if (opt == OPT_WITHIN) {
		if (parse_small(cli, "--within", arg, 0, BS_DUE_WITHIN_MAX, &o->within))
			return 2;
		o->within_given = 1;
	} else if (opt == OPT_RESTORE) {
		if (parse_small(cli, "--restore-test-months", arg, 1, 12, &o->restore))
			return 2;
	} else if (opt == OPT_REVIEW) {
		if (parse_small(cli, "--account-review-months", arg, 1, 12, &o->review))
			return 2;
	} else if (opt == OPT_FORMAT)
		o->format = arg;
	else if (opt == OPT_STATUS)
		o->status = arg;
	else if (opt == OPT_ALL)
		o->all = 1;
	return -1;
}

static int due_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", "ics", NULL };
	struct due_opts *o = ctx;

	if ((o->fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	if (argc)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "多餘的參數 '%s'", "unexpected argument '%s'"), argv[0]);
	if (o->status && bs_duty_status_mask(o->status, &o->status_mask) < 0)
		return bs_cli_usage_error(cli, "--status: %s", bs_error_message());
	if (o->as_of) {
		if (bs_date_parse(o->as_of, &o->day) < 0)
			return bs_cli_usage_error(cli, BS_T(cli->lang, "--as-of '%s' 不是日期：請寫 YYYY-MM-DD",
							    "--as-of '%s' is not a date: write YYYY-MM-DD"), o->as_of);
	} else {
		/* the officer's today is the Taiwan date (before 08:00 it is a day ahead of UTC's);
		 * GET /api/v1/due counts from the same day */
		o->day = bs_days_taipei(bs_clock_now());
	}
	return -1;
}

/* Keeps the duties the options ask for: --within N (due on or before today + N: overdue and
 * due_soon), --status; the table alone hides ok duties unless --all or --status says.
 * Returns how many ok duties were hidden by that default. */
static size_t due_filter(const struct due_opts *o, struct bs_duties *d)
{
	bs_duties_keep(d, o->within_given ? o->day + o->within : INT32_MAX, o->status_mask);
	if (o->fmt == 0 && !o->all && !o->status_mask)
		return bs_duties_keep(d, INT32_MAX, (1u << BS_DUTY_OVERDUE) | (1u << BS_DUTY_DUE_SOON));
	return 0;
}

/* "person:10" -> "王小明 (10)": the subject of a duty by name (org and policy kinds stay). */
static void subject_label(struct bs_store *st, const char *subject, struct bs_buf *b)
{
	const char *colon = strchr(subject, ':');
	char reg[40], *end;
	long long id;

	if (colon && (size_t)(colon - subject) < sizeof(reg) && (id = strtoll(colon + 1, &end, 10)) > 0 && !*end) {
		snprintf(reg, sizeof(reg), "%.*s", (int)(colon - subject), subject);
		bs_buf_printf(b, "%s ", reg);
		bs_cli_record_name(st, reg, id, b);
		return;
	}
	bs_buf_puts(b, subject);
}

static void due_table(struct bs_cli *cli, struct bs_store *st, const struct bs_duties *duties, size_t hidden_ok,
		      struct bs_buf *out)
{
	unsigned count[3] = { 0 };
	size_t width = bs_term_width();
	int roc = bs_dates_roc();

	for (size_t i = 0; i < duties->n; i++) {
		const struct bs_duty *x = &duties->v[i];
		char due[BS_DATE_SHOW_MAX];
		bs_date_show(x->due, cli->lang, due);
		count[x->status]++;
		/* 民國115年12月31日 is 17 columns; the ISO date 10 */
		bs_utf8_put_cell(out, due, roc ? 17 : 10, 1);
		bs_buf_putc(out, ' ');
		bs_utf8_put_cell(out, bs_duty_status_label(x->status, cli->lang), 8, 1);
		bs_buf_putc(out, ' ');
		bs_utf8_put_cell(out, x->duty, 24, 1);
		bs_buf_putc(out, ' ');
		subject_label(st, x->subject, out);
		bs_buf_puts(out, "  ");
		bs_buf_puts(out, x->source);
		bs_buf_puts(out, "\n    ");
		bs_utf8_wrap(out, BS_T(cli->lang, x->detail_zh, x->detail_en), 4, width, 4);
		bs_buf_putc(out, '\n');
	}
	bs_buf_printf(out, "%s %u, %s %u, %s %u\n", bs_duty_status_label(BS_DUTY_OVERDUE, cli->lang),
		      count[BS_DUTY_OVERDUE], bs_duty_status_label(BS_DUTY_DUE_SOON, cli->lang),
		      count[BS_DUTY_DUE_SOON], bs_duty_status_label(BS_DUTY_OK, cli->lang), count[BS_DUTY_OK]);
	if (hidden_ok)
		bs_buf_printf(out, BS_T(cli->lang, "另有 %zu 項正常，--all 顯示\n", "%zu more are ok: --all shows them\n"),
			      hidden_ok);
}

static int due_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct due_opts *o = ctx;
	struct bs_schedule_opts so;
	struct bs_duties duties = { 0 };
	struct bs_buf out = BS_BUF_INIT;
	size_t hidden_ok;
	int err;

	(void)argc;
	(void)argv;
	bs_schedule_opts_default(&so, o->day);
	so.within = o->within;
	so.restore_test_months = o->restore;
	so.account_review_months = o->review;
	if ((err = bs_schedule_load(dd->store, &so, &duties)) < 0)
		goto done;
	hidden_ok = due_filter(o, &duties);
	if (o->fmt == 1) {
		json_t *arr = bs_duties_json(&duties, cli->lang);
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(arr);
	} else if (o->fmt == 2) {
		bs_duties_ics(&duties, cli->lang, bs_clock_now(), &out);
		fwrite(out.ptr, 1, out.len, stdout);
	} else {
		char day[BS_DATE_SHOW_MAX], now[BS_TIME_SHOW_MAX];
		bs_buf_printf(&out, BS_T(cli->lang, "截至 %s", "as of %s"), bs_date_show(o->day, cli->lang, day));
		if (!o->as_of) /* today: the Taiwan date, and the instant it was taken */
			bs_buf_printf(&out, BS_T(cli->lang, "（台灣日期；現在 %s）", " (Taiwan date; now %s)"),
				      bs_time_show(bs_clock_now(), cli->lang, now));
		bs_buf_putc(&out, '\n');
		due_table(cli, dd->store, &duties, hidden_ok, &out);
		fputs(out.ptr, stdout);
	}
done:
	bs_duties_release(&duties);
	bs_buf_release(&out);
	return err < 0 ? bs_cli_fail(cli, err) : bs_cli_flush(cli);
}

int cmd_due(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "within", required_argument, NULL, OPT_WITHIN },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "restore-test-months", required_argument, NULL, OPT_RESTORE },
		{ "account-review-months", required_argument, NULL, OPT_REVIEW },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", due_run, 0, NULL, due_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", due_option, self, NULL };
	struct due_opts o = { 0 };

	o.within = BS_DUE_WITHIN_DEFAULT;
	o.restore = 12;
	o.review = 12;
	cli->usage = usage_en;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
