/*
 * fuzz_backuplist.c - libFuzzer harness for what an sftp server says about a backup
 * repository's folders (src/backup/repo.c, sftp.c): the listing split into names, each name
 * judged as a chunk (64 hex digits under its folder's two) or a temporary file (its time),
 * the chunk ids kept in the id set; checks that no name is empty, ".", "..", holds a '/', a
 * quote, a backslash or a control character (a quote command puts names in "..."), that every chunk name's id prints back as the name, and that the set finds them.
 *
 * Input: the listing's bytes. Seeds (corpus/backuplist/): a chunks/ab listing with chunks and
 * temporary files, a snapshots/ listing, CRLF lines, names with '/' and NULs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_buf names = BS_BUF_INIT;
	struct bs_idset set = { 0 };
	const char *nm;
	size_t n, chunks = 0;

	if (size > 65536)
		return 0;
	bs_repo_listing_parse((const char *)data, size, &names, &n);
	nm = names.ptr;
	for (size_t i = 0; i < n; i++, nm += strlen(nm) + 1) {
		unsigned char id[32];
		char hex[65];
		size_t l = strlen(nm);
		if (!l || !strcmp(nm, ".") || !strcmp(nm, "..") || strpbrk(nm, "/\"\\") || nm + l >= names.ptr + names.len + 1)
			abort();
		for (size_t c = 0; c < l; c++)
			if ((unsigned char)nm[c] < 0x20 || nm[c] == 0x7f)
				abort();
		if (bs_repo_chunk_name("ab", nm, id)) {
			bs_hex(id, 32, hex);
			if (strcmp(hex, nm) || strncmp(nm, "ab", 2))
				abort();
			bs_idset_add(&set, id);
			if (!bs_idset_has(&set, id))
				abort();
			chunks++;
		}
		(void)bs_repo_tmp_time(nm);
	}
	if (set.n > chunks)
		abort();
	bs_idset_release(&set);
	bs_buf_release(&names);
	return 0;
}
