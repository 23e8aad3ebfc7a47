/* tacit-sanitise: remove metadata from image files, or audit it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tacit/filetype.h"
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

static const char usage_text[] =
    "usage: tacit sanitise [-crv] [--check] [--json] [--show-values]\n"
    "                      [--fail-on SEVERITY] [--strip-all] [--rules FILE]\n"
    "                      [-o OUT] [--git | FILE...]\n";

static const char help_text[] =
    "Remove metadata from JPEG, PNG, WebP and GIF files without touching the\n"
    "image data, or audit it with --check.  With no FILE, or -, filter\n"
    "standard input to standard output; otherwise clean each FILE in place.\n"
    "\n"
    "  -c, --check             list the metadata found, change nothing\n"
    "      --json              write one JSON document (see the man page)\n"
    "      --show-values       also print the values (--check)\n"
    "  -f, --fail-on SEVERITY  exit 1 when a finding reaches SEVERITY:\n"
    "                          info, low, medium (default) or high\n"
    "      --strip-all         also remove Orientation and ICC profiles\n"
    "      --rules FILE        use FILE instead of the built-in rules\n"
    "  -o, --output OUT        write the cleaned file to OUT (one input)\n"
    "      --git               the files git tracks under the current\n"
    "                          directory (git ls-files); links never\n"
    "                          followed, unsupported files skipped\n"
    "  -r, --recursive         descend into directories, never following\n"
    "                          symbolic links; skip unsupported files\n"
    "  -v, --verbose           say what happened to each file\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Exit status: 0 done or clean, 1 findings with --check, 2 error.\n";

struct ctx {
	struct tacit_rules *rules;
	struct tacit_report rep;
	struct tacit_batch *batch;
	int check, strip_all, recursive, show_values;
	const char *output;
	unsigned char *in; /* the input, when small enough to read whole */
	size_t incap;
	struct pending {
		char *name;
		int changed;
	} * pending; /* files in the batch, reported once committed */
	size_t npending;
	int status; /* worst exit status so far */
};

/* A signal asked us to stop: finish the file at hand, replace nothing. */
static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
warn_file(struct ctx *c, const char *path, const char *action, const char *msg)
{
	fprintf(stderr, PROG ": %s '", action);
	tacit_text_print(stderr, path);
	fprintf(stderr, "': %s\n", msg);
	c->status = 2;
	tacit_report_file(&c->rep, path, NULL, NULL, TACIT_FILE_ERROR, msg);
}

static void
batch_done(void *arg, size_t i, int rc, const char *msg)
{
	struct ctx *c = arg;
	struct pending *p = &c->pending[i];

	if (rc == TACIT_OK)
		tacit_report_file(&c->rep, p->name, NULL, NULL,
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

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/*
 * Spool a stream (a pipe, a terminal, a device) into an unnamed temporary
 * file for random access.  Its first bytes must be a format we know, so
 * that /dev/zero or a stray pipe is refused at once, not after filling
 * the disk; and the whole is bounded.  Returns the file, or -1 (reported).
 */
static int
spool_stream(struct ctx *c, int from, const char *name)
{
	unsigned char *buf = malloc(SPOOL_BUF);
	struct tacit_src head;
	uint64_t total = 0;
	ssize_t n;
	int tmp = -1;

	if (buf == NULL) {
		warn_file(c, name, "cannot read", "out of memory");
		return -1;
	}
	n = read_full(from, buf, SPOOL_BUF);
	if (n < 0) {
		warn_file(c, name, "cannot read", strerror(errno));
		goto fail;
	}
	tacit_src_mem(&head, buf, (size_t)n);
	if (tacit_meta_detect(&head) == NULL) {
		char type[128], msg[160];

		tacit_filetype_describe(&head, type, sizeof(type));
		snprintf(msg, sizeof(msg), "unsupported file type: %s", type);
		warn_file(c, name, c->check ? "cannot check" : "cannot clean",
		    msg);
		goto fail;
	}
	tmp = anon_tmp();
	if (tmp == -1) {
		warn_file(c, name, "cannot spool", strerror(errno));
		goto fail;
	}
	for (; n > 0; n = read_full(from, buf, SPOOL_BUF)) {
		total += (uint64_t)n;
		if (total > SPOOL_MAX) {
			warn_file(c, name, "cannot read",
			    "larger than 4 GiB; clean it as a file");
			goto fail;
		}
		if (tacit_write_all(tmp, buf, (size_t)n) != TACIT_OK) {
			warn_file(c, name, "cannot spool", strerror(errno));
			goto fail;
		}
	}
	if (n < 0) {
		warn_file(c, name, "cannot read", strerror(errno));
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
			tacit_report_file(&c->rep, name, NULL, NULL,
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
		tacit_report_file(&c->rep, name, NULL, NULL, TACIT_FILE_CLEAN,
		    NULL);
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

static void
check_src(struct ctx *c, const struct tacit_src *src, const char *name,
    int quiet_unsupported)
{
	const struct tacit_engine *engine = NULL;
	struct tacit_items items;
	struct tacit_err e = { "" };
	int rc;

	tacit_items_init(&items, c->show_values);
	rc = tacit_sanitise_scan(src, c->rules, &engine, &items, &e);
	if (rc == TACIT_EUNSUPPORTED && quiet_unsupported) {
		tacit_report_file(&c->rep, name, NULL, NULL, TACIT_FILE_SKIPPED,
		    e.msg);
	} else if (rc != TACIT_OK) {
		warn_file(c, name, "cannot check", e.msg);
	} else {
		tacit_report_file(&c->rep, name, engine->name, &items,
		    TACIT_FILE_SCANNED, NULL);
	}
	tacit_items_free(&items);
}

/*
 * Photos are small: read one whole, with one read, and clean it in
 * memory.  A large file is streamed so memory stays bounded.
 */
static int
load(struct ctx *c, struct tacit_src *src, int fd)
{
	struct stat st;
	size_t size;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return TACIT_EIO;
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)LOAD_MAX)
		return tacit_src_fd(src, fd);
	size = (size_t)st.st_size;
	if (size > c->incap) {
		unsigned char *p = realloc(c->in, size);

		if (p == NULL)
			return tacit_src_fd(src, fd);
		c->in = p;
		c->incap = size;
	}
	n = pread(fd, c->in, size, 0);
	while (n >= 0 && (size_t)n < size) {
		ssize_t more = pread(fd, c->in + n, size - (size_t)n, n);

		if (more <= 0) {
			if (more == 0)
				errno = EIO; /* the file shrank under us */
			return TACIT_EIO;
		}
		n += more;
	}
	if (n < 0)
		return TACIT_EIO;
	tacit_src_mem(src, c->in, size);
	return TACIT_OK;
}

/* One regular file (or stdin) found on the command line or by -r. */
static void
do_file(struct ctx *c, const char *path, int from_walk)
{
	struct tacit_src src;
	struct stat st;
	int fd, is_stdin = strcmp(path, "-") == 0 && !from_walk;
	const char *name = is_stdin ? STDIN_NAME : path;

	if (is_stdin) {
		fd = STDIN_FILENO;
	} else {
		/* Non-blocking, so that a FIFO cannot hang us. */
		fd = open(path,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			(from_walk ? O_NOFOLLOW : 0));
		if (fd == -1) {
			warn_file(c, path, "cannot open", strerror(errno));
			return;
		}
	}
	if (fstat(fd, &st) == -1) {
		warn_file(c, name, "cannot read", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		warn_file(c, name, "cannot read", "Is a directory (use -r)");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		if (!is_stdin) {
			warn_file(c, name, "cannot read", "not a regular file");
			goto out;
		}
		fd = spool_stream(c, fd, name);
		if (fd == -1) {
			fd = STDIN_FILENO;
			goto out;
		}
	}
	if (load(c, &src, fd) != TACIT_OK) {
		warn_file(c, name, "cannot read", strerror(errno));
		goto out;
	}
	if (c->check)
		check_src(c, &src, name, from_walk);
	else if (from_walk && tacit_meta_detect(&src) == NULL)
		tacit_report_file(&c->rep, name, NULL, NULL, TACIT_FILE_SKIPPED,
		    NULL);
	else if (is_stdin && c->output == NULL)
		clean_to_fd(c, &src, name, STDOUT_FILENO, "standard output");
	else
		clean_output(c, &src, name, c->output ? c->output : path, &st,
		    from_walk);
out:
	if (fd != STDIN_FILENO)
		close(fd);
}

static struct ctx *walk_ctx;

static int
walk_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;

	if (stop_signal)
		return 1;
	/* Our own pending temporary files (".tacit-" and six characters). */
	if (strncmp(base, ".tacit-", 7) == 0 && strlen(base) == 13)
		return 0;
	switch (type) {
	case FTW_F:
		if (S_ISREG(st->st_mode))
			do_file(walk_ctx, path, 1);
		break;
	case FTW_DNR:
		warn_file(walk_ctx, path, "cannot read", strerror(errno));
		break;
	case FTW_NS:
		warn_file(walk_ctx, path, "cannot stat", strerror(errno));
		break;
	default:
		break; /* directories, and symbolic links never followed */
	}
	return 0;
}

static void
do_arg(struct ctx *c, const char *path)
{
	struct stat st;

	if (c->recursive && strcmp(path, "-") != 0 && lstat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		walk_ctx = c;
		if (nftw(path, walk_entry, 32, FTW_PHYS) == -1)
			warn_file(c, path, "cannot walk", strerror(errno));
		return;
	}
	do_file(c, path, 0);
}

/*
 * --git: every file git tracks under the current directory, as -r finds
 * files: links never followed, unsupported types skipped quietly, a
 * tracked file missing from the work tree ignored.
 */
static void
do_git(struct ctx *c)
{
	FILE *f = popen("git ls-files -z", "r");
	char *path = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc;

	if (f == NULL) {
		fprintf(stderr, PROG ": cannot run git: %s\n", strerror(errno));
		c->status = 2;
		return;
	}
	while (!stop_signal && (n = getdelim(&path, &cap, '\0', f)) > 0) {
		struct stat st;

		if (path[n - 1] != '\0')
			continue; /* cut short: git failed */
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			do_file(c, path, 1);
	}
	free(path);
	rc = pclose(f);
	if (rc != 0) {
		fprintf(stderr,
		    PROG ": 'git ls-files' failed (not in a git work tree?)\n");
		c->status = 2;
	}
}

static void
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "check", no_argument, NULL,
						      'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "show-values", no_argument, NULL, 'S' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "strip-all", no_argument, NULL, 'A' },
		{ "rules", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "git", no_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };
	struct ctx c;
	struct tacit_err e = { "" };
	const char *rules_file = NULL;
	int opt, json = 0, verbose = 0, fail_on = TACIT_SEV_MEDIUM, rc, git = 0;
	int data_out;
	struct sigaction sa;

	memset(&c, 0, sizeof(c));
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
	while ((opt = getopt_long(argc, argv, "cf:o:rvhV", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'c':
			c.check = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'S':
			c.show_values = 1;
			break;
		case 'f':
			fail_on = tacit_severity_parse(optarg);
			if (fail_on < 0) {
				fprintf(stderr,
				    PROG ": invalid severity '%s' "
					 "(info, low, medium, high)\n",
				    optarg);
				return 2;
			}
			break;
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
			c.recursive = 1;
			break;
		case 'G':
			git = 1;
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
	if (c.output != NULL && (c.check || argc > 1 || c.recursive)) {
		fprintf(stderr,
		    PROG ": -o takes exactly one input and no "
			 "--check or -r\n");
		usage();
	}
	if (!c.check && c.show_values) {
		fprintf(stderr, PROG ": --show-values needs --check\n");
		usage();
	}
	if (!c.check && argc > 1)
		for (int i = 0; i < argc; i++)
			if (strcmp(argv[i], "-") == 0) {
				fprintf(stderr,
				    PROG
				    ": '-' (standard input) "
				    "cannot be cleaned with other files\n");
				usage();
			}
	rc = rules_file ? tacit_rules_load_file(&c.rules, rules_file, &e)
			: tacit_rules_default(&c.rules, &e);
	if (rc != TACIT_OK) {
		fprintf(stderr, PROG ": cannot load rules: %s\n",
		    e.msg[0] ? e.msg : "out of memory");
		return 2;
	}
	c.batch = tacit_batch_new();
	c.pending = calloc(BATCH_MAX, sizeof(*c.pending));
	if (c.batch == NULL || c.pending == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 2;
	}
	/* When cleaned data goes to stdout, reports go to stderr. */
	data_out = !c.check &&
	    (c.output != NULL ? strcmp(c.output, "-") == 0
			      : !git &&
			(argc == 0 || (argc == 1 && !strcmp(argv[0], "-"))));
	tacit_report_begin(&c.rep, data_out ? stderr : stdout,
	    json ? TACIT_REPORT_JSON : TACIT_REPORT_TEXT, PROG);
	c.rep.fail_on = (enum tacit_severity)fail_on;
	c.rep.show_values = c.show_values;
	c.rep.verbose = verbose;
	if (git)
		do_git(&c);
	else if (argc == 0)
		do_arg(&c, "-");
	for (int i = 0; i < argc && !stop_signal; i++)
		do_arg(&c, argv[i]);
	if (stop_signal) {
		/* Remove the pending temporary files; originals untouched. */
		tacit_batch_free(&c.batch);
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
	tacit_batch_free(&c.batch);
	tacit_rules_free(&c.rules);
	free(c.in);
	free(c.pending);
	if (tacit_report_end(&c.rep) != 0 || fclose(stdout) != 0) {
		fprintf(stderr, PROG ": cannot write output: %s\n",
		    strerror(errno));
		return 2;
	}
	if (c.status == 0 && c.check && c.rep.at_fail_on > 0)
		c.status = 1;
	return c.status;
}
