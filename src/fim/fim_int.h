/* fim_int.h - private to src/fim: the store's calls (fim_store.c, the only SQL) used by
 * fim_run.c and fim_watch.c, and the events both write. */
#ifndef BS_FIM_FIM_INT_H
#define BS_FIM_FIM_INT_H

#include <stdint.h>

#include "fim/fim.h"

struct bs_store;
struct bs_datadir;

/* A baseline row without its entries. */
struct fim_row {
	struct bs_fim_baseline_info info;
	char sig[129];
	char *policy_text;     /* caller frees */
};

/* Inserts baseline row r (r->info.id set on return) and t's entries, and makes it root's active
 * one; inside the caller's transaction. */
int fim_store_save(struct bs_store *s, struct fim_row *r, const char *policy_text, const struct bs_fim_tree *t);
/* Sets the signature of baseline id. */
int fim_store_sign(struct bs_store *s, int64_t id, const char *sig);
/* root's active baseline into r: 1, 0 when none, or an error. */
int fim_store_active(struct bs_store *s, const char *root, struct fim_row *r);
/* The roots that have an active baseline (free each and the array). */
int fim_store_roots(struct bs_store *s, char ***roots, size_t *n);
/* Baseline id's entries into t (sorted). */
int fim_store_entries(struct bs_store *s, int64_t id, struct bs_fim_tree *t);
/* Records a check run; *id gets its row. */
int fim_store_check(struct bs_store *s, const struct bs_fim_report *r, const char *started_at, int full,
		    const char *by, int64_t *id);
int fim_store_canary_add(struct bs_store *s, const char *path, const char *hash, const char *by);

/* The message that the baseline's signature covers (docs/fim.md). */
void fim_sealed_message(const struct bs_fim_baseline_info *i, const char *policy_text, struct bs_buf *b);

/* Appends n events (type, message, data: JSON) for dd's actor in one transaction. */
struct fim_event {
	const char *type;
	int severity;
	const char *outcome;
	char *message;
	char *data;
};
int fim_events_write(struct bs_datadir *dd, struct fim_event *ev, size_t n);
void fim_events_free(struct fim_event *ev, size_t n);

/* Drafts a ransomware incident (A3.6) from signs under root through the incident register;
 * *id gets it. */
int fim_incident_draft(struct bs_datadir *dd, const char *root, const struct bs_fim_signs *signs, int64_t *id);

#endif
