/* chunker.c - content-defined chunking: FastCDC (Xia et al., USENIX ATC 2016) with a gear
 * hash and normalised chunking. Cut points depend on the last 64 bytes only, so a change in
 * a file moves the chunks around it and leaves the others (and their ids) as they were. */
#include <stdint.h>

#include "backup/backup.h"

/* 256 fixed pseudo-random words (splitmix64 from a fixed seed): part of the format, since
 * they decide the cut points and so the chunks a repository holds. */
static uint64_t gear[256];
static int gear_ready;

static void gear_init(void)
{
	uint64_t x = 0x62726f6b65727365ull; /* "brokerse" */
	for (int i = 0; i < 256; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		gear[i] = z ^ (z >> 31);
	}
	gear_ready = 1;
}

/* The top bits of the gear hash (the ones the last 64 bytes decide): 22 before the average
 * size (a cut is harder), 18 after it (easier), which narrows the sizes around 1 MiB. */
#define MASK_S (~0ull << (64 - 22))
#define MASK_L (~0ull << (64 - 18))

size_t bs_chunk_next(const unsigned char *data, size_t len)
{
	uint64_t fp = 0;
	size_t i, normal = BS_CHUNK_AVG, end = len;

	if (!gear_ready)
		gear_init(); /* idempotent: two threads racing write the same words */
	if (len <= BS_CHUNK_MIN)
		return len;
	if (end > BS_CHUNK_MAX)
		end = BS_CHUNK_MAX;
	if (normal > end)
		normal = end;
	/* the first minimum bytes are never a cut point: skip hashing all but the last 64 */
	for (i = BS_CHUNK_MIN - 64; i < BS_CHUNK_MIN; i++)
		fp = (fp << 1) + gear[data[i]];
	for (; i < normal; i++) {
		fp = (fp << 1) + gear[data[i]];
		if (!(fp & MASK_S))
			return i + 1;
	}
	for (; i < end; i++) {
		fp = (fp << 1) + gear[data[i]];
		if (!(fp & MASK_L))
			return i + 1;
	}
	return end;
}
