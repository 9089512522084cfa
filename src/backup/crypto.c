/* crypto.c - the backup key, its subkeys, chunk encryption and the manifest envelope
 * (docs/backup.md "Keys" and "Format"). libsodium only. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/error.h"
#include "keys/keys.h"

#define KEY_PREFIX "bsbackup1-"

void bs_backup_keys_derive(struct bs_backup_keys *k)
{
	static const char ctx[crypto_kdf_CONTEXTBYTES] = { 'b', 's', 'b', 'a', 'c', 'k', 'u', 'p' };
	unsigned char seed[crypto_sign_SEEDBYTES];

	crypto_kdf_derive_from_key(k->id_key, sizeof(k->id_key), 1, ctx, k->master);
	crypto_kdf_derive_from_key(k->chunk_key, sizeof(k->chunk_key), 2, ctx, k->master);
	crypto_kdf_derive_from_key(k->meta_key, sizeof(k->meta_key), 3, ctx, k->master);
	crypto_kdf_derive_from_key(seed, sizeof(seed), 4, ctx, k->master);
	crypto_sign_seed_keypair(k->sign_pk, k->sign_sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

void bs_backup_keys_wipe(struct bs_backup_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

void bs_backup_key_text(const struct bs_backup_keys *k, char out[BS_BACKUP_KEY_TEXT_MAX])
{
	memcpy(out, KEY_PREFIX, sizeof(KEY_PREFIX) - 1);
	sodium_bin2hex(out + sizeof(KEY_PREFIX) - 1, BS_BACKUP_KEY_TEXT_MAX - (sizeof(KEY_PREFIX) - 1), k->master,
		       sizeof(k->master));
}

static int key_from_text(const char *text, size_t len, const char *where, struct bs_backup_keys *k)
{
	size_t binlen = 0;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	if (len != sizeof(KEY_PREFIX) - 1 + 64 || memcmp(text, KEY_PREFIX, sizeof(KEY_PREFIX) - 1) ||
	    sodium_hex2bin(k->master, sizeof(k->master), text + sizeof(KEY_PREFIX) - 1, 64, NULL, &binlen, NULL) != 0 ||
	    binlen != sizeof(k->master)) {
		sodium_memzero(k, sizeof(*k));
		return bs_error(BS_EINVALID, "'%s' does not hold a backup key: expected one line bsbackup1- and 64 hex "
					     "digits, as 'brokersec backup key export' prints it", where);
	}
	bs_backup_keys_derive(k);
	return 0;
}

int bs_backup_key_read_file(const char *path, struct bs_backup_keys *k)
{
	struct bs_buf b = BS_BUF_INIT;
	int err;
	if ((err = bs_buf_read_file(&b, path)) < 0) {
		bs_buf_release(&b);
		return err;
	}
	err = key_from_text(b.ptr ? b.ptr : "", b.len, path, k);
	sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	return err;
}

int bs_backup_key_load(const char *datapath, int create, struct bs_backup_keys *k, int *made)
{
	struct bs_buf path = BS_BUF_INIT;
	int fd, err = 0;
	ssize_t n;

	*made = 0;
	memset(k, 0, sizeof(*k));
	bs_buf_printf(&path, "%s/keys/backup.key", datapath);
	fd = open(path.ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		randombytes_buf(k->master, sizeof(k->master));
		if ((err = bs_write_new_file(path.ptr, k->master, sizeof(k->master))) < 0)
			goto done;
		*made = 1;
		bs_backup_keys_derive(k);
		goto done;
	}
	if (fd < 0) {
		if (errno == ENOENT)
			err = bs_error(BS_ENOTFOUND, "no backup key in '%s': 'brokersec backup create' makes one, or give "
						     "the exported key with --key-file FILE", path.ptr);
		else
			err = bs_error(BS_ERR, "cannot read backup key '%s': %s", path.ptr, bs_strerror(errno));
		goto done;
	}
	{
		unsigned char raw[BS_BACKUP_KEY_BYTES + 1];
		n = read(fd, raw, sizeof(raw));
		close(fd);
		if (n == (ssize_t)sizeof(k->master))
			memcpy(k->master, raw, sizeof(k->master));
		sodium_memzero(raw, sizeof(raw));
	}
	if (n != (ssize_t)sizeof(k->master)) {
		err = bs_error(BS_EINVALID, "backup key '%s' is not 32 bytes: restore it from the exported copy "
					    "(bsbackup1-...) into a file and pass --key-file FILE", path.ptr);
		goto done;
	}
	bs_backup_keys_derive(k);
done:
	if (err < 0)
		sodium_memzero(k, sizeof(*k));
	bs_buf_release(&path);
	return err;
}

void bs_backup_chunk_id(const struct bs_backup_keys *k, const unsigned char *data, size_t len, unsigned char id[32])
{
	crypto_generichash(id, 32, data, len, k->id_key, sizeof(k->id_key));
}

void bs_backup_chunk_seal(const struct bs_backup_keys *k, const unsigned char id[32], const unsigned char *plain,
			  size_t len, int flag, struct bs_buf *out)
{
	unsigned char *p;
	unsigned long long clen;
	size_t total = 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 1 + len +
		       crypto_aead_xchacha20poly1305_ietf_ABYTES;
	/* the flag byte and the data are encrypted together: copy them into place first */
	bs_buf_clear(out);
	bs_buf_grow(out, total);
	p = (unsigned char *)out->ptr;
	memcpy(p, BS_BACKUP_CHUNK_MAGIC, 4);
	randombytes_buf(p + 4, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	p[4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = (unsigned char)flag;
	memcpy(p + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 1, plain, len);
	crypto_aead_xchacha20poly1305_ietf_encrypt(p + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
						   p + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, 1 + len, id,
						   32, NULL, p + 4, k->chunk_key);
	out->len = 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
	out->ptr[out->len] = 0;
}

int bs_backup_chunk_open(const struct bs_backup_keys *k, const unsigned char id[32], unsigned char *in, size_t len,
			 unsigned char **plain, size_t *plen, int *flag)
{
	unsigned long long mlen;
	unsigned char *c = in + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	if (len < 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 1 + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
	    memcmp(in, BS_BACKUP_CHUNK_MAGIC, 4))
		return BS_EINVALID;
	/* in place: the plaintext is never longer than the ciphertext */
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(c, &mlen, NULL, c, len - (size_t)(c - in), id, 32, in + 4,
						       k->chunk_key) != 0)
		return BS_EINVALID;
	*flag = c[0];
	*plain = c + 1;
	*plen = (size_t)mlen - 1;
	return 0;
}

#define ENV_HDR (4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 8)

void bs_backup_envelope_seal(const struct bs_backup_keys *k, const char *text, size_t len, struct bs_buf *out)
{
	unsigned char *p;
	unsigned long long clen;
	size_t ct = len + crypto_aead_xchacha20poly1305_ietf_ABYTES;

	bs_buf_clear(out);
	bs_buf_grow(out, ENV_HDR + ct + crypto_sign_BYTES);
	p = (unsigned char *)out->ptr;
	memcpy(p, BS_BACKUP_MANIFEST_MAGIC, 4);
	randombytes_buf(p + 4, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	for (int i = 0; i < 8; i++)
		p[4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + i] = (unsigned char)((uint64_t)ct >> (8 * i));
	crypto_aead_xchacha20poly1305_ietf_encrypt(p + ENV_HDR, &clen, (const unsigned char *)text, len, p, 4, NULL,
						   p + 4, k->meta_key);
	crypto_sign_detached(p + ENV_HDR + clen, NULL, p, ENV_HDR + (size_t)clen, k->sign_sk);
	out->len = ENV_HDR + (size_t)clen + crypto_sign_BYTES;
	out->ptr[out->len] = 0;
}

int bs_backup_envelope_open(const struct bs_backup_keys *k, const unsigned char *in, size_t len, char **text,
			    size_t *textlen)
{
	uint64_t ct = 0;
	unsigned long long mlen;
	unsigned char *m;

	*text = NULL;
	*textlen = 0;
	if (len < ENV_HDR + crypto_aead_xchacha20poly1305_ietf_ABYTES + crypto_sign_BYTES ||
	    memcmp(in, BS_BACKUP_MANIFEST_MAGIC, 4))
		return bs_error(BS_EINVALID, "not a brokersec backup manifest (no BSM1 header or too short)");
	for (int i = 0; i < 8; i++)
		ct |= (uint64_t)in[4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + i] << (8 * i);
	if (ct < crypto_aead_xchacha20poly1305_ietf_ABYTES || ct != len - ENV_HDR - crypto_sign_BYTES)
		return bs_error(BS_EINVALID, "manifest length field %llu does not match the file's %zu bytes: the file "
					     "was cut off or extended", (unsigned long long)ct, len);
	if (crypto_sign_verify_detached(in + ENV_HDR + ct, in, ENV_HDR + (size_t)ct, k->sign_pk) != 0)
		return bs_error(BS_EINVALID, "manifest signature does not verify with the backup key's signing key: "
					     "the manifest was changed or signed under another backup key");
	m = bs_malloc((size_t)ct + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, in + ENV_HDR, (size_t)ct, in, 4, in + 4,
						       k->meta_key) != 0) {
		free(m);
		return bs_error(BS_EINVALID, "manifest does not decrypt under the backup key although its signature "
					     "verifies");
	}
	m[mlen] = 0;
	*text = (char *)m;
	*textlen = (size_t)mlen;
	return 0;
}
