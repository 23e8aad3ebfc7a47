/* Unit tests for io: bounded reads, the sink, atomic replace, batches. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tacit/io.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tacit-io.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
}

static char *
read_file(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' ||
		    strncmp(de->d_name, ".tacit-", 7) == 0;
	closedir(d);
	return n;
}

static int results, last_rc;

static void
record(void *arg, size_t i, int rc, const char *msg)
{
	(void)arg;
	(void)i;
	assert_true(rc == 0 || strlen(msg) > 0);
	results++;
	last_rc = rc;
}

static void
test_changed_destination_left_alone(void **state)
{
	char a[128];
	struct tacit_replace *r;
	struct tacit_batch *batch = tacit_batch_new();
	struct tacit_err e;
	struct stat st;

	(void)state;
	snprintf(a, sizeof(a), "%s/a", dir);
	write_file(a, "old a");
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(tacit_replace_open(&r, a, &st, &st, &e), 0);
	assert_int_equal(tacit_write_all(tacit_replace_fd(r), "new a", 5), 0);
	assert_int_equal(tacit_replace_finish(r, &e), 0);
	assert_int_equal(tacit_batch_add(batch, r, &e), 0);
	/* Someone else replaces the file before the commit. */
	write_file(a, "theirs!");
	results = 0;
	assert_int_equal(tacit_batch_commit(batch, record, NULL), 1);
	assert_int_equal(results, 1);
	assert_string_equal(read_file(a), "theirs!");
	assert_int_equal(count_entries(), 1);
	tacit_batch_free(&batch);
}

static void
test_src_bounds(void **state)
{
	const char data[] = "0123456789";
	struct tacit_src s;
	char buf[16];

	(void)state;
	tacit_src_mem(&s, data, 10);
	assert_int_equal(tacit_src_read(&s, 0, buf, 10), 0);
	assert_int_equal(tacit_src_read(&s, 5, buf, 6), TACIT_EFORMAT);
	assert_int_equal(tacit_src_read(&s, UINT64_MAX, buf, 2), TACIT_EFORMAT);
	assert_int_equal(tacit_src_read(&s, 2, buf, SIZE_MAX), TACIT_EFORMAT);
	assert_int_equal(tacit_src_pread(&s, 8, buf, 16), 2);
	assert_int_equal(tacit_src_pread(&s, 10, buf, 16), 0);
}

static void
test_sink_mem_and_copy(void **state)
{
	const char data[] = "abcdefgh";
	struct tacit_src s;
	struct tacit_sink k;

	(void)state;
	tacit_src_mem(&s, data, 8);
	tacit_sink_init_mem(&k);
	assert_int_equal(tacit_sink_write(&k, "xy", 2), 0);
	assert_int_equal(tacit_sink_copy(&k, &s, 2, 3), 0);
	assert_int_equal(tacit_sink_byte(&k, '!'), 0);
	assert_int_equal(k.mem_len, 6);
	assert_memory_equal(k.mem, "xycde!", 6);
	/* Copying past the source end is an error, and it sticks. */
	assert_int_equal(tacit_sink_copy(&k, &s, 6, 3), TACIT_EFORMAT);
	assert_int_equal(tacit_sink_write(&k, "z", 1), TACIT_EFORMAT);
	tacit_sink_free(&k);
	tacit_sink_free(&k);
}

static void
test_sink_fd_error(void **state)
{
	struct tacit_sink k;
	char big[100000];
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	if (fd == -1)
		skip();
	memset(big, 'x', sizeof(big));
	assert_int_equal(tacit_sink_init_fd(&k, fd), 0);
	tacit_sink_write(&k, "a", 1);
	assert_int_equal(tacit_sink_flush(&k), TACIT_EIO);
	assert_int_equal(tacit_sink_write(&k, big, sizeof(big)), TACIT_EIO);
	tacit_sink_free(&k);
	close(fd);
}

static void
test_replace_batch(void **state)
{
	char a[128], b[128];
	struct tacit_replace *r;
	struct tacit_batch *batch = tacit_batch_new();
	struct tacit_err e;
	struct stat st;

	(void)state;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	write_file(a, "old a");
	write_file(b, "old b");
	chmod(a, 0604);
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(tacit_replace_open(&r, a, &st, NULL, &e), 0);
	assert_int_equal(tacit_write_all(tacit_replace_fd(r), "new a", 5), 0);
	assert_int_equal(tacit_replace_finish(r, &e), 0);
	assert_int_equal(tacit_batch_add(batch, r, &e), 0);
	assert_int_equal(tacit_replace_open(&r, b, NULL, NULL, &e), 0);
	assert_int_equal(tacit_write_all(tacit_replace_fd(r), "new b", 5), 0);
	assert_int_equal(tacit_replace_finish(r, &e), 0);
	assert_int_equal(tacit_batch_add(batch, r, &e), 0);
	/* Nothing is visible before the commit. */
	assert_string_equal(read_file(a), "old a");
	assert_int_equal(count_entries(), 4);
	assert_int_equal(tacit_batch_commit(batch, NULL, NULL), 0);
	assert_string_equal(read_file(a), "new a");
	assert_string_equal(read_file(b), "new b");
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(count_entries(), 2);
	tacit_batch_free(&batch);
	tacit_batch_free(&batch);
}

static void
test_replace_abort_and_rename_failure(void **state)
{
	char a[128], gone[128];
	struct tacit_replace *r;
	struct tacit_batch *batch = tacit_batch_new();
	struct tacit_err e;

	(void)state;
	snprintf(a, sizeof(a), "%s/a", dir);
	write_file(a, "old a");
	assert_int_equal(tacit_replace_open(&r, a, NULL, NULL, &e), 0);
	tacit_replace_abort(&r);
	assert_null(r);
	tacit_replace_abort(&r);
	assert_int_equal(count_entries(), 1);
	/* A destination whose directory vanished: the rename fails. */
	snprintf(gone, sizeof(gone), "%s/sub", dir);
	assert_int_equal(mkdir(gone, 0700), 0);
	snprintf(gone, sizeof(gone), "%s/sub/x", dir);
	assert_int_equal(tacit_replace_open(&r, gone, NULL, NULL, &e), 0);
	assert_int_equal(tacit_replace_finish(r, &e), 0);
	assert_int_equal(tacit_batch_add(batch, r, &e), 0);
	{
		/* Replace the directory by a file under the pending temp. */
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s/sub' && touch '%s/sub'",
		    dir, dir);
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(tacit_batch_commit(batch, record, NULL), 1);
	assert_int_equal(results, 1);
	assert_int_not_equal(last_rc, 0);
	assert_string_equal(read_file(a), "old a");
	tacit_batch_free(&batch);
	/* No directory to create the temp file in. */
	assert_int_not_equal(tacit_replace_open(&r, "/nonexistent/dir/x", NULL,
				 NULL, &e),
	    0);
	assert_null(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_src_bounds),
		cmocka_unit_test(test_sink_mem_and_copy),
		cmocka_unit_test(test_sink_fd_error),
		cmocka_unit_test_setup_teardown(test_replace_batch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_replace_abort_and_rename_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_changed_destination_left_alone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
