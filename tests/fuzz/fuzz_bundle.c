/*
 * fuzz_bundle.c - libFuzzer harness for the reader of event-log export bundles: what
 * `brokersec log verify --bundle FILE --key KEY [--head H] [--from --to]` runs
 * (bs_eventlog_verify and bs_eventlog_verify_range over src/eventlog/verify.c and read.c's
 * time index) on a bundle an outsider may have handed over.
 *
 * A bundle is a SQLite file, and random bytes make SQLite say "not a database" and nothing
 * more; so LLVMFuzzerInitialize makes a real log (bs_datadir_init_keyed, ~40 events over four
 * checkpoints and three sealing epochs) and exports two real bundles of it (the whole log; a
 * middle stretch, anchored at a later checkpoint), and the input is a script of edits to one
 * of them:
 *
 *   byte 0      bit 0: which bundle; bit 1: verify with the verification key; bit 2: verify
 *               a time range; bit 3: with the head written down (--head)
 *   then ops    [op] [table] [row] [column] [kind] [len] [len bytes]
 *     op % 4 == 0  set the cell (table % tables, row % rows, column % columns) per kind:
 *                  0 NULL, 1 integer from the bytes, 2 text, 3 blob, 4 the integer plus a
 *                  signed byte, 5 the cell of another row (bytes[0]), 6 one byte of the
 *                  cell's blob xored (bytes[0] position, bytes[1] mask), 7 cut to bytes[0]
 *             1    delete the row
 *             2    copy the row to a new row (its first column made max + 1 + bytes[0])
 *             3    patch the file itself after the edits: at offset (row << 8 | column)
 *                  * file size / 65536, the bytes
 *
 * Invariants: every run returns 0 or an error with a message, and a result names its
 * problem; the unedited bundles verify; and an edit of what the log signs and chains - a
 * cell of an event or a checkpoint, the log id or epoch parameters - is detected when the
 * whole bundle is verified with the key and the head (a tamper that verifies is a finding).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"

#include "fuzz_common.h"

#define T0 INT64_C(1751245200000000) /* 2025-06-30T01:00:00Z */
#define MIN_US INT64_C(60000000)

struct bundle {
	struct bs_buf bytes;
	char head[160];
};

static struct bundle bundles[2];
static char vkey[BS_EVENTLOG_VKEY_MAX];
static char dir[600], file[700];
static int verbose;

static void fail_setup(const char *what)
{
	fprintf(stderr, "fuzz_bundle setup: %s: %s\n", what, bs_error_message());
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bs_eventlog *log;
	char path[700];
	(void)argc;
	(void)argv;

	verbose = getenv("FUZZ_BUNDLE_VERBOSE") != NULL;
	snprintf(dir, sizeof(dir), "%s", fuzz_tmpdir("bundle"));
	snprintf(path, sizeof(path), "%s/data", dir);
	snprintf(file, sizeof(file), "%s/bundle.db", dir);
	bs_clock_set(T0);
	if (bs_datadir_init_keyed(path, "模糊測試", 1, "fuzz", vkey, sizeof(vkey)) < 0)
		fail_setup("init");
	if (bs_eventlog_open(&log, path) < 0)
		fail_setup("open");
	/* 40 minutes of events: a checkpoint every 10 minutes, epochs of 15 */
	for (int i = 0; i < 40; i++) {
		char msg[64], data[64];
		struct bs_event ev;
		bs_clock_set(T0 + (i + 1) * MIN_US);
		snprintf(msg, sizeof(msg), "事件 %d: user %s signed in", i, i % 2 ? "alice" : "bob");
		snprintf(data, sizeof(data), "{\"n\":%d,\"ok\":%s}", i, i % 3 ? "true" : "false");
		memset(&ev, 0, sizeof(ev));
		ev.type = i % 5 ? "app.login" : "register.system.add";
		ev.severity = i % 8;
		ev.host = "pc-7";
		ev.source = "192.0.2.7:514";
		ev.system = i % 4 ? NULL : "1";
		ev.user = i % 2 ? "alice" : "bob";
		ev.outcome = i % 3 ? "success" : "failure";
		ev.message = msg;
		ev.data = i % 6 ? data : NULL;
		if (bs_eventlog_append(log, &ev, 1) < 0)
			fail_setup("append");
		if (i % 10 == 9 && bs_eventlog_checkpoint(log) < 0)
			fail_setup("checkpoint");
	}
	bs_eventlog_close(log);

	/* the whole log, and the events of minutes 16..24 (widened to checkpoints 2..3) */
	const int64_t range[2][2] = { { 0, INT64_MAX / 2 }, { T0 + 16 * MIN_US, T0 + 24 * MIN_US } };
	for (int b = 0; b < 2; b++) {
		struct bs_verify_result r;
		int64_t n;
		snprintf(file, sizeof(file), "%s/export%d.db", dir, b);
		if (bs_eventlog_export(path, range[b][0], range[b][1], file, &n) < 0)
			fail_setup("export");
		if (bs_buf_read_file(&bundles[b].bytes, file) < 0)
			fail_setup("read the bundle");
		if (bs_eventlog_verify(NULL, file, vkey, NULL, 1, &r) < 0 || !r.ok)
			fail_setup(r.problem);
		snprintf(bundles[b].head, sizeof(bundles[b].head), "%s", r.head);
		unlink(file);
		if (verbose)
			fprintf(stderr, "bundle %d: %lld events, %lld checkpoints, %zu bytes, head %s\n", b,
				(long long)r.events, (long long)r.checkpoints, bundles[b].bytes.len, r.head);
	}
	snprintf(file, sizeof(file), "%s/bundle.db", dir);
	return 0;
}

/* The bundle's tables: name, columns, rows. */
struct table {
	char name[64];
	char cols[16][40];
	int ncols;
};

static int load_tables(sqlite3 *db, struct table *t, int cap)
{
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(t[n].name, sizeof(t[n].name), "%s", (const char *)sqlite3_column_text(st, 0));
		t[n].ncols = 0;
		n++;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s')", t[i].name);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			continue;
		while (t[i].ncols < 16 && sqlite3_step(st) == SQLITE_ROW)
			snprintf(t[i].cols[t[i].ncols++], sizeof(t[i].cols[0]), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return n;
}

/* The rowid of row k (modulo the table's rows), or 0 when it has none. */
static int64_t row_id(sqlite3 *db, const struct table *t, unsigned k)
{
	char sql[160];
	sqlite3_stmt *st;
	int64_t n = 0, id = 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t->name);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n <= 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT rowid FROM \"%s\" ORDER BY rowid LIMIT 1 OFFSET ?1", t->name);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)(k % (uint64_t)n));
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return id;
}

/* Runs sql with ?1 = value (may be NULL: SQL NULL) and ?2 = id. 1 when it changed a row. */
static int exec_bound(sqlite3 *db, const char *sql, sqlite3_value *value, int64_t id)
{
	sqlite3_stmt *st;
	int changed = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (value)
		sqlite3_bind_value(st, 1, value);
	sqlite3_bind_int64(st, 2, id);
	changed = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) > 0;
	sqlite3_finalize(st);
	return changed;
}

static int64_t le_int(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (int64_t)v;
}

/* Sets one cell of row id per kind (see the top). */
static void set_cell(sqlite3 *db, const struct table *t, const char *col, int64_t id, unsigned kind, const uint8_t *p,
		     size_t n)
{
	char get[200], set[200];
	sqlite3_stmt *st, *mk = NULL;
	sqlite3_value *old = NULL, *nv = NULL;

	snprintf(get, sizeof(get), "SELECT \"%s\" FROM \"%s\" WHERE rowid = ?1", col, t->name);
	snprintf(set, sizeof(set), "UPDATE \"%s\" SET \"%s\" = ?1 WHERE rowid = ?2", t->name, col);
	if (sqlite3_prepare_v2(db, get, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = sqlite3_value_dup(sqlite3_column_value(st, 0));
	sqlite3_finalize(st);
	if (!old)
		return;
	switch (kind % 8) {
	case 0: sqlite3_prepare_v2(db, "SELECT NULL", -1, &mk, NULL); break;
	case 1:
		sqlite3_prepare_v2(db, "SELECT ?1", -1, &mk, NULL);
		sqlite3_bind_int64(mk, 1, le_int(p, n));
		break;
	case 2:
		sqlite3_prepare_v2(db, "SELECT ?1", -1, &mk, NULL);
		sqlite3_bind_text(mk, 1, n ? (const char *)p : "", (int)n, SQLITE_TRANSIENT);
		break;
	case 3:
		sqlite3_prepare_v2(db, "SELECT ?1", -1, &mk, NULL);
		sqlite3_bind_blob(mk, 1, n ? (const void *)p : "", (int)n, SQLITE_TRANSIENT);
		break;
	case 4:
		sqlite3_prepare_v2(db, "SELECT ?1 + ?2", -1, &mk, NULL);
		sqlite3_bind_value(mk, 1, old);
		sqlite3_bind_int(mk, 2, n ? (int8_t)p[0] : 1);
		break;
	case 5:
		sqlite3_prepare_v2(db, get, -1, &mk, NULL);
		sqlite3_bind_int64(mk, 1, row_id(db, t, n ? p[0] : 1));
		break;
	case 6: {
		int len = sqlite3_value_bytes(old);
		const unsigned char *v = sqlite3_value_blob(old);
		if (len <= 0 || !v)
			break;
		unsigned char *c = malloc((size_t)len);
		memcpy(c, v, (size_t)len);
		c[(n ? p[0] : 0) % len] ^= n > 1 && p[1] ? p[1] : 1;
		sqlite3_prepare_v2(db, sqlite3_value_type(old) == SQLITE_TEXT ? "SELECT CAST(?1 AS TEXT)" : "SELECT ?1", -1,
				   &mk, NULL);
		sqlite3_bind_blob(mk, 1, c, len, SQLITE_TRANSIENT);
		free(c);
		break;
	}
	default:
		sqlite3_prepare_v2(db, sqlite3_value_type(old) == SQLITE_BLOB ? "SELECT substr(?1, 1, ?2)"
									      : "SELECT CAST(substr(CAST(?1 AS BLOB), 1, ?2) AS TEXT)",
				   -1, &mk, NULL);
		sqlite3_bind_value(mk, 1, old);
		sqlite3_bind_int(mk, 2, n ? p[0] : 0);
		break;
	}
	if (mk && sqlite3_step(mk) == SQLITE_ROW)
		nv = sqlite3_value_dup(sqlite3_column_value(mk, 0));
	sqlite3_finalize(mk);
	if (nv)
		exec_bound(db, set, nv, id);
	sqlite3_value_free(nv);
	sqlite3_value_free(old);
}

/* What the log signs, chains and binds to the key, as the verifier and the readers read it
 * (integers with sqlite3_column_int64 - NULL is 0 - or _int, the rest as bytes or NULL): rows of the edited bundle (main) that the original
 * (orig) lacks, and the other way round. Checkpoint frontiers are left out: only the first
 * one is used, and it is checked against its signed root. */
static const char tamper_sql[] =
	"WITH "
	"ev AS (SELECT coalesce(CAST(seq AS INTEGER), 0), coalesce(CAST(time_us AS INTEGER), 0), "
	"CAST(type AS BLOB), type IS NULL, (coalesce(CAST(severity AS INTEGER), 0) & 4294967295), "
	"CAST(host AS BLOB), host IS NULL, CAST(source AS BLOB), source IS NULL, CAST(system AS BLOB), "
	"system IS NULL, CAST(user AS BLOB), user IS NULL, CAST(outcome AS BLOB), outcome IS NULL, "
	"CAST(message AS BLOB), message IS NULL, CAST(data AS BLOB), data IS NULL, CAST(hash AS BLOB), "
	"hash IS NULL FROM main.events), ov AS (SELECT coalesce(CAST(seq AS INTEGER), 0), "
	"coalesce(CAST(time_us AS INTEGER), 0), CAST(type AS BLOB), type IS NULL, "
	"(coalesce(CAST(severity AS INTEGER), 0) & 4294967295), CAST(host AS BLOB), host IS NULL, "
	"CAST(source AS BLOB), source IS NULL, CAST(system AS BLOB), system IS NULL, CAST(user AS BLOB), "
	"user IS NULL, CAST(outcome AS BLOB), outcome IS NULL, CAST(message AS BLOB), message IS NULL, "
	"CAST(data AS BLOB), data IS NULL, CAST(hash AS BLOB), hash IS NULL FROM orig.events), "
	"ec AS (SELECT coalesce(CAST(idx AS INTEGER), 0), coalesce(CAST(tree_size AS INTEGER), 0), "
	"coalesce(CAST(time_us AS INTEGER), 0), coalesce(CAST(epoch AS INTEGER), 0), CAST(root AS BLOB), "
	"root IS NULL, CAST(chain_head AS BLOB), chain_head IS NULL, "
	"(coalesce(CAST(clock_sync AS INTEGER), 0) & 255), (coalesce(CAST(clock_state AS INTEGER), "
	"0) & 4294967295), coalesce(CAST(clock_maxerror_us AS INTEGER), 0), "
	"coalesce(CAST(clock_esterror_us AS INTEGER), 0), CAST(sig AS BLOB), sig IS NULL, "
	"CAST(seal AS BLOB), seal IS NULL FROM main.checkpoints), "
	"oc AS (SELECT coalesce(CAST(idx AS INTEGER), 0), coalesce(CAST(tree_size AS INTEGER), 0), "
	"coalesce(CAST(time_us AS INTEGER), 0), coalesce(CAST(epoch AS INTEGER), 0), CAST(root AS BLOB), "
	"root IS NULL, CAST(chain_head AS BLOB), chain_head IS NULL, "
	"(coalesce(CAST(clock_sync AS INTEGER), 0) & 255), (coalesce(CAST(clock_state AS INTEGER), "
	"0) & 4294967295), coalesce(CAST(clock_maxerror_us AS INTEGER), 0), "
	"coalesce(CAST(clock_esterror_us AS INTEGER), 0), CAST(sig AS BLOB), sig IS NULL, "
	"CAST(seal AS BLOB), seal IS NULL FROM orig.checkpoints), em AS (SELECT k, "
	"CASE WHEN k IN ('log_id', 'public_key') THEN CAST(v AS BLOB) ELSE coalesce(CAST(v AS INTEGER), "
	"0) END FROM main.meta WHERE k IN ('log_id', 'public_key', 'epoch_start_us', 'epoch_us')), "
	"om AS (SELECT k, CASE WHEN k IN ('log_id', "
	"'public_key') THEN CAST(v AS BLOB) ELSE coalesce(CAST(v AS INTEGER), "
	"0) END FROM orig.meta WHERE k IN ('log_id', 'public_key', 'epoch_start_us', 'epoch_us')) "
	"SELECT (SELECT count(*) FROM (SELECT * FROM ev EXCEPT SELECT * FROM ov)) +"
	" (SELECT count(*) FROM (SELECT * FROM ov EXCEPT SELECT * FROM ev)) +"
	" (SELECT count(*) FROM (SELECT * FROM ec EXCEPT SELECT * FROM oc)) +"
	" (SELECT count(*) FROM (SELECT * FROM oc EXCEPT SELECT * FROM ec)) +"
	" (SELECT count(*) FROM (SELECT * FROM em EXCEPT SELECT * FROM om)) +"
	" (SELECT count(*) FROM (SELECT * FROM om EXCEPT SELECT * FROM em))";

/* 1 when the bundle written to file differs from b in what the log protects, 0 when not, -1
 * when that cannot be told (the edited file does not read). */
static int tampered(const struct bundle *b)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int r = -1;
	unsigned char *img = sqlite3_malloc64(b->bytes.len);

	memcpy(img, b->bytes.ptr, b->bytes.len);
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "ATTACH ':memory:' AS orig", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_deserialize(db, "orig", img, (sqlite3_int64)b->bytes.len, (sqlite3_int64)b->bytes.len,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
		img = NULL;
		goto done;
	}
	if (sqlite3_prepare_v2(db, tamper_sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int64(st, 0) > 0;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table tabs[16];
	struct bs_verify_result r;
	sqlite3 *db = NULL;
	size_t i = 1;
	int ntab, deleted = 0, npatch = 0;
	struct {
		size_t off, len;
		const uint8_t *p;
	} patch[16];

	if (size < 1)
		return 0;
	const struct bundle *b = &bundles[data[0] & 1];
	int with_key = data[0] & 2, ranged = data[0] & 4, with_head = data[0] & 8;

	/* the bundle in memory, edited with SQL */
	unsigned char *img = sqlite3_malloc64(b->bytes.len);
	memcpy(img, b->bytes.ptr, b->bytes.len);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_deserialize(db, "main", img, (sqlite3_int64)b->bytes.len, (sqlite3_int64)b->bytes.len,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
		abort();
	ntab = load_tables(db, tabs, 16);
	while (ntab > 0 && i + 6 <= size) {
		unsigned op = data[i], tn = data[i + 1], row = data[i + 2], col = data[i + 3], kind = data[i + 4];
		size_t len = data[i + 5];
		const uint8_t *p = data + i + 6;
		if (len > size - i - 6)
			len = size - i - 6;
		i += 6 + len;
		const struct table *t = &tabs[tn % (unsigned)ntab];
		if (op % 4 == 3) {
			if (npatch < 16) {
				patch[npatch].off = (((size_t)row << 8) | col) * b->bytes.len / 65536;
				patch[npatch].len = len;
				patch[npatch].p = p;
				npatch++;
			}
			continue;
		}
		int64_t id = row_id(db, t, row);
		if (!id || !t->ncols)
			continue;
		char sql[300];
		if (op % 4 == 0) {
			set_cell(db, t, t->cols[col % (unsigned)t->ncols], id, kind, p, len);
		} else if (op % 4 == 1) {
			snprintf(sql, sizeof(sql), "DELETE FROM \"%s\" WHERE rowid = ?2", t->name);
			deleted |= exec_bound(db, sql, NULL, id);
		} else {
			/* a copy of the row under the next free key */
			sqlite3_stmt *st = NULL;
			snprintf(sql, sizeof(sql), "CREATE TEMP TABLE cp AS SELECT * FROM \"%s\" WHERE rowid = ?2", t->name);
			exec_bound(db, sql, NULL, id);
			snprintf(sql, sizeof(sql), "UPDATE temp.cp SET \"%s\" = (SELECT max(\"%s\") FROM main.\"%s\") + 1 + ?1",
				 t->cols[0], t->cols[0], t->name);
			if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_int(st, 1, len ? p[0] : 0);
				sqlite3_step(st);
			}
			sqlite3_finalize(st);
			snprintf(sql, sizeof(sql), "INSERT INTO main.\"%s\" SELECT * FROM temp.cp", t->name);
			exec_bound(db, sql, NULL, 0);
			sqlite3_exec(db, "DROP TABLE IF EXISTS temp.cp", NULL, NULL, NULL);
		}
	}
	sqlite3_int64 outlen = 0;
	unsigned char *out = sqlite3_serialize(db, "main", &outlen, 0);
	sqlite3_close(db);
	fuzz_check(out != NULL);
	for (int k = 0; k < npatch; k++) {
		if (patch[k].off >= (size_t)outlen)
			continue;
		size_t n = patch[k].len;
		if (n > (size_t)outlen - patch[k].off)
			n = (size_t)outlen - patch[k].off;
		memcpy(out + patch[k].off, patch[k].p, n);
	}
	int same = (size_t)outlen == b->bytes.len && !memcmp(out, b->bytes.ptr, b->bytes.len);
	fuzz_write(file, out, (size_t)outlen);
	sqlite3_free(out);

	/* verify it, as `log verify --bundle` */
	int err;
	bs_error_clear();
	if (ranged)
		err = bs_eventlog_verify_range(NULL, file, with_key ? vkey : NULL, 1, T0 + 12 * MIN_US, T0 + 22 * MIN_US, &r);
	else
		err = bs_eventlog_verify(NULL, file, with_key ? vkey : NULL, with_head ? b->head : NULL, 1, &r);
	if (verbose)
		fprintf(stderr, "bundle %d key %d ranged %d head %d same %d: err %d ok %d events %lld: %s%s\n", data[0] & 1,
			!!with_key, !!ranged, !!with_head, same, err, r.ok, (long long)r.events, r.problem,
			err < 0 ? bs_error_message() : "");
	if (err < 0) {
		fuzz_check(*bs_error_message());
	} else {
		fuzz_check(r.ok == 0 || r.ok == 1);
		fuzz_check(r.ok || r.problem[0]);
		if (same)
			fuzz_check(r.ok);
		/* a whole bundle, verified with the key and the head: an edit of what is signed or
		 * chained is found (rows cut off the front make a shorter bundle that is valid) */
		if (r.ok && with_key && with_head && !ranged && !deleted && tampered(b) == 1) {
			fprintf(stderr, "an edited bundle verifies: %s\n", r.head);
			fuzz_check(!"an edit of the signed content was not detected");
		}
	}
	unlink(file);
	bs_error_clear();
	return 0;
}
