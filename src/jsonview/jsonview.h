/*
 * jsonview.h - the JSON shapes of catalog entries and the compliance status, shared by the
 * CLI (`controls --format json`, `status --format json`) and the HTTP API (/controls,
 * /status) so both always print the same document.
 */
#ifndef BS_JSONVIEW_JSONVIEW_H
#define BS_JSONVIEW_JSONVIEW_H

#include <jansson.h>

#include "catalog/catalog.h"
#include "compliance/status.h"

/* One catalog entry: id, parent, title, text, applies, how, period. New reference. */
json_t *bs_jsonview_control(const struct bs_control *c);
/* The status document: as_of, org, profile, totals, groups (with their controls) limited
 * to ids under prefix (NULL: all). New reference. */
json_t *bs_jsonview_status(const struct bs_status *st, const char *prefix);

#endif
