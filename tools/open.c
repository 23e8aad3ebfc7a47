/* tacit-open: decrypt an age v1 file with identities or a passphrase. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "tacit/age.h"
#include "tacit/armor.h"
#include "tacit/epoch.h"
#include "tacit/stream.h"

#define PROG "tacit-open"
#define ID_FILE_MAX (1u << 20)

static const char usage_text[] =
    "usage: tacit open [-i IDENTITY]... [--passphrase-fd N] [-o OUT] "
    "[FILE]\n";

static const char help_text[] =
    "Decrypt FILE (or standard input), an age v1 file, binary or armored,\n"
    "sealed to one of the IDENTITY files or with a passphrase (asked on the\n"
    "terminal).  To OUT, the plaintext appears only once all of it has\n"
    "authenticated; to standard output, chunk by chunk, each one only after\n"
    "it authenticated.\n"
    "\n"
    "  -i, --identity FILE     an identity file (AGE-SECRET-KEY-1...);\n"
    "                          repeatable\n"
    "      --passphrase-fd N   read the passphrase from descriptor N\n"
    "  -o, --output OUT        write to OUT (mode 0600), replaced only\n"
    "                          when everything authenticated\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Exit status: 0 done, 1 the message has expired, 2 error (no identity\n"
    "matches, authentication failed, malformed or truncated file, I/O).\n";

static int
add_identities(struct tacit_age_keys *k, const char *path)
{
	struct tacit_err e = { "" };
	char *text;
	size_t len;
	int rc;

	if (cli_read_file(path, ID_FILE_MAX, 1, &text, &len) != 0)
		return -1;
	if (tacit_epoch_is_identity(text, len)) {
		struct tacit_epoch_id *id;

		/*
		 * Only the keys of epochs not yet over, even if the file was
		 * not ratcheted in time: a past epoch opens nothing.
		 */
		rc = tacit_epoch_parse(&id, text, len, &e);
		if (rc == TACIT_OK &&
		    (rc = tacit_epoch_ratchet(id, (int64_t)time(NULL), &e)) >=
			0)
			rc = tacit_epoch_keys(id, k, &e);
		tacit_epoch_free(&id);
	} else {
		rc = tacit_age_keys_parse(k, text, len, &e);
	}
	cli_free_file(text, len, 1);
	if (rc != TACIT_OK) {
		cli_warn("invalid identity file '%s': %s", path, e.msg);
		return -1;
	}
	return 0;
}

/*
 * No identity matched a file that says it has expired: its epoch key is
 * gone, so say that (exit 1, like any expired message).  The stanza is
 * not authenticated without the file key; it only shapes the message.
 */
static int
expired_no_match(const struct tacit_age_header *h, const char *name)
{
	struct tacit_err ignored;
	int64_t when;
	char at[32];

	if (tacit_expiry_get(h, &when, &ignored) != 1 ||
	    (int64_t)time(NULL) < when)
		return 0;
	tacit_time_format(when, at, sizeof(at));
	cli_warn("cannot open '%s': message expired at %s (no identity "
		 "matches: its epoch key is destroyed)",
	    name, at);
	return 1;
}

struct opener {
	struct tacit_age_keys *keys;
	int pass_fd;
	const char *name; /* the input, for messages */
};

/* Header, key, payload: from in to path. */
static int
decrypt(const struct opener *o, struct tacit_in *in, const char *path)
{
	struct tacit_age_header *h = NULL;
	struct tacit_err e = { "" };
	struct cli_out out;
	uint8_t *file_key = sodium_malloc(TACIT_FILE_KEY_LEN);
	char *pass = NULL;
	size_t passlen = 0;
	int64_t expires;
	int rc, status = 2;

	if (file_key == NULL) {
		cli_warn("out of memory");
		return 2;
	}
	rc = tacit_age_header_read(&h, in, &e);
	if (rc != TACIT_OK)
		goto fail;
	if (tacit_age_header_scrypt(h)) {
		if (cli_passphrase(o->pass_fd, 0, &pass, &passlen) != 0) {
			rc = TACIT_EUSAGE;
			goto out;
		}
	} else if (tacit_age_keys_count(o->keys) == 0) {
		cli_warn("cannot decrypt '%s': %s", o->name,
		    o->pass_fd >= 0 ? "no identity matches (the file is not "
				      "sealed with a passphrase)"
				    : "no identity given (use -i)");
		rc = TACIT_EUSAGE;
		goto out;
	}
	rc = tacit_age_unwrap(h, o->keys, pass, passlen, file_key, &e);
	cli_passphrase_free(pass);
	if (rc == TACIT_ENOKEY && expired_no_match(h, o->name)) {
		status = 1;
		goto out;
	}
	if (rc != TACIT_OK)
		goto fail;
	/* The expiry is authenticated now: the MAC covers it. */
	rc = tacit_expiry_get(h, &expires, &e);
	if (rc < 0)
		goto fail;
	if (rc == 1 && (int64_t)time(NULL) >= expires) {
		char when[32];

		tacit_time_format(expires, when, sizeof(when));
		cli_warn("cannot open '%s': message expired at %s", o->name,
		    when);
		rc = TACIT_EAUTH;
		status = 1;
		goto out;
	}
	if (cli_out_open(&out, path, 1) != 0) {
		rc = TACIT_EIO;
		goto out;
	}
	rc = tacit_stream_decrypt(file_key, in, cli_out_write, &out,
	    cli_threads(), &e);
	if (rc != TACIT_OK) {
		if (out.k.err != TACIT_OK)
			cli_warn("cannot write '%s': %s", out.name,
			    cli_out_error(&out));
		else
			cli_warn("cannot decrypt '%s': %s", o->name, e.msg);
		/*
		 * To a stream, what authenticated is released (the man page
		 * says so); a file (-o) gets nothing at all.
		 */
		if (out.r == NULL && tacit_sink_flush(&out.k) != TACIT_OK) {
			/* already failing: the message above stands */
		}
		cli_out_abort(&out);
		goto out;
	}
	rc = cli_out_commit(&out) == 0 ? TACIT_OK : TACIT_EIO;
	goto out;
fail:
	cli_warn("cannot decrypt '%s': %s", o->name, e.msg);
out:
	tacit_age_header_free(&h);
	sodium_free(file_key);
	return rc == TACIT_OK ? 0 : status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase-fd", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	static struct tacit_in raw, armored; /* their buffers are large */
	struct tacit_armor_in dearmor;
	struct opener o = { .pass_fd = -1, .name = "(standard input)" };
	const char *out = NULL;
	int opt, in_fd = STDIN_FILENO, status = 2, rc;

	if (cli_start(PROG) != 0)
		return 2;
	o.keys = tacit_age_keys_new();
	if (o.keys == NULL) {
		cli_warn("out of memory");
		return 2;
	}
	while (
	    (opt = getopt_long(argc, argv, "i:o:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (add_identities(o.keys, optarg) != 0)
				goto out;
			break;
		case 'P':
			o.pass_fd = cli_fd_arg(optarg);
			if (o.pass_fd < 0) {
				cli_warn("invalid descriptor '%s'", optarg);
				goto out;
			}
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
	in_fd = cli_open_input(optind < argc ? argv[optind] : NULL, &o.name);
	if (in_fd < 0)
		goto out;
	tacit_in_fd(&raw, in_fd);
	rc = tacit_armor_detect(&raw);
	if (rc < 0) {
		cli_warn("cannot read '%s': %s", o.name, raw.err.msg);
		goto out;
	}
	if (rc == 1) {
		tacit_armor_in_init(&dearmor, &raw);
		tacit_in_fn(&armored, tacit_armor_fill, &dearmor);
	}
	status = decrypt(&o, rc == 1 ? &armored : &raw, out);
out:
	if (in_fd != STDIN_FILENO && in_fd >= 0)
		close(in_fd);
	tacit_age_keys_free(&o.keys);
	return status;
}
