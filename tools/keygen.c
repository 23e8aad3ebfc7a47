/* tacit-keygen: create an age identity, or print an identity's recipient. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "tacit/age.h"
#include "tacit/epoch.h"

#define PROG "tacit-keygen"
/* Identity files are small; this bounds a mistaken argument. */
#define ID_FILE_MAX (1u << 20)

static const char usage_text[] =
    "usage: tacit keygen [-o FILE]\n"
    "       tacit keygen --epochs DURATION [--horizon DURATION] -o FILE\n"
    "       tacit keygen -y [FILE]\n";

static const char help_text[] =
    "Create a new age identity (X25519) and write it to FILE or standard\n"
    "output; its recipient goes to standard error unless the output is a\n"
    "terminal.  FILE is created with mode 0600 and never overwritten.\n"
    "With -y, print the recipient of each identity in FILE (or standard\n"
    "input), or the signed card of an epoch identity.\n"
    "\n"
    "  -o, --output FILE     write the identity to FILE\n"
    "      --epochs D        an epoch identity: a new key every D (1h, 1d,\n"
    "                        1w...); 'tacit expire --keys FILE' destroys\n"
    "                        past keys on schedule\n"
    "      --horizon D       how far ahead its card reaches (default 30d)\n"
    "  -y                    print the recipients of existing identities\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 done, 2 error.\n";

/* Check stdout after writing to it: 0, or 2 after saying why. */
static int
stdout_done(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write to standard output: %s",
		    strerror(errno));
		return 2;
	}
	return 0;
}

/* The card of an epoch identity, from its current epoch on. */
static int
print_card(const char *path, const char *text, size_t len)
{
	struct tacit_epoch_id *id = NULL;
	struct tacit_err e = { "" };
	char *card = NULL;
	size_t n;
	int rc;

	rc = tacit_epoch_parse(&id, text, len, &e);
	if (rc == TACIT_OK &&
	    tacit_epoch_ratchet(id, (int64_t)time(NULL), &e) < 0)
		rc = TACIT_EUSAGE;
	if (rc == TACIT_OK)
		rc = tacit_epoch_card(id, &card, &n, &e);
	tacit_epoch_free(&id);
	if (rc != TACIT_OK) {
		cli_warn("cannot make the card of '%s': %s", path, e.msg);
		return 2;
	}
	fwrite(card, 1, n, stdout);
	free(card);
	return stdout_done();
}

/* Print the recipient of every identity in path. */
static int
recipients_of(const char *path)
{
	struct tacit_age_keys *k = tacit_age_keys_new();
	struct tacit_err e = { "" };
	char *text = NULL, r[128];
	size_t len = 0;
	int status = 0;

	if (k == NULL) {
		cli_warn("out of memory");
		return 2;
	}
	if (cli_read_file(path, ID_FILE_MAX, 1, &text, &len) != 0) {
		tacit_age_keys_free(&k);
		return 2;
	}
	if (tacit_epoch_is_identity(text, len)) {
		status = print_card(path, text, len);
		cli_free_file(text, len, 1);
		tacit_age_keys_free(&k);
		return status;
	}
	if (tacit_age_keys_parse(k, text, len, &e) != TACIT_OK) {
		cli_warn("cannot read identities from '%s': %s",
		    strcmp(path, "-") == 0 ? "(standard input)" : path, e.msg);
		status = 2;
	}
	for (size_t i = 0; status == 0 && i < tacit_age_keys_count(k); i++)
		if (tacit_age_keys_recipient(k, i, r, sizeof(r)) == TACIT_OK)
			printf("%s\n", r);
	cli_free_file(text, len, 1);
	tacit_age_keys_free(&k);
	return status == 0 ? stdout_done() : status;
}

/* Write the whole identity text; close a file, unlinking it on error. */
static int
write_identity(int fd, const char *path, const char *text, size_t len)
{
	int rc = tacit_write_all(fd, text, len);

	if (rc == TACIT_OK && path != NULL && fsync(fd) != 0)
		rc = TACIT_EIO;
	if (path != NULL && close(fd) != 0)
		rc = TACIT_EIO;
	if (rc != TACIT_OK) {
		cli_warn("cannot write '%s': %s",
		    path ? path : "standard output", strerror(errno));
		if (path != NULL)
			unlink(path);
		return 2;
	}
	return 0;
}

/* A new secret file: never over an existing one, never through a link. */
static int
create(const char *path)
{
	int fd = open(path,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		cli_warn("cannot create '%s': %s", path, strerror(errno));
	return fd;
}

/* An epoch identity to path; its schedule on stderr. */
static int
generate_epochs(const char *path, const char *every, const char *ahead)
{
	struct tacit_epoch_id *id = NULL;
	struct tacit_err e = { "" };
	int64_t period, horizon = 30 * 86400;
	char *text = NULL;
	size_t len;
	int fd, status = 2;

	if (path == NULL) {
		cli_warn("an epoch identity needs -o FILE (it is updated in "
			 "place by tacit expire --keys)");
		return 2;
	}
	if (tacit_duration_parse(every, &period, &e) != TACIT_OK ||
	    (ahead != NULL &&
		tacit_duration_parse(ahead, &horizon, &e) != TACIT_OK)) {
		cli_warn("%s", e.msg);
		return 2;
	}
	if (ahead == NULL && horizon < period)
		horizon = period;
	if (tacit_epoch_new(&id, (int64_t)time(NULL), period, horizon, &e) !=
		TACIT_OK ||
	    tacit_epoch_format(id, &text, &len, &e) != TACIT_OK) {
		cli_warn("cannot create an epoch identity: %s", e.msg);
		goto out;
	}
	if ((fd = create(path)) < 0)
		goto out;
	status = write_identity(fd, path, text, len);
	if (status == 0)
		fprintf(stderr,
		    "Epoch identity: a key every %s, destroyed when its epoch "
		    "ends.\nPublish its card: tacit keygen -y %s > card\n",
		    every, path);
out:
	if (text != NULL)
		sodium_free(text);
	tacit_epoch_free(&id);
	return status;
}

static int
generate(const char *path)
{
	struct tacit_age_keys *k = tacit_age_keys_new();
	struct tacit_err e = { "" };
	char recipient[128], stamp[32], *text = NULL;
	size_t cap = 512, len;
	time_t now = time(NULL);
	struct tm tm;
	int fd = STDOUT_FILENO, status = 2;

	if (k == NULL || (text = sodium_malloc(cap)) == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	if (tacit_age_keys_add(k, NULL, &e) != TACIT_OK ||
	    tacit_age_keys_recipient(k, 0, recipient, sizeof(recipient)) !=
		TACIT_OK) {
		cli_warn("cannot create a key: %s", e.msg);
		goto out;
	}
	/* The creation time in UTC: no time zone leaks from the file. */
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&now, &tm));
	len = (size_t)snprintf(text, cap, "# created: %s\n# public key: %s\n",
	    stamp, recipient);
	if (tacit_age_keys_identity(k, 0, text + len, cap - len - 1) !=
	    TACIT_OK) {
		cli_warn("cannot encode the key");
		goto out;
	}
	len += strlen(text + len);
	text[len++] = '\n';
	if (path != NULL && (fd = create(path)) < 0)
		goto out;
	status = write_identity(fd, path, text, len);
	/* As age-keygen: the recipient on stderr unless a person sees it. */
	if (status == 0 && (path != NULL || !isatty(STDOUT_FILENO)))
		fprintf(stderr, "Public key: %s\n", recipient);
out:
	if (text != NULL)
		sodium_free(text);
	tacit_age_keys_free(&k);
	return status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "output", required_argument,
						      NULL, 'o' },
		{ "epochs", required_argument, NULL, 'E' },
		{ "horizon", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };
	const char *out = NULL, *epochs = NULL, *horizon = NULL;
	int opt, show = 0;

	if (cli_start(PROG) != 0)
		return 2;
	argv[0] = (char *)PROG; /* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, "o:yhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'y':
			show = 1;
			break;
		case 'E':
			epochs = optarg;
			break;
		case 'H':
			horizon = optarg;
			break;
		case 'h':
			return cli_help(usage_text, help_text);
		case 'V':
			return cli_version();
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (show) {
		if (out != NULL || epochs != NULL || argc - optind > 1) {
			fputs(usage_text, stderr);
			return 2;
		}
		return recipients_of(optind < argc ? argv[optind] : "-");
	}
	if (optind != argc || (horizon != NULL && epochs == NULL)) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (epochs != NULL)
		return generate_epochs(out != NULL && strcmp(out, "-") != 0
			? out
			: NULL,
		    epochs, horizon);
	return generate(out != NULL && strcmp(out, "-") != 0 ? out : NULL);
}
