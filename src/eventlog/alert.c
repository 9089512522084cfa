/* alert.c - the alert of A2.4.1.7.3 when the log cannot be written: the flag file
 * eventlog.alert and a syslog(3) line, and the event the writer makes of it once it can. */
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "eventlog/el_internal.h"

/* An alert raised (possibly by another process) and not yet logged becomes an event. */
int el_log_pending_alert(struct bs_eventlog *log, struct head *h, int64_t now)
{
	struct bs_buf text = BS_BUF_INIT;
	unsigned char digest[EL_HASH], logged[EL_HASH];
	struct stat sb;
	int err = 0;

	if (stat(log->alertpath, &sb) != 0)
		return 0;
	if (bs_buf_read_file(&text, log->alertpath) < 0) {
		bs_error_clear();
		bs_buf_release(&text);
		return 0;
	}
	crypto_hash_sha256(digest, (const unsigned char *)text.ptr, text.len);
	if (el_meta_get_blob(log->db, "alert_logged", logged, EL_HASH) == 0 && !memcmp(logged, digest, EL_HASH)) {
		bs_buf_release(&text);
		return 0;
	}
	{
		const char *msg = text.len ? text.ptr : "an event log write failed (the details could not be saved: the disk was full)";
		if (!bs_utf8_valid_text(msg, strlen(msg)) || strlen(msg) > EL_MESSAGE_MAX)
			msg = "(alert text unreadable: see eventlog.alert in the data directory)";
		struct bs_event ev = { 0, 0, "eventlog.alert", 1, bs_eventlog_hostname(), "brokersec", NULL, "brokersec",
				       "failure", msg, NULL };
		err = el_insert_event(log, h, &ev, now);
	}
	if (!err && el_meta_put_blob(log->db, "alert_logged", digest, EL_HASH))
		err = el_db_fail(log->db, log->dbpath, "cannot record the alert");
	bs_buf_release(&text);
	return err;
}

void bs_eventlog_alert(const char *dir, const char *fmt, ...)
{
	struct bs_buf line = BS_BUF_INIT;
	char when[BS_TIME_MAX], *path = el_path(dir, "eventlog.alert");
	va_list ap;
	int fd;

	bs_time_format(bs_clock_now(), when);
	bs_buf_printf(&line, "%s ", when);
	va_start(ap, fmt);
	bs_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < line.len; i++)
		if (line.ptr[i] == '\n')
			line.ptr[i] = ' ';
	syslog(LOG_USER | LOG_ALERT, "brokersec event log alert (%s): %s", dir, line.ptr + strlen(when) + 1);
	bs_buf_putc(&line, '\n');
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		/* Best effort: when even this fails the syslog line and the caller's error remain. */
		ssize_t w = write(fd, line.ptr, line.len);
		(void)w;
		(void)fsync(fd);
		close(fd);
	}
	free(path);
	bs_buf_release(&line);
}

int bs_eventlog_alert_pending(const char *dir, char *buf, size_t cap)
{
	struct bs_buf b = BS_BUF_INIT;
	char *path = el_path(dir, "eventlog.alert");
	int r = 0;

	if (cap)
		buf[0] = '\0';
#define NO_DETAIL "an event log write failed (the details could not be saved: the disk was full)"
	if (bs_buf_read_file(&b, path) == 0) {
		if (b.len == 0)
			bs_buf_puts(&b, NO_DETAIL);
		/* The last line is the most recent alert. */
		while (b.len && b.ptr[b.len - 1] == '\n')
			b.ptr[--b.len] = '\0';
		const char *nl = strrchr(b.ptr, '\n');
		snprintf(buf, cap, "%s", nl ? nl + 1 : b.ptr);
		r = 1;
	}
	bs_error_clear();
	bs_buf_release(&b);
	free(path);
	return r;
}
