/* Issue 12 item 10 on real data directories: the review (submitted -> accepted | rejected, never
 * by the submitter), validity periods of evidence and saved scans, a failing check beating a
 * document (both reasons), and `same_as` links serving both entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compliance/status.h"
#include "core/clock.h"
#include "evidence/evidence.h"

struct fixture {
	char root[64];
	char dir[128];
	char file[160];
	struct bs_datadir *dd;
	const struct bs_catalog *cat;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/bs-stev-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/data", f->root);
	if (bs_datadir_init(f->dir, "測試保險經紀人", 1u << BS_PF_INTERNAL_CONTROL, "tester") < 0 ||
	    bs_datadir_open(&f->dd, f->dir) < 0 || bs_catalog_builtin(&f->cat) < 0) {
		print_error("setup: %s\n", bs_error_message());
		return -1;
	}
	/* the 14-byte file of the issue */
	snprintf(f->file, sizeof(f->file), "%s/av-policy.txt", f->root);
	FILE *fp = fopen(f->file, "w");
	if (!fp)
		return -1;
	fputs("antivirus: on\n", fp);
	fclose(fp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];
	bs_clock_set(0);
	bs_datadir_free(f->dd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void at(const char *when)
{
	int64_t t;
	assert_int_equal(bs_time_parse(when, &t), 0);
	bs_clock_set(t);
}

static int32_t day(const char *s)
{
	int32_t d;
	assert_int_equal(bs_date_parse(s, &d), 0);
	return d;
}

static int64_t add(struct fixture *f, const char *control, const char *who, const char *when)
{
	struct bs_evidence_target t = { control, NULL, 0 };
	struct bs_evidence e;
	at(when);
	assert_int_equal(bs_evidence_add(f->dd, &t, f->file, NULL, who, &e), 0);
	int64_t id = e.id;
	bs_evidence_release(&e);
	return id;
}

static int review(struct fixture *f, int64_t id, int accept, const char *comment, const char *who, const char *when)
{
	struct bs_evidence e;
	at(when);
	int err = bs_evidence_review(f->dd, id, accept, comment, who, &e);
	bs_evidence_release(&e);
	return err;
}

/* The state and reasons of one control as of a day; reason_en copied into en. */
static enum bs_state state_of(struct fixture *f, const char *id, const char *as_of, char *en, size_t ensz)
{
	struct bs_status st;
	enum bs_state s = BS_STATE_COUNT;
	assert_int_equal(bs_status_compute(f->dd, f->cat, day(as_of), &st), 0);
	for (size_t i = 0; i < st.nitems; i++)
		if (!strcmp(st.items[i].control->id, id)) {
			s = st.items[i].state;
			if (en)
				snprintf(en, ensz, "%s", st.items[i].reason_en);
		}
	bs_status_release(&st);
	if (s == BS_STATE_COUNT)
		fail_msg("no status item %s", id);
	return s;
}

/* A saved scan of host with one check on control, as `scan --save` stores it. */
static void saved_scan(struct fixture *f, const char *host, const char *control, const char *check, const char *status,
		       const char *when)
{
	sqlite3 *db = bs_store_sqlite(f->dd->store);
	sqlite3_stmt *st;
	int64_t us;
	assert_int_equal(bs_time_parse(when, &us), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO scan (system_id, host, platform, root, created_at, created_us, "
			 "created_by, passed, failed, not_applicable, errors, waived, result_json) VALUES ('SYS-1', ?1, "
			 "'linux', '/', ?2, ?3, 'tester', 0, 0, 0, 0, 0, '{}')", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, us);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	int64_t scan = sqlite3_last_insert_rowid(db);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO scan_result (scan_id, check_id, control_id, status, severity) "
			 "VALUES (?1, ?2, ?3, ?4, 'high')", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, scan);
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, control, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_review_rules(void **state)
{
	struct fixture *f = *state;
	struct bs_evidence e;
	char en[1024];
	int64_t id = add(f, "SR.16", "ivan", "2026-03-01T01:00:00Z");

	/* submitted: counts for nothing, and says who must act */
	assert_int_equal(state_of(f, "SR.16", "2026-03-05", en, sizeof(en)), BS_STATE_UNKNOWN);
	assert_non_null(strstr(en, "evidence awaiting review"));
	assert_non_null(strstr(en, "brokersec evidence review 1 --accept|--reject"));
	/* nobody reviews their own submission; a review needs a comment; ids must exist */
	assert_int_equal(review(f, id, 1, "looks fine", "ivan", "2026-03-02T01:00:00Z"), BS_EDENIED);
	assert_non_null(strstr(bs_error_message(), "'ivan' submitted evidence 1 and cannot review it"));
	assert_int_equal(review(f, id, 1, "", "sol", "2026-03-02T01:00:00Z"), BS_EINVALID);
	assert_int_equal(review(f, 99, 1, "ok", "sol", "2026-03-02T01:00:00Z"), BS_ENOTFOUND);
	assert_int_equal(bs_evidence_get(f->dd->store, id, &e), 0);
	assert_int_equal(e.state, BS_EVIDENCE_SUBMITTED);
	assert_null(e.reviewed_by);
	bs_evidence_release(&e);
	/* rejected: still nothing, and the reason carries the reviewer's comment */
	assert_int_equal(review(f, id, 0, "只有一行設定，無防毒主控台報表", "sol", "2026-03-02T01:00:00Z"), 0);
	assert_int_equal(state_of(f, "SR.16", "2026-03-05", en, sizeof(en)), BS_STATE_UNKNOWN);
	assert_non_null(strstr(en, "rejected by sol: 只有一行設定，無防毒主控台報表"));
	/* a review is final */
	assert_int_equal(review(f, id, 1, "changed my mind", "aud", "2026-03-03T01:00:00Z"), BS_ECONFLICT);
	assert_int_equal(bs_evidence_get(f->dd->store, id, &e), 0);
	assert_int_equal(e.state, BS_EVIDENCE_REJECTED);
	assert_string_equal(e.reviewed_by, "sol");
	assert_string_equal(e.review_comment, "只有一行設定，無防毒主控台報表");
	bs_evidence_release(&e);

	/* a new file, accepted: met from the day of the review on, not before */
	int64_t id2 = add(f, "SR.16", "ivan", "2026-03-10T01:00:00Z");
	assert_int_equal(review(f, id2, 1, "防毒主控台 3 月報表，全部端點已更新", "aud", "2026-03-20T01:00:00Z"), 0);
	assert_int_equal(state_of(f, "SR.16", "2026-03-19", NULL, 0), BS_STATE_UNKNOWN);
	assert_int_equal(state_of(f, "SR.16", "2026-03-20", en, sizeof(en)), BS_STATE_MET);
	assert_non_null(strstr(en, "accepted by aud; next due 2027-03-10"));
}

/* The case: a small file made SR.16 met while the saved scan had failed antivirus and
 * firewall. A failing check beats a document, and both reasons are shown. */
static void test_failing_scan_beats_evidence(void **state)
{
	struct fixture *f = *state;
	char en[2048];
	int64_t id = add(f, "SR.16", "ivan", "2026-03-01T01:00:00Z");

	assert_int_equal(review(f, id, 1, "policy document", "sol", "2026-03-01T02:00:00Z"), 0);
	assert_int_equal(state_of(f, "SR.16", "2026-04-01", NULL, 0), BS_STATE_MET);
	saved_scan(f, "web1", "SR.16", "linux.av.installed", "fail", "2026-03-15T01:00:00Z");
	assert_int_equal(state_of(f, "SR.16", "2026-04-01", en, sizeof(en)), BS_STATE_NOT_MET);
	assert_non_null(strstr(en, "host web1 (system SYS-1) scan #1 on 2026-03-15: check linux.av.installed failed"));
	assert_non_null(strstr(en, "evidence 'av-policy.txt' (#1) on 2026-03-01, accepted by sol"));
	assert_true(strstr(en, "check linux.av.installed failed") < strstr(en, "evidence 'av-policy.txt'"));
	/* before the scan, the document alone */
	assert_int_equal(state_of(f, "SR.16", "2026-03-14", NULL, 0), BS_STATE_MET);
	/* the host scanned again and passing: met, by both */
	saved_scan(f, "web1", "SR.16", "linux.av.installed", "pass", "2026-04-10T01:00:00Z");
	assert_int_equal(state_of(f, "SR.16", "2026-04-11", en, sizeof(en)), BS_STATE_MET);
	assert_non_null(strstr(en, "latest scans (1 hosts) pass"));
	assert_non_null(strstr(en, "evidence 'av-policy.txt'"));
}

/* A 2026 scan does not count in 2030: a scan is valid one year (or the control's cycle). */
static void test_scan_and_evidence_expire(void **state)
{
	struct fixture *f = *state;
	char en[2048];

	saved_scan(f, "web1", "SR.16", "linux.av.installed", "pass", "2026-03-15T01:00:00Z");
	assert_int_equal(state_of(f, "SR.16", "2027-03-14", NULL, 0), BS_STATE_MET);
	assert_int_equal(state_of(f, "SR.16", "2030-01-01", en, sizeof(en)), BS_STATE_DUE);
	assert_non_null(strstr(en, "host web1 was last scanned on 2026-03-15 (passed); valid P1Y; due since 2027-03-15"));
	/* a failing scan that old is no current result either: due, scan again */
	saved_scan(f, "db1", "SR.16", "linux.fw.enabled", "fail", "2026-03-16T01:00:00Z");
	assert_int_equal(state_of(f, "SR.16", "2026-06-01", NULL, 0), BS_STATE_NOT_MET);
	assert_int_equal(state_of(f, "SR.16", "2030-01-01", NULL, 0), BS_STATE_DUE);
	/* a current accepted document outweighs a lapsed scan; a lapsed document does not outweigh
	 * a current failing scan */
	int64_t id = add(f, "SR.16", "ivan", "2029-12-01T01:00:00Z");
	assert_int_equal(review(f, id, 1, "2029 年防毒報表", "sol", "2029-12-02T01:00:00Z"), 0);
	assert_int_equal(state_of(f, "SR.16", "2030-01-01", en, sizeof(en)), BS_STATE_MET);
	assert_non_null(strstr(en, "evidence 'av-policy.txt' (#1) on 2029-12-01"));
	assert_non_null(strstr(en, "due since 2027-03-1")); /* the lapsed scan is still named */
	saved_scan(f, "db1", "SR.16", "linux.fw.enabled", "fail", "2030-06-01T01:00:00Z");
	assert_int_equal(state_of(f, "SR.16", "2031-01-01", NULL, 0), BS_STATE_NOT_MET);
}

/* Annex 2 肆、一、(八) and 伍、五、(一) state the same backup duties: one proof serves both. */
static void test_linked_duties_share_proof(void **state)
{
	struct fixture *f = *state;
	char en[1024];
	const struct bs_control *c = bs_catalog_find(f->cat, "A2.4.1.8.1");

	assert_non_null(c);
	assert_int_equal(c->nlinked, 1);
	assert_string_equal(c->linked[0]->id, "A2.5.5.1.1");
	assert_int_equal(bs_catalog_find(f->cat, "A2.5.5.1.1")->nlinked, 1); /* both ways */
	assert_int_equal(bs_catalog_find(f->cat, "A1.4.1.1.3")->nlinked, 1);   /* Table 1 row 02 */

	int64_t id = add(f, "A2.5.5.1.1", "ivan", "2026-05-01T01:00:00Z");
	assert_int_equal(state_of(f, "A2.4.1.8.1", "2026-05-02", en, sizeof(en)), BS_STATE_UNKNOWN);
	assert_non_null(strstr(en, "filed under the same duty A2.5.5.1.1"));
	assert_int_equal(review(f, id, 1, "RPO 4 小時，經董事會核定", "aud", "2026-05-02T01:00:00Z"), 0);
	assert_int_equal(state_of(f, "A2.5.5.1.1", "2026-05-03", NULL, 0), BS_STATE_MET);
	assert_int_equal(state_of(f, "A2.4.1.8.1", "2026-05-03", en, sizeof(en)), BS_STATE_MET);
	assert_non_null(strstr(en, "filed under the same duty A2.5.5.1.1"));
	/* not the neighbour, which is a different duty */
	assert_int_equal(state_of(f, "A2.4.1.8.2", "2026-05-03", NULL, 0), BS_STATE_UNKNOWN);
}

/* SR.16 rolls up from the annex controls implementing it (catalog implemented_by): a partial
 * proof is no proof of the article, every one met is, and one not met makes it not met. */
static void test_article_rolls_up_from_annex(void **state)
{
	struct fixture *f = *state;
	static const char *const impl[] = { "A2.5.2.3", "A2.4.1.3.2", "A2.4.1.5.2", "A2.4.1.5.4", "A3.7.1" };
	char en[4096], check[32], host[32];
	const struct bs_control *sr16 = bs_catalog_find(f->cat, "SR.16");

	assert_int_equal(sr16->nimplemented, 5);
	/* one host each: a host's latest scan is what counts */
	saved_scan(f, "h0", impl[0], "c0", "pass", "2026-03-01T01:00:00Z");
	assert_int_equal(state_of(f, impl[0], "2026-03-02", NULL, 0), BS_STATE_MET);
	assert_int_equal(state_of(f, "SR.16", "2026-03-02", en, sizeof(en)), BS_STATE_UNKNOWN);
	for (size_t i = 1; i < 5; i++) {
		snprintf(check, sizeof(check), "c%zu", i);
		snprintf(host, sizeof(host), "h%zu", i);
		saved_scan(f, host, impl[i], check, "pass", "2026-03-01T01:00:00Z");
	}
	assert_int_equal(state_of(f, "SR.16", "2026-03-02", en, sizeof(en)), BS_STATE_MET);
	assert_non_null(strstr(en, "every annex control implementing this article is met: A2.5.2.3, A2.4.1.3.2"));
	saved_scan(f, "db1", "A2.4.1.5.2", "linux.net.firewall-configured", "fail", "2026-03-05T01:00:00Z");
	assert_int_equal(state_of(f, "SR.16", "2026-03-06", en, sizeof(en)), BS_STATE_NOT_MET);
	assert_non_null(strstr(en, "A2.4.1.5.2, which implements this article, is not met: host db1"));
	assert_null(strstr(en, "every annex control"));
}

/* Evidence attached to a register record needs the record; it proves that record, not a control. */
static void test_record_evidence(void **state)
{
	struct fixture *f = *state;
	struct bs_evidence_target t;
	struct bs_evidence e;
	char reg[64];

	assert_int_equal(bs_evidence_parse_record("person:10", &t, reg, sizeof(reg)), 0);
	assert_string_equal(t.record_register, "person");
	assert_int_equal(t.record_id, 10);
	assert_int_equal(bs_evidence_parse_record("person", &t, reg, sizeof(reg)), BS_EINVALID);
	assert_int_equal(bs_evidence_parse_record("person:x", &t, reg, sizeof(reg)), BS_EINVALID);
	assert_int_equal(bs_evidence_parse_record("person:0", &t, reg, sizeof(reg)), BS_EINVALID);
	assert_int_equal(bs_evidence_parse_record("person:10", &t, reg, sizeof(reg)), 0);
	assert_int_equal(bs_evidence_add(f->dd, &t, f->file, NULL, "ivan", &e), BS_ENOTFOUND);
	assert_non_null(strstr(bs_error_message(), "no person record 10"));
	assert_int_equal(bs_evidence_parse_record("nosuch:1", &t, reg, sizeof(reg)), 0);
	assert_int_equal(bs_evidence_add(f->dd, &t, f->file, NULL, "ivan", &e), BS_ENOTFOUND);
	struct bs_evidence_target both = { "SR.4.2", "person", 1 };
	assert_int_equal(bs_evidence_add(f->dd, &both, f->file, NULL, "ivan", &e), BS_EINVALID);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(bs_store_sqlite(f->dd->store), "SELECT count(*) FROM evidence", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0); /* nothing recorded */
	sqlite3_finalize(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_review_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_scan_beats_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_and_evidence_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linked_duties_share_proof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_article_rolls_up_from_annex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_evidence, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
