/* hkdf: HKDF-SHA256 (RFC 5869) on libsodium's HMAC-SHA256, as age uses it. */
#ifndef TACIT_HKDF_H
#define TACIT_HKDF_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/io.h"

/*
 * Derive outlen bytes (at most 255 * 32) from ikm with salt (NULL or
 * empty: 32 zero bytes, as RFC 5869 says) and info.  Intermediate keys
 * are wiped.  TACIT_EUSAGE when outlen is too large.
 */
TACIT_WUR int tacit_hkdf_sha256(uint8_t *out, size_t outlen,
    const uint8_t *salt, size_t saltlen, const uint8_t *ikm, size_t ikmlen,
    const uint8_t *info, size_t infolen);

#endif
