/* peakrss: run a command, write its peak RSS in KiB and exit status. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * bench/sanitise falls back on this when GNU time is missing, and calls it
 * as it calls `time -o FILE -f '%M %x'`.  The parent must stay small: Linux
 * carries the peak across exec, so a fat parent (Python) would add its own.
 */
int
main(int argc, char *argv[])
{
	struct rusage ru;
	FILE *out;
	pid_t pid;
	int status;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fputs("usage: peakrss -o FILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid == -1) {
		fprintf(stderr, "peakrss: cannot fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "peakrss: cannot run '%s': %s\n", argv[3],
		    strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1) {
		fprintf(stderr, "peakrss: cannot wait: %s\n", strerror(errno));
		return 2;
	}
	if (WIFEXITED(status))
		status = WEXITSTATUS(status);
	else
		status = 128 + WTERMSIG(status);
	out = fopen(argv[2], "w");
	if (out == NULL) {
		fprintf(stderr, "peakrss: cannot open '%s': %s\n", argv[2],
		    strerror(errno));
		return 2;
	}
	fprintf(out, "%ld %d\n", ru.ru_maxrss, status);
	if (fclose(out) != 0) {
		fprintf(stderr, "peakrss: cannot write '%s': %s\n", argv[2],
		    strerror(errno));
		return 2;
	}
	return 0;
}
