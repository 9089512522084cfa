/* Replays every input of the syslog fuzz corpus (tests/fuzz/corpus/syslog/) through the
 * fuzz harness, so what the fuzzer found stays fixed in `make check`. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fuzz/fuzz_syslog.c"

static void replay_corpus(void **state)
{
	const char *top = getenv("TOP");
	struct bs_buf dir = BS_BUF_INIT, path = BS_BUF_INIT, data = BS_BUF_INIT;
	struct dirent *e;
	DIR *d;
	int n = 0;
	(void)state;
	bs_buf_printf(&dir, "%s/tests/fuzz/corpus/syslog", top && *top ? top : ".");
	d = opendir(dir.ptr);
	if (!d)
		fail_msg("cannot open the corpus '%s': run from the top of the tree or set TOP", dir.ptr);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		bs_buf_clear(&path);
		bs_buf_printf(&path, "%s/%s", dir.ptr, e->d_name);
		bs_buf_clear(&data);
		assert_int_equal(bs_buf_read_file(&data, path.ptr), 0);
		/* an exact-size copy, so reading past the end is caught under ASan */
		uint8_t *copy = malloc(data.len ? data.len : 1);
		memcpy(copy, data.ptr, data.len);
		LLVMFuzzerTestOneInput(copy, data.len);
		free(copy);
		n++;
	}
	closedir(d);
	assert_true(n >= 20);
	bs_buf_release(&dir);
	bs_buf_release(&path);
	bs_buf_release(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
