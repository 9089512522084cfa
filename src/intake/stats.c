/* stats.c - the intake's counters: read live, written now and then to the stats file for
 * `log status`, read back from it, and as JSON. */
#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "intake/intake_internal.h"

/* The counters of the stats file and of bs_intake_stats_json, in their order. */
#define STAT(f) { #f, offsetof(struct bs_intake_stats, f) }
static const struct {
	const char *k;
	size_t off;
} stat_fields[] = {
	STAT(received_udp), STAT(received_tcp), STAT(received_tls), STAT(committed), STAT(malformed),
	STAT(dropped_udp), STAT(dropped_udp_kernel), STAT(connections), STAT(connections_open),
	STAT(connections_refused), STAT(evicted), STAT(tls_failures), STAT(tls_auth_failures),
	STAT(sink_failures), STAT(backpressure), STAT(queued),
};
#undef STAT

static int64_t *stat_at(struct bs_intake_stats *st, size_t i)
{
	return (int64_t *)(void *)((char *)st + stat_fields[i].off);
}

void intake_write_stats(struct bs_intake *in)
{
	struct bs_intake_stats st;
	struct bs_buf tmp = BS_BUF_INIT;
	json_t *o;

	if (!in->cfg.stats_path)
		return;
	bs_intake_get_stats(in, &st);
	o = json_object();
	json_object_set_new(o, "started_us", json_integer((json_int_t)st.started_us));
	json_object_set_new(o, "updated_us", json_integer((json_int_t)st.updated_us));
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		json_object_set_new(o, stat_fields[i].k, json_integer((json_int_t)*stat_at(&st, i)));
	bs_buf_printf(&tmp, "%s.tmp", in->cfg.stats_path);
	if (json_dump_file(o, tmp.ptr, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0) {
		if (rename(tmp.ptr, in->cfg.stats_path) != 0)
			(void)unlink(tmp.ptr);
	}
	json_decref(o);
	bs_buf_release(&tmp);
}

void bs_intake_get_stats(struct bs_intake *in, struct bs_intake_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->started_us = in->started_us;
	st->updated_us = bs_clock_now();
	st->received_udp = atomic_load(&in->c.received[BS_SYSLOG_UDP]);
	st->received_tcp = atomic_load(&in->c.received[BS_SYSLOG_TCP]);
	st->received_tls = atomic_load(&in->c.received[BS_SYSLOG_TLS]);
	st->committed = atomic_load(&in->c.committed);
	st->malformed = atomic_load(&in->c.malformed);
	st->dropped_udp = atomic_load(&in->c.dropped_udp);
	st->dropped_udp_kernel = atomic_load(&in->c.dropped_udp_kernel);
	st->connections = atomic_load(&in->c.connections);
	st->connections_open = atomic_load(&in->c.connections_open);
	st->connections_refused = atomic_load(&in->c.connections_refused);
	st->evicted = atomic_load(&in->c.evicted);
	st->tls_failures = atomic_load(&in->c.tls_failures);
	st->tls_auth_failures = atomic_load(&in->c.tls_auth_failures);
	st->sink_failures = atomic_load(&in->c.sink_failures);
	st->backpressure = atomic_load(&in->c.backpressure);
	pthread_mutex_lock(&in->mu);
	st->queued = (int64_t)in->count;
	pthread_mutex_unlock(&in->mu);
}

char *bs_intake_stats_file(const char *datadir_path)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "%s/intake.stats", datadir_path);
	return bs_buf_detach(&b, NULL);
}

int bs_intake_stats_read(const char *path, struct bs_intake_stats *st)
{
	json_error_t je;
	json_t *o, *v;

	memset(st, 0, sizeof(*st));
	if (access(path, F_OK) != 0)
		return bs_error(BS_ENOTFOUND, "no intake statistics at '%s': 'brokersec intake' has not run", path);
	if (!(o = json_load_file(path, 0, &je)) || !json_is_object(o)) {
		json_decref(o);
		return bs_error(BS_EINVALID, "cannot read intake statistics '%s': %s; it is rewritten when the "
				"intake runs", path, je.text);
	}
	if (json_is_integer(v = json_object_get(o, "started_us")))
		st->started_us = (int64_t)json_integer_value(v);
	if (json_is_integer(v = json_object_get(o, "updated_us")))
		st->updated_us = (int64_t)json_integer_value(v);
	/* counters an older intake did not write stay 0 */
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		if (json_is_integer(v = json_object_get(o, stat_fields[i].k)))
			*stat_at(st, i) = (int64_t)json_integer_value(v);
	json_decref(o);
	return 0;
}

json_t *bs_intake_stats_json(const struct bs_intake_stats *in)
{
	char started[BS_TIME_MAX], updated[BS_TIME_MAX];
	struct bs_intake_stats st;
	json_t *o;

	if (!in)
		return json_null();
	st = *in;
	o = json_object();
	bs_time_format(st.started_us, started);
	bs_time_format(st.updated_us, updated);
	json_object_set_new(o, "started", st.started_us ? json_string(started) : json_null());
	json_object_set_new(o, "updated", st.updated_us ? json_string(updated) : json_null());
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		json_object_set_new(o, stat_fields[i].k, json_integer((json_int_t)*stat_at(&st, i)));
	return o;
}
