/* Unit tests for src/intake: the event built from a message, and the listeners over real
 * loopback sockets (UDP, TCP, TLS) with a sink in memory: framing, order, shutdown,
 * backpressure, UDP drop counting and sink failures. */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
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
	j = json_loads(ev->data, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		fprintf(stderr, "bad json: %s: %.200s\n", je.text, ev->data);
	assert_non_null(j);
	assert_true(json_is_object(j));
	json_decref(j);
}

static json_t *data_of(const struct bs_event *ev)
{
	json_t *j = json_loads(ev->data, 0, NULL);
	assert_non_null(j);
	return j;
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
	struct bs_intake_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf raw = BS_BUF_INIT;
	struct bs_event ev;
	json_t *d;
	(void)state;
	assert_int_equal(bs_intake_event_build(&ev, &sc, s, strlen(s), NOW, "192.0.2.7:5514", BS_INTAKE_TCP,
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
	bs_intake_scratch_release(&sc);
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
	struct bs_intake_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf raw = BS_BUF_INIT;
	struct bs_event ev;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ok = bs_intake_event_build(&ev, &sc, cases[i].s, cases[i].len, NOW, "[::1]:9", BS_INTAKE_UDP, 0);
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
	bs_intake_scratch_release(&sc);
}

/* Big inputs stay within the event log's limits. */
static void build_limits(void **state)
{
	struct bs_intake_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_buf s = BS_BUF_INIT, raw = BS_BUF_INIT;
	struct bs_event ev;
	(void)state;
	/* STRUCTURED-DATA full of characters JSON must escape */
	bs_buf_puts(&s, "<14>1 - h a - - [a");
	for (int i = 0; s.len < BS_INTAKE_FRAME_MAX - 40; i++)
		bs_buf_printf(&s, " p%d=\"\x01\x02\x03\x04\x05\x06\x07\"", i % 1000);
	bs_buf_puts(&s, "] m");
	bs_intake_event_build(&ev, &sc, s.ptr, s.len, NOW, "x", BS_INTAKE_TCP, 0);
	assert_event_acceptable(&ev);
	/* control characters everywhere */
	bs_buf_clear(&s);
	bs_buf_puts(&s, "<14>1 - h a - - - ");
	while (s.len < BS_INTAKE_FRAME_MAX)
		bs_buf_putc(&s, '\x01');
	assert_int_equal(bs_intake_event_build(&ev, &sc, s.ptr, s.len, NOW, "x", BS_INTAKE_TCP, 0), 1);
	assert_event_acceptable(&ev);
	json_t *d = data_of(&ev);
	raw_of(d, &raw);
	assert_int_equal(raw.len, s.len);
	json_decref(d);
	/* invalid UTF-8 everywhere */
	bs_buf_clear(&s);
	while (s.len < BS_INTAKE_FRAME_MAX)
		bs_buf_putc(&s, '\xff');
	bs_intake_event_build(&ev, &sc, s.ptr, s.len, NOW, "x", BS_INTAKE_TCP, 0);
	assert_event_acceptable(&ev);
	d = data_of(&ev);
	raw_of(d, &raw);
	assert_int_equal(raw.len, s.len);
	json_decref(d);
	bs_buf_release(&s);
	bs_buf_release(&raw);
	bs_intake_scratch_release(&sc);
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

static size_t count_type(struct got *g, const char *type)
{
	size_t k = 0;
	for (size_t i = 0; i < g->n; i++)
		k += !strcmp(g->type[i], type);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_rfc5424),
		cmocka_unit_test(build_malformed),
		cmocka_unit_test(build_limits),
		cmocka_unit_test(listen_tcp_udp),
		cmocka_unit_test(backpressure),
		cmocka_unit_test(udp_drops),
		cmocka_unit_test(sink_retry),
		cmocka_unit_test(bad_addresses),
		cmocka_unit_test(listen_tls),
		cmocka_unit_test(stats_file),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
