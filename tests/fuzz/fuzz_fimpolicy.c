/*
 * fuzz_fimpolicy.c - libFuzzer harness for the rules of `brokersec fim` (src/fim/fim_policy.c):
 * any bytes as a policy YAML file. Invariants: a parse either fails with at least one problem
 * line ("file:line: ...") and an empty policy, or succeeds with at least one rule whose
 * attributes are known bits, whose path has no '.' or '..' part nor a leading or trailing '/',
 * and whose matching of a few paths (bs_fim_policy_match) returns one of its rules.
 *
 * Input: the YAML text. Seeds (corpus/fimpolicy/): the built-in policy, several rules with
 * exclusions, attributes [all], a bad attribute, a '..' path.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fim/fim.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { ".", "etc", "etc/passwd", "var/log/x.log", "a/b/c.swp", "proc/1" };
	struct bs_fim_policy p;
	struct bs_buf errors = BS_BUF_INIT;
	int r;

	if (size > 16384)
		return 0;
	r = bs_fim_policy_parse(&p, "fuzz.yaml", (const char *)data, size, &errors);
	if (r < 0) {
		fuzz_check(p.n == 0 && p.rules == NULL);
		fuzz_check(r == BS_ERR || (errors.ptr && strstr(errors.ptr, "fuzz.yaml:")));
	} else {
		fuzz_check(p.n > 0 && p.text && p.file);
		for (size_t i = 0; i < p.n; i++) {
			const char *rp = p.rules[i].path;
			size_t l = strlen(rp);
			fuzz_check(p.rules[i].attrs && !(p.rules[i].attrs & ~BS_FIM_ATTR_ALL));
			fuzz_check(!l || (rp[0] != '/' && rp[l - 1] != '/'));
			fuzz_check(!strstr(rp, "//"));
		}
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			int ex;
			const struct bs_fim_rule *m = bs_fim_policy_match(&p, paths[i], &ex);
			fuzz_check(!m || (m >= p.rules && m < p.rules + p.n));
			fuzz_check(ex == 0 || ex == 1);
		}
		bs_fim_policy_release(&p);
	}
	bs_buf_release(&errors);
	return 0;
}
