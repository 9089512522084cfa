/*
 * fuzz_lookalikefeed.c - libFuzzer harness for the feeds `brokersec lookalike check` reads
 * (src/lookalike/feed.c, match.c): a newly registered domain list, a Certificate Transparency
 * export (JSON lines) or a zone file, and the event log's text. Every name a feed gives is
 * normalized and matched against one official domain's look-alikes; a normalized name must be
 * lower-case letters, digits, '-', '_' and dots, and a match must name a registrable domain
 * other than the official one.
 *
 * Input: the first byte picks the format (names, ct, zone, log text); the rest is the file.
 * Seeds (corpus/lookalikefeed/): one of each, with bad lines.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookalike/check.h"

#include "fuzz_common.h"

static struct bs_lookalike_matcher *matcher;

static int on_name(const char *name, size_t len, int64_t line, void *ctx)
{
	struct bs_lookalike_found f;
	char norm[256];
	(void)line;
	(void)ctx;
	if (bs_lookalike_normalize(name, len, norm) < 0)
		return 1;
	for (const char *p = norm; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			abort();
	if (bs_lookalike_match(matcher, norm, &f) == 1 && (!strcmp(f.name, "brokertest.com.tw") || !f.kind || !f.official))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_feed_stats st;

	if (!matcher) {
		struct bs_domain d;
		if (bs_domain_split("brokertest.com.tw", &d) || bs_lookalike_matcher_new(&d, 1, NULL, &matcher))
			abort();
	}
	if (size < 1 || size > 65536)
		return 0;
	if (data[0] % 4 == 3) {
		char *text = malloc(size);
		memcpy(text, data + 1, size - 1);
		text[size - 1] = 0;
		if (bs_feed_tokens(text, on_name, 1, NULL) != 0)
			abort();
		free(text);
		return 0;
	}
	if (bs_feed_read_mem((const char *)data + 1, size - 1, (enum bs_feed_kind)(data[0] % 4), on_name, NULL, &st) != 0)
		abort();
	if (st.bad > st.lines)
		abort();
	return 0;
}
