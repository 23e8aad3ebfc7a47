/* stream: age's STREAM payload on libsodium's ChaCha20-Poly1305 (IETF). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tacit/hkdf.h"
#include "tacit/stream.h"

#define KEY_LEN crypto_aead_chacha20poly1305_ietf_KEYBYTES
#define CT_CHUNK (TACIT_STREAM_CHUNK + TACIT_STREAM_TAG)

/* The 12-byte nonce: an 11-byte big-endian counter and the last flag. */
static void
chunk_nonce(uint8_t n[crypto_aead_chacha20poly1305_ietf_NPUBBYTES],
    uint64_t counter, int last)
{
	memset(n, 0, 3); /* the counter's top bytes: never reached */
	for (int i = 0; i < 8; i++)
		n[3 + i] = (uint8_t)(counter >> (8 * (7 - i)));
	n[11] = last ? 1 : 0;
}

/* The payload key in locked memory; NULL when out of memory. */
static uint8_t *
payload_key(const uint8_t *file_key, const uint8_t *nonce)
{
	static const uint8_t info[] = "payload";
	uint8_t *k = sodium_malloc(KEY_LEN);

	if (k != NULL &&
	    tacit_hkdf_sha256(k, KEY_LEN, nonce, TACIT_STREAM_NONCE_LEN,
		file_key, TACIT_FILE_KEY_LEN, info,
		sizeof(info) - 1) != TACIT_OK) {
		sodium_free(k);
		k = NULL;
	}
	return k;
}

/* What one direction needs: the payload key and one chunk each way. */
struct chunks {
	uint8_t *key, *pt, *ct;
};

static int
chunks_open(struct chunks *c, const uint8_t *file_key, const uint8_t *nonce,
    struct tacit_err *e)
{
	c->key = payload_key(file_key, nonce);
	c->pt = malloc(TACIT_STREAM_CHUNK);
	c->ct = malloc(CT_CHUNK);
	if (c->key == NULL || c->pt == NULL || c->ct == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	return TACIT_OK;
}

/* Wipe the plaintext and the key; safe after a failed chunks_open. */
static void
chunks_close(struct chunks *c)
{
	if (c->pt != NULL)
		sodium_memzero(c->pt, TACIT_STREAM_CHUNK);
	free(c->pt);
	free(c->ct);
	sodium_free(c->key);
}

int
tacit_stream_encrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const uint8_t nonce[TACIT_STREAM_NONCE_LEN], const struct tacit_src *in,
    struct tacit_sink *out, struct tacit_err *e)
{
	uint8_t n[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
	struct chunks c;
	uint64_t off = 0, counter = 0;
	int rc;

	rc = chunks_open(&c, file_key, nonce, e);
	if (rc != TACIT_OK)
		goto out;
	tacit_sink_write(out, nonce, TACIT_STREAM_NONCE_LEN);
	do {
		uint64_t left = in->size - off;
		size_t len = left < TACIT_STREAM_CHUNK ? (size_t)left
						       : TACIT_STREAM_CHUNK;
		int last = off + len == in->size;
		unsigned long long ctlen;

		rc = tacit_src_read(in, off, c.pt, len);
		if (rc != TACIT_OK) {
			tacit_err_set(e, "read error");
			goto out;
		}
		chunk_nonce(n, counter++, last);
		crypto_aead_chacha20poly1305_ietf_encrypt(c.ct, &ctlen, c.pt,
		    len, NULL, 0, NULL, n, c.key);
		if (tacit_sink_write(out, c.ct, (size_t)ctlen) != TACIT_OK) {
			tacit_err_set(e, "write error");
			rc = out->err;
			goto out;
		}
		off += len;
	} while (off < in->size);
out:
	chunks_close(&c);
	return rc;
}

int
tacit_stream_decrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const struct tacit_src *in, uint64_t off,
    int (*emit)(void *arg, const uint8_t *p, size_t n), void *arg,
    struct tacit_err *e)
{
	uint8_t nonce[TACIT_STREAM_NONCE_LEN];
	uint8_t n[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
	struct chunks c;
	uint64_t counter = 0;
	int rc, last = 0;

	if (off > in->size ||
	    tacit_src_read(in, off, nonce, sizeof(nonce)) != TACIT_OK) {
		tacit_err_set(e, "truncated payload: no nonce");
		return TACIT_EFORMAT;
	}
	off += sizeof(nonce);
	rc = chunks_open(&c, file_key, nonce, e);
	if (rc != TACIT_OK)
		goto out;
	do {
		uint64_t left = in->size - off;
		size_t len = left < CT_CHUNK ? (size_t)left : CT_CHUNK;
		unsigned long long ptlen;

		/* The chunk that reaches the end of the payload is the last. */
		last = len == left;
		if (len < TACIT_STREAM_TAG) {
			tacit_err_set(e, "truncated payload");
			rc = TACIT_EFORMAT;
			goto out;
		}
		rc = tacit_src_read(in, off, c.ct, len);
		if (rc != TACIT_OK) {
			tacit_err_set(e, "read error");
			goto out;
		}
		chunk_nonce(n, counter, last);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(c.pt, &ptlen,
			NULL, c.ct, len, NULL, 0, n, c.key) != 0) {
			tacit_err_set(e, "authentication failed (chunk %llu)",
			    (unsigned long long)counter);
			rc = TACIT_EFORMAT;
			goto out;
		}
		if (last && ptlen == 0 && counter > 0) {
			tacit_err_set(e, "empty last chunk");
			rc = TACIT_EFORMAT;
			goto out;
		}
		counter++;
		off += len;
		rc = emit(arg, c.pt, (size_t)ptlen);
		if (rc != TACIT_OK)
			goto out;
	} while (!last);
out:
	chunks_close(&c);
	return rc;
}
