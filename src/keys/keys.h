/*
 * keys.h - the data directory's key files (keys/, mode 0700, files 0600).
 *
 * Secrets are read into caller-provided buffers that the caller wipes with
 * sodium_memzero() when done; nothing here logs or prints a secret.
 */
#ifndef BS_KEYS_KEYS_H
#define BS_KEYS_KEYS_H

#include <stddef.h>

#define BS_SIGN_SECRET_BYTES 64
#define BS_SIGN_PUBLIC_BYTES 32

/* Creates keysdir (0700) with a new Ed25519 signing key pair: signing.key (0600, raw) and
 * signing.pub (0600, hex). Fails if keysdir exists. */
int bs_keys_create(const char *keysdir);

int bs_keys_load_signing(const char *keysdir, unsigned char sk[BS_SIGN_SECRET_BYTES]);
int bs_keys_load_public(const char *keysdir, unsigned char pk[BS_SIGN_PUBLIC_BYTES]);

/*
 * Secrets brokersec must keep in brokersec.db to use them again (TOTP seeds) are sealed
 * with XChaCha20-Poly1305 under keys/secrets.key (32 random bytes, made on first use), so a
 * copy of the database without keys/ (a backup, a file sent for support) does not give them
 * away. ad binds a sealed value to its place (e.g. "totp:42"): moved to another row it does
 * not open. Sealed: BS_SECRET_SEAL_BYTES more than the secret.
 */
#define BS_SECRET_SEAL_BYTES 40
int bs_keys_seal_secret(const char *keysdir, const char *ad, const unsigned char *in, size_t len,
			unsigned char *out);
/* Opens what bs_keys_seal_secret made into out (len - BS_SECRET_SEAL_BYTES bytes); an error
 * when it was changed, moved or sealed under another key. */
int bs_keys_open_secret(const char *keysdir, const char *ad, const unsigned char *in, size_t len,
			unsigned char *out);

/* Writes a new file with mode 0600 (O_EXCL: never replaces one) and fsyncs it. */
int bs_write_new_file(const char *path, const void *data, size_t len);

#endif
