/* throttle.c - per-source-address throttling of sign-in, password change and reset
 * (A2.5.4.2.6 anti-automation). A fixed table of sliding one-minute counters in memory:
 * bounded memory whatever the number of sources; a collision evicts the older entry, which
 * can only let an attacker reset someone else's counter by spending their own attempts. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"

#define SLOTS 4096

struct slot {
	unsigned char key[16];
	int64_t window_start;
	int count;
};

static struct slot table[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char hkey[crypto_shorthash_KEYBYTES];
static int keyed;

int bs_throttle_hit(const char *source, int per_minute, int64_t now_us, int *retry_after)
{
	unsigned char key[16];
	uint64_t h;
	int err = 0;

	crypto_generichash(key, sizeof(key), (const unsigned char *)source, strlen(source), NULL, 0);
	pthread_mutex_lock(&mu);
	if (!keyed) { /* keyed so nobody can aim collisions at a known address */
		randombytes_buf(hkey, sizeof(hkey));
		keyed = 1;
	}
	crypto_shorthash((unsigned char *)&h, (const unsigned char *)source, strlen(source), hkey);
	struct slot *s = &table[h % SLOTS];
	if (memcmp(s->key, key, sizeof(key)) || now_us - s->window_start >= 60 * 1000000LL ||
	    now_us < s->window_start) {
		memcpy(s->key, key, sizeof(key));
		s->window_start = now_us;
		s->count = 0;
	}
	if (s->count >= per_minute) {
		*retry_after = (int)((s->window_start + 60 * 1000000LL - now_us) / 1000000) + 1;
		err = bs_error(BS_EDENIED, "too many attempts from this address: wait %d seconds", *retry_after);
	} else {
		s->count++;
		*retry_after = 0;
	}
	pthread_mutex_unlock(&mu);
	return err;
}

void bs_throttle_reset(void)
{
	pthread_mutex_lock(&mu);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&mu);
}
