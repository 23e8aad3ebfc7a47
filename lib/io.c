/* io: bounded reads, buffered writes and atomic replace for libtacit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tacit/io.h"

#define SINK_BUF (64u * 1024u)

void
tacit_err_set(struct tacit_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
tacit_src_mem(struct tacit_src *s, const void *mem, size_t size)
{
	s->fd = -1;
	s->mem = mem;
	s->size = size;
}

int
tacit_src_fd(struct tacit_src *s, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return TACIT_EIO;
	if (!S_ISREG(st.st_mode) || st.st_size < 0) {
		errno = EINVAL;
		return TACIT_EIO;
	}
	s->fd = fd;
	s->mem = NULL;
	s->size = (uint64_t)st.st_size;
	return TACIT_OK;
}

ssize_t
tacit_src_pread(const struct tacit_src *s, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off >= s->size)
		return 0;
	if (len > s->size - off)
		len = (size_t)(s->size - off);
	if (s->fd < 0) {
		memcpy(buf, s->mem + off, len);
		return (ssize_t)len;
	}
	while (done < len) {
		ssize_t n = pread(s->fd, (char *)buf + done, len - done,
		    (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return TACIT_EIO;
		}
		if (n == 0)
			break; /* the file shrank under us */
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
tacit_src_read(const struct tacit_src *s, uint64_t off, void *buf, size_t len)
{
	ssize_t n;

	if (off > s->size || len > s->size - off)
		return TACIT_EFORMAT;
	n = tacit_src_pread(s, off, buf, len);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? TACIT_OK : TACIT_EFORMAT;
}

int
tacit_read_small_fd(int fd, size_t max, char **buf, size_t *len,
    struct tacit_err *e)
{
	struct stat st;
	ssize_t n;
	char *b;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		tacit_err_set(e, "not a regular file");
		return TACIT_EIO;
	}
	if ((uint64_t)st.st_size > max) {
		tacit_err_set(e, "larger than %zu bytes", max);
		return TACIT_EFORMAT;
	}
	if ((b = malloc((size_t)st.st_size + 1)) == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	n = pread(fd, b, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		tacit_err_set(e, "%s", n < 0 ? strerror(errno) : "short read");
		free(b);
		return TACIT_EIO;
	}
	b[n] = '\0';
	*buf = b;
	*len = (size_t)n;
	return TACIT_OK;
}

int
tacit_read_small_file(const char *path, size_t max, char **buf, size_t *len,
    struct tacit_err *e)
{
	struct tacit_err sub = { "" };
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* FIFO: no hang */
	if (fd == -1) {
		tacit_err_set(e, "cannot open '%s': %s", path, strerror(errno));
		return TACIT_EIO;
	}
	rc = tacit_read_small_fd(fd, max, buf, len, &sub);
	close(fd);
	if (rc != TACIT_OK)
		tacit_err_set(e, "cannot read '%s': %s", path, sub.msg);
	return rc;
}

int
tacit_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return TACIT_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return TACIT_OK;
}

int
tacit_sink_init_fd(struct tacit_sink *k, int fd)
{
	memset(k, 0, sizeof(*k));
	k->fd = fd;
	k->buf = malloc(SINK_BUF);
	if (k->buf == NULL)
		return TACIT_ENOMEM;
	k->cap = SINK_BUF;
	return TACIT_OK;
}

void
tacit_sink_init_mem(struct tacit_sink *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

static int
sink_fail(struct tacit_sink *k, int err)
{
	if (k->err == 0) {
		k->err = err;
		k->saved_errno = errno;
	}
	return k->err;
}

static int
sink_drain(struct tacit_sink *k)
{
	if (k->len == 0)
		return TACIT_OK;
	if (tacit_write_all(k->fd, k->buf, k->len) != TACIT_OK)
		return sink_fail(k, TACIT_EIO);
	k->len = 0;
	return TACIT_OK;
}

int
tacit_sink_write(struct tacit_sink *k, const void *p, size_t n)
{
	if (k->err)
		return k->err;
	if (k->fd < 0) {
		if (n > k->mem_cap - k->mem_len) {
			size_t cap = k->mem_cap ? k->mem_cap : 4096;
			unsigned char *m;

			while (cap - k->mem_len < n) {
				if (cap > SIZE_MAX / 2)
					return sink_fail(k, TACIT_ENOMEM);
				cap *= 2;
			}
			m = realloc(k->mem, cap);
			if (m == NULL)
				return sink_fail(k, TACIT_ENOMEM);
			k->mem = m;
			k->mem_cap = cap;
		}
		if (n > 0)
			memcpy(k->mem + k->mem_len, p, n);
		k->mem_len += n;
		k->written += n;
		return TACIT_OK;
	}
	if (n > k->cap - k->len) {
		if (sink_drain(k) != TACIT_OK)
			return k->err;
		if (n >= k->cap) {
			if (tacit_write_all(k->fd, p, n) != TACIT_OK)
				return sink_fail(k, TACIT_EIO);
			k->written += n;
			return TACIT_OK;
		}
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->written += n;
	return TACIT_OK;
}

int
tacit_sink_byte(struct tacit_sink *k, unsigned char c)
{
	if (k->fd >= 0 && k->len < k->cap && k->err == 0) {
		k->buf[k->len++] = c;
		k->written++;
		return TACIT_OK;
	}
	return tacit_sink_write(k, &c, 1);
}

int
tacit_sink_copy(struct tacit_sink *k, const struct tacit_src *s, uint64_t off,
    uint64_t len)
{
	unsigned char tmp[SINK_BUF];

	if (k->err)
		return k->err;
	if (off > s->size || len > s->size - off)
		return sink_fail(k, TACIT_EFORMAT);
	if (s->fd < 0)
		return tacit_sink_write(k, s->mem + off, (size_t)len);
	while (len > 0) {
		size_t want = len < sizeof(tmp) ? (size_t)len : sizeof(tmp);
		int rc = tacit_src_read(s, off, tmp, want);

		if (rc != TACIT_OK)
			return sink_fail(k, rc);
		if (tacit_sink_write(k, tmp, want) != TACIT_OK)
			return k->err;
		off += want;
		len -= want;
	}
	return TACIT_OK;
}

int
tacit_sink_flush(struct tacit_sink *k)
{
	if (k->err)
		return k->err;
	if (k->fd >= 0)
		return sink_drain(k);
	return TACIT_OK;
}

void
tacit_sink_free(struct tacit_sink *k)
{
	if (k == NULL)
		return;
	free(k->buf);
	free(k->mem);
	k->buf = NULL;
	k->mem = NULL;
	k->len = k->cap = k->mem_len = k->mem_cap = 0;
}

/* Atomic replace. */

struct tacit_replace {
	char *dest;
	char *tmp;
	char *dir;
	int fd;
	dev_t dev;
	int check; /* dest must still be the file in expect */
	struct stat expect;
	int rc; /* this replacement's outcome in a commit */
	char msg[160];
};

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int
tacit_replace_open(struct tacit_replace **rp, const char *dest,
    const struct stat *mode_from, const struct stat *expect,
    struct tacit_err *e)
{
	struct tacit_replace *r;
	struct stat dst;
	size_t n;

	*rp = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		tacit_err_set(e, "out of memory");
		return TACIT_ENOMEM;
	}
	r->fd = -1;
	if (expect != NULL) {
		r->check = 1;
		r->expect = *expect;
	}
	r->dest = strdup(dest);
	r->dir = dir_of(dest);
	if (r->dest == NULL || r->dir == NULL)
		goto nomem;
	n = strlen(r->dir) + sizeof("/.tacit-XXXXXX");
	r->tmp = malloc(n);
	if (r->tmp == NULL)
		goto nomem;
	snprintf(r->tmp, n, "%s/.tacit-XXXXXX", r->dir);
	r->fd = mkostemp(r->tmp, O_CLOEXEC);
	if (r->fd == -1) {
		tacit_err_set(e, "cannot create a temporary file in '%s': %s",
		    r->dir, strerror(errno));
		free(r->tmp);
		r->tmp = NULL;
		tacit_replace_abort(&r);
		return TACIT_EIO;
	}
	if (mode_from != NULL) {
		/* Keep owner and mode; a non-root user cannot chown, fine. */
		if (fchown(r->fd, mode_from->st_uid, mode_from->st_gid) == -1)
			(void)fchown(r->fd, (uid_t)-1, mode_from->st_gid);
		if (fchmod(r->fd, mode_from->st_mode & 07777) == -1) {
			tacit_err_set(e, "cannot set the mode of '%s': %s",
			    r->tmp, strerror(errno));
			tacit_replace_abort(&r);
			return TACIT_EIO;
		}
	}
	if (fstat(r->fd, &dst) == 0)
		r->dev = dst.st_dev;
	*rp = r;
	return TACIT_OK;
nomem:
	tacit_err_set(e, "out of memory");
	tacit_replace_abort(&r);
	return TACIT_ENOMEM;
}

const char *
tacit_replace_tmp(const struct tacit_replace *r)
{
	return r->tmp;
}

int
tacit_replace_fd(const struct tacit_replace *r)
{
	return r->fd;
}

const char *
tacit_replace_dest(const struct tacit_replace *r)
{
	return r->dest;
}

int
tacit_replace_finish(struct tacit_replace *r, struct tacit_err *e)
{
	int fd = r->fd;

	r->fd = -1;
	if (close(fd) == -1) {
		tacit_err_set(e, "cannot write '%s': %s", r->tmp,
		    strerror(errno));
		return TACIT_EIO;
	}
	return TACIT_OK;
}

void
tacit_replace_abort(struct tacit_replace **rp)
{
	struct tacit_replace *r;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	if (r->fd != -1)
		close(r->fd);
	if (r->tmp != NULL)
		unlink(r->tmp);
	free(r->dest);
	free(r->tmp);
	free(r->dir);
	free(r);
	*rp = NULL;
}

struct tacit_batch {
	struct tacit_replace **v;
	size_t n, cap;
};

struct tacit_batch *
tacit_batch_new(void)
{
	return calloc(1, sizeof(struct tacit_batch));
}

size_t
tacit_batch_len(const struct tacit_batch *b)
{
	return b->n;
}

int
tacit_batch_add(struct tacit_batch *b, struct tacit_replace *r,
    struct tacit_err *e)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct tacit_replace **v = realloc(b->v, cap * sizeof(*v));

		if (v == NULL) {
			tacit_err_set(e, "out of memory");
			tacit_replace_abort(&r);
			return TACIT_ENOMEM;
		}
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = r;
	return TACIT_OK;
}

/* A batch this small fsyncs its files rather than the file system. */
#define FSYNC_EACH_MAX 1

/*
 * Sync a directory or file (fsync), or the file system holding a
 * directory (syncfs); 0, or -1 with errno set.
 */
static int
sync_path(const char *path, int whole_fs)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc, saved;

	if (fd == -1)
		return -1;
	rc = whole_fs ? syncfs(fd) : fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int
seen_dev(struct tacit_replace **v, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (v[j]->dev == v[i]->dev)
			return 1;
	return 0;
}

static int
seen_dir(struct tacit_replace **v, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (v[j]->tmp == NULL && strcmp(v[j]->dir, v[i]->dir) == 0)
			return 1;
	return 0;
}

/*
 * Is dest still the file that was read?  Another program may have
 * replaced, rewritten or swapped it for a link meanwhile: then its
 * content is not ours to overwrite.
 */
static int
unchanged(const struct tacit_replace *r)
{
	const struct stat *x = &r->expect;
	struct stat now;

	if (!r->check)
		return 1;
	if (lstat(r->dest, &now) == -1)
		return 0;
	return S_ISREG(now.st_mode) && now.st_dev == x->st_dev &&
	    now.st_ino == x->st_ino && now.st_size == x->st_size &&
	    now.st_mtim.tv_sec == x->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == x->st_mtim.tv_nsec &&
	    now.st_ctim.tv_sec == x->st_ctim.tv_sec &&
	    now.st_ctim.tv_nsec == x->st_ctim.tv_nsec;
}

static void
fail_entry(struct tacit_replace *r, int rc, const char *what, int err)
{
	r->rc = rc;
	snprintf(r->msg, sizeof(r->msg), "%s%s%s", what, err ? ": " : "",
	    err ? strerror(err) : "");
}

size_t
tacit_batch_commit(struct tacit_batch *b,
    void (*done)(void *arg, size_t i, int rc, const char *msg), void *arg)
{
	int whole = b->n > FSYNC_EACH_MAX;
	size_t i, failed = 0;

	for (i = 0; i < b->n; i++)
		b->v[i]->rc = TACIT_OK;
	/*
	 * Data reaches the disk before any rename.  One syncfs per file
	 * system costs far less than one fsync per file, except for a
	 * single file, when syncfs would flush everything else pending too.
	 */
	for (i = 0; i < b->n; i++) {
		const char *what = whole ? b->v[i]->dir : b->v[i]->tmp;

		if (whole && seen_dev(b->v, i))
			continue;
		if (sync_path(what, whole) == -1) {
			int err = errno;

			for (size_t j = 0; j < b->n; j++)
				fail_entry(b->v[j], TACIT_EIO,
				    "cannot sync the new data", err);
			break;
		}
	}
	for (i = 0; i < b->n; i++) {
		struct tacit_replace *r = b->v[i];

		if (r->rc != TACIT_OK)
			continue;
		if (!unchanged(r)) {
			fail_entry(r, TACIT_EIO,
			    "changed while being rewritten; left as it is", 0);
			continue;
		}
		if (rename(r->tmp, r->dest) == -1) {
			fail_entry(r, TACIT_EIO, "cannot replace it", errno);
			continue;
		}
		free(r->tmp);
		r->tmp = NULL; /* renamed: nothing to unlink */
	}
	/* The renames are durable once each directory is synced. */
	for (i = 0; i < b->n; i++) {
		if (b->v[i]->tmp != NULL || seen_dir(b->v, i))
			continue;
		if (sync_path(b->v[i]->dir, 0) == -1) {
			int err = errno;

			for (size_t j = i; j < b->n; j++)
				if (b->v[j]->tmp == NULL &&
				    strcmp(b->v[j]->dir, b->v[i]->dir) == 0)
					fail_entry(b->v[j], TACIT_EIO,
					    "replaced, but cannot sync its "
					    "directory",
					    err);
		}
	}
	for (i = 0; i < b->n; i++) {
		failed += b->v[i]->rc != TACIT_OK;
		if (done != NULL)
			done(arg, i, b->v[i]->rc, b->v[i]->msg);
		tacit_replace_abort(&b->v[i]);
	}
	b->n = 0;
	return failed;
}

void
tacit_batch_free(struct tacit_batch **bp)
{
	struct tacit_batch *b;

	if (bp == NULL || *bp == NULL)
		return;
	b = *bp;
	for (size_t i = 0; i < b->n; i++)
		tacit_replace_abort(&b->v[i]);
	free(b->v);
	free(b);
	*bp = NULL;
}

void
tacit_in_fd(struct tacit_in *in, int fd)
{
	in->fill = NULL;
	in->arg = NULL;
	in->fd = fd;
	in->mem = NULL;
	in->mem_len = 0;
	in->pos = in->len = 0;
	in->eof = 0;
	in->rc = TACIT_OK;
	in->err.msg[0] = '\0';
}

void
tacit_in_mem(struct tacit_in *in, const void *p, size_t n)
{
	tacit_in_fd(in, -1);
	in->mem = p;
	in->mem_len = n;
}

void
tacit_in_fn(struct tacit_in *in,
    ssize_t (*fill)(void *arg, void *buf, size_t n, struct tacit_err *e),
    void *arg)
{
	tacit_in_fd(in, -1);
	in->fill = fill;
	in->arg = arg;
}

/* One read from the underlying input, bypassing the buffer. */
static ssize_t
in_raw(struct tacit_in *in, void *buf, size_t n)
{
	ssize_t got;

	if (in->rc != TACIT_OK)
		return in->rc;
	if (in->eof || n == 0)
		return 0;
	if (in->fill != NULL) {
		got = in->fill(in->arg, buf, n, &in->err);
	} else if (in->fd < 0) {
		got = (ssize_t)(n < in->mem_len ? n : in->mem_len);
		memcpy(buf, in->mem, (size_t)got);
		in->mem += got;
		in->mem_len -= (size_t)got;
	} else {
		do
			got = read(in->fd, buf, n);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			tacit_err_set(&in->err, "read error: %s",
			    strerror(errno));
			got = TACIT_EIO;
		}
	}
	if (got < 0)
		in->rc = (int)got;
	else if (got == 0)
		in->eof = 1;
	return got;
}

ssize_t
tacit_in_peek(struct tacit_in *in, size_t want, const unsigned char **p)
{
	if (want > TACIT_IN_BUF)
		want = TACIT_IN_BUF;
	if (in->len - in->pos < want && in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->len -= in->pos;
		in->pos = 0;
	}
	while (in->len - in->pos < want) {
		ssize_t got =
		    in_raw(in, in->buf + in->len, TACIT_IN_BUF - in->len);

		if (got < 0)
			return got;
		if (got == 0)
			break;
		in->len += (size_t)got;
	}
	*p = in->buf + in->pos;
	return (ssize_t)(in->len - in->pos);
}

ssize_t
tacit_in_read(struct tacit_in *in, void *buf, size_t n)
{
	unsigned char *out = buf;
	size_t done = 0;

	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	while (done < n) {
		size_t have = in->len - in->pos;
		ssize_t got;

		if (have > 0) {
			size_t take = have < n - done ? have : n - done;

			memcpy(out + done, in->buf + in->pos, take);
			in->pos += take;
			done += take;
			continue;
		}
		/*
		 * Always through the buffer, even for large reads: the kernel
		 * copies into a small buffer that stays in cache much faster
		 * than into a large cold one (measured: 3x less system time
		 * on a 1 GiB seal), and the copy out of it is cheap.
		 */
		in->pos = in->len = 0;
		got = in_raw(in, in->buf, TACIT_IN_BUF);
		if (got > 0)
			in->len = (size_t)got;
		if (got < 0)
			return got;
		if (got == 0)
			break;
	}
	return (ssize_t)done;
}

ssize_t
tacit_in_line(struct tacit_in *in, char *buf, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		const unsigned char *p, *lf;
		ssize_t have = tacit_in_peek(in, 1, &p);
		size_t take;

		if (have < 0)
			return have;
		if (have == 0)
			break;
		take = (size_t)have < cap - done ? (size_t)have : cap - done;
		lf = memchr(p, '\n', take);
		if (lf != NULL)
			take = (size_t)(lf - p) + 1;
		memcpy(buf + done, p, take);
		in->pos += take;
		done += take;
		if (lf != NULL)
			break;
	}
	return (ssize_t)done;
}

int
tacit_in_at_end(struct tacit_in *in)
{
	const unsigned char *p;
	ssize_t have = tacit_in_peek(in, 1, &p);

	return have < 0 ? (int)have : have == 0;
}
