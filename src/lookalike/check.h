/*
 * check.h - finding the look-alikes that exist (第十四條 偵測釣魚網站): the broker's official
 * domains, their permutations (lookalike.h) matched against names read offline (newly
 * registered domain lists, Certificate Transparency exports, zone files, the mail and proxy
 * logs already in the event log) and, when asked, against DNS (c-ares); every hit is kept,
 * each new one an event, and a person triages it. The customer warning (提醒客戶) is made
 * from the same official domains.
 */
#ifndef BS_LOOKALIKE_CHECK_H
#define BS_LOOKALIKE_CHECK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lookalike/lookalike.h"

struct bs_datadir;
struct bs_store;

/* ---- matching (match.c) ---- */

/* The permutations of the official domains, ready to match names against. */
struct bs_lookalike_matcher;

/* Builds the matcher for n official domains (already split) with the dictionary words of o. */
int bs_lookalike_matcher_new(const struct bs_domain *official, size_t n, const struct bs_lookalike_opts *o,
			     struct bs_lookalike_matcher **out);
void bs_lookalike_matcher_free(struct bs_lookalike_matcher *m);
/* The permutations (to resolve them all). */
const struct bs_lookalike_set *bs_lookalike_matcher_set(const struct bs_lookalike_matcher *m);

struct bs_lookalike_found {
	char name[256];       /* the look-alike: the registrable name that imitates (A-labels) */
	char host[256];       /* the name as seen, normalized (may be a host under name) */
	const char *kind;     /* its class; "brand" when a label holds an official label */
	const char *official; /* the official domain it imitates (the matcher's string) */
	const char *unicode;  /* name as a person reads it (the matcher's, or NULL: as name) */
};

/* Normalizes a name as it appears in a feed (case, a root dot, "*." of a wildcard
 * certificate, U-labels) into out (A-labels, lower case): 0, or -1 when it is not a domain
 * name under a top-level domain the Public Suffix List knows. */
int bs_lookalike_normalize(const char *in, size_t len, char out[256]);
/* Matches one normalized name: 1 with f filled when it imitates an official domain (it is a
 * permutation, lies under one, or holds an official label of 5 or more letters in a
 * registrable domain that is not official: "brand"), else 0. Names under an official domain
 * never match. */
int bs_lookalike_match(const struct bs_lookalike_matcher *m, const char *name, struct bs_lookalike_found *f);

/* ---- feeds (feed.c) ---- */

enum bs_feed_kind { BS_FEED_NAMES, BS_FEED_CT, BS_FEED_ZONE };

/* "names", "ct", "zone" */
const char *bs_feed_kind_name(enum bs_feed_kind k);

#define BS_FEED_BAD_SHOWN 5
struct bs_feed_stats {
	int64_t lines, names, bad;        /* bad: lines with anything that is not of the format */
	int64_t last_bad;
	int64_t first_bad[BS_FEED_BAD_SHOWN]; /* line numbers of the first bad lines */
};

/* Reads a feed file line by line and calls fn with each name it holds (not yet normalized:
 * fn does that) and its line; a line that is not of the format is counted as bad, never fatal;
 * fn returns 1 when the name was not a domain (counted bad), 0, or <0 to stop with that error.
 * names: one name a line, '#' comments, a CSV line's first field; ct: JSON lines, the names
 * of each certificate (all_domains, dns_names, name_value, common_name ... at any depth up to
 * 4); zone: a DNS master file's owner names ($ORIGIN, @, relative names, parentheses). */
int bs_feed_read(const char *path, enum bs_feed_kind kind,
		 int (*fn)(const char *name, size_t len, int64_t line, void *ctx), void *ctx, struct bs_feed_stats *st);
/* The same over a buffer (the fuzz target). */
int bs_feed_read_mem(const char *data, size_t size, enum bs_feed_kind kind,
		     int (*fn)(const char *name, size_t len, int64_t line, void *ctx), void *ctx, struct bs_feed_stats *st);
/* Calls fn with every token of text that could be a domain name (mail addresses' domains,
 * URLs' hosts, bare names): the mail and proxy log lines in the event log. */
int bs_feed_tokens(const char *text, int (*fn)(const char *name, size_t len, int64_t line, void *ctx), int64_t line,
		   void *ctx);

/* ---- DNS (resolve.c) ---- */

struct bs_dns_answer {
	int exists;            /* the name has records (or answers NOERROR) */
	int failed;            /* no answer: timeout or server failure (status says which) */
	char status[32];
	char *a, *aaaa, *mx, *ns; /* comma-separated, NULL when none */
};

/* Resolves names (A and NS, then AAAA and MX of those that exist) with c-ares against
 * servers ("192.0.2.53", "127.0.0.1:5353,[::1]:53"; NULL: the system's resolv.conf), at most
 * inflight queries at a time, each retried once after timeout_ms. out[i] for names[i]. */
int bs_lookalike_resolve(const char *servers, const char *const *names, size_t n, int timeout_ms,
			 struct bs_dns_answer *out);
void bs_dns_answer_release(struct bs_dns_answer *a);
/* {"a": [...], "aaaa": [...], "mx": [...], "ns": [...]} of what exists. New reference. */
json_t *bs_dns_answer_json(const struct bs_dns_answer *a);

/* ---- the official domains, the checks and the hits (check.c) ---- */

int bs_lookalike_domain_add(struct bs_datadir *dd, const char *name, int *added);
int bs_lookalike_domain_remove(struct bs_datadir *dd, const char *name);
/* The official domains, A-labels, in the order added; *n of them (NULL when none). */
int bs_lookalike_domains(struct bs_store *s, char ***names, char ***unicode, size_t *n);
void bs_lookalike_strv_free(char **v, size_t n);

struct bs_lookalike_feed {
	const char *path;
	enum bs_feed_kind kind;
};

struct bs_lookalike_check_opts {
	const struct bs_lookalike_feed *feeds;
	size_t nfeeds;
	int events;               /* read the mail and proxy logs in the event log since the last check */
	int resolve;              /* resolve every permutation and every hit */
	const char *resolver;     /* servers for c-ares; NULL: resolv.conf */
	int timeout_ms;
	const char *const *words; /* dictionary words */
	size_t nwords;
};

struct bs_lookalike_hit {
	int64_t id;
	char *name, *unicode, *official, *kind, *source, *last_source, *state, *note, *dns;
	int64_t first_us, last_us, seen;
	int is_new;               /* in a check's result: first seen by this check */
};

struct bs_lookalike_result {
	int64_t run_id;
	size_t domains, permutations, resolved, dns_failed;
	int64_t candidates, bad;
	json_t *sources;          /* [{kind, path, lines, names, bad, first_bad}] */
	struct bs_lookalike_hit *hits; /* what this check found, new ones first */
	size_t nhits, nnew;
};

/* Runs a check over the official domains: reads every feed (and the event log when asked),
 * resolves when asked, keeps the hits, writes a lookalike.hit event per new hit and a
 * lookalike.check event for the run. */
int bs_lookalike_check(struct bs_datadir *dd, const struct bs_lookalike_check_opts *o, struct bs_lookalike_result *r);
void bs_lookalike_result_release(struct bs_lookalike_result *r);

/* The hits; state NULL: all, else "open", "phishing", "benign" or "closed". */
int bs_lookalike_hits(struct bs_store *s, const char *state, struct bs_lookalike_hit **out, size_t *n);
void bs_lookalike_hits_free(struct bs_lookalike_hit *v, size_t n);
/* A person's decision on hit id (an event). state: phishing, benign, closed, open. */
int bs_lookalike_hit_set(struct bs_datadir *dd, int64_t id, const char *state, const char *note);
/* JSON of one hit. New reference. */
json_t *bs_lookalike_hit_json(const struct bs_lookalike_hit *h);

/* What the deadline engine and the status need: {"domains": N, "first_domain_us", "last_check_us",
 * "open": N, "oldest_open_us"}; checks up to until_us only (0: all). New reference in *out. */
int bs_lookalike_summary(struct bs_store *s, int64_t until_us, json_t **out);

/* ---- the customer warning (notice.c) ---- */

/* The text for the broker's site and mail, listing the official domains (and, with
 * with_hits, the look-alikes a person confirmed as phishing), in lang ("zh-TW", "en" or
 * "both"), as text or html; into out. */
struct bs_buf;
int bs_lookalike_notice(struct bs_store *s, const char *lang, const char *format, int with_hits, struct bs_buf *out);

#endif
