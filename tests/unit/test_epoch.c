/* Unit tests for expiry stanzas, epoch identities and their cards. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tacit/epoch.h"

#define DAY 86400
/* 2026-11-27T00:00:00Z */
#define NOW INT64_C(1795737600)

static void
test_expiry_parse(void **state)
{
	struct tacit_err e;
	int64_t t;

	(void)state;
	assert_int_equal(tacit_expiry_parse("30m", NOW, &t, &e), 0);
	assert_true(t == NOW + 1800);
	assert_int_equal(tacit_expiry_parse("7d", NOW, &t, &e), 0);
	assert_true(t == NOW + 7 * DAY);
	assert_int_equal(tacit_expiry_parse("2w", NOW, &t, &e), 0);
	assert_true(t == NOW + 14 * DAY);
	assert_int_equal(tacit_expiry_parse("2026-12-01T10:00:00Z", NOW, &t,
			     &e),
	    0);
	assert_true(t == NOW + 4 * DAY + 10 * 3600);
	assert_int_equal(tacit_expiry_parse("2026-12-01T12:00:00+02:00", NOW,
			     &t, &e),
	    0);
	assert_true(t == NOW + 4 * DAY + 10 * 3600);
	assert_int_equal(tacit_expiry_parse("2026-12-01T10:00:00.5Z", NOW, &t,
			     &e),
	    0);
	assert_true(t == NOW + 4 * DAY + 10 * 3600);
	/* Past, malformed, zero, units we do not have, overflow. */
	assert_int_equal(tacit_expiry_parse("2026-11-26T00:00:00Z", NOW, &t,
			     &e),
	    TACIT_EUSAGE);
	assert_int_equal(tacit_expiry_parse("2026-02-30T00:00:00Z", NOW, &t,
			     &e),
	    TACIT_EUSAGE);
	assert_int_equal(tacit_expiry_parse("0d", NOW, &t, &e), TACIT_EUSAGE);
	assert_int_equal(tacit_expiry_parse("5y", NOW, &t, &e), TACIT_EUSAGE);
	assert_int_equal(tacit_expiry_parse("-5d", NOW, &t, &e), TACIT_EUSAGE);
	assert_int_equal(tacit_expiry_parse("99999999999d", NOW, &t, &e),
	    TACIT_EUSAGE);
	assert_int_equal(tacit_expiry_parse("", NOW, &t, &e), TACIT_EUSAGE);
	assert_int_equal(tacit_duration_parse("12h", &t, &e), 0);
	assert_true(t == 12 * 3600);
	assert_int_equal(tacit_duration_parse("2026-12-01T10:00:00Z", &t, &e),
	    TACIT_EUSAGE);
}

/* A header written with the given extra stanzas, read back. */
static struct tacit_age_header *
header_with(const char *const *args, size_t argc, size_t times)
{
	static struct tacit_in in;
	struct tacit_age_writer w;
	struct tacit_age_header *h;
	struct tacit_err e;
	uint8_t fk[16] = { 0 }, pk[32], sk[32] = { 9 };
	static char buf[4096];

	crypto_scalarmult_base(pk, sk);
	tacit_age_write_begin(&w);
	tacit_age_write_x25519(&w, fk, pk);
	for (size_t i = 0; i < times; i++)
		tacit_age_write_stanza(&w, args, argc, NULL, 0);
	assert_int_equal(tacit_age_write_end(&w, fk, &e), 0);
	assert_true(w.len + 32 < sizeof(buf));
	memcpy(buf, w.p, w.len);
	memset(buf + w.len, 0, 32); /* room for the payload nonce */
	tacit_in_mem(&in, buf, w.len + 32);
	tacit_age_writer_free(&w);
	assert_int_equal(tacit_age_header_read(&h, &in, &e), 0);
	return h;
}

static void
test_expiry_stanza(void **state)
{
	const char *good[] = { TACIT_EXPIRES_STANZA, "1795737600" };
	const char *lead0[] = { TACIT_EXPIRES_STANZA, "0795737600" };
	const char *extra[] = { TACIT_EXPIRES_STANZA, "1", "2" };
	const char *other[] = { "example.com/other", "x" };
	struct tacit_age_header *h;
	struct tacit_err e;
	int64_t t;

	(void)state;
	h = header_with(good, 2, 1);
	assert_int_equal(tacit_expiry_get(h, &t, &e), 1);
	assert_true(t == NOW);
	tacit_age_header_free(&h);
	h = header_with(good, 2, 2); /* twice */
	assert_int_equal(tacit_expiry_get(h, &t, &e), TACIT_EFORMAT);
	tacit_age_header_free(&h);
	h = header_with(lead0, 2, 1);
	assert_int_equal(tacit_expiry_get(h, &t, &e), TACIT_EFORMAT);
	tacit_age_header_free(&h);
	h = header_with(extra, 3, 1);
	assert_int_equal(tacit_expiry_get(h, &t, &e), TACIT_EFORMAT);
	tacit_age_header_free(&h);
	h = header_with(other, 2, 1);
	assert_int_equal(tacit_expiry_get(h, &t, &e), 0);
	tacit_age_header_free(&h);
}

static struct tacit_epoch_id *
reparse(const struct tacit_epoch_id *id)
{
	struct tacit_epoch_id *back;
	struct tacit_err e;
	char *text;
	size_t len;

	assert_int_equal(tacit_epoch_format(id, &text, &len, &e), 0);
	assert_true(tacit_epoch_is_identity(text, len));
	assert_false(tacit_epoch_is_card(text, len));
	assert_int_equal(tacit_epoch_parse(&back, text, len, &e), 0);
	sodium_free(text);
	return back;
}

/* The recipient of the first key of id's current epoch. */
static void
first_recipient(const struct tacit_epoch_id *id, char *out)
{
	struct tacit_age_keys *k = tacit_age_keys_new();
	struct tacit_err e;

	assert_int_equal(tacit_epoch_keys(id, k, &e), 0);
	assert_int_equal(tacit_age_keys_recipient(k, 0, out, 100), 0);
	tacit_age_keys_free(&k);
}

static void
test_identity(void **state)
{
	struct tacit_epoch_id *id, *back;
	struct tacit_age_keys *k = tacit_age_keys_new();
	struct tacit_err e;
	char r1[100], r2[100];

	(void)state;
	assert_int_equal(tacit_epoch_new(&id, NOW, 30, DAY, &e), TACIT_EUSAGE);
	assert_int_equal(tacit_epoch_new(&id, NOW, DAY, DAY / 2, &e),
	    TACIT_EUSAGE);
	assert_int_equal(tacit_epoch_new(&id, NOW + 100, DAY, 5 * DAY, &e), 0);
	assert_true(tacit_epoch_index(id) == (uint64_t)(NOW / DAY));
	assert_true(
	    tacit_epoch_destroy_at(id, tacit_epoch_index(id)) == NOW + DAY);
	/* The current epoch and five ahead. */
	assert_int_equal(tacit_epoch_keys(id, k, &e), 0);
	assert_int_equal(tacit_age_keys_count(k), 6);
	tacit_age_keys_free(&k);
	back = reparse(id);
	first_recipient(id, r1);
	first_recipient(back, r2);
	assert_string_equal(r1, r2);
	/* The clock set back moves nothing; forward, a day at a time. */
	assert_int_equal(tacit_epoch_ratchet(back, NOW - 10 * DAY, &e), 0);
	assert_int_equal(tacit_epoch_ratchet(back, NOW + 100, &e), 0);
	assert_int_equal(tacit_epoch_ratchet(back, NOW + DAY, &e), 1);
	assert_true(tacit_epoch_index(back) == tacit_epoch_index(id) + 1);
	first_recipient(back, r2);
	assert_string_not_equal(r1, r2);
	/* The ratcheted identity's first key is the old one's second. */
	k = tacit_age_keys_new();
	assert_int_equal(tacit_epoch_keys(id, k, &e), 0);
	assert_int_equal(tacit_age_keys_recipient(k, 1, r1, sizeof(r1)), 0);
	assert_string_equal(r1, r2);
	tacit_age_keys_free(&k);
	assert_int_equal(tacit_epoch_ratchet(back, NOW - 10 * DAY, &e), 0);
	tacit_epoch_free(&back);
	tacit_epoch_free(&id);
	tacit_epoch_free(&id);
	/* Malformed identities. */
	assert_int_equal(tacit_epoch_parse(&id, "x", 1, &e), TACIT_EFORMAT);
	assert_int_equal(tacit_epoch_parse(&id,
			     TACIT_EPOCH_ID_TAG " period=86400", 29, &e),
	    TACIT_EFORMAT);
}

static void
test_card(void **state)
{
	struct tacit_epoch_id *id;
	struct tacit_epoch_card c;
	const struct tacit_epoch_entry *x;
	struct tacit_err e;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(tacit_epoch_new(&id, NOW, DAY, 3 * DAY, &e), 0);
	assert_int_equal(tacit_epoch_card(id, &text, &len, &e), 0);
	assert_true(tacit_epoch_is_card(text, len));
	assert_int_equal(tacit_epoch_card_parse(&c, text, len, &e), 0);
	assert_int_equal(c.n, 4);
	assert_true(c.period == DAY);
	/* The epoch destroyed first at or after the expiry. */
	x = tacit_epoch_card_pick(&c, NOW + 1);
	assert_non_null(x);
	assert_true(x->destroy_at == NOW + DAY);
	x = tacit_epoch_card_pick(&c, NOW + DAY + 1);
	assert_true(x->destroy_at == NOW + 2 * DAY);
	assert_null(tacit_epoch_card_pick(&c, NOW + 4 * DAY + 1));
	tacit_epoch_card_free(&c);
	/* Any change to the signed part is refused. */
	for (size_t i = 0; i < len; i++) {
		char saved = text[i];

		if (text[i] == '\n' ||
		    i < (size_t)(strstr(text, "tacit-epoch") - text))
			continue;
		text[i] = text[i] == 'A' ? 'B' : 'A';
		assert_int_not_equal(tacit_epoch_card_parse(&c, text, len, &e),
		    0);
		text[i] = saved;
	}
	assert_int_equal(tacit_epoch_card_parse(&c, text, len, &e), 0);
	tacit_epoch_card_free(&c);
	/* Cut off: no signature. */
	assert_int_not_equal(tacit_epoch_card_parse(&c, text, len - 20, &e), 0);
	free(text);
	tacit_epoch_free(&id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry_parse),
		cmocka_unit_test(test_expiry_stanza),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_card),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
