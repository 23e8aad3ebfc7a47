/* epoch: forward-secure epoch identities, their signed cards, expiry. */
#ifndef TACIT_EPOCH_H
#define TACIT_EPOCH_H

#include <stddef.h>
#include <stdint.h>

#include "tacit/age.h"
#include "tacit/io.h"

/* The stanza that carries a message's expiry: "-> tacit/expires T". */
#define TACIT_EXPIRES_STANZA "tacit/expires"
/* Bounds: epochs of a minute to a year, at most this many on a card. */
#define TACIT_EPOCH_PERIOD_MIN 60
#define TACIT_EPOCH_PERIOD_MAX (366 * 86400)
#define TACIT_EPOCH_CARD_MAX 4096
/* First line of an identity file and of a card. */
#define TACIT_EPOCH_ID_TAG "TACIT-EPOCH-IDENTITY-1"
#define TACIT_EPOCH_CARD_TAG "tacit-epoch-card v1"

/*
 * The expiry of a header: 1 and *when if it has one tacit/expires stanza
 * (one argument, a decimal time, empty body), 0 if none, TACIT_EFORMAT if
 * malformed or repeated.  Without the file key this is unauthenticated.
 */
TACIT_WUR int tacit_expiry_get(const struct tacit_age_header *h, int64_t *when,
    struct tacit_err *e);
/* Add the expiry stanza to a header being written. */
void tacit_expiry_write(struct tacit_age_writer *w, int64_t when);
/*
 * Parse WHEN for --expire: a duration from now ("90s", "30m", "12h",
 * "7d", "2w") or an RFC 3339 time ("2026-12-01T10:00:00Z", offsets
 * allowed).  TACIT_EUSAGE with a message when it is neither.
 */
TACIT_WUR int tacit_expiry_parse(const char *s, int64_t now, int64_t *when,
    struct tacit_err *e);
/* A duration alone ("90s", "30m", "12h", "7d", "2w") in seconds. */
TACIT_WUR int tacit_duration_parse(const char *s, int64_t *seconds,
    struct tacit_err *e);
/* Format a Unix time as RFC 3339 UTC into out (at least 32 bytes). */
void tacit_time_format(int64_t t, char *out, size_t cap);

/*
 * An epoch identity: the seed of the current epoch and its index, the
 * schedule (epoch i covers [start + i * period, start + (i + 1) *
 * period) and is destroyed at its end), the horizon (how far ahead its
 * card reaches) and a signing seed for its cards, all in locked memory.
 *   seed(i + 1) = HKDF-SHA256(seed(i), info "tacit/epoch/next")
 *   key(i)      = HKDF-SHA256(seed(i), info "tacit/epoch/x25519")
 * Only the current seed is kept: past epochs' keys cannot be derived.
 */
struct tacit_epoch_id;

TACIT_WUR int tacit_epoch_new(struct tacit_epoch_id **id, int64_t now,
    int64_t period, int64_t horizon, struct tacit_err *e);
/* 1 if text is an epoch identity file (its first non-comment line). */
int tacit_epoch_is_identity(const char *text, size_t len);
TACIT_WUR int tacit_epoch_parse(struct tacit_epoch_id **id, const char *text,
    size_t len, struct tacit_err *e);
/* The identity file's text, in locked memory (free with sodium_free). */
TACIT_WUR int tacit_epoch_format(const struct tacit_epoch_id *id, char **text,
    size_t *len, struct tacit_err *e);
void tacit_epoch_free(struct tacit_epoch_id **id);

uint64_t tacit_epoch_index(const struct tacit_epoch_id *id);
/* When epoch i is destroyed (its end). */
int64_t tacit_epoch_destroy_at(const struct tacit_epoch_id *id, uint64_t i);
/*
 * Move to the epoch that covers now, overwriting the seed: 1 if it moved,
 * 0 if already there (a clock set back moves nothing).
 */
TACIT_WUR int tacit_epoch_ratchet(struct tacit_epoch_id *id, int64_t now,
    struct tacit_err *e);
/* Add the keys of the current epoch and those up to the horizon. */
TACIT_WUR int tacit_epoch_keys(const struct tacit_epoch_id *id,
    struct tacit_age_keys *keys, struct tacit_err *e);

/*
 * A card: the recipients of the epochs from the current one to the
 * horizon, each with its destroy-at time, signed with the identity's
 * Ed25519 key (crypto_sign).  Text in malloc'd memory.
 */
TACIT_WUR int tacit_epoch_card(const struct tacit_epoch_id *id, char **text,
    size_t *len, struct tacit_err *e);

struct tacit_epoch_entry {
	uint64_t index;
	int64_t destroy_at;
	uint8_t pk[TACIT_AGE_KEY_LEN];
};

struct tacit_epoch_card {
	uint8_t signer[32]; /* Ed25519 public key */
	int64_t period;
	struct tacit_epoch_entry *e;
	size_t n;
};

/* 1 if text is a card (its first non-comment line). */
int tacit_epoch_is_card(const char *text, size_t len);
/* Parse a card and verify its signature: TACIT_EAUTH when it fails. */
TACIT_WUR int tacit_epoch_card_parse(struct tacit_epoch_card *c,
    const char *text, size_t len, struct tacit_err *e);
/* The entry destroyed first at or after when; NULL if past the horizon. */
const struct tacit_epoch_entry *
tacit_epoch_card_pick(const struct tacit_epoch_card *c, int64_t when);
void tacit_epoch_card_free(struct tacit_epoch_card *c);

#endif
