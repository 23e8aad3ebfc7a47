/* fuzz_age: libFuzzer target for age files: header, unwrap and STREAM. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_engine.h"
#include "tacit/age.h"
#include "tacit/armor.h"
#include "tacit/stream.h"

/* The identity, passphrase and file key of the age test kit. */
#define IDENTITY \
	"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48" \
	"UAWX40Q2P2LM0"
#define PASSPHRASE "password"
#define FILE_KEY "YELLOW SUBMARINE"
/* scrypt above 2^10 costs milliseconds an input: not worth the speed. */
#define SCRYPT_LOG2N_MAX 10
#define CT_CHUNK (TACIT_STREAM_CHUNK + TACIT_STREAM_TAG)

int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct tacit_age_keys *keys;
/* Their buffers are 64 KiB each: static, reused. */
static struct tacit_in raw, armored;
static struct tacit_armor_in dearmor;

/* What one decryption did: its result and a hash of what it released. */
struct outcome {
	int header_rc, rc;
	uint64_t len;
	uint8_t hash[crypto_generichash_BYTES];
	char msg[sizeof(((struct tacit_err *)0)->msg)];
};

struct released {
	crypto_generichash_state st;
	uint64_t len;
};

static void
fail(const char *mode, const char *what, const char *detail)
{
	fprintf(stderr, "fuzz age (%s): %s%s%s\n", mode, what,
	    detail[0] ? ": " : "", detail);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tacit_err e = { "" };

	(void)argc;
	(void)argv;
	if (sodium_init() < 0 || (keys = tacit_age_keys_new()) == NULL ||
	    tacit_age_keys_add(keys, IDENTITY, &e) != TACIT_OK)
		fail("init", "cannot set up the test identity", e.msg);
	return 0;
}

static int
release(void *arg, const void *p, size_t n)
{
	struct released *r = arg;

	r->len += n;
	crypto_generichash_update(&r->st, p, n);
	return TACIT_OK;
}

/* 1 for a work factor of at most 2^SCRYPT_LOG2N_MAX: cheap to derive. */
static int
cheap_scrypt(const char *work)
{
	long v = 0;

	for (; *work != '\0'; work++) {
		if (*work < '0' || *work > '9')
			return 0;
		v = v * 10 + (*work - '0');
		if (v > SCRYPT_LOG2N_MAX)
			return 0;
	}
	return v >= 1;
}

/*
 * What tacit_age_header_read promises of a header it accepted: stanzas
 * of 1 to TACIT_AGE_ARGS_MAX VCHAR arguments and bounded bodies, the
 * X25519 and scrypt ones well-formed, scrypt alone.
 */
static void
check_header(const struct tacit_age_header *h, const char *mode)
{
	size_t n = tacit_age_header_count(h), scrypt = 0;
	volatile uint8_t sum = 0;

	if (n == 0 || n > TACIT_AGE_STANZAS_MAX)
		fail(mode, "header with a bad stanza count", "");
	if (tacit_age_header_stanza(h, n) != NULL)
		fail(mode, "a stanza past the count", "");
	for (size_t i = 0; i < n; i++) {
		const struct tacit_age_stanza *s;

		s = tacit_age_header_stanza(h, i);
		if (s == NULL)
			fail(mode, "a missing stanza", "");
		if (s->argc == 0 || s->argc > TACIT_AGE_ARGS_MAX)
			fail(mode, "a stanza with a bad argument count", "");
		for (size_t a = 0; a < s->argc; a++) {
			const char *c = s->argv[a];

			if (c == NULL || c[0] == '\0')
				fail(mode, "an empty stanza argument", "");
			for (; *c != '\0'; c++)
				if (*c < 0x21 || *c > 0x7e)
					fail(mode,
					    "a stanza argument that "
					    "is not VCHAR",
					    "");
		}
		if (s->len > TACIT_AGE_HEADER_MAX ||
		    (s->len > 0 && s->body == NULL))
			fail(mode, "a stanza body out of bounds", "");
		for (size_t b = 0; b < s->len; b++)
			sum = (uint8_t)(sum + s->body[b]); /* ASan: readable */
		if (strcmp(s->argv[0], "X25519") == 0 &&
		    (s->argc != 2 || s->len != 32))
			fail(mode, "a malformed X25519 stanza", "");
		if (strcmp(s->argv[0], "scrypt") == 0) {
			scrypt++;
			if (s->argc != 3 || s->len != 32)
				fail(mode, "a malformed scrypt stanza", "");
		}
	}
	if ((scrypt > 0) != (tacit_age_header_scrypt(h) != 0) ||
	    (scrypt > 0 && n != 1))
		fail(mode, "scrypt flag or scrypt stanza not alone", "");
	(void)sum;
}

/*
 * The header grammar is ASCII: VCHAR, spaces and LF.  (libsodium 1.0.18's
 * base64 decoder, which the MAC line goes through, reads any byte past
 * 0x7f as '/': corpus/age/regress-mac-high-byte.)
 */
static void
check_text(const uint8_t *p, size_t len, const char *mode)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\n' && (p[i] < 0x20 || p[i] > 0x7e))
			fail(mode, "accepted a header that is not ASCII text",
			    "");
}

/*
 * Recover the file key as tacit-open would, with the test identity or
 * passphrase; 0 when it did.
 */
static int
unwrap(const struct tacit_age_header *h, uint8_t file_key[TACIT_FILE_KEY_LEN],
    const char *mode)
{
	struct tacit_err e = { "" };
	int rc;

	if (tacit_age_header_scrypt(h)) {
		const struct tacit_age_stanza *s;

		s = tacit_age_header_stanza(h, 0);
		/* Without a passphrase: refused before any work. */
		rc = tacit_age_unwrap(h, keys, NULL, 0, file_key, &e);
		if (rc != TACIT_ENOKEY)
			fail(mode, "scrypt without a passphrase not refused",
			    e.msg);
		if (!cheap_scrypt(s->argv[2]))
			return -1;
		e.msg[0] = '\0';
		rc = tacit_age_unwrap(h, keys, PASSPHRASE,
		    sizeof(PASSPHRASE) - 1, file_key, &e);
	} else {
		rc = tacit_age_unwrap(h, keys, NULL, 0, file_key, &e);
	}
	if (rc == TACIT_OK)
		return 0;
	if (rc != TACIT_ENOKEY && rc != TACIT_EAUTH && rc != TACIT_EFORMAT &&
	    rc != TACIT_ENOMEM)
		fail(mode, "unwrap returned an unknown code", e.msg);
	if (e.msg[0] == '\0')
		fail(mode, "unwrap failed without a message", "");
	return -1;
}

/*
 * Read the header from data (through the armor decoder when asked) and
 * decrypt the payload on threads threads.  With want_key (the first
 * pass), check the header and recover the file key into key: the test
 * kit's when unwrapping fails.
 */
static void
decrypt(const uint8_t *data, size_t size, int armor, unsigned threads,
    uint8_t key[TACIT_FILE_KEY_LEN], int want_key, struct outcome *o)
{
	const char *mode = armor ? "armored" : "binary";
	struct tacit_in *in = armor ? &armored : &raw;
	struct tacit_age_header *h = NULL;
	struct tacit_err e = { "" };
	struct released r;
	size_t left = 0;

	memset(o, 0, sizeof(*o));
	tacit_in_mem(&raw, data, size);
	if (armor) {
		tacit_armor_in_init(&dearmor, &raw);
		tacit_in_fn(&armored, tacit_armor_fill, &dearmor);
	}
	o->header_rc = tacit_age_header_read(&h, in, &e);
	if (o->header_rc != TACIT_OK) {
		if (h != NULL)
			fail(mode, "a failed header read left a header", "");
		if (o->header_rc != TACIT_EFORMAT &&
		    o->header_rc != TACIT_ENOMEM)
			fail(mode, "header read returned an unknown code",
			    e.msg);
		if (e.msg[0] == '\0')
			fail(mode, "header refused without a message", "");
		o->rc = o->header_rc;
		return;
	}
	if (h == NULL)
		fail(mode, "header read succeeded without a header", "");
	if (want_key) {
		check_header(h, mode);
		memcpy(key, FILE_KEY, TACIT_FILE_KEY_LEN);
		if (unwrap(h, key, mode) != 0)
			memcpy(key, FILE_KEY, TACIT_FILE_KEY_LEN);
	}
	tacit_age_header_free(&h);
	tacit_age_header_free(&h); /* documented safe twice */
	if (!armor) { /* what the payload may hold: after the header */
		left = raw.mem_len + (raw.len - raw.pos);
		check_text(data, size - left, mode);
	}

	crypto_generichash_init(&r.st, NULL, 0, sizeof(o->hash));
	r.len = 0;
	o->rc = tacit_stream_decrypt(key, in, release, &r, threads, &e);
	crypto_generichash_final(&r.st, o->hash, sizeof(o->hash));
	o->len = r.len;
	memcpy(o->msg, e.msg, sizeof(o->msg));
	if (o->rc != TACIT_OK && o->rc != TACIT_EFORMAT &&
	    o->rc != TACIT_EAUTH && o->rc != TACIT_ENOMEM)
		fail(mode, "decrypt returned an unknown code", e.msg);
	if (o->rc != TACIT_OK && e.msg[0] == '\0')
		fail(mode, "decrypt failed without a message", "");
	/*
	 * A payload that decrypts is the nonce and chunks of 64 KiB and a
	 * tag each, the last one shorter or full: what it releases follows
	 * from its size.
	 */
	if (o->rc == TACIT_OK && !armor) {
		uint64_t p = left - TACIT_STREAM_NONCE_LEN;
		uint64_t chunks = p == 0 ? 1 : (p + CT_CHUNK - 1) / CT_CHUNK;
		char why[96];

		if (left < TACIT_STREAM_NONCE_LEN + TACIT_STREAM_TAG ||
		    r.len != p - chunks * TACIT_STREAM_TAG) {
			snprintf(why, sizeof(why),
			    "%llu bytes released from a %zu-byte payload",
			    (unsigned long long)r.len, left);
			fail(mode, "decrypt released the wrong amount", why);
		}
	}
	if (o->rc != TACIT_OK && !armor && r.len > left)
		fail(mode, "decrypt released more than it read", "");
}

/* Decrypt on one thread and on two: both must release the same. */
static void
both(const uint8_t *data, size_t size, int armor)
{
	const char *mode = armor ? "armored" : "binary";
	uint8_t key[TACIT_FILE_KEY_LEN];
	struct outcome one, two;
	char why[600];

	decrypt(data, size, armor, 1, key, 1, &one);
	if (one.header_rc != TACIT_OK)
		return;
	decrypt(data, size, armor, 2, key, 0, &two);
	if (one.header_rc != two.header_rc || one.rc != two.rc ||
	    one.len != two.len ||
	    memcmp(one.hash, two.hash, sizeof(one.hash)) != 0 ||
	    strcmp(one.msg, two.msg) != 0) {
		snprintf(why, sizeof(why),
		    "1 thread: %d, %llu bytes (%s); 2 threads: %d, %llu bytes "
		    "(%s)",
		    one.rc, (unsigned long long)one.len, one.msg, two.rc,
		    (unsigned long long)two.len, two.msg);
		fail(mode, "threads disagree", why);
	}
	sodium_memzero(key, sizeof(key));
}

/*
 * Input: an age file.  It is read as a binary file, then, when its first
 * byte could start armor ('-' or whitespace), through the armor decoder.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int armor = size > 0 &&
	    (data[0] == '-' || data[0] == ' ' || data[0] == '\t' ||
		data[0] == '\r' || data[0] == '\n');
	int detect;

	tacit_in_mem(&raw, data, size);
	detect = tacit_armor_detect(&raw);
	if (detect < 0 || detect > 1 || (detect == 1 && !armor))
		fail("detect", "tacit_armor_detect answered wrongly", "");
	both(data, size, 0);
	if (armor)
		both(data, size, 1);
	return 0;
}
