/* tacit-expire: delete expired sealed files; ratchet epoch identities. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "tacit/age.h"
#include "tacit/armor.h"
#include "tacit/epoch.h"
#include "tacit/text.h"

#define PROG "tacit-expire"
/* An epoch identity is one line; this bounds a mistaken argument. */
#define ID_FILE_MAX (64u * 1024u)
/* Each level of a walk holds a descriptor open. */
#define DEPTH_MAX 128
#define STDIN_NAME "(standard input)"

static const char usage_text[] =
    "usage: tacit expire [-r] [-n] [--json] PATH...\n"
    "       tacit expire --list [-r] [--json] PATH...\n"
    "       tacit expire --keys IDENTITY...\n";

static const char help_text[] =
    "Delete the sealed files among PATH (age files, binary or armored)\n"
    "whose expiry (tacit seal --expire) has passed.  Files that are not\n"
    "sealed, or carry no expiry, are never touched; symbolic links are\n"
    "not followed, except to a directory named as PATH.  The expiry is\n"
    "read without a key, so it is not authenticated here (tacit open\n"
    "checks it).  With --keys, move each epoch identity to the current\n"
    "epoch, destroying the keys of the past ones.\n"
    "\n"
    "  -r, --recursive     descend into directories\n"
    "  -n, --dry-run       print what would be deleted; delete nothing\n"
    "  -l, --list          print the expiry of each file; delete nothing\n"
    "      --json          write one JSON document (see the man page)\n"
    "      --keys          ratchet each IDENTITY (tacit keygen --epochs)\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "Exit status: 0 done (also when nothing expired), 2 error (usage, a\n"
    "path that cannot be read or deleted, a malformed expiry, an identity\n"
    "that cannot be ratcheted).\n";

/* What a file turned out to be. */
enum kind {
	K_SKIPPED, /* not a regular file: never read */
	K_NOT_SEALED,
	K_NONE, /* sealed, no expiry */
	K_EXPIRY, /* sealed, with an expiry */
	K_ERROR
};

struct sweep {
	int list, dry_run, recursive, json;
	int64_t now;
	int status; /* 0, or 2 after an error */
	int stop; /* standard output failed: delete nothing more */
	size_t shown; /* JSON entries written */
};

/* The header reader's buffers are large: one set, reused. */
static struct tacit_in raw, armored;
static struct tacit_armor_in dearmor;

/* "tacit-expire: ACTION 'PATH': WHY", the path made safe to show. */
static void
warn_path(struct sweep *s, const char *action, const char *path,
    const char *why)
{
	fprintf(stderr, "%s: %s '", PROG, action);
	tacit_text_print(stderr, path);
	fprintf(stderr, "': %s\n", why);
	if (s != NULL)
		s->status = 2;
}

/* What happened to a file, for --json. */
static const char *
action_name(const struct sweep *s, enum kind k, int64_t when, int deleted)
{
	switch (k) {
	case K_SKIPPED:
		return "skipped";
	case K_NOT_SEALED:
		return "not sealed";
	case K_NONE:
		return "none";
	case K_EXPIRY:
		if (deleted)
			return "deleted";
		if (when <= s->now && s->dry_run)
			return "would delete";
		return "kept";
	default:
		return "error";
	}
}

static void
show_json(struct sweep *s, const char *path, enum kind k, int64_t when,
    int deleted, const char *error)
{
	char at[32];

	fputs(s->shown++ ? ",\n{\"path\":" : "\n{\"path\":", stdout);
	tacit_json_string(stdout, path);
	if (k == K_EXPIRY) {
		tacit_time_format(when, at, sizeof(at));
		printf(",\"expires\":%" PRId64 ",\"expires_at\":", when);
		tacit_json_string(stdout, at);
		printf(",\"expired\":%s", when <= s->now ? "true" : "false");
	} else {
		fputs(",\"expires\":null,\"expires_at\":null,\"expired\":false",
		    stdout);
	}
	printf(",\"action\":\"%s\"", action_name(s, k, when, deleted));
	if (error != NULL) {
		fputs(",\"error\":", stdout);
		tacit_json_string(stdout, error);
	}
	putc('}', stdout);
}

static void
show_text(const struct sweep *s, const char *path, enum kind k, int64_t when,
    int deleted)
{
	char at[32];

	tacit_time_format(when, at, sizeof(at));
	if (s->list) {
		tacit_text_print(stdout, path);
		if (k == K_EXPIRY)
			printf(": %s %s\n",
			    when <= s->now ? "expired" : "expires", at);
		else
			printf(": %s\n",
			    k == K_SKIPPED    ? "not a regular file"
				: k == K_NONE ? "no expiry"
					      : "not a sealed file");
		return;
	}
	if (k != K_EXPIRY || (!deleted && !(s->dry_run && when <= s->now)))
		return;
	fputs(deleted ? "deleted " : "would delete ", stdout);
	tacit_text_print(stdout, path);
	printf(" (expired %s)\n", at);
}

/*
 * Report one file.  Lines are flushed as they go: a sweep whose output
 * cannot be written stops deleting, rather than delete unreported.
 */
static void
show(struct sweep *s, const char *path, enum kind k, int64_t when, int deleted,
    const char *error)
{
	if (s->json)
		show_json(s, path, k, when, deleted, error);
	else if (k != K_ERROR)
		show_text(s, path, k, when, deleted);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (!s->stop)
			fprintf(stderr,
			    "%s: cannot write to standard output: %s\n", PROG,
			    strerror(errno));
		s->stop = 1;
		s->status = 2;
	}
}

/* Report an error on path: a line on stderr, and an entry in JSON. */
static void
show_error(struct sweep *s, const char *action, const char *path,
    const char *why)
{
	warn_path(s, action, path, why);
	if (s->json)
		show(s, path, K_ERROR, 0, 0, why);
}

/*
 * The expiry of the file open on fd, from its header alone (bounded:
 * the header reader stops at TACIT_AGE_HEADER_MAX).  A file whose
 * header does not parse is not a sealed file.
 */
static enum kind
read_expiry(int fd, int64_t *when, struct tacit_err *e)
{
	struct tacit_age_header *h = NULL;
	int rc;

	tacit_in_fd(&raw, fd);
	rc = tacit_armor_detect(&raw);
	if (rc < 0) {
		*e = raw.err;
	} else {
		if (rc == 1) {
			tacit_armor_in_init(&dearmor, &raw);
			tacit_in_fn(&armored, tacit_armor_fill, &dearmor);
		}
		rc = tacit_age_header_read(&h, rc == 1 ? &armored : &raw, e);
	}
	if (rc == TACIT_EFORMAT)
		return K_NOT_SEALED;
	if (rc != TACIT_OK)
		return K_ERROR;
	rc = tacit_expiry_get(h, when, e);
	tacit_age_header_free(&h);
	return rc < 0 ? K_ERROR : rc == 1 ? K_EXPIRY : K_NONE;
}

/*
 * Delete name in dfd if it is still the file we read (st): the name
 * could have been replaced meanwhile.  0 or -1 after reporting.
 */
static int
delete_file(struct sweep *s, int dfd, const char *name, const char *path,
    const struct stat *st)
{
	struct stat cur;

	if (fstatat(dfd, name, &cur, AT_SYMLINK_NOFOLLOW) != 0) {
		show_error(s, "cannot delete", path, strerror(errno));
		return -1;
	}
	if (cur.st_dev != st->st_dev || cur.st_ino != st->st_ino) {
		show_error(s, "cannot delete", path,
		    "replaced while being read; left as it is");
		return -1;
	}
	if (unlinkat(dfd, name, 0) != 0) {
		show_error(s, "cannot delete", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * One file: name in the directory dfd, called path in messages.  Links
 * are followed only when listing a file named on the command line.
 * Returns 1 when it was deleted.
 */
static int
do_file(struct sweep *s, int dfd, const char *name, const char *path,
    int follow)
{
	struct tacit_err e = { "" };
	struct stat lst, st;
	int64_t when = 0;
	enum kind k;
	int fd, deleted = 0;

	if (fstatat(dfd, name, &lst, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
		show_error(s, "cannot read", path, strerror(errno));
		return 0;
	}
	if (!S_ISREG(lst.st_mode)) {
		/* A FIFO or a device is never opened: no hang, no effect. */
		show(s, path, K_SKIPPED, 0, 0, NULL);
		return 0;
	}
	fd = openat(dfd, name,
	    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		(follow ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		show_error(s, "cannot open", path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) != 0) {
		show_error(s, "cannot read", path, strerror(errno));
		close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		k = K_SKIPPED; /* swapped under us */
	} else {
		k = read_expiry(fd, &when, &e);
	}
	if (k == K_ERROR) {
		show_error(s, "cannot read the expiry of", path, e.msg);
	} else if (k == K_EXPIRY && when <= s->now && !s->list && !s->dry_run) {
		if (!s->stop && delete_file(s, dfd, name, path, &st) == 0) {
			deleted = 1;
			show(s, path, k, when, 1, NULL);
		}
	} else {
		show(s, path, k, when, 0, NULL);
	}
	close(fd);
	return deleted;
}

/*
 * Make deletions in dfd durable.  A failure is an error, although the
 * files are gone: a crash could bring them back.
 */
static void
sync_dir(struct sweep *s, int dfd, const char *what, const char *path)
{
	if (fsync(dfd) != 0 && errno != EINVAL && errno != EROFS)
		warn_path(s, what, path, strerror(errno));
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/name for messages; NULL when out of memory. */
static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir), m = strlen(name);
	int slash = n > 0 && dir[n - 1] != '/';
	char *p = malloc(n + (size_t)slash + m + 1);

	if (p != NULL) {
		memcpy(p, dir, n);
		if (slash)
			p[n] = '/';
		memcpy(p + n + (size_t)slash, name, m + 1);
	}
	return p;
}

/* The names in d (without . and ..), sorted; -1 after reporting. */
static int
read_names(struct sweep *s, DIR *d, const char *path, char ***names, size_t *n)
{
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0, count = 0;

	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (count == cap) {
			char **w;

			cap = cap ? 2 * cap : 64;
			w = realloc(v, cap * sizeof(*v));
			if (w == NULL)
				goto nomem;
			v = w;
		}
		v[count] = strdup(de->d_name);
		if (v[count] == NULL)
			goto nomem;
		count++;
	}
	if (errno != 0) {
		show_error(s, "cannot read", path, strerror(errno));
		goto fail;
	}
	if (count > 0)
		qsort(v, count, sizeof(*v), by_name);
	*names = v;
	*n = count;
	return 0;
nomem:
	show_error(s, "cannot read", path, "out of memory");
fail:
	while (count > 0)
		free(v[--count]);
	free(v);
	return -1;
}

/*
 * Walk the directory open on dfd (closed here), in name order, never
 * following a link: subdirectories and files are opened relative to
 * their parent with O_NOFOLLOW, so no link can lead the walk outside.
 */
static void
walk(struct sweep *s, int dfd, const char *path, int depth)
{
	DIR *d = fdopendir(dfd);
	char **names = NULL;
	size_t n = 0;
	int deleted = 0;

	if (d == NULL) {
		show_error(s, "cannot read", path, strerror(errno));
		close(dfd);
		return;
	}
	if (read_names(s, d, path, &names, &n) != 0) {
		closedir(d);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *child = join(path, names[i]);
		struct stat st;
		int cfd;

		if (child == NULL) {
			show_error(s, "cannot read", path, "out of memory");
		} else if (fstatat(dirfd(d), names[i], &st,
			       AT_SYMLINK_NOFOLLOW) != 0) {
			show_error(s, "cannot read", child, strerror(errno));
		} else if (!S_ISDIR(st.st_mode)) {
			deleted |= do_file(s, dirfd(d), names[i], child, 0);
		} else if (depth >= DEPTH_MAX) {
			show_error(s, "cannot read", child,
			    "too many nested directories");
		} else if ((cfd = openat(dirfd(d), names[i],
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				    O_CLOEXEC | O_NONBLOCK)) < 0) {
			show_error(s, "cannot open", child, strerror(errno));
		} else {
			walk(s, cfd, child, depth + 1);
		}
		free(child);
		free(names[i]);
	}
	free(names);
	if (deleted)
		sync_dir(s, dirfd(d), "cannot sync directory", path);
	closedir(d);
}

/* The directory part of path, opened; the last part in *base. */
static int
open_parent(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	*base = slash == NULL ? path : slash + 1;
	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

/* A PATH named on the command line. */
static void
do_operand(struct sweep *s, const char *path)
{
	const char *base;
	struct stat st;
	int64_t when = 0;
	struct tacit_err e = { "" };
	int dfd;

	if (strcmp(path, "-") == 0) {
		enum kind k;

		if (!s->list) {
			show_error(s, "cannot delete", STDIN_NAME,
			    "only --list reads standard input");
			return;
		}
		k = read_expiry(STDIN_FILENO, &when, &e);
		if (k == K_ERROR)
			show_error(s, "cannot read the expiry of", STDIN_NAME,
			    e.msg);
		else
			show(s, STDIN_NAME, k, when, 0, NULL);
		return;
	}
	/* A directory named by the user is followed, as find -H does. */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!s->recursive) {
			show_error(s, "cannot read", path,
			    "Is a directory (use -r)");
			return;
		}
		dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			show_error(s, "cannot open", path, strerror(errno));
		else
			walk(s, dfd, path, 0);
		return;
	}
	if (s->list) {
		do_file(s, AT_FDCWD, path, path, 1);
		return;
	}
	dfd = open_parent(path, &base);
	if (dfd < 0) {
		show_error(s, "cannot read", path, strerror(errno));
		return;
	}
	if (do_file(s, dfd, base, path, 0))
		sync_dir(s, dfd, "cannot sync the directory of", path);
	close(dfd);
}

static void
commit_done(void *arg, size_t i, int rc, const char *msg)
{
	(void)i;
	if (rc != TACIT_OK)
		tacit_err_set(arg, "%s", msg);
}

/*
 * Replace the identity at real with text: a temp file beside it, made
 * durable, renamed over it only if it is still the file read (st), and
 * the directory synced.  Group and other bits are dropped: it is a
 * secret.  A signal cannot interrupt this half-way; SIGKILL can leave
 * the temp file, never a partial identity.
 */
static int
replace_identity(const char *real, const struct stat *st, const char *text,
    size_t len, struct tacit_err *e)
{
	struct tacit_replace *r = NULL;
	struct tacit_batch *b = NULL;
	struct stat mode = *st;
	int rc;

	mode.st_mode &= (mode_t)~077;
	cli_hold_signals(SIG_BLOCK);
	rc = tacit_replace_open(&r, real, &mode, st, e);
	if (rc == TACIT_OK &&
	    tacit_write_all(tacit_replace_fd(r), text, len) != TACIT_OK) {
		tacit_err_set(e, "cannot write '%s': %s", tacit_replace_tmp(r),
		    strerror(errno));
		rc = TACIT_EIO;
	}
	if (rc == TACIT_OK)
		rc = tacit_replace_finish(r, e);
	if (rc == TACIT_OK && (b = tacit_batch_new()) == NULL) {
		tacit_err_set(e, "out of memory");
		rc = TACIT_ENOMEM;
	}
	if (rc != TACIT_OK) {
		tacit_replace_abort(&r);
	} else {
		/* The batch owns r now, even when adding fails. */
		rc = tacit_batch_add(b, r, e);
		r = NULL;
		if (rc == TACIT_OK && tacit_batch_commit(b, commit_done, e))
			rc = TACIT_EIO;
	}
	tacit_batch_free(&b);
	cli_hold_signals(SIG_UNBLOCK);
	return rc;
}

/*
 * Ratchet one epoch identity, under an exclusive lock on "ID.lock"
 * beside the file (through links: the lock belongs to the file itself),
 * so that two ratchets run one after the other.  0, or 2 after warning.
 */
static int
ratchet(const char *path, int64_t now)
{
	struct tacit_epoch_id *id = NULL;
	struct tacit_err e = { "" };
	struct stat st;
	char *real = realpath(path, NULL), *lock = NULL, *text = NULL;
	char *out = NULL, at[32];
	size_t len = 0, outlen = 0;
	int lfd = -1, fd = -1, status = 2, moved;

	if (real == NULL) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return 2;
	}
	lock = malloc(strlen(real) + sizeof(".lock"));
	if (lock == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	strcpy(lock, real);
	strcat(lock, ".lock");
	lfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
	    0600);
	if (lfd < 0) {
		cli_warn("cannot lock '%s': %s", lock, strerror(errno));
		goto out;
	}
	while (flock(lfd, LOCK_EX) != 0)
		if (errno != EINTR) {
			cli_warn("cannot lock '%s': %s", lock, strerror(errno));
			goto out;
		}
	fd = open(real,
	    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_warn("cannot read '%s': not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 0077) != 0)
		cli_warn("warning: identity file '%s' is readable by other "
			 "users (mode %03o); chmod 600 it",
		    path, (unsigned)(st.st_mode & 0777));
	if (cli_read_fd(fd, path, ID_FILE_MAX, 1, &text, &len) != 0)
		goto out;
	if (!tacit_epoch_is_identity(text, len)) {
		cli_warn("cannot ratchet '%s': not an epoch identity (make one "
			 "with tacit keygen --epochs)",
		    path);
		goto out;
	}
	if (tacit_epoch_parse(&id, text, len, &e) != TACIT_OK) {
		cli_warn("cannot ratchet '%s': %s", path, e.msg);
		goto out;
	}
	moved = tacit_epoch_ratchet(id, now, &e);
	if (moved < 0) {
		cli_warn("cannot ratchet '%s': %s", path, e.msg);
		goto out;
	}
	if (moved) {
		if (tacit_epoch_format(id, &out, &outlen, &e) != TACIT_OK ||
		    replace_identity(real, &st, out, outlen, &e) != TACIT_OK) {
			cli_warn("cannot ratchet '%s': %s", path, e.msg);
			goto out;
		}
		tacit_time_format(tacit_epoch_destroy_at(id,
				      tacit_epoch_index(id) - 1),
		    at, sizeof(at));
		printf("%s: epoch %" PRIu64 " (keys before %s destroyed)\n",
		    path, tacit_epoch_index(id), at);
	} else {
		printf("%s: already at epoch %" PRIu64 "\n", path,
		    tacit_epoch_index(id));
	}
	status = 0;
out:
	if (out != NULL)
		sodium_free(out); /* wipes */
	if (text != NULL)
		sodium_free(text);
	tacit_epoch_free(&id);
	if (fd >= 0)
		close(fd);
	if (lfd >= 0)
		close(lfd); /* releases the lock; the file stays */
	free(lock);
	free(real);
	return status;
}

static int
usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "recursive", no_argument,
						      NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'J' },
		{ "keys", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };
	struct sweep s;
	int opt, keys = 0, status = 0;

	if (cli_start(PROG) != 0)
		return 2;
	memset(&s, 0, sizeof(s));
	while ((opt = getopt_long(argc, argv, "rnlhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			s.recursive = 1;
			break;
		case 'n':
			s.dry_run = 1;
			break;
		case 'l':
			s.list = 1;
			break;
		case 'J':
			s.json = 1;
			break;
		case 'K':
			keys = 1;
			break;
		case 'h':
			return cli_help(usage_text, help_text);
		case 'V':
			return cli_version();
		default:
			return usage();
		}
	}
	if (optind == argc) {
		cli_warn("no %s given", keys ? "IDENTITY" : "PATH");
		return usage();
	}
	if (keys && (s.recursive || s.dry_run || s.list || s.json)) {
		cli_warn("--keys takes no other option");
		return usage();
	}
	if (s.list && s.dry_run) {
		cli_warn("--list deletes nothing: -n is not needed");
		return usage();
	}
	s.now = (int64_t)time(NULL);
	if (keys) {
		for (int i = optind; i < argc; i++)
			if (ratchet(argv[i], s.now) != 0)
				status = 2;
	} else {
		if (s.json)
			printf("{\"tool\":\"%s\",\"version\":1,\"now\":%" PRId64
			       ",\"files\":[",
			    PROG, s.now);
		for (int i = optind; i < argc; i++)
			do_operand(&s, argv[i]);
		if (s.json)
			fputs(s.shown ? "\n]}\n" : "]}\n", stdout);
		status = s.status;
	}
	if (fclose(stdout) != 0) {
		cli_warn("cannot write to standard output: %s",
		    strerror(errno));
		status = 2;
	}
	return status;
}
