/* probe_clock.c - whether the kernel clock is synchronised (ntp_adjtime), live only. */
#include <sys/timex.h>

#include "scan/probe.h"

static int run(struct bs_probe_ctx *ctx)
{
	struct timex tx = { 0 };
	int state = ntp_adjtime(&tx);

	if (state < 0)
		return bs_probe_fail(ctx, "ntp_adjtime failed: cannot tell whether the clock is synchronised");
	int synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	bs_fact_add(ctx, "clock.synchronized", NULL, synced ? "yes" : "no", "ntp_adjtime(2)", 0);
	bs_fact_addf(ctx, "clock.max_error_ms", NULL, "ntp_adjtime(2)", 0, "%ld", (long)(tx.maxerror / 1000));
	return 0;
}

const struct bs_probe bs_probe_clock = { "clock", BS_PROBE_LIVE, run };
