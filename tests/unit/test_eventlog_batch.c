/* Unit tests of the event log's trusted and pipelined appends (bs_eventlog_batch_*,
 * BS_EVENTLOG_TRUSTED) and of the syslog intake storing straight into a log with them:
 * order, durability accounting and failure handling. Real SQLite files in a temp dir. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "intake/intake.h"

#include "eventlog_fixture.h"


/* The messages of the events of one type, in seq order, joined by "|"; checks seq has no gaps. */
struct collect {
	struct bs_buf out;
	const char *type;
	int64_t last_seq;
};

static int collect_fn(const struct bs_event *ev, void *ctx)
{
	struct collect *c = ctx;
	if (c->last_seq)
		assert_int_equal(ev->seq, c->last_seq + 1);
	c->last_seq = ev->seq;
	if (c->type && strcmp(ev->type, c->type))
		return 0;
	bs_buf_printf(&c->out, "%s%s", c->out.len ? "|" : "", ev->message ? ev->message : "(null)");
	return 0;
}

static char *messages(struct fx *f, const char *type)
{
	struct collect c = { BS_BUF_INIT, type, 0 };
	struct bs_event_filter flt;
	memset(&flt, 0, sizeof(flt));
	assert_int_equal(bs_eventlog_each(f->dir, &flt, collect_fn, &c), 0);
	return bs_buf_detach(&c.out, NULL);
}

static void add(struct bs_eventlog_batch *b, const char *msg, unsigned flags)
{
	struct bs_event ev = { 0, 0, "test.batch", 5, "h", "unit", NULL, "u", "success", msg, "{\"k\":1}" };
	assert_int_equal(bs_eventlog_batch_add(b, &ev, flags), 0);
}

/* Two batches in flight at once commit in order, with continuous sequence numbers, and the
 * stored rows are the same whether the events were trusted or checked. */
static void test_pipelined_batches_commit_in_order(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_eventlog_batch *a = bs_eventlog_batch_new(), *b = bs_eventlog_batch_new();
	int64_t sa = 0, sb = 0;
	char *got;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	add(a, "a1", BS_EVENTLOG_TRUSTED);
	add(a, "a2", 0);
	add(b, "b1", BS_EVENTLOG_TRUSTED);
	assert_int_equal(bs_eventlog_batch_count(a), 2);
	assert_int_equal(bs_eventlog_batch_submit(log, a), 0);
	assert_int_equal(bs_eventlog_batch_submit(log, b), 0);
	assert_int_equal(bs_eventlog_batch_wait(log, a, &sa), 0);
	assert_int_equal(bs_eventlog_batch_wait(log, b, &sb), 0);
	assert_int_equal(sb, sa + 2);
	/* reuse after clear */
	bs_eventlog_batch_clear(a);
	assert_int_equal(bs_eventlog_batch_count(a), 0);
	add(a, "c1", BS_EVENTLOG_TRUSTED);
	assert_int_equal(bs_eventlog_batch_submit(log, a), 0);
	assert_int_equal(bs_eventlog_batch_wait(log, a, NULL), 0);
	/* a plain append after them */
	struct bs_event ev = { 0, 0, "test.batch", 5, "h", "unit", NULL, "u", "success", "d1", NULL };
	assert_int_equal(bs_eventlog_append_flags(log, &ev, 1, BS_EVENTLOG_TRUSTED), 0);
	assert_int_equal(ev.seq, sb + 2);
	assert_int_equal(ev.time_us, T0);
	bs_eventlog_close(log);
	got = messages(f, "test.batch");
	assert_string_equal(got, "a1|a2|b1|c1|d1");
	free(got);
	verify_ok(f);
	bs_eventlog_batch_free(a);
	bs_eventlog_batch_free(b);
}

/* Untrusted events are checked as bs_eventlog_append checks them. */
static void test_batch_add_checks(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog_batch *b = bs_eventlog_batch_new();
	struct bs_event ev = { 0, 0, "test.batch", 5, "h", "unit", NULL, "u", "success", "m", "{\"k\":" };

	(void)f;
	assert_int_equal(bs_eventlog_batch_add(b, &ev, 0), BS_EINVALID);
	ev.data = "[1]";
	assert_int_equal(bs_eventlog_batch_add(b, &ev, 0), BS_EINVALID);
	ev.data = NULL;
	ev.message = "bad \x01 control";
	assert_int_equal(bs_eventlog_batch_add(b, &ev, 0), BS_EINVALID);
	/* the cheap checks hold for trusted events too */
	ev.message = "m";
	ev.type = "Bad Type";
	assert_int_equal(bs_eventlog_batch_add(b, &ev, BS_EVENTLOG_TRUSTED), BS_EINVALID);
	ev.type = "test.batch";
	ev.severity = 8;
	assert_int_equal(bs_eventlog_batch_add(b, &ev, BS_EVENTLOG_TRUSTED), BS_EINVALID);
	ev.severity = 5;
	ev.outcome = "maybe";
	assert_int_equal(bs_eventlog_batch_add(b, &ev, BS_EVENTLOG_TRUSTED), BS_EINVALID);
	ev.outcome = NULL;
	assert_int_equal(bs_eventlog_batch_count(b), 0);
	for (int i = 0; i < BS_EVENTLOG_BATCH_MAX; i++)
		assert_int_equal(bs_eventlog_batch_add(b, &ev, BS_EVENTLOG_TRUSTED), 0);
	assert_int_equal(bs_eventlog_batch_add(b, &ev, BS_EVENTLOG_TRUSTED), BS_EINVALID);
	bs_eventlog_batch_free(b);
}

/* When a batch fails, the one queued behind it fails too (it must not overtake it); both
 * submitted again in order are stored in order. */
static void fail_both_then_store(struct bs_eventlog *log, struct bs_eventlog_batch *a, struct bs_eventlog_batch *b,
				 int separate)
{
	bs_eventlog_test_fail_writes(log, 1);
	assert_int_equal(bs_eventlog_batch_submit(log, a), 0);
	if (separate) {
		/* B submitted after A failed, but before the producer has seen that: a plain
		 * append returns only once the writer is done with A (FIFO) */
		struct bs_event x = { 0, 0, "test.other", 5, "h", "unit", NULL, "u", "success", "x", NULL };
		(void)bs_eventlog_append(log, &x, 1); /* fails too when it joins A's commit */
	}
	assert_int_equal(bs_eventlog_batch_submit(log, b), 0);
	assert_int_equal(bs_eventlog_batch_wait(log, a, NULL), BS_ERR);
	assert_int_equal(bs_eventlog_batch_wait(log, b, NULL), BS_ERR);
	assert_int_equal(bs_eventlog_batch_submit(log, a), 0);
	assert_int_equal(bs_eventlog_batch_submit(log, b), 0);
	assert_int_equal(bs_eventlog_batch_wait(log, a, NULL), 0);
	assert_int_equal(bs_eventlog_batch_wait(log, b, NULL), 0);
}

static void test_failed_batch_is_not_overtaken(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_eventlog_batch *a = bs_eventlog_batch_new(), *b = bs_eventlog_batch_new();
	char *got;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	add(a, "a1", BS_EVENTLOG_TRUSTED);
	add(b, "b1", BS_EVENTLOG_TRUSTED);
	fail_both_then_store(log, a, b, 1);
	bs_eventlog_batch_clear(a);
	bs_eventlog_batch_clear(b);
	add(a, "a2", BS_EVENTLOG_TRUSTED);
	add(b, "b2", BS_EVENTLOG_TRUSTED);
	fail_both_then_store(log, a, b, 0);
	bs_eventlog_close(log);
	got = messages(f, "test.batch");
	assert_string_equal(got, "a1|b1|a2|b2");
	free(got);
	verify_ok(f);
	bs_eventlog_batch_free(a);
	bs_eventlog_batch_free(b);
}

/* ---- the intake storing into a log ---- */

struct runner {
	struct bs_intake *in;
	pthread_t th;
	int rc;
};

static void *run_main(void *arg)
{
	struct runner *r = arg;
	r->rc = bs_intake_run(r->in);
	return NULL;
}

static int connect_tcp(struct bs_intake *in)
{
	char addr[80];
	struct sockaddr_in sa;
	int fd;

	assert_int_equal(bs_intake_address(in, "tcp", addr, sizeof(addr)), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)atoi(strrchr(addr, ':') + 1));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

/* Waits (bounded: 60 s) until the intake has committed n messages. */
static void wait_committed(struct bs_intake *in, int64_t n)
{
	struct bs_intake_stats st;
	for (int i = 0; i < 6000; i++) {
		bs_intake_get_stats(in, &st);
		if (st.committed >= n)
			return;
		struct timespec ts = { 0, 10000000L };
		nanosleep(&ts, NULL);
	}
	fail_msg("the intake committed %lld of %lld messages", (long long)st.committed, (long long)n);
}

/* Many messages in small batches through a real log, with commits failing on the way:
 * every message is stored once, in the order sent, counted only once committed, and the
 * chain verifies. */
static void run_intake(struct fx *f, int fail_writes, int total)
{
	struct bs_intake_config cfg;
	struct bs_eventlog *log;
	struct bs_intake_stats st;
	struct runner r;
	struct bs_buf stream = BS_BUF_INIT, want = BS_BUF_INIT;
	char *got;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.tcp = "127.0.0.1:0";
	cfg.log = log;
	cfg.batch = 7; /* many batches, so that several are in flight */
	memset(&r, 0, sizeof(r));
	assert_int_equal(bs_intake_create(&r.in, &cfg), 0);
	assert_int_equal(pthread_create(&r.th, NULL, run_main, &r), 0);
	int fd = connect_tcp(r.in);
	for (int i = 0; i < total; i++) {
		bs_buf_printf(&stream, "<13>1 - h app - - - message %d\n", i);
		bs_buf_printf(&want, "%smessage %d", i ? "|" : "", i);
	}
	if (fail_writes)
		bs_eventlog_test_fail_writes(log, fail_writes);
	send_all(fd, stream.ptr, stream.len);
	wait_committed(r.in, total);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.committed, total);
	if (fail_writes)
		assert_true(st.sink_failures >= 1);
	bs_intake_stop(r.in);
	pthread_join(r.th, NULL);
	close(fd);
	assert_int_equal(r.rc, 0);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.committed, total);
	assert_int_equal(st.received_tcp, total);
	bs_intake_free(r.in);
	bs_eventlog_close(log);
	got = messages(f, "syslog");
	assert_string_equal(got, want.ptr);
	free(got);
	verify_ok(f);
	bs_buf_release(&stream);
	bs_buf_release(&want);
}

static void test_intake_into_log(void **state)
{
	run_intake(*state, 0, 2000);
}

static void test_intake_into_log_with_failures(void **state)
{
	run_intake(*state, 2, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pipelined_batches_commit_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_add_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_batch_is_not_overtaken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intake_into_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intake_into_log_with_failures, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
