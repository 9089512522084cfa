/*
 * fuzz_syslog.c - libFuzzer harness for the syslog parsers, the RFC 6587 framer and the
 * event built from a message (src/syslog: the parsers and receipt.c).
 *
 *   make fuzz [FUZZ_TIME=60]        (clang -fsanitize=fuzzer,address,undefined)
 *
 * tests/unit/test_syslog_corpus.c includes this file and replays every input of
 * tests/fuzz/corpus/syslog/ through LLVMFuzzerTestOneInput in `make check`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "intake/intake.h"
#include "syslog/syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct bs_syslog_msg m;
	struct bs_syslog_sd_iter it;
	struct bs_slice id, name, value;
	struct bs_buf b = BS_BUF_INIT;
	int r;

	/* the parser: a result, every slice inside the input */
	r = bs_syslog_parse(&m, s, size, INT64_C(1700000000000000));
	fuzz_check(r == 0 || r == BS_EINVALID);
	fuzz_check((r == 0) == (m.error == NULL));
	if (m.msg.p)
		fuzz_check(m.msg.p >= s && m.msg.p + m.msg.len <= s + size);
	if (r == 0 && m.sd.p) {
		bs_syslog_sd_init(&it, &m);
		while (bs_syslog_sd_element(&it, &id)) {
			fuzz_check(id.p >= s && id.p + id.len <= s + size);
			while (bs_syslog_sd_param(&it, &name, &value)) {
				fuzz_check(value.p >= s && value.p + value.len <= s + size);
				bs_buf_clear(&b);
				bs_syslog_sd_unescape(&b, value);
				fuzz_check(b.len <= value.len);
			}
		}
	}

	/* the framer: always progress, frames inside the buffer, at most max bytes */
	struct bs_syslog_framer fr;
	struct bs_syslog_frame f;
	size_t off = 0;
	bs_syslog_framer_init(&fr, 64);
	while (off < size) {
		r = bs_syslog_frame_next(&fr, s + off, size - off, 1, &f);
		if (!r)
			break;
		fuzz_check(f.consumed > 0 && f.consumed <= size - off);
		fuzz_check(f.off + f.len <= f.consumed && f.len <= 64);
		off += f.consumed;
	}
	fuzz_check(off == size);

	/* the event: acceptable to the event log whatever the input */
	struct bs_syslog_scratch sc = { BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT, BS_BUF_INIT };
	struct bs_event ev;
	if (size <= BS_INTAKE_FRAME_MAX) {
		bs_syslog_event_build(&ev, &sc, s, size, INT64_C(1700000000000000), "127.0.0.1:1", BS_SYSLOG_TCP, 0);
		fuzz_check(bs_utf8_valid_text(ev.message, strlen(ev.message)));
		fuzz_check(strlen(ev.message) <= 65536);
		fuzz_check(bs_utf8_valid_text(ev.data, strlen(ev.data)));
		fuzz_check(strlen(ev.data) <= 65536);
		if (ev.host)
			fuzz_check(bs_utf8_valid_text(ev.host, strlen(ev.host)));
	}
	bs_syslog_scratch_release(&sc);
	bs_buf_release(&b);
	return 0;
}
