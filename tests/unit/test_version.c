/* Debian versions in dpkg's order (src/vuln/version.h): every pair of
 * tests/fixtures/versions/pairs.txt (real versions from a Debian system's dpkg status and apt
 * lists, written by make-pairs.sh with `dpkg --compare-versions`'s own answer) compares the
 * same way here, both ways round; and, where dpkg is installed, a sample is asked of dpkg
 * again now, so that the file cannot drift from the real program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vuln/version.h"

static int sign(int r)
{
	return r < 0 ? -1 : r > 0;
}

static FILE *open_pairs(void)
{
	const char *top = getenv("TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/fixtures/versions/pairs.txt", top && *top ? top : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open '%s': run from the top of the tree or set TOP", path);
	return f;
}

/* dpkg --compare-versions a op b: 1 true, 0 false. */
static int dpkg_says(const char *a, const char *op, const char *b)
{
	pid_t pid = fork();
	int st;
	if (pid == 0) {
		execlp("dpkg", "dpkg", "--compare-versions", a, op, b, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
	return WEXITSTATUS(st) == 0;
}

static void test_pairs(void **state)
{
	char a[256], rel[8], b[256];
	size_t n = 0, lt = 0, eq = 0, gt = 0, tilde = 0, epoch = 0, asked = 0;
	int have_dpkg = access("/usr/bin/dpkg", X_OK) == 0;
	FILE *f = open_pairs();
	(void)state;
	while (fscanf(f, "%255s %7s %255s", a, rel, b) == 3) {
		int want = !strcmp(rel, "<") ? -1 : !strcmp(rel, "=") ? 0 : 1;
		int got = sign(bs_version_cmp(a, b)), back = sign(bs_version_cmp(b, a));
		if (got != want || back != -want)
			fail_msg("pair %zu: '%s' %s '%s' by dpkg, but bs_version_cmp says %d (and %d reversed)", n + 1, a,
				 rel, b, got, back);
		if (have_dpkg && n % 7 == 0) {
			const char *op = want < 0 ? "lt" : want == 0 ? "eq" : "gt";
			if (!dpkg_says(a, op, b))
				fail_msg("pairs.txt is stale: dpkg no longer says '%s' %s '%s' (make-pairs.sh)", a, op, b);
			asked++;
		}
		lt += want < 0;
		eq += want == 0;
		gt += want > 0;
		tilde += strchr(a, '~') || strchr(b, '~');
		epoch += strchr(a, ':') || strchr(b, ':');
		n++;
	}
	fclose(f);
	/* a few hundred pairs, of every outcome, with '~' and epochs among them */
	assert_true(n >= 300);
	assert_true(lt >= 50 && eq >= 20 && gt >= 50);
	assert_true(tilde >= 20 && epoch >= 20);
	if (have_dpkg)
		assert_true(asked >= 40);
}

static void test_edges(void **state)
{
	(void)state;
	assert_true(bs_version_cmp("1.0~rc1", "1.0") < 0);
	assert_true(bs_version_cmp("1.0~~", "1.0~") < 0);
	assert_true(bs_version_cmp("1:0.1", "2.0") > 0);
	assert_int_equal(bs_version_cmp("0:1.0", "1.0"), 0);
	assert_int_equal(bs_version_cmp("1.0", "1.0-0"), 0);
	assert_true(bs_version_cmp("1.2.3", "1.2.10") < 0);
	assert_true(bs_version_cmp("2.36-9+deb12u4", "2.36-9+deb12u10") < 0);
	assert_true(bs_version_cmp("1.0a", "1.0+") < 0);
	assert_true(bs_version_cmp("1.0-1~bpo12+1", "1.0-1") < 0);
	assert_int_equal(bs_version_cmp("", ""), 0);
	assert_true(bs_version_valid("1:2.36-9+deb12u4"));
	assert_true(bs_version_valid("1.0~rc1"));
	assert_false(bs_version_valid(""));
	assert_false(bs_version_valid("a1.0"));
	assert_false(bs_version_valid("x:1.0"));
	assert_false(bs_version_valid("1.0-"));
	assert_false(bs_version_valid("1.0 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
