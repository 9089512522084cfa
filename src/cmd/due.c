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

int cmd_due(int argc, char **argv, struct bs_cli *cli)
{
	static const char *const formats[] = { "table", "json", "ics", NULL };
	enum { OPT_AS_OF = 0x2000, OPT_WITHIN, OPT_FORMAT, OPT_RESTORE, OPT_REVIEW };
	struct option opts[] = {
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "within", required_argument, NULL, OPT_WITHIN },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "restore-test-months", required_argument, NULL, OPT_RESTORE },
		{ "account-review-months", required_argument, NULL, OPT_REVIEW },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct bs_schedule_opts so;
	struct bs_duties duties = { 0 };
	struct bs_buf out = BS_BUF_INIT;
	struct bs_datadir *dd = NULL;
	const char *format = NULL, *as_of = NULL;
	int within = BS_DUE_WITHIN_DEFAULT, restore = 12, review = 12, opt, r, fmt, err;
	int32_t day;

	cli->usage = usage_text;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_AS_OF)
			as_of = optarg;
		else if (opt == OPT_WITHIN) {
			if (parse_small(cli, "--within", optarg, 0, BS_DUE_WITHIN_MAX, &within))
				return 2;
		} else if (opt == OPT_RESTORE) {
			if (parse_small(cli, "--restore-test-months", optarg, 1, 12, &restore))
				return 2;
		} else if (opt == OPT_REVIEW) {
			if (parse_small(cli, "--account-review-months", optarg, 1, 12, &review))
				return 2;
		} else if (opt == OPT_FORMAT)
			format = optarg;
		else if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
			return r;
	}
	if ((fmt = bs_cli_format(cli, format, formats)) < 0)
		return 2;
	if (optind < argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (as_of) {
		if (bs_date_parse(as_of, &day) < 0)
			return bs_cli_usage_error(cli, "--as-of '%s' is not a date: write YYYY-MM-DD", as_of);
	} else {
		day = bs_days_from_time(bs_clock_now());
	}
	if ((err = bs_cli_open(cli, &dd)) < 0)
		return bs_cli_fail(cli, err);
	bs_schedule_opts_default(&so, day);
	so.within = within;
	so.restore_test_months = restore;
	so.account_review_months = review;
	if ((err = bs_schedule_load(dd->store, &so, &duties)) < 0)
		goto done;
	if (fmt == 1) {
		json_t *arr = bs_duties_json(&duties, cli->lang);
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(arr);
	} else if (fmt == 2) {
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
	bs_datadir_free(dd);
	return err < 0 ? bs_cli_fail(cli, err) : bs_cli_flush(cli);
}
