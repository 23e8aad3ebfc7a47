/* hkdf: HKDF-SHA256 extract and expand (RFC 5869) on libsodium. */
#include <string.h>

#include <sodium.h>

#include "tacit/hkdf.h"

int
tacit_hkdf_sha256(uint8_t *out, size_t outlen, const uint8_t *salt,
    size_t saltlen, const uint8_t *ikm, size_t ikmlen, const uint8_t *info,
    size_t infolen)
{
	static const uint8_t zeros[crypto_auth_hmacsha256_BYTES];
	uint8_t prk[crypto_auth_hmacsha256_BYTES];
	uint8_t t[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	size_t done = 0, tlen = 0;
	uint8_t counter = 0;

	if (outlen > 255 * sizeof(t))
		return TACIT_EUSAGE;
	if (salt == NULL || saltlen == 0) {
		salt = zeros;
		saltlen = sizeof(zeros);
	}
	/* Extract: PRK = HMAC(salt, IKM). */
	crypto_auth_hmacsha256_init(&st, salt, saltlen);
	crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
	crypto_auth_hmacsha256_final(&st, prk);
	/* Expand: T(i) = HMAC(PRK, T(i-1) | info | i). */
	while (done < outlen) {
		size_t n =
		    outlen - done < sizeof(t) ? outlen - done : sizeof(t);

		counter++;
		crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
		crypto_auth_hmacsha256_update(&st, t, tlen);
		crypto_auth_hmacsha256_update(&st, info, infolen);
		crypto_auth_hmacsha256_update(&st, &counter, 1);
		crypto_auth_hmacsha256_final(&st, t);
		tlen = sizeof(t);
		memcpy(out + done, t, n);
		done += n;
	}
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(t, sizeof(t));
	sodium_memzero(&st, sizeof(st));
	return TACIT_OK;
}
