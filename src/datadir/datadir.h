/*
 * datadir.h - the data directory: brokersec.db, events.db, keys/, evidence/.
 *
 * Location: --data, else $BROKERSEC_DATA, else ./brokersec-data. The directory is mode
 * 0700; init creates it and refuses an existing one; open refuses a missing one, a database
 * newer than this binary, and (BS_EDENIED, the message says the chmod / chown that fixes it)
 * any of the directory, brokersec.db, events.db (and their -wal, -shm), keys/ and each file in
 * it, tls/, tls/key.pem, evidence/ that is not owned by the effective uid or that group or
 * others may use in any way (mode & 077).
 */
#ifndef BS_DATADIR_DATADIR_H
#define BS_DATADIR_DATADIR_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct bs_eventlog;

struct bs_datadir {
	char *path;
	struct bs_store *store;
	struct bs_eventlog *events; /* opened on first bs_audit(), closed by bs_datadir_free */
	const char *actor;          /* who acts: the OS user, or the signed-in account */
	const char *actor_kind;     /* "account" or "os-user" (the CLI says which); NULL: not said */
	const char *source;         /* from where: "cli" or the client address */
	int test_kdf;               /* a test data directory (see below): weak password hashing */
	int demo;                   /* a demo data directory (see below): generated records only */
};

/* flag if set, else $BROKERSEC_DATA if set and non-empty, else "./brokersec-data". Borrowed. */
const char *bs_datadir_locate(const char *flag);

/* Creates the data directory with its database, keys and organisation profile. On failure
 * whatever was created is removed again. */
int bs_datadir_init(const char *path, const char *org, unsigned profile_mask, const char *who);
/* The same, and also hands back the event log's initial verification key (see
 * eventlog.h) in vkey (cap bytes, at least BS_EVENTLOG_VKEY_MAX): the caller shows it once
 * and wipes it; brokersec keeps no copy. */
int bs_datadir_init_keyed(const char *path, const char *org, unsigned profile_mask, const char *who,
			  char *vkey, size_t cap);

/* Opens the data directory; dd->test_kdf says whether it is a test data directory. */
int bs_datadir_open(struct bs_datadir **out, const char *path);
void bs_datadir_free(struct bs_datadir *dd);

/* "<path>/<rel>", owned by the caller. */
char *bs_datadir_file(const struct bs_datadir *dd, const char *rel);

/* The event log's verification key written to a file at init (`init --verification-key-file`,
 * what `make run` does) instead of the screen: a new file (mode 0600, never over an existing
 * one or through a symlink), the key and a newline, synced. Its absolute path is recorded in
 * the data directory (the path only, never the key; the caller logs it) so that serve's
 * sign-in screen can say where the key went; *abs (may be NULL) gets it, owned by the caller. */
int bs_vkey_file_write(const char *file, const char *vkey, char **abs);
int bs_vkey_file_record(struct bs_datadir *dd, const char *abs);
/* The recorded path into *path (NULL when init printed the key instead). */
int bs_vkey_file_get(struct bs_datadir *dd, char **path);

/* ---- test data directories: the test suite only (docs/DEVELOPING.md, "Testing") ----
 *
 * The suite signs in hundreds of times; at the production Argon2id cost (auth/auth.h) that
 * was most of its run time. A test data directory hashes passwords at libsodium's minimum
 * cost instead. It cannot become a production setting by accident:
 *  - only init makes one (BS_DATADIR_TEST_KDF, `brokersec init --test-fast-kdf`), and only
 *    when the environment says this is a test run: BROKERSEC_TESTING=1 (tests/run.sh and
 *    tests/cli/lib.sh set it); else BS_EDENIED, with nothing created;
 *  - the mark is a row in the directory's brokersec.db (table test_marker), never an
 *    environment variable: a variable leaking into a real server changes nothing, and no
 *    command removes or adds the mark later;
 *  - a marked directory says so: every command warns on stderr, `status` shows A2.5.4.4 not
 *    met ("test data directory: weak password hashing"), `serve` listens on loopback only;
 *  - a directory without the mark refuses a hash below the production cost, e.g. one copied
 *    from a test directory (bs_password_verify). */
#define BS_TESTING_ENV "BROKERSEC_TESTING"
#define BS_DATADIR_TEST_KDF 1u
/* What every command prints on stderr for a test data directory. */
#define BS_TEST_DATADIR_WARNING_ZH "測試用資料目錄：密碼以最低強度雜湊（init --test-fast-kdf），僅供測試，切勿用於真實帳號"
#define BS_TEST_DATADIR_WARNING_EN "TEST DATA DIRECTORY: passwords are hashed at the weakest cost (init " \
	"--test-fast-kdf), for the test suite only: never use it for real accounts"

/* 1 when the environment says this is a test run (BROKERSEC_TESTING=1), else 0. */
int bs_testing(void);
/* bs_datadir_init_keyed with flags: 0, or BS_DATADIR_TEST_KDF for a test data directory
 * (refused with BS_EDENIED unless bs_testing()), and/or BS_DATADIR_DEMO (below) for a demo
 * data directory. */
int bs_datadir_init_flags(const char *path, const char *org, unsigned profile_mask, const char *who, unsigned flags,
			  char *vkey, size_t cap);
/* The same with the event log's sealing epoch (0: the default 15 minutes; else
 * BS_EVENTLOG_EPOCH_MIN_US..BS_EVENTLOG_EPOCH_MAX_US, else BS_EINVALID): `init --seal-epoch`. */
int bs_datadir_init_sealed(const char *path, const char *org, unsigned profile_mask, const char *who, unsigned flags,
			   int64_t seal_epoch_us, char *vkey, size_t cap);
/* 1 while this process has a test data directory open (auth/password.c then hashes at the
 * minimum cost and accepts such hashes), else 0. A process opens one data directory (the
 * server: one per thread, all the same), never a test and a real one at once. */
int bs_datadir_test_kdf_active(void);

/* ---- demo data directories (`brokersec init --demo`, `make demo`; src/demo) ----
 *
 * A demo directory holds the generated records of a made-up broker, so that a newcomer sees
 * every page populated. Demo records never mix with real ones:
 *  - only init makes one (BS_DATADIR_DEMO), on the directory it has just created; the mark is
 *    a row in brokersec.db (table demo_marker) and in the init event, and no command adds or
 *    removes it later;
 *  - the generator (bs_demo_fill) refuses a directory without the mark;
 *  - a marked directory says so: every command prints BS_DEMO_DATADIR_WARNING_* on stderr,
 *    GET /api/v1/me says "demo": true and the web UI shows a banner on every page, and every
 *    report carries the mark on its first page and on every page's footer. */
#define BS_DATADIR_DEMO 2u
#define BS_DEMO_DATADIR_WARNING_ZH "示範資料目錄：所有資料皆為產生之示範資料，非真實紀錄"
#define BS_DEMO_DATADIR_WARNING_EN "DEMO DATA DIRECTORY: every record is generated demo data, not a real record"

#endif
