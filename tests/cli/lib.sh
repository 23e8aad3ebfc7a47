# Shared helpers for the command-line tests: source this, then call t_done.
# Environment: BIN (programs), TOP (the source tree), SHARED (testdata from
# ../shared, or empty), RESULTS (file the counts are appended to).
set -u
PASS=0
FAIL=0
SKIP=0
T=$(mktemp -d "${TMPDIR:-/tmp}/tacit-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
TACIT="$BIN/tacit"
SAN="$BIN/tacit-sanitise"
DATA="$TOP/tests/data"

pass() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: ${CASE:-?}: $*" >&2; }
skip() { SKIP=$((SKIP + 1)); echo "skip: $*" >&2; }

# expect STATUS DESCRIPTION CMD...: CMD must exit with STATUS.
expect() {
	want=$1 desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass
	else
		fail "$desc: exit $got, wanted $want; stderr: $(head -c 300 "$T/err")"
	fi
}

# same FILE1 FILE2 DESCRIPTION: byte-identical.
same() {
	if cmp -s "$1" "$2"; then pass; else fail "$3: files differ"; fi
}

# no_temp DIR: no .tacit-* temp file left behind.
no_temp() {
	if ls -a "$1" | grep -q '^\.tacit-'; then
		fail "temporary file left in $1"
	else
		pass
	fi
}

# match DESCRIPTION PATTERN FILE: grep -E finds PATTERN in FILE.
match() {
	if grep -Eq -- "$2" "$3"; then pass; else fail "$1: no '$2' in $(head -c 300 "$3")"; fi
}

nomatch() {
	if grep -Eq -- "$2" "$3"; then fail "$1: found '$2'"; else pass; fi
}

# The clock, moved with libfaketime, preloaded without the faketime
# program: a signal then reaches the tool itself (faketime forks), and no
# semaphore named after faketime's pid can collide with one a killed run
# left.  have_faketime is 1 when it works; later SPEC CMD... runs CMD
# with the clock moved (faketime's syntax: "+2h", "-5d", or a fixed
# "2030-01-01 12:00:00").  libfaketime is preloaded before a sanitizer
# build's dynamic ASan runtime, which ASan must be told to accept.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS
FT_LIB=''
for l in '/usr/$LIB/faketime/libfaketime.so.1' \
    /usr/lib/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1; do
	if [ "$(env LD_PRELOAD="$l" FAKETIME='2030-01-01 00:00:00' date -u +%Y 2>/dev/null)" = 2030 ]; then
		FT_LIB=$l
		break
	fi
done
have_faketime=0
if [ -n "$FT_LIB" ] || { command -v faketime >/dev/null 2>&1 &&
    [ "$(faketime '2030-01-01 00:00:00' date -u +%Y)" = 2030 ]; }; then
	have_faketime=1
fi
later() {
	spec=$1
	shift
	if [ -n "$FT_LIB" ]; then
		env LD_PRELOAD="$FT_LIB" FAKETIME="$spec" "$@"
	else
		faketime -f "$spec" "$@"
	fi
}

t_done() {
	echo "$PASS $FAIL $SKIP" >>"$RESULTS"
}
