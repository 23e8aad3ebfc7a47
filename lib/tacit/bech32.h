/* bech32: the BIP-173 encoding age uses for keys (age1..., AGE-SECRET-KEY-1...). */
#ifndef TACIT_BECH32_H
#define TACIT_BECH32_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/io.h"

/*
 * Longest string accepted or produced.  BIP-173 caps addresses at 90
 * characters; age does not (post-quantum keys are longer), so neither do
 * we beyond this sanity bound.
 */
#define TACIT_BECH32_MAX 4096

/*
 * Encode bytes under a human-readable part, lowercase, into out (with its
 * NUL).  TACIT_EUSAGE when hrp is not 1..83 printable ASCII characters or
 * out is too small.
 */
TACIT_WUR int tacit_bech32_encode(char *out, size_t outcap, const char *hrp,
    const uint8_t *data, size_t len);

/*
 * Decode s, all lowercase or all uppercase, checking the checksum.  The
 * human-readable part goes to hrp (lowercased), the payload to data as
 * 5-bit values (values) or as bytes (bytes: padding must be zero and
 * short).  TACIT_EFORMAT for anything malformed.
 */
TACIT_WUR int tacit_bech32_decode_values(const char *s, char *hrp,
    size_t hrpcap, uint8_t *values, size_t cap, size_t *n);
TACIT_WUR int tacit_bech32_decode(const char *s, char *hrp, size_t hrpcap,
    uint8_t *bytes, size_t cap, size_t *n);

#endif
