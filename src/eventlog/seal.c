/* seal.c - the sealing key file keys/seal.key: "BSSEAL01" || log id || epoch (u64 BE) || key,
 * overwritten in place when the key evolves (docs/eventlog-format.md, "Forward-secure
 * sealing"). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

#define SEALFILE_MAGIC "BSSEAL01"

int el_seal_read(const char *path, const unsigned char log_id[EL_LOGID], int64_t *epoch,
		 unsigned char key[EL_HASH])
{
	unsigned char buf[EL_SEALFILE_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	uint64_t e = 0;

	if (fd < 0)
		return bs_error(BS_ERR, "cannot open the sealing key '%s': %s: new checkpoints cannot be sealed. Never "
				"restore it from a backup (an old epoch's key would let its holder re-seal history): the "
				"log so far still verifies with the auditor's key; report the loss to the security officer",
				path, bs_strerror(errno));
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n != (ssize_t)sizeof(buf) || memcmp(buf, SEALFILE_MAGIC, 8) || memcmp(buf + 8, log_id, EL_LOGID)) {
		sodium_memzero(buf, sizeof(buf));
		return bs_error(BS_ERR, "the sealing key '%s' is damaged or belongs to another log: new checkpoints "
				"cannot be sealed. Never restore it from a backup (an old epoch's key would let its holder "
				"re-seal history): the log so far still verifies with the auditor's key; report it to the "
				"security officer", path);
	}
	for (int i = 0; i < 8; i++)
		e = e << 8 | buf[24 + i];
	*epoch = (int64_t)e;
	memcpy(key, buf + 32, EL_HASH);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

void el_seal_encode(unsigned char buf[EL_SEALFILE_BYTES], const unsigned char log_id[EL_LOGID], int64_t epoch,
		    const unsigned char key[EL_HASH])
{
	uint64_t e = (uint64_t)epoch;
	memcpy(buf, SEALFILE_MAGIC, 8);
	memcpy(buf + 8, log_id, EL_LOGID);
	for (int i = 7; i >= 0; i--) {
		buf[24 + i] = (unsigned char)(e & 0xff);
		e >>= 8;
	}
	memcpy(buf + 32, key, EL_HASH);
}

/* Overwrites the one key record in place (same blocks, then fdatasync) so the previous
 * epoch's key is not left behind in a second file.
 * NEEDSWORK: on copy-on-write or data-journalling filesystems the old block may survive
 * until reused; journald has the same limit. */
int el_seal_write(const char *path, const unsigned char log_id[EL_LOGID], int64_t epoch,
		  const unsigned char key[EL_HASH])
{
	unsigned char buf[EL_SEALFILE_BYTES];
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW), err = 0;

	if (fd < 0)
		return bs_error(BS_ERR, "cannot update the sealing key '%s': %s", path, bs_strerror(errno));
	el_seal_encode(buf, log_id, epoch, key);
	if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) || fdatasync(fd) != 0)
		err = bs_error(BS_ERR, "cannot update the sealing key '%s': %s", path, bs_strerror(errno));
	close(fd);
	sodium_memzero(buf, sizeof(buf));
	return err;
}
