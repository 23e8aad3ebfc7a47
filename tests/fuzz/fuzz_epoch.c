/* fuzz_epoch: libFuzzer target for epoch identities, cards and expiries. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tacit/epoch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) __attribute__((noreturn));

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz epoch: %s\n", what);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fail("cannot initialise libsodium");
	return 0;
}

/* An identity that parses formats back to text that parses the same. */
static void
identity(const char *text, size_t len)
{
	struct tacit_epoch_id *id, *again;
	struct tacit_err e;
	char *t1, *t2;
	size_t n1, n2;

	if (tacit_epoch_parse(&id, text, len, &e) != TACIT_OK)
		return;
	if (!tacit_epoch_is_identity(text, len))
		fail("parsed a text that is not an identity");
	if (tacit_epoch_format(id, &t1, &n1, &e) != TACIT_OK ||
	    tacit_epoch_parse(&again, t1, n1, &e) != TACIT_OK ||
	    tacit_epoch_format(again, &t2, &n2, &e) != TACIT_OK)
		fail("an identity does not survive formatting");
	if (n1 != n2 || memcmp(t1, t2, n1) != 0)
		fail("formatting an identity twice differs");
	/* Its card must verify, and pick what it lists. */
	{
		struct tacit_epoch_card c;
		char *card;
		size_t n;

		if (tacit_epoch_card(id, &card, &n, &e) != TACIT_OK ||
		    tacit_epoch_card_parse(&c, card, n, &e) != TACIT_OK)
			fail("an identity's own card does not verify");
		if (c.n == 0 ||
		    tacit_epoch_card_pick(&c, c.e[0].destroy_at) != &c.e[0])
			fail("a card does not pick its first epoch");
		tacit_epoch_card_free(&c);
		free(card);
	}
	sodium_free(t1);
	sodium_free(t2);
	tacit_epoch_free(&again);
	tacit_epoch_free(&id);
}

static void
card(const char *text, size_t len)
{
	struct tacit_epoch_card c;
	struct tacit_err e;

	if (tacit_epoch_card_parse(&c, text, len, &e) != TACIT_OK)
		return;
	for (size_t i = 0; i < c.n; i++)
		if (c.e[i].destroy_at !=
			(int64_t)(c.e[i].index + 1) * c.period ||
		    (i > 0 && c.e[i].index != c.e[i - 1].index + 1))
			fail("a card with an inconsistent schedule verified");
	tacit_epoch_card_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tacit_err e;
	char *s = malloc(size + 1);
	int64_t t;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	identity(s, size);
	card(s, size);
	if (size < 64) {
		if (tacit_expiry_parse(s, 1795737600, &t, &e) == TACIT_OK &&
		    t <= 1795737600)
			fail("an expiry in the past was accepted");
		if (tacit_duration_parse(s, &t, &e) == TACIT_OK && t <= 0)
			fail("a duration of zero or less was accepted");
	}
	free(s);
	return 0;
}
