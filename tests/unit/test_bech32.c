/* Unit tests for bech32 (BIP-173 vectors, age keys) and HKDF (RFC 5869). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "tacit/bech32.h"
#include "tacit/hkdf.h"

static void
test_bip173_valid(void **state)
{
	static const char *const valid[] = {
		"A12UEL5L",
		"a12uel5l",
		("an83characterlonghumanreadablepartthatcontainsthenumber1andth"
		 "eexcludedcharactersbio1tt5tgs"),
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	};
	char hrp[100], all_q[91];
	uint8_t v[100];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_int_equal(tacit_bech32_decode_values(valid[i], hrp,
				     sizeof(hrp), v, sizeof(v), &n),
		    0);
	/* "11" and 82 'q' and the checksum: 90 characters. */
	snprintf(all_q, sizeof(all_q), "11%082dc8247j", 0);
	for (size_t i = 2; i < 84; i++)
		all_q[i] = 'q';
	assert_int_equal(tacit_bech32_decode_values(all_q, hrp, sizeof(hrp), v,
			     100, &n),
	    0);
	assert_string_equal(hrp, "1");
	assert_int_equal(n, 82);
}

static void
test_bip173_invalid(void **state)
{
	static const char *const invalid[] = {
		" 1nwldj5", /* hrp character out of range */
		"\1771axkwrx", /* hrp character out of range (DEL) */
		"pzry9x0s0muk", /* no separator */
		"1pzry9x0s0muk", /* empty hrp */
		"x1b4n0q5v", /* invalid data character */
		"li1dgmt3", /* checksum too short */
		"de1lg7wt\xff", /* invalid character in checksum */
		"A1G7SGD8", /* checksum made with the uppercase hrp */
		"10a06t8", /* empty hrp */
		"1qzzfhee", /* empty hrp */
		"A12uEL5L", /* mixed case */
		"a12uel5m", /* checksum off by one character */
	};
	char hrp[100];
	uint8_t v[100];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		assert_int_equal(tacit_bech32_decode_values(invalid[i], hrp,
				     sizeof(hrp), v, sizeof(v), &n),
		    TACIT_EFORMAT);
}

/* An identity from the age test kit, and what age-keygen -y prints. */
static const char identity[] = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2"
			       "VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
static const char recipient[] = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrw"
				"svlul66mv4q47ryef";

static void
test_age_keys_round_trip(void **state)
{
	uint8_t sk[32], pk[32];
	char hrp[32], out[128];
	size_t n;

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	assert_int_equal(tacit_bech32_decode(identity, hrp, sizeof(hrp), sk,
			     sizeof(sk), &n),
	    0);
	assert_string_equal(hrp, "age-secret-key-");
	assert_int_equal(n, 32);
	assert_int_equal(crypto_scalarmult_base(pk, sk), 0);
	assert_int_equal(tacit_bech32_encode(out, sizeof(out), "age", pk, 32),
	    0);
	assert_string_equal(out, recipient);
	assert_int_equal(tacit_bech32_encode(out, sizeof(out),
			     "AGE-SECRET-KEY-", sk, 32),
	    0);
	for (char *p = out; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	assert_string_equal(out, identity);
	/* Too small an output buffer, a bad hrp, a short byte buffer. */
	assert_int_equal(tacit_bech32_encode(out, 20, "age", pk, 32),
	    TACIT_EUSAGE);
	assert_int_equal(tacit_bech32_encode(out, sizeof(out), "", pk, 32),
	    TACIT_EUSAGE);
	assert_int_equal(tacit_bech32_decode(recipient, hrp, sizeof(hrp), pk,
			     31, &n),
	    TACIT_EFORMAT);
	assert_int_equal(tacit_bech32_decode(recipient, hrp, 3, pk, 32, &n),
	    TACIT_EFORMAT);
	sodium_memzero(sk, sizeof(sk));
}

static void
hex(uint8_t *out, const char *s)
{
	for (size_t i = 0; s[2 * i] != '\0'; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void
test_hkdf_rfc5869(void **state)
{
	uint8_t ikm[22], salt[13], info[10], okm[42], want[42];

	(void)state;
	memset(ikm, 0x0b, sizeof(ikm));
	for (size_t i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(info); i++)
		info[i] = (uint8_t)(0xf0 + i);
	/* Test case 1. */
	assert_int_equal(tacit_hkdf_sha256(okm, sizeof(okm), salt, sizeof(salt),
			     ikm, sizeof(ikm), info, sizeof(info)),
	    0);
	hex(want,
	    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56"
	    "ecc4c5bf34007208d5b887185865");
	assert_memory_equal(okm, want, sizeof(want));
	/* Test case 3: no salt, no info. */
	assert_int_equal(tacit_hkdf_sha256(okm, sizeof(okm), NULL, 0, ikm,
			     sizeof(ikm), NULL, 0),
	    0);
	hex(want,
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f"
	    "3c738d2d9d201395faa4b61a96c8");
	assert_memory_equal(okm, want, sizeof(want));
	assert_int_equal(tacit_hkdf_sha256(okm, 255 * 32 + 1, NULL, 0, ikm,
			     sizeof(ikm), NULL, 0),
	    TACIT_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bip173_valid),
		cmocka_unit_test(test_bip173_invalid),
		cmocka_unit_test(test_age_keys_round_trip),
		cmocka_unit_test(test_hkdf_rfc5869),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
