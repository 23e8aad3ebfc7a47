/* tacit: the front end; runs tacit-TOOL from beside itself, git-style. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "tacit"

static const struct {
	const char *name;
	const char *alias;
	const char *summary;
} tools[] = {
	{ "sanitise", "sanitize", "remove metadata from files, or audit it" },
	{ "seal", NULL, "encrypt to age recipients or a passphrase" },
	{ "open", NULL, "decrypt an age file" },
	{ "keygen", NULL, "create an identity; print its recipient" },
	{ "expire", NULL, "destroy past epoch keys; delete expired files" },
	{ "preview", NULL, "safe link previews; URLs cleaned of tracking" },
};

static const char usage_text[] = "usage: tacit [-h | -V] TOOL [ARGS...]\n";

static void
help(FILE *f)
{
	fputs(usage_text, f);
	fputs("\nTools:\n", f);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		fprintf(f, "  %-10s %s\n", tools[i].name, tools[i].summary);
	fputs("\n'tacit TOOL --help' and 'man tacit-TOOL' tell more.\n", f);
}

/* The directory holding this program, from /proc/self/exe. */
static int
self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

int
main(int argc, char *argv[])
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	const char *tool;
	size_t i;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(stdout);
		return fclose(stdout) == 0 ? 0 : 2;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		puts("tacit " TACIT_VERSION);
		return fclose(stdout) == 0 ? 0 : 2;
	}
	if (strcmp(argv[1], "--") == 0) {
		argv++; /* "--" ends the front end's options */
		if (--argc < 2) {
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, PROG ": unknown option '%s'\n", argv[1]);
		fputs(usage_text, stderr);
		return 2;
	}
	tool = NULL;
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(argv[1], tools[i].name) == 0 ||
		    (tools[i].alias && strcmp(argv[1], tools[i].alias) == 0))
			tool = tools[i].name;
	if (tool == NULL) {
		fprintf(stderr,
		    PROG ": '%s' is not a tacit tool; "
			 "see 'tacit --help'\n",
		    argv[1]);
		return 2;
	}
	if (self_dir(dir, sizeof(dir)) != 0) {
		fprintf(stderr, PROG ": cannot find my own directory: %s\n",
		    strerror(errno));
		return 2;
	}
	/* Beside us (bin/ of a build tree, or PREFIX/bin), never $PATH. */
	snprintf(path, sizeof(path), "%s/tacit-%s", dir, tool);
	argv[1] = path;
	execv(path, argv + 1);
	fprintf(stderr, PROG ": cannot run '%s': %s\n", path, strerror(errno));
	return 2;
}
