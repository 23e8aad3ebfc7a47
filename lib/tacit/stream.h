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
/* Most threads a payload is split across. */
#define TACIT_STREAM_THREADS_MAX 16

/* Where the output goes: 0, or a TACIT_E* code that stops the stream. */
typedef int (*tacit_write_fn)(void *arg, const void *p, size_t n);

/*
 * Encrypt all of in: write the 16-byte nonce, then the chunks, the last
 * one flagged (empty only when in is empty).  The payload key is derived
 * from file_key and nonce with HKDF-SHA256 ("payload") and wiped after.
 * Chunks are independent, so batches of them are encrypted on up to
 * threads cores; the output is exactly what one thread would write.
 * Memory stays bounded (about 2 MiB a thread) whatever the input size.
 */
TACIT_WUR int tacit_stream_encrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const uint8_t nonce[TACIT_STREAM_NONCE_LEN], struct tacit_in *in,
    tacit_write_fn write, void *arg, unsigned threads, struct tacit_err *e);

/*
 * Decrypt the payload read from in (just after the header).  Chunks are
 * passed to write only after they authenticate, in order.  Truncation, a
 * missing or misplaced last chunk, data after it, and an empty last chunk
 * after others all fail: TACIT_EAUTH for a chunk that does not
 * authenticate, TACIT_EFORMAT for a malformed payload, or the error of
 * in or write.  What was written before a failure was authenticated.
 */
TACIT_WUR int tacit_stream_decrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    struct tacit_in *in, tacit_write_fn write, void *arg, unsigned threads,
    struct tacit_err *e);

#endif
