/*
 * fuzz_backupmanifest.c - libFuzzer harness for a backup repository's manifest (src/backup):
 * outside input when a repository is restored on another machine. The first byte picks:
 *   0  the rest is the manifest's JSON: bs_backup_manifest_parse; when it parses, every path
 *      is safe, every file's chunks add up to its size, and dump then parse gives the same
 *   1  the rest is a manifest file's bytes (envelope): bs_backup_envelope_open under a fixed
 *      key must refuse it (nobody without the key can sign), never crash
 *   2  the rest is JSON sealed under the fixed key, one byte of the envelope then flipped at
 *      the position the second byte names (none when it is 0xff): a flip is always refused,
 *      an untouched envelope opens to the same text, which is then parsed as in 0
 * Seeds (corpus/backupmanifest/): a real manifest, one with a path escape, a duplicate path,
 * a chunk list that does not add up, an envelope.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backup/backup.h"
#include "core/buf.h"

#include "fuzz_common.h"

static struct bs_backup_keys keys;

static void parse_and_check(const char *text, size_t len)
{
	struct bs_backup_manifest m, again;
	struct bs_buf out = BS_BUF_INIT;
	if (bs_backup_manifest_parse(text, len, &m) != 0)
		return;
	uint64_t total = 0;
	for (size_t i = 0; i < m.nfiles; i++) {
		uint64_t sum = 0;
		fuzz_check(bs_backup_path_ok(m.files[i].path));
		for (size_t c = 0; c < m.files[i].nchunks; c++) {
			fuzz_check(m.files[i].chunks[c].len >= 1 && m.files[i].chunks[c].len <= BS_CHUNK_MAX);
			sum += m.files[i].chunks[c].len;
		}
		fuzz_check(sum == m.files[i].size);
		total += sum;
	}
	fuzz_check(total == m.bytes);
	bs_backup_manifest_dump(&m, &out);
	fuzz_check(bs_backup_manifest_parse(out.ptr, out.len, &again) == 0);
	fuzz_check(again.nfiles == m.nfiles && again.bytes == m.bytes && !strcmp(again.id, m.id));
	for (size_t i = 0; i < m.nfiles; i++)
		fuzz_check(!strcmp(again.files[i].path, m.files[i].path) && again.files[i].nchunks == m.files[i].nchunks);
	bs_backup_manifest_release(&again);
	bs_backup_manifest_release(&m);
	bs_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t tlen = 0;

	if (!keys.sign_pk[0] && !keys.sign_pk[1]) {
		memset(keys.master, 7, sizeof(keys.master));
		bs_backup_keys_derive(&keys);
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		parse_and_check((const char *)data + 1, size - 1);
		break;
	case 1:
		fuzz_check(bs_backup_envelope_open(&keys, data + 1, size - 1, &text, &tlen) != 0);
		break;
	case 2: {
		struct bs_buf env = BS_BUF_INIT;
		if (size < 2)
			return 0;
		bs_backup_envelope_seal(&keys, (const char *)data + 2, size - 2, &env);
		if (data[1] != 0xff) {
			env.ptr[data[1] % env.len] ^= 0x01;
			fuzz_check(bs_backup_envelope_open(&keys, (const unsigned char *)env.ptr, env.len, &text, &tlen) != 0);
		} else {
			fuzz_check(bs_backup_envelope_open(&keys, (const unsigned char *)env.ptr, env.len, &text, &tlen) == 0);
			fuzz_check(tlen == size - 2 && !memcmp(text, data + 2, tlen));
			parse_and_check(text, tlen);
		}
		bs_buf_release(&env);
		break;
	}
	}
	free(text);
	return 0;
}
