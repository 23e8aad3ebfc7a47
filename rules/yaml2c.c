/* yaml2c: turn a small text file into a C byte array compiled into libtacit. */
#include <stdio.h>
#include <string.h>

/* Far more than any rules file we ship; libtacit refuses more anyway. */
#define YAML2C_MAX (1L << 20)

/* A C identifier, so that the output always compiles. */
static int
is_identifier(const char *s)
{
	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s != '\0'; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
			(*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int
main(int argc, char *argv[])
{
	FILE *f;
	long n = 0;
	int c;

	if (argc != 3 || !is_identifier(argv[1])) {
		fputs("usage: yaml2c NAME FILE > FILE.c\n", stderr);
		return 2;
	}
	if ((f = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	/* A file name holding the end of a comment is left out. */
	printf("/* generated from %s by rules/yaml2c: do not edit */\n",
	    strstr(argv[2], "*/") ? "a file" : argv[2]);
	printf("#include <stddef.h>\n\nextern const char %s[];\n"
	       "extern const size_t %s_len;\n\n",
	    argv[1], argv[1]);
	/* The array ends in a NUL that the length leaves out. */
	printf("const char %s[] = {", argv[1]);
	while ((c = getc(f)) != EOF) {
		if (++n > YAML2C_MAX) {
			fprintf(stderr, "yaml2c: %s: larger than %ld bytes\n",
			    argv[2], YAML2C_MAX);
			fclose(f);
			return 2;
		}
		/* char may be signed: a cast keeps high bytes warning-free. */
		printf("%s%s0x%02x,", (n - 1) % 8 == 0 ? "\n\t" : " ",
		    c >= 0x80 ? "(char)" : "", c);
	}
	if (ferror(f)) {
		perror(argv[2]);
		fclose(f);
		return 2;
	}
	fclose(f);
	printf("%s0x00\n};\nconst size_t %s_len = %ld;\n",
	    n % 8 == 0 ? "\n\t" : " ", argv[1], n);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}
