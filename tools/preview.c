/* tacit-preview: safe link previews, and tracking-free URLs. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tacit/fetch.h"
#include "tacit/html.h"
#include "tacit/rules.h"
#include "tacit/sanitise.h"
#include "tacit/text.h"
#include "tacit/url.h"

#define PROG "tacit-preview"
#define HTML_MAX_DEFAULT (1u << 20)
#define IMAGE_MAX (2u << 20)
#define LINE_MAX_LEN (64u * 1024u)

static const char usage_text[] =
    "usage: tacit preview [--json] [--allow-http] [--allow-private]\n"
    "                     [--allow-host HOST:PORT]... [--max-bytes N]\n"
    "                     [--timeout SECONDS] [--proxy URL | --tor]\n"
    "                     [--proxy-env] [--cacert FILE] [--image FILE]\n"
    "                     [--rules FILE] [URL...]\n"
    "       tacit preview --clean [--rules FILE] [URL...]\n";

static const char help_text[] =
    "Fetch each URL (or each line of standard input) safely and print a\n"
    "short preview: title, description, site, image, canonical URL.  With\n"
    "--clean, remove tracking parameters and unwrap redirectors, offline;\n"
    "with no URL, as a filter over running text.\n"
    "\n"
    "  -j, --json              one JSON object per URL and line\n"
    "      --allow-http        allow http as well as https\n"
    "      --allow-private     allow private, loopback and link-local\n"
    "                          addresses\n"
    "      --allow-host H:P    allow exactly this endpoint (repeatable)\n"
    "      --max-bytes N       read at most N bytes of HTML (1048576)\n"
    "      --timeout S         give up after S seconds in all (10)\n"
    "      --proxy URL         through this proxy (socks5h://, http://)\n"
    "      --tor               through Tor: socks5h://127.0.0.1:9050\n"
    "      --proxy-env         honour http_proxy and the like\n"
    "      --cacert FILE       trust the CA certificates in FILE\n"
    "      --image FILE        also fetch the preview image to FILE,\n"
    "                          metadata removed (one URL)\n"
    "  -c, --clean             clean URLs of tracking, offline\n"
    "      --rules FILE        tracking rules instead of the built-in ones\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Exit status: 0 every URL gave a preview, 2 otherwise.\n";

struct preview {
	struct tacit_fetch_opts fetch;
	const char *allow[64];
	struct tacit_url_rules *rules;
	const char *image_out;
	int json;
};

/* Print a field of the JSON object: a string, or null. */
static void
json_field(const char *name, const char *v, int last)
{
	printf("\"%s\":", name);
	if (v == NULL)
		fputs("null", stdout);
	else
		tacit_json_string(stdout, v);
	fputs(last ? "}\n" : ",", stdout);
}

static void
text_field(const char *name, const char *v)
{
	if (v != NULL) {
		printf("  %-12s ", name);
		tacit_text_print(stdout, v);
		putchar('\n');
	}
}

/* A URL from the page, resolved and allowed, as shown; or NULL. */
static char *
page_url(const struct preview *p, const char *base, const char *ref, int clean)
{
	struct tacit_err e;
	char *abs, *cleaned = NULL, *shown;
	int changed;

	if (ref == NULL || (abs = tacit_fetch_resolve(base, ref)) == NULL)
		return NULL;
	/* An address or scheme the fetch would refuse is dropped. */
	if (tacit_fetch_check(&p->fetch, abs, &e) != TACIT_OK) {
		free(abs);
		return NULL;
	}
	if (clean &&
	    tacit_url_clean(p->rules, abs, &cleaned, &changed, &e) ==
		TACIT_OK) {
		free(abs);
		abs = cleaned;
	}
	shown = tacit_html_clean_text(abs, strlen(abs), TACIT_HTML_URL_MAX);
	free(abs);
	return shown;
}

/* Fetch the preview image and write it, cleaned, to p->image_out. */
static int
save_image(const struct preview *p, const char *url)
{
	struct tacit_fetch_opts o = p->fetch;
	struct tacit_fetch_result r;
	struct tacit_rules *rules = NULL;
	struct tacit_err e = { "" };
	struct tacit_sink clean;
	struct tacit_src src;
	struct cli_out out;
	int rc, changed;

	o.image = 1;
	o.max_bytes = IMAGE_MAX;
	rc = tacit_fetch(&o, url, &r, &e);
	if (rc == TACIT_OK && (r.body == NULL || r.truncated)) {
		tacit_err_set(&e, "%s",
		    r.body == NULL ? "not an image (png, jpeg, webp, gif)"
				   : "image larger than 2 MiB");
		rc = TACIT_EFORMAT;
	}
	if (rc != TACIT_OK) {
		cli_warn("cannot fetch the image '%s': %s", url, e.msg);
		tacit_fetch_result_free(&r);
		return -1;
	}
	tacit_src_mem(&src, r.body, r.len);
	rc = tacit_rules_default(&rules, &e);
	/* Cleaned and verified in memory (2 MiB at most), then written. */
	tacit_sink_init_mem(&clean);
	if (rc == TACIT_OK)
		rc = tacit_sanitise_clean(&src, rules, 0, &clean, -1, &changed,
		    &e);
	if (rc != TACIT_OK) {
		cli_warn("cannot clean the image: %s", e.msg);
	} else if (cli_out_open(&out, p->image_out, 0) != 0) {
		rc = TACIT_EIO;
	} else if (cli_out_write(&out, clean.mem, clean.mem_len) != TACIT_OK) {
		cli_warn("cannot write '%s': %s", out.name,
		    cli_out_error(&out));
		cli_out_abort(&out);
		rc = TACIT_EIO;
	} else if (cli_out_commit(&out) != 0) {
		rc = TACIT_EIO;
	}
	tacit_sink_free(&clean);
	tacit_rules_free(&rules);
	tacit_fetch_result_free(&r);
	return rc == TACIT_OK ? 0 : -1;
}

static int
preview_one(const struct preview *p, const char *input)
{
	struct tacit_fetch_result r;
	struct tacit_html_meta m;
	struct tacit_err e = { "" };
	char *url = NULL, *canonical = NULL, *image = NULL, *final = NULL;
	char *shown_in, *type = NULL;
	int changed, status = 0;

	memset(&m, 0, sizeof(m));
	shown_in = tacit_html_clean_text(input, strlen(input), 200);
	if (tacit_url_clean(p->rules, input, &url, &changed, &e) != TACIT_OK) {
		cli_warn("cannot preview '%s': %s", shown_in ? shown_in : "",
		    e.msg);
		free(shown_in);
		return 2;
	}
	if (tacit_fetch(&p->fetch, url, &r, &e) != TACIT_OK) {
		cli_warn("cannot preview '%s': %s", shown_in ? shown_in : "",
		    e.msg);
		free(shown_in);
		free(url);
		return 2;
	}
	if (r.body != NULL &&
	    tacit_html_scan((const char *)r.body, r.len, r.charset, &m, &e) !=
		TACIT_OK) {
		cli_warn("cannot preview '%s': %s", shown_in ? shown_in : "",
		    e.msg);
		status = 2;
		goto out;
	}
	final = tacit_html_clean_text(r.final_url, strlen(r.final_url),
	    TACIT_HTML_URL_MAX);
	/* The server's Content-Type is untrusted text too. */
	if (r.content_type != NULL)
		type = tacit_html_clean_text(r.content_type,
		    strlen(r.content_type), 255);
	canonical = page_url(p, r.final_url, m.canonical, 1);
	image = page_url(p, r.final_url, m.image, 0);
	if (p->json) {
		char *u =
		    tacit_html_clean_text(url, strlen(url), TACIT_HTML_URL_MAX);

		putchar('{');
		json_field("url", u, 0);
		json_field("final_url", final, 0);
		json_field("canonical_url", canonical, 0);
		json_field("title", m.title, 0);
		json_field("description", m.description, 0);
		json_field("site_name", m.site_name, 0);
		json_field("image", image, 0);
		json_field("content_type", type, 1);
		free(u);
	} else {
		tacit_text_print(stdout, final ? final : "");
		putchar('\n');
		text_field("title:", m.title);
		text_field("description:", m.description);
		text_field("site:", m.site_name);
		text_field("image:", image);
		text_field("canonical:", canonical);
		text_field("type:", type);
		putchar('\n');
	}
	if (p->image_out != NULL) {
		if (image == NULL) {
			cli_warn("cannot fetch an image for '%s': the page "
				 "names none that may be fetched",
			    shown_in ? shown_in : "");
			status = 2;
		} else if (save_image(p, image) != 0) {
			status = 2;
		}
	}
out:
	free(shown_in);
	free(url);
	free(final);
	free(type);
	free(canonical);
	free(image);
	tacit_html_meta_free(&m);
	tacit_fetch_result_free(&r);
	return status;
}

/*
 * A line of f, with its LF, into *line (allocated once, LINE_MAX_LEN
 * bytes): its length, 0 at the end.  A longer line comes in pieces.
 */
static ssize_t
read_line(FILE *f, char **line, size_t *cap)
{
	if (*line == NULL) {
		*line = malloc(LINE_MAX_LEN + 1);
		if (*line == NULL)
			return -1;
		*cap = LINE_MAX_LEN + 1;
	}
	size_t n = 0;
	int c;

	/* getc, not fgets: a NUL byte in the text must pass through too. */
	while (n < LINE_MAX_LEN && (c = getc_unlocked(f)) != EOF) {
		(*line)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	(*line)[n] = '\0';
	return (ssize_t)n;
}

/* --clean: each argument, or standard input as running text. */
static int
clean(const struct preview *p, int argc, char *argv[])
{
	struct tacit_err e = { "" };
	struct tacit_sink k;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;

	for (int i = 0; i < argc; i++) {
		char *out;
		int changed;

		if (tacit_url_clean(p->rules, argv[i], &out, &changed, &e) !=
		    TACIT_OK) {
			cli_warn("cannot clean '%.200s': %s", argv[i], e.msg);
			status = 2;
			continue;
		}
		puts(out);
		free(out);
	}
	if (argc > 0)
		return status;
	if (tacit_sink_init_fd(&k, STDOUT_FILENO) != TACIT_OK) {
		cli_warn("out of memory");
		return 2;
	}
	/*
	 * URLs do not span lines: a line at a time, at most LINE_MAX_LEN
	 * bytes (a longer line is taken in pieces), keeps memory bounded.
	 */
	while ((n = read_line(stdin, &line, &cap)) > 0)
		if (tacit_url_clean_text(p->rules, line, (size_t)n, &k, &e) !=
		    TACIT_OK) {
			cli_warn("cannot write to standard output: %s",
			    k.err == TACIT_EIO ? strerror(k.saved_errno)
					       : e.msg);
			status = 2;
			break;
		}
	free(line);
	if (status == 0 && tacit_sink_flush(&k) != TACIT_OK) {
		cli_warn("cannot write to standard output: %s",
		    strerror(k.saved_errno));
		status = 2;
	}
	tacit_sink_free(&k);
	return status;
}

/* A positive number of at most max, or 0. */
static long
number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end != '\0' || v <= 0 || v > max ? 0 : v;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "json", no_argument, NULL,
						      'j' },
		{ "allow-http", no_argument, NULL, 'H' },
		{ "allow-private", no_argument, NULL, 'P' },
		{ "allow-host", required_argument, NULL, 'A' },
		{ "max-bytes", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "proxy", required_argument, NULL, 'x' },
		{ "tor", no_argument, NULL, 'O' },
		{ "proxy-env", no_argument, NULL, 'E' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "image", required_argument, NULL, 'I' },
		{ "clean", no_argument, NULL, 'c' },
		{ "rules", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };
	struct preview p;
	struct tacit_err e = { "" };
	const char *rules_file = NULL;
	int opt, cleaning = 0, status = 0;
	long v;

	memset(&p, 0, sizeof(p));
	p.fetch.connect_timeout_ms = 5000;
	p.fetch.timeout_ms = 10000;
	p.fetch.max_bytes = HTML_MAX_DEFAULT;
	p.fetch.allow_hosts = p.allow;
	if (cli_start(PROG) != 0)
		return 2;
	/* libcurl would write TLS secrets where this names. */
	unsetenv("SSLKEYLOGFILE");
	argv[0] = (char *)PROG; /* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, "jchV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			p.json = 1;
			break;
		case 'H':
			p.fetch.allow_http = 1;
			break;
		case 'P':
			p.fetch.allow_private = 1;
			break;
		case 'A':
			if (p.fetch.nallow ==
			    sizeof(p.allow) / sizeof(p.allow[0])) {
				cli_warn("too many --allow-host");
				return 2;
			}
			p.allow[p.fetch.nallow++] = optarg;
			break;
		case 'M':
			if ((v = number(optarg, 64L << 20)) == 0) {
				cli_warn(
				    "invalid --max-bytes '%s' (1 to 64 MiB)",
				    optarg);
				return 2;
			}
			p.fetch.max_bytes = (size_t)v;
			break;
		case 'T':
			if ((v = number(optarg, 3600)) == 0) {
				cli_warn("invalid --timeout '%s' (seconds)",
				    optarg);
				return 2;
			}
			p.fetch.timeout_ms = v * 1000;
			if (p.fetch.connect_timeout_ms > p.fetch.timeout_ms)
				p.fetch.connect_timeout_ms = p.fetch.timeout_ms;
			break;
		case 'x':
			p.fetch.proxy = optarg;
			break;
		case 'O':
			p.fetch.proxy = "socks5h://127.0.0.1:9050";
			break;
		case 'E':
			p.fetch.proxy_env = 1;
			break;
		case 'C':
			p.fetch.cacert = optarg;
			break;
		case 'I':
			p.image_out = optarg;
			break;
		case 'c':
			cleaning = 1;
			break;
		case 'R':
			rules_file = optarg;
			break;
		case 'h':
			return cli_help(usage_text, help_text);
		case 'V':
			return cli_version();
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (p.image_out != NULL && (cleaning || argc - optind != 1)) {
		cli_warn("--image needs exactly one URL");
		return 2;
	}
	if ((rules_file ? tacit_url_rules_load(&p.rules, rules_file, &e)
			: tacit_url_rules_default(&p.rules, &e)) != TACIT_OK) {
		cli_warn("cannot load the tracking rules: %s", e.msg);
		return 2;
	}
	if (cleaning) {
		status = clean(&p, argc - optind, argv + optind);
	} else if (tacit_fetch_init() != 0) {
		cli_warn("cannot initialise libcurl");
		status = 2;
	} else {
		for (int i = optind; i < argc; i++)
			if (preview_one(&p, argv[i]) != 0)
				status = 2;
		if (optind == argc) {
			char *line = NULL;
			size_t cap = 0;
			ssize_t n;

			while ((n = read_line(stdin, &line, &cap)) > 0) {
				char *l = line;

				while (
				    n > 0 && isspace((unsigned char)l[n - 1]))
					l[--n] = '\0';
				while (n > 0 && isspace((unsigned char)*l)) {
					l++;
					n--;
				}
				if (n > 0 && preview_one(&p, l) != 0)
					status = 2;
			}
			free(line);
		}
		tacit_fetch_cleanup();
	}
	tacit_url_rules_free(&p.rules);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write to standard output: %s",
		    strerror(errno));
		status = 2;
	}
	return status;
}
