/* chacha_ceiling: one core's ChaCha20-Poly1305 rate over 64 KiB chunks. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#define CHUNK (64 * 1024)

/*
 * bench/seal prints this as the single-core ceiling: what encrypting the
 * payload costs with nothing else (no reading, writing or parsing).
 * usage: chacha_ceiling MIB   (prints MB/s)
 */
int
main(int argc, char *argv[])
{
	unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
	unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = { 0 };
	unsigned char *pt, *ct;
	unsigned long long ctlen;
	struct timespec a, b;
	long chunks = argc > 1 ? atol(argv[1]) * 16 : 16384;
	double s;

	if (sodium_init() < 0 || chunks <= 0)
		return 2;
	pt = malloc(CHUNK);
	ct = malloc(CHUNK + crypto_aead_chacha20poly1305_ietf_ABYTES);
	if (pt == NULL || ct == NULL)
		return 2;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(pt, CHUNK);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < chunks; i++) {
		nonce[10] = (unsigned char)(i >> 8);
		nonce[9] = (unsigned char)i;
		crypto_aead_chacha20poly1305_ietf_encrypt(ct, &ctlen, pt, CHUNK,
		    NULL, 0, NULL, nonce, key);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.0f\n", (double)chunks * CHUNK / 1e6 / s);
	free(pt);
	free(ct);
	return 0;
}
