/* stream: the age v1 payload, 64 KiB ChaCha20-Poly1305 chunks (STREAM). */
#ifndef TACIT_STREAM_H
#define TACIT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/io.h"

#define TACIT_FILE_KEY_LEN 16
#define TACIT_STREAM_NONCE_LEN 16
#define TACIT_STREAM_CHUNK (64u * 1024u)
#define TACIT_STREAM_TAG 16

/*
 * Encrypt all of in to out: the 16-byte nonce, then the chunks, the last
 * one flagged (empty only when in is empty).  The payload key is derived
 * from file_key and nonce with HKDF-SHA256 ("payload") and wiped after.
 */
TACIT_WUR int tacit_stream_encrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const uint8_t nonce[TACIT_STREAM_NONCE_LEN], const struct tacit_src *in,
    struct tacit_sink *out, struct tacit_err *e);

/*
 * Decrypt the payload that starts at off in in.  Each chunk is passed to
 * emit only after it authenticates, in order; emit returns 0 or an error
 * that stops the decryption.  Truncation, a missing or misplaced last
 * chunk, data after it, and an empty last chunk after others all fail
 * (TACIT_EFORMAT, "authentication failed" and the like).
 */
TACIT_WUR int tacit_stream_decrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const struct tacit_src *in, uint64_t off,
    int (*emit)(void *arg, const uint8_t *p, size_t n), void *arg,
    struct tacit_err *e);

#endif
