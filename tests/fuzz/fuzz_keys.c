/* fuzz_keys: libFuzzer target for age identities, recipients and base64. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_engine.h"
#include "tacit/age.h"

/* Room for any key string: bech32 strings are at most 90 characters. */
#define KEY_STR 128

int LLVMFuzzerInitialize(int *argc, char ***argv);

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz keys: %s%s%s\n", what, detail[0] ? ": " : "",
	    detail);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fail("cannot initialise libsodium", "");
	return 0;
}

/*
 * Format with f into a buffer of exactly the size needed, so that ASan
 * sees any byte written past it; one byte less must be refused.
 */
static void
format_exact(int (*f)(const void *arg, size_t i, char *out, size_t cap),
    const void *arg, size_t i, char *str, const char *who)
{
	size_t len;
	char *tight;

	if (f(arg, i, str, KEY_STR) != TACIT_OK)
		fail(who, "formatting failed");
	len = strlen(str);
	if ((tight = malloc(len + 1)) == NULL)
		fail("out of memory", "");
	if (f(arg, i, tight, len + 1) != TACIT_OK || strcmp(tight, str) != 0)
		fail(who, "formatting into an exact buffer differs");
	free(tight);
	if (len > 0) {
		if ((tight = malloc(len)) == NULL)
			fail("out of memory", "");
		if (f(arg, i, tight, len) == TACIT_OK)
			fail(who, "formatting into a short buffer succeeded");
		free(tight);
	}
}

static int
fmt_identity(const void *arg, size_t i, char *out, size_t cap)
{
	return tacit_age_keys_identity(arg, i, out, cap);
}

static int
fmt_key_recipient(const void *arg, size_t i, char *out, size_t cap)
{
	return tacit_age_keys_recipient(arg, i, out, cap);
}

static int
fmt_recipient(const void *arg, size_t i, char *out, size_t cap)
{
	(void)i;
	return tacit_age_recipient_format(out, cap, arg);
}

/* A recipient string formats back to itself through its key. */
static void
check_recipient_string(const char *str)
{
	uint8_t pk[TACIT_AGE_KEY_LEN];
	struct tacit_err e = { "" };
	char again[KEY_STR];

	if (strncmp(str, "age1", 4) != 0)
		fail("recipient does not start with age1", str);
	if (tacit_age_recipient_parse(str, pk, &e) != TACIT_OK)
		fail("formatted recipient does not parse", e.msg);
	format_exact(fmt_recipient, pk, 0, again, "recipient");
	if (strcmp(again, str) != 0)
		fail("recipient does not format back to itself", str);
}

/* Every identity k holds re-parses to the same key. */
static void
check_keys(const struct tacit_age_keys *k)
{
	size_t n = tacit_age_keys_count(k);
	char id[KEY_STR], rcpt[KEY_STR], again[KEY_STR];

	for (size_t i = 0; i < n; i++) {
		struct tacit_age_keys *k2 = tacit_age_keys_new();
		struct tacit_err e = { "" };

		if (k2 == NULL)
			fail("out of memory", "");
		format_exact(fmt_identity, k, i, id, "identity");
		if (strncmp(id, "AGE-SECRET-KEY-1", 16) != 0)
			fail("identity does not start AGE-SECRET-KEY-1", "");
		format_exact(fmt_key_recipient, k, i, rcpt, "recipient of key");
		check_recipient_string(rcpt);
		if (tacit_age_keys_add(k2, id, &e) != TACIT_OK ||
		    tacit_age_keys_count(k2) != 1)
			fail("formatted identity does not parse", e.msg);
		if (tacit_age_keys_identity(k2, 0, again, sizeof(again)) !=
			TACIT_OK ||
		    strcmp(again, id) != 0)
			fail("identity does not format back to itself", "");
		if (tacit_age_keys_recipient(k2, 0, again, sizeof(again)) !=
			TACIT_OK ||
		    strcmp(again, rcpt) != 0)
			fail("re-parsed identity has another recipient", "");
		tacit_age_keys_free(&k2);
		tacit_age_keys_free(&k2); /* documented safe twice */
	}
	if (tacit_age_keys_identity(k, n, id, sizeof(id)) != TACIT_EUSAGE ||
	    tacit_age_keys_recipient(k, n, id, sizeof(id)) != TACIT_EUSAGE)
		fail("a key past the count", "");
}

static void
check_recipients(const struct tacit_age_recipients *r)
{
	char str[KEY_STR];

	for (size_t i = 0; i < r->n; i++) {
		format_exact(fmt_recipient, r->pk[i], 0, str, "recipient");
		check_recipient_string(str);
	}
}

/*
 * The tools print these messages: no control characters from the input,
 * and no part of a secret key, which is what follows a "-1" (the end of
 * "AGE-SECRET-KEY-" or of a plugin's name) in a quoted key.
 */
static void
check_failure(int rc, const struct tacit_err *e, const char *who)
{
	if (rc != TACIT_EFORMAT && rc != TACIT_EUNSUPPORTED &&
	    rc != TACIT_ENOMEM)
		fail(who, "an unknown error code");
	if (e->msg[0] == '\0')
		fail(who, "failed without a message");
	if (!fuzz_printable(e->msg, 1))
		fail(who, "error message is not printable ASCII");
	for (const char *p = e->msg; (p = strstr(p, "-1")) != NULL; p++)
		if (isalnum((unsigned char)p[2]))
			fail(who, "error message quotes a secret key");
}

/* Decoding accepts only canonical base64: it encodes back to itself. */
static void
check_b64(const uint8_t *data, size_t size)
{
	size_t cap = size, n, elen;
	uint8_t *out = malloc(cap + 1);
	char *enc;

	if (out == NULL)
		fail("out of memory", "");
	if (tacit_age_b64_decode((const char *)data, size, out, cap, &n) ==
	    TACIT_OK) {
		uint8_t *tight;

		if (n > cap)
			fail("base64 decoded past its buffer", "");
		elen = sodium_base64_ENCODED_LEN(n,
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
		if ((enc = malloc(elen)) == NULL)
			fail("out of memory", "");
		if (tacit_age_b64_encode(enc, elen, out, n) != TACIT_OK)
			fail("base64 encoding failed", "");
		if (strlen(enc) != size || memcmp(enc, data, size) != 0)
			fail("decoded base64 does not encode back to itself",
			    "");
		free(enc);
		/* One byte short of room: refused, nothing written past. */
		if (n > 0) {
			size_t m;

			/* malloc(0) gives a pointer ASan guards too. */
			if ((tight = malloc(n - 1)) == NULL && n > 1)
				fail("out of memory", "");
			if (tacit_age_b64_decode((const char *)data, size,
				tight, n - 1, &m) == TACIT_OK)
				fail("base64 decoded into a short buffer", "");
			free(tight);
		}
	}
	free(out);

	/* Anything encodes, and decodes back. */
	elen = sodium_base64_ENCODED_LEN(size,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	if ((enc = malloc(elen)) == NULL || (out = malloc(size + 1)) == NULL)
		fail("out of memory", "");
	if (tacit_age_b64_encode(enc, elen - 1, data, size) != TACIT_EUSAGE)
		fail("base64 encoded into a short buffer", "");
	if (tacit_age_b64_encode(enc, elen, data, size) != TACIT_OK ||
	    tacit_age_b64_decode(enc, strlen(enc), out, size, &n) != TACIT_OK ||
	    n != size || (size > 0 && memcmp(out, data, size) != 0))
		fail("base64 round trip failed", "");
	free(enc);
	free(out);
}

/*
 * Input: an identity file and a recipients file (the same text), one key
 * string (up to a NUL), and base64.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct tacit_age_keys *k = tacit_age_keys_new();
	struct tacit_age_recipients r = { NULL, 0, 0 };
	struct tacit_err e = { "" };
	uint8_t pk[TACIT_AGE_KEY_LEN];
	char *str;
	int krc, rrc;

	if (k == NULL)
		fail("out of memory", "");
	krc = tacit_age_keys_parse(k, text, size, &e);
	if (krc != TACIT_OK)
		check_failure(krc, &e, "identity file");
	else if (tacit_age_keys_count(k) == 0)
		fail("identity file", "parsed to no identity");
	/* Those added before a failure are keys too. */
	check_keys(k);
	tacit_age_keys_free(&k);

	e.msg[0] = '\0';
	rrc = tacit_age_recipients_parse(&r, text, size, &e);
	if (rrc != TACIT_OK)
		check_failure(rrc, &e, "recipients file");
	check_recipients(&r);
	/* An identity is no recipient, and the other way round. */
	if (krc == TACIT_OK && rrc == TACIT_OK)
		fail("text both an identity and a recipients file", "");
	tacit_age_recipients_free(&r);
	tacit_age_recipients_free(&r);

	/* One string, however long: what the -r option passes. */
	if ((str = malloc(size + 1)) == NULL)
		fail("out of memory", "");
	memcpy(str, data, size);
	str[size] = '\0';
	e.msg[0] = '\0';
	rrc = tacit_age_recipient_parse(str, pk, &e);
	if (rrc == TACIT_OK) {
		char again[KEY_STR];

		format_exact(fmt_recipient, pk, 0, again, "recipient");
		check_recipient_string(again);
	} else {
		check_failure(rrc, &e, "recipient");
	}
	k = tacit_age_keys_new();
	if (k == NULL)
		fail("out of memory", "");
	e.msg[0] = '\0';
	krc = tacit_age_keys_add(k, str, &e);
	if (krc == TACIT_OK)
		check_keys(k);
	else
		check_failure(krc, &e, "identity");
	tacit_age_keys_free(&k);
	free(str);

	check_b64(data, size);
	return 0;
}
