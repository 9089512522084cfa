/*
 * jsonview.h - the JSON shapes of catalog entries, the compliance status, log events,
 * accounts and evidence, shared by the CLI (`controls`, `status`, `log tail|search`,
 * `user show|list|review`, `evidence add|list`, with --format json) and the HTTP API
 * (/controls, /status, /events, /users, /evidence) so both always print the same document:
 * one view per record kind.
 */
#ifndef BS_JSONVIEW_JSONVIEW_H
#define BS_JSONVIEW_JSONVIEW_H

#include <jansson.h>

#include "auth/auth.h"
#include "catalog/catalog.h"
#include "compliance/status.h"
#include "eventlog/eventlog.h"
#include "evidence/evidence.h"

/* One catalog entry: id, parent, title, text, applies, how, period. New reference. */
json_t *bs_jsonview_control(const struct bs_control *c);
/* The status document: as_of, org, profile, totals, groups (with their controls) limited
 * to ids under prefix (NULL: all). New reference. */
json_t *bs_jsonview_status(const struct bs_status *st, const char *prefix);
/* One event as readers see it: bs_event_json with a syslog event's parsed fields restored
 * from its stored receipt (bs_syslog_event_view). New reference. */
json_t *bs_jsonview_event(const struct bs_event *ev);
/* One account: username, full_name, role, kind, state, disabled_reason (only when it has
 * one), expires, last_login, password_changed, must_change_password, locked (now), totp,
 * totp_cli_only, created, created_by, networks, hours, max_sessions. Times are UTC to the
 * second ("2025-03-31T06:05:00Z"), null when unset. No secret is in it. New reference. */
json_t *bs_jsonview_account(const struct bs_account *a);
/* One evidence record: id, control_id, sha256, size, name, note, created_at, created_by,
 * record ({register, id} or null), state, reviewed_by, reviewed_at, review_comment.
 * New reference. */
json_t *bs_jsonview_evidence(const struct bs_evidence *e);
/* One API token (`user tokens`, GET /tokens): id, owner, owner_role, scopes (array), created,
 * created_by, expires, revoked, state (state: "active", "expired" or "revoked", as the caller
 * judged it now). Never the token nor its hash. New reference. */
json_t *bs_jsonview_token(const struct bs_token_info *t, const char *state);

#endif
