/* epoch: message expiry, forward-secure epoch identities and their cards. */
#define _DEFAULT_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "tacit/epoch.h"
#include "tacit/hkdf.h"

/* "[1-9][0-9]*" or "0", at most 18 digits: a time that fits. */
static int
parse_decimal(const char *s, int64_t *v)
{
	int64_t x = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int
tacit_expiry_get(const struct tacit_age_header *h, int64_t *when,
    struct tacit_err *e)
{
	int found = 0;

	for (size_t i = 0; i < tacit_age_header_count(h); i++) {
		const struct tacit_age_stanza *s =
		    tacit_age_header_stanza(h, i);

		if (strcmp(s->argv[0], TACIT_EXPIRES_STANZA) != 0)
			continue;
		if (found || s->argc != 2 || s->len != 0 ||
		    parse_decimal(s->argv[1], when) != 0) {
			tacit_err_set(e, "malformed header: %s",
			    found ? "two expiry stanzas"
				  : "invalid expiry stanza");
			return TACIT_EFORMAT;
		}
		found = 1;
	}
	return found;
}

void
tacit_expiry_write(struct tacit_age_writer *w, int64_t when)
{
	char t[24];
	const char *argv[2] = { TACIT_EXPIRES_STANZA, t };

	snprintf(t, sizeof(t), "%" PRId64, when);
	tacit_age_write_stanza(w, argv, 2, NULL, 0);
}

void
tacit_time_format(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, cap, "@%" PRId64, t);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at s as a number; -1 if they are not all digits. */
static int64_t
digits(const char *s, int n)
{
	int64_t v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
static int
parse_rfc3339(const char *s, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	int64_t y, mo, d, h, mi, sec, off = 0;
	size_t n = strlen(s), i = 19;

	if (n < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 &&
		(y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	if (s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++; /* fractions of a second are dropped */
	}
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
		off = 0;
	} else if ((s[i] == '+' || s[i] == '-') && i + 6 == n &&
	    s[i + 3] == ':') {
		int64_t oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);

		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (s[i] == '+' ? 1 : -1);
	} else {
		return -1;
	}
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    (sec == 60 ? 59 : sec) - off;
	return 0;
}

/* A duration: digits and a unit; -1 if it is not one. */
static int
duration(const char *s, int64_t *seconds)
{
	static const struct {
		char unit;
		int64_t seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 } };
	size_t n = strlen(s);
	char num[16];
	int64_t v;

	if (n < 2 || n > 12)
		return -1;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s[n - 1] == units[i].unit) {
			if (parse_decimal(num, &v) != 0 || v == 0 ||
			    v > INT64_C(100) * 366 * 86400 / units[i].seconds)
				return -1;
			*seconds = v * units[i].seconds;
			return 0;
		}
	return -1;
}

int
tacit_duration_parse(const char *s, int64_t *seconds, struct tacit_err *e)
{
	if (duration(s, seconds) == 0)
		return TACIT_OK;
	tacit_err_set(e, "invalid duration '%s' (such as 30m, 12h, 7d, 2w)", s);
	return TACIT_EUSAGE;
}

int
tacit_expiry_parse(const char *s, int64_t now, int64_t *when,
    struct tacit_err *e)
{
	int64_t d;

	if (duration(s, &d) == 0) {
		*when = now + d;
		return TACIT_OK;
	}
	if (parse_rfc3339(s, when) != 0) {
		tacit_err_set(e,
		    "invalid expiry '%s' (a duration such as 30m, 12h, 7d, "
		    "or an RFC 3339 time such as 2026-12-01T10:00:00Z)",
		    s);
		return TACIT_EUSAGE;
	}
	if (*when <= now) {
		tacit_err_set(e, "expiry '%s' is in the past", s);
		return TACIT_EUSAGE;
	}
	return TACIT_OK;
}

#define SEED_LEN 32
#define SIGN_SEED_LEN crypto_sign_SEEDBYTES
#define B64_32 43 /* unpadded base64 of 32 bytes */

struct tacit_epoch_id {
	uint8_t *secret; /* the current seed, then the signing seed */
	int64_t period, horizon;
	uint64_t index;
};

static const char next_info[] = "tacit/epoch/next";
static const char key_info[] = "tacit/epoch/x25519";

/* out = HKDF-SHA256(seed, info): the next seed, or an epoch's key. */
static int
derive(uint8_t out[32], const uint8_t seed[32], const char *info)
{
	return tacit_hkdf_sha256(out, 32, NULL, 0, seed, SEED_LEN,
	    (const uint8_t *)info, strlen(info));
}

static struct tacit_epoch_id *
id_alloc(void)
{
	struct tacit_epoch_id *id = calloc(1, sizeof(*id));

	if (id != NULL &&
	    (id->secret = sodium_malloc(SEED_LEN + SIGN_SEED_LEN)) == NULL) {
		free(id);
		id = NULL;
	}
	return id;
}

void
tacit_epoch_free(struct tacit_epoch_id **id)
{
	if (id == NULL || *id == NULL)
		return;
	sodium_free((*id)->secret); /* wipes */
	free(*id);
	*id = NULL;
}

/* An epoch index whose times, a card ahead, still fit in 64 bits. */
static int
index_ok(int64_t i, int64_t period)
{
	return i >= 0 && i < INT64_MAX / period - TACIT_EPOCH_CARD_MAX - 1;
}

static int
check_schedule(int64_t period, int64_t horizon, struct tacit_err *e)
{
	if (period < TACIT_EPOCH_PERIOD_MIN ||
	    period > TACIT_EPOCH_PERIOD_MAX) {
		tacit_err_set(e, "epoch length must be from %d s to %d days",
		    TACIT_EPOCH_PERIOD_MIN, TACIT_EPOCH_PERIOD_MAX / 86400);
		return TACIT_EUSAGE;
	}
	if (horizon < period || horizon / period >= TACIT_EPOCH_CARD_MAX) {
		tacit_err_set(e, "horizon must be from one epoch to %d epochs",
		    TACIT_EPOCH_CARD_MAX - 1);
		return TACIT_EUSAGE;
	}
	return TACIT_OK;
}

int
tacit_epoch_new(struct tacit_epoch_id **idp, int64_t now, int64_t period,
    int64_t horizon, struct tacit_err *e)
{
	struct tacit_epoch_id *id;
	int rc = check_schedule(period, horizon, e);

	*idp = NULL;
	if (rc != TACIT_OK)
		return rc;
	if (now < 0 || (id = id_alloc()) == NULL) {
		tacit_err_set(e,
		    now < 0 ? "clock before 1970" : "out of memory");
		return now < 0 ? TACIT_EUSAGE : TACIT_ENOMEM;
	}
	randombytes_buf(id->secret, SEED_LEN + SIGN_SEED_LEN);
	id->period = period;
	id->horizon = horizon;
	id->index = (uint64_t)(now / period);
	*idp = id;
	return TACIT_OK;
}

/* The first line that is not blank or a comment, and its length. */
static const char *
first_line(const char *text, size_t len, size_t *n)
{
	size_t off = 0;

	while (off < len) {
		const char *lf = memchr(text + off, '\n', len - off);
		size_t end = lf ? (size_t)(lf - text) : len;

		if (end > off && text[off] != '#' && text[off] != '\r') {
			*n = end - off;
			if (text[end - 1] == '\r')
				(*n)--;
			return text + off;
		}
		off = end + 1;
	}
	return NULL;
}

static int
starts_with_tag(const char *text, size_t len, const char *tag)
{
	size_t n;
	const char *l = first_line(text, len, &n);

	return l != NULL && n >= strlen(tag) &&
	    memcmp(l, tag, strlen(tag)) == 0 &&
	    (n == strlen(tag) || l[strlen(tag)] == ' ');
}

int
tacit_epoch_is_identity(const char *text, size_t len)
{
	return starts_with_tag(text, len, TACIT_EPOCH_ID_TAG);
}

int
tacit_epoch_is_card(const char *text, size_t len)
{
	return starts_with_tag(text, len, TACIT_EPOCH_CARD_TAG);
}

/* "name=value" at *p (space-separated): copies value, advances *p. */
static int
take_field(const char **p, const char *end, const char *name, char *val,
    size_t cap)
{
	size_t nl = strlen(name), n = 0;

	if ((size_t)(end - *p) < nl + 1 || memcmp(*p, name, nl) != 0 ||
	    (*p)[nl] != '=')
		return -1;
	*p += nl + 1;
	while (*p < end && **p != ' ' && n + 1 < cap)
		val[n++] = *(*p)++;
	val[n] = '\0';
	if (*p < end && **p != ' ')
		return -1;
	if (*p < end)
		(*p)++;
	return n > 0 ? 0 : -1;
}

int
tacit_epoch_parse(struct tacit_epoch_id **idp, const char *text, size_t len,
    struct tacit_err *e)
{
	struct tacit_epoch_id *id = NULL;
	char *val = sodium_malloc(64);
	const char *l, *p, *end;
	int64_t period, horizon, index;
	size_t n, got;
	int rc = TACIT_EFORMAT;

	*idp = NULL;
	l = first_line(text, len, &n);
	if (val == NULL || (id = id_alloc()) == NULL) {
		tacit_err_set(e, "out of memory");
		rc = TACIT_ENOMEM;
		goto out;
	}
	if (l == NULL || !tacit_epoch_is_identity(text, len))
		goto bad;
	p = l + strlen(TACIT_EPOCH_ID_TAG) + 1;
	end = l + n;
	if (p > end || take_field(&p, end, "period", val, 64) != 0 ||
	    parse_decimal(val, &period) != 0 ||
	    take_field(&p, end, "horizon", val, 64) != 0 ||
	    parse_decimal(val, &horizon) != 0 ||
	    take_field(&p, end, "index", val, 64) != 0 ||
	    parse_decimal(val, &index) != 0 ||
	    take_field(&p, end, "seed", val, 64) != 0 ||
	    tacit_age_b64_decode(val, strlen(val), id->secret, SEED_LEN,
		&got) != TACIT_OK ||
	    got != SEED_LEN || take_field(&p, end, "sign", val, 64) != 0 ||
	    tacit_age_b64_decode(val, strlen(val), id->secret + SEED_LEN,
		SIGN_SEED_LEN, &got) != TACIT_OK ||
	    got != SIGN_SEED_LEN || p != end)
		goto bad;
	rc = check_schedule(period, horizon, e);
	if (rc != TACIT_OK)
		goto out;
	rc = TACIT_EFORMAT;
	if (!index_ok(index, period))
		goto bad;
	/* One identity a file: nothing but comments after its line. */
	for (size_t off = (size_t)(end - text); off < len;) {
		const char *lf = memchr(text + off, '\n', len - off);
		size_t stop = lf ? (size_t)(lf - text) : len;

		if (stop > off && text[off] != '#' && text[off] != '\r' &&
		    off != (size_t)(end - text)) {
			tacit_err_set(e,
			    "malformed epoch identity: data after "
			    "its line (one identity a file)");
			goto out;
		}
		off = stop + 1;
	}
	id->period = period;
	id->horizon = horizon;
	id->index = (uint64_t)index;
	*idp = id;
	id = NULL;
	rc = TACIT_OK;
	goto out;
bad:
	tacit_err_set(e, "malformed epoch identity");
out:
	sodium_free(val);
	tacit_epoch_free(&id);
	return rc;
}

int
tacit_epoch_format(const struct tacit_epoch_id *id, char **text, size_t *len,
    struct tacit_err *e)
{
	size_t cap = 512;
	char *t = sodium_malloc(cap), seed[B64_32 + 1], sign[B64_32 + 1];
	int n;

	if (t == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	sodium_bin2base64(seed, sizeof(seed), id->secret, SEED_LEN,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2base64(sign, sizeof(sign), id->secret + SEED_LEN,
	    SIGN_SEED_LEN, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	n = snprintf(t, cap,
	    "# tacit epoch identity: secret, keep it mode 0600 and do not "
	    "copy it.\n"
	    "# 'tacit expire --keys FILE' destroys its past keys on "
	    "schedule.\n"
	    "%s period=%" PRId64 " horizon=%" PRId64 " index=%" PRIu64
	    " seed=%s sign=%s\n",
	    TACIT_EPOCH_ID_TAG, id->period, id->horizon, id->index, seed, sign);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sign, sizeof(sign));
	if (n < 0 || (size_t)n >= cap) {
		sodium_free(t);
		tacit_err_set(e, "identity too long");
		return TACIT_EUSAGE;
	}
	*text = t;
	*len = (size_t)n;
	return TACIT_OK;
}

uint64_t
tacit_epoch_index(const struct tacit_epoch_id *id)
{
	return id->index;
}

int64_t
tacit_epoch_destroy_at(const struct tacit_epoch_id *id, uint64_t i)
{
	return (int64_t)(i + 1) * id->period;
}

int
tacit_epoch_ratchet(struct tacit_epoch_id *id, int64_t now, struct tacit_err *e)
{
	uint64_t cur;

	if (now < 0)
		return 0;
	cur = (uint64_t)(now / id->period);
	if (cur <= id->index)
		return 0; /* a clock set back moves nothing */
	for (; id->index < cur; id->index++)
		if (derive(id->secret, id->secret, next_info) != TACIT_OK) {
			tacit_err_set(e, "key derivation failed");
			return TACIT_EUSAGE;
		}
	return 1;
}

/* Epochs a card or an open covers: the current one to the horizon. */
static size_t
span(const struct tacit_epoch_id *id)
{
	return (size_t)(id->horizon / id->period) + 1;
}

/*
 * Walk the epochs from the current one: fn(arg, index, key) for each,
 * with the epoch's X25519 secret key in locked memory.
 */
static int
each_epoch(const struct tacit_epoch_id *id,
    int (*fn)(void *arg, uint64_t i, const uint8_t *sk, struct tacit_err *e),
    void *arg, struct tacit_err *e)
{
	uint8_t *buf = sodium_malloc(2 * 32);
	int rc = TACIT_OK;

	if (buf == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	memcpy(buf, id->secret, SEED_LEN);
	for (size_t k = 0; k < span(id) && rc == TACIT_OK; k++) {
		if (derive(buf + 32, buf, key_info) != TACIT_OK ||
		    derive(buf, buf, next_info) != TACIT_OK) {
			tacit_err_set(e, "key derivation failed");
			rc = TACIT_EUSAGE;
			break;
		}
		rc = fn(arg, id->index + k, buf + 32, e);
	}
	sodium_free(buf);
	return rc;
}

static int
add_key(void *arg, uint64_t i, const uint8_t *sk, struct tacit_err *e)
{
	(void)i;
	return tacit_age_keys_add_raw(arg, sk, e);
}

int
tacit_epoch_keys(const struct tacit_epoch_id *id, struct tacit_age_keys *keys,
    struct tacit_err *e)
{
	return each_epoch(id, add_key, keys, e);
}

/* A card being written: malloc'd text. */
struct card_text {
	char *p;
	size_t len, cap;
	const struct tacit_epoch_id *id;
};

static int card_put(struct card_text *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
card_put(struct card_text *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->p + c->len, c->cap - c->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= c->cap - c->len)
		return TACIT_ENOMEM;
	c->len += (size_t)n;
	return TACIT_OK;
}

static int
card_epoch(void *arg, uint64_t i, const uint8_t *sk, struct tacit_err *e)
{
	struct card_text *c = arg;
	uint8_t pk[TACIT_AGE_KEY_LEN];
	char r[100];

	crypto_scalarmult_base(pk, sk);
	if (tacit_age_recipient_format(r, sizeof(r), pk) != TACIT_OK ||
	    card_put(c, "epoch %" PRIu64 " %" PRId64 " %s\n", i,
		tacit_epoch_destroy_at(c->id, i), r) != TACIT_OK) {
		tacit_err_set(e, "card too long");
		return TACIT_ENOMEM;
	}
	return TACIT_OK;
}

int
tacit_epoch_card(const struct tacit_epoch_id *id, char **text, size_t *len,
    struct tacit_err *e)
{
	struct card_text c = { .id = id };
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], *sk;
	uint8_t sig[crypto_sign_BYTES];
	char b64[100];
	size_t signed_from;
	int rc;

	c.cap = 256 + span(id) * 160;
	c.p = malloc(c.cap);
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (c.p == NULL || sk == NULL) {
		free(c.p);
		sodium_free(sk);
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	crypto_sign_seed_keypair(pk, sk, id->secret + SEED_LEN);
	sodium_bin2base64(b64, sizeof(b64), pk, sizeof(pk),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	rc = card_put(&c,
	    "# tacit epoch card: recipients whose keys are destroyed on "
	    "schedule.\n"
	    "# Publish it; seal with: tacit seal --expire WHEN -R CARD\n");
	signed_from = c.len;
	if (rc == TACIT_OK)
		rc = card_put(&c, "%s\nsigner %s\nperiod %" PRId64 "\n",
		    TACIT_EPOCH_CARD_TAG, b64, id->period);
	if (rc == TACIT_OK)
		rc = each_epoch(id, card_epoch, &c, e);
	if (rc == TACIT_OK) {
		crypto_sign_detached(sig, NULL,
		    (const uint8_t *)c.p + signed_from, c.len - signed_from,
		    sk);
		sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
		rc = card_put(&c, "signature %s\n", b64);
	}
	sodium_free(sk);
	if (rc != TACIT_OK) {
		free(c.p);
		if (rc == TACIT_ENOMEM)
			tacit_err_set(e, "card too long");
		return rc;
	}
	*text = c.p;
	*len = c.len;
	return TACIT_OK;
}

void
tacit_epoch_card_free(struct tacit_epoch_card *c)
{
	free(c->e);
	c->e = NULL;
	c->n = 0;
}

/* The next line of text from *off (without LF or CR LF), as a string. */
static int
next_line(const char *text, size_t len, size_t *off, char *buf, size_t cap)
{
	const char *lf;
	size_t end, n;

	if (*off >= len)
		return -1;
	lf = memchr(text + *off, '\n', len - *off);
	end = lf ? (size_t)(lf - text) : len;
	n = end - *off;
	if (n > 0 && text[end - 1] == '\r')
		n--;
	if (n >= cap || memchr(text + *off, '\0', n) != NULL)
		return -2;
	memcpy(buf, text + *off, n);
	buf[n] = '\0';
	*off = lf ? end + 1 : len;
	return 0;
}

/*
 * Verify the signature over the signed lines as written, LF-terminated:
 * a card that went through CRLF conversion still verifies.
 */
static int
verify_lines(const uint8_t *sig, const char *p, size_t n, const uint8_t *signer)
{
	char *lf = malloc(n ? n : 1);
	size_t m = 0;
	int rc;

	if (lf == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
			lf[m++] = p[i];
	rc = crypto_sign_verify_detached(sig, (const uint8_t *)lf, m, signer);
	free(lf);
	return rc;
}

static int
card_bad(struct tacit_epoch_card *c, struct tacit_err *e, const char *why)
{
	tacit_epoch_card_free(c);
	tacit_err_set(e, "invalid epoch card: %s", why);
	return TACIT_EFORMAT;
}

int
tacit_epoch_card_parse(struct tacit_epoch_card *c, const char *text, size_t len,
    struct tacit_err *e)
{
	char line[256], word[16], val[128];
	uint8_t sig[crypto_sign_BYTES];
	size_t off = 0, start, sig_at, got;
	int64_t period;

	memset(c, 0, sizeof(*c));
	/* Comments and blank lines, then the tag. */
	for (;;) {
		start = off;
		if (next_line(text, len, &off, line, sizeof(line)) != 0)
			return card_bad(c, e, "no card line");
		if (line[0] != '\0' && line[0] != '#')
			break;
	}
	if (strcmp(line, TACIT_EPOCH_CARD_TAG) != 0)
		return card_bad(c, e, "not a card");
	if (next_line(text, len, &off, line, sizeof(line)) != 0 ||
	    sscanf(line, "signer %127s", val) != 1 ||
	    tacit_age_b64_decode(val, strlen(val), c->signer, sizeof(c->signer),
		&got) != TACIT_OK ||
	    got != sizeof(c->signer))
		return card_bad(c, e, "bad signer line");
	if (next_line(text, len, &off, line, sizeof(line)) != 0 ||
	    sscanf(line, "period %15s", word) != 1 ||
	    parse_decimal(word, &period) != 0 ||
	    check_schedule(period, period, e) != TACIT_OK)
		return card_bad(c, e, "bad period line");
	c->period = period;
	c->e = calloc(TACIT_EPOCH_CARD_MAX, sizeof(*c->e));
	if (c->e == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	for (;;) {
		struct tacit_epoch_entry *x;
		char idx[24], at[24];
		int64_t i, d;

		sig_at = off;
		if (next_line(text, len, &off, line, sizeof(line)) != 0)
			return card_bad(c, e, "no signature");
		if (strncmp(line, "epoch ", 6) != 0)
			break;
		if (c->n == TACIT_EPOCH_CARD_MAX)
			return card_bad(c, e, "too many epochs");
		x = &c->e[c->n];
		if (sscanf(line, "epoch %23s %23s %99s", idx, at, val) != 3 ||
		    parse_decimal(idx, &i) != 0 || parse_decimal(at, &d) != 0 ||
		    (c->n > 0 && (uint64_t)i != c->e[c->n - 1].index + 1) ||
		    !index_ok(i, period) || d != (i + 1) * period ||
		    tacit_age_recipient_parse(val, x->pk, e) != TACIT_OK)
			return card_bad(c, e, "bad epoch line");
		x->index = (uint64_t)i;
		x->destroy_at = d;
		c->n++;
	}
	if (c->n == 0 || sscanf(line, "signature %127s", val) != 1 ||
	    tacit_age_b64_decode(val, strlen(val), sig, sizeof(sig), &got) !=
		TACIT_OK ||
	    got != sizeof(sig))
		return card_bad(c, e, "bad signature line");
	while (next_line(text, len, &off, line, sizeof(line)) == 0)
		if (line[0] != '\0' && line[0] != '#')
			return card_bad(c, e, "data after the signature");
	if (verify_lines(sig, text + start, sig_at - start, c->signer) != 0) {
		tacit_epoch_card_free(c);
		tacit_err_set(e,
		    "epoch card signature does not verify "
		    "(altered card)");
		return TACIT_EAUTH;
	}
	return TACIT_OK;
}

const struct tacit_epoch_entry *
tacit_epoch_card_pick(const struct tacit_epoch_card *c, int64_t when)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].destroy_at >= when)
			return &c->e[i];
	return NULL;
}
