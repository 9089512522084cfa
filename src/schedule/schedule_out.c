/* schedule_out.c - duties as the user sees them: status names, JSON and iCalendar (with
 * VALARM reminders). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "schedule/schedule.h"

const char *bs_duty_status_name(enum bs_duty_status s)
{
	switch (s) {
	case BS_DUTY_OVERDUE: return "overdue";
	case BS_DUTY_DUE_SOON: return "due_soon";
	case BS_DUTY_OK: return "ok";
	}
	return "?";
}

int bs_duty_status_mask(const char *list, unsigned *mask)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = 0;
		for (int s = BS_DUTY_OVERDUE; s <= BS_DUTY_OK; s++) {
			const char *name = bs_duty_status_name((enum bs_duty_status)s);
			if (strlen(name) == n && !strncmp(p, name, n)) {
				*mask |= 1u << s;
				found = 1;
			}
		}
		if (!found)
			return bs_error(BS_EINVALID, "unknown status '%.*s' in '%s': use overdue, due_soon, ok (comma-separated)",
					(int)n, p, list);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!*mask)
		return bs_error(BS_EINVALID, "no status in '%s': use overdue, due_soon, ok (comma-separated)", list);
	return 0;
}

size_t bs_duties_keep(struct bs_duties *d, int32_t last_day, unsigned mask)
{
	size_t keep = 0, gone = 0;

	for (size_t i = 0; i < d->n; i++) {
		struct bs_duty *x = &d->v[i];
		if (x->due <= last_day && (!mask || (mask & (1u << x->status)))) {
			d->v[keep++] = *x;
		} else {
			free(x->detail_zh);
			free(x->detail_en);
			gone++;
		}
	}
	d->n = keep;
	return gone;
}

const char *bs_duty_status_label(enum bs_duty_status s, enum bs_lang lang)
{
	switch (s) {
	case BS_DUTY_OVERDUE: return BS_T(lang, "逾期", "overdue");
	case BS_DUTY_DUE_SOON: return BS_T(lang, "即將到期", "due soon");
	case BS_DUTY_OK: return BS_T(lang, "正常", "ok");
	}
	return "?";
}

json_t *bs_duties_json(const struct bs_duties *d, enum bs_lang lang)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < d->n; i++) {
		const struct bs_duty *x = &d->v[i];
		char due[BS_DATE_MAX];
		json_t *o = json_object();
		bs_date_format(x->due, due);
		json_object_set_new(o, "duty", json_string(x->duty));
		json_object_set_new(o, "source", json_string(x->source));
		json_object_set_new(o, "subject", json_string(x->subject));
		json_object_set_new(o, "due", json_string(due));
		json_object_set_new(o, "status", json_string(bs_duty_status_name(x->status)));
		json_object_set_new(o, "detail", json_string(BS_T(lang, x->detail_zh, x->detail_en)));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT. */
static void ics_text(struct bs_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			bs_buf_putc(b, '\\');
		if (*s == '\n') {
			bs_buf_puts(b, "\\n");
			continue;
		}
		if (*s == '\r')
			continue;
		bs_buf_putc(b, *s);
	}
}

/* RFC 5545 3.1: lines longer than 75 octets are folded with CRLF + space, never inside a
 * UTF-8 sequence. */
static void ics_line(struct bs_buf *out, const char *line)
{
	size_t len = strlen(line), pos = 0, limit = 75;
	while (len - pos > limit) {
		size_t cut = pos + limit;
		while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		bs_buf_put(out, line + pos, cut - pos);
		bs_buf_puts(out, "\r\n ");
		pos = cut;
		limit = 74; /* the leading space counts */
	}
	bs_buf_put(out, line + pos, len - pos);
	bs_buf_puts(out, "\r\n");
}

void bs_duties_ics(const struct bs_duties *d, enum bs_lang lang, int64_t now_us, struct bs_buf *out)
{
	struct bs_buf line = BS_BUF_INIT;
	char stamp[BS_TIME_MAX], dtstamp[20];

	bs_time_format(now_us, stamp);
	/* 2026-11-27T23:17:00.000000Z -> 20261127T231700Z */
	snprintf(dtstamp, sizeof(dtstamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", stamp, stamp + 5, stamp + 8, stamp + 11,
		 stamp + 14, stamp + 17);
	ics_line(out, "BEGIN:VCALENDAR");
	ics_line(out, "VERSION:2.0");
	ics_line(out, "PRODID:-//brokersec//deadlines//EN");
	ics_line(out, "CALSCALE:GREGORIAN");
	ics_line(out, "METHOD:PUBLISH");
	for (size_t i = 0; i < d->n; i++) {
		const struct bs_duty *x = &d->v[i];
		int y;
		unsigned m, dd, m2, dd2;
		int y2;
		bs_civil_from_days(x->due, &y, &m, &dd);
		bs_civil_from_days(x->due + 1, &y2, &m2, &dd2);
		ics_line(out, "BEGIN:VEVENT");
		bs_buf_clear(&line);
		bs_buf_printf(&line, "UID:%s-%s-%s@brokersec", x->duty, x->subject, x->source);
		for (size_t k = 4; k < line.len; k++)
			if (line.ptr[k] == ':')
				line.ptr[k] = '-';
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "DTSTAMP:%s", dtstamp);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "DTSTART;VALUE=DATE:%04d%02u%02u", y, m, dd);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "DTEND;VALUE=DATE:%04d%02u%02u", y2, m2, dd2);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_puts(&line, "SUMMARY:");
		ics_text(&line, x->duty);
		bs_buf_puts(&line, " ");
		ics_text(&line, x->subject);
		bs_buf_printf(&line, " (%s)", bs_duty_status_label(x->status, lang));
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_puts(&line, "DESCRIPTION:");
		ics_text(&line, BS_T(lang, x->detail_zh, x->detail_en));
		bs_buf_printf(&line, " [%s]", x->source);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "CATEGORIES:%s", bs_duty_status_name(x->status));
		ics_line(out, line.ptr);
		ics_line(out, "TRANSP:TRANSPARENT");
		/* RFC 5545 3.6.6: reminders a month and a week before the due day (relative to
		 * DTSTART); a DISPLAY alarm needs ACTION, TRIGGER and DESCRIPTION */
		for (int a = 0; a < 2; a++) {
			ics_line(out, "BEGIN:VALARM");
			ics_line(out, "ACTION:DISPLAY");
			ics_line(out, a == 0 ? "TRIGGER;RELATED=START:-P30D" : "TRIGGER;RELATED=START:-P7D");
			bs_buf_clear(&line);
			bs_buf_puts(&line, "DESCRIPTION:");
			bs_buf_puts(&line, a == 0 ? BS_T(lang, "30 天後到期：", "due in 30 days: ")
						  : BS_T(lang, "7 天後到期：", "due in 7 days: "));
			ics_text(&line, x->duty);
			bs_buf_puts(&line, " ");
			ics_text(&line, x->subject);
			ics_line(out, line.ptr);
			ics_line(out, "END:VALARM");
		}
		ics_line(out, "END:VEVENT");
	}
	ics_line(out, "END:VCALENDAR");
	bs_buf_release(&line);
}
