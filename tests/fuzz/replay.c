/* replay: feed files to a fuzz target's entry point, without libFuzzer. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Linked with one tests/fuzz/fuzz_TARGET.c and libtacit, this main() runs
 * the target on an empty input (as libFuzzer does first), then on every
 * regular file named on the command line or found (not recursively) in a
 * directory named there, in name order.  So `make check` replays the seed
 * corpora and the regression inputs with the plain compiler, optionally
 * under ASan and UBSan.  Built with -DREPLAY_INITIALIZE when the target
 * has an LLVMFuzzerInitialize, which is called first, as libFuzzer would.
 *
 * Each input is copied into a buffer of exactly its size, so that a
 * sanitizer catches a read one byte past the end.  The name of each input
 * goes to stderr before it runs: when a target aborts or a sanitizer stops
 * the process, the last name printed is the culprit.  Exit status: 0 when
 * every input ran, 2 when one could not be read; a failed invariant is the
 * target's abort().
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#ifdef REPLAY_INITIALIZE
int LLVMFuzzerInitialize(int *argc, char ***argv);
#endif

/* Larger inputs are refused, not replayed: seeds are kilobytes. */
#define REPLAY_MAX (64L * 1024 * 1024)

static unsigned long count;

static int
run_bytes(const char *name, const uint8_t *data, size_t len)
{
	/* malloc(0) may return NULL; the target still gets a valid pointer. */
	uint8_t *copy = malloc(len ? len : 1);

	if (copy == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", name);
		return -1;
	}
	if (len)
		memcpy(copy, data, len);
	fprintf(stderr, "replay: running %s (%zu bytes)\n", name, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	count++;
	return 0;
}

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t len, got;
	int rc;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == -1 || st.st_size < 0 ||
	    st.st_size > REPLAY_MAX) {
		fprintf(stderr, "replay: %s: no size, or over %ld bytes\n",
		    path, REPLAY_MAX);
		fclose(f);
		return -1;
	}
	len = (size_t)st.st_size;
	buf = malloc(len ? len : 1);
	if (buf == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(f);
		return -1;
	}
	got = fread(buf, 1, len, f);
	if (got != len || ferror(f)) {
		fprintf(stderr, "replay: %s: short read\n", path);
		rc = -1;
	} else {
		rc = run_bytes(path, buf, len);
	}
	free(buf);
	fclose(f);
	return rc;
}

static int
skip_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every regular file in dir, in name order: the same order on every run. */
static int
run_dir(const char *dir)
{
	struct dirent **names;
	int n, i, rc = 0;

	n = scandir(dir, &names, skip_hidden, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t plen = strlen(dir) + strlen(names[i]->d_name) + 2;
		char *path = malloc(plen);
		struct stat st;

		if (path == NULL) {
			fprintf(stderr, "replay: %s: out of memory\n", dir);
			rc = -1;
		} else {
			snprintf(path, plen, "%s/%s", dir, names[i]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    run_file(path) != 0)
				rc = -1;
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

#ifdef REPLAY_INITIALIZE
	LLVMFuzzerInitialize(&argc, &argv);
#endif
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (run_bytes("(empty input)", (const uint8_t *)"", 0) != 0)
		rc = -1;
	for (i = 1; i < argc; i++) {
		int r;

		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			r = run_dir(argv[i]);
		} else {
			r = run_file(argv[i]);
		}
		if (r != 0)
			rc = -1;
	}
	fprintf(stderr, "replay: %lu inputs\n", count);
	return rc == 0 ? 0 : 2;
}
