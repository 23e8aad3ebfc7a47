/* bech32: BIP-173 encoding and decoding, with the checksum. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include <sodium.h>

#include "tacit/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t
polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
		0x3d4233dd, 0x2a1462b3 };
	uint32_t top = chk >> 25;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (int i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* The checksum state after the human-readable part's expansion. */
static uint32_t
hrp_polymod(const char *hrp, size_t n)
{
	uint32_t chk = 1;

	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, (unsigned char)hrp[i] >> 5);
	chk = polymod_step(chk, 0);
	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, (unsigned char)hrp[i] & 31);
	return chk;
}

static int
valid_hrp(const char *hrp, size_t n)
{
	if (n < 1 || n > 83)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)hrp[i] < 33 || (unsigned char)hrp[i] > 126)
			return 0;
	return 1;
}

int
tacit_bech32_encode(char *out, size_t outcap, const char *hrp,
    const uint8_t *data, size_t len)
{
	size_t hn = strlen(hrp), o = 0, nvalues;
	uint32_t chk, acc = 0;
	unsigned bits = 0;

	if (!valid_hrp(hrp, hn))
		return TACIT_EUSAGE;
	nvalues = (len * 8 + 4) / 5;
	if (len > TACIT_BECH32_MAX || hn + 1 + nvalues + 6 + 1 > outcap ||
	    hn + 1 + nvalues + 6 > TACIT_BECH32_MAX)
		return TACIT_EUSAGE;
	for (size_t i = 0; i < hn; i++) {
		char c = hrp[i];

		out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	chk = hrp_polymod(out, hn);
	out[o++] = '1';
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			unsigned v = (acc >> (bits - 5)) & 31;

			bits -= 5;
			chk = polymod_step(chk, v);
			out[o++] = charset[v];
		}
	}
	if (bits > 0) {
		unsigned v = (acc << (5 - bits)) & 31;

		chk = polymod_step(chk, v);
		out[o++] = charset[v];
	}
	for (int i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	for (int i = 0; i < 6; i++)
		out[o++] = charset[(chk >> (5 * (5 - i))) & 31];
	out[o] = '\0';
	sodium_memzero(&acc, sizeof(acc)); /* bits of a secret key */
	return TACIT_OK;
}

int
tacit_bech32_decode_values(const char *s, char *hrp, size_t hrpcap,
    uint8_t *values, size_t cap, size_t *n)
{
	size_t len = strnlen(s, TACIT_BECH32_MAX + 1), sep, i;
	int lower = 0, upper = 0;
	uint32_t chk;

	*n = 0;
	if (len > TACIT_BECH32_MAX)
		return TACIT_EFORMAT;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 33 || c > 126)
			return TACIT_EFORMAT;
		lower |= c >= 'a' && c <= 'z';
		upper |= c >= 'A' && c <= 'Z';
	}
	if (lower && upper)
		return TACIT_EFORMAT; /* mixed case is never valid */
	for (sep = len; sep > 0 && s[sep - 1] != '1'; sep--)
		;
	if (sep == 0 || sep - 1 < 1 || len - sep < 6 || sep - 1 > 83 ||
	    sep > hrpcap || len - sep - 6 > cap)
		return TACIT_EFORMAT;
	sep--; /* index of the separator */
	for (i = 0; i < sep; i++) {
		char c = s[i];

		hrp[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	hrp[sep] = '\0';
	chk = hrp_polymod(hrp, sep);
	for (i = sep + 1; i < len; i++) {
		char c = s[i];
		const char *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		p = strchr(charset, c);
		if (p == NULL || c == '\0')
			return TACIT_EFORMAT;
		chk = polymod_step(chk, (unsigned)(p - charset));
		if (i + 6 < len)
			values[(*n)++] = (uint8_t)(p - charset);
	}
	if (chk != 1) {
		*n = 0;
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

int
tacit_bech32_decode(const char *s, char *hrp, size_t hrpcap, uint8_t *bytes,
    size_t cap, size_t *n)
{
	uint8_t values[TACIT_BECH32_MAX];
	size_t nv, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	int rc;

	*n = 0;
	rc = tacit_bech32_decode_values(s, hrp, hrpcap, values, sizeof(values),
	    &nv);
	for (size_t i = 0; rc == TACIT_OK && i < nv; i++) {
		acc = (acc << 5) | values[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				rc = TACIT_EFORMAT;
			else
				bytes[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Padding: fewer than 5 bits, all zero (BIP-173 convertbits). */
	if (rc == TACIT_OK && (bits >= 5 || (acc & ((1u << bits) - 1)) != 0))
		rc = TACIT_EFORMAT;
	if (rc == TACIT_OK)
		*n = o;
	/* Identities are decoded here: leave no copy on the stack. */
	sodium_memzero(values, sizeof(values));
	sodium_memzero(&acc, sizeof(acc));
	return rc;
}
