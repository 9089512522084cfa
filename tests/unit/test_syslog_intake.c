/* Unit tests for src/intake: the event built from a message, and the listeners over real
 * loopback sockets (UDP, TCP, TLS) with a sink in memory: framing, order, shutdown,
 * backpressure, UDP drop counting and sink failures. */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "intake/intake.h"
#include "syslog/syslog.h"

#define NOW INT64_C(1700000000000000)

/* The event log's rules for an event (src/eventlog validate()): checked here so a message
 * can never make a whole batch fail there. */
static void assert_event_acceptable(const struct bs_event *ev)
{
	json_error_t je;
	json_t *j;

	assert_string_equal(ev->type, "syslog");
	assert_true(ev->severity >= 0 && ev->severity <= 7);
	assert_non_null(ev->message);
	assert_true(strlen(ev->message) <= 65536);
	assert_true(bs_utf8_valid_text(ev->message, strlen(ev->message)));
	if (ev->host)
		assert_true(strlen(ev->host) <= 1024 && bs_utf8_valid_text(ev->host, strlen(ev->host)));
	assert_non_null(ev->data);
	assert_true(strlen(ev->data) <= 65536);
	assert_true(bs_utf8_valid_text(ev->data, strlen(ev->data)));
	j = json_loads(ev->data, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!j)
		fprintf(stderr, "bad json: %s: %.200s\n", je.text, ev->data);
	assert_non_null(j);
	assert_true(json_is_object(j));
	/* stored: the receipt alone, unless the raw bytes had to be cut */
	if (!json_object_get(j, "raw_truncated"))
		assert_null(json_object_get(j, "format"));
	assert_non_null(json_object_get(j, "received"));
	json_decref(j);
}

/* The data as readers see it: the stored receipt with the parsed fields restored. */
static json_t *data_of(const struct bs_event *ev)
{
	json_t *j = json_loads(ev->data, JSON_ALLOW_NUL, NULL), *v;
	assert_non_null(j);
	v = bs_syslog_event_view(ev->type, j);
	json_decref(j);
	assert_non_null(json_object_get(v, "format"));
	assert_non_null(json_object_get(v, "parse"));
	return v;
}

/* The raw bytes kept in data, decoded. */
static void raw_of(json_t *d, struct bs_buf *out)
{
	json_t *r = json_object_get(d, "raw"), *b = json_object_get(d, "raw_base64");
	bs_buf_clear(out);
	if (r) {
		bs_buf_put(out, json_string_value(r), json_string_length(r));
	} else {
		const char *s = json_string_value(b);
		size_t n = 0;
		assert_non_null(s);
		bs_buf_grow(out, strlen(s));
		assert_int_equal(sodium_base642bin((unsigned char *)out->ptr, strlen(s), s, strlen(s), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		out->len = n;
	}
}

static void build_rfc5424(void **state)
{
	const char s[] = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
			 "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
			 "[origin ip=\"192.0.2.1\" ip=\"192.0.2.129\" x=\"a\\\"b\"] \xEF\xBB\xBF" "An application event";
	struct bs_syslog_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf raw = BS_BUF_INIT;
	struct bs_event ev;
	json_t *d;
	(void)state;
	assert_int_equal(bs_syslog_event_build(&ev, &sc, s, strlen(s), NOW, "192.0.2.7:5514", BS_SYSLOG_TCP,
					       BS_FRAME_OCTET), 1);
	assert_event_acceptable(&ev);
	assert_int_equal(ev.severity, 5);
	assert_string_equal(ev.host, "mymachine.example.com");
	assert_string_equal(ev.source, "192.0.2.7:5514");
	assert_string_equal(ev.message, "An application event");
	assert_int_equal(ev.time_us, 0); /* the log stamps it; data.received has the receive time */
	d = data_of(&ev);
	assert_string_equal(json_string_value(json_object_get(d, "format")), "rfc5424");
	assert_int_equal(json_integer_value(json_object_get(d, "facility")), 20);
	assert_string_equal(json_string_value(json_object_get(d, "facility_name")), "local4");
	assert_string_equal(json_string_value(json_object_get(d, "app_name")), "evntslog");
	assert_true(json_is_null(json_object_get(d, "procid")));
	assert_string_equal(json_string_value(json_object_get(d, "msgid")), "ID47");
	assert_string_equal(json_string_value(json_object_get(d, "timestamp")), "2003-10-11T22:14:15.003Z");
	assert_string_equal(json_string_value(json_object_get(d, "time")), "2003-10-11T22:14:15.003000Z");
	assert_string_equal(json_string_value(json_object_get(d, "received")), "2023-11-14T22:13:20.000000Z");
	assert_string_equal(json_string_value(json_object_get(d, "transport")), "tcp");
	assert_string_equal(json_string_value(json_object_get(d, "framing")), "octet-counting");
	assert_string_equal(json_string_value(json_object_get(d, "parse")), "ok");
	assert_true(json_is_true(json_object_get(d, "bom")));
	json_t *sd = json_object_get(d, "sd");
	assert_string_equal(json_string_value(json_object_get(json_object_get(sd, "exampleSDID@32473"), "eventID")), "1011");
	json_t *ips = json_object_get(json_object_get(sd, "origin"), "ip");
	assert_true(json_is_array(ips));
	assert_int_equal(json_array_size(ips), 2);
	assert_string_equal(json_string_value(json_array_get(ips, 1)), "192.0.2.129");
	assert_string_equal(json_string_value(json_object_get(json_object_get(sd, "origin"), "x")), "a\"b");
	raw_of(d, &raw);
	assert_int_equal(raw.len, strlen(s));
	assert_memory_equal(raw.ptr, s, raw.len);
	json_decref(d);
	bs_buf_release(&raw);
	bs_syslog_scratch_release(&sc);
}

static void build_malformed(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "no pri at all", 13 },
		{ "<14>1 2003-13-11T22:14:15Z h a - - - x", 38 },
		{ "<14>1 - h a - - [a b=\"x]\"] m", 28 },
		{ "\xff\xfe\x00\x01\x1b[31m binary", 15 },
		{ "<13>ctrl \x01\x7f\x1b and bad \xc3\x28 utf8", 28 },
		{ "", 0 },
	};
	struct bs_syslog_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf raw = BS_BUF_INIT;
	struct bs_event ev;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ok = bs_syslog_event_build(&ev, &sc, cases[i].s, cases[i].len, NOW, "[::1]:9", BS_SYSLOG_UDP, 0);
		assert_event_acceptable(&ev);
		json_t *d = data_of(&ev);
		if (!ok) {
			assert_string_equal(json_string_value(json_object_get(d, "parse")), "invalid");
			assert_non_null(json_string_value(json_object_get(d, "parse_error")));
		}
		raw_of(d, &raw);
		assert_int_equal(raw.len, cases[i].len);
		assert_memory_equal(raw.ptr, cases[i].s, raw.len);
		json_decref(d);
	}
	bs_buf_release(&raw);
	bs_syslog_scratch_release(&sc);
}

/* Big inputs stay within the event log's limits. */
static void build_limits(void **state)
{
	struct bs_syslog_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf s = BS_BUF_INIT, raw = BS_BUF_INIT;
	struct bs_event ev;
	(void)state;
	/* STRUCTURED-DATA full of characters JSON must escape */
	bs_buf_puts(&s, "<14>1 - h a - - [a");
	for (int i = 0; s.len < BS_INTAKE_FRAME_MAX - 40; i++)
		bs_buf_printf(&s, " p%d=\"\x01\x02\x03\x04\x05\x06\x07\"", i % 1000);
	bs_buf_puts(&s, "] m");
	bs_syslog_event_build(&ev, &sc, s.ptr, s.len, NOW, "x", BS_SYSLOG_TCP, 0);
	assert_event_acceptable(&ev);
	/* control characters everywhere */
	bs_buf_clear(&s);
	bs_buf_puts(&s, "<14>1 - h a - - - ");
	while (s.len < BS_INTAKE_FRAME_MAX)
		bs_buf_putc(&s, '\x01');
	assert_int_equal(bs_syslog_event_build(&ev, &sc, s.ptr, s.len, NOW, "x", BS_SYSLOG_TCP, 0), 1);
	assert_event_acceptable(&ev);
	json_t *d = data_of(&ev);
	raw_of(d, &raw);
	assert_int_equal(raw.len, s.len);
	json_decref(d);
	/* invalid UTF-8 everywhere */
	bs_buf_clear(&s);
	while (s.len < BS_INTAKE_FRAME_MAX)
		bs_buf_putc(&s, '\xff');
	bs_syslog_event_build(&ev, &sc, s.ptr, s.len, NOW, "x", BS_SYSLOG_TCP, 0);
	assert_event_acceptable(&ev);
	d = data_of(&ev);
	raw_of(d, &raw);
	assert_int_equal(raw.len, s.len);
	json_decref(d);
	bs_buf_release(&s);
	bs_buf_release(&raw);
	bs_syslog_scratch_release(&sc);
}

/* The view adds parsed fields to syslog receipts only; anything else reads as stored. */
static void view_other_data(void **state)
{
	static const struct {
		const char *type, *data;
	} keep[] = {
		{ "auth.login", "{\"received\":\"2023-11-14T22:13:20.000000Z\",\"transport\":\"udp\",\"raw\":\"<13>x\"}" },
		{ "syslog", "{\"format\":\"rfc3164\",\"received\":\"2023-11-14T22:13:20.000000Z\",\"transport\":\"udp\"}" },
		{ "syslog", "{\"received\":\"yesterday\",\"transport\":\"udp\",\"raw\":\"<13>x\"}" },
		{ "syslog", "{\"received\":\"2023-11-14T22:13:20.000000Z\",\"transport\":\"carrier-pigeon\",\"raw\":\"x\"}" },
		{ "syslog", "{\"received\":\"2023-11-14T22:13:20.000000Z\",\"transport\":\"tcp\",\"raw_base64\":\"%%%\"}" },
		{ "syslog", "{\"received\":\"2023-11-14T22:13:20.000000Z\",\"transport\":\"tcp\"}" },
		{ "syslog", "[1, 2]" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *d = json_loads(keep[i].data, 0, NULL), *v;
		assert_non_null(d);
		v = bs_syslog_event_view(keep[i].type, d);
		assert_ptr_equal(v, d);
		json_decref(v);
		json_decref(d);
	}
	/* a receipt with a NUL byte in its raw text parses back */
	json_t *d = json_loads("{\"received\":\"2023-11-14T22:13:20.000000Z\",\"transport\":\"udp\","
			       "\"raw\":\"<13>Nov 14 22:13:20 h a: x\\u0000y\"}", JSON_ALLOW_NUL, NULL);
	assert_non_null(d);
	json_t *v = bs_syslog_event_view("syslog", d);
	assert_ptr_not_equal(v, d);
	assert_string_equal(json_string_value(json_object_get(v, "format")), "rfc3164");
	assert_int_equal(json_string_length(json_object_get(v, "raw")), 28);
	json_decref(v);
	json_decref(d);
}

/* ---- listeners ---- */

struct got {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char **msg;      /* message text of each syslog event */
	char **data;
	char **source;
	char **type;
	size_t n, cap;
	int hold;        /* the sink blocks while set */
	int fail_next;   /* the sink fails this many calls */
	int calls;
};

static void got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->msg[i]);
		free(g->data[i]);
		free(g->source[i]);
		free(g->type[i]);
	}
	free(g->msg);
	free(g->data);
	free(g->source);
	free(g->type);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
}

static int test_sink(void *ctx, struct bs_event *ev, size_t n)
{
	struct got *g = ctx;
	pthread_mutex_lock(&g->mu);
	g->calls++;
	while (g->hold)
		pthread_cond_wait(&g->cv, &g->mu);
	if (g->fail_next > 0) {
		g->fail_next--;
		pthread_mutex_unlock(&g->mu);
		return bs_error(BS_ERR, "test sink: disk full");
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(ev[i].type, "syslog"))
			assert_event_acceptable(&ev[i]);
		if (g->n == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 64;
			g->msg = bs_realloc(g->msg, g->cap * sizeof(char *));
			g->data = bs_realloc(g->data, g->cap * sizeof(char *));
			g->source = bs_realloc(g->source, g->cap * sizeof(char *));
			g->type = bs_realloc(g->type, g->cap * sizeof(char *));
		}
		g->msg[g->n] = bs_strdup(ev[i].message ? ev[i].message : "");
		g->data[g->n] = bs_strdup(ev[i].data ? ev[i].data : "");
		g->source[g->n] = bs_strdup(ev[i].source ? ev[i].source : "");
		g->type[g->n] = bs_strdup(ev[i].type);
		g->n++;
	}
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

static void set_hold(struct got *g, int hold)
{
	pthread_mutex_lock(&g->mu);
	g->hold = hold;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

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

static void start(struct runner *r, struct bs_intake_config *cfg)
{
	memset(r, 0, sizeof(*r));
	if (bs_intake_create(&r->in, cfg) < 0)
		fail_msg("%s", bs_error_message());
	assert_int_equal(pthread_create(&r->th, NULL, run_main, r), 0);
}

static void stop(struct runner *r)
{
	bs_intake_stop(r->in);
	pthread_join(r->th, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Waits (bounded: 20 s) until the intake has received n messages. */
static void wait_received(struct bs_intake *in, int64_t n)
{
	struct bs_intake_stats st;
	for (int i = 0; i < 2000; i++) {
		bs_intake_get_stats(in, &st);
		if (st.received_udp + st.received_tcp + st.received_tls + st.dropped_udp >= n)
			return;
		sleep_ms(10);
	}
	fail_msg("the intake did not receive %lld messages", (long long)n);
}

static int connect_to(struct bs_intake *in, const char *tr, int type)
{
	char addr[80];
	struct sockaddr_in sa;
	int fd;

	assert_int_equal(bs_intake_address(in, tr, addr, sizeof(addr)), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)atoi(strrchr(addr, ':') + 1));
	fd = socket(AF_INET, type, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	while (len) {
		ssize_t n = send(fd, c, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		c += n;
		len -= (size_t)n;
	}
}

static void cfg_init(struct bs_intake_config *cfg, struct got *g)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->udp = "127.0.0.1:0";
	cfg->tcp = "127.0.0.1:0";
	cfg->sink = test_sink;
	cfg->sink_ctx = g;
}

/* Under g's lock: the intake's thread may be adding to it (ThreadSanitizer). */
static size_t count_type(struct got *g, const char *type)
{
	size_t k = 0;
	pthread_mutex_lock(&g->mu);
	for (size_t i = 0; i < g->n; i++)
		k += !strcmp(g->type[i], type);
	pthread_mutex_unlock(&g->mu);
	return k;
}

static void listen_tcp_udp(void **state)
{
	struct bs_intake_config cfg;
	struct runner r;
	struct got g;
	(void)state;
	got_init(&g);
	cfg_init(&cfg, &g);
	start(&r, &cfg);
	int t = connect_to(r.in, "tcp", SOCK_STREAM);
	const char stream[] = "<13>1 - h1 app - - - first\n"
			      "27 <13>1 - h1 app - - - second"
			      "<13>Oct 11 22:14:15 h1 app[5]: third\r\n"
			      "\n"
			      "<13>unterminated fourth";
	send_all(t, stream, strlen(stream));
	int u = connect_to(r.in, "udp", SOCK_DGRAM);
	send_all(u, "<14>1 - h2 app - - - over udp\n", 30);
	wait_received(r.in, 4);
	stop(&r); /* the fourth, still open, is stored as incomplete */
	close(t);
	close(u);
	assert_int_equal(r.rc, 0);
	assert_int_equal(count_type(&g, "syslog"), 5);
	size_t k = 0;
	const char *want[] = { "first", "second", "third", "unterminated fourth" };
	for (size_t i = 0; i < g.n; i++) {
		if (strstr(g.data[i], "\"transport\":\"tcp\"")) {
			assert_true(k < 4);
			assert_string_equal(g.msg[i], want[k]);
			assert_non_null(strstr(g.source[i], "127.0.0.1:"));
			if (k == 3)
				assert_non_null(strstr(g.data[i], "\"frame\":\"incomplete\""));
			k++;
		} else if (strstr(g.data[i], "\"transport\":\"udp\"")) {
			assert_string_equal(g.msg[i], "over udp");
		}
	}
	assert_int_equal(k, 4);
	struct bs_intake_stats st;
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.received_tcp, 4);
	assert_int_equal(st.received_udp, 1);
	assert_int_equal(st.committed, 5);
	assert_int_equal(st.connections, 1);
	bs_intake_free(r.in);
	got_free(&g);
}

/* A full queue stops the reading of TCP, and nothing is lost or reordered. */
static void backpressure(void **state)
{
	struct bs_intake_config cfg;
	struct runner r;
	struct got g;
	struct bs_intake_stats st;
	enum { N = 3000 };
	(void)state;
	got_init(&g);
	cfg_init(&cfg, &g);
	cfg.queue_messages = 16;
	cfg.batch = 4;
	g.hold = 1;
	start(&r, &cfg);
	int t = connect_to(r.in, "tcp", SOCK_STREAM);
	struct bs_buf b = BS_BUF_INIT;
	for (int i = 0; i < N; i++)
		bs_buf_printf(&b, "<13>1 - h a - - - message %d\n", i);
	/* the sender must not block forever while the sink is held: send from here in pieces
	 * small enough for the socket buffers, then release the sink */
	send_all(t, b.ptr, 4096);
	for (int i = 0; i < 200; i++) {
		bs_intake_get_stats(r.in, &st);
		if (st.backpressure > 0)
			break;
		sleep_ms(10);
	}
	assert_true(st.backpressure > 0);
	assert_true(st.queued <= 16);
	set_hold(&g, 0);
	send_all(t, b.ptr + 4096, b.len - 4096);
	wait_received(r.in, N);
	stop(&r);
	close(t);
	assert_int_equal(count_type(&g, "syslog"), N);
	for (int i = 0; i < N; i++) {
		char want[40];
		snprintf(want, sizeof(want), "message %d", i);
		assert_string_equal(g.msg[i], want);
	}
	bs_buf_release(&b);
	bs_intake_free(r.in);
	got_free(&g);
}

/* UDP datagrams that find the queue full are dropped, counted, and reported as an event. */
static void udp_drops(void **state)
{
	struct bs_intake_config cfg;
	struct runner r;
	struct got g;
	struct bs_intake_stats st;
	enum { N = 200 };
	(void)state;
	got_init(&g);
	cfg_init(&cfg, &g);
	cfg.queue_messages = 8;
	cfg.batch = 2;
	g.hold = 1;
	start(&r, &cfg);
	int u = connect_to(r.in, "udp", SOCK_DGRAM);
	for (int i = 0; i < N; i++) {
		char m[64];
		int n = snprintf(m, sizeof(m), "<13>1 - h a - - - dgram %d", i);
		send_all(u, m, (size_t)n);
	}
	wait_received(r.in, N);
	set_hold(&g, 0);
	stop(&r);
	close(u);
	bs_intake_get_stats(r.in, &st);
	assert_true(st.dropped_udp > 0);
	assert_int_equal(st.received_udp + st.dropped_udp, N);
	assert_int_equal(st.committed, st.received_udp);
	/* one drop event or more (drops may go on while a report is stored); the last one
	 * has the total */
	assert_true(count_type(&g, "intake.drop") >= 1);
	const char *last = NULL;
	for (size_t i = 0; i < g.n; i++)
		if (!strcmp(g.type[i], "intake.drop"))
			last = g.data[i];
	char want[64];
	snprintf(want, sizeof(want), "\"dropped_udp_total\":%lld", (long long)st.dropped_udp);
	assert_non_null(strstr(last, want));
	bs_intake_free(r.in);
	got_free(&g);
}

/* A sink that fails is retried; nothing is lost. */
static void sink_retry(void **state)
{
	struct bs_intake_config cfg;
	struct runner r;
	struct got g;
	struct bs_intake_stats st;
	(void)state;
	got_init(&g);
	cfg_init(&cfg, &g);
	g.fail_next = 2;
	start(&r, &cfg);
	int t = connect_to(r.in, "tcp", SOCK_STREAM);
	send_all(t, "<13>1 - h a - - - kept\n", 23);
	wait_received(r.in, 1);
	for (int i = 0; i < 2000 && count_type(&g, "syslog") < 1; i++)
		sleep_ms(10);
	stop(&r);
	close(t);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.sink_failures, 2);
	assert_int_equal(count_type(&g, "syslog"), 1);
	assert_string_equal(g.msg[0], "kept");
	bs_intake_free(r.in);
	got_free(&g);
}

static void bad_addresses(void **state)
{
	struct bs_intake_config cfg;
	struct bs_intake *in;
	struct got g;
	static const char *const bad[] = { "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:x", "[::1:514",
					   "no.such.host.invalid:514", "" };
	(void)state;
	got_init(&g);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg_init(&cfg, &g);
		cfg.udp = NULL;
		cfg.tcp = bad[i];
		assert_true(bs_intake_create(&in, &cfg) < 0);
		assert_null(in);
		assert_non_null(strstr(bs_error_message(), "ADDR:PORT"));
	}
	cfg_init(&cfg, &g);
	cfg.udp = cfg.tcp = NULL;
	assert_int_equal(bs_intake_create(&in, &cfg), BS_EINVALID);
	/* a port in use */
	cfg_init(&cfg, &g);
	cfg.udp = NULL;
	assert_int_equal(bs_intake_create(&in, &cfg), 0);
	char addr[80], spec[90];
	assert_int_equal(bs_intake_address(in, "tcp", addr, sizeof(addr)), 0);
	snprintf(spec, sizeof(spec), "%s", addr);
	struct bs_intake *in2;
	cfg.tcp = spec;
	assert_true(bs_intake_create(&in2, &cfg) < 0);
	assert_non_null(strstr(bs_error_message(), "another program"));
	bs_intake_free(in);
	got_free(&g);
}

/* TLS: a self-signed certificate made in a temp data dir, a GnuTLS client, TLS 1.2+ only. */
static void listen_tls(void **state)
{
	char dir[] = "/tmp/bs-intake-tls.XXXXXX";
	char *cert = NULL, *key = NULL, fp[80];
	struct bs_intake_config cfg;
	struct runner r;
	struct got g;
	gnutls_session_t s;
	gnutls_certificate_credentials_t cred;
	struct stat st;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(bs_intake_tls_ensure(dir, &cert, &key, fp, sizeof(fp)), 0);
	assert_int_equal(strncmp(fp, "SHA256:", 7), 0);
	assert_int_equal(strlen(fp), 7 + 64);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a second call keeps the pair */
	char *cert2, *key2, fp2[80];
	assert_int_equal(bs_intake_tls_ensure(dir, &cert2, &key2, fp2, sizeof(fp2)), 0);
	assert_string_equal(fp, fp2);
	free(cert2);
	free(key2);

	got_init(&g);
	cfg_init(&cfg, &g);
	cfg.udp = cfg.tcp = NULL;
	cfg.tls = "127.0.0.1:0";
	cfg.tls_cert = cert;
	cfg.tls_key = key;
	start(&r, &cfg);

	/* a client limited to TLS 1.1 is refused */
	int fd = connect_to(r.in, "tls", SOCK_STREAM);
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred), 0);
	assert_int_equal(gnutls_init(&s, GNUTLS_CLIENT), 0);
	assert_int_equal(gnutls_priority_set_direct(s, "NORMAL:-VERS-ALL:+VERS-TLS1.1", NULL), 0);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	assert_true(rc < 0);
	gnutls_deinit(s);
	close(fd);

	fd = connect_to(r.in, "tls", SOCK_STREAM);
	assert_int_equal(gnutls_init(&s, GNUTLS_CLIENT), 0);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	assert_int_equal(rc, 0);
	assert_true(gnutls_protocol_get_version(s) >= GNUTLS_TLS1_2);
	const char msgs[] = "33 <13>1 - tlshost app - - - via tls<13>1 - tlshost app - - - lf via tls\n";
	assert_int_equal(gnutls_record_send(s, msgs, strlen(msgs)), (ssize_t)strlen(msgs));
	wait_received(r.in, 2);
	gnutls_bye(s, GNUTLS_SHUT_WR);
	stop(&r);
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	assert_int_equal(count_type(&g, "syslog"), 2);
	assert_string_equal(g.msg[0], "via tls");
	assert_string_equal(g.msg[1], "lf via tls");
	assert_non_null(strstr(g.data[0], "\"transport\":\"tls\""));
	struct bs_intake_stats sts;
	bs_intake_get_stats(r.in, &sts);
	assert_int_equal(sts.tls_failures, 1);
	bs_intake_free(r.in);
	got_free(&g);
	unlink(cert);
	unlink(key);
	free(cert);
	free(key);
	char tlsdir[sizeof(dir) + 8];
	snprintf(tlsdir, sizeof(tlsdir), "%s/tls", dir);
	rmdir(tlsdir);
	rmdir(dir);
}

static void stats_file(void **state)
{
	char dir[] = "/tmp/bs-intake-stats.XXXXXX";
	struct bs_intake_config cfg;
	struct bs_intake_stats st;
	struct runner r;
	struct got g;
	char *path;
	(void)state;
	assert_non_null(mkdtemp(dir));
	path = bs_intake_stats_file(dir);
	assert_int_equal(bs_intake_stats_read(path, &st), BS_ENOTFOUND);
	got_init(&g);
	cfg_init(&cfg, &g);
	cfg.stats_path = path;
	start(&r, &cfg);
	int u = connect_to(r.in, "udp", SOCK_DGRAM);
	send_all(u, "<13>x", 5);
	wait_received(r.in, 1);
	stop(&r);
	close(u);
	assert_int_equal(bs_intake_stats_read(path, &st), 0);
	assert_int_equal(st.received_udp, 1);
	assert_int_equal(st.committed, 1);
	assert_true(st.started_us > 0);
	bs_intake_free(r.in);
	got_free(&g);
	unlink(path);
	free(path);
	rmdir(dir);
}

/* ---- TLS client authentication, handshake timeout, eviction ---- */

/* Lines the intake reported. */
struct said {
	pthread_mutex_t mu;
	char *lines[256];
	size_t n;
};

static void said_notify(void *ctx, int is_error, const char *line)
{
	struct said *s = ctx;
	(void)is_error;
	pthread_mutex_lock(&s->mu);
	if (s->n < sizeof(s->lines) / sizeof(s->lines[0]))
		s->lines[s->n++] = bs_strdup(line);
	pthread_mutex_unlock(&s->mu);
}

/* How many lines hold all of a and b (b may be NULL). */
static size_t said_count(struct said *s, const char *a, const char *b)
{
	size_t k = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n; i++)
		k += strstr(s->lines[i], a) && (!b || strstr(s->lines[i], b));
	pthread_mutex_unlock(&s->mu);
	return k;
}

static void said_init(struct said *s, struct bs_intake_config *cfg)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	cfg->notify = said_notify;
	cfg->notify_ctx = s;
}

static void said_free(struct said *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->lines[i]);
	pthread_mutex_destroy(&s->mu);
}

/* Waits (bounded: 10 s) until the counter at off of the stats is at least n. */
static void wait_stat(struct bs_intake *in, size_t off, int64_t n)
{
	struct bs_intake_stats st;
	for (int i = 0; i < 1000; i++) {
		bs_intake_get_stats(in, &st);
		if (*(int64_t *)(void *)((char *)&st + off) >= n)
			return;
		sleep_ms(10);
	}
	fail_msg("the intake's counter at %zu did not reach %lld", off, (long long)n);
}
#define WAIT_STAT(in, field, n) wait_stat((in), offsetof(struct bs_intake_stats, field), (n))

/* A certificate made here: ECDSA P-256, signed by issuer or self-signed. */
struct tcert {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	gnutls_pcert_st pcert;
	gnutls_privkey_t pk;
	char fp[80];
};

static void tcert_make(struct tcert *c, const char *cn, const struct tcert *issuer, int is_ca, time_t from,
		       time_t until)
{
	unsigned char serial[8], fp[32];
	size_t n = sizeof(fp);
	char hex[65];

	memset(c, 0, sizeof(*c));
	randombytes_buf(serial, sizeof(serial));
	serial[0] &= 0x7f;
	assert_int_equal(gnutls_x509_privkey_init(&c->key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(c->key, GNUTLS_PK_ECDSA,
						      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&c->crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(c->crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(c->crt, serial, sizeof(serial)), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(c->crt, from), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(c->crt, until), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(c->crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn)),
			 0);
	assert_int_equal(gnutls_x509_crt_set_key(c->crt, c->key), 0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(c->crt, is_ca, -1), 0);
	assert_int_equal(gnutls_x509_crt_set_key_usage(c->crt, is_ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
									 : GNUTLS_KEY_DIGITAL_SIGNATURE), 0);
	if (!is_ca)
		assert_int_equal(gnutls_x509_crt_set_key_purpose_oid(c->crt, GNUTLS_KP_TLS_WWW_CLIENT, 0), 0);
	if (issuer)
		assert_int_equal(gnutls_x509_crt_sign2(c->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0), 0);
	else
		assert_int_equal(gnutls_x509_crt_sign2(c->crt, c->crt, c->key, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_get_fingerprint(c->crt, GNUTLS_DIG_SHA256, fp, &n), 0);
	sodium_bin2hex(hex, sizeof(hex), fp, n);
	snprintf(c->fp, sizeof(c->fp), "SHA256:%s", hex);
	assert_int_equal(gnutls_pcert_import_x509(&c->pcert, c->crt, 0), 0);
	assert_int_equal(gnutls_privkey_init(&c->pk), 0);
	assert_int_equal(gnutls_privkey_import_x509(c->pk, c->key, GNUTLS_PRIVKEY_IMPORT_COPY), 0);
}

static void tcert_free(struct tcert *c)
{
	gnutls_pcert_deinit(&c->pcert);
	gnutls_privkey_deinit(c->pk);
	gnutls_x509_crt_deinit(c->crt);
	gnutls_x509_privkey_deinit(c->key);
}

static void tcert_write(const struct tcert *c, const char *path, const char *mode)
{
	gnutls_datum_t d;
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	assert_int_equal(gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_PEM, &d), 0);
	assert_int_equal(fwrite(d.data, 1, d.size, f), d.size);
	assert_int_equal(fclose(f), 0);
	gnutls_free(d.data);
}

/* The client offers the session's certificate whatever CAs the server names (so a
 * certificate from another CA reaches the server's check), or none. */
static int offer_cert(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		      unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
	struct tcert *c = gnutls_session_get_ptr(s);
	(void)req_ca_rdn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	*pcert = c ? &c->pcert : NULL;
	*pcert_length = c ? 1 : 0;
	*privkey = c ? c->pk : NULL;
	return 0;
}

/* A GnuTLS client with certificate c (NULL: none) and priorities prio (NULL: the default)
 * handshakes with the intake's TLS listener, sends msg, says goodbye and reads until the
 * intake closes the connection (so it has dealt with it on return). Returns the client's
 * handshake result (with TLS 1.3 the client finishes before the server has checked its
 * certificate, so a refused client may see 0 here). */
static int tls_send(struct bs_intake *in, struct tcert *c, const char *prio, const char *msg)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	struct timeval tv = { 10, 0 };
	char buf[256];
	int fd = connect_to(in, "tls", SOCK_STREAM), rc;

	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred), 0);
	gnutls_certificate_set_retrieve_function2(cred, offer_cert);
	assert_int_equal(gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL), 0);
	if (prio)
		assert_int_equal(gnutls_priority_set_direct(s, prio, NULL), 0);
	else
		assert_int_equal(gnutls_set_default_priority(s), 0);
	assert_int_equal(gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred), 0);
	gnutls_session_set_ptr(s, c);
	gnutls_transport_set_int(s, fd);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc == 0) {
		(void)gnutls_record_send(s, msg, strlen(msg));
		(void)gnutls_bye(s, GNUTLS_SHUT_WR);
		ssize_t n;
		do
			n = gnutls_record_recv(s, buf, sizeof(buf));
		while (n > 0 || (n < 0 && !gnutls_error_is_fatal((int)n) && n != GNUTLS_E_AGAIN));
	}
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	return rc;
}

struct tls_fixture {
	char dir[64];
	char *cert, *key;
	char ca_path[96];
	struct tcert ca1, ca2, c1, c2, c3, expired;
};

static void tls_fixture_make(struct tls_fixture *fx)
{
	char fp[80];
	time_t now = time(NULL);

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/bs-intake-auth.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(bs_intake_tls_ensure(fx->dir, &fx->cert, &fx->key, fp, sizeof(fp)), 0);
	tcert_make(&fx->ca1, "Sender CA", NULL, 1, now - 3600, now + 86400);
	tcert_make(&fx->ca2, "Other CA", NULL, 1, now - 3600, now + 86400);
	tcert_make(&fx->c1, "sender-1", &fx->ca1, 0, now - 3600, now + 86400);
	tcert_make(&fx->c2, "sender-2", &fx->ca2, 0, now - 3600, now + 86400);
	tcert_make(&fx->c3, "pinned self-signed", NULL, 0, now - 3600, now + 86400);
	tcert_make(&fx->expired, "sender-old", &fx->ca1, 0, now - 10 * 86400, now - 86400);
	/* a CA file may hold several */
	snprintf(fx->ca_path, sizeof(fx->ca_path), "%s/clients-ca.pem", fx->dir);
	tcert_write(&fx->ca2, fx->ca_path, "w");
	tcert_write(&fx->ca1, fx->ca_path, "a");
	/* ... but the test's other CA must not be in it */
	snprintf(fx->ca_path, sizeof(fx->ca_path), "%s/ca1.pem", fx->dir);
	tcert_write(&fx->ca1, fx->ca_path, "w");
}

static void tls_fixture_free(struct tls_fixture *fx)
{
	char p[128];
	tcert_free(&fx->ca1);
	tcert_free(&fx->ca2);
	tcert_free(&fx->c1);
	tcert_free(&fx->c2);
	tcert_free(&fx->c3);
	tcert_free(&fx->expired);
	unlink(fx->cert);
	unlink(fx->key);
	free(fx->cert);
	free(fx->key);
	unlink(fx->ca_path);
	snprintf(p, sizeof(p), "%s/clients-ca.pem", fx->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/tls", fx->dir);
	rmdir(p);
	rmdir(fx->dir);
}

static void tls_cfg(struct bs_intake_config *cfg, struct got *g, struct tls_fixture *fx)
{
	cfg_init(cfg, g);
	cfg->udp = cfg->tcp = NULL;
	cfg->tls = "127.0.0.1:0";
	cfg->tls_cert = fx->cert;
	cfg->tls_key = fx->key;
}

/* Nothing a refused client sent is stored: every syslog event is one of want[]. */
static void assert_stored(struct got *g, const char *const *want, size_t n)
{
	assert_int_equal(count_type(g, "syslog"), n);
	for (size_t i = 0, k = 0; i < g->n; i++)
		if (!strcmp(g->type[i], "syslog"))
			assert_string_equal(g->msg[i], want[k++]);
}

/* --tls-client-ca: a certificate from that CA (TLS 1.3 and 1.2) is accepted; none, one from
 * another CA, and an expired one are refused, counted, reported, and nothing they sent is
 * stored. */
static void tls_client_ca(void **state)
{
	static const char *const want[] = { "from sender-1", "from sender-1 over 1.2" };
	static const char m[] = "<13>1 - h app - - - ";
	struct tls_fixture fx;
	struct bs_intake_config cfg;
	struct bs_intake_stats st;
	struct runner r;
	struct got g;
	struct said said;
	char msg[128];
	(void)state;
	tls_fixture_make(&fx);
	got_init(&g);
	tls_cfg(&cfg, &g, &fx);
	said_init(&said, &cfg);
	cfg.tls_client_ca = fx.ca_path;
	start(&r, &cfg);

	snprintf(msg, sizeof(msg), "%s%s\n", m, want[0]);
	assert_int_equal(tls_send(r.in, &fx.c1, NULL, msg), 0);
	wait_received(r.in, 1);
	snprintf(msg, sizeof(msg), "%s%s\n", m, want[1]);
	assert_int_equal(tls_send(r.in, &fx.c1, "NORMAL:-VERS-ALL:+VERS-TLS1.2", msg), 0);
	wait_received(r.in, 2);

	snprintf(msg, sizeof(msg), "%sno certificate\n", m);
	(void)tls_send(r.in, NULL, NULL, msg);
	WAIT_STAT(r.in, tls_auth_failures, 1);
	assert_true(tls_send(r.in, NULL, "NORMAL:-VERS-ALL:+VERS-TLS1.2", msg) < 0);
	WAIT_STAT(r.in, tls_auth_failures, 2);
	snprintf(msg, sizeof(msg), "%sfrom another CA\n", m);
	(void)tls_send(r.in, &fx.c2, NULL, msg);
	WAIT_STAT(r.in, tls_auth_failures, 3);
	snprintf(msg, sizeof(msg), "%sexpired\n", m);
	(void)tls_send(r.in, &fx.expired, NULL, msg);
	WAIT_STAT(r.in, tls_auth_failures, 4);
	stop(&r);

	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.tls_auth_failures, 4);
	assert_int_equal(st.tls_failures, 0);
	assert_int_equal(st.received_tls, 2);
	assert_int_equal(st.connections_open, 0);
	assert_stored(&g, want, 2);
	assert_int_equal(said_count(&said, "refused tls client 127.0.0.1:", "the client sent no certificate"), 2);
	assert_int_equal(said_count(&said, "client certificate not signed by --tls-client-ca", "CN=sender-2"), 1);
	assert_int_equal(said_count(&said, "client certificate not signed by --tls-client-ca", fx.c2.fp), 1);
	assert_int_equal(said_count(&said, "client certificate expired", "CN=sender-old"), 1);
	bs_intake_free(r.in);
	said_free(&said);
	got_free(&g);
	tls_fixture_free(&fx);
}

/* --tls-client-fingerprint: a pinned self-signed certificate is accepted (either way the
 * fingerprint is written); a CA-signed one that is not pinned, and none, are refused. With
 * --tls-client-ca as well, either check suffices. */
static void tls_client_fingerprint(void **state)
{
	static const char *const want[] = { "pinned", "pinned again", "pinned (both)", "ca (both)" };
	struct tls_fixture fx;
	struct bs_intake_config cfg;
	struct bs_intake_stats st;
	struct runner r;
	struct got g;
	struct said said;
	char colons[160], other[80];
	const char *fps[3];
	(void)state;
	tls_fixture_make(&fx);
	/* the same fingerprint in lower case with colons, as openssl prints it */
	size_t k = snprintf(colons, sizeof(colons), "sha256:");
	for (size_t i = 7; fx.c3.fp[i]; i += 2)
		k += snprintf(colons + k, sizeof(colons) - k, "%s%c%c", i > 7 ? ":" : "", fx.c3.fp[i], fx.c3.fp[i + 1]);
	snprintf(other, sizeof(other), "%s", fx.c2.fp);
	other[7] = other[7] == '0' ? '1' : '0'; /* a fingerprint nobody has */
	fps[0] = other;
	fps[1] = colons;

	got_init(&g);
	tls_cfg(&cfg, &g, &fx);
	said_init(&said, &cfg);
	cfg.tls_client_fingerprints = fps;
	cfg.tls_client_fingerprint_count = 2;
	start(&r, &cfg);
	assert_int_equal(tls_send(r.in, &fx.c3, NULL, "<13>1 - h app - - - pinned\n"), 0);
	wait_received(r.in, 1);
	assert_int_equal(tls_send(r.in, &fx.c3, "NORMAL:-VERS-ALL:+VERS-TLS1.2", "<13>1 - h app - - - pinned again\n"),
			 0);
	wait_received(r.in, 2);
	(void)tls_send(r.in, &fx.c1, NULL, "<13>1 - h app - - - signed but not pinned\n");
	WAIT_STAT(r.in, tls_auth_failures, 1);
	(void)tls_send(r.in, &fx.c2, NULL, "<13>1 - h app - - - not pinned\n");
	WAIT_STAT(r.in, tls_auth_failures, 2);
	(void)tls_send(r.in, NULL, NULL, "<13>1 - h app - - - none\n");
	WAIT_STAT(r.in, tls_auth_failures, 3);
	stop(&r);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.tls_auth_failures, 3);
	assert_int_equal(st.received_tls, 2);
	assert_int_equal(said_count(&said, "fingerprint", fx.c1.fp), 1);
	assert_int_equal(said_count(&said, "not allowed (subject 'CN=sender-1')", "add --tls-client-fingerprint"), 1);
	assert_int_equal(said_count(&said, "fingerprint", fx.c2.fp), 1);
	assert_int_equal(said_count(&said, "the client sent no certificate", NULL), 1);
	bs_intake_free(r.in);

	/* both: either check suffices; neither is refused with both reasons */
	fps[0] = fx.c3.fp;
	cfg.tls_client_fingerprint_count = 1;
	cfg.tls_client_ca = fx.ca_path;
	start(&r, &cfg);
	assert_int_equal(tls_send(r.in, &fx.c3, NULL, "<13>1 - h app - - - pinned (both)\n"), 0);
	wait_received(r.in, 1);
	assert_int_equal(tls_send(r.in, &fx.c1, NULL, "<13>1 - h app - - - ca (both)\n"), 0);
	wait_received(r.in, 2);
	(void)tls_send(r.in, &fx.c2, NULL, "<13>1 - h app - - - neither\n");
	WAIT_STAT(r.in, tls_auth_failures, 1);
	stop(&r);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.tls_auth_failures, 1);
	assert_int_equal(said_count(&said, "not signed by --tls-client-ca, and fingerprint", fx.c2.fp), 1);
	assert_stored(&g, want, 4);
	bs_intake_free(r.in);
	said_free(&said);
	got_free(&g);
	tls_fixture_free(&fx);
}

/* Bad client authentication settings fail at create, naming the input and what to give. */
static void tls_client_auth_config(void **state)
{
	struct tls_fixture fx;
	struct bs_intake_config cfg;
	struct bs_intake *in;
	struct got g;
	char empty[96], long_fp[90];
	const char *fps[BS_INTAKE_CLIENT_FINGERPRINTS_MAX + 1];
	static const char *const bad[] = {
		"", "SHA256:", "SHA1:00", "SHA256:zz", "SHA256:0011",
		"SHA256:00112233445566778899aabbccddeeff00112233445566778899aabbccddee",    /* 31 bytes */
		"SHA256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00", /* 33 */
		"SHA256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeef", /* odd */
		"SHA256::00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		"SHA256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff:",
		"SHA256:00::112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	};
	(void)state;
	tls_fixture_make(&fx);
	got_init(&g);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tls_cfg(&cfg, &g, &fx);
		fps[0] = bad[i];
		cfg.tls_client_fingerprints = fps;
		cfg.tls_client_fingerprint_count = 1;
		assert_int_equal(bs_intake_create(&in, &cfg), BS_EINVALID);
		assert_null(in);
		assert_non_null(strstr(bs_error_message(), "--tls-client-fingerprint"));
		assert_non_null(strstr(bs_error_message(), "64 hex digits"));
	}
	/* upper case, no prefix case: fine */
	snprintf(long_fp, sizeof(long_fp), "SHA256:%s", "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
	tls_cfg(&cfg, &g, &fx);
	fps[0] = long_fp;
	cfg.tls_client_fingerprints = fps;
	cfg.tls_client_fingerprint_count = 1;
	assert_int_equal(bs_intake_create(&in, &cfg), 0);
	bs_intake_free(in);
	/* too many */
	for (size_t i = 0; i <= BS_INTAKE_CLIENT_FINGERPRINTS_MAX; i++)
		fps[i] = long_fp;
	cfg.tls_client_fingerprint_count = BS_INTAKE_CLIENT_FINGERPRINTS_MAX + 1;
	assert_int_equal(bs_intake_create(&in, &cfg), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "at most 64"));
	/* a CA file that is missing, or holds no certificate */
	tls_cfg(&cfg, &g, &fx);
	cfg.tls_client_ca = "/nonexistent/ca.pem";
	assert_int_equal(bs_intake_create(&in, &cfg), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "--tls-client-ca"));
	assert_non_null(strstr(bs_error_message(), "/nonexistent/ca.pem"));
	snprintf(empty, sizeof(empty), "%s/empty.pem", fx.dir);
	FILE *f = fopen(empty, "w");
	assert_non_null(f);
	fputs("not a certificate\n", f);
	fclose(f);
	cfg.tls_client_ca = empty;
	assert_int_equal(bs_intake_create(&in, &cfg), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), empty));
	assert_non_null(strstr(bs_error_message(), "BEGIN CERTIFICATE"));
	unlink(empty);
	/* client authentication without a TLS listener */
	cfg_init(&cfg, &g);
	cfg.tls_client_ca = fx.ca_path;
	assert_int_equal(bs_intake_create(&in, &cfg), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "need --syslog-tls"));
	got_free(&g);
	tls_fixture_free(&fx);
}

/* A TLS connection that never finishes its handshake is closed after 10 s (on the
 * intake's clock, injected here), counted as a TLS failure; one that finished stays. */
static void tls_handshake_timeout(void **state)
{
	struct tls_fixture fx;
	struct bs_intake_config cfg;
	struct bs_intake_stats st;
	struct runner r;
	struct got g;
	struct said said;
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	char c;
	int rc;
	(void)state;
	tls_fixture_make(&fx);
	got_init(&g);
	tls_cfg(&cfg, &g, &fx);
	said_init(&said, &cfg);
	cfg.clock = bs_clock_now;
	bs_clock_set(NOW);
	start(&r, &cfg);
	int raw = connect_to(r.in, "tls", SOCK_STREAM);
	send_all(raw, "\x16\x03\x01", 3); /* the start of a record, and no more */
	WAIT_STAT(r.in, connections, 1);
	int fd = connect_to(r.in, "tls", SOCK_STREAM);
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred), 0);
	assert_int_equal(gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL), 0);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	assert_int_equal(rc, 0);

	bs_clock_set(NOW + BS_INTAKE_HANDSHAKE_TIMEOUT_US - 1000000);
	sleep_ms(1200); /* the loop looks at least once a second */
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.connections_open, 2);
	assert_int_equal(st.tls_failures, 0);
	bs_clock_set(NOW + BS_INTAKE_HANDSHAKE_TIMEOUT_US);
	WAIT_STAT(r.in, tls_failures, 1);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.connections_open, 1);
	assert_int_equal(recv(raw, &c, 1, 0), 0); /* closed */
	assert_int_equal(said_count(&said, "did not finish within 10 s", "closed the tls connection from 127.0.0.1:"), 1);
	/* the finished one still works */
	const char m[] = "<13>1 - h app - - - after the timeout\n";
	assert_int_equal(gnutls_record_send(s, m, strlen(m)), (ssize_t)strlen(m));
	wait_received(r.in, 1);
	gnutls_bye(s, GNUTLS_SHUT_WR);
	stop(&r);
	bs_clock_set(0);
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	close(raw);
	assert_int_equal(count_type(&g, "syslog"), 1);
	assert_string_equal(g.msg[0], "after the timeout");
	bs_intake_free(r.in);
	said_free(&said);
	got_free(&g);
	tls_fixture_free(&fx);
}

static unsigned local_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	return ntohs(sa.sin_port);
}

/* At max_connections a new connection closes the one idle longest, once that one has been
 * idle 60 s (what it held of a frame is stored); else the new one is refused. */
static void evict_idle(void **state)
{
	static const char *const want[] = { "a1", "b1", "a2", "partial b", "d1", "a3" };
	struct bs_intake_config cfg;
	struct bs_intake_stats st;
	struct runner r;
	struct got g;
	struct said said;
	char c, line[64];
	(void)state;
	got_init(&g);
	cfg_init(&cfg, &g);
	cfg.udp = NULL;
	said_init(&said, &cfg);
	cfg.max_connections = 2;
	cfg.clock = bs_clock_now;
	bs_clock_set(NOW);
	start(&r, &cfg);
	int a = connect_to(r.in, "tcp", SOCK_STREAM);
	WAIT_STAT(r.in, connections, 1);
	send_all(a, "<13>1 - h app - - - a1\n", 23);
	wait_received(r.in, 1);
	int b = connect_to(r.in, "tcp", SOCK_STREAM);
	WAIT_STAT(r.in, connections, 2);
	const char bmsg[] = "<13>1 - h app - - - b1\n<13>1 - h app - - - partial b";
	send_all(b, bmsg, strlen(bmsg));
	wait_received(r.in, 2);
	sleep_ms(50);

	/* 30 s later a has sent again, b has not; neither is idle 60 s: c is refused */
	bs_clock_set(NOW + 30000000);
	send_all(a, "<13>1 - h app - - - a2\n", 23);
	wait_received(r.in, 3);
	int cfd = connect_to(r.in, "tcp", SOCK_STREAM);
	WAIT_STAT(r.in, connections_refused, 1);
	assert_int_equal(recv(cfd, &c, 1, 0), 0);
	assert_int_equal(said_count(&said, "refused a tcp connection from 127.0.0.1:", "none idle for 60 s"), 1);

	/* at 61 s b has been idle 61 s, a 31 s: d takes b's slot */
	bs_clock_set(NOW + 61000000);
	int d = connect_to(r.in, "tcp", SOCK_STREAM);
	WAIT_STAT(r.in, evicted, 1);
	assert_int_equal(recv(b, &c, 1, 0), 0);
	snprintf(line, sizeof(line), "closed the tcp connection from 127.0.0.1:%u,", local_port(b));
	assert_int_equal(said_count(&said, line, "idle for 61 s, to make room"), 1);
	wait_received(r.in, 4); /* b's unfinished frame */
	send_all(d, "<13>1 - h app - - - d1\n", 23);
	wait_received(r.in, 5);
	send_all(a, "<13>1 - h app - - - a3\n", 23);
	wait_received(r.in, 6);

	/* both slots busy again: the next one is refused */
	int e = connect_to(r.in, "tcp", SOCK_STREAM);
	WAIT_STAT(r.in, connections_refused, 2);
	assert_int_equal(recv(e, &c, 1, 0), 0);
	bs_intake_get_stats(r.in, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.connections, 5);
	assert_int_equal(st.connections_open, 2);
	stop(&r);
	bs_clock_set(0);
	assert_stored(&g, want, 6);
	for (size_t i = 0; i < g.n; i++)
		if (!strcmp(g.msg[i], "partial b"))
			assert_non_null(strstr(g.data[i], "\"frame\":\"incomplete\""));
	json_t *j = bs_intake_stats_json(&st);
	assert_int_equal(json_integer_value(json_object_get(j, "evicted")), 1);
	assert_non_null(json_object_get(j, "tls_auth_failures"));
	json_decref(j);
	close(a);
	close(b);
	close(cfd);
	close(d);
	close(e);
	bs_intake_free(r.in);
	said_free(&said);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_rfc5424),
		cmocka_unit_test(build_malformed),
		cmocka_unit_test(build_limits),
		cmocka_unit_test(view_other_data),
		cmocka_unit_test(listen_tcp_udp),
		cmocka_unit_test(backpressure),
		cmocka_unit_test(udp_drops),
		cmocka_unit_test(sink_retry),
		cmocka_unit_test(bad_addresses),
		cmocka_unit_test(listen_tls),
		cmocka_unit_test(stats_file),
		cmocka_unit_test(tls_client_ca),
		cmocka_unit_test(tls_client_fingerprint),
		cmocka_unit_test(tls_client_auth_config),
		cmocka_unit_test(tls_handshake_timeout),
		cmocka_unit_test(evict_idle),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
