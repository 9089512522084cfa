/*
 * demo.h - the demo data of a demo data directory (`brokersec init --demo`, `make demo`;
 * datadir.h, "demo data directories"): a made-up small broker, 示範保險經紀人股份有限公司（示範）,
 * with systems of the three categories and their devices and assets, 40 people with training
 * of this and last year (some short of hours), vendors, a class 3 mobile app, an incident,
 * drills (one core system's BCP drill overdue), policy documents, backups, an account review,
 * a saved scan of a made-up server (demo_host.c), a plan, assessors and a
 * completed assessment of a category 1 system with results, findings (open, overdue, closed)
 * and its issued report (PDF, kept for download).
 *
 * Every record goes through the same library calls as the CLI (registers, the assessment
 * workflow, report issuing), so each is an event in the event log. Names come from fixed lists
 * and a fixed-seed PRNG, dates are relative to bs_clock_now(): the same clock gives the same
 * data.
 */
#ifndef BS_DEMO_DEMO_H
#define BS_DEMO_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct bs_datadir;

/* The organisation name `init --demo` uses unless --org is given. */
#define BS_DEMO_ORG "示範保險經紀人股份有限公司（示範）"

/* What bs_demo_fill made. */
struct bs_demo_counts {
	size_t systems, devices, assets, people, trainings, vendors, apps, incidents, drills, policy_docs, plans, backups,
		account_reviews, scans, assessors, results, findings, reports;
	int64_t assessment;      /* the assessment's id */
	int64_t report;          /* the issued report's id */
};

/* Fills dd, a demo data directory just made by init (dd->demo), with the demo records.
 * BS_EDENIED (nothing written) when dd is not marked demo or already holds register
 * records: demo data never mixes with real records. */
int bs_demo_fill(struct bs_datadir *dd, struct bs_demo_counts *out);

#endif
