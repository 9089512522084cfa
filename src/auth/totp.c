/* totp.c - HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1 from GnuTLS, the RFCs'
 * default that every authenticator app implements. */
#include <gnutls/crypto.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"

uint32_t bs_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	static const uint32_t mod[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };
	unsigned char msg[8], mac[20];
	uint32_t bin;

	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA1, key, keylen, msg, sizeof(msg), mac) < 0)
		return UINT32_MAX; /* never a valid code: it has more than 8 digits */
	int off = mac[19] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) |
	      mac[off + 3];
	sodium_memzero(mac, sizeof(mac));
	if (digits < 6 || digits > 8)
		digits = 6;
	return bin % mod[digits];
}

uint32_t bs_totp(const unsigned char *key, size_t keylen, int64_t unix_seconds, int digits)
{
	return bs_hotp(key, keylen, (uint64_t)(unix_seconds / 30), digits);
}

int64_t bs_totp_check(const unsigned char *key, size_t keylen, int64_t unix_seconds, const char *code,
		      int64_t last_step)
{
	char want[8], got[8] = { 0 };
	int64_t found = 0;

	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return 0;
	memcpy(got, code, 6);
	/* one step of clock drift either way; every candidate is compared (no early exit) */
	for (int d = -1; d <= 1; d++) {
		int64_t step = unix_seconds / 30 + d;
		snprintf(want, sizeof(want), "%06u", (unsigned)bs_hotp(key, keylen, (uint64_t)step, 6));
		if (sodium_memcmp(want, got, 6) == 0 && step > last_step && !found)
			found = step;
	}
	sodium_memzero(want, sizeof(want));
	return found;
}

void bs_base32_encode(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t o = 0;
	unsigned buf = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < outsz) {
			out[o++] = alpha[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < outsz)
		out[o++] = alpha[(buf << (5 - bits)) & 31];
	if (outsz)
		out[o] = '\0';
}
