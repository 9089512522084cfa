/* src/fim's pure parts on real files in a temp dir: the rules (most specific rule, exclusions
 * by name and by path), the walk (every file hashed as sha256sum hashes it, a file kept by
 * size/mtime/ctime/inode is not read again, unless full), the digest (any field of any entry
 * moves it), the comparison, entropy and the compressed formats, printable paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fim/fim.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char p[4096];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static void test_policy_match(void **state)
{
	static const char y[] = "rules:\n"
				"  - path: /\n"
				"    exclude: [/var/log, '*.swp']\n"
				"  - path: /etc/ssh/\n"
				"    attributes: [hash, mode]\n";
	struct bs_fim_policy p;
	struct bs_buf e = BS_BUF_INIT;
	const struct bs_fim_rule *r;
	int ex;
	(void)state;

	assert_int_equal(bs_fim_policy_parse(&p, "t.yaml", y, strlen(y), &e), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.rules[1].path, "etc/ssh");
	r = bs_fim_policy_match(&p, "etc/ssh/sshd_config", &ex);
	assert_ptr_equal(r, &p.rules[1]);
	assert_int_equal(r->attrs, BS_FIM_HASH | BS_FIM_MODE);
	assert_int_equal(ex, 0);
	r = bs_fim_policy_match(&p, "etc/sshd", &ex);
	assert_ptr_equal(r, &p.rules[0]);
	assert_int_equal(r->attrs, BS_FIM_ATTR_ALL);
	bs_fim_policy_match(&p, "var/log", &ex);
	assert_int_equal(ex, 1);
	bs_fim_policy_match(&p, "srv/var/log", &ex);
	assert_int_equal(ex, 0); /* anchored at the root */
	bs_fim_policy_match(&p, "a/b/.x.swp", &ex);
	assert_int_equal(ex, 1); /* a name at any depth */
	bs_fim_policy_match(&p, "etc/ssh/.x.swp", &ex);
	assert_int_equal(ex, 0); /* the most specific rule's exclusions only */
	bs_fim_policy_release(&p);

	static const char bad[] = "rules:\n  - path: a/../b\n  - attributes: [nope]\nextra: 1\n";
	assert_int_equal(bs_fim_policy_parse(&p, "b.yaml", bad, strlen(bad), &e), BS_EINVALID);
	assert_non_null(strstr(e.ptr, "b.yaml:2: path 'a/../b'"));
	assert_non_null(strstr(e.ptr, "b.yaml:3: unknown attribute 'nope'"));
	assert_non_null(strstr(e.ptr, "a rule needs 'path'"));
	assert_non_null(strstr(e.ptr, "b.yaml:4: unknown key 'extra'"));
	assert_int_equal(p.n, 0);
	bs_buf_release(&e);
	assert_int_equal(bs_fim_policy_load(&p, NULL), 0);
	bs_fim_policy_release(&p);
}

static void sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned n;
	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void test_walk_diff_digest(void **state)
{
	char tmpl[] = "/tmp/test_fim.XXXXXX", *dir = mkdtemp(tmpl), want[65], d1[65], d2[65], p[4200];
	struct bs_fim_policy pol;
	struct bs_fim_tree a, b, c;
	struct bs_fim_walk_opts o = { NULL, 0, 2 };
	struct bs_fim_diff d;
	(void)state;

	assert_non_null(dir);
	snprintf(p, sizeof(p), "%s/sub", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	put(dir, "a.txt", "alpha\n");
	put(dir, "sub/b.txt", "beta\n");
	snprintf(p, sizeof(p), "%s/sub/l", dir);
	assert_int_equal(symlink("../a.txt", p), 0);
	assert_int_equal(bs_fim_policy_load(&pol, NULL), 0);
	assert_int_equal(bs_fim_walk(dir, &pol, &o, &a), 0);
	assert_int_equal(a.n, 5); /* ., a.txt, sub, sub/b.txt, sub/l */
	assert_int_equal(a.hashed, 2);
	sha256_hex("alpha\n", want);
	assert_string_equal(bs_fim_tree_find(&a, "a.txt")->hash, want);
	assert_string_equal(bs_fim_tree_find(&a, "sub/l")->link, "../a.txt");
	assert_int_equal(bs_fim_tree_find(&a, "sub")->type, 'd');

	/* unchanged: nothing read again; --full: everything */
	o.prior = &a;
	assert_int_equal(bs_fim_walk(dir, &pol, &o, &b), 0);
	assert_int_equal(b.hashed, 0);
	assert_int_equal(b.reused, 2);
	bs_fim_tree_digest(&a, d1);
	bs_fim_tree_digest(&b, d2);
	assert_string_equal(d1, d2);
	bs_fim_diff(&a, &b, &d);
	assert_int_equal(d.n, 0);
	bs_fim_diff_release(&d);
	bs_fim_tree_release(&b);
	o.full = 1;
	assert_int_equal(bs_fim_walk(dir, &pol, &o, &b), 0);
	assert_int_equal(b.hashed, 2);
	bs_fim_tree_release(&b);
	o.full = 0;

	/* changed, added, removed */
	put(dir, "a.txt", "ALPHA!\n");
	put(dir, "new.txt", "n\n");
	snprintf(p, sizeof(p), "%s/sub/b.txt", dir);
	unlink(p);
	assert_int_equal(bs_fim_walk(dir, &pol, &o, &c), 0);
	bs_fim_diff(&a, &c, &d);
	assert_int_equal(d.added, 1);
	assert_int_equal(d.removed, 1);
	assert_int_equal(d.changed, 1);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].kind == BS_FIM_CHANGED) {
			assert_string_equal(d.v[i].path, "a.txt");
			assert_true(d.v[i].attrs & BS_FIM_HASH);
			assert_true(d.v[i].attrs & BS_FIM_SIZE);
		}
	bs_fim_diff_release(&d);

	/* the digest moves with any field */
	struct bs_fim_entry *e = (struct bs_fim_entry *)bs_fim_tree_find(&a, "sub/b.txt");
	e->mode ^= 1;
	bs_fim_tree_digest(&a, d2);
	assert_string_not_equal(d1, d2);
	e->mode ^= 1;
	e->hash[0] = e->hash[0] == '0' ? '1' : '0';
	bs_fim_tree_digest(&a, d2);
	assert_string_not_equal(d1, d2);

	bs_fim_tree_release(&a);
	bs_fim_tree_release(&c);
	bs_fim_policy_release(&pol);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

static void test_entropy_magic_path(void **state)
{
	unsigned char buf[65536];
	struct bs_buf b = BS_BUF_INIT;
	(void)state;

	memset(buf, 'a', sizeof(buf));
	assert_int_equal(bs_fim_entropy(buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	assert_int_equal(bs_fim_entropy(buf, sizeof(buf)), 8000);
	assert_true(bs_fim_magic_compressed((const unsigned char *)"PK\x03\x04rest", 8));
	assert_true(bs_fim_magic_compressed((const unsigned char *)"%PDF-1.7", 8));
	assert_true(bs_fim_magic_compressed((const unsigned char *)"\0\0\0\x18" "ftypmp42", 12));
	assert_false(bs_fim_magic_compressed((const unsigned char *)"hello", 5));
	bs_fim_path_text("a\nb\\c\xff" "d/保單", &b);
	assert_string_equal(b.ptr, "a\\x0ab\\\\c\\xffd/保單");
	bs_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_match),
		cmocka_unit_test(test_walk_diff_digest),
		cmocka_unit_test(test_entropy_magic_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
