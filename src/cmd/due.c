/* brokersec due: every duty of the regulation with its due date (the deadline engine). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "schedule/schedule.h"

static const char usage_text[] =
	"usage: brokersec due [--as-of YYYY-MM-DD] [--within DAYS] [--format table|json|ics]\n"
	"                     [--restore-test-months 1..12] [--account-review-months 1..12] [--data DIR]\n"
	"Lists every duty the registers give rise to, with its due date and status: overdue,\n"
	"due_soon (within --within days, default 90) or ok. --format ics writes an iCalendar file.\n"
	"The rules and their catalog ids: docs/registers.md.\n";

static int parse_small(struct bs_cli *cli, const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return bs_cli_usage_error(cli, "%s '%s': give a whole number from %d to %d", opt, s, lo, hi);
	*out = (int)v;
	return 0;
}

struct due_opts {
	const char *format, *as_of;
	int within, restore, review, fmt;
	int32_t day;
};

enum { OPT_AS_OF = 0x2000, OPT_WITHIN, OPT_FORMAT, OPT_RESTORE, OPT_REVIEW };

static int due_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct due_opts *o = ctx;

	if (opt == OPT_AS_OF)
		o->as_of = arg;
	else if (opt == OPT_WITHIN) {
		if (parse_small(cli, "--within", arg, 0, BS_DUE_WITHIN_MAX, &o->within))
			return 2;
	} else if (opt == OPT_RESTORE) {
		if (parse_small(cli, "--restore-test-months", arg, 1, 12, &o->restore))
			return 2;
	} else if (opt == OPT_REVIEW) {
		if (parse_small(cli, "--account-review-months", arg, 1, 12, &o->review))
			return 2;
	} else if (opt == OPT_FORMAT)
		o->format = arg;
	return -1;
}

static int due_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", "ics", NULL };
	struct due_opts *o = ctx;

	if ((o->fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (o->as_of) {
		if (bs_date_parse(o->as_of, &o->day) < 0)
			return bs_cli_usage_error(cli, "--as-of '%s' is not a date: write YYYY-MM-DD", o->as_of);
	} else {
		o->day = bs_days_from_time(bs_clock_now());
	}
	return -1;
}

static int due_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct due_opts *o = ctx;
	struct bs_schedule_opts so;
	struct bs_duties duties = { 0 };
	struct bs_buf out = BS_BUF_INIT;
	int err;

	(void)argc;
	(void)argv;
	bs_schedule_opts_default(&so, o->day);
	so.within = o->within;
	so.restore_test_months = o->restore;
	so.account_review_months = o->review;
	if ((err = bs_schedule_load(dd->store, &so, &duties)) < 0)
		goto done;
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
		unsigned count[3] = { 0 };
		for (size_t i = 0; i < duties.n; i++) {
			const struct bs_duty *x = &duties.v[i];
			char due[BS_DATE_MAX];
			bs_date_format(x->due, due);
			count[x->status]++;
			bs_buf_printf(&out, "%s ", due);
			bs_utf8_put_cell(&out, bs_duty_status_label(x->status, cli->lang), 8, 1);
			bs_buf_putc(&out, ' ');
			bs_utf8_put_cell(&out, x->duty, 24, 1);
			bs_buf_putc(&out, ' ');
			bs_utf8_put_cell(&out, x->subject, 20, 1);
			bs_buf_putc(&out, ' ');
			bs_utf8_put_cell(&out, x->source, 14, 0);
			bs_buf_puts(&out, "\n    ");
			bs_utf8_put_cell(&out, BS_T(cli->lang, x->detail_zh, x->detail_en), 76, 0);
			bs_buf_putc(&out, '\n');
		}
		bs_buf_printf(&out, "%s %u, %s %u, %s %u\n", bs_duty_status_label(BS_DUTY_OVERDUE, cli->lang),
			      count[BS_DUTY_OVERDUE], bs_duty_status_label(BS_DUTY_DUE_SOON, cli->lang),
			      count[BS_DUTY_DUE_SOON], bs_duty_status_label(BS_DUTY_OK, cli->lang), count[BS_DUTY_OK]);
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
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "restore-test-months", required_argument, NULL, OPT_RESTORE },
		{ "account-review-months", required_argument, NULL, OPT_REVIEW },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", due_run, 0, NULL, due_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", due_option, self, NULL };
	struct due_opts o = { NULL, NULL, BS_DUE_WITHIN_DEFAULT, 12, 12, 0, 0 };

	cli->usage = usage_text;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
