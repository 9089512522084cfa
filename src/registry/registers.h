/* registers.h - private to src/registry: the register descriptors, one per reg_*.c file. */
#ifndef BS_REGISTRY_REGISTERS_H
#define BS_REGISTRY_REGISTERS_H

#include "registry/registry.h"

extern const struct bs_register bs_reg_asset;
extern const struct bs_register bs_reg_system;
extern const struct bs_register bs_reg_device;
extern const struct bs_register bs_reg_person;
extern const struct bs_register bs_reg_training;
extern const struct bs_register bs_reg_job_change;
extern const struct bs_register bs_reg_vendor;
extern const struct bs_register bs_reg_app;
extern const struct bs_register bs_reg_policy_doc;
extern const struct bs_register bs_reg_incident;
extern const struct bs_register bs_reg_disposal;
extern const struct bs_register bs_reg_drill;
extern const struct bs_register bs_reg_plan;
extern const struct bs_register bs_reg_assessment;
extern const struct bs_register bs_reg_backup;
extern const struct bs_register bs_reg_account_review;

/* Helpers for check() functions. */
int bs_reg_has(const json_t *rec, const char *field);
const char *bs_reg_str(const json_t *rec, const char *field);
int64_t bs_reg_int(const json_t *rec, const char *field, int64_t dflt);

#endif
