/*
 * clock.h - the one clock, UTC calendar dates and ISO 8601 durations.
 *
 * All time in brokersec comes from bs_clock_now(); tests set it with bs_clock_set().
 * Instants are microseconds since the Unix epoch (UTC). Dates are days since the epoch
 * (1970-01-01 is day 0) in the proleptic Gregorian calendar.
 */
#ifndef BS_CORE_CLOCK_H
#define BS_CORE_CLOCK_H

#include <stdint.h>

#define BS_TIME_MAX 32  /* "2026-11-27T23:17:00.123456Z" + NUL, with room */
#define BS_DATE_MAX 11  /* "2026-11-27" + NUL */

/* Now, in microseconds since the epoch (UTC). */
int64_t bs_clock_now(void);
/* Pins the clock to us (tests); 0 returns to the system clock. */
void bs_clock_set(int64_t us);

/* Formats an instant as RFC 3339 UTC with microseconds and 'Z'. */
void bs_time_format(int64_t us, char out[BS_TIME_MAX]);
/* Parses RFC 3339 ("2026-11-27T23:17:00Z", fraction and +hh:mm offset allowed) or a bare
 * date (midnight UTC). Returns 0 or BS_EINVALID with a message naming the input. */
int bs_time_parse(const char *s, int64_t *out);

/* Days since the epoch from a civil date; no validation. */
int32_t bs_days_from_civil(int y, unsigned m, unsigned d);
void bs_civil_from_days(int32_t days, int *y, unsigned *m, unsigned *d);
int32_t bs_days_from_time(int64_t us);
/* Parses exactly YYYY-MM-DD with a real calendar day. 0 or BS_EINVALID. */
int bs_date_parse(const char *s, int32_t *days);
void bs_date_format(int32_t days, char out[BS_DATE_MAX]);
/* Adds months; a day that does not exist in the target month becomes its last day
 * (2024-02-29 + 12 months = 2025-02-28). */
int32_t bs_date_add_months(int32_t days, int months);

/* An ISO 8601 duration as written in the regulation's periods: P1Y, P3M, P2W, P10D, PT15M. */
struct bs_duration {
	int years, months, days;
	int64_t seconds;
};
/* Parses the duration; 0 or BS_EINVALID. Rejects empty ("P", "PT") and unknown designators. */
int bs_duration_parse(const char *s, struct bs_duration *out);
/* The date that lies one duration after days (time part rounded up to whole days). */
int32_t bs_duration_add(int32_t days, const struct bs_duration *d);

#endif
