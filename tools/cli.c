/* cli: start-up, files, passphrases and output for the key tools. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "tacit/age.h"

static const char *prog = "tacit";

/* What a signal handler must undo: a temp file, a silenced terminal. */
static char sig_tmp[PATH_MAX + 32];
static volatile sig_atomic_t sig_tmp_set;
static struct termios sig_tty;
static volatile sig_atomic_t sig_tty_fd = -1;

static struct termios sig_quiet;

static void
on_signal(int sig)
{
	int saved = errno;

	if (sig_tty_fd >= 0)
		tcsetattr(sig_tty_fd, TCSANOW, &sig_tty);
	if (sig == SIGTSTP) {
		/* Stop with the terminal as it was; silence it again after. */
		signal(SIGTSTP, SIG_DFL);
		raise(SIGTSTP);
		signal(SIGTSTP, on_signal);
		if (sig_tty_fd >= 0)
			tcsetattr(sig_tty_fd, TCSANOW, &sig_quiet);
		errno = saved;
		return;
	}
	if (sig_tmp_set)
		unlink(sig_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Every signal whose default is to end the process, and TSTP. */
static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
	SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXFSZ, SIGXCPU, SIGTSTP };
#define NHANDLED (sizeof(handled) / sizeof(handled[0]))

int
cli_start(const char *name)
{
	struct rlimit no_core = { 0, 0 };
	struct sigaction sa;
	int fd;

	prog = name;
	/* Closed standard descriptors would be reused by our own files. */
	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	signal(SIGPIPE, SIG_IGN);
	/* Keys must never land in a core file. */
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NHANDLED; i++)
		sigaddset(&sa.sa_mask, handled[i]);
	for (size_t i = 0; i < NHANDLED; i++)
		sigaction(handled[i], &sa, NULL);
	if (sodium_init() < 0) {
		cli_warn("cannot initialise libsodium");
		return -1;
	}
	return 0;
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_fd_arg(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

void
cli_hold_signals(int how)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NHANDLED; i++)
		sigaddset(&set, handled[i]);
	sigprocmask(how, &set, NULL);
}

int
cli_help(const char *usage, const char *help)
{
	fputs(usage, stdout);
	fputs("\n", stdout);
	fputs(help, stdout);
	return fclose(stdout) == 0 ? 0 : 2;
}

int
cli_version(void)
{
	puts("tacit " TACIT_VERSION);
	return fclose(stdout) == 0 ? 0 : 2;
}

/* Open path ("-": stdin) and stat it, refusing a directory; fd or -1. */
static int
open_file(const char *path, const char **name, struct stat *st)
{
	int in = path == NULL || strcmp(path, "-") == 0;
	int fd =
	    in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	*name = in ? "(standard input)" : path;
	if (fd < 0) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || S_ISDIR(st->st_mode)) {
		cli_warn("cannot read '%s': %s", *name,
		    S_ISDIR(st->st_mode) ? "Is a directory" : strerror(errno));
		if (!in)
			close(fd);
		return -1;
	}
	return fd;
}

int
cli_open_input(const char *path, const char **name)
{
	struct stat st;

	return open_file(path, name, &st);
}

int
cli_read_fd(int fd, const char *name, size_t max, int secret, char **buf,
    size_t *len)
{
	char *p = secret ? sodium_malloc(max + 1) : malloc(max + 1);
	size_t n = 0;

	if (p == NULL) {
		cli_warn("cannot read '%s': out of memory", name);
		return -1;
	}
	for (;;) {
		ssize_t got = read(fd, p + n, max + 1 - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			cli_warn("cannot read '%s': %s", name, strerror(errno));
			cli_free_file(p, max + 1, secret);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			cli_warn("cannot read '%s': larger than %zu bytes",
			    name, max);
			cli_free_file(p, max + 1, secret);
			return -1;
		}
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int
cli_read_file(const char *path, size_t max, int secret, char **buf, size_t *len)
{
	const char *name;
	struct stat st;
	int fd = open_file(path, &name, &st), rc;

	if (fd < 0)
		return -1;
	if (secret && fd != STDIN_FILENO && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0077) != 0)
		cli_warn("warning: identity file '%s' is readable by other "
			 "users (mode %03o); chmod 600 it",
		    path, (unsigned)(st.st_mode & 0777));
	rc = cli_read_fd(fd, name, max, secret, buf, len);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

void
cli_free_file(char *buf, size_t len, int secret)
{
	if (buf == NULL)
		return;
	if (secret) {
		sodium_free(buf); /* wipes */
	} else {
		(void)len;
		free(buf);
	}
}

/* Read one line from fd into p (without LF, CR LF); its length or -1. */
static ssize_t
read_line(int fd, char *p, size_t cap)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t got = read(fd, &c, 1);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0 || c == '\n')
			break;
		if (n + 1 >= cap) {
			/* Drop the rest of the line: no tail left to a shell. */
			while (read(fd, &c, 1) == 1 && c != '\n')
				;
			sodium_memzero(p, cap);
			errno = EMSGSIZE;
			return -1;
		}
		p[n++] = c;
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	p[n] = '\0';
	return (ssize_t)n;
}

/* Ask on the terminal with echo off. */
static ssize_t
ask_tty(int tty, const char *prompt, char *p, size_t cap)
{
	struct termios quiet;
	ssize_t n;

	if (tcgetattr(tty, &sig_tty) != 0)
		return -1;
	quiet = sig_tty;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	sig_quiet = quiet;
	sig_tty_fd = tty;
	/* TCSANOW, not TCSAFLUSH: input typed ahead (a pty) is kept. */
	if (tcsetattr(tty, TCSANOW, &quiet) != 0) {
		sig_tty_fd = -1;
		return -1;
	}
	if (write(tty, prompt, strlen(prompt)) < 0) {
		/* the prompt is a courtesy */
	}
	n = read_line(tty, p, cap);
	tcsetattr(tty, TCSANOW, &sig_tty);
	sig_tty_fd = -1;
	if (write(tty, "\n", 1) < 0) {
		/* same */
	}
	return n;
}

/* errno as a reason, naming the passphrase limit. */
static const char *
too_long(void)
{
	static char why[64];

	if (errno != EMSGSIZE)
		return strerror(errno);
	snprintf(why, sizeof(why), "longer than %d bytes", TACIT_AGE_PASS_MAX);
	return why;
}

int
cli_passphrase(int fd, int confirm, char **pass, size_t *len)
{
	size_t cap = TACIT_AGE_PASS_MAX + 1;
	char *p = sodium_malloc(cap), *again = NULL;
	ssize_t n;
	int tty = -1;

	if (p == NULL) {
		cli_warn("out of memory");
		return -1;
	}
	if (fd >= 0) {
		n = read_line(fd, p, cap);
		if (n < 0) {
			cli_warn("cannot read the passphrase from descriptor "
				 "%d: %s",
			    fd, too_long());
			goto fail;
		}
	} else {
		tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (tty < 0) {
			cli_warn("cannot ask for a passphrase: no terminal "
				 "(use --passphrase-fd)");
			goto fail;
		}
		n = ask_tty(tty, "Enter passphrase: ", p, cap);
		if (n >= 0 && confirm) {
			ssize_t m;

			again = sodium_malloc(cap);
			if (again == NULL) {
				cli_warn("out of memory");
				goto fail;
			}
			m = ask_tty(tty, "Confirm passphrase: ", again, cap);
			if (m >= 0 &&
			    (m != n ||
				sodium_memcmp(p, again, (size_t)n) != 0)) {
				cli_warn("the passphrases do not match");
				goto fail;
			}
			n = m < 0 ? m : n;
		}
		if (n < 0) {
			cli_warn("cannot read the passphrase: %s", too_long());
			goto fail;
		}
		close(tty);
		tty = -1;
	}
	if (n == 0) {
		cli_warn("empty passphrase");
		goto fail;
	}
	sodium_free(again);
	*pass = p;
	*len = (size_t)n;
	return 0;
fail:
	if (tty >= 0)
		close(tty);
	sodium_free(again);
	sodium_free(p);
	return -1;
}

void
cli_passphrase_free(char *pass)
{
	sodium_free(pass);
}

int
cli_out_open(struct cli_out *o, const char *path, int private)
{
	struct tacit_err e = { "" };
	struct stat st, mode;
	char *real = NULL;
	mode_t mask;
	int rc;

	memset(o, 0, sizeof(*o));
	o->fd = STDOUT_FILENO;
	o->name = "standard output";
	if (path != NULL && strcmp(path, "-") != 0) {
		o->name = path;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			cli_warn("cannot write '%s': Is a directory", path);
			return -1;
		}
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			/* A device or a pipe: written as it comes. */
			o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
			if (o->fd < 0) {
				cli_warn("cannot open '%s': %s", path,
				    strerror(errno));
				return -1;
			}
			o->own_fd = 1;
		} else {
			/* Through a link named by the user to its target. */
			real = realpath(path, NULL);
			if (stat(real ? real : path, &mode) != 0) {
				mask = umask(0);
				umask(mask);
				memset(&mode, 0, sizeof(mode));
				mode.st_mode = 0666 & ~mask;
				mode.st_uid = geteuid();
				mode.st_gid = getegid();
			}
			cli_hold_signals(SIG_BLOCK);
			rc = tacit_replace_open(&o->r, real ? real : path,
			    private ? NULL : &mode, NULL, &e);
			if (rc == TACIT_OK) {
				snprintf(sig_tmp, sizeof(sig_tmp), "%s",
				    tacit_replace_tmp(o->r));
				sig_tmp_set = 1;
			}
			cli_hold_signals(SIG_UNBLOCK);
			free(real);
			if (rc != TACIT_OK) {
				cli_warn("cannot write '%s': %s", path, e.msg);
				return -1;
			}
			o->fd = tacit_replace_fd(o->r);
		}
	}
	if (tacit_sink_init_fd(&o->k, o->fd) != TACIT_OK) {
		cli_warn("out of memory");
		cli_out_abort(o);
		return -1;
	}
	return 0;
}

/* Free the sink, wiping its buffer: for open it holds plaintext. */
static void
sink_wipe_free(struct tacit_sink *k)
{
	if (k->buf != NULL)
		sodium_memzero(k->buf, k->cap);
	tacit_sink_free(k);
}

int
cli_out_write(void *arg, const void *p, size_t n)
{
	struct cli_out *o = arg;

	return tacit_sink_write(&o->k, p, n);
}

const char *
cli_out_error(const struct cli_out *o)
{
	return o->k.err == TACIT_EIO ? strerror(o->k.saved_errno)
				     : "out of memory";
}

static void
commit_done(void *arg, size_t i, int rc, const char *msg)
{
	(void)i;
	if (rc != TACIT_OK)
		cli_warn("cannot write '%s': %s", (const char *)arg, msg);
}

int
cli_out_commit(struct cli_out *o)
{
	struct tacit_err e = { "" };
	struct tacit_batch *b;
	size_t failed;
	int rc = 0, ok;

	if (tacit_sink_flush(&o->k) != TACIT_OK) {
		cli_warn("cannot write '%s': %s", o->name, cli_out_error(o));
		cli_out_abort(o);
		return -1;
	}
	sink_wipe_free(&o->k);
	if (o->r == NULL) {
		if (o->own_fd && close(o->fd) != 0) {
			cli_warn("cannot write '%s': %s", o->name,
			    strerror(errno));
			rc = -1;
		}
		o->own_fd = 0;
		return rc;
	}
	b = tacit_batch_new();
	if (b == NULL) {
		cli_warn("out of memory");
		cli_out_abort(o);
		return -1;
	}
	cli_hold_signals(SIG_BLOCK);
	ok = tacit_replace_finish(o->r, &e) == TACIT_OK;
	if (!ok) {
		tacit_replace_abort(&o->r);
	} else {
		/* The batch owns it now, even when adding fails. */
		ok = tacit_batch_add(b, o->r, &e) == TACIT_OK;
		o->r = NULL;
	}
	if (!ok) {
		cli_warn("%s", e.msg);
		tacit_batch_free(&b);
		sig_tmp_set = 0;
		cli_hold_signals(SIG_UNBLOCK);
		return -1;
	}
	failed = tacit_batch_commit(b, commit_done, (void *)o->name);
	tacit_batch_free(&b);
	sig_tmp_set = 0;
	cli_hold_signals(SIG_UNBLOCK);
	return failed ? -1 : 0;
}

void
cli_out_abort(struct cli_out *o)
{
	cli_hold_signals(SIG_BLOCK);
	tacit_replace_abort(&o->r);
	sig_tmp_set = 0;
	cli_hold_signals(SIG_UNBLOCK);
	if (o->own_fd)
		close(o->fd);
	o->own_fd = 0;
	sink_wipe_free(&o->k);
}

unsigned
cli_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}
