/*
 * fuzz_policy.c - libFuzzer harness for the check-policy loader (src/scan/policy.c over
 * src/yamldoc): the input is one policy YAML file (policies/ *.yaml, `scan --policy FILE`).
 * It is parsed against the built-in catalog, linked (duplicate ids) once alone and once
 * after the built-in policies, every rule it kept is described (as `scan --list-checks`
 * does), and when it is a Linux policy its checks run against an empty root (only an
 * etc/os-release, as a root without a system is refused), which
 * exercises every rule kind without reading the host.
 * Invariants: problems are counted exactly when reported; every check kept is whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/utf8.h"
#include "scan/scan.h"

#include "fuzz_common.h"

static const struct bs_catalog *cat;
static const struct bs_scan_policy *builtin;
static char root[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (bs_catalog_builtin(&cat) < 0 || bs_scan_policy_builtin(&builtin) < 0) {
		fprintf(stderr, "the built-in catalog or policies do not load: %s\n", bs_error_message());
		abort();
	}
	snprintf(root, sizeof(root), "%s", fuzz_tmpdir("policy"));
	/* a root holds a system, or bs_scan_run refuses it (issue 14, item 2): os-release only */
	char etc[600], osr[640];
	snprintf(etc, sizeof(etc), "%s/etc", root);
	snprintf(osr, sizeof(osr), "%s/os-release", etc);
	if (mkdir(etc, 0700) != 0) {
		perror(etc);
		abort();
	}
	fuzz_write(osr, "ID=debian\n", 10);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_scan_policy pol;
	struct bs_buf errors = BS_BUF_INIT, d = BS_BUF_INIT;
	/* an exact-size copy, so reading past the end is caught */
	char *copy = malloc(size ? size : 1);
	int r, linux_checks = 0;

	memcpy(copy, data, size);
	memset(&pol, 0, sizeof(pol));
	r = bs_scan_policy_parse(&pol, cat, "fuzz.yaml", copy, size, &errors);
	fuzz_check(r >= 0);
	fuzz_check((r == 0) == (errors.len == 0));
	for (size_t i = 0; i < pol.n; i++) {
		const struct bs_scan_check *c = &pol.v[i];
		fuzz_check(c->id && c->platform && c->file && c->nrefs > 0 && c->nrules > 0);
		fuzz_check(c->title.zh && c->title.en && c->rationale.zh && c->remediation.en);
		fuzz_check(bs_utf8_valid_text(c->title.en, strlen(c->title.en)));
		for (size_t k = 0; k < c->nrefs; k++)
			fuzz_check(bs_catalog_find(cat, c->refs[k]) != NULL);
		for (size_t k = 0; k < c->nrules; k++) {
			bs_buf_clear(&d);
			bs_scan_rule_describe(c, k, &d);
			fuzz_check(d.len > 0);
		}
		fuzz_check(bs_scan_policy_find(&pol, c->id) != NULL);
		linux_checks += !strcmp(c->platform, "linux");
	}
	bs_buf_clear(&errors);
	r = bs_scan_policy_link(&pol, &errors);
	fuzz_check(r >= 0 && (r == 0) == (errors.len == 0));

	/* the checks against an empty root: every rule decides or says why not */
	if (linux_checks && r == 0) {
		struct bs_scan_opts o = { root, NULL, NULL, "fuzz", NULL };
		struct bs_scan *s = NULL;
		fuzz_check(bs_scan_run(&s, &pol, &o) == 0);
		fuzz_check(s->n == (size_t)linux_checks);
		for (size_t i = 0; i < s->n; i++)
			if (s->results[i].status == BS_SCAN_NA || s->results[i].status == BS_SCAN_ERROR)
				fuzz_check(s->results[i].reason && *s->results[i].reason);
		char *json = bs_scan_json(s);
		fuzz_check(json != NULL);
		free(json);
		bs_scan_free(s);
	}
	bs_scan_policy_release(&pol);

	/* after the built-in policies: the same ids collide */
	memset(&pol, 0, sizeof(pol));
	bs_buf_clear(&errors);
	r = bs_scan_policy_parse(&pol, cat, "fuzz.yaml", copy, size, &errors);
	bs_buf_clear(&errors);
	(void)r;
	/* built-in checks first, then the input's, as `scan --policy` appends */
	struct bs_scan_policy both;
	memset(&both, 0, sizeof(both));
	both.n = both.cap = builtin->n + pol.n;
	both.v = bs_calloc(both.n ? both.n : 1, sizeof(*both.v));
	memcpy(both.v, builtin->v, builtin->n * sizeof(*both.v));
	if (pol.n)
		memcpy(both.v + builtin->n, pol.v, pol.n * sizeof(*both.v));
	r = bs_scan_policy_link(&both, &errors);
	fuzz_check(r >= 0 && (r == 0) == (errors.len == 0));
	free(both.v);
	bs_scan_policy_release(&pol);

	bs_buf_release(&errors);
	bs_buf_release(&d);
	free(copy);
	bs_error_clear();
	return 0;
}
