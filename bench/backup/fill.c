/* bench/backup/fill: appends N events to a data directory's log (see run). Not part of
 * make check. Usage: fill DATADIR N */
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "eventlog/eventlog.h"

#define BATCH 1000

int main(int argc, char **argv)
{
	struct bs_eventlog *log = NULL;
	static struct bs_event ev[BATCH];
	static char msg[BATCH][200];
	long n;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) < 0) {
		fprintf(stderr, "usage: fill DATADIR N\n");
		return 2;
	}
	if (bs_eventlog_open(&log, argv[1]) < 0) {
		fprintf(stderr, "fill: %s\n", bs_error_message());
		return 1;
	}
	for (long done = 0; done < n; done += BATCH) {
		int k = n - done < BATCH ? (int)(n - done) : BATCH;
		for (int i = 0; i < k; i++) {
			snprintf(msg[i], sizeof(msg[i]), "<134>1 2026-11-27T08:00:00Z web01 sshd 4242 - - Accepted "
				 "publickey for user%ld from 192.0.2.%d port %ld ssh2", (done + i) % 97, i % 250, 1024 + (done + i) % 60000);
			ev[i] = (struct bs_event){ 0, 0, "syslog", 6, "web01", "192.0.2.10:514", "1", "alice", "success",
						   msg[i], NULL };
		}
		if (bs_eventlog_append(log, ev, (size_t)k) != 0) {
			fprintf(stderr, "fill: %s\n", bs_error_message());
			return 1;
		}
	}
	bs_eventlog_close(log);
	return 0;
}
