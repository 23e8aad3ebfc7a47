/* rules2c: turn a rules file into the C table compiled into libtacit. */
#include <stdio.h>
#include <stdlib.h>

#include "tacit/rules.h"

static const char *const sev_enum[] = { "TACIT_SEV_INFO", "TACIT_SEV_LOW",
	"TACIT_SEV_MEDIUM", "TACIT_SEV_HIGH" };

/* A C string literal; anything but plain printable ASCII as octal. */
static void
literal(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f || c == '?')
			printf("\\%03o", c);
		else
			putchar(c);
	}
	putchar('"');
}

int
main(int argc, char *argv[])
{
	struct tacit_rules *r;
	struct tacit_err e = { "" };
	size_t n;

	if (argc != 2) {
		fputs("usage: rules2c RULES.yaml > rules_default.c\n", stderr);
		return 2;
	}
	if (tacit_rules_load_file(&r, argv[1], &e) != TACIT_OK) {
		fprintf(stderr, "rules2c: %s: %s\n", argv[1], e.msg);
		return 2;
	}
	n = tacit_rules_count(r);
	printf("/* generated from %s by rules/rules2c: do not edit */\n",
	    argv[1]);
	puts("#include <stddef.h>\n#include \"tacit/rules.h\"\n");
	for (size_t i = 0; i < n; i++) {
		const struct tacit_rule *x = tacit_rules_get(r, i);

		printf("static char *fields_%zu[] = { ", i);
		for (char **f = x->fields; *f != NULL; f++) {
			literal(*f);
			fputs(", ", stdout);
		}
		puts("NULL };");
	}
	puts("\nstatic struct tacit_rule builtin[] = {");
	for (size_t i = 0; i < n; i++) {
		const struct tacit_rule *x = tacit_rules_get(r, i);

		fputs("\t{ ", stdout);
		literal(x->id);
		fputs(", ", stdout);
		literal(x->summary);
		fputs(", ", stdout);
		literal(x->container);
		printf(", fields_%zu, %s, %d },\n", i, sev_enum[x->severity],
		    x->keep);
	}
	if (n == 0)
		puts("\t{ NULL, NULL, NULL, NULL, TACIT_SEV_INFO, 0 },");
	puts("};\n");
	puts("int\ntacit_rules_default(struct tacit_rules **r, "
	     "struct tacit_err *e)\n{");
	puts("\t(void)e;");
	printf("\treturn tacit_rules_from_table(r, builtin, %zu);\n}\n", n);
	tacit_rules_free(&r);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}
