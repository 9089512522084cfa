/*
 * jsonview.h - the JSON shapes of catalog entries, the compliance status and log events,
 * shared by the CLI (`controls`, `status`, `log tail|search --format json`) and the HTTP
 * API (/controls, /status, /events) so both always print the same document.
 */
#ifndef BS_JSONVIEW_JSONVIEW_H
#define BS_JSONVIEW_JSONVIEW_H

#include <jansson.h>

#include "catalog/catalog.h"
#include "compliance/status.h"
#include "eventlog/eventlog.h"

/* One catalog entry: id, parent, title, text, applies, how, period. New reference. */
json_t *bs_jsonview_control(const struct bs_control *c);
/* The status document: as_of, org, profile, totals, groups (with their controls) limited
 * to ids under prefix (NULL: all). New reference. */
json_t *bs_jsonview_status(const struct bs_status *st, const char *prefix);
/* One event as readers see it: bs_event_json with a syslog event's parsed fields restored
 * from its stored receipt (bs_intake_event_view). New reference. */
json_t *bs_jsonview_event(const struct bs_event *ev);

#endif
