#include "core/datefmt.h"

#include <stdio.h>

#include "core/clock.h"

static int roc_dates;

void bs_dates_set_roc(int on)
{
	roc_dates = on != 0;
}

int bs_dates_roc(void)
{
	return roc_dates;
}

int32_t bs_days_taipei(int64_t us)
{
	return bs_days_from_time(us + INT64_C(8) * 3600 * 1000000);
}

const char *bs_date_show(int32_t days, enum bs_lang lang, char out[BS_DATE_SHOW_MAX])
{
	int y;
	unsigned m, d;

	bs_civil_from_days(days, &y, &m, &d);
	if (!roc_dates || y < 1912)
		snprintf(out, BS_DATE_SHOW_MAX, "%04d-%02u-%02u", y, m, d);
	else if (lang == BS_LANG_EN)
		snprintf(out, BS_DATE_SHOW_MAX, "ROC %d-%02u-%02u", y - 1911, m, d);
	else
		snprintf(out, BS_DATE_SHOW_MAX, "民國%d年%u月%u日", y - 1911, m, d);
	return out;
}

const char *bs_time_show(int64_t us, enum bs_lang lang, char out[BS_TIME_SHOW_MAX])
{
	char utc[BS_TIME_MAX], tw[BS_TIME_MAX], day[BS_DATE_SHOW_MAX];
	int64_t tw_us = us + INT64_C(8) * 3600 * 1000000;

	bs_time_format(us, utc);
	bs_time_format(tw_us, tw);
	bs_date_show(bs_days_from_time(tw_us), lang, day);
	/* 2026-12-05T03:00:00.000000Z: date, time to the second, Z */
	snprintf(out, BS_TIME_SHOW_MAX, "%.10s %.8sZ%s%s %.5s%s", utc, utc + 11,
		 BS_T(lang, "（台灣 ", " (Taiwan "), day, tw + 11, BS_T(lang, "）", ")"));
	return out;
}
