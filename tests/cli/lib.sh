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

t_done() {
	echo "$PASS $FAIL $SKIP" >>"$RESULTS"
}
