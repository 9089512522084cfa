/* batch.c - what callers append: the checks every event gets, its canonical encoding in the
 * caller's thread, and the requests handed to the writer (bs_eventlog_append, the pipelined
 * batch API, bs_eventlog_checkpoint). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/utf8.h"
#include "eventlog/el_internal.h"

int el_valid_field(const char *name, const char *s, size_t max)
{
	size_t n;
	if (!s)
		return 0;
	n = strlen(s);
	if (n > max || !bs_utf8_valid_text(s, n))
		return bs_error(BS_EINVALID, "event field '%s' must be valid UTF-8 text of at most %zu bytes "
				"without control characters", name, max);
	return 0;
}

static int field_len(const char *name, size_t n, size_t max)
{
	if (n > max)
		return bs_error(BS_EINVALID, "event field '%s' must be valid UTF-8 text of at most %zu bytes "
				"without control characters", name, max);
	return 0;
}

/* The checks every event gets; f holds the fields' lengths. */
static int validate_cheap(const struct bs_event *ev, const struct el_field f[EL_NFIELDS])
{
	static const char *const names[EL_NFIELDS] = { "type", "host", "source", "system", "user", "outcome",
						       "message", "data" };
	static const size_t max[EL_NFIELDS] = { 64, EL_FIELD_MAX, EL_FIELD_MAX, EL_FIELD_MAX, EL_FIELD_MAX, EL_FIELD_MAX,
						EL_MESSAGE_MAX, EL_MESSAGE_MAX };
	size_t n = f[0].n;
	int err;

	if (n < 1 || n > 64 || strspn(ev->type, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return bs_error(BS_EINVALID, "event type '%s' is not valid: use 1 to 64 characters of a-z 0-9 . _ -",
				ev->type ? ev->type : "");
	if (ev->severity < 0 || ev->severity > 7)
		return bs_error(BS_EINVALID, "event severity %d is not valid: use 0 (emergency) to 7 (debug)", ev->severity);
	if (ev->outcome && strcmp(ev->outcome, "success") && strcmp(ev->outcome, "failure"))
		return bs_error(BS_EINVALID, "event outcome '%s' is not valid: use success or failure", ev->outcome);
	for (int k = 1; k < EL_NFIELDS; k++)
		if (k != 5 && f[k].p && (err = field_len(names[k], f[k].n, max[k])) < 0)
			return err;
	if (ev->time_us < 0)
		return bs_error(BS_EINVALID, "event time must not be before 1970");
	return 0;
}

/* What trusted callers promise: text fields valid UTF-8 text, data one JSON object. */
static int validate_text(const struct bs_event *ev)
{
	int err;

	if ((err = el_valid_field("host", ev->host, EL_FIELD_MAX)) < 0 ||
	    (err = el_valid_field("source", ev->source, EL_FIELD_MAX)) < 0 ||
	    (err = el_valid_field("system", ev->system, EL_FIELD_MAX)) < 0 ||
	    (err = el_valid_field("user", ev->user, EL_FIELD_MAX)) < 0 ||
	    (err = el_valid_field("message", ev->message, EL_MESSAGE_MAX)) < 0 ||
	    (err = el_valid_field("data", ev->data, EL_MESSAGE_MAX)) < 0)
		return err;
	if (ev->data) {
		json_error_t je;
		json_t *j = json_loads(ev->data, JSON_REJECT_DUPLICATES, &je);
		int ok = j && json_is_object(j);
		json_decref(j);
		if (!ok)
			return bs_error(BS_EINVALID, "event data must be a JSON object: %s", j ? "not an object" : je.text);
	}
	return 0;
}

#if defined(__SANITIZE_ADDRESS__)
#define CHECK_TRUSTED 1 /* test builds hold trusted callers to their promise */
#else
#define CHECK_TRUSTED 0
#endif

static void enc_set_release(struct enc_set *es)
{
	bs_buf_release(&es->enc);
	free(es->off);
	free(es->t0);
	memset(es, 0, sizeof(*es));
	bs_buf_init(&es->enc);
}

static void enc_set_clear(struct enc_set *es)
{
	bs_buf_clear(&es->enc);
	es->n = 0;
}

/* Checks ev and appends its encoding (with room for the chain prefix) to es. */
static int enc_set_add(struct enc_set *es, const struct bs_event *ev, unsigned flags)
{
	const char *v[EL_NFIELDS] = { ev->type, ev->host, ev->source, ev->system, ev->user, ev->outcome,
				      ev->message, ev->data };
	struct el_field f[EL_NFIELDS];
	size_t size;
	int err;

	for (int k = 0; k < EL_NFIELDS; k++) {
		f[k].p = v[k];
		f[k].n = v[k] ? strlen(v[k]) : 0;
	}
	if ((err = validate_cheap(ev, f)) < 0)
		return err;
	if (!(flags & BS_EVENTLOG_TRUSTED)) {
		if ((err = validate_text(ev)) < 0)
			return err;
	} else if (CHECK_TRUSTED && validate_text(ev) < 0) {
		static const char msg[] = "brokersec: a trusted event broke the event log's contract (eventlog.h)\n";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		(void)w;
		abort();
	}
	if (es->n >= EL_BATCH_MAX)
		return bs_error(BS_EINVALID, "cannot append more than %d events at once", EL_BATCH_MAX);
	if (es->n + 1 >= es->cap) {
		es->cap = es->cap ? es->cap * 2 : 64;
		es->off = bs_realloc(es->off, bs_size_mul(es->cap + 1, sizeof(*es->off)));
		es->t0 = bs_realloc(es->t0, bs_size_mul(es->cap, sizeof(*es->t0)));
	}
	size = EL_CHAIN_PREFIX + el_encoded_size(f);
	bs_buf_grow(&es->enc, size);
	es->off[es->n] = es->enc.len;
	el_encode_fields((unsigned char *)es->enc.ptr + es->enc.len + EL_CHAIN_PREFIX, 0, 0, ev->severity, f);
	es->enc.len += size;
	es->t0[es->n] = ev->time_us;
	es->n++;
	es->off[es->n] = es->enc.len;
	return 0;
}

static void req_from_set(struct req *r, struct enc_set *es)
{
	memset(r, 0, sizeof(*r));
	r->n = es->n;
	r->enc = (unsigned char *)es->enc.ptr;
	r->off = es->off;
	r->t0 = es->t0;
}

int bs_eventlog_append_flags(struct bs_eventlog *log, struct bs_event *ev, size_t n, unsigned flags)
{
	struct enc_set es;
	struct req r;
	int err = 0;

	if (n == 0)
		return 0;
	if (n > EL_BATCH_MAX)
		return bs_error(BS_EINVALID, "cannot append %zu events at once: at most %d", n, EL_BATCH_MAX);
	/* Encode here, in the caller's thread, so the writer only patches in seq and time and
	 * hashes. */
	memset(&es, 0, sizeof(es));
	bs_buf_init(&es.enc);
	for (size_t i = 0; i < n && err == 0; i++)
		err = enc_set_add(&es, &ev[i], flags);
	if (err == 0) {
		req_from_set(&r, &es);
		r.ev = ev;
		err = el_submit(log, &r);
	}
	enc_set_release(&es);
	return err;
}

int bs_eventlog_append(struct bs_eventlog *log, struct bs_event *ev, size_t n)
{
	return bs_eventlog_append_flags(log, ev, n, 0);
}

struct bs_eventlog_batch *bs_eventlog_batch_new(void)
{
	struct bs_eventlog_batch *b = bs_calloc(1, sizeof(*b));
	bs_buf_init(&b->es.enc);
	return b;
}

void bs_eventlog_batch_free(struct bs_eventlog_batch *b)
{
	if (!b)
		return;
	if (b->in_flight)
		abort(); /* the writer still uses it: a caller bug */
	enc_set_release(&b->es);
	free(b);
}

void bs_eventlog_batch_clear(struct bs_eventlog_batch *b)
{
	if (b->in_flight)
		abort();
	enc_set_clear(&b->es);
}

size_t bs_eventlog_batch_count(const struct bs_eventlog_batch *b)
{
	return b->es.n;
}

int bs_eventlog_batch_add(struct bs_eventlog_batch *b, const struct bs_event *ev, unsigned flags)
{
	if (b->in_flight)
		abort();
	return enc_set_add(&b->es, ev, flags);
}

int bs_eventlog_batch_submit(struct bs_eventlog *log, struct bs_eventlog_batch *b)
{
	int err;

	if (b->in_flight)
		abort();
	req_from_set(&b->r, &b->es);
	b->r.pipelined = 1;
	if ((err = el_enqueue(log, &b->r)) < 0)
		return err;
	b->in_flight = 1;
	return 0;
}

int bs_eventlog_batch_wait(struct bs_eventlog *log, struct bs_eventlog_batch *b, int64_t *first_seq)
{
	int err;

	if (!b->in_flight)
		return bs_error(BS_EINVALID, "event log: waiting for a batch that was not submitted (internal error)");
	err = el_await(log, &b->r);
	b->in_flight = 0;
	if (first_seq)
		*first_seq = err == 0 ? b->r.first_seq : 0;
	return err;
}

int el_close_mark(struct bs_eventlog *log)
{
	struct req r;
	memset(&r, 0, sizeof(r));
	r.close_mark = 1;
	return el_submit(log, &r);
}

int bs_eventlog_checkpoint(struct bs_eventlog *log)
{
	struct req r;
	memset(&r, 0, sizeof(r));
	r.force_checkpoint = 1;
	return el_submit(log, &r);
}
