#include "keys/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
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
		return bs_error(errno == EEXIST ? BS_EEXISTS : BS_ERR, "cannot create '%s': %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			(void)unlink(path);
			return bs_error(BS_ERR, "cannot write '%s': %s", path, strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		int e = errno;
		(void)unlink(path);
		return bs_error(BS_ERR, "cannot write '%s': %s", path, strerror(e));
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
		err = bs_error(errno == EEXIST ? BS_EEXISTS : BS_ERR, "cannot create '%s': %s", keysdir, strerror(errno));
		goto done;
	}
	if (chmod(keysdir, 0700) != 0) {
		err = bs_error(BS_ERR, "cannot set mode 0700 on '%s': %s", keysdir, strerror(errno));
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
