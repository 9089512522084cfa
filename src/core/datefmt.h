/*
 * datefmt.h - dates and instants as a person reads them in tables and reports.
 *
 * Stored and exchanged values stay ISO 8601 UTC (clock.h); what a person reads also gives the
 * Taiwan date (Asia/Taipei), because a duty "due 2026-12-05" or an event at 17:00Z is judged
 * by the officer's calendar. `--roc-dates` (a global option, set once by main.c) prints
 * 民國 years: 民國115年12月5日.
 */
#ifndef BS_CORE_DATEFMT_H
#define BS_CORE_DATEFMT_H

#include <stdint.h>

#include "core/i18n.h"

#define BS_DATE_SHOW_MAX 48
#define BS_TIME_SHOW_MAX 96

/* Turns 民國 dates on or off for the rest of the process (main.c: --roc-dates). */
void bs_dates_set_roc(int on);
int bs_dates_roc(void);

/* The Taiwan calendar day (UTC+8; Taiwan has kept no daylight saving time since 1979) of an
 * instant, in days since the epoch. */
int32_t bs_days_taipei(int64_t us);

/* A calendar day for a table: "2026-12-05", or with --roc-dates "民國115年12月5日"
 * (English: "ROC 115-12-05"). A year before 民國1年 (1912) stays Gregorian. Returns out. */
const char *bs_date_show(int32_t days, enum bs_lang lang, char out[BS_DATE_SHOW_MAX]);

/* An instant for a person: "2026-12-05 03:00:00Z（台灣 2026-12-05 11:00）" - the UTC instant and
 * the Taiwan date and time; the Taiwan date follows --roc-dates. Returns out. */
const char *bs_time_show(int64_t us, enum bs_lang lang, char out[BS_TIME_SHOW_MAX]);

#endif
