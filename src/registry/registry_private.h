/* registry_private.h - shared between the registry's own files; not a public header. */
#ifndef BS_REGISTRY_PRIVATE_H
#define BS_REGISTRY_PRIVATE_H

#include "registry/registry.h"

/* Helpers for the check() functions of the descriptors (reg_*.c). */
int bs_reg_has(const json_t *rec, const char *field);
const char *bs_reg_str(const json_t *rec, const char *field);
int64_t bs_reg_int(const json_t *rec, const char *field, int64_t dflt);

/* Makes a full field object from the given fields plus defaults; unknown fields fail. */
int bs_reg__build(const struct bs_register *r, const json_t *given, json_t **out);
/* Every ref / refs value names an existing record, then the register's check_linked for
 * record id (0: a new one). cli picks how the field is named. */
int bs_reg__check_refs(struct bs_store *s, const struct bs_register *r, const json_t *rec, int64_t id, int cli);
/* Inserts rec (validated) with its history row, inside the caller's transaction. *data_out
 * (when data_out; free it) is the record's JSON exactly as stored. */
int bs_reg__insert(struct bs_datadir *dd, const struct bs_register *r, const json_t *rec, int64_t want_id,
		   int64_t *id_out, char **data_out);
/* Inside a transaction: *mark is reg_record's largest rowid now (0 when empty). */
int bs_reg__mark(struct bs_store *s, int64_t *mark);
/* 1 when record id of r exists (*since: 1 when it was added after mark), 0 when not. */
int bs_reg__exists_since(struct bs_store *s, const struct bs_register *r, int64_t id, int64_t mark, int *since);

#endif
