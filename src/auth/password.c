/* password.c - password composition rules, the dictionary check and Argon2id hashing.
 *
 * Cost (benchmarked on this project's 2-core reference machine with crypto_pwhash_str):
 *   ops=2 mem=19 MiB 18 ms · ops=2 mem=64 MiB 70 ms · ops=3 mem=64 MiB 102 ms ·
 *   ops=3 mem=128 MiB 203 ms · ops=4 mem=128 MiB 270 ms
 * We use opslimit 3, memlimit 64 MiB (~100 ms per hash): above OWASP's Argon2id minimum
 * (19 MiB, t=2) and still a sub-second sign-in. At most one hash per CPU runs at once
 * (a counting semaphore), so a login flood costs at most ncpu x 64 MiB of memory; the rest
 * wait up to 10 s and are then answered "busy".
 *
 * Test data directories (datadir.h, "test data directories") hash at libsodium's minimum
 * cost (t=1, 8 KiB) while one is open in the process; everywhere else a hash below the
 * production cost is refused at sign-in (one copied from a test directory). Verification
 * reads the cost from the encoded hash, so a production hash verifies everywhere. */
#include <stddef.h>
#include <crack.h>
#include <stdio.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"

static pthread_mutex_t slot_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_cv = PTHREAD_COND_INITIALIZER;
static int slots_used;
static pthread_mutex_t crack_mu = PTHREAD_MUTEX_INITIALIZER; /* cracklib keeps static state */
int bs_pwhash_slots(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 8)
		n = 8;
	return (int)n;
}

static int slot_take(void)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&slot_mu);
	while (slots_used >= bs_pwhash_slots() && rc == 0)
		rc = pthread_cond_timedwait(&slot_cv, &slot_mu, &until);
	if (slots_used < bs_pwhash_slots()) {
		slots_used++;
		rc = 0;
	}
	pthread_mutex_unlock(&slot_mu);
	if (rc)
		return bs_error(BS_ECONFLICT, "the server is busy checking other passwords: try again in a few seconds");
	return 0;
}

static void slot_give(void)
{
	pthread_mutex_lock(&slot_mu);
	slots_used--;
	pthread_cond_signal(&slot_cv);
	pthread_mutex_unlock(&slot_mu);
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), h = strlen(hay);
	for (size_t i = 0; n && i + n <= h; i++) {
		size_t j = 0;
		while (j < n) {
			char a = hay[i + j], b = needle[j];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			j++;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

int bs_password_check(const struct bs_policy *p, const char *username, const char *pw)
{
	size_t len = strlen(pw), chars = 0;
	int lower = 0, upper = 0, digit = 0, other = 0;

	if (len > BS_PASSWORD_MAX)
		return bs_error(BS_EINVALID, "the new password is longer than %d bytes: choose a shorter one",
				BS_PASSWORD_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];
		if ((c & 0xC0) != 0x80)
			chars++;
		if (c < 0x20 || c == 0x7f)
			return bs_error(BS_EINVALID, "the new password contains a control character: use printable "
					"characters only");
		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			other = 1;
	}
	if ((int64_t)chars < p->v[BS_POL_MIN_LENGTH])
		return bs_error(BS_EINVALID, "the new password has %zu characters but the policy requires at least %lld "
				"(A2.5.4.2.4): choose a longer one", chars, (long long)p->v[BS_POL_MIN_LENGTH]);
	if (lower + upper + digit + other < p->v[BS_POL_MIN_CLASSES])
		return bs_error(BS_EINVALID, "the new password uses %d of the 4 character classes (lower case, upper "
				"case, digits, other) but the policy requires %lld: add the missing kinds",
				lower + upper + digit + other, (long long)p->v[BS_POL_MIN_CLASSES]);
	if (username && *username && contains_ci(pw, username))
		return bs_error(BS_EINVALID, "the new password contains the username '%s': choose one that does not",
				username);
	return bs_password_dictionary(pw, username);
}

int bs_password_dictionary(const char *pw, const char *username)
{
	const char *dict = GetDefaultCracklibDict();
	char probe[512];
	const char *why;

	/* FascistCheck exits the process when the dictionary is missing (Debian #682735):
	 * look before calling it. */
	snprintf(probe, sizeof(probe), "%s.pwd", dict);
	if (access(probe, R_OK) != 0)
		return bs_error(BS_ERR, "the password dictionary '%s' is missing: install the Debian package "
				"cracklib-runtime (scripts/install-deps)", probe);
	pthread_mutex_lock(&crack_mu);
	why = FascistCheckUser(pw, dict, username && *username ? username : "nobody", NULL);
	if (why) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%s", why);
		pthread_mutex_unlock(&crack_mu);
		return bs_error(BS_EINVALID, "the new password is too easy to guess (dictionary check: %s): choose "
				"an unrelated phrase or a generated password", msg);
	}
	/* cracklib strips only a little decoration: "Password1234" passes it. When one run of
	 * letters makes up half the password or more, that run alone must not be a dictionary
	 * word either (passphrases of several words are not affected). */
	size_t best = 0, bestlen = 0, len = strlen(pw);
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && ((pw[j] >= 'a' && pw[j] <= 'z') || (pw[j] >= 'A' && pw[j] <= 'Z')))
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (bestlen >= 6 && bestlen * 2 >= len && bestlen < 128) {
		char run[128];
		memcpy(run, pw + best, bestlen);
		run[bestlen] = '\0';
		why = FascistCheckUser(run, dict, username && *username ? username : "nobody", NULL);
		int word = why && strstr(why, "dictionary");
		sodium_memzero(run, sizeof(run));
		if (word) {
			pthread_mutex_unlock(&crack_mu);
			return bs_error(BS_EINVALID, "the new password is too easy to guess (dictionary check: it is a "
					"dictionary word with a few characters added): choose an unrelated phrase or a "
					"generated password");
		}
	}
	pthread_mutex_unlock(&crack_mu);
	return 0;
}

/* The Argon2id cost of an encoded hash ("$argon2id$v=19$m=65536,t=3,p=1$salt$hash", m in
 * KiB): 0, or -1 when hash does not have that form. */
static int hash_cost(const char *hash, unsigned long long *ops, size_t *mem)
{
	const char *p = strstr(hash, "$m=");
	unsigned long m, t;
	unsigned par;
	char end;

	if (!p || sscanf(p, "$m=%lu,t=%lu,p=%u%c", &m, &t, &par, &end) != 4 || end != '$')
		return -1;
	*ops = t;
	*mem = (size_t)m * 1024;
	return 0;
}

int bs_password_hash_is_weak(const char *hash)
{
	unsigned long long ops;
	size_t mem;

	return hash_cost(hash, &ops, &mem) < 0 || ops < BS_PWHASH_OPSLIMIT || mem < BS_PWHASH_MEMLIMIT;
}

/* Hashes pw at the production cost, or at the minimum in a test process. */
static int make_hash(const char *pw, size_t len, char out[BS_PWHASH_MAX], int test)
{
	if (crypto_pwhash_str(out, pw, len, test ? crypto_pwhash_argon2id_OPSLIMIT_MIN : BS_PWHASH_OPSLIMIT,
			      test ? crypto_pwhash_argon2id_MEMLIMIT_MIN : BS_PWHASH_MEMLIMIT) != 0)
		return -1;
	return 0;
}

int bs_password_hash(const char *pw, char out[BS_PWHASH_MAX])
{
	int test = bs_datadir_test_kdf_active(), err;

	if ((err = slot_take()) < 0)
		return err;
	err = make_hash(pw, strlen(pw), out, test);
	slot_give();
	if (err != 0)
		return bs_error(BS_ERR, "cannot hash the password: out of memory (Argon2id needs %u KiB)",
				test ? (unsigned)(crypto_pwhash_argon2id_MEMLIMIT_MIN >> 10) : BS_PWHASH_MEMLIMIT >> 10);
	return 0;
}

/* Argon2id verification, whatever the hash's cost: 1 match, 0 no match, <0 busy. */
static int verify_any(const char *hash, const char *pw)
{
	int err;

	if ((err = slot_take()) < 0)
		return err;
	err = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	slot_give();
	return err == 0 ? 1 : 0;
}

/* A hash of a random value nobody knows, one per cost: it never verifies. */
static char dummy_hash[2][BS_PWHASH_MAX];
static pthread_once_t dummy_once[2] = { PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT };

static void dummy_make(int test)
{
	unsigned char r[32];
	randombytes_buf(r, sizeof(r));
	if (make_hash((const char *)r, sizeof(r), dummy_hash[test], test) != 0)
		dummy_hash[test][0] = '\0';
	sodium_memzero(r, sizeof(r));
}

static void dummy_init_production(void)
{
	dummy_make(0);
}

static void dummy_init_test(void)
{
	dummy_make(1);
}

/* The work of one verification at the current cost, with no answer. */
static void dummy_work(const char *pw)
{
	int test = bs_datadir_test_kdf_active();

	pthread_once(&dummy_once[test], test ? dummy_init_test : dummy_init_production);
	if (dummy_hash[test][0])
		(void)verify_any(dummy_hash[test], pw);
}

int bs_password_verify(const char *hash, const char *pw)
{
	/* Outside a test data directory a cheap hash opens nothing: it was copied from a test
	 * directory (or made by hand). The attempt still costs what a real one does, so that
	 * the answer's timing does not tell such an account apart. */
	if (!bs_datadir_test_kdf_active() && bs_password_hash_is_weak(hash)) {
		dummy_work(pw);
		return 0;
	}
	return verify_any(hash, pw);
}

int bs_password_dummy_verify(const char *pw)
{
	dummy_work(pw);
	return 0;
}

void bs_password_generate(char out[32])
{
	/* 20 characters from a set without look-alikes; the class of each of the first four
	 * positions is forced so the result always has all 4 classes. */
	static const char *const sets[4] = { "abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789",
					     "-_.!@#%+=" };
	static const char all[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!@#%+=";
	for (int i = 0; i < 20; i++) {
		const char *set = i < 4 ? sets[i] : all;
		out[i] = set[randombytes_uniform((uint32_t)strlen(set))];
	}
	/* shuffle so the forced classes are not always first */
	for (int i = 19; i > 0; i--) {
		int j = (int)randombytes_uniform((uint32_t)i + 1);
		char t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
	out[20] = '\0';
}
