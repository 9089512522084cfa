#include "datadir/datadir.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/whoami.h"
#include "datadir/datadir_int.h"
#include "eventlog/eventlog.h"
#include "keys/keys.h"
#include "profile/profile.h"

const char *bs_datadir_locate(const char *flag)
{
	const char *env = getenv("BROKERSEC_DATA");

	if (flag && *flag)
		return flag;
	if (env && *env)
		return env;
	return "./brokersec-data";
}

static char *join(const char *dir, const char *rel)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "%s/%s", dir, rel);
	return bs_buf_detach(&b, NULL);
}

char *bs_datadir_file(const struct bs_datadir *dd, const char *rel)
{
	return join(dd->path, rel);
}

/* Removes what a failed init created; only names init itself makes. */
static void undo_init(const char *path)
{
	static const char *const files[] = { "brokersec.db", "brokersec.db-wal", "brokersec.db-shm",
					     "events.db", "events.db-wal", "events.db-shm", "eventlog.alert",
					     "keys/seal.key", "keys/signing.key", "keys/signing.pub", NULL };
	for (int i = 0; files[i]; i++) {
		char *p = join(path, files[i]);
		(void)unlink(p);
		free(p);
	}
	char *k = join(path, "keys");
	(void)rmdir(k);
	free(k);
	char *e = join(path, "evidence");
	(void)rmdir(e);
	free(e);
	(void)rmdir(path);
}

int bs_datadir_init(const char *path, const char *org, unsigned mask, const char *who)
{
	return bs_datadir_init_keyed(path, org, mask, who, NULL, 0);
}

int bs_datadir_init_keyed(const char *path, const char *org, unsigned mask, const char *who, char *vkey, size_t cap)
{
	return bs_datadir_init_flags(path, org, mask, who, 0, vkey, cap);
}

int bs_datadir_init_flags(const char *path, const char *org, unsigned mask, const char *who, unsigned flags,
			  char *vkey, size_t cap)
{
	return bs_datadir_init_sealed(path, org, mask, who, flags, 0, vkey, cap);
}

int bs_datadir_init_sealed(const char *path, const char *org, unsigned mask, const char *who, unsigned flags,
			   int64_t seal_epoch_us, char *vkey, size_t cap)
{
	struct bs_eventlog_params ep;
	char key[BS_EVENTLOG_VKEY_MAX];
	struct bs_eventlog *log = NULL;
	struct bs_buf data = BS_BUF_INIT;
	struct bs_event ev;
	struct bs_store *store = NULL;
	struct stat st;
	char *p = NULL;
	int err;

	/* checked here and not only by the command line: no caller makes a test directory
	 * outside a test run (datadir.h, "test data directories") */
	if ((flags & BS_DATADIR_TEST_KDF) && !bs_testing())
		return bs_error(BS_EDENIED, "a test data directory (weak password hashing) is made only by the test "
				"suite: it needs %s=1 in the environment; a real data directory never uses it",
				BS_TESTING_ENV);
	bs_eventlog_params_default(&ep);
	if (seal_epoch_us) {
		if (seal_epoch_us < BS_EVENTLOG_EPOCH_MIN_US || seal_epoch_us > BS_EVENTLOG_EPOCH_MAX_US)
			return bs_error(BS_EINVALID, "a sealing epoch of %lld s is out of range: give 10 s to 1 day (the "
					"default 15 min)", (long long)(seal_epoch_us / 1000000));
		ep.epoch_us = seal_epoch_us;
	}
	if (lstat(path, &st) == 0)
		return bs_error(BS_EEXISTS, "data directory '%s' exists already: init never touches an existing "
				"directory; choose a new --data path", path);
	if (mkdir(path, 0700) != 0)
		return bs_error(BS_ERR, "cannot create data directory '%s': %s", path, bs_strerror(errno));
	if (chmod(path, 0700) != 0) {
		err = bs_error(BS_ERR, "cannot set mode 0700 on '%s': %s", path, bs_strerror(errno));
		goto fail;
	}
	p = join(path, "keys");
	if ((err = bs_keys_create(p)) < 0)
		goto fail;
	free(p);
	p = join(path, "evidence");
	if (mkdir(p, 0700) != 0) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", p, bs_strerror(errno));
		goto fail;
	}
	free(p);
	p = NULL;
	/* The log exists before any state: its first event records the init itself. */
	if ((err = bs_eventlog_create_sealed(path, &ep, key)) < 0 || (err = bs_eventlog_open(&log, path)) < 0)
		goto fail;
	/* the init event says it is a test directory: the mark is in the signed log as well */
	bs_buf_printf(&data, "{\"profile_mask\": %u%s%s}", mask,
		      (flags & BS_DATADIR_TEST_KDF) ? ", \"test_fast_kdf\": true" : "",
		      (flags & BS_DATADIR_DEMO) ? ", \"demo\": true" : "");
	memset(&ev, 0, sizeof(ev));
	ev.type = "datadir.init";
	ev.severity = 5;
	ev.source = "cli";
	ev.user = who;
	ev.outcome = "success";
	ev.message = "created the data directory";
	ev.data = data.ptr;
	if ((err = bs_eventlog_append(log, &ev, 1)) < 0)
		goto fail;
	p = join(path, "brokersec.db");
	if ((err = bs_store_create(&store, p)) < 0)
		goto fail;
	if ((flags & BS_DATADIR_TEST_KDF) && (err = bs_test_mark_write(store)) < 0)
		goto fail;
	if ((flags & BS_DATADIR_DEMO) && (err = bs_demo_mark_write(store)) < 0)
		goto fail;
	if ((err = bs_profile_create(store, org, mask, who)) < 0)
		goto fail;
	bs_store_free(store);
	bs_eventlog_close(log);
	free(p);
	bs_buf_release(&data);
	if (vkey)
		snprintf(vkey, cap, "%s", key);
	sodium_memzero(key, sizeof(key));
	return 0;
fail:
	bs_store_free(store);
	bs_eventlog_close(log);
	free(p);
	bs_buf_release(&data);
	sodium_memzero(key, sizeof(key));
	undo_init(path);
	return err;
}

/* The user name of uid, or "" when it has none. */
static void uid_name(uid_t uid, char *out, size_t cap)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	out[0] = '\0';
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_name)
		snprintf(out, cap, "%s", res->pw_name);
}

/* "uid 65534 (nobody)" */
static void uid_label(uid_t uid, char *out, size_t cap)
{
	char name[256];
	uid_name(uid, name, sizeof(name));
	snprintf(out, cap, name[0] ? "uid %u (%s)" : "uid %u", (unsigned)uid, name);
}

/* One path of the data directory: owned by the effective user, nothing for group or others.
 * The message says the command that fixes it. Missing is fine unless must_exist. */
static int check_private(const char *dir, const char *path, int must_exist)
{
	char owner[300], me[300], my_name[256];
	struct stat st;
	uid_t uid = geteuid();

	if (stat(path, &st) != 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "cannot check '%s': %s", path, bs_strerror(errno));
	}
	if (st.st_uid != uid) {
		uid_label(st.st_uid, owner, sizeof(owner));
		snprintf(me, sizeof(me), "uid %u", (unsigned)uid);
		uid_name(uid, my_name, sizeof(my_name));
		if (!my_name[0])
			snprintf(my_name, sizeof(my_name), "%u", (unsigned)uid);
		if (!strcmp(path, dir))
			return bs_error(BS_EDENIED, "data directory '%s' is owned by %s, not by you (%s): run chown -R %s "
					"'%s' (as root), or run brokersec as that user", dir, owner, me, my_name, dir);
		return bs_error(BS_EDENIED, "'%s' in data directory '%s' is owned by %s, not by you (%s): run chown -R "
				"%s '%s' (as root), or run brokersec as that user", path, dir, owner, me, my_name, dir);
	}
	if (st.st_mode & 077) {
		if (!strcmp(path, dir))
			return bs_error(BS_EDENIED, "data directory '%s' is accessible by other users (mode %04o): "
					"run chmod 700 '%s'", dir, (unsigned)(st.st_mode & 07777), dir);
		return bs_error(BS_EDENIED, "'%s' in data directory '%s' is accessible by other users (mode %04o): run "
				"chmod %s '%s' (chmod -R go-rwx '%s' fixes the whole directory)", path, dir,
				(unsigned)(st.st_mode & 07777), S_ISDIR(st.st_mode) ? "700" : "600", path, dir);
	}
	return 0;
}

/* The data directory holds the keys and every record: it and what is secret in it belong to
 * the user running brokersec alone (docs/roles.md). Another owner could read or swap them. */
static int check_datadir(const char *dir)
{
	static const char *const files[] = { "brokersec.db", "brokersec.db-wal", "brokersec.db-shm", "events.db",
					     "events.db-wal", "events.db-shm", "keys", "tls", "tls/key.pem",
					     "evidence", NULL };
	char *keys;
	DIR *d;
	struct dirent *e;
	int err;

	if ((err = check_private(dir, dir, 1)) < 0)
		return err;
	for (size_t i = 0; files[i]; i++) {
		char *p = join(dir, files[i]);
		err = check_private(dir, p, 0);
		free(p);
		if (err < 0)
			return err;
	}
	keys = join(dir, "keys");
	d = opendir(keys);
	if (!d) {
		err = errno == ENOENT ? 0 : bs_error(BS_ERR, "cannot check '%s': %s", keys, bs_strerror(errno));
		free(keys);
		return err;
	}
	while (!err && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = join(keys, e->d_name);
		err = check_private(dir, p, 0);
		free(p);
	}
	closedir(d);
	free(keys);
	return err;
}

int bs_datadir_open(struct bs_datadir **out, const char *path)
{
	struct bs_datadir *dd;
	struct stat st;
	char *db;
	int err;

	*out = NULL;
	if (stat(path, &st) != 0)
		return bs_error(BS_ENOTFOUND, "data directory '%s' does not exist: create it with "
				"'brokersec init --data %s --org NAME --internal-control yes|no'", path, path);
	if (!S_ISDIR(st.st_mode))
		return bs_error(BS_EINVALID, "data directory '%s' is not a directory", path);
	if ((err = check_datadir(path)) < 0)
		return err;
	dd = bs_calloc(1, sizeof(*dd));
	dd->path = bs_strdup(path);
	dd->actor = bs_os_user();
	dd->source = "cli";
	db = join(path, "brokersec.db");
	err = bs_store_open(&dd->store, db);
	free(db);
	if (err >= 0 && (err = bs_test_mark_read(dd->store, &dd->test_kdf)) >= 0 && dd->test_kdf)
		bs_test_mark_count(+1); /* bs_datadir_free gives it back */
	if (err >= 0)
		err = bs_demo_mark_read(dd->store, &dd->demo);
	if (err < 0) {
		bs_datadir_free(dd);
		return err;
	}
	*out = dd;
	return 0;
}

void bs_datadir_free(struct bs_datadir *dd)
{
	if (!dd)
		return;
	if (dd->test_kdf)
		bs_test_mark_count(-1);
	bs_eventlog_close(dd->events);
	bs_store_free(dd->store);
	free(dd->path);
	free(dd);
}
