/*
 * status.h - the compliance state of every applicable control, with the reason.
 *
 * The state logic lives here and only here (the rules: docs/status.md). One table of
 * evaluators (status.c, `evaluators[]`) in two parts:
 *  - the overrides (test data directory, applicability): the first that decides ends it;
 *  - the sources (registers, saved scans, evidence, ...): every one is asked, each gives its
 *    own verdict, and a fixed precedence combines them with all their reasons: a failing
 *    automatic check or register beats a document, a duty that is due beats a proof, and a
 *    proof that only aged out (`lapsed`) yields to a current one from another source.
 * A later module adds an evaluator file and one line at the end of the table.
 */
#ifndef BS_COMPLIANCE_STATUS_H
#define BS_COMPLIANCE_STATUS_H

#include <jansson.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "datadir/datadir.h"
#include "profile/profile.h"

enum bs_state {
	BS_STATE_NOT_MET,
	BS_STATE_DUE,
	BS_STATE_UNKNOWN,
	BS_STATE_MET,
	BS_STATE_NOT_APPLICABLE,
	BS_STATE_COUNT
};

/* "met", "not_met", "due", "unknown", "not_applicable" */
const char *bs_state_name(enum bs_state s);
const char *bs_state_label(enum bs_state s, enum bs_lang lang);

struct bs_status_item {
	const struct bs_control *control;
	enum bs_state state;
	char *reason_zh;
	char *reason_en;
};

struct bs_status_group {
	const struct bs_control *control; /* the article or annex part */
	enum bs_state state;              /* the worst state among its items */
	unsigned count[BS_STATE_COUNT];
	size_t first, n;                  /* its items: items[first .. first+n) */
};

struct bs_status {
	int32_t as_of;                    /* days since the epoch */
	struct bs_profile profile;
	struct bs_status_item *items;     /* every duty: an entry with `how` and no items of its own with `how` */
	size_t nitems;
	struct bs_status_group *groups;
	size_t ngroups;
	unsigned total[BS_STATE_COUNT];
};

/* What an evaluator sees. */
struct bs_status_ctx {
	struct bs_datadir *dd;
	const struct bs_catalog *cat;
	const struct bs_profile *profile;
	int32_t as_of;
};

struct bs_verdict {
	enum bs_state state;
	/* With BS_STATE_DUE: due only because the proof (evidence, a saved scan) is older than its
	 * validity period; another source's current proof then outweighs it. */
	int lapsed;
	struct bs_buf zh, en;
};

struct bs_evaluator {
	const char *name;
	/* Loads what it needs once per status run into *state; may be NULL. */
	int (*prepare)(const struct bs_status_ctx *ctx, void **state);
	/* 1 decided (v filled), 0 no opinion, <0 error. A source may decide BS_STATE_UNKNOWN
	 * with a reason ("佐證待審核"): shown only when no source knows more; a source's
	 * BS_STATE_NOT_APPLICABLE ends the chain like an override. */
	int (*evaluate)(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c,
			struct bs_verdict *v);
	void (*release)(void *state);
};

extern const struct bs_evaluator bs_eval_test_datadir;  /* eval_test_datadir.c */
extern const struct bs_evaluator bs_eval_applicability; /* eval_applicability.c */
extern const struct bs_evaluator bs_eval_registers;     /* eval_registers.c */
extern const struct bs_evaluator bs_eval_scan;          /* eval_scan.c */
extern const struct bs_evaluator bs_eval_evidence;      /* eval_evidence.c */
extern const struct bs_evaluator bs_eval_assess;        /* eval_assess.c */
extern const struct bs_evaluator bs_eval_vuln;          /* eval_vuln.c */
extern const struct bs_evaluator bs_eval_lookalike;     /* eval_lookalike.c */
extern const struct bs_evaluator bs_eval_fim;           /* eval_fim.c */
extern const struct bs_evaluator bs_eval_notify;        /* eval_notify.c */

/* Validity of a proof (evidence, a saved scan) for c: its cycle when the catalog entry names
 * a recurring duty with a period, else one year (docs/status.md). */
const struct bs_duration *bs_status_validity(const struct bs_control *c);

/* Computes the status as of the given day. Release with bs_status_release(). */
int bs_status_compute(struct bs_datadir *dd, const struct bs_catalog *cat, int32_t as_of, struct bs_status *out);
void bs_status_release(struct bs_status *st);

/* The next actions (actions.c, docs/status.md "Next actions"): what a person runs, or which
 * web page they open, to move the controls that are not met toward met; controls with the
 * same action are one action, ranked worst state first, then by count, then catalog order. */
#define BS_ACTION_EXAMPLES 5
#define BS_ACTIONS_TOP 10
struct bs_action {
	char key[96];                      /* "register:training", "scan", "fix:CHECK", "review", "evidence:SR.4" */
	char *title_zh, *title_en;
	char *command_zh, *command_en;     /* a command line; placeholders in the language */
	char *page;                        /* the web UI's page that does the same ("#/scans"), or NULL */
	enum bs_state state;               /* the worst among its controls */
	unsigned count;                    /* controls it concerns */
	size_t first;                      /* its first control's index in items: catalog order */
	const char *examples[BS_ACTION_EXAMPLES]; /* control ids (the catalog's strings) */
	size_t nexamples;
};
struct bs_actions {
	struct bs_action *v;
	size_t n;
	size_t total;                      /* actions before keeping the first max */
};
/* The first max actions of st, over the controls under prefix (NULL: all). */
int bs_status_actions(struct bs_datadir *dd, const struct bs_status *st, const char *prefix, size_t max,
		      struct bs_actions *out);
void bs_actions_release(struct bs_actions *a);
/* [{key, state, count, title{zh-TW,en}, command{zh-TW,en}, page, controls[]}]. New reference. */
json_t *bs_actions_json(const struct bs_actions *a);
/* Sets "actions" (the first BS_ACTIONS_TOP, over prefix) and "actions_total" in the status
 * document doc (`status --format json`, GET /status: the same document). */
int bs_actions_attach(struct bs_datadir *dd, const struct bs_status *st, const char *prefix, json_t *doc);

#endif
