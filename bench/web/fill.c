/* bench/web/fill: appends N syslog-like events to an existing data directory's log, in
 * batches from 4 threads, as intake would; for bench/web/run's "1 M events" case. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "eventlog/eventlog.h"

#define THREADS 4
#define BATCH 500

struct arg {
	struct bs_eventlog *log;
	long n, base;
};

static void *producer(void *p)
{
	struct arg *a = p;
	struct bs_event ev[BATCH];
	char msg[BATCH][160];

	for (long done = 0; done < a->n; done += BATCH) {
		for (int i = 0; i < BATCH; i++) {
			snprintf(msg[i], sizeof(msg[i]), "<134>1 2026-11-27T08:00:00Z web01 sshd 4242 - - Accepted "
				 "publickey for alice from 192.0.2.%d port %ld ssh2", i % 250, a->base + done + i);
			ev[i] = (struct bs_event){ 0, 0, "syslog", 6, "web01", "192.0.2.10:514", "sys-1", "alice",
						   "success", msg[i], NULL };
		}
		if (bs_eventlog_append(a->log, ev, BATCH) != 0) {
			fprintf(stderr, "fill: append: %s\n", bs_error_message());
			exit(1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct bs_eventlog *log;
	pthread_t th[THREADS];
	struct arg a[THREADS];
	long n;

	if (argc != 3 || sodium_init() < 0) {
		fprintf(stderr, "usage: fill DATADIR EVENTS\n");
		return 2;
	}
	n = atol(argv[2]) / (THREADS * BATCH) * THREADS * BATCH;
	if (bs_eventlog_open(&log, argv[1]) != 0) {
		fprintf(stderr, "fill: %s: %s\n", argv[1], bs_error_message());
		return 1;
	}
	for (int i = 0; i < THREADS; i++) {
		a[i] = (struct arg){ log, n / THREADS, i * (n / THREADS) };
		if (pthread_create(&th[i], NULL, producer, &a[i]) != 0)
			return 1;
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	bs_eventlog_close(log);
	printf("%ld events appended\n", n);
	return 0;
}
