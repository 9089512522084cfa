/*
 * probe_ctx.h - private to the scan engine (run.c) and the probe library (probe_util.c):
 * what a scan keeps while its probes run. Probes never see it; they go through probe.h.
 */
#ifndef BS_SCAN_PROBE_CTX_H
#define BS_SCAN_PROBE_CTX_H

#include <stddef.h>

#include "scan/rootfs.h"
#include "scan/scan.h"

/* A fact a probe reported (bs_fact_add); every string owned. */
struct fact {
	char *name, *subject, *value, *file;
	int line;
};

/* Whether a probe has run in this scan, and how it ended. */
enum probe_state { PROBE_NOT_RUN, PROBE_OK, PROBE_NA, PROBE_ERROR };

/* One per probe of bs_probes[]: it runs at most once, when a rule first asks for a fact of
 * its domain. */
struct probe_slot {
	const struct bs_probe *probe;
	enum probe_state state;
	char *reason;      /* why not applicable or an error (owned), else NULL */
	char *reason_zh;   /* the same in zh-TW when the probe gave it (bs_probe_na), else NULL */
};

struct bs_probe_ctx {
	const struct bs_scan_opts *opts;
	const char *root;  /* "" for the live host, else the root without a trailing '/' */
	struct bs_rootfs fs;     /* the root, every path resolved inside it (rootfs.h) */
	struct fact *facts;      /* every probe's facts, in the order reported */
	size_t nfacts, cap;
	struct probe_slot *cur;  /* the probe running now: bs_probe_na / _fail set its state */
	struct probe_slot *slots;
	size_t nslots;
};

#endif
