/* tacit-seal: encrypt to age recipients or a passphrase (age v1 format). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "tacit/age.h"
#include "tacit/armor.h"
#include "tacit/epoch.h"
#include "tacit/stream.h"

#define PROG "tacit-seal"
#define RECIPIENTS_FILE_MAX (16u << 20)

static const char usage_text[] =
    "usage: tacit seal [-a] [--expire WHEN [--force]] [--signer KEY]...\n"
    "                  [-o OUT] (-r RECIPIENT | -R FILE)... [FILE]\n"
    "       tacit seal -p [--passphrase-fd N] [-a] [-o OUT] [FILE]\n";

static const char help_text[] =
    "Encrypt FILE (or standard input) in the age v1 format, to every\n"
    "RECIPIENT, or with a passphrase.  Files open with tacit open, age and\n"
    "rage.\n"
    "\n"
    "  -r, --recipient KEY       encrypt to KEY (age1...); repeatable\n"
    "  -R, --recipients-file F   encrypt to each recipient listed in F, or\n"
    "                            to the epoch of an epoch card F that is\n"
    "                            destroyed first after the expiry\n"
    "      --expire WHEN         tacit open refuses the message after WHEN\n"
    "                            (30m, 12h, 7d, 2w, or an RFC 3339 time)\n"
    "      --force               with an epoch card, allow permanent\n"
    "                            recipients too (they outlive the expiry)\n"
    "      --signer KEY          accept only epoch cards signed by KEY\n"
    "                            (a card's signer line); repeatable\n"
    "  -p, --passphrase          encrypt with a passphrase (asked twice on\n"
    "                            the terminal); no other recipient\n"
    "      --passphrase-fd N     read the passphrase from descriptor N\n"
    "  -a, --armor               write PEM-armored ASCII\n"
    "  -o, --output OUT          write to OUT, replaced only when complete\n"
    "  -h, --help                show this help and exit\n"
    "  -V, --version             show the version and exit\n"
    "\n"
    "Exit status: 0 done, 2 error.\n";

#define CARDS_MAX 64

struct seal {
	struct tacit_age_recipients r; /* permanent */
	struct tacit_age_recipients epochs; /* chosen from cards */
	struct tacit_epoch_card cards[CARDS_MAX];
	const char *card_names[CARDS_MAX];
	size_t ncards;
	uint8_t signers[CARDS_MAX][32]; /* --signer: the keys trusted */
	size_t nsigners;
	char *pass;
	size_t passlen;
	int armor;
	int64_t expire; /* 0: none */
};

static int
add_recipients_file(struct seal *s, const char *path)
{
	struct tacit_err e = { "" };
	char *text;
	size_t len;
	size_t before = s->r.n;
	int rc;

	if (cli_read_file(path, RECIPIENTS_FILE_MAX, 0, &text, &len) != 0)
		return -1;
	if (tacit_epoch_is_card(text, len)) {
		if (s->ncards == CARDS_MAX) {
			cli_warn("too many epoch cards");
			cli_free_file(text, len, 0);
			return -1;
		}
		rc =
		    tacit_epoch_card_parse(&s->cards[s->ncards], text, len, &e);
		cli_free_file(text, len, 0);
		if (rc != TACIT_OK) {
			cli_warn("cannot use '%s': %s", path, e.msg);
			return -1;
		}
		s->card_names[s->ncards++] = path;
		return 0;
	}
	rc = tacit_age_recipients_parse(&s->r, text, len, &e);
	cli_free_file(text, len, 0);
	if (rc != TACIT_OK) {
		cli_warn("invalid recipients file '%s': %s", path, e.msg);
		return -1;
	}
	if (s->r.n == before) {
		cli_warn("no recipients in '%s'", path);
		return -1;
	}
	return 0;
}

static int
add_signer(struct seal *s, const char *key)
{
	size_t n = 0;

	if (s->nsigners == CARDS_MAX) {
		cli_warn("too many --signer keys");
		return -1;
	}
	if (tacit_age_b64_decode(key, strlen(key), s->signers[s->nsigners],
		sizeof(s->signers[0]), &n) != TACIT_OK ||
	    n != sizeof(s->signers[0])) {
		cli_warn("invalid --signer key '%.60s' (the 43 characters of "
			 "a card's signer line)",
		    key);
		return -1;
	}
	s->nsigners++;
	return 0;
}

/*
 * With --signer, every card must be signed by one of those keys: the
 * signature proves who made the card only once its key is known.
 */
static int
check_signers(const struct seal *s)
{
	for (size_t i = 0; i < s->ncards; i++) {
		char b64[64];
		size_t j;

		for (j = 0; j < s->nsigners; j++)
			if (sodium_memcmp(s->cards[i].signer, s->signers[j],
				sizeof(s->signers[j])) == 0)
				break;
		if (j < s->nsigners)
			continue;
		if (tacit_age_b64_encode(b64, sizeof(b64), s->cards[i].signer,
			sizeof(s->cards[i].signer)) != TACIT_OK)
			b64[0] = '\0';
		cli_warn("epoch card '%s' is signed by %s, not by a --signer "
			 "key",
		    s->card_names[i], b64);
		return -1;
	}
	return 0;
}

/* The header, wrapping file_key for each recipient or the passphrase. */
static int
write_header(const struct seal *s, const uint8_t *file_key,
    tacit_write_fn write, void *arg)
{
	struct tacit_age_writer w;
	struct tacit_err e = { "" };
	int rc;

	tacit_age_write_begin(&w);
	if (s->pass != NULL)
		tacit_age_write_scrypt(&w, file_key, s->pass, s->passlen,
		    TACIT_AGE_SCRYPT_LOG2N);
	for (size_t i = 0; i < s->r.n; i++)
		tacit_age_write_x25519(&w, file_key, s->r.pk[i]);
	for (size_t i = 0; i < s->epochs.n; i++)
		tacit_age_write_x25519(&w, file_key, s->epochs.pk[i]);
	if (s->expire != 0)
		tacit_expiry_write(&w, s->expire);
	rc = tacit_age_write_end(&w, file_key, &e);
	if (rc != TACIT_OK)
		cli_warn("cannot write the header: %s", e.msg);
	else
		rc = write(arg, w.p, w.len);
	tacit_age_writer_free(&w);
	return rc;
}

/* Each card's epoch destroyed first at or after the expiry. */
static int
pick_epochs(struct seal *s)
{
	struct tacit_err e = { "" };
	char r[100], when[32];

	for (size_t i = 0; i < s->ncards; i++) {
		const struct tacit_epoch_entry *x =
		    tacit_epoch_card_pick(&s->cards[i], s->expire);

		if (x == NULL) {
			tacit_time_format(s->cards[i]
					      .e[s->cards[i].n - 1]
					      .destroy_at,
			    when, sizeof(when));
			cli_warn("the expiry is past an epoch card's horizon "
				 "(its last epoch ends %s)",
			    when);
			return -1;
		}
		if (tacit_age_recipient_format(r, sizeof(r), x->pk) !=
			TACIT_OK ||
		    tacit_age_recipients_add(&s->epochs, r, &e) != TACIT_OK) {
			cli_warn("cannot use an epoch key: %s", e.msg);
			return -1;
		}
	}
	return 0;
}

static int
seal(const struct seal *s, int in_fd, const char *in_name, const char *path)
{
	static struct tacit_in in; /* its buffer is large */
	struct tacit_armor_out armor;
	struct cli_out out;
	struct tacit_err e = { "" };
	tacit_write_fn write = cli_out_write;
	void *arg = &out;
	uint8_t *file_key, nonce[TACIT_STREAM_NONCE_LEN];
	int rc;

	if (cli_out_open(&out, path, 0) != 0)
		return 2;
	if (!s->armor && out.fd == STDOUT_FILENO && isatty(STDOUT_FILENO)) {
		cli_warn(
		    "refusing to write binary to a terminal; use -a or -o");
		cli_out_abort(&out);
		return 2;
	}
	file_key = sodium_malloc(TACIT_FILE_KEY_LEN);
	if (file_key == NULL) {
		cli_warn("out of memory");
		cli_out_abort(&out);
		return 2;
	}
	randombytes_buf(file_key, TACIT_FILE_KEY_LEN);
	randombytes_buf(nonce, sizeof(nonce));
	rc = TACIT_OK;
	if (s->armor) {
		rc = tacit_armor_begin(&armor, cli_out_write, &out);
		write = tacit_armor_write;
		arg = &armor;
	}
	if (rc == TACIT_OK)
		rc = write_header(s, file_key, write, arg);
	tacit_in_fd(&in, in_fd);
	if (rc == TACIT_OK)
		rc = tacit_stream_encrypt(file_key, nonce, &in, write, arg,
		    cli_threads(), &e);
	sodium_free(file_key);
	sodium_memzero(in.buf, sizeof(in.buf)); /* plaintext */
	if (rc == TACIT_OK && s->armor)
		rc = tacit_armor_end(&armor);
	if (rc != TACIT_OK) {
		if (in.rc != TACIT_OK)
			cli_warn("cannot read '%s': %s", in_name, in.err.msg);
		else if (out.k.err != TACIT_OK)
			cli_warn("cannot write '%s': %s", out.name,
			    cli_out_error(&out));
		else if (e.msg[0] != '\0')
			cli_warn("cannot seal '%s': %s", in_name, e.msg);
		cli_out_abort(&out);
		return 2;
	}
	return cli_out_commit(&out) == 0 ? 0 : 2;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-fd", required_argument, NULL, 'P' },
		{ "armor", no_argument, NULL, 'a' },
		{ "armour", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "expire", required_argument, NULL, 'E' },
		{ "force", no_argument, NULL, 'F' },
		{ "signer", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	struct seal s = { .armor = 0 };
	struct tacit_err e = { "" };
	const char *out = NULL, *in_name = "(standard input)", *expire = NULL;
	int force = 0;
	int opt, passphrase = 0, pass_fd = -1, in_fd = STDIN_FILENO, status = 2;

	if (cli_start(PROG) != 0)
		return 2;
	argv[0] = (char *)PROG; /* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, "r:R:pao:hV", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'r':
			if (tacit_age_recipients_add(&s.r, optarg, &e) !=
			    TACIT_OK) {
				/* Never echo what may be a secret key. */
				if (strncasecmp(optarg, "AGE-", 4) == 0)
					cli_warn("invalid recipient: %s",
					    e.msg);
				else
					cli_warn(
					    "invalid recipient '%.90s': %s",
					    optarg, e.msg);
				goto out;
			}
			break;
		case 'R':
			if (add_recipients_file(&s, optarg) != 0)
				goto out;
			break;
		case 'p':
			passphrase = 1;
			break;
		case 'P':
			pass_fd = cli_fd_arg(optarg);
			if (pass_fd < 0) {
				cli_warn("invalid descriptor '%s'", optarg);
				goto out;
			}
			passphrase = 1;
			break;
		case 'a':
			s.armor = 1;
			break;
		case 'E':
			expire = optarg;
			break;
		case 'F':
			force = 1;
			break;
		case 'S':
			if (add_signer(&s, optarg) != 0)
				goto out;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			status = cli_help(usage_text, help_text);
			goto out;
		case 'V':
			status = cli_version();
			goto out;
		default:
			fputs(usage_text, stderr);
			goto out;
		}
	}
	if (argc - optind > 1) {
		fputs(usage_text, stderr);
		goto out;
	}
	if (passphrase && (s.r.n > 0 || s.ncards > 0)) {
		cli_warn("-p cannot be combined with recipients (the age "
			 "format requires a passphrase to stand alone)");
		goto out;
	}
	if (passphrase && expire != NULL) {
		cli_warn("--expire cannot be combined with -p (the age format "
			 "allows no other stanza beside a passphrase)");
		goto out;
	}
	if (expire != NULL &&
	    tacit_expiry_parse(expire, (int64_t)time(NULL), &s.expire, &e) !=
		TACIT_OK) {
		cli_warn("%s", e.msg);
		goto out;
	}
	if (s.ncards > 0 && expire == NULL) {
		cli_warn("an epoch card needs --expire WHEN");
		goto out;
	}
	if (s.ncards > 0 && s.r.n > 0 && !force) {
		cli_warn(
		    "a permanent recipient would outlive the expiry of the "
		    "epoch keys; use --force to add it anyway");
		goto out;
	}
	if (s.nsigners > 0 && s.ncards == 0) {
		cli_warn("--signer needs an epoch card (-R CARD)");
		goto out;
	}
	if (s.nsigners > 0 && check_signers(&s) != 0)
		goto out;
	if (s.ncards > 0 && pick_epochs(&s) != 0)
		goto out;
	if (!passphrase && s.r.n == 0 && s.epochs.n == 0) {
		cli_warn("no recipients; use -r, -R or -p");
		fputs(usage_text, stderr);
		goto out;
	}
	in_fd = cli_open_input(optind < argc ? argv[optind] : NULL, &in_name);
	if (in_fd < 0)
		goto out;
	if (passphrase &&
	    cli_passphrase(pass_fd, pass_fd < 0, &s.pass, &s.passlen) != 0)
		goto out;
	status = seal(&s, in_fd, in_name, out);
out:
	cli_passphrase_free(s.pass);
	tacit_age_recipients_free(&s.r);
	tacit_age_recipients_free(&s.epochs);
	for (size_t i = 0; i < s.ncards; i++)
		tacit_epoch_card_free(&s.cards[i]);
	if (in_fd > STDIN_FILENO)
		close(in_fd);
	return status;
}
