/* age: the age v1 header: stanzas, X25519 and scrypt recipients, its MAC. */
#ifndef TACIT_AGE_H
#define TACIT_AGE_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/io.h"
#include "tacit/stream.h"

#define TACIT_AGE_KEY_LEN 32
/* Bounds on what a header may hold: far above anything age writes. */
#define TACIT_AGE_HEADER_MAX (1u << 20)
#define TACIT_AGE_STANZAS_MAX 4096
#define TACIT_AGE_ARGS_MAX 16
/* scrypt: the work factor written, and the highest one accepted. */
#define TACIT_AGE_SCRYPT_LOG2N 18
#define TACIT_AGE_SCRYPT_LOG2N_MAX 22
/* Longest passphrase accepted. */
#define TACIT_AGE_PASS_MAX 1024

/* Unpadded standard base64 (the header's); canonical only on decode. */
TACIT_WUR int tacit_age_b64_decode(const char *s, size_t len, uint8_t *out,
    size_t cap, size_t *n);
/* out gets the encoding and its NUL; TACIT_EUSAGE if too small. */
TACIT_WUR int tacit_age_b64_encode(char *out, size_t cap, const uint8_t *p,
    size_t n);

/* A recipient "age1..." to its X25519 public key. */
TACIT_WUR int tacit_age_recipient_parse(const char *s,
    uint8_t pk[TACIT_AGE_KEY_LEN], struct tacit_err *e);
TACIT_WUR int tacit_age_recipient_format(char *out, size_t cap,
    const uint8_t pk[TACIT_AGE_KEY_LEN]);

/* Recipients to seal to: public keys, growing as they are added. */
struct tacit_age_recipients {
	uint8_t (*pk)[TACIT_AGE_KEY_LEN];
	size_t n, cap;
};

TACIT_WUR int tacit_age_recipients_add(struct tacit_age_recipients *r,
    const char *s, struct tacit_err *e);
/*
 * A recipients file as age reads it: one "age1..." a line; blank lines
 * and lines starting with '#' are skipped.  Errors name the line.
 */
TACIT_WUR int tacit_age_recipients_parse(struct tacit_age_recipients *r,
    const char *text, size_t len, struct tacit_err *e);
void tacit_age_recipients_free(struct tacit_age_recipients *r);

/* Identities (X25519 secret keys), kept in locked memory. */
struct tacit_age_keys;

struct tacit_age_keys *tacit_age_keys_new(void);
void tacit_age_keys_free(struct tacit_age_keys **k);
/* Add one "AGE-SECRET-KEY-1..."; a new one if s is NULL. */
TACIT_WUR int tacit_age_keys_add(struct tacit_age_keys *k, const char *s,
    struct tacit_err *e);
/* Add a raw X25519 secret key (an epoch key). */
TACIT_WUR int tacit_age_keys_add_raw(struct tacit_age_keys *k,
    const uint8_t sk[TACIT_AGE_KEY_LEN], struct tacit_err *e);
/* An identity file: identities, blank lines and '#' comments. */
TACIT_WUR int tacit_age_keys_parse(struct tacit_age_keys *k, const char *text,
    size_t len, struct tacit_err *e);
size_t tacit_age_keys_count(const struct tacit_age_keys *k);
/* The recipient ("age1...") or the identity string of key i. */
TACIT_WUR int tacit_age_keys_recipient(const struct tacit_age_keys *k, size_t i,
    char *out, size_t cap);
TACIT_WUR int tacit_age_keys_identity(const struct tacit_age_keys *k, size_t i,
    char *out, size_t cap);

/*
 * Writing a header: begin, add stanzas (each wraps file_key), end with
 * the MAC.  The text grows in memory; the first error sticks and is
 * returned by end.
 */
struct tacit_age_writer {
	char *p;
	size_t len, cap;
	int rc;
};

void tacit_age_write_begin(struct tacit_age_writer *w);
void tacit_age_write_x25519(struct tacit_age_writer *w,
    const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const uint8_t pk[TACIT_AGE_KEY_LEN]);
/* A passphrase stanza; it must be the only one (the spec says so). */
void tacit_age_write_scrypt(struct tacit_age_writer *w,
    const uint8_t file_key[TACIT_FILE_KEY_LEN], const char *pass,
    size_t passlen, int log2n);
/* Any other stanza: arguments (1*VCHAR each) and a body. */
void tacit_age_write_stanza(struct tacit_age_writer *w, const char *const *argv,
    size_t argc, const uint8_t *body, size_t len);
TACIT_WUR int tacit_age_write_end(struct tacit_age_writer *w,
    const uint8_t file_key[TACIT_FILE_KEY_LEN], struct tacit_err *e);
void tacit_age_writer_free(struct tacit_age_writer *w);

/* A stanza read from a header: its arguments and decoded body. */
struct tacit_age_stanza {
	size_t argc;
	const char *argv[TACIT_AGE_ARGS_MAX];
	const uint8_t *body;
	size_t len;
};

struct tacit_age_header;

/*
 * Read and check a header from in, leaving in at the payload.  Every
 * rule of the grammar is enforced: the version line, arguments, 64-column
 * canonical base64 bodies ending with a short line, the MAC line, and
 * the argument and body rules of the X25519 and scrypt stanzas, with an
 * scrypt stanza alone.  TACIT_EFORMAT with a message when it breaks one.
 */
TACIT_WUR int tacit_age_header_read(struct tacit_age_header **h,
    struct tacit_in *in, struct tacit_err *e);
void tacit_age_header_free(struct tacit_age_header **h);
size_t tacit_age_header_count(const struct tacit_age_header *h);
const struct tacit_age_stanza *
tacit_age_header_stanza(const struct tacit_age_header *h, size_t i);
/* 1 when the file is sealed with a passphrase. */
int tacit_age_header_scrypt(const struct tacit_age_header *h);

/*
 * Recover the file key with one of keys (X25519 stanzas) or with the
 * passphrase (scrypt), then check the header MAC with it.  TACIT_ENOKEY
 * when no identity matches or the passphrase is wrong, TACIT_EAUTH when
 * the MAC is wrong, TACIT_EFORMAT for a stanza that must be refused.
 */
TACIT_WUR int tacit_age_unwrap(const struct tacit_age_header *h,
    const struct tacit_age_keys *keys, const char *pass, size_t passlen,
    uint8_t file_key[TACIT_FILE_KEY_LEN], struct tacit_err *e);

#endif
