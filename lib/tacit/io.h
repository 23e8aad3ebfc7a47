/* io: bounded reads from a file or memory, buffered writes, atomic replace. */
#ifndef TACIT_IO_H
#define TACIT_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define TACIT_WUR __attribute__((warn_unused_result))

/* Error codes shared by every module: 0 is success, these are negative. */
enum {
	TACIT_OK = 0,
	TACIT_EIO = -1, /* read or write failed (errno kept) */
	TACIT_EFORMAT = -2, /* malformed or truncated input */
	TACIT_EUNSUPPORTED = -3, /* a format or feature we do not handle */
	TACIT_ENOMEM = -4,
	TACIT_EVERIFY = -5, /* output failed its re-scan */
	TACIT_EUSAGE = -6,
	TACIT_EAUTH = -7, /* authentication failed: MAC, chunk, passphrase */
	TACIT_ENOKEY = -8 /* no identity matches */
};

/* A caller-provided error message: the library fills it, tools print it. */
struct tacit_err {
	char msg[256];
};

void tacit_err_set(struct tacit_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A read-only input with random access: a file descriptor read with pread,
 * or a memory buffer.  Nothing is read beyond size.
 */
struct tacit_src {
	int fd; /* -1 when mem is used */
	const unsigned char *mem;
	uint64_t size;
};

void tacit_src_mem(struct tacit_src *s, const void *mem, size_t size);
TACIT_WUR int tacit_src_fd(struct tacit_src *s, int fd);
/* Read exactly len bytes at off; TACIT_EFORMAT if that passes the end. */
TACIT_WUR int tacit_src_read(const struct tacit_src *s, uint64_t off, void *buf,
    size_t len);
/* Read up to len bytes at off; returns the count (0 at the end) or <0. */
TACIT_WUR ssize_t tacit_src_pread(const struct tacit_src *s, uint64_t off,
    void *buf, size_t len);

/*
 * A sequential input read through a buffer: a file descriptor, memory, or
 * a function (an armor decoder).  It can peek ahead and read lines, which
 * headers need.  The first error
 * sticks, with its message in err.
 */
#define TACIT_IN_BUF (64u * 1024u)

struct tacit_in {
	ssize_t (*fill)(void *arg, void *buf, size_t n, struct tacit_err *e);
	void *arg;
	int fd;
	const unsigned char *mem;
	size_t mem_len;
	size_t pos, len; /* buffered bytes: buf[pos..len) */
	int eof;
	int rc; /* first error (TACIT_E*), sticky */
	struct tacit_err err;
	unsigned char buf[TACIT_IN_BUF];
};

void tacit_in_fd(struct tacit_in *in, int fd);
void tacit_in_mem(struct tacit_in *in, const void *p, size_t n);
/* fill returns up to n bytes, 0 at the end, or a TACIT_E* code. */
void tacit_in_fn(struct tacit_in *in,
    ssize_t (*fill)(void *arg, void *buf, size_t n, struct tacit_err *e),
    void *arg);
/* Read up to n bytes, fewer only at the end; a TACIT_E* code on error. */
TACIT_WUR ssize_t tacit_in_read(struct tacit_in *in, void *buf, size_t n);
/* Read a line with its LF, at most cap bytes (no LF: too long or end). */
TACIT_WUR ssize_t tacit_in_line(struct tacit_in *in, char *buf, size_t cap);
/* Buffer up to want (<= TACIT_IN_BUF) bytes and point at them. */
TACIT_WUR ssize_t tacit_in_peek(struct tacit_in *in, size_t want,
    const unsigned char **p);
/* 1 at the end of the input, 0 before it, or a TACIT_E* code. */
TACIT_WUR int tacit_in_at_end(struct tacit_in *in);

/*
 * A buffered writer to a file descriptor, or to a growable memory buffer
 * when fd is -1 (for tests and fuzzing).  The first error sticks.
 */
struct tacit_sink {
	int fd;
	unsigned char *buf;
	size_t len, cap;
	uint64_t written; /* bytes accepted so far */
	int err; /* first error (TACIT_E*), sticky */
	int saved_errno;
	unsigned char *mem; /* memory mode: whole output */
	size_t mem_len, mem_cap;
};

TACIT_WUR int tacit_sink_init_fd(struct tacit_sink *k, int fd);
void tacit_sink_init_mem(struct tacit_sink *k);
int tacit_sink_write(struct tacit_sink *k, const void *p, size_t n);
int tacit_sink_byte(struct tacit_sink *k, unsigned char c);
/* Copy len bytes of src starting at off: the lossless path. */
int tacit_sink_copy(struct tacit_sink *k, const struct tacit_src *s,
    uint64_t off, uint64_t len);
TACIT_WUR int tacit_sink_flush(struct tacit_sink *k);
/* Free buffers (memory output included); safe on a zeroed sink, twice. */
void tacit_sink_free(struct tacit_sink *k);

/*
 * Read a small regular file (a rules file) whole into a malloc'd,
 * NUL-terminated buffer: at most max bytes (TACIT_EFORMAT beyond), never
 * a FIFO or a device (no hang), every failure with a message.
 */
TACIT_WUR int tacit_read_small_file(const char *path, size_t max, char **buf,
    size_t *len, struct tacit_err *e);
/*
 * The same for a file the caller has opened (and closes): the messages
 * name no file ("not a regular file", "larger than N bytes").
 */
TACIT_WUR int tacit_read_small_fd(int fd, size_t max, char **buf, size_t *len,
    struct tacit_err *e);

/* Write all of buf to fd, looping on short writes and EINTR. */
TACIT_WUR int tacit_write_all(int fd, const void *buf, size_t len);

/*
 * Atomic replace: a temp file in the destination's directory, renamed over
 * the destination on commit.  Batches share one syncfs per file system.
 */
struct tacit_replace;

/*
 * Open a temp file beside dest, with the mode and owner of mode_from when
 * given.  When expect is given (in-place cleaning: the stat of the file
 * that was read), the rename happens only if dest is still that file.
 */
TACIT_WUR int tacit_replace_open(struct tacit_replace **r, const char *dest,
    const struct stat *mode_from, const struct stat *expect,
    struct tacit_err *e);
int tacit_replace_fd(const struct tacit_replace *r);
const char *tacit_replace_dest(const struct tacit_replace *r);
/* The temp file's name, for a signal handler that must remove it. */
const char *tacit_replace_tmp(const struct tacit_replace *r);
/* Close the temp file; it stays pending until tacit_replace_commit_all. */
TACIT_WUR int tacit_replace_finish(struct tacit_replace *r,
    struct tacit_err *e);
/* Unlink the temp file and free r; NULL is fine. */
void tacit_replace_abort(struct tacit_replace **r);

/* A list of finished replacements made durable and renamed together. */
struct tacit_batch;

struct tacit_batch *tacit_batch_new(void);
/* Takes ownership of r (finished). */
TACIT_WUR int tacit_batch_add(struct tacit_batch *b, struct tacit_replace *r,
    struct tacit_err *e);
/*
 * Make the batch durable and visible: sync the data (fsync for a single
 * file, else syncfs once per file system), rename each temp file over its
 * destination, then fsync each directory once.  done(arg, i, rc, msg) is
 * called once for every replacement i, in the order added: rc 0 when it
 * replaced its destination, else an error and a message; a failure leaves
 * that destination untouched (except a directory sync failure, after the
 * rename) and does not stop the others.  Returns how many failed.
 */
size_t tacit_batch_commit(struct tacit_batch *b,
    void (*done)(void *arg, size_t i, int rc, const char *msg), void *arg);
size_t tacit_batch_len(const struct tacit_batch *b);
void tacit_batch_free(struct tacit_batch **b);

#endif
