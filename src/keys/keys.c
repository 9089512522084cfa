#include "keys/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"

int bs_write_new_file(const char *path, const void *data, size_t len)
{
	const unsigned char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return bs_error(errno == EEXIST ? BS_EEXISTS : BS_ERR, "cannot create '%s': %s", path, bs_strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			(void)unlink(path);
			return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		int e = errno;
		(void)unlink(path);
		return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(e));
	}
	return 0;
}

static char *join(const char *dir, const char *name)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "%s/%s", dir, name);
	return bs_buf_detach(&b, NULL);
}

int bs_keys_create(const char *keysdir)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[crypto_sign_PUBLICKEYBYTES * 2 + 2];
	char *skpath = join(keysdir, "signing.key"), *pkpath = join(keysdir, "signing.pub");
	int err = 0;

	if (mkdir(keysdir, 0700) != 0) {
		err = bs_error(errno == EEXIST ? BS_EEXISTS : BS_ERR, "cannot create '%s': %s", keysdir, bs_strerror(errno));
		goto done;
	}
	if (chmod(keysdir, 0700) != 0) {
		err = bs_error(BS_ERR, "cannot set mode 0700 on '%s': %s", keysdir, bs_strerror(errno));
		goto done;
	}
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	hex[sizeof(hex) - 2] = '\n';
	hex[sizeof(hex) - 1] = '\0';
	if ((err = bs_write_new_file(skpath, sk, sizeof(sk))) < 0)
		goto done;
	err = bs_write_new_file(pkpath, hex, sizeof(hex) - 1);
done:
	sodium_memzero(sk, sizeof(sk));
	free(skpath);
	free(pkpath);
	return err;
}

static int load_exact(const char *keysdir, const char *name, struct bs_buf *b)
{
	char *path = join(keysdir, name);
	struct stat st;
	int err;

	if (lstat(path, &st) == 0 && (st.st_mode & 077)) {
		err = bs_error(BS_EDENIED, "key file '%s' is accessible by other users (mode %04o): run chmod 600 '%s'",
			       path, (unsigned)(st.st_mode & 07777), path);
		free(path);
		return err;
	}
	err = bs_buf_read_file(b, path);
	free(path);
	return err;
}

int bs_keys_load_signing(const char *keysdir, unsigned char sk[BS_SIGN_SECRET_BYTES])
{
	struct bs_buf b = BS_BUF_INIT;
	int err = load_exact(keysdir, "signing.key", &b);

	if (err == 0 && b.len != BS_SIGN_SECRET_BYTES)
		err = bs_error(BS_ERR, "key file '%s/signing.key' is damaged: %zu bytes instead of %d",
			       keysdir, b.len, BS_SIGN_SECRET_BYTES);
	if (err == 0)
		memcpy(sk, b.ptr, BS_SIGN_SECRET_BYTES);
	sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	return err;
}

int bs_keys_load_public(const char *keysdir, unsigned char pk[BS_SIGN_PUBLIC_BYTES])
{
	struct bs_buf b = BS_BUF_INIT;
	size_t got = 0;
	int err = load_exact(keysdir, "signing.pub", &b);

	if (err == 0 && (sodium_hex2bin(pk, BS_SIGN_PUBLIC_BYTES, b.ptr, b.len, "\n", &got, NULL) != 0 ||
			 got != BS_SIGN_PUBLIC_BYTES))
		err = bs_error(BS_ERR, "key file '%s/signing.pub' is damaged: expected %d hex bytes",
			       keysdir, BS_SIGN_PUBLIC_BYTES);
	bs_buf_release(&b);
	return err;
}

/* ---- sealed secrets ---- */

#define SECRETS_KEY "secrets.key"
_Static_assert(BS_SECRET_SEAL_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
	       crypto_aead_xchacha20poly1305_ietf_ABYTES, "seal overhead");

/* keys/secrets.key, made first when create and missing (O_EXCL: of two processes that make
 * it at once, one wins and both use its key). */
static int secrets_key(const char *keysdir, unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
		       int create)
{
	struct bs_buf b = BS_BUF_INIT;
	char *path = join(keysdir, SECRETS_KEY);
	struct stat st;
	int err;

	if (create && lstat(path, &st) != 0 && errno == ENOENT) {
		unsigned char k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
		randombytes_buf(k, sizeof(k));
		if (bs_write_new_file(path, k, sizeof(k)) < 0)
			bs_error_clear(); /* made by another process meanwhile, or the read says why */
		sodium_memzero(k, sizeof(k));
	}
	free(path);
	err = load_exact(keysdir, SECRETS_KEY, &b);
	if (err == 0 && b.len != crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
		err = bs_error(BS_ERR, "key file '%s/%s' is damaged: %zu bytes instead of %d", keysdir, SECRETS_KEY,
			       b.len, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	if (err == 0)
		memcpy(key, b.ptr, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	return err;
}

int bs_keys_seal_secret(const char *keysdir, const char *ad, const unsigned char *in, size_t len, unsigned char *out)
{
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	int err;

	if ((err = secrets_key(keysdir, key, 1)) < 0)
		return err;
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, in, len,
						   (const unsigned char *)ad, strlen(ad), NULL, out, key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

int bs_keys_open_secret(const char *keysdir, const char *ad, const unsigned char *in, size_t len, unsigned char *out)
{
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	int err;

	if (len < BS_SECRET_SEAL_BYTES)
		return bs_error(BS_ERR, "a sealed secret (%s) is damaged: %zu bytes", ad, len);
	if ((err = secrets_key(keysdir, key, 0)) < 0)
		return err;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
						       len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
						       (const unsigned char *)ad, strlen(ad), in, key) != 0)
		err = bs_error(BS_ERR, "a sealed secret (%s) does not open with '%s/%s': it was changed, moved, "
			       "or the key file is not the one it was sealed with", ad, keysdir, SECRETS_KEY);
	sodium_memzero(key, sizeof(key));
	return err;
}
