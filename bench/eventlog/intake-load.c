/*
 * intake-load.c - load generator for bench/eventlog/intake-run: sends N RFC 5424 messages
 * (~150 bytes, LF framing or octet counting) over C TCP connections at once, as fast as the
 * receiver takes them, then (optionally) waits until the receiver reports them all stored
 * and prints the times. Every connection's stream is built before the clock starts, and
 * each has its own thread, so the sender costs next to nothing and is never the bottleneck.
 *
 *   intake-load PORT N [--conns C] [--octet] [--rate R]
 *               [--wait-stats FILE | --wait-lines FILE] [--timeout S]
 *
 * --rate R: R messages a second in all, paced in 1 ms steps (default: as fast as possible).
 * --wait-stats FILE: until FILE (brokersec's intake.stats) shows "committed" >= N.
 * --wait-lines FILE: until FILE (rsyslog's output) has N lines.
 * Prints "t0 t_sent t_done bytes" (seconds since the epoch; t_done 0 without --wait-*).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	pthread_t th;
	int fd;
	char *data;
	size_t len;
	long msgs;
	double rate; /* messages a second on this connection, 0: unpaced */
	size_t *ends; /* with a rate: where each message ends */
	int err;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *sender(void *arg)
{
	struct conn *c = arg;

	if (c->rate <= 0) {
		c->err = send_all(c->fd, c->data, c->len);
	} else {
		double t0 = now();
		long sent = 0;
		while (sent < c->msgs) {
			long due = (long)((now() - t0) * c->rate) + 1;
			if (due > c->msgs)
				due = c->msgs;
			if (due > sent) {
				size_t from = sent ? c->ends[sent - 1] : 0;
				if ((c->err = send_all(c->fd, c->data + from, c->ends[due - 1] - from)) < 0)
					break;
				sent = due;
			} else {
				sleep_s(0.001);
			}
		}
	}
	shutdown(c->fd, SHUT_WR);
	return NULL;
}

/* The number after "committed": in a small JSON file, or -1. */
static long long stats_committed(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;
	const char *k;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	k = strstr(buf, "\"committed\":");
	return k ? strtoll(k + 12, NULL, 10) : -1;
}

static long long count_lines(const char *path)
{
	static char buf[1 << 16];
	long long lines = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

int main(int argc, char **argv)
{
	int port, nconn = 1, octet = 0;
	long n;
	double rate = 0, timeout = 600, t0, t1, t2 = 0;
	const char *wait_stats = NULL, *wait_lines = NULL;
	struct conn *c;
	size_t total = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: intake-load PORT N [--conns C] [--octet] [--rate R] "
				"[--wait-stats FILE | --wait-lines FILE] [--timeout S]\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = atol(argv[2]);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--conns") && i + 1 < argc)
			nconn = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--octet"))
			octet = 1;
		else if (!strcmp(argv[i], "--rate") && i + 1 < argc)
			rate = atof(argv[++i]);
		else if (!strcmp(argv[i], "--wait-stats") && i + 1 < argc)
			wait_stats = argv[++i];
		else if (!strcmp(argv[i], "--wait-lines") && i + 1 < argc)
			wait_lines = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atof(argv[++i]);
		else {
			fprintf(stderr, "intake-load: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (nconn < 1 || n < 1) {
		fprintf(stderr, "intake-load: need N >= 1 and --conns >= 1\n");
		return 2;
	}
	c = calloc((size_t)nconn, sizeof(*c));
	/* The streams: message i goes to connection i % nconn. */
	for (int k = 0; k < nconn; k++) {
		long mine = n / nconn + (k < n % nconn);
		size_t cap = (size_t)mine * 200 + 1, len = 0;
		c[k].data = malloc(cap);
		c[k].msgs = mine;
		c[k].rate = rate > 0 ? rate / nconn : 0;
		if (rate > 0)
			c[k].ends = malloc((size_t)(mine ? mine : 1) * sizeof(size_t));
		for (long j = 0; j < mine; j++) {
			long i = j * nconn + k;
			char m[200];
			int ml = snprintf(m, sizeof(m), "<134>1 2026-01-01T00:00:00.000000Z bench-host bench 4242 ID%ld "
					  "[meta@32473 seq=\"%ld\"] benchmark message %ld for the tamper-evident log",
					  i % 100, i, i);
			if (octet)
				len += (size_t)snprintf(c[k].data + len, cap - len, "%d %s", ml, m);
			else
				len += (size_t)snprintf(c[k].data + len, cap - len, "%s\n", m);
			if (rate > 0)
				c[k].ends[j] = len;
		}
		c[k].len = len;
		total += len;
	}
	for (int k = 0; k < nconn; k++) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
		c[k].fd = socket(AF_INET, SOCK_STREAM, 0);
		if (c[k].fd < 0 || connect(c[k].fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			fprintf(stderr, "intake-load: cannot connect to 127.0.0.1:%d: %s\n", port, strerror(errno));
			return 1;
		}
	}
	t0 = now();
	for (int k = 0; k < nconn; k++)
		pthread_create(&c[k].th, NULL, sender, &c[k]);
	for (int k = 0; k < nconn; k++) {
		pthread_join(c[k].th, NULL);
		if (c[k].err) {
			fprintf(stderr, "intake-load: send failed: %s\n", strerror(errno));
			return 1;
		}
	}
	t1 = now();
	if (wait_stats || wait_lines) {
		for (;;) {
			long long v = wait_stats ? stats_committed(wait_stats) : count_lines(wait_lines);
			if (v >= n) {
				t2 = now();
				break;
			}
			if (now() - t0 > timeout) {
				fprintf(stderr, "intake-load: timed out: %lld of %ld stored\n", v, n);
				return 1;
			}
			sleep_s(wait_lines ? 0.01 : 0.002);
		}
	}
	for (int k = 0; k < nconn; k++) {
		close(c[k].fd);
		free(c[k].data);
		free(c[k].ends);
	}
	free(c);
	printf("%.6f %.6f %.6f %zu\n", t0, t1, t2, total);
	return 0;
}
