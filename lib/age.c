/* age: the age v1 header (C2SP age spec) on libsodium primitives. */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "tacit/age.h"
#include "tacit/bech32.h"
#include "tacit/hkdf.h"

#define AEAD_TAG crypto_aead_chacha20poly1305_ietf_ABYTES
#define WRAPPED_LEN (TACIT_FILE_KEY_LEN + AEAD_TAG)
#define MAC_LEN crypto_auth_hmacsha256_BYTES
#define MAC_B64_LEN 43
/* Longest header line: far above any argument age writes. */
#define LINE_MAX_LEN (16u * 1024u)
#define BODY_COLUMNS 64

static const char version_line[] = "age-encryption.org/v1\n";
static const char x25519_info[] = "age-encryption.org/v1/X25519";
static const char scrypt_label[] = "age-encryption.org/v1/scrypt";

static int
is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
tacit_age_b64_decode(const char *s, size_t len, uint8_t *out, size_t cap,
    size_t *n)
{
	const char *end;

	/* libsodium 1.0.18 reads bytes 0x80-0xff as '/': refuse them first. */
	for (size_t i = 0; i < len; i++)
		if (!is_b64((unsigned char)s[i]))
			return TACIT_EFORMAT;

	/* libsodium refuses non-zero trailing bits: canonical only. */
	if (sodium_base642bin(out, cap, s, len, NULL, n, &end,
		sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
	    end != s + len)
		return TACIT_EFORMAT;
	return TACIT_OK;
}

int
tacit_age_b64_encode(char *out, size_t cap, const uint8_t *p, size_t n)
{
	if (cap < sodium_base64_ENCODED_LEN(n,
		      sodium_base64_VARIANT_ORIGINAL_NO_PADDING))
		return TACIT_EUSAGE;
	sodium_bin2base64(out, cap, p, n,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	return TACIT_OK;
}

/* Decode a 32-byte bech32 key with the expected human-readable part. */
static int
key_decode(const char *s, const char *want, uint8_t *key, struct tacit_err *e)
{
	const char *sep = strrchr(s, '1');
	size_t hn = sep ? (size_t)(sep - s) : 0, n;
	char hrp[84];

	/*
	 * The type first, so that longer keys get the right message.  Only
	 * a short, known type is named: the rest of the line may be secret.
	 */
	if (hn == strlen(want) && strncasecmp(s, want, hn) != 0)
		hn = 0;
	if (hn != strlen(want)) {
		static const char *const known[] = { "age1pq", "age1tag",
			"age1tagpq", "age-secret-key-pq-" };

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (hn == strlen(known[i]) &&
			    strncasecmp(s, known[i], hn) == 0) {
				tacit_err_set(e,
				    "unsupported key type '%s' (post-quantum "
				    "or tag)",
				    known[i]);
				return TACIT_EUNSUPPORTED;
			}
		if (strncasecmp(s, "age1", 4) == 0 ||
		    strncasecmp(s, "age-plugin-", 11) == 0) {
			tacit_err_set(e,
			    "unsupported key type (plugin?) or "
			    "malformed key");
			return TACIT_EUNSUPPORTED;
		}
		tacit_err_set(e, "not an age key");
		return TACIT_EFORMAT;
	}
	if (tacit_bech32_decode(s, hrp, sizeof(hrp), key, TACIT_AGE_KEY_LEN,
		&n) != TACIT_OK) {
		tacit_err_set(e, "malformed key: bad encoding or checksum");
		return TACIT_EFORMAT;
	}
	if (strcmp(hrp, want) != 0 || n != TACIT_AGE_KEY_LEN) {
		sodium_memzero(key, TACIT_AGE_KEY_LEN);
		tacit_err_set(e, "malformed key: wrong length");
		return TACIT_EFORMAT;
	}
	return TACIT_OK;
}

int
tacit_age_recipient_parse(const char *s, uint8_t pk[TACIT_AGE_KEY_LEN],
    struct tacit_err *e)
{
	if (strncmp(s, "ssh-", 4) == 0) {
		tacit_err_set(e, "SSH keys are not supported");
		return TACIT_EUNSUPPORTED;
	}
	if (strncasecmp(s, "AGE-SECRET-KEY-", 15) == 0) {
		tacit_err_set(e, "an identity (a secret key), not a recipient");
		return TACIT_EFORMAT;
	}
	return key_decode(s, "age", pk, e);
}

int
tacit_age_recipient_format(char *out, size_t cap,
    const uint8_t pk[TACIT_AGE_KEY_LEN])
{
	return tacit_bech32_encode(out, cap, "age", pk, TACIT_AGE_KEY_LEN);
}

int
tacit_age_recipients_add(struct tacit_age_recipients *r, const char *s,
    struct tacit_err *e)
{
	uint8_t pk[TACIT_AGE_KEY_LEN];
	int rc = tacit_age_recipient_parse(s, pk, e);

	if (rc != TACIT_OK)
		return rc;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		void *p = cap > SIZE_MAX / sizeof(*r->pk)
		    ? NULL
		    : realloc(r->pk, cap * sizeof(*r->pk));

		if (p == NULL) {
			tacit_err_set(e, "out of memory");
			return TACIT_ENOMEM;
		}
		r->pk = p;
		r->cap = cap;
	}
	memcpy(r->pk[r->n++], pk, TACIT_AGE_KEY_LEN);
	return TACIT_OK;
}

/*
 * Call fn on each line of text that is not blank or a comment, with its
 * line number; a CR before the LF is dropped.  Lines go through a copy
 * in locked memory, since identity files hold secrets.
 */
static int
each_line(const char *text, size_t len,
    int (*fn)(void *arg, const char *line, struct tacit_err *e), void *arg,
    struct tacit_err *e)
{
	size_t off = 0, lineno = 0, max = TACIT_BECH32_MAX + 2;
	char *line = sodium_malloc(max);
	int rc = TACIT_OK;

	if (line == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	while (off < len && rc == TACIT_OK) {
		const char *lf = memchr(text + off, '\n', len - off);
		size_t eol = lf ? (size_t)(lf - text) : len;
		size_t n = eol - off, i = 0;

		lineno++;
		if (n > 0 && text[off + n - 1] == '\r')
			n--;
		while (i < n && (text[off + i] == ' ' || text[off + i] == '\t'))
			i++;
		if (i == n || text[off + i] == '#') {
			/* blank or comment */
		} else if (n - i >= max || memchr(text + off, '\0', n)) {
			tacit_err_set(e, "line %zu: malformed key", lineno);
			rc = TACIT_EFORMAT;
		} else {
			memcpy(line, text + off + i, n - i);
			line[n - i] = '\0';
			rc = fn(arg, line, e);
			if (rc != TACIT_OK) {
				struct tacit_err why = *e;

				tacit_err_set(e, "line %zu: %s", lineno,
				    why.msg);
			}
		}
		off = eol + 1;
	}
	sodium_memzero(line, max);
	sodium_free(line);
	return rc;
}

static int
add_recipient_line(void *arg, const char *line, struct tacit_err *e)
{
	return tacit_age_recipients_add(arg, line, e);
}

int
tacit_age_recipients_parse(struct tacit_age_recipients *r, const char *text,
    size_t len, struct tacit_err *e)
{
	return each_line(text, len, add_recipient_line, r, e);
}

void
tacit_age_recipients_free(struct tacit_age_recipients *r)
{
	free(r->pk);
	r->pk = NULL;
	r->n = r->cap = 0;
}

struct tacit_age_keys {
	uint8_t *sk; /* n secret keys, in locked memory */
	size_t n, cap;
};

struct tacit_age_keys *
tacit_age_keys_new(void)
{
	return calloc(1, sizeof(struct tacit_age_keys));
}

void
tacit_age_keys_free(struct tacit_age_keys **kp)
{
	if (kp == NULL || *kp == NULL)
		return;
	sodium_free((*kp)->sk); /* wipes */
	free(*kp);
	*kp = NULL;
}

/* Room for one more key; TACIT_ENOMEM. */
static int
keys_grow(struct tacit_age_keys *k, struct tacit_err *e)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 4;
		uint8_t *p = sodium_allocarray(cap, TACIT_AGE_KEY_LEN);

		if (p == NULL) {
			tacit_err_set(e, "out of memory");
			return TACIT_ENOMEM;
		}
		if (k->n > 0)
			memcpy(p, k->sk, k->n * TACIT_AGE_KEY_LEN);
		sodium_free(k->sk);
		k->sk = p;
		k->cap = cap;
	}
	return TACIT_OK;
}

int
tacit_age_keys_add_raw(struct tacit_age_keys *k,
    const uint8_t sk[TACIT_AGE_KEY_LEN], struct tacit_err *e)
{
	int rc = keys_grow(k, e);

	if (rc == TACIT_OK)
		memcpy(k->sk + k->n++ * TACIT_AGE_KEY_LEN, sk,
		    TACIT_AGE_KEY_LEN);
	return rc;
}

int
tacit_age_keys_add(struct tacit_age_keys *k, const char *s, struct tacit_err *e)
{
	int rc = keys_grow(k, e);

	if (rc != TACIT_OK)
		return rc;
	if (s == NULL) {
		randombytes_buf(k->sk + k->n * TACIT_AGE_KEY_LEN,
		    TACIT_AGE_KEY_LEN);
	} else if (strncmp(s, "age-encryption.org/", 19) == 0 ||
	    strncmp(s, "-----BEGIN AGE ENCRYPTED FILE", 29) == 0) {
		tacit_err_set(e,
		    "passphrase-protected identity files are "
		    "not supported");
		rc = TACIT_EUNSUPPORTED;
	} else if (strncmp(s, "AGE-PLUGIN-", 11) == 0 ||
	    strncmp(s, "-----BEGIN", 10) == 0) {
		tacit_err_set(e, "unsupported identity (plugin or SSH key)");
		rc = TACIT_EUNSUPPORTED;
	} else if (strncasecmp(s, "age1", 4) == 0) {
		tacit_err_set(e, "a recipient (age1...), not an identity");
		rc = TACIT_EFORMAT;
	} else
		rc = key_decode(s, "age-secret-key-",
		    k->sk + k->n * TACIT_AGE_KEY_LEN, e);
	if (rc == TACIT_OK)
		k->n++;
	return rc;
}

static int
add_key_line(void *arg, const char *line, struct tacit_err *e)
{
	return tacit_age_keys_add(arg, line, e);
}

int
tacit_age_keys_parse(struct tacit_age_keys *k, const char *text, size_t len,
    struct tacit_err *e)
{
	size_t before = k->n;
	int rc = each_line(text, len, add_key_line, k, e);

	if (rc == TACIT_OK && k->n == before) {
		tacit_err_set(e, "no identities found");
		rc = TACIT_EFORMAT;
	}
	return rc;
}

size_t
tacit_age_keys_count(const struct tacit_age_keys *k)
{
	return k == NULL ? 0 : k->n;
}

int
tacit_age_keys_recipient(const struct tacit_age_keys *k, size_t i, char *out,
    size_t cap)
{
	uint8_t pk[TACIT_AGE_KEY_LEN];

	if (i >= k->n)
		return TACIT_EUSAGE;
	crypto_scalarmult_base(pk, k->sk + i * TACIT_AGE_KEY_LEN);
	return tacit_age_recipient_format(out, cap, pk);
}

int
tacit_age_keys_identity(const struct tacit_age_keys *k, size_t i, char *out,
    size_t cap)
{
	int rc;

	if (i >= k->n)
		return TACIT_EUSAGE;
	rc = tacit_bech32_encode(out, cap, "age-secret-key-",
	    k->sk + i * TACIT_AGE_KEY_LEN, TACIT_AGE_KEY_LEN);
	/* Written in capitals, as age-keygen does. */
	for (size_t j = 0; rc == TACIT_OK && out[j] != '\0'; j++)
		out[j] = (char)toupper((unsigned char)out[j]);
	return rc;
}

/* The wrap key of an X25519 stanza; -1 for an all-zero shared secret. */
static int
x25519_wrap_key(uint8_t key[32], const uint8_t *secret, const uint8_t *peer,
    const uint8_t share[TACIT_AGE_KEY_LEN],
    const uint8_t recipient[TACIT_AGE_KEY_LEN])
{
	uint8_t shared[crypto_scalarmult_BYTES], salt[2 * TACIT_AGE_KEY_LEN];
	int rc = -1;

	if (crypto_scalarmult(shared, secret, peer) == 0) {
		memcpy(salt, share, TACIT_AGE_KEY_LEN);
		memcpy(salt + TACIT_AGE_KEY_LEN, recipient, TACIT_AGE_KEY_LEN);
		rc = tacit_hkdf_sha256(key, 32, salt, sizeof(salt), shared,
		    sizeof(shared), (const uint8_t *)x25519_info,
		    sizeof(x25519_info) - 1);
	}
	sodium_memzero(shared, sizeof(shared));
	return rc == TACIT_OK ? 0 : -1;
}

/* The wrap key of an scrypt stanza; -1 when out of memory. */
static int
scrypt_wrap_key(uint8_t key[32], const char *pass, size_t passlen,
    const uint8_t salt[16], int log2n)
{
	uint8_t s[sizeof(scrypt_label) - 1 + 16];

	memcpy(s, scrypt_label, sizeof(scrypt_label) - 1);
	memcpy(s + sizeof(scrypt_label) - 1, salt, 16);
	return crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass,
	    passlen, s, sizeof(s), (uint64_t)1 << log2n, 8, 1, key, 32);
}

static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];

/* Writer: text appended to a growing buffer, the first error sticky. */
static void
put(struct tacit_age_writer *w, const char *s, size_t n)
{
	if (w->rc != TACIT_OK)
		return;
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 1024;
		char *p;

		while (cap - w->len < n && cap < TACIT_AGE_HEADER_MAX)
			cap *= 2;
		if (cap - w->len < n || (p = realloc(w->p, cap)) == NULL) {
			w->rc = TACIT_ENOMEM;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void
put_b64(struct tacit_age_writer *w, const uint8_t *p, size_t n)
{
	char b64[64 + 1];

	/* 48 bytes at a time: 64 columns. */
	if (n == 0)
		return;
	do {
		size_t take = n < 48 ? n : 48;

		sodium_bin2base64(b64, sizeof(b64), p, take,
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
		put(w, b64, strlen(b64));
		p += take;
		n -= take;
		if (n > 0)
			put(w, "\n", 1);
	} while (n > 0);
}

void
tacit_age_write_begin(struct tacit_age_writer *w)
{
	w->p = NULL;
	w->len = w->cap = 0;
	w->rc = TACIT_OK;
	put(w, version_line, sizeof(version_line) - 1);
}

void
tacit_age_write_stanza(struct tacit_age_writer *w, const char *const *argv,
    size_t argc, const uint8_t *body, size_t len)
{
	if (argc == 0 || argc > TACIT_AGE_ARGS_MAX)
		w->rc = TACIT_EUSAGE;
	put(w, "->", 2);
	for (size_t i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		for (size_t j = 0; j < n; j++)
			if (argv[i][j] < 0x21 || argv[i][j] > 0x7e)
				w->rc = TACIT_EUSAGE;
		if (n == 0)
			w->rc = TACIT_EUSAGE;
		put(w, " ", 1);
		put(w, argv[i], n);
	}
	put(w, "\n", 1);
	put_b64(w, body, len);
	/* The body ends with a line shorter than 64 columns, maybe empty. */
	if (len > 0 && len % 48 == 0)
		put(w, "\n", 1);
	put(w, "\n", 1);
}

void
tacit_age_write_x25519(struct tacit_age_writer *w,
    const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const uint8_t pk[TACIT_AGE_KEY_LEN])
{
	uint8_t eph[32], share[TACIT_AGE_KEY_LEN], key[32], body[WRAPPED_LEN];
	char b64[64];
	const char *argv[2] = { "X25519", b64 };

	randombytes_buf(eph, sizeof(eph));
	crypto_scalarmult_base(share, eph);
	if (x25519_wrap_key(key, eph, pk, share, pk) != 0) {
		w->rc = TACIT_EFORMAT; /* a low-order recipient */
	} else {
		crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key,
		    TACIT_FILE_KEY_LEN, NULL, 0, NULL, zero_nonce, key);
		sodium_bin2base64(b64, sizeof(b64), share, sizeof(share),
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
		tacit_age_write_stanza(w, argv, 2, body, sizeof(body));
	}
	sodium_memzero(eph, sizeof(eph));
	sodium_memzero(key, sizeof(key));
}

void
tacit_age_write_scrypt(struct tacit_age_writer *w,
    const uint8_t file_key[TACIT_FILE_KEY_LEN], const char *pass,
    size_t passlen, int log2n)
{
	uint8_t salt[16], key[32], body[WRAPPED_LEN];
	char b64[32], work[8];
	const char *argv[3] = { "scrypt", b64, work };

	if (log2n < 1 || log2n > TACIT_AGE_SCRYPT_LOG2N_MAX) {
		w->rc = TACIT_EUSAGE;
		return;
	}
	randombytes_buf(salt, sizeof(salt));
	if (scrypt_wrap_key(key, pass, passlen, salt, log2n) != 0) {
		w->rc = TACIT_ENOMEM;
	} else {
		crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key,
		    TACIT_FILE_KEY_LEN, NULL, 0, NULL, zero_nonce, key);
		sodium_bin2base64(b64, sizeof(b64), salt, sizeof(salt),
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
		snprintf(work, sizeof(work), "%d", log2n);
		tacit_age_write_stanza(w, argv, 3, body, sizeof(body));
	}
	sodium_memzero(key, sizeof(key));
}

/* The header MAC over text (through "---") with the file key. */
static int
header_mac(uint8_t mac[MAC_LEN], const char *text, size_t len,
    const uint8_t file_key[TACIT_FILE_KEY_LEN])
{
	static const uint8_t info[] = "header";
	uint8_t key[crypto_auth_hmacsha256_KEYBYTES];
	int rc;

	rc = tacit_hkdf_sha256(key, sizeof(key), NULL, 0, file_key,
	    TACIT_FILE_KEY_LEN, info, sizeof(info) - 1);
	if (rc == TACIT_OK) {
		crypto_auth_hmacsha256_state st;

		crypto_auth_hmacsha256_init(&st, key, sizeof(key));
		crypto_auth_hmacsha256_update(&st, (const uint8_t *)text, len);
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_memzero(&st, sizeof(st));
	}
	sodium_memzero(key, sizeof(key));
	return rc;
}

int
tacit_age_write_end(struct tacit_age_writer *w,
    const uint8_t file_key[TACIT_FILE_KEY_LEN], struct tacit_err *e)
{
	uint8_t mac[MAC_LEN];
	char b64[MAC_B64_LEN + 1];

	put(w, "---", 3);
	if (w->rc == TACIT_OK &&
	    header_mac(mac, w->p, w->len, file_key) != TACIT_OK)
		w->rc = TACIT_EUSAGE;
	if (w->rc != TACIT_OK) {
		tacit_err_set(e, "%s",
		    w->rc == TACIT_ENOMEM ? "out of memory"
			: w->rc == TACIT_EFORMAT
			? "invalid recipient (low-order point)"
			: "invalid stanza");
		return w->rc;
	}
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	put(w, " ", 1);
	put(w, b64, MAC_B64_LEN);
	put(w, "\n", 1);
	if (w->rc != TACIT_OK)
		tacit_err_set(e, "out of memory");
	return w->rc;
}

void
tacit_age_writer_free(struct tacit_age_writer *w)
{
	free(w->p);
	w->p = NULL;
	w->len = w->cap = 0;
}

struct tacit_age_header {
	char *raw; /* the header as read, through the MAC line */
	size_t mac_at; /* offset just after "---" */
	uint8_t mac[MAC_LEN];
	char *args; /* argument lines, split into strings */
	uint8_t *bodies;
	struct tacit_age_stanza *st;
	size_t n;
	int scrypt;
};

void
tacit_age_header_free(struct tacit_age_header **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	free((*hp)->raw);
	free((*hp)->args);
	free((*hp)->bodies);
	free((*hp)->st);
	free(*hp);
	*hp = NULL;
}

size_t
tacit_age_header_count(const struct tacit_age_header *h)
{
	return h->n;
}

const struct tacit_age_stanza *
tacit_age_header_stanza(const struct tacit_age_header *h, size_t i)
{
	return i < h->n ? &h->st[i] : NULL;
}

int
tacit_age_header_scrypt(const struct tacit_age_header *h)
{
	return h->scrypt;
}

/* Read lines up to and including the MAC line into h->raw. */
static int
read_lines(struct tacit_age_header *h, struct tacit_in *in, size_t *len,
    struct tacit_err *e)
{
	size_t cap = 4096, at = 0;

	h->raw = malloc(cap);
	for (;;) {
		ssize_t n;
		size_t want;

		if (h->raw == NULL) {
			tacit_err_set(e, "out of memory");
			return TACIT_ENOMEM;
		}
		if (cap - at < LINE_MAX_LEN + 1 && cap < TACIT_AGE_HEADER_MAX) {
			char *p = realloc(h->raw, 2 * cap);

			if (p == NULL)
				free(h->raw);
			h->raw = p;
			cap *= 2;
			continue;
		}
		want =
		    cap - at - 1 < LINE_MAX_LEN ? cap - at - 1 : LINE_MAX_LEN;
		n = tacit_in_line(in, h->raw + at, want);
		if (n < 0) {
			*e = in->err;
			return (int)n;
		}
		if (n == 0 || h->raw[at + (size_t)n - 1] != '\n') {
			tacit_err_set(e, "%s",
			    (size_t)n == want ? "header too long"
				: at == 0     ? "empty file"
					      : "truncated header");
			return TACIT_EFORMAT;
		}
		if (at == 0 && strncmp(h->raw, version_line, (size_t)n) != 0) {
			tacit_err_set(e, "%s",
			    strncmp(h->raw, version_line, 21) == 0
				? "malformed header: version line"
				: strncmp(h->raw, "age-encryption.org/", 19) ==
				    0
				? "unsupported age version"
				: "not an age file");
			return TACIT_EFORMAT;
		}
		at += (size_t)n;
		if (strncmp(h->raw + at - (size_t)n, "---", 3) == 0)
			break;
	}
	h->raw[at] = '\0';
	*len = at;
	return TACIT_OK;
}

static int
bad(struct tacit_err *e, const char *why)
{
	tacit_err_set(e, "malformed header: %s", why);
	return TACIT_EFORMAT;
}

/* Split an argument line ("-> a b\n", copied to args) into argv. */
static int
split_args(struct tacit_age_stanza *s, char *line, struct tacit_err *e)
{
	char *p = line + 3;

	for (;;) {
		char *end = p;

		while (*end >= 0x21 && *end <= 0x7e)
			end++;
		if (end == p)
			return bad(e, "empty or invalid stanza argument");
		if (s->argc == TACIT_AGE_ARGS_MAX)
			return bad(e, "too many stanza arguments");
		s->argv[s->argc++] = p;
		if (*end == '\n') {
			*end = '\0';
			return TACIT_OK;
		}
		if (*end != ' ')
			return bad(e, "invalid character in stanza");
		*end = '\0';
		p = end + 1;
	}
}

/*
 * Read body lines from *pos: 64 columns each but the last, which is
 * shorter (maybe empty); decode them, canonical, into out.
 */
static int
read_body(struct tacit_age_stanza *s, const char *raw, size_t *pos,
    uint8_t *out, size_t cap, size_t *used, struct tacit_err *e)
{
	const char *start = raw + *pos;
	char *text;
	size_t tlen = 0, n;
	int rc;

	for (;;) {
		const char *line = raw + *pos;
		size_t len = 0;

		if (strncmp(line, "---", 3) == 0 || strncmp(line, "->", 2) == 0)
			return bad(e, "stanza without a final short line");
		while (is_b64((unsigned char)line[len]))
			len++;
		if (line[len] != '\n')
			return bad(e, "invalid character in stanza body");
		if (len > BODY_COLUMNS)
			return bad(e, "stanza body line too long");
		*pos += len + 1;
		tlen += len;
		if (len < BODY_COLUMNS)
			break;
	}
	/* Join the lines and decode them. */
	text = malloc(tlen + 1);
	if (text == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	n = 0;
	for (const char *p = start; p < raw + *pos; p++)
		if (*p != '\n')
			text[n++] = *p;
	rc = tacit_age_b64_decode(text, tlen, out + *used, cap - *used, &n);
	free(text);
	if (rc != TACIT_OK)
		return bad(e, "stanza body is not canonical base64");
	s->body = out + *used;
	s->len = n;
	*used += n;
	return TACIT_OK;
}

/* "[1-9][0-9]*", at most TACIT_AGE_SCRYPT_LOG2N_MAX. */
static int
work_factor(const char *s, int *log2n)
{
	long v = 0;

	if (s[0] < '1' || s[0] > '9')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 1000)
			return -1;
	}
	*log2n = (int)v;
	return 0;
}

/* The rules of the stanza types we implement, checked for every stanza. */
static int
check_stanza(const struct tacit_age_stanza *s, size_t total,
    struct tacit_err *e)
{
	uint8_t tmp[64];
	size_t n;
	int log2n;

	if (strcmp(s->argv[0], "X25519") == 0) {
		if (s->argc != 2 ||
		    tacit_age_b64_decode(s->argv[1], strlen(s->argv[1]), tmp,
			sizeof(tmp), &n) != TACIT_OK ||
		    n != TACIT_AGE_KEY_LEN)
			return bad(e, "invalid X25519 stanza");
		if (s->len != WRAPPED_LEN)
			return bad(e, "invalid X25519 stanza body");
	} else if (strcmp(s->argv[0], "scrypt") == 0) {
		if (total != 1)
			return bad(e, "scrypt stanza mixed with others");
		if (s->argc != 3 ||
		    tacit_age_b64_decode(s->argv[1], strlen(s->argv[1]), tmp,
			sizeof(tmp), &n) != TACIT_OK ||
		    n != 16 || work_factor(s->argv[2], &log2n) != 0)
			return bad(e, "invalid scrypt stanza");
		if (log2n > TACIT_AGE_SCRYPT_LOG2N_MAX) {
			tacit_err_set(e,
			    "scrypt work factor 2^%d is above the limit 2^%d",
			    log2n, TACIT_AGE_SCRYPT_LOG2N_MAX);
			return TACIT_EFORMAT;
		}
		if (s->len != WRAPPED_LEN)
			return bad(e, "invalid scrypt stanza body");
	}
	return TACIT_OK;
}

static int
parse(struct tacit_age_header *h, size_t len, struct tacit_err *e)
{
	size_t pos = sizeof(version_line) - 1, used = 0, nst = 0;
	const char *mac;
	int rc;

	/* Count the stanzas: every argument line starts with "->". */
	for (size_t i = pos; i < len; i++)
		if (h->raw[i] == '-' && h->raw[i - 1] == '\n' &&
		    h->raw[i + 1] == '>')
			nst++;
	if (nst > TACIT_AGE_STANZAS_MAX)
		return bad(e, "too many stanzas");
	h->args = malloc(len + 1);
	h->bodies = malloc(len);
	h->st = calloc(nst ? nst : 1, sizeof(*h->st));
	if (h->args == NULL || h->bodies == NULL || h->st == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	memcpy(h->args, h->raw, len + 1);
	while (strncmp(h->raw + pos, "->", 2) == 0) {
		struct tacit_age_stanza *s = &h->st[h->n++];
		const char *lf = strchr(h->raw + pos, '\n');

		if (h->raw[pos + 2] != ' ')
			return bad(e, "stanza without arguments");
		rc = split_args(s, h->args + pos, e);
		if (rc != TACIT_OK)
			return rc;
		pos = (size_t)(lf - h->raw) + 1;
		rc = read_body(s, h->raw, &pos, h->bodies, len, &used, e);
		if (rc != TACIT_OK)
			return rc;
	}
	if (h->n == 0)
		return bad(e, "no recipient stanza");
	mac = h->raw + pos;
	if (strncmp(mac, "--- ", 4) != 0 || pos + 4 + MAC_B64_LEN + 1 != len ||
	    mac[4 + MAC_B64_LEN] != '\n')
		return bad(e, "invalid MAC line");
	{
		size_t n;

		if (tacit_age_b64_decode(mac + 4, MAC_B64_LEN, h->mac,
			sizeof(h->mac), &n) != TACIT_OK ||
		    n != MAC_LEN)
			return bad(e, "invalid MAC");
	}
	h->mac_at = pos + 3;
	for (size_t i = 0; i < h->n; i++) {
		rc = check_stanza(&h->st[i], h->n, e);
		if (rc != TACIT_OK)
			return rc;
		if (strcmp(h->st[i].argv[0], "scrypt") == 0)
			h->scrypt = 1;
	}
	return TACIT_OK;
}

int
tacit_age_header_read(struct tacit_age_header **hp, struct tacit_in *in,
    struct tacit_err *e)
{
	struct tacit_age_header *h = calloc(1, sizeof(*h));
	size_t len = 0;
	int rc;

	*hp = NULL;
	if (h == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	rc = read_lines(h, in, &len, e);
	if (rc == TACIT_OK)
		rc = parse(h, len, e);
	/* As age does, a file too short for the payload nonce is refused. */
	if (rc == TACIT_OK) {
		const unsigned char *p;
		ssize_t n = tacit_in_peek(in, TACIT_STREAM_NONCE_LEN, &p);

		if (n < 0) {
			*e = in->err;
			rc = (int)n;
		} else if ((size_t)n < TACIT_STREAM_NONCE_LEN) {
			tacit_err_set(e, "truncated file: no payload");
			rc = TACIT_EFORMAT;
		}
	}
	if (rc != TACIT_OK)
		tacit_age_header_free(&h);
	*hp = h;
	return rc;
}

/* Open a wrapped file key with key; 0 when it authenticates. */
static int
unwrap_body(uint8_t file_key[TACIT_FILE_KEY_LEN], const uint8_t *body,
    const uint8_t key[32])
{
	return crypto_aead_chacha20poly1305_ietf_decrypt(file_key, NULL, NULL,
	    body, WRAPPED_LEN, NULL, 0, zero_nonce, key);
}

static int
unwrap_x25519(const struct tacit_age_header *h,
    const struct tacit_age_keys *keys, uint8_t file_key[TACIT_FILE_KEY_LEN],
    struct tacit_err *e)
{
	uint8_t key[32], share[TACIT_AGE_KEY_LEN], pk[TACIT_AGE_KEY_LEN];

	for (size_t i = 0; i < h->n; i++) {
		const struct tacit_age_stanza *s = &h->st[i];
		size_t n;

		if (strcmp(s->argv[0], "X25519") != 0)
			continue;
		if (tacit_age_b64_decode(s->argv[1], strlen(s->argv[1]), share,
			sizeof(share), &n) != TACIT_OK)
			return bad(e, "invalid X25519 stanza");
		for (size_t k = 0; keys != NULL && k < keys->n; k++) {
			const uint8_t *sk = keys->sk + k * TACIT_AGE_KEY_LEN;
			int ok;

			crypto_scalarmult_base(pk, sk);
			if (x25519_wrap_key(key, sk, share, share, pk) != 0) {
				tacit_err_set(e,
				    "malformed header: X25519 "
				    "share is a low-order point");
				return TACIT_EFORMAT;
			}
			ok = unwrap_body(file_key, s->body, key) == 0;
			sodium_memzero(key, sizeof(key));
			if (ok)
				return TACIT_OK;
		}
	}
	tacit_err_set(e, "no identity matches");
	return TACIT_ENOKEY;
}

static int
unwrap_scrypt(const struct tacit_age_header *h, const char *pass,
    size_t passlen, uint8_t file_key[TACIT_FILE_KEY_LEN], struct tacit_err *e)
{
	const struct tacit_age_stanza *s = &h->st[0];
	uint8_t salt[16], key[32];
	size_t n;
	int log2n, ok;

	if (pass == NULL) {
		tacit_err_set(e, "the file is sealed with a passphrase");
		return TACIT_ENOKEY;
	}
	if (tacit_age_b64_decode(s->argv[1], strlen(s->argv[1]), salt,
		sizeof(salt), &n) != TACIT_OK ||
	    work_factor(s->argv[2], &log2n) != 0)
		return bad(e, "invalid scrypt stanza");
	if (scrypt_wrap_key(key, pass, passlen, salt, log2n) != 0) {
		tacit_err_set(e, "out of memory for scrypt");
		return TACIT_ENOMEM;
	}
	ok = unwrap_body(file_key, s->body, key) == 0;
	sodium_memzero(key, sizeof(key));
	if (!ok) {
		tacit_err_set(e, "incorrect passphrase");
		return TACIT_ENOKEY;
	}
	return TACIT_OK;
}

int
tacit_age_unwrap(const struct tacit_age_header *h,
    const struct tacit_age_keys *keys, const char *pass, size_t passlen,
    uint8_t file_key[TACIT_FILE_KEY_LEN], struct tacit_err *e)
{
	uint8_t mac[MAC_LEN];
	int rc;

	rc = h->scrypt ? unwrap_scrypt(h, pass, passlen, file_key, e)
		       : unwrap_x25519(h, keys, file_key, e);
	if (rc != TACIT_OK)
		return rc;
	rc = header_mac(mac, h->raw, h->mac_at, file_key);
	if (rc == TACIT_OK && crypto_verify_32(mac, h->mac) != 0) {
		tacit_err_set(e, "authentication failed: header MAC");
		rc = TACIT_EAUTH;
	}
	if (rc != TACIT_OK)
		sodium_memzero(file_key, TACIT_FILE_KEY_LEN);
	return rc;
}
