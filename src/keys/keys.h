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

/* Writes a new file with mode 0600 (O_EXCL: never replaces one) and fsyncs it. */
int bs_write_new_file(const char *path, const void *data, size_t len);

#endif
