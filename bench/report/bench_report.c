/* Renders the report of a large assessment in each format and prints the time: 20 systems,
 * 300 catalog controls each (6000 results), 500 findings with follow-ups (the size;
 * bench/report/run builds and runs this). Same model as the unit tests (report_fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "report/report.h"
#include "../../tests/unit/report_fixture.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t nsys = argc > 1 ? strtoul(argv[1], NULL, 10) : 20, nctl = argc > 2 ? strtoul(argv[2], NULL, 10) : 300,
	       nfind = argc > 3 ? strtoul(argv[3], NULL, 10) : 500;
	const char *dir = argc > 4 ? argv[4] : NULL;
	static const char *const ext[] = { "html", "pdf", "docx", "oscal.json" };
	struct bs_report_doc d;
	int worst = 0;

	report_fixture(&d, nsys, nctl, nfind);
	printf("report of %zu systems x %zu controls (%zu results), %zu findings\n", nsys, nctl, d.nresults, nfind);
	for (int f = 0; f < 4; f++) {
		struct bs_buf b = BS_BUF_INIT;
		double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t, c;
		if (bs_report_render(&d, (enum bs_report_format)f, BS_LANG_ZH_TW, &b) < 0) {
			fprintf(stderr, "%s: %s\n", ext[f], bs_error_message());
			return 1;
		}
		t = clock_s(CLOCK_MONOTONIC) - t0;
		c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		/* CPU time beside the wall clock: on a shared machine the wall clock counts others' work */
		printf("  %-6s %7.3f s wall %7.3f s cpu  %9zu bytes  %s\n", bs_report_format_name((enum bs_report_format)f), t, c,
		       b.len, t < 2.0 ? "(under 2 s)" : "(OVER 2 s)");
		worst |= t >= 2.0;
		if (dir) {
			char path[512];
			FILE *fp;
			snprintf(path, sizeof(path), "%s/bench.%s", dir, ext[f]);
			if ((fp = fopen(path, "wb"))) {
				fwrite(b.ptr, 1, b.len, fp);
				fclose(fp);
			}
		}
		bs_buf_release(&b);
	}
	bs_report_doc_release(&d);
	return worst;
}
