/* stream: age's STREAM payload on libsodium's ChaCha20-Poly1305 (IETF). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tacit/hkdf.h"
#include "tacit/stream.h"

#define KEY_LEN crypto_aead_chacha20poly1305_ietf_KEYBYTES
#define NONCE_LEN crypto_aead_chacha20poly1305_ietf_NPUBBYTES
#define CT_CHUNK (TACIT_STREAM_CHUNK + TACIT_STREAM_TAG)
/* Chunks a thread reads, processes and writes at a time: 1 MiB. */
#define BATCH 16

/* The 12-byte nonce: an 11-byte big-endian counter and the last flag. */
static void
chunk_nonce(uint8_t n[NONCE_LEN], uint64_t counter, int last)
{
	memset(n, 0, 3); /* the counter's top bytes: never reached */
	for (int i = 0; i < 8; i++)
		n[3 + i] = (uint8_t)(counter >> (8 * (7 - i)));
	n[11] = last ? 1 : 0;
}

/* A run of chunks on its way through one thread. */
struct batch {
	uint8_t *pt, *ct; /* BATCH chunks each way */
	size_t len[BATCH]; /* bytes read for each chunk */
	size_t n; /* chunks read */
	size_t ok; /* chunks processed, all authenticated */
	size_t out; /* output bytes of those */
	uint64_t seq; /* the batch's place in the stream */
	uint64_t first; /* counter of its first chunk */
	int last; /* chunk n - 1 is the final chunk */
	int rc; /* the error that ends the stream after chunk ok */
	struct tacit_err err;
};

struct job {
	int decrypt;
	uint8_t *key; /* the payload key, in locked memory */
	struct tacit_in *in;
	tacit_write_fn write;
	void *arg;
	/* Reading is in stream order under rmu; so is writing, by turns. */
	pthread_mutex_t rmu, wmu;
	pthread_cond_t turn;
	uint64_t next_seq, write_seq, counter;
	int done; /* under rmu: nothing more to read */
	int rc; /* under wmu: the first error, in stream order */
	struct tacit_err err;
};

/*
 * Fill b with up to BATCH chunks; the final one ends the reading.  Each
 * chunk is read straight into its place; only after the batch's last one
 * does a look ahead (into in's buffer) tell whether the input goes on.
 */
static void
read_batch(struct job *j, struct batch *b)
{
	size_t want = j->decrypt ? CT_CHUNK : TACIT_STREAM_CHUNK;
	uint8_t *base = j->decrypt ? b->ct : b->pt;
	int end = 0;

	b->n = 0;
	b->last = 0;
	b->rc = TACIT_OK;
	while (b->n < BATCH && !end) {
		ssize_t got = tacit_in_read(j->in, base + b->n * want, want);

		if (got < 0) {
			b->rc = (int)got;
			b->err = j->in->err;
			j->done = 1;
			return;
		}
		if (got > 0 || (!j->decrypt && j->counter + b->n == 0))
			b->len[b->n++] =
			    (size_t)got; /* empty input: one chunk */
		end = (size_t)got < want;
	}
	if (!end)
		end = tacit_in_at_end(j->in);
	if (end < 0) {
		b->n--; /* unknown whether it was the last */
		b->rc = end;
		b->err = j->in->err;
	} else if (end) {
		b->last = 1;
	}
	if (j->decrypt && b->last &&
	    (b->n == 0 || b->len[b->n - 1] < TACIT_STREAM_TAG)) {
		b->rc = TACIT_EFORMAT;
		tacit_err_set(&b->err, "%s",
		    j->counter + b->n == 0 ? "truncated payload: no chunks"
					   : "truncated payload");
		if (b->n > 0)
			b->n--;
		b->last = 0; /* the chunk before is not the final one */
	}
	if (b->last || b->rc != TACIT_OK)
		j->done = 1;
}

/* Stop the batch after chunk b->ok with an error. */
static void
batch_fail(struct batch *b, int rc, const char *why)
{
	b->rc = rc;
	tacit_err_set(&b->err, "%s", why);
}

/*
 * Open chunk i: 0 when it authenticates, 1 when it does but the stream
 * must stop after it, -1 when it does not.  A short chunk can only be the final one.  A full chunk
 * is tried as an ordinary chunk, then as the final one; what follows must
 * agree (more data, or the end).  As age does, a chunk that authenticates
 * is released before such an error.
 */
static int
open_chunk(const struct job *j, struct batch *b, size_t i, size_t *len)
{
	uint64_t counter = b->first + i;
	int at_end = b->last && i == b->n - 1;
	int full = b->len[i] == CT_CHUNK;
	uint8_t n[NONCE_LEN];
	unsigned long long out;

	for (int last = !full; last < 2; last++) {
		chunk_nonce(n, counter, last);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(b->pt +
			    i * TACIT_STREAM_CHUNK,
			&out, NULL, b->ct + i * CT_CHUNK, b->len[i], NULL, 0, n,
			j->key) != 0)
			continue;
		*len = (size_t)out;
		if (last && out == 0 && counter > 0) {
			batch_fail(b, TACIT_EFORMAT, "empty last chunk");
			return -1;
		}
		if (last == at_end)
			return 0;
		batch_fail(b, TACIT_EFORMAT,
		    last ? "data after the final chunk"
			 : "truncated payload: no final chunk");
		return 1;
	}
	b->rc = TACIT_EAUTH;
	tacit_err_set(&b->err, "authentication failed: chunk %llu",
	    (unsigned long long)counter);
	return -1;
}

static void
crypt_batch(const struct job *j, struct batch *b)
{
	uint8_t n[NONCE_LEN];

	b->out = 0;
	for (b->ok = 0; b->ok < b->n; b->ok++) {
		size_t i = b->ok, len;
		unsigned long long ctlen;
		int stop = 0;

		if (j->decrypt) {
			stop = open_chunk(j, b, i, &len);
			if (stop < 0)
				return;
		} else {
			chunk_nonce(n, b->first + i, b->last && i == b->n - 1);
			crypto_aead_chacha20poly1305_ietf_encrypt(b->ct +
				i * CT_CHUNK,
			    &ctlen, b->pt + i * TACIT_STREAM_CHUNK, b->len[i],
			    NULL, 0, NULL, n, j->key);
			len = (size_t)ctlen;
		}
		/* Only the last chunk is short: the output is contiguous. */
		b->out += len;
		if (stop) {
			b->ok++; /* released, then the error */
			return;
		}
	}
}

/* Wait for b's turn, write what authenticated, pass the turn on. */
static void
write_batch(struct job *j, struct batch *b)
{
	int rc = TACIT_OK;

	pthread_mutex_lock(&j->wmu);
	while (j->write_seq != b->seq)
		pthread_cond_wait(&j->turn, &j->wmu);
	if (j->rc == TACIT_OK) {
		if (b->out > 0)
			rc = j->write(j->arg, j->decrypt ? b->pt : b->ct,
			    b->out);
		if (rc != TACIT_OK) {
			j->rc = rc;
			tacit_err_set(&j->err, "write error");
		} else if (b->rc != TACIT_OK) {
			j->rc = b->rc;
			j->err = b->err;
		}
	}
	rc = j->rc;
	j->write_seq++;
	pthread_cond_broadcast(&j->turn);
	pthread_mutex_unlock(&j->wmu);
	if (rc != TACIT_OK) {
		pthread_mutex_lock(&j->rmu);
		j->done = 1;
		pthread_mutex_unlock(&j->rmu);
	}
}

struct worker {
	struct job *job;
	struct batch b;
	pthread_t tid;
	int started;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct job *j = w->job;

	for (;;) {
		pthread_mutex_lock(&j->rmu);
		if (j->done) {
			pthread_mutex_unlock(&j->rmu);
			break;
		}
		w->b.seq = j->next_seq++;
		w->b.first = j->counter;
		read_batch(j, &w->b);
		j->counter += w->b.n;
		pthread_mutex_unlock(&j->rmu);
		crypt_batch(j, &w->b);
		write_batch(j, &w->b);
	}
	return NULL;
}

/* The payload key in locked memory; NULL when out of memory. */
static uint8_t *
payload_key(const uint8_t *file_key, const uint8_t *nonce)
{
	static const uint8_t info[] = "payload";
	uint8_t *k = sodium_malloc(KEY_LEN);

	if (k != NULL &&
	    tacit_hkdf_sha256(k, KEY_LEN, nonce, TACIT_STREAM_NONCE_LEN,
		file_key, TACIT_FILE_KEY_LEN, info,
		sizeof(info) - 1) != TACIT_OK) {
		sodium_free(k);
		k = NULL;
	}
	return k;
}

/* Run the job on threads workers, the calling thread being one. */
static int
run(struct job *j, const uint8_t *file_key, const uint8_t *nonce,
    unsigned threads, struct tacit_err *e)
{
	struct worker w[TACIT_STREAM_THREADS_MAX];
	unsigned i,
	    n = threads < 1			 ? 1
	    : threads > TACIT_STREAM_THREADS_MAX ? TACIT_STREAM_THREADS_MAX
						 : threads;
	int rc = TACIT_OK;

	memset(w, 0, sizeof(w));
	j->key = payload_key(file_key, nonce);
	for (i = 0; i < n; i++) {
		w[i].job = j;
		w[i].b.pt = malloc((size_t)BATCH * TACIT_STREAM_CHUNK);
		w[i].b.ct = malloc((size_t)BATCH * CT_CHUNK);
		if (w[i].b.pt == NULL || w[i].b.ct == NULL)
			break;
	}
	if (j->key == NULL || i < n) {
		tacit_err_set(e, "out of memory");
		rc = TACIT_ENOMEM;
		goto out;
	}
	pthread_mutex_init(&j->rmu, NULL);
	pthread_mutex_init(&j->wmu, NULL);
	pthread_cond_init(&j->turn, NULL);
	/* A thread that cannot start is no loss: the others do its share. */
	for (i = 1; i < n; i++)
		w[i].started =
		    pthread_create(&w[i].tid, NULL, work, &w[i]) == 0;
	work(&w[0]);
	for (i = 1; i < n; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	pthread_cond_destroy(&j->turn);
	pthread_mutex_destroy(&j->wmu);
	pthread_mutex_destroy(&j->rmu);
	rc = j->rc;
	if (rc != TACIT_OK)
		*e = j->err;
out:
	for (i = 0; i < n; i++) {
		if (w[i].b.pt != NULL)
			sodium_memzero(w[i].b.pt,
			    (size_t)BATCH * TACIT_STREAM_CHUNK);
		free(w[i].b.pt);
		free(w[i].b.ct);
	}
	sodium_free(j->key);
	return rc;
}

int
tacit_stream_encrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    const uint8_t nonce[TACIT_STREAM_NONCE_LEN], struct tacit_in *in,
    tacit_write_fn write, void *arg, unsigned threads, struct tacit_err *e)
{
	struct job j = { .decrypt = 0, .in = in, .write = write, .arg = arg };

	if (write(arg, nonce, TACIT_STREAM_NONCE_LEN) != TACIT_OK) {
		tacit_err_set(e, "write error");
		return TACIT_EIO;
	}
	return run(&j, file_key, nonce, threads, e);
}

int
tacit_stream_decrypt(const uint8_t file_key[TACIT_FILE_KEY_LEN],
    struct tacit_in *in, tacit_write_fn write, void *arg, unsigned threads,
    struct tacit_err *e)
{
	struct job j = { .decrypt = 1, .in = in, .write = write, .arg = arg };
	uint8_t nonce[TACIT_STREAM_NONCE_LEN];
	ssize_t got = tacit_in_read(in, nonce, sizeof(nonce));

	if (got < 0) {
		*e = in->err;
		return (int)got;
	}
	if ((size_t)got < sizeof(nonce)) {
		tacit_err_set(e, "truncated payload: no nonce");
		return TACIT_EFORMAT;
	}
	return run(&j, file_key, nonce, threads, e);
}
