/* audit.c - bs_audit and the event log's calls made for a data directory's actor. See audit.h. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"

int bs_audit(struct bs_datadir *dd, const char *type, const char *outcome, const char *data, const char *fmt, ...)
{
	struct bs_buf msg = BS_BUF_INIT;
	struct bs_event ev;
	va_list ap;
	int err;

	if (!dd->events && (err = bs_eventlog_open(&dd->events, dd->path)) < 0)
		return err;
	va_start(ap, fmt);
	bs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* Which kind of actor it is (an account that signed in, or the OS user on the command
	 * line) is part of who acted: added to the event's data, beside what the caller gave. */
	char *merged = NULL;
	if (dd->actor_kind) {
		json_t *obj = data ? json_loads(data, 0, NULL) : json_object();
		if (obj && json_is_object(obj)) {
			json_object_set_new(obj, "actor_kind", json_string(dd->actor_kind));
			merged = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
		}
		json_decref(obj);
		if (merged)
			data = merged;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.severity = outcome && !strcmp(outcome, "failure") ? 4 : 5;
	ev.host = bs_eventlog_hostname();
	ev.source = dd->source ? dd->source : "cli";
	ev.user = dd->actor;
	ev.outcome = outcome;
	ev.message = msg.ptr;
	ev.data = data;
	err = bs_eventlog_append(dd->events, &ev, 1);
	bs_buf_release(&msg);
	free(merged);
	return err;
}

int bs_eventlog_audit_read(struct bs_datadir *dd, const char *data, const char *fmt, ...)
{
	struct bs_buf msg = BS_BUF_INIT;
	va_list ap;
	int err;

	va_start(ap, fmt);
	bs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	err = bs_audit(dd, "eventlog.read", "success", data, "%s", msg.ptr);
	bs_buf_release(&msg);
	/* Cover it by a checkpoint now so what is read next is sealed up to here. */
	if (err == 0)
		err = bs_eventlog_checkpoint(dd->events);
	return err;
}

int bs_eventlog_alert_clear(struct bs_datadir *dd)
{
	char text[512], *path = bs_datadir_file(dd, "eventlog.alert");
	int err = 0;

	if (!bs_eventlog_alert_pending(dd->path, text, sizeof(text))) {
		free(path);
		return bs_error(BS_ENOTFOUND, "no event log alert is pending in '%s'", dd->path);
	}
	if ((err = bs_audit(dd, "eventlog.alert.clear", "success", NULL, "cleared the event log alert: %s", text)) == 0 &&
	    unlink(path) != 0)
		err = bs_error(BS_ERR, "cannot remove '%s': %s", path, bs_strerror(errno));
	free(path);
	return err;
}
