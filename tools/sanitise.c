/* tacit-sanitise: remove metadata from image files, or audit it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tacit/baseline.h"
#include "tacit/filetype.h"
#include "tacit/ignore.h"
#include "tacit/io.h"
#include "tacit/meta.h"
#include "tacit/report.h"
#include "tacit/rules.h"
#include "tacit/sanitise.h"
#include "tacit/text.h"

#define PROG "tacit-sanitise"
#define STDIN_NAME "(standard input)"
/* Replacements wait for one shared syncfs in groups of this size. */
#define BATCH_MAX 256
/* Standard input that is not a file is spooled, this much at a time. */
#define SPOOL_BUF (64u * 1024u)
#define SPOOL_MAX ((uint64_t)4 << 30)
/* Files up to this size are read whole; larger ones are streamed. */
#define LOAD_MAX (8u << 20)
/* .tacitignore files and baselines are read whole, up to this size. */
#define IGNORE_MAX (1u << 20)

#define JOBS_MAX 256
/* Results a check may hold, finished but not yet reported, per thread. */
#define WINDOW_PER_JOB 64
/* The progress bar: shown after this long, redrawn at most this often. */
#define PROGRESS_AFTER_NS 500000000LL
#define PROGRESS_EVERY_NS 100000000LL

static const char usage_text[] =
    "usage: tacit sanitise [-cqrv] [-j N] [--check] [--format FORMAT]\n"
    "                      [--json] [--show-values] [--fail-on SEVERITY]\n"
    "                      [--baseline FILE] [--write-baseline FILE]\n"
    "                      [--force-ignore] [--no-ignore] [--strip-all]\n"
    "                      [--rules FILE] [-o OUT] [--git | FILE...]\n";

static const char help_text[] =
    "Remove metadata from JPEG, PNG, WebP and GIF files without touching the\n"
    "image data, or audit it with --check.  With no FILE, or -, filter\n"
    "standard input to standard output; otherwise clean each FILE in place.\n"
    "\n"
    "  -c, --check             list the metadata found, change nothing\n"
    "  -F, --format FORMAT     report as text (default), json or sarif\n"
    "      --json              short for --format json\n"
    "      --show-values       also print the values (--check; not sarif)\n"
    "  -f, --fail-on SEVERITY  exit 1 when a new finding reaches SEVERITY:\n"
    "                          info, low, medium (default), high or none\n"
    "      --baseline FILE     findings listed in FILE (a JSON report)\n"
    "                          are known: reported, but never fail\n"
    "      --write-baseline FILE\n"
    "                          record every finding in FILE (--check)\n"
    "  -j, --jobs N            check N files at a time (default: one per\n"
    "                          CPU); the report is the same for every N\n"
    "      --strip-all         also remove Orientation and ICC profiles\n"
    "      --rules FILE        use FILE instead of the built-in rules\n"
    "  -o, --output OUT        write the cleaned file to OUT (one input)\n"
    "      --git               the files git tracks under the current\n"
    "                          directory (git ls-files)\n"
    "  -r, --recursive         descend into directories\n"
    "      --force-ignore      apply .tacitignore to FILEs named too\n"
    "      --no-ignore         do not read .tacitignore files\n"
    "  -q, --quiet             no summary and no progress bar on stderr\n"
    "  -v, --verbose           say what happened to each file\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "With -r and --git, links are never followed, files of other types are\n"
    "skipped, and .tacitignore files (gitignore syntax) are obeyed.\n"
    "Exit status: 0 done or clean, 1 new findings with --check, 2 error.\n";

/* A file to clean or check, as named or as found under a root. */
struct entry {
	char *path; /* as the user sees it; "-" is standard input */
	const char *rel; /* relative to its root (in path or own), or NULL */
	char *own; /* rel, when path does not hold it (--git below the top) */
	unsigned root;
	int walked; /* found by -r or --git, not named */
};

/* A directory scanned (or the current one, for --git and FILEs). */
struct root {
	char *dir;
	struct tacit_ignore *ig; /* NULL until a .tacitignore is found */
	char **seen; /* directories whose .tacitignore was looked for */
	size_t nseen, capseen;
};

/* A buffer a file is read into whole: one per thread. */
struct buf {
	unsigned char *p;
	size_t cap;
};

/* Why a file could not be read: the action and the message. */
struct fail {
	const char *action;
	char msg[sizeof(((struct tacit_err *)0)->msg)];
};

struct ctx {
	struct tacit_rules *rules;
	struct tacit_report rep;
	struct tacit_report base_rep; /* --write-baseline */
	FILE *base_f;
	struct tacit_baseline *baseline;
	struct tacit_batch *batch;
	int check, strip_all, show_values, quiet, use_ignore, force_ignore;
	unsigned jobs;
	const char *output;
	struct buf in; /* the main thread's */
	struct pending {
		char *name;
		int changed;
	} * pending; /* files in the batch, reported once committed */
	size_t npending;
	struct entry *ents;
	size_t nents, capents;
	struct root *roots;
	unsigned nroots;
	int cwd_root; /* the root for --git and FILEs, or -1 */
	size_t ignored_files, ignored_findings;
	int status; /* worst exit status so far */
	/* The progress bar. */
	int tty;
	long long start_ns, drawn_ns;
	int bar_shown;
	int out_tty; /* the report goes to the terminal too */
};

/* A signal asked us to stop: finish the file at hand, replace nothing. */
/* Atomic: read by the worker threads too (lock-free, so signal-safe). */
static atomic_int stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Take the progress bar off the line, before anything else is said. */
static void
progress_clear(struct ctx *c)
{
	if (c->bar_shown) {
		fputs("\r\033[K", stderr);
		c->bar_shown = 0;
	}
}

/* Redraw the bar: only on a terminal, after a moment, a few times a second. */
static void
progress(struct ctx *c, size_t done, size_t total)
{
	long long t;
	int width = 30, fill;

	if (!c->tty || total == 0)
		return;
	t = now_ns();
	if (t - c->start_ns < PROGRESS_AFTER_NS ||
	    (c->bar_shown && t - c->drawn_ns < PROGRESS_EVERY_NS))
		return;
	fill = (int)((double)width * (double)done / (double)total);
	fprintf(stderr, "\r\033[K[%.*s%*s] %zu/%zu files", fill,
	    "##############################", width - fill, "", done, total);
	fflush(stderr);
	c->drawn_ns = t;
	c->bar_shown = 1;
}

/* Memory for the list of files: nothing sensible is left to do. */
static _Noreturn void
out_of_memory(void)
{
	fprintf(stderr, PROG ": out of memory\n");
	exit(2);
}

static void
report_add(struct ctx *c, const struct tacit_report_entry *r)
{
	if (c->out_tty)
		progress_clear(c);
	tacit_report_add(&c->rep, r);
	if (c->base_f != NULL)
		tacit_report_add(&c->base_rep, r);
}

static void
report(struct ctx *c, const struct entry *en, const char *name,
    const char *format, const struct tacit_items *items,
    enum tacit_file_status status, const char *error)
{
	struct tacit_report_entry r = { name, en ? en->rel : NULL,
		en ? en->root : 0, format, items, status, error, NULL };

	report_add(c, &r);
}

/* Say that a file failed, on stderr and in the report. */
static void
warn_entry(struct ctx *c, const struct entry *en, const char *path,
    const char *action, const char *msg)
{
	progress_clear(c);
	fprintf(stderr, PROG ": %s '", action);
	tacit_text_print(stderr, path);
	fprintf(stderr, "': %s\n", msg);
	c->status = 2;
	{
		struct tacit_report_entry r = { path, en ? en->rel : NULL,
			en ? en->root : 0, NULL, NULL, TACIT_FILE_ERROR, msg,
			action };

		report_add(c, &r);
	}
}

static void
warn_file(struct ctx *c, const char *path, const char *action, const char *msg)
{
	warn_entry(c, NULL, path, action, msg);
}

static void
batch_done(void *arg, size_t i, int rc, const char *msg)
{
	struct ctx *c = arg;
	struct pending *p = &c->pending[i];

	if (rc == TACIT_OK)
		report(c, NULL, p->name, NULL, NULL,
		    p->changed ? TACIT_FILE_CLEANED : TACIT_FILE_CLEAN, NULL);
	else
		warn_file(c, p->name, "cannot clean", msg);
	free(p->name);
}

static void
flush_batch(struct ctx *c)
{
	tacit_batch_commit(c->batch, batch_done, c);
	c->npending = 0;
}

/* An unnamed temporary file for stdin and non-regular outputs. */
static int
anon_tmp(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd == -1 && (errno == EISDIR || errno == EOPNOTSUPP)) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/.tacit-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd != -1)
			unlink(path);
	}
	return fd;
}

/* Read up to len bytes, fewer only at the end of the stream. */
static ssize_t
read_full(int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR && !stop_signal)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int
failed(struct fail *f, const char *action, const char *msg)
{
	f->action = action;
	snprintf(f->msg, sizeof(f->msg), "%s", msg);
	return -1;
}

/*
 * Spool a stream (a pipe, a terminal, a device) into an unnamed temporary
 * file for random access.  Its first bytes must be a format we know, so
 * that /dev/zero or a stray pipe is refused at once, not after filling
 * the disk; and the whole is bounded.  Returns the file, or -1 and f.
 */
static int
spool_stream(int check, int from, struct fail *f)
{
	unsigned char *buf = malloc(SPOOL_BUF);
	struct tacit_src head;
	uint64_t total = 0;
	ssize_t n;
	int tmp = -1;

	if (buf == NULL)
		return failed(f, "cannot read", "out of memory");
	n = read_full(from, buf, SPOOL_BUF);
	if (n < 0) {
		failed(f, "cannot read", strerror(errno));
		goto fail;
	}
	tacit_src_mem(&head, buf, (size_t)n);
	if (tacit_meta_detect(&head) == NULL) {
		char type[128];

		tacit_filetype_describe(&head, type, sizeof(type));
		f->action = check ? "cannot check" : "cannot clean";
		snprintf(f->msg, sizeof(f->msg), "unsupported file type: %s",
		    type);
		goto fail;
	}
	tmp = anon_tmp();
	if (tmp == -1) {
		failed(f, "cannot spool", strerror(errno));
		goto fail;
	}
	for (; n > 0; n = read_full(from, buf, SPOOL_BUF)) {
		total += (uint64_t)n;
		if (total > SPOOL_MAX) {
			failed(f, "cannot read",
			    "larger than 4 GiB; clean it as a file");
			goto fail;
		}
		if (tacit_write_all(tmp, buf, (size_t)n) != TACIT_OK) {
			failed(f, "cannot spool", strerror(errno));
			goto fail;
		}
	}
	if (n < 0) {
		failed(f, "cannot read", strerror(errno));
		goto fail;
	}
	free(buf);
	return tmp;
fail:
	if (tmp != -1)
		close(tmp);
	free(buf);
	return -1;
}

/* Write all of src to a descriptor. */
static int
copy_src(const struct tacit_src *src, int to)
{
	struct tacit_sink k;
	int rc;

	if (src->fd < 0)
		return tacit_write_all(to, src->mem, (size_t)src->size);
	if (tacit_sink_init_fd(&k, to) != TACIT_OK)
		return TACIT_ENOMEM;
	rc = tacit_sink_copy(&k, src, 0, src->size);
	if (rc == TACIT_OK)
		rc = tacit_sink_flush(&k);
	tacit_sink_free(&k);
	return rc;
}

/*
 * Clean src, verified, into fd (a new temporary file; -1 to keep the
 * result in k only).  An input read into memory is cleaned in memory and
 * written with one write; a large one is streamed.  When there is nothing
 * to remove, *changed is 0 and nothing is written.  The caller frees k.
 */
static int
clean_into(struct ctx *c, const struct tacit_src *src, int fd,
    struct tacit_sink *k, int *changed, struct tacit_err *e)
{
	int rc;

	if (src->fd < 0 || fd < 0)
		tacit_sink_init_mem(k);
	else if (tacit_sink_init_fd(k, fd) != TACIT_OK) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	rc = tacit_sanitise_clean(src, c->rules, c->strip_all, k, fd, changed,
	    e);
	if (rc == TACIT_OK && *changed && k->fd < 0 && fd >= 0 &&
	    tacit_write_all(fd, k->mem, k->mem_len) != TACIT_OK) {
		tacit_err_set(e, "write error: %s", strerror(errno));
		rc = TACIT_EIO;
	}
	return rc;
}

/*
 * Clean src and write the result to out_fd, which may be a terminal, a
 * pipe or a device: the output is made and verified in a temporary file
 * first, so nothing unverified is ever written there.
 */
static void
clean_to_fd(struct ctx *c, const struct tacit_src *src, const char *name,
    int out_fd, const char *out_name)
{
	struct tacit_err e = { "" };
	struct tacit_sink k;
	struct tacit_src result;
	int tmp = -1, rc, changed = 0;

	/* A streamed input is cleaned into a file, verified, then copied. */
	if (src->fd >= 0 && (tmp = anon_tmp()) == -1) {
		warn_file(c, name, "cannot clean", strerror(errno));
		return;
	}
	rc = clean_into(c, src, tmp, &k, &changed, &e);
	if (rc != TACIT_OK) {
		warn_file(c, name, "cannot clean", e.msg);
	} else {
		if (!changed)
			result = *src;
		else if (tmp == -1)
			tacit_src_mem(&result, k.mem, k.mem_len);
		else
			rc = tacit_src_fd(&result, tmp);
		if (rc != TACIT_OK || copy_src(&result, out_fd) != TACIT_OK)
			warn_file(c, out_name, "cannot write", strerror(errno));
		else
			report(c, NULL, name, NULL, NULL,
			    changed ? TACIT_FILE_CLEANED : TACIT_FILE_CLEAN,
			    NULL);
	}
	tacit_sink_free(&k);
	if (tmp != -1)
		close(tmp);
}

/* Clean src into a temp file beside dest, queued for the batch rename. */
static void
clean_to_path(struct ctx *c, const struct tacit_src *src, const char *name,
    const char *dest, const struct stat *st, int in_place)
{
	struct pending *p = &c->pending[c->npending];
	struct tacit_err e = { "" };
	struct tacit_replace *r;
	struct tacit_sink k;
	int rc, changed = 0;

	if (tacit_replace_open(&r, dest, st, in_place ? st : NULL, &e) !=
	    TACIT_OK) {
		warn_file(c, name, "cannot clean", e.msg);
		return;
	}
	rc = clean_into(c, src, tacit_replace_fd(r), &k, &changed, &e);
	tacit_sink_free(&k);
	if (rc == TACIT_OK && !changed && in_place) {
		tacit_replace_abort(&r); /* clean already: no write */
		report(c, NULL, name, NULL, NULL, TACIT_FILE_CLEAN, NULL);
		return;
	}
	if (rc == TACIT_OK && !changed)
		rc = copy_src(src, tacit_replace_fd(r)) == TACIT_OK
		    ? TACIT_OK
		    : (tacit_err_set(&e, "write error: %s", strerror(errno)),
			  TACIT_EIO);
	if (rc == TACIT_OK)
		rc = tacit_replace_finish(r, &e);
	if (rc != TACIT_OK) {
		tacit_replace_abort(&r);
		warn_file(c, name, "cannot clean", e.msg);
		return;
	}
	p->name = strdup(name);
	p->changed = changed;
	if (p->name == NULL) {
		tacit_replace_abort(&r);
		warn_file(c, name, "cannot clean", "out of memory");
		return;
	}
	if (tacit_batch_add(c->batch, r, &e) != TACIT_OK) {
		free(p->name);
		warn_file(c, name, "cannot clean", e.msg);
		return;
	}
	if (++c->npending >= BATCH_MAX)
		flush_batch(c);
}

/*
 * Clean in place, or to -o OUT: a regular (or new) file is replaced
 * atomically; a device or a pipe (OUT "-", /dev/stdout) is written only
 * after the output is verified.
 */
static void
clean_output(struct ctx *c, const struct tacit_src *src, const char *name,
    const char *out, const struct stat *st, int from_walk)
{
	char *real = NULL;
	struct stat ost;
	int in_place = c->output == NULL;

	if (strcmp(out, "-") == 0) {
		clean_to_fd(c, src, name, STDOUT_FILENO, "standard output");
		return;
	}
	if (!in_place && stat(out, &ost) == 0 && !S_ISREG(ost.st_mode)) {
		int fd;

		if (S_ISDIR(ost.st_mode)) {
			warn_file(c, out, "cannot write", "Is a directory");
			return;
		}
		fd = open(out, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd == -1) {
			warn_file(c, out, "cannot open", strerror(errno));
			return;
		}
		clean_to_fd(c, src, name, fd, out);
		if (close(fd) == -1 && c->status != 2)
			warn_file(c, out, "cannot write", strerror(errno));
		return;
	}
	/*
	 * A symbolic link named by the user: replace its target, keep the
	 * link (a link among the directories above is harmless to rename
	 * through).  Met while recursing, a link is never followed: if a
	 * file became one, the check before the rename refuses it.
	 */
	if (!from_walk && lstat(out, &ost) == 0 && S_ISLNK(ost.st_mode) &&
	    (real = realpath(out, NULL)) == NULL) {
		warn_file(c, name, "cannot clean", strerror(errno));
		return;
	}
	clean_to_path(c, src, name, real ? real : out, st, in_place);
	free(real);
}

/*
 * Photos are small: read one whole, with one read, and clean it in
 * memory.  A large file is streamed so memory stays bounded.
 */
static int
load(struct buf *b, struct tacit_src *src, int fd, const struct stat *st)
{
	size_t size;
	ssize_t n;

	if (!S_ISREG(st->st_mode) || st->st_size > (off_t)LOAD_MAX)
		return tacit_src_fd(src, fd);
	size = (size_t)st->st_size;
	if (size > b->cap) {
		unsigned char *p = realloc(b->p, size);

		if (p == NULL)
			return tacit_src_fd(src, fd);
		b->p = p;
		b->cap = size;
	}
	n = pread(fd, b->p, size, 0);
	while (n >= 0 && (size_t)n < size) {
		ssize_t more = pread(fd, b->p + n, size - (size_t)n, n);

		if (more <= 0) {
			if (more == 0)
				errno = EIO; /* the file shrank under us */
			return TACIT_EIO;
		}
		n += more;
	}
	if (n < 0)
		return TACIT_EIO;
	tacit_src_mem(src, b->p, size);
	return TACIT_OK;
}

static int
is_stdin(const struct entry *en)
{
	return !en->walked && strcmp(en->path, "-") == 0;
}

static const char *
shown(const struct entry *en)
{
	return is_stdin(en) ? STDIN_NAME : en->path;
}

enum { IN_OK, IN_SKIP, IN_FAIL };

/*
 * Open one input and make it a source.  A file found by -r or --git is
 * opened without following a link, and is skipped at once when its
 * first bytes are no format we handle (no libmagic, no whole read).
 * On IN_OK, *fd is open (standard input's, or ours to close).
 */
static int
open_input(struct ctx *c, const struct entry *en, struct buf *b,
    struct tacit_src *src, int *fdp, struct stat *st, struct fail *f)
{
	int fd;

	*fdp = -1;
	if (is_stdin(en)) {
		fd = STDIN_FILENO;
	} else {
		/* Non-blocking, so that a FIFO cannot hang us. */
		fd = open(en->path,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			(en->walked ? O_NOFOLLOW : 0));
		if (fd == -1)
			return failed(f, "cannot open", strerror(errno)),
			       IN_FAIL;
	}
	if (fstat(fd, st) == -1) {
		failed(f, "cannot read", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st->st_mode)) {
		failed(f, "cannot read", "Is a directory (use -r)");
		goto fail;
	}
	if (!S_ISREG(st->st_mode)) {
		int spooled;

		if (!is_stdin(en)) {
			failed(f, "cannot read", "not a regular file");
			goto fail;
		}
		spooled = spool_stream(c->check, fd, f);
		if (spooled == -1)
			return IN_FAIL;
		fd = spooled;
		if (fstat(fd, st) == -1) {
			failed(f, "cannot read", strerror(errno));
			goto fail;
		}
	}
	if (en->walked) {
		unsigned char head[TACIT_PROBE_LEN];
		ssize_t n = pread(fd, head, sizeof(head), 0);
		struct tacit_src h;

		if (n < 0) {
			failed(f, "cannot read", strerror(errno));
			goto fail;
		}
		tacit_src_mem(&h, head, (size_t)n);
		if (tacit_meta_detect(&h) == NULL) {
			close(fd);
			return IN_SKIP;
		}
	}
	if (load(b, src, fd, st) != TACIT_OK) {
		failed(f, "cannot read", strerror(errno));
		goto fail;
	}
	*fdp = fd;
	return IN_OK;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	return IN_FAIL;
}

static void
close_input(int fd)
{
	if (fd != STDIN_FILENO && fd != -1)
		close(fd);
}

/* Clean one file found on the command line or by -r or --git. */
static void
clean_entry(struct ctx *c, const struct entry *en)
{
	const char *name = shown(en);
	struct tacit_src src;
	struct stat st;
	struct fail f;
	int fd;

	switch (open_input(c, en, &c->in, &src, &fd, &st, &f)) {
	case IN_FAIL:
		warn_file(c, name, f.action, f.msg);
		return;
	case IN_SKIP:
		report(c, en, name, NULL, NULL, TACIT_FILE_SKIPPED, NULL);
		return;
	default:
		break;
	}
	if (is_stdin(en) && c->output == NULL)
		clean_to_fd(c, &src, name, STDOUT_FILENO, "standard output");
	else
		clean_output(c, &src, name, c->output ? c->output : en->path,
		    &st, en->walked);
	close_input(fd);
}

/* What checking one file gave, kept until its turn in the report. */
struct result {
	int done;
	int kind; /* IN_OK, IN_SKIP, IN_FAIL */
	int rc;
	const char *format;
	struct tacit_items items;
	struct fail f;
};

/* Check one file: safe to run on any thread (nothing shared is written). */
static void
check_entry(struct ctx *c, const struct entry *en, struct buf *b,
    struct result *res)
{
	const struct tacit_engine *engine = NULL;
	struct tacit_err e = { "" };
	struct tacit_src src;
	struct stat st;
	int fd;

	tacit_items_init(&res->items, c->show_values);
	res->format = NULL;
	res->kind = open_input(c, en, b, &src, &fd, &st, &res->f);
	if (res->kind != IN_OK)
		return;
	res->rc = tacit_sanitise_scan(&src, c->rules, &engine, &res->items, &e);
	if (res->rc != TACIT_OK) {
		res->kind = IN_FAIL;
		failed(&res->f, "cannot check", e.msg);
	} else {
		res->format = engine->name;
	}
	close_input(fd);
}

/* Drop the findings a .tacitignore line names for this file. */
static void
drop_ignored(struct ctx *c, const struct entry *en, struct tacit_items *it)
{
	const struct tacit_ignore *ig;
	size_t j = 0;

	if (en->rel == NULL || !c->use_ignore ||
	    (!en->walked && !c->force_ignore) ||
	    (ig = c->roots[en->root].ig) == NULL)
		return;
	for (size_t i = 0; i < it->n; i++) {
		if (tacit_ignore_rule(ig, en->rel, it->v[i].rule->id)) {
			free(it->v[i].value);
			c->ignored_findings++;
			continue;
		}
		it->v[j++] = it->v[i];
	}
	it->n = j;
}

/* Report one checked file, in its turn (the main thread only). */
static void
emit(struct ctx *c, const struct entry *en, struct result *res)
{
	const char *name = shown(en);

	if (res->kind == IN_FAIL) {
		warn_entry(c, en, name, res->f.action, res->f.msg);
	} else if (res->kind == IN_SKIP) {
		report(c, en, name, NULL, NULL, TACIT_FILE_SKIPPED, NULL);
	} else {
		drop_ignored(c, en, &res->items);
		for (size_t i = 0; c->baseline != NULL && i < res->items.n;
		     i++) {
			struct tacit_item *it = &res->items.v[i];

			it->known = tacit_baseline_take(c->baseline, name,
			    it->rule->id, it->container, it->field);
		}
		report(c, en, name, res->format, &res->items,
		    TACIT_FILE_SCANNED, NULL);
	}
	tacit_items_free(&res->items);
}

/* Threads checking files while the main thread reports them in order. */
struct pool {
	struct ctx *c;
	pthread_mutex_t mu;
	pthread_cond_t ready, space;
	size_t next, emitted, window;
	struct result *slot; /* window results, by index modulo window */
	int stop;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct buf b = { NULL, 0 };

	for (;;) {
		struct result res;
		size_t i;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->next < p->c->nents &&
		    p->next >= p->emitted + p->window)
			pthread_cond_wait(&p->space, &p->mu);
		if (p->stop || p->next >= p->c->nents) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		memset(&res, 0, sizeof(res));
		if (!stop_signal)
			check_entry(p->c, &p->c->ents[i], &b, &res);
		else
			res.kind = IN_SKIP;
		res.done = 1;
		pthread_mutex_lock(&p->mu);
		p->slot[i % p->window] = res;
		pthread_cond_signal(&p->ready);
		pthread_mutex_unlock(&p->mu);
	}
	free(b.p);
	return NULL;
}

/* Check every entry: in order on this thread, or on c->jobs threads. */
static void
check_all(struct ctx *c)
{
	struct pool p;
	pthread_t tid[JOBS_MAX];
	unsigned n = c->jobs, started = 0;

	if (n > c->nents)
		n = (unsigned)c->nents;
	if (n <= 1) {
		for (size_t i = 0; i < c->nents && !stop_signal; i++) {
			struct result res;

			memset(&res, 0, sizeof(res));
			check_entry(c, &c->ents[i], &c->in, &res);
			emit(c, &c->ents[i], &res);
			progress(c, i + 1, c->nents);
		}
		return;
	}
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.window = (size_t)n * WINDOW_PER_JOB;
	p.slot = calloc(p.window, sizeof(*p.slot));
	if (p.slot == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		c->status = 2;
		return;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.space, NULL);
	{
		/* The workers leave signals to this thread. */
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		for (; started < n; started++)
			if (pthread_create(&tid[started], NULL, worker, &p) !=
			    0)
				break;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (started == 0) {
		/* No thread at all: do it here. */
		pthread_cond_destroy(&p.space);
		pthread_cond_destroy(&p.ready);
		pthread_mutex_destroy(&p.mu);
		free(p.slot);
		c->jobs = 1;
		check_all(c);
		return;
	}
	for (size_t i = 0; i < c->nents; i++) {
		struct result *r = &p.slot[i % p.window], res;

		pthread_mutex_lock(&p.mu);
		while (!r->done)
			pthread_cond_wait(&p.ready, &p.mu);
		res = *r;
		r->done = 0;
		p.emitted++;
		if (stop_signal)
			p.stop = 1;
		pthread_cond_broadcast(&p.space);
		pthread_mutex_unlock(&p.mu);
		if (p.stop) {
			tacit_items_free(&res.items);
			break;
		}
		emit(c, &c->ents[i], &res);
		progress(c, i + 1, c->nents);
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	/* After a stop, results finished but never reported. */
	for (size_t i = 0; i < p.window; i++)
		if (p.slot[i].done)
			tacit_items_free(&p.slot[i].items);
	pthread_cond_destroy(&p.space);
	pthread_cond_destroy(&p.ready);
	pthread_mutex_destroy(&p.mu);
	free(p.slot);
}

static int
add_entry(struct ctx *c, const char *path, size_t rel, unsigned root,
    int walked)
{
	struct entry *en;

	if (c->nents == c->capents) {
		size_t cap = c->capents ? c->capents * 2 : 256;
		struct entry *v = realloc(c->ents, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		c->ents = v;
		c->capents = cap;
	}
	en = &c->ents[c->nents];
	en->path = strdup(path);
	if (en->path == NULL)
		return -1;
	en->rel = rel == SIZE_MAX ? NULL : en->path + rel;
	en->own = NULL;
	en->root = root;
	en->walked = walked;
	c->nents++;
	return 0;
}

static int
add_root(struct ctx *c, const char *dir)
{
	struct root *v = realloc(c->roots, (c->nroots + 1) * sizeof(*v));
	unsigned n = c->nroots;

	if (v == NULL)
		return -1;
	c->roots = v;
	memset(&v[n], 0, sizeof(v[n]));
	v[n].dir = strdup(dir);
	if (v[n].dir == NULL)
		return -1;
	/* SARIF names the roots; a root we cannot name is left out. */
	if (c->rep.format == TACIT_REPORT_SARIF)
		(void)tacit_report_root(&c->rep, n, dir);
	c->nroots++;
	return (int)n;
}

/*
 * Read the .tacitignore in directory dirfd (path, for messages), whose
 * place relative to root r is reldir.  None there is fine.
 */
static void
read_ignore(struct ctx *c, unsigned r, int dirfd, const char *path,
    const char *reldir)
{
	struct root *rt = &c->roots[r];
	struct tacit_err e = { "" };
	char shown_path[PATH_MAX];
	char *text;
	size_t len;
	int fd, rc;

	snprintf(shown_path, sizeof(shown_path), "%s%s.tacitignore", path,
	    path[0] && path[strlen(path) - 1] != '/' ? "/" : "");
	fd = openat(dirfd, ".tacitignore",
	    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			warn_file(c, shown_path, "cannot read",
			    errno == ELOOP ? "a symbolic link"
					   : strerror(errno));
		return;
	}
	rc = tacit_read_small_fd(fd, IGNORE_MAX, &text, &len, &e);
	close(fd);
	if (rc != TACIT_OK) {
		warn_file(c, shown_path, "cannot read", e.msg);
		return;
	}
	if ((rt->ig == NULL && tacit_ignore_new(&rt->ig) != TACIT_OK) ||
	    tacit_ignore_add(rt->ig, reldir, text, len, &e) != TACIT_OK)
		warn_file(c, shown_path, "cannot use",
		    e.msg[0] ? e.msg : "out of memory");
	free(text);
}

static int
ignored(const struct ctx *c, unsigned r, const char *rel, int is_dir)
{
	return c->use_ignore && c->roots[r].ig != NULL &&
	    tacit_ignore_path(c->roots[r].ig, rel, is_dir);
}

struct dent {
	char *name;
	unsigned char type;
};

static int
cmp_dent(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
	    ((const struct dent *)b)->name);
}

/*
 * Walk the directory in path[0..len) below root r (its own part of the
 * path starts at rel), never following a link.  The directory is read
 * whole and closed before going deeper, so depth costs no descriptors.
 */
static void
walk(struct ctx *c, unsigned r, char *path, size_t len, size_t rel)
{
	struct dent *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	/* The root, named by the user, is followed (as find -H does). */
	fd = open(path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC | (len < rel ? 0 : O_NOFOLLOW));
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		warn_file(c, path, "cannot read", strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	if (c->use_ignore)
		read_ignore(c, r, fd, path, len >= rel ? path + rel : "");
	for (;;) {
		const char *name;
		unsigned char type;
		struct stat st;

		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0)
				warn_file(c, path, "cannot read",
				    strerror(errno));
			break;
		}
		name = de->d_name;
		type = de->d_type;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		/* Our own pending temporary files (".tacit-" and six). */
		if (strncmp(name, ".tacit-", 7) == 0 && strlen(name) == 13)
			continue;
		if (type == DT_UNKNOWN) {
			if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
				continue; /* gone since */
			type = S_ISDIR(st.st_mode) ? DT_DIR
			    : S_ISREG(st.st_mode)  ? DT_REG
						   : DT_UNKNOWN;
		}
		/* Links are never followed; devices and FIFOs not ours. */
		if (type != DT_DIR && type != DT_REG)
			continue;
		/* A repository's own store: compressed, never user files. */
		if (type == DT_DIR && strcmp(name, ".git") == 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct dent *nv = realloc(v, ncap * sizeof(*nv));

			if (nv == NULL)
				out_of_memory();
			v = nv;
			cap = ncap;
		}
		v[n].name = strdup(name);
		if (v[n].name == NULL)
			out_of_memory();
		v[n++].type = type;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_dent);
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(v[i].name);
		size_t sep = len > 0 && path[len - 1] != '/';

		if (stop_signal || len + sep + nl >= PATH_MAX) {
			if (!stop_signal)
				warn_file(c, v[i].name, "cannot read",
				    "File name too long");
			free(v[i].name);
			continue;
		}
		if (sep)
			path[len] = '/';
		memcpy(path + len + sep, v[i].name, nl + 1);
		if (ignored(c, r, path + rel, v[i].type == DT_DIR)) {
			c->ignored_files++;
		} else if (v[i].type == DT_DIR) {
			walk(c, r, path, len + sep + nl, rel);
		} else if (add_entry(c, path, rel, r, 1) == -1) {
			out_of_memory();
		}
		path[len] = '\0';
		free(v[i].name);
	}
	free(v);
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

/* The files under directory dir, sorted by path. */
static void
walk_root(struct ctx *c, const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir), first = c->nents;
	int r;

	/* "photos/" is "photos": the paths shown are root + '/' + rel. */
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len >= sizeof(path)) {
		warn_file(c, dir, "cannot walk", "File name too long");
		return;
	}
	memcpy(path, dir, len);
	path[len] = '\0';
	r = add_root(c, path);
	if (r < 0) {
		out_of_memory();
	}
	walk(c, (unsigned)r, path, len, len + (path[len - 1] != '/'));
	if (c->nents > first)
		qsort(c->ents + first, c->nents - first, sizeof(*c->ents),
		    cmp_entry);
}

static size_t
hash_dir(const char *dir, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)dir[i];
		h *= 0x100000001b3u;
	}
	return (size_t)h;
}

/*
 * Whether root r has looked for a .tacitignore in dir; remember it.  An
 * open-addressing set, kept at most half full.
 */
static int
seen_dir(struct root *rt, const char *dir, size_t len)
{
	size_t i;

	if (rt->nseen * 2 >= rt->capseen) {
		size_t cap = rt->capseen ? rt->capseen * 2 : 64;
		char **v = calloc(cap, sizeof(*v));

		if (v == NULL)
			out_of_memory();
		for (size_t j = 0; j < rt->capseen; j++) {
			char *d = rt->seen[j];

			if (d == NULL)
				continue;
			i = hash_dir(d, strlen(d)) & (cap - 1);
			while (v[i] != NULL)
				i = (i + 1) & (cap - 1);
			v[i] = d;
		}
		free(rt->seen);
		rt->seen = v;
		rt->capseen = cap;
	}
	i = hash_dir(dir, len) & (rt->capseen - 1);
	for (; rt->seen[i] != NULL; i = (i + 1) & (rt->capseen - 1))
		if (strncmp(rt->seen[i], dir, len) == 0 &&
		    rt->seen[i][len] == '\0')
			return 1;
	rt->seen[i] = strndup(dir, len);
	if (rt->seen[i] == NULL)
		out_of_memory();
	rt->nseen++;
	return 0;
}

/*
 * Read the .tacitignore files that govern rel (relative to the current
 * directory, root r), parents first, each once; then say whether rel is
 * ignored.
 */
static int
ignored_here(struct ctx *c, unsigned r, const char *rel)
{
	struct root *rt = &c->roots[r];
	size_t len = 0;

	if (!c->use_ignore)
		return 0;
	for (;;) {
		if (!seen_dir(rt, rel, len)) {
			char dir[PATH_MAX], reldir[PATH_MAX];
			int here = strcmp(rt->dir, ".") == 0, fd = -1, n;

			snprintf(reldir, sizeof(reldir), "%.*s", (int)len, rel);
			n = here ? snprintf(dir, sizeof(dir), "%s", reldir)
				 : snprintf(dir, sizeof(dir), "%s%s%s", rt->dir,
				       len ? "/" : "", reldir);
			/* The root was given: below it, no link is followed. */
			if (n >= 0 && (size_t)n < sizeof(dir))
				fd = open(dir[0] ? dir : ".",
				    O_RDONLY | O_DIRECTORY | O_CLOEXEC |
					(len ? O_NOFOLLOW : 0));
			if (fd != -1) {
				read_ignore(c, r, fd, here ? reldir : dir,
				    reldir);
				close(fd);
			}
		}
		{
			const char *slash = strchr(rel + len + (len > 0), '/');

			if (slash == NULL)
				break;
			len = (size_t)(slash - rel);
		}
	}
	return ignored(c, r, rel, 0);
}

static int
cwd_root(struct ctx *c)
{
	if (c->cwd_root < 0)
		c->cwd_root = add_root(c, ".");
	if (c->cwd_root < 0) {
		out_of_memory();
	}
	return c->cwd_root;
}

/*
 * A file named on the command line: relative to the current directory
 * when it is below it ("./" dropped), else outside every root.
 */
static void
add_named(struct ctx *c, const char *path)
{
	size_t rel = SIZE_MAX;
	unsigned r = 0;

	if (strcmp(path, "-") != 0 && path[0] != '/') {
		const char *p = path;

		while (p[0] == '.' && p[1] == '/') {
			p += 2;
			while (*p == '/')
				p++;
		}
		if (strcmp(p, "..") != 0 && strncmp(p, "../", 3) != 0 &&
		    strstr(p, "/../") == NULL) {
			rel = (size_t)(p - path);
			r = (unsigned)cwd_root(c);
			if (c->force_ignore && ignored_here(c, r, p)) {
				c->ignored_files++;
				return;
			}
		}
	}
	if (add_entry(c, path, rel, r, 0) == -1) {
		out_of_memory();
	}
}

static void
add_arg(struct ctx *c, int recursive, const char *path)
{
	struct stat st;

	if (recursive && strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		walk_root(c, path);
	else
		add_named(c, path);
}

/*
 * Whether a directory above path (relative) is a symbolic link, which
 * git would never have tracked through: the work tree changed since.
 * *ok holds the last directory found free of links, to ask once.
 */
static int
link_on_the_way(const char *path, char **ok)
{
	const char *end = strrchr(path, '/');
	size_t len = end ? (size_t)(end - path) : 0;
	char dir[PATH_MAX];

	if (len == 0 || len >= sizeof(dir) ||
	    (*ok != NULL && strlen(*ok) == len && !memcmp(*ok, path, len)))
		return 0;
	memcpy(dir, path, len);
	dir[len] = '\0';
	for (char *p = dir + len;; p = strrchr(dir, '/')) {
		struct stat st;

		if (p != dir + len)
			*p = '\0';
		if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			return 1;
		if (strchr(dir, '/') == NULL)
			break;
	}
	free(*ok);
	*ok = strndup(path, len);
	return 0;
}

/*
 * The root of --git: the top of the work tree, so that .tacitignore
 * files from there down are read and SARIF paths are the repository's.
 * *prefix is where the current directory is below it ("a/b/", or "");
 * the root is named relatively ("../..") so that no path is printed
 * or parsed.
 */
static unsigned
git_root(struct ctx *c, char **prefix)
{
	FILE *f = popen("git rev-parse --show-prefix 2>/dev/null", "r");
	char *line = NULL, dir[PATH_MAX];
	size_t cap = 0, len = 0, depth = 0;
	ssize_t n;
	int r;

	n = f ? getdelim(&line, &cap, '\0', f) : -1;
	if (f != NULL)
		pclose(f);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n <= 0 || line[n - 1] != '/') {
		/* At the top, or git will say what is wrong. */
		free(line);
		*prefix = strdup("");
		if (*prefix == NULL)
			out_of_memory();
		return (unsigned)cwd_root(c);
	}
	for (ssize_t i = 0; i < n; i++)
		depth += line[i] == '/';
	for (size_t i = 0; i < depth && len + 3 < sizeof(dir); i++)
		len += (size_t)snprintf(dir + len, sizeof(dir) - len, "%s..",
		    i ? "/" : "");
	r = add_root(c, dir);
	if (r < 0)
		out_of_memory();
	*prefix = line;
	return (unsigned)r;
}

/*
 * --git: every file git tracks under the current directory, as -r finds
 * files: links never followed, unsupported types skipped quietly, a
 * tracked file missing from the work tree ignored.
 */
static void
add_git(struct ctx *c)
{
	FILE *f = popen("git ls-files -z", "r");
	char *path = NULL;
	size_t cap = 0, first = c->nents;
	ssize_t n;
	unsigned r;
	int rc;
	char *dirok = NULL, *prefix;
	size_t plen;

	if (f == NULL) {
		fprintf(stderr, PROG ": cannot run git: %s\n", strerror(errno));
		c->status = 2;
		return;
	}
	r = git_root(c, &prefix);
	plen = strlen(prefix);
	while (!stop_signal && (n = getdelim(&path, &cap, '\0', f)) > 0) {
		struct stat st;
		char *own = NULL;

		if (path[n - 1] != '\0')
			continue; /* cut short: git failed */
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    link_on_the_way(path, &dirok))
			continue;
		if (plen > 0) {
			/* Relative to the top of the work tree. */
			own = malloc(plen + (size_t)n);
			if (own == NULL)
				out_of_memory();
			memcpy(own, prefix, plen);
			memcpy(own + plen, path, (size_t)n);
		}
		if (ignored_here(c, r, own ? own : path)) {
			c->ignored_files++;
			free(own);
			continue;
		}
		if (add_entry(c, path, 0, r, 1) == -1)
			out_of_memory();
		if (own != NULL)
			c->ents[c->nents - 1].rel = c->ents[c->nents - 1].own =
			    own;
	}
	free(path);
	free(dirok);
	free(prefix);
	rc = pclose(f);
	if (rc != 0) {
		fprintf(stderr,
		    PROG ": 'git ls-files' failed (not in a git work tree?)\n");
		c->status = 2;
	}
	if (c->nents > first)
		qsort(c->ents + first, c->nents - first, sizeof(*c->ents),
		    cmp_entry);
}

/* The CPUs this process may run on. */
static unsigned
cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

static int
load_baseline(struct ctx *c, const char *path)
{
	struct tacit_err e = { "" };
	char *text;
	size_t len;

	if (tacit_read_small_file(path, TACIT_BASELINE_MAX_BYTES, &text, &len,
		&e) != TACIT_OK) {
		fprintf(stderr, PROG ": cannot read baseline '");
		tacit_text_print(stderr, path);
		fprintf(stderr, "': %s\n", e.msg);
		return -1;
	}
	if (tacit_baseline_load(&c->baseline, text, len, &e) != TACIT_OK) {
		fprintf(stderr, PROG ": cannot use baseline '");
		tacit_text_print(stderr, path);
		fprintf(stderr, "': %s\n", e.msg[0] ? e.msg : "out of memory");
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static void
baseline_error(const char *path, const char *msg)
{
	fprintf(stderr, PROG ": cannot write baseline '");
	tacit_text_print(stderr, path);
	fprintf(stderr, "': %s\n", msg);
}

/*
 * --write-baseline: a JSON report (never with values) in a temporary
 * file beside FILE, renamed over it at the end.  A link is replaced
 * through (its target), anything but a regular file refused.
 */
static struct tacit_replace *
open_baseline_out(struct ctx *c, const char *path, char **real)
{
	struct tacit_err e = { "" };
	struct tacit_replace *r;
	struct stat st;
	int have, fd;
	mode_t mask;

	*real = NULL;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (*real = realpath(path, NULL)) == NULL) {
		baseline_error(path, strerror(errno));
		return NULL;
	}
	have = stat(*real ? *real : path, &st) == 0;
	if (have && !S_ISREG(st.st_mode)) {
		baseline_error(path, "not a regular file");
		return NULL;
	}
	if (tacit_replace_open(&r, *real ? *real : path, have ? &st : NULL,
		have ? &st : NULL, &e) != TACIT_OK) {
		baseline_error(path, e.msg);
		return NULL;
	}
	if (!have) {
		/* A new baseline is shared like any file of the project. */
		mask = umask(0);
		umask(mask);
		(void)fchmod(tacit_replace_fd(r), 0666 & ~mask);
	}
	fd = dup(tacit_replace_fd(r));
	c->base_f = fd == -1 ? NULL : fdopen(fd, "w");
	if (c->base_f == NULL) {
		baseline_error(path, strerror(errno));
		if (fd != -1)
			close(fd);
		tacit_replace_abort(&r);
		return NULL;
	}
	tacit_report_begin(&c->base_rep, c->base_f, TACIT_REPORT_JSON, PROG);
	c->base_rep.fail_on = TACIT_FAIL_NONE;
	return r;
}

static void
done_baseline(void *arg, size_t i, int rc, const char *msg)
{
	struct ctx *c = arg;

	(void)i;
	if (rc != TACIT_OK) {
		fprintf(stderr, PROG ": cannot write baseline: %s\n", msg);
		c->status = 2;
	}
}

static void
close_baseline_out(struct ctx *c, struct tacit_replace *r)
{
	struct tacit_err e = { "" };
	struct tacit_batch *b;
	int bad = tacit_report_end(&c->base_rep) != 0;

	bad |= fclose(c->base_f) != 0;
	c->base_f = NULL;
	if (bad || c->status == 2 || stop_signal) {
		/* An error, or a file unread: no baseline to trust. */
		if (bad)
			baseline_error(tacit_replace_dest(r), strerror(errno));
		else
			fprintf(stderr,
			    PROG ": baseline not written: there were errors\n");
		tacit_replace_abort(&r);
		c->status = 2;
		return;
	}
	b = tacit_batch_new();
	if (b == NULL || tacit_replace_finish(r, &e) != TACIT_OK) {
		fprintf(stderr, PROG ": cannot write baseline: %s\n",
		    e.msg[0] ? e.msg : "out of memory");
		tacit_replace_abort(&r);
		tacit_batch_free(&b);
		c->status = 2;
		return;
	}
	if (tacit_batch_add(b, r, &e) != TACIT_OK) { /* r is freed */
		fprintf(stderr, PROG ": cannot write baseline: %s\n", e.msg);
		tacit_batch_free(&b);
		c->status = 2;
		return;
	}
	tacit_batch_commit(b, done_baseline, c);
	tacit_batch_free(&b);
}

/* The summary on stderr: what was seen, what was found, how long it took. */
static void
summary(struct ctx *c, double secs)
{
	const struct tacit_report *r = &c->rep;

	progress_clear(c);
	fprintf(stderr, PROG ": %zu file%s in %.2f s: ", r->files,
	    r->files == 1 ? "" : "s", secs);
	if (c->check)
		fprintf(stderr, "%zu checked",
		    r->files - r->skipped - r->errors);
	else
		fprintf(stderr, "%zu cleaned, %zu already clean", r->cleaned,
		    r->files - r->skipped - r->errors - r->cleaned);
	fprintf(stderr, ", %zu skipped, %zu error%s", r->skipped, r->errors,
	    r->errors == 1 ? "" : "s");
	if (c->ignored_files)
		fprintf(stderr, ", %zu ignored", c->ignored_files);
	if (c->check) {
		fprintf(stderr,
		    "; %zu finding%s: %zu high, %zu medium, %zu low, %zu info",
		    r->findings, r->findings == 1 ? "" : "s",
		    r->by_severity[TACIT_SEV_HIGH],
		    r->by_severity[TACIT_SEV_MEDIUM],
		    r->by_severity[TACIT_SEV_LOW],
		    r->by_severity[TACIT_SEV_INFO]);
		if (c->baseline != NULL)
			fprintf(stderr, "; %zu in the baseline", r->known);
		if (c->ignored_findings)
			fprintf(stderr, "; %zu ignored by rule",
			    c->ignored_findings);
	}
	fputc('\n', stderr);
}

static void
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static int
parse_format(const char *s)
{
	if (strcmp(s, "text") == 0)
		return TACIT_REPORT_TEXT;
	if (strcmp(s, "json") == 0)
		return TACIT_REPORT_JSON;
	if (strcmp(s, "sarif") == 0)
		return TACIT_REPORT_SARIF;
	fprintf(stderr, PROG ": invalid format '%s' (text, json, sarif)\n", s);
	usage();
	return -1;
}

static void
free_all(struct ctx *c)
{
	for (size_t i = 0; i < c->nents; i++)
		free(c->ents[i].path), free(c->ents[i].own);
	free(c->ents);
	for (unsigned i = 0; i < c->nroots; i++) {
		free(c->roots[i].dir);
		tacit_ignore_free(&c->roots[i].ig);
		for (size_t j = 0; j < c->roots[i].capseen; j++)
			free(c->roots[i].seen[j]);
		free(c->roots[i].seen);
	}
	free(c->roots);
	tacit_baseline_free(&c->baseline);
	tacit_batch_free(&c->batch);
	tacit_rules_free(&c->rules);
	tacit_report_free(&c->rep);
	free(c->in.p);
	free(c->pending);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "check", no_argument, NULL,
						      'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'F' },
		{ "show-values", no_argument, NULL, 'S' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "write-baseline", required_argument, NULL, 'W' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "strip-all", no_argument, NULL, 'A' },
		{ "rules", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "git", no_argument, NULL, 'G' },
		{ "force-ignore", no_argument, NULL, 'I' },
		{ "no-ignore", no_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };
	struct ctx c;
	struct tacit_err e = { "" };
	struct tacit_replace *base_out = NULL;
	char *base_real = NULL;
	const char *rules_file = NULL, *baseline = NULL, *write_base = NULL;
	int opt, format = TACIT_REPORT_TEXT, verbose = 0, rc, git = 0;
	int fail_on = TACIT_SEV_MEDIUM, recursive = 0, data_out;
	struct sigaction sa;
	long long t0 = now_ns();

	memset(&c, 0, sizeof(c));
	c.use_ignore = 1;
	c.cwd_root = -1;
	c.jobs = 0;
	/* Closed standard descriptors would be reused by our own files. */
	while ((rc = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && rc <= 2)
		;
	if (rc > 2)
		close(rc);
	/* A closed pipe is a write error like any other, not a death. */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	argv[0] = (char *)PROG; /* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, "cF:f:j:o:qrvhV", longopts,
		    NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.check = 1;
			break;
		case 'J':
			format = TACIT_REPORT_JSON;
			break;
		case 'F':
			format = parse_format(optarg);
			break;
		case 'S':
			c.show_values = 1;
			break;
		case 'f':
			fail_on = strcmp(optarg, "none") == 0
			    ? TACIT_FAIL_NONE
			    : tacit_severity_parse(optarg);
			if (fail_on < 0) {
				fprintf(stderr,
				    PROG ": invalid severity '%s' "
					 "(info, low, medium, high, none)\n",
				    optarg);
				return 2;
			}
			break;
		case 'B':
			baseline = optarg;
			break;
		case 'W':
			write_base = optarg;
			break;
		case 'j': {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    n < 1 || n > JOBS_MAX) {
				fprintf(stderr,
				    PROG ": invalid job count '%s' (1 to %d)\n",
				    optarg, JOBS_MAX);
				usage();
			}
			c.jobs = (unsigned)n;
			break;
		}
		case 'A':
			c.strip_all = 1;
			break;
		case 'R':
			rules_file = optarg;
			break;
		case 'o':
			c.output = optarg;
			break;
		case 'r':
			recursive = 1;
			break;
		case 'G':
			git = 1;
			break;
		case 'I':
			c.force_ignore = 1;
			break;
		case 'N':
			c.use_ignore = 0;
			break;
		case 'q':
			c.quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputc('\n', stdout);
			fputs(help_text, stdout);
			return fclose(stdout) == 0 ? 0 : 2;
		case 'V':
			puts("tacit " TACIT_VERSION);
			return fclose(stdout) == 0 ? 0 : 2;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (git && (argc > 0 || c.output != NULL)) {
		fprintf(stderr, PROG ": --git takes no FILE and no -o\n");
		usage();
	}
	if (c.output != NULL && (c.check || argc > 1 || recursive)) {
		fprintf(stderr,
		    PROG ": -o takes exactly one input and no "
			 "--check or -r\n");
		usage();
	}
	if (!c.check &&
	    (c.show_values || format == TACIT_REPORT_SARIF || baseline ||
		write_base)) {
		fprintf(stderr,
		    PROG ": --show-values, --format sarif, --baseline and "
			 "--write-baseline need --check\n");
		usage();
	}
	if (c.show_values && format == TACIT_REPORT_SARIF) {
		/* A SARIF file is uploaded: the values stay here. */
		fprintf(stderr,
		    PROG ": --show-values cannot go into a SARIF report\n");
		usage();
	}
	for (int i = 0, dash = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0)
			continue;
		if (!c.check && argc > 1) {
			fprintf(stderr,
			    PROG ": '-' (standard input) "
				 "cannot be cleaned with other files\n");
			usage();
		}
		if (dash++) {
			fprintf(stderr,
			    PROG ": '-' (standard input) named twice\n");
			usage();
		}
		/* Read on this thread, where a signal can stop it. */
		c.jobs = 1;
	}
	rc = rules_file ? tacit_rules_load_file(&c.rules, rules_file, &e)
			: tacit_rules_default(&c.rules, &e);
	if (rc != TACIT_OK) {
		fprintf(stderr, PROG ": cannot load rules: %s\n",
		    e.msg[0] ? e.msg : "out of memory");
		return 2;
	}
	if (baseline != NULL && load_baseline(&c, baseline) != 0) {
		free_all(&c);
		return 2;
	}
	c.batch = tacit_batch_new();
	c.pending = calloc(BATCH_MAX, sizeof(*c.pending));
	if (c.batch == NULL || c.pending == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 2;
	}
	if (c.jobs == 0)
		c.jobs = cpus();
	if (write_base != NULL &&
	    (base_out = open_baseline_out(&c, write_base, &base_real)) ==
		NULL) {
		free_all(&c);
		return 2;
	}
	/* When cleaned data goes to stdout, reports go to stderr. */
	data_out = !c.check &&
	    (c.output != NULL ? strcmp(c.output, "-") == 0
			      : !git &&
			(argc == 0 || (argc == 1 && !strcmp(argv[0], "-"))));
	tacit_report_begin(&c.rep, data_out ? stderr : stdout,
	    (enum tacit_report_format)format, PROG);
	c.rep.fail_on = fail_on;
	c.rep.show_values = c.show_values;
	c.rep.verbose = verbose;
	c.rep.rules = c.rules;
	c.rep.baseline = c.baseline != NULL;
	/* Never a bar in a pipe or a CI log, nor under the cleaned data. */
	c.tty = !c.quiet && !data_out && isatty(STDERR_FILENO);
	c.out_tty = c.tty && isatty(fileno(c.rep.out));
	c.start_ns = t0;
	if (git)
		add_git(&c);
	else if (argc == 0)
		add_named(&c, "-");
	for (int i = 0; i < argc && !stop_signal; i++)
		add_arg(&c, recursive, argv[i]);
	if (c.check) {
		check_all(&c);
	} else {
		for (size_t i = 0; i < c.nents && !stop_signal; i++) {
			clean_entry(&c, &c.ents[i]);
			progress(&c, i + 1, c.nents);
		}
	}
	if (stop_signal) {
		/* Remove the pending temporary files; originals untouched. */
		tacit_batch_free(&c.batch);
		if (base_out != NULL)
			tacit_replace_abort(&base_out);
		progress_clear(&c);
		if (c.check)
			fprintf(stderr, PROG ": interrupted\n");
		else
			fprintf(stderr,
			    PROG ": interrupted; %zu pending file%s left "
				 "as %s\n",
			    c.npending, c.npending == 1 ? "" : "s",
			    c.npending == 1 ? "it was" : "they were");
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
		return 2;
	}
	flush_batch(&c);
	progress_clear(&c);
	if (tacit_report_end(&c.rep) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, PROG ": cannot write output: %s\n",
		    strerror(errno));
		c.status = 2;
	}
	if (base_out != NULL)
		close_baseline_out(&c, base_out);
	if (!c.quiet && (c.check || recursive || git))
		summary(&c, (double)(now_ns() - t0) / 1e9);
	if (c.status == 0 && c.check && c.rep.at_fail_on > 0 &&
	    write_base == NULL)
		c.status = 1;
	free_all(&c);
	free(base_real);
	if (fclose(stdout) != 0) {
		fprintf(stderr, PROG ": cannot write output: %s\n",
		    strerror(errno));
		return 2;
	}
	return c.status;
}
