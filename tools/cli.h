/* cli: what tacit-keygen, tacit-seal and tacit-open share. */
#ifndef TACIT_CLI_H
#define TACIT_CLI_H

#include <stddef.h>

#include "tacit/io.h"

/*
 * Start a tool that holds secrets: standard descriptors open, SIGPIPE
 * ignored, core dumps off, libsodium ready, and a handler for INT, TERM
 * and HUP that removes our temp file and restores the terminal.
 */
int cli_start(const char *prog);

/* -h and -V: print on stdout; the exit status. */
int cli_help(const char *usage, const char *help);
int cli_version(void);

/*
 * Open an input for reading ("-" or NULL: standard input), refusing a
 * directory; the descriptor, or -1 after printing why.  *name is what
 * messages call it.
 */
int cli_open_input(const char *path, const char **name);

/*
 * Block the signals that end the program (SIG_BLOCK), or let them
 * through again (SIG_UNBLOCK): around a rename that must not be cut.
 */
void cli_hold_signals(int how);

/* Print "PROG: " and the message on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a descriptor number for --passphrase-fd; -1 if it is not one. */
int cli_fd_arg(const char *s);

/*
 * Read a small file ("-": standard input) whole, at most max bytes, into
 * locked memory when secret (identities).  A secret file that others can
 * read draws a warning.  Returns 0, or -1 after printing why.
 */
int cli_read_file(const char *path, size_t max, int secret, char **buf,
    size_t *len);
/* The same from a descriptor already open (not closed); name for messages. */
int cli_read_fd(int fd, const char *name, size_t max, int secret, char **buf,
    size_t *len);
void cli_free_file(char *buf, size_t len, int secret);

/*
 * A passphrase in locked memory: from descriptor fd (its first line), or
 * from the terminal without echo when fd is -1, asked twice if confirm.
 * Returns 0, or -1 after printing why.
 */
int cli_passphrase(int fd, int confirm, char **pass, size_t *len);
void cli_passphrase_free(char *pass);

/*
 * The output: standard output (path NULL or "-"), a device or pipe
 * written directly, or a regular file replaced atomically from a temp
 * file beside it when cli_out_commit succeeds.  A private output (a
 * plaintext) is mode 0600 throughout; otherwise the file keeps the mode
 * of the one it replaces, or gets 0666 less the umask, as cp would.
 */
struct cli_out {
	const char *name;
	struct tacit_replace *r;
	struct tacit_sink k;
	int fd, own_fd;
};

int cli_out_open(struct cli_out *o, const char *path, int private);
/* A tacit_write_fn over the output. */
int cli_out_write(void *arg, const void *p, size_t n);
/* Flush, make durable and rename; 0, or -1 after printing why. */
int cli_out_commit(struct cli_out *o);
/* Remove the temp file, if any; safe after commit. */
void cli_out_abort(struct cli_out *o);
/* Why writing failed (the sink's errno), for messages. */
const char *cli_out_error(const struct cli_out *o);

/* Threads worth using for the payload: the online cores, at most 8. */
unsigned cli_threads(void);

#endif
