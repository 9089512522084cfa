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

#include "store/store.h"

struct bs_eventlog;

struct bs_datadir {
	char *path;
	struct bs_store *store;
	struct bs_eventlog *events; /* opened on first bs_audit(), closed by bs_datadir_free */
	const char *actor;          /* who acts: the OS user, or the signed-in account */
	const char *source;         /* from where: "cli" or the client address */
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

int bs_datadir_open(struct bs_datadir **out, const char *path);
void bs_datadir_free(struct bs_datadir *dd);

/* "<path>/<rel>", owned by the caller. */
char *bs_datadir_file(const struct bs_datadir *dd, const char *rel);

#endif
