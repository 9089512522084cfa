/* api.c - THE route table of /api/v1, and the helpers its handlers (api_*.c) share. Each route
 * names the permission it needs and how it may be reached; bs_http_admit() (admit.c) checks
 * them on the request head, before any body is read and before a handler runs, so handlers
 * never check permissions themselves. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

const char *bs_api_jstr(struct bs_http_ctx *c, const char *key, size_t max, int *bad)
{
	json_t *v = json_object_get(c->json, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

const char *bs_http_query(struct bs_http_ctx *c, const char *key)
{
	return c->conn ? MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key) : NULL;
}

int bs_api_query_int(struct bs_http_ctx *c, const char *key, int lo, int hi, int *out)
{
	const char *v = bs_http_query(c, key);
	char *end;
	long n;

	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return bs_error(BS_EINVALID, "?%s='%.32s': give a whole number from %d to %d", key, v, lo, hi);
	*out = (int)n;
	return 0;
}

/* THE route table: method, path, the permission it needs, how it may be reached. A '*' is one
 * path segment (c->params). Every register shares the register rows: the handlers resolve
 * the register the first '*' names (404 listing the registers when there is none). */
const struct bs_route bs_http_routes[] = {
	{ "POST", "/api/v1/session", BS_PERM_NONE, R_JSON | R_THROTTLE, bs_api_login },
	{ "DELETE", "/api/v1/session", BS_PERM_SELF, R_PRE, bs_api_logout },
	{ "GET", "/api/v1/me", BS_PERM_SELF, R_PRE, bs_api_me },
	{ "POST", "/api/v1/me/password", BS_PERM_SELF, R_PRE | R_JSON | R_THROTTLE, bs_api_password },
	{ "POST", "/api/v1/me/totp", BS_PERM_SELF, R_PRE | R_JSON | R_THROTTLE, bs_api_totp_enroll },
	{ "GET", "/api/v1/me/training", BS_PERM_TRAINING_SELF, 0, bs_api_me_training },
	{ "POST", "/api/v1/me/totp/confirm", BS_PERM_SELF, R_PRE | R_JSON | R_THROTTLE, bs_api_totp_confirm },
	{ "POST", "/api/v1/password-reset", BS_PERM_NONE, R_JSON | R_THROTTLE, bs_api_reset },
	{ "GET", "/api/v1/users", BS_PERM_USERS_READ, 0, bs_api_users },
	{ "POST", "/api/v1/users", BS_PERM_USERS_WRITE, R_JSON, bs_api_user_create },
	{ "GET", "/api/v1/users/*", BS_PERM_USERS_READ, 0, bs_api_user_get },
	{ "PATCH", "/api/v1/users/*", BS_PERM_USERS_WRITE, R_JSON, bs_api_user_patch },
	{ "DELETE", "/api/v1/users/*", BS_PERM_USERS_WRITE, 0, bs_api_user_delete },
	{ "POST", "/api/v1/users/*/reset", BS_PERM_USERS_RESET, 0, bs_api_user_reset },
	{ "POST", "/api/v1/users/*/unlock", BS_PERM_USERS_RESET, 0, bs_api_user_unlock },
	{ "GET", "/api/v1/policy", BS_PERM_POLICY_READ, 0, bs_api_policy },
	{ "PATCH", "/api/v1/policy", BS_PERM_POLICY_WRITE, R_JSON, bs_api_policy_patch },
	/* API tokens (api_tokens.c): every account its own; whose others' it sees and revokes is
	 * the auth module's rule (tokens.manage and who may act on whom, docs/roles.md) */
	{ "GET", "/api/v1/tokens", BS_PERM_SELF, 0, bs_api_tokens },
	{ "POST", "/api/v1/tokens", BS_PERM_SELF, R_JSON, bs_api_token_create },
	{ "DELETE", "/api/v1/tokens/*", BS_PERM_SELF, 0, bs_api_token_revoke },
	{ "GET", "/api/v1/controls", BS_PERM_CONTROLS_READ, R_TOKEN, bs_api_controls },
	{ "GET", "/api/v1/controls/*", BS_PERM_CONTROLS_READ, R_TOKEN, bs_api_control },
	{ "GET", "/api/v1/status", BS_PERM_STATUS_READ, R_TOKEN, bs_api_status },
	{ "GET", "/api/v1/evidence", BS_PERM_EVIDENCE_READ, R_TOKEN, bs_api_evidence_list },
	{ "GET", "/api/v1/evidence/*", BS_PERM_EVIDENCE_READ, R_TOKEN, bs_api_evidence_get },
	{ "GET", "/api/v1/evidence/*/file", BS_PERM_EVIDENCE_READ, R_TOKEN, bs_api_evidence_file },
	{ "POST", "/api/v1/evidence", BS_PERM_EVIDENCE_WRITE, R_JSON | R_BIG, bs_api_evidence_add },
	{ "POST", "/api/v1/evidence/*/review", BS_PERM_EVIDENCE_REVIEW, R_JSON, bs_api_evidence_review },
	{ "POST", "/api/v1/events", BS_PERM_EVENTS_APPEND, R_TOKEN | R_TOKEN_ONLY | R_BIG, bs_api_events_append },
	{ "GET", "/api/v1/events", BS_PERM_EVENTS_READ, 0, bs_api_events_read },
	{ "GET", "/api/v1/events/status", BS_PERM_EVENTS_READ, R_TOKEN, bs_api_events_status },
	{ "POST", "/api/v1/events/verify", BS_PERM_EVENTS_READ, 0, bs_api_events_verify },
	{ "GET", "/api/v1/events/bundle", BS_PERM_EVENTS_READ, 0, bs_api_events_bundle },
	/* as the witness of other brokersecs' event logs (api_witness.c, issue 20): their serve
	 * --witness posts heads with a witness.write token; an auditor's token reads them back */
	{ "POST", "/api/v1/witness", BS_PERM_WITNESS_WRITE, R_JSON | R_TOKEN | R_TOKEN_ONLY, bs_api_witness_post },
	{ "GET", "/api/v1/witness", BS_PERM_EVENTS_READ, R_TOKEN, bs_api_witness_get },
	{ "GET", "/api/v1/registers", BS_PERM_REGISTERS_READ, 0, bs_api_registers },
	{ "GET", "/api/v1/registers/*", BS_PERM_REGISTERS_READ, 0, bs_api_reg_list },
	{ "POST", "/api/v1/registers/*", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_reg_add },
	{ "GET", "/api/v1/registers/*/csv", BS_PERM_REGISTERS_READ, 0, bs_api_reg_export_csv },
	{ "POST", "/api/v1/registers/*/csv", BS_PERM_REGISTERS_WRITE, R_CSV | R_BIG, bs_api_reg_import_csv },
	{ "GET", "/api/v1/registers/*/*", BS_PERM_REGISTERS_READ, 0, bs_api_reg_get },
	{ "PATCH", "/api/v1/registers/*/*", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_reg_update },
	{ "GET", "/api/v1/registers/*/*/history", BS_PERM_REGISTERS_READ, 0, bs_api_reg_history },
	{ "POST", "/api/v1/registers/*/*/archive", BS_PERM_REGISTERS_WRITE, 0, bs_api_reg_archive },
	{ "GET", "/api/v1/fim", BS_PERM_STATUS_READ, R_TOKEN, bs_api_fim },
	{ "GET", "/api/v1/due", BS_PERM_REGISTERS_READ, R_TOKEN, bs_api_due },
	{ "GET", "/api/v1/due.ics", BS_PERM_REGISTERS_READ, R_TOKEN, bs_api_due_ics },
	{ "GET", "/api/v1/due/summary", BS_PERM_REGISTERS_READ, R_TOKEN, bs_api_due_summary },
	{ "GET", "/api/v1/due/list", BS_PERM_REGISTERS_READ, R_TOKEN, bs_api_due_list },
	{ "GET", "/api/v1/vulns", BS_PERM_STATUS_READ, R_TOKEN, bs_api_vulns },
	{ "GET", "/api/v1/assessments", BS_PERM_REGISTERS_READ, 0, bs_api_assess_list },
	{ "POST", "/api/v1/assessments", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_plan },
	{ "POST", "/api/v1/assessments/record", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_record },
	{ "GET", "/api/v1/assessments/*", BS_PERM_REGISTERS_READ, 0, bs_api_assess_get },
	{ "POST", "/api/v1/assessments/*/scope", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_scope },
	{ "POST", "/api/v1/assessments/*/sample", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_sample },
	{ "POST", "/api/v1/assessments/*/assessors", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_assessor },
	{ "POST", "/api/v1/assessments/*/run", BS_PERM_REGISTERS_WRITE, 0, bs_api_assess_run },
	{ "POST", "/api/v1/assessments/*/results", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_results },
	{ "POST", "/api/v1/assessments/*/findings", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_finding },
	{ "POST", "/api/v1/assessments/*/complete", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_complete },
	{ "POST", "/api/v1/assessments/*/close", BS_PERM_REGISTERS_WRITE, 0, bs_api_assess_close },
	/* the assessment's results a page at a time, and its reports (api_reports.c): issued as
	 * `brokersec report assessment` issues them (registers.write), read like the assessment */
	{ "GET", "/api/v1/assessments/*/results", BS_PERM_REGISTERS_READ, 0, bs_api_assess_results_list },
	{ "GET", "/api/v1/assessments/*/reports", BS_PERM_REGISTERS_READ, 0, bs_api_assess_reports },
	{ "POST", "/api/v1/assessments/*/reports", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_report_issue },
	{ "GET", "/api/v1/reports/*", BS_PERM_REGISTERS_READ, 0, bs_api_report_get },
	{ "GET", "/api/v1/assessment-findings/open", BS_PERM_REGISTERS_READ, R_TOKEN, bs_api_findings_open },
	{ "POST", "/api/v1/assessment-findings/*/followups", BS_PERM_REGISTERS_WRITE, R_JSON, bs_api_assess_followup },
	{ "POST", "/api/v1/assessment-findings/*/review", BS_PERM_ASSESS_FOLLOWUP, R_JSON, bs_api_assess_review },
	{ "POST", "/api/v1/assessment-findings/*/close", BS_PERM_ASSESS_FOLLOWUP, 0, bs_api_assess_finding_close },
	/* saved scans and waivers (api_scans.c): read as `brokersec scan` reads, waive as it writes */
	{ "GET", "/api/v1/scans", BS_PERM_STATUS_READ, 0, bs_api_scans },
	/* a PC's Windows export bundle (the collector, docs/windows-export.md): scanned and saved as
	 * `scan --windows-export --save` saves it; an API token with scans.upload only */
	{ "POST", "/api/v1/scans", BS_PERM_SCANS_UPLOAD, R_TOKEN | R_TOKEN_ONLY | R_ZIP, bs_api_scan_upload },
	{ "GET", "/api/v1/scans/latest", BS_PERM_STATUS_READ, 0, bs_api_scans_latest },
	{ "GET", "/api/v1/scans/*", BS_PERM_STATUS_READ, 0, bs_api_scan_get },
	{ "GET", "/api/v1/scan-waivers", BS_PERM_STATUS_READ, 0, bs_api_scan_waivers },
	{ "POST", "/api/v1/scan-waivers", BS_PERM_EVIDENCE_WRITE, R_JSON, bs_api_scan_waiver_add },
	{ "GET", "/api/v1/openapi.yaml", BS_PERM_NONE, 0, bs_api_openapi },
	/* the web UI (web.c): public files only; every page reads its data through the rows above */
	{ "GET", "/", BS_PERM_NONE, 0, bs_web_index },
	{ "GET", "/assets/*/*", BS_PERM_NONE, 0, bs_web_asset },
};
const size_t bs_http_nroutes = sizeof(bs_http_routes) / sizeof(bs_http_routes[0]);
