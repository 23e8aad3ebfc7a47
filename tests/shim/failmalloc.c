/* LD_PRELOAD shim for the tests: make chosen allocations fail with ENOMEM. */
/*
 * Environment:
 *   TACIT_FAIL_ALLOC=N        the Nth allocation fails (1-based), only it
 *   TACIT_FAIL_ALLOC_AFTER=K  every allocation after the Kth fails
 *   TACIT_COUNT_ALLOC=1       at exit, print to standard error
 *                             "tacit-failmalloc: allocations T before-main B"
 *                             (T in all, B of them before main started)
 *   TACIT_FAIL_ALLOC_LOG=1    say on standard error when one is failed
 *
 * Every call to malloc, calloc, realloc (to a non-zero size),
 * posix_memalign, aligned_alloc, memalign, valloc and pvalloc counts, from
 * the first one the dynamic linker hands us (glibc's strdup, asprintf,
 * getline and the like allocate through malloc, so they count too).
 * The count is the same from run to run for a single-threaded program,
 * so a count taken with TACIT_COUNT_ALLOC names each allocation.
 * __libc_start_main is wrapped only to note how many allocations
 * happened before main: those belong to library constructors.
 *
 * dlsym may itself allocate (dlerror's buffer) while we look up the real
 * functions: those allocations come from a small static arena, never
 * freed and never counted.
 *
 * Build: cc -shared -fPIC -o failmalloc.so failmalloc.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);
typedef int (*posix_memalign_fn)(void **, size_t, size_t);
typedef void *(*aligned_fn)(size_t, size_t);
typedef void *(*valloc_fn)(size_t);
typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void), void (*)(void),
    void (*)(void), void *);

int __libc_start_main(main_fn, int, char **, void (*)(void), void (*)(void),
    void (*)(void), void *);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;
static posix_memalign_fn real_posix_memalign;
static aligned_fn real_aligned_alloc;
static aligned_fn real_memalign;
static valloc_fn real_valloc;
static valloc_fn real_pvalloc;

/* 0: not yet looked at; 1: looking (dlsym running); 2: ready. */
static int state;
static unsigned long fail_at; /* 0: none */
static unsigned long fail_after; /* if fail_after_set */
static int fail_after_set;
static int counting;
static int logging;
static unsigned long count;
static unsigned long before_main;
static main_fn real_main;

/* The arena for what dlsym allocates before we can forward anything. */
static _Alignas(64) unsigned char arena[64 * 1024];
static size_t arena_used;

static int
in_arena(const void *p)
{
	return (const unsigned char *)p >= arena &&
	    (const unsigned char *)p < arena + sizeof(arena);
}

/* Each arena block is preceded by its size, so that realloc can copy. */
static void *
arena_alloc(size_t n, size_t align)
{
	size_t off, hdr = sizeof(size_t);

	if (align < 16)
		align = 16;
	off = (arena_used + hdr + align - 1) & ~(align - 1);
	if (off > sizeof(arena) || n > sizeof(arena) - off)
		return NULL;
	memcpy(arena + off - hdr, &n, hdr);
	arena_used = off + n;
	return arena + off;
}

static size_t
arena_size(const void *p)
{
	size_t n;

	memcpy(&n, (const unsigned char *)p - sizeof(size_t), sizeof(n));
	return n;
}

static unsigned long
env_number(const char *name, int *set)
{
	const char *s = getenv(name);
	unsigned long v = 0;

	if (set != NULL)
		*set = 0;
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned long)(*s - '0');
	if (set != NULL)
		*set = 1;
	return v;
}

/* ISO C has no conversion from dlsym's void * to a function pointer. */
static void
next(void *fp, const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	memcpy(fp, &p, sizeof(p));
}

static void
init(void)
{
	if (state != 0)
		return;
	state = 1;
	next(&real_malloc, "malloc");
	next(&real_calloc, "calloc");
	next(&real_realloc, "realloc");
	next(&real_free, "free");
	next(&real_posix_memalign, "posix_memalign");
	next(&real_aligned_alloc, "aligned_alloc");
	next(&real_memalign, "memalign");
	next(&real_valloc, "valloc");
	next(&real_pvalloc, "pvalloc");
	fail_at = env_number("TACIT_FAIL_ALLOC", NULL);
	fail_after = env_number("TACIT_FAIL_ALLOC_AFTER", &fail_after_set);
	counting = getenv("TACIT_COUNT_ALLOC") != NULL;
	logging = getenv("TACIT_FAIL_ALLOC_LOG") != NULL;
	state = 2;
}

static void
say(const char *what, unsigned long a, unsigned long b)
{
	char buf[128], num[24];
	size_t len = 0, i;
	unsigned long v[2] = { a, b };
	const char *label[2] = { " ", " before-main " };

	len = strlen(what);
	memcpy(buf, what, len);
	for (i = 0; i < 2; i++) {
		size_t k = sizeof(num);

		memcpy(buf + len, label[i], strlen(label[i]));
		len += strlen(label[i]);
		do {
			num[--k] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		} while (v[i] != 0);
		memcpy(buf + len, num + k, sizeof(num) - k);
		len += sizeof(num) - k;
	}
	buf[len++] = '\n';
	(void)!write(2, buf, len);
}

/* Counts one allocation; nonzero if it is to fail. */
static int
should_fail(void)
{
	unsigned long n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);

	if ((fail_at != 0 && n == fail_at) ||
	    (fail_after_set && n > fail_after)) {
		if (logging)
			say("tacit-failmalloc: failing", n, before_main);
		return 1;
	}
	return 0;
}

__attribute__((destructor)) static void
report(void)
{
	if (counting)
		say("tacit-failmalloc: allocations",
		    __atomic_load_n(&count, __ATOMIC_RELAXED), before_main);
}

void *
malloc(size_t n)
{
	init();
	if (state == 1)
		return arena_alloc(n, 16);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_malloc(n);
}

void *
calloc(size_t m, size_t n)
{
	init();
	if (state == 1) {
		/* The arena is zero and never reused. */
		if (n != 0 && m > SIZE_MAX / n)
			return NULL;
		return arena_alloc(m * n, 16);
	}
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_calloc(m, n);
}

void *
realloc(void *p, size_t n)
{
	void *q;

	init();
	if (p != NULL && in_arena(p)) {
		size_t old = arena_size(p);

		q = state == 1 ? arena_alloc(n, 16) : malloc(n);
		if (q != NULL)
			memcpy(q, p, old < n ? old : n);
		return q;
	}
	if (state == 1)
		return arena_alloc(n, 16);
	/* realloc(p, 0) frees: not an allocation. */
	if (n != 0 && should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_realloc(p, n);
}

void
free(void *p)
{
	if (p == NULL || in_arena(p))
		return;
	init();
	real_free(p);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	init();
	if (state == 1) {
		*out = arena_alloc(n, align);
		return *out != NULL ? 0 : ENOMEM;
	}
	if (should_fail())
		return ENOMEM;
	return real_posix_memalign(out, align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	init();
	if (state == 1)
		return arena_alloc(n, align);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_aligned_alloc(align, n);
}

void *
memalign(size_t align, size_t n)
{
	init();
	if (state == 1)
		return arena_alloc(n, align);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_memalign(align, n);
}

void *
valloc(size_t n)
{
	init();
	if (state == 1)
		return arena_alloc(n, 4096);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_valloc(n);
}

void *
pvalloc(size_t n)
{
	init();
	if (state == 1)
		return arena_alloc((n + 4095) & ~(size_t)4095, 4096);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_pvalloc(n);
}

static int
main_wrapper(int argc, char **argv, char **envp)
{
	before_main = __atomic_load_n(&count, __ATOMIC_RELAXED);
	return real_main(argc, argv, envp);
}

int
__libc_start_main(main_fn m, int argc, char **argv, void (*i)(void),
    void (*f)(void), void (*rf)(void), void *stack_end)
{
	start_fn real_start;

	init();
	next(&real_start, "__libc_start_main");
	real_main = m;
	return real_start(main_wrapper, argc, argv, i, f, rf, stack_end);
}
