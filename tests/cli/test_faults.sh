#!/bin/sh
# Allocation failures: every allocation of a few representative commands
# made to fail in turn (tests/shim/failmalloc.c): exit 0 with the right
# result or 2 with a message, never a crash, nothing half-written left.
. "$(dirname "$0")/lib.sh"
SEAL="$BIN/tacit-seal"
OPEN="$BIN/tacit-open"
KEYGEN="$BIN/tacit-keygen"
EXPIRE="$BIN/tacit-expire"
PREVIEW="$BIN/tacit-preview"
PHOTO="$DATA/demo/photo.jpg"
TOP=$(cd "$TOP" && pwd)
# At most this many runs with one allocation failing, per command; when
# a command makes more, they are sampled evenly.  Then up to AFTER runs
# with every allocation after the Kth failing.
CAP=${TACIT_FAULTS_CAP:-400}
AFTER=${TACIT_FAULTS_AFTER:-30}
# Problems printed in full per command; the rest are only counted.
SHOW=${TACIT_FAULTS_SHOW:-5}
ulimit -c 0 2>/dev/null

CASE="shim"
SHIM="$T/failmalloc.so"
if ! cc -shared -fPIC -o "$SHIM" "$TOP/tests/shim/failmalloc.c" -ldl \
    2>"$T/cc.err"; then
	skip "cannot build the allocation shim: $(head -c 300 "$T/cc.err")"
	t_done
	exit 0
fi
# The shim must see the allocations: in a sanitizer build linked with
# its runtime inside (clang's), malloc is the program's own.
env LD_PRELOAD="$SHIM" TACIT_COUNT_ALLOC=1 "$KEYGEN" -o "$T/shim.key" \
    >/dev/null 2>"$T/err"
match "the shim counts" \
    '^tacit-failmalloc: allocations [0-9]+ before-main [0-9]+$' "$T/err"
if grep -q '^tacit-failmalloc: allocations 0 ' "$T/err"; then
	skip "the shim sees no allocation (a sanitizer build?)"
	t_done
	exit 0
fi
if [ ! -x "$SEAL" ] || [ ! -x "$EXPIRE" ] || [ ! -x "$PREVIEW" ]; then
	skip "not every tool is built"
	t_done
	exit 0
fi
have_gdb=0
command -v gdb >/dev/null 2>&1 && have_gdb=1

W="$T/w"
mkdir "$W"
cd "$W" || exit 2
# The fixtures, and what each command makes of them when nothing fails.
printf 'meet at noon\n' >"$T/msg"
cp "$T/msg" msg
"$KEYGEN" -o "$T/id.key" 2>/dev/null
R=$("$KEYGEN" -y "$T/id.key")
"$SEAL" -r "$R" -o "$T/m.age" "$T/msg"
cp "$T/m.age" m.age
cp "$PHOTO" c.jpg
"$SAN" -o "$T/clean.jpg" "$PHOTO"
"$SAN" --check c.jpg >"$T/check.ref"
# An epoch identity made three days ago, so that --keys really ratchets.
if [ $have_faketime = 1 ]; then
	later -3d "$KEYGEN" --epochs 1d -o "$T/ep.orig" 2>/dev/null
else
	"$KEYGEN" --epochs 1d -o "$T/ep.orig" 2>/dev/null
	skip "ratcheting: no faketime, --keys has nothing to do"
fi
ep_ref() {
	cp -p "$T/ep.orig" "$T/ep.ref"
	"$EXPIRE" --keys "$T/ep.ref" >/dev/null
}
ep_ref
printf 'read https://example.com/a?utm_source=news&id=3 or\nhttps://www.google.com/url?q=https%%3A%%2F%%2Fexample.org%%2Fb%%3Ffbclid%%3D1&sa=D\n' \
    >"$T/text"
"$PREVIEW" --clean <"$T/text" >"$T/text.ref"

# Per command NAME: NAME_setup puts its inputs back, NAME_check RC
# prints what is wrong with the files after a run that exited RC.
# Both run in $W; the command's standard output is in $T/out.
differs() { cmp -s "$1" "$2" || echo "$3"; }
exists() { [ -e "$1" ] && echo "$2"; }
missing() { [ -e "$1" ] || echo "$2"; }

san_setup() { cp "$PHOTO" p.jpg; }
san_check() {
	case $1 in
	0) differs p.jpg "$T/clean.jpg" "exit 0 but the file is not the cleaned one" ;;
	*) differs p.jpg "$PHOTO" "the original changed" ;;
	esac
}
check_setup() { :; }
check_check() {
	differs c.jpg "$PHOTO" "--check changed the file"
	[ "$1" = 1 ] && differs "$T/out" "$T/check.ref" "exit 1 but other findings"
}
seal_setup() { rm -f s.age; }
seal_check() {
	differs msg "$T/msg" "the input changed"
	case $1 in
	0)
		"$OPEN" -i "$T/id.key" s.age >"$T/s.plain" 2>/dev/null
		differs "$T/s.plain" "$T/msg" "exit 0 but the output does not open to the input"
		;;
	*) exists s.age "exit $1 and the output exists" ;;
	esac
}
open_setup() { rm -f o.txt; }
open_check() {
	differs m.age "$T/m.age" "the sealed file changed"
	case $1 in
	0) differs o.txt "$T/msg" "exit 0 but the output is not the plaintext" ;;
	*) exists o.txt "exit $1 and the output exists" ;;
	esac
}
keygen_setup() { rm -f k.key; }
keygen_check() {
	case $1 in
	0) "$KEYGEN" -y k.key >/dev/null 2>&1 || echo "exit 0 but the identity does not parse" ;;
	*) exists k.key "exit $1 and the identity file exists" ;;
	esac
}
expire_setup() { cp -p "$T/ep.orig" ep.key; }
expire_check() {
	case $1 in
	0)
		# A day may have begun since the reference was made.
		cmp -s ep.key "$T/ep.ref" || { ep_ref; cmp -s ep.key "$T/ep.ref"; } ||
		    echo "exit 0 but the identity is not the ratcheted one"
		;;
	*) differs ep.key "$T/ep.orig" "exit $1 but the identity changed" ;;
	esac
}
clean_setup() { :; }
clean_check() {
	[ "$1" = 0 ] && differs "$T/out" "$T/text.ref" "exit 0 but other output"
}

# origin N CMD...: where the crash with allocation N (or aK: all after K)
# happens, from a backtrace: the innermost frame outside the C library
# (and this shim) is in tacit ("tacit") or in a library (its name).
origin() {
	o_n=$1
	shift
	if [ $have_gdb = 0 ]; then
		echo unknown
		return
	fi
	case $o_n in
	a*) o_var="TACIT_FAIL_ALLOC_AFTER ${o_n#a}" ;;
	*) o_var="TACIT_FAIL_ALLOC $o_n" ;;
	esac
	gdb -batch -nx -ex 'set startup-with-shell off' \
	    -ex "set environment LD_PRELOAD $SHIM" -ex "set environment $o_var" \
	    -ex run -ex bt --args "$@" <"$in" >"$T/gdb" 2>&1
	awk '
	/^#[0-9]/ {
		# The C library (its sources are at ./ and ../), this shim.
		if ($0 ~ / from [^ ]*(libc\.so|ld-linux|failmalloc\.so)/ ||
		    $0 ~ / at \.\.?\// || $0 ~ /failmalloc\.c:/)
			next
		if (match($0, / from [^ ]+$/)) {
			lib = substr($0, RSTART + 6)
			sub(/.*\//, "", lib)
			print lib
		} else
			print "tacit"
		found = 1
		exit
	}
	END { if (!found) print "unknown" }' "$T/gdb"
}

# sweep NAME CMD...: runs CMD (standard input from $in) with each
# allocation failing in turn, checking what NAME_check checks, and that
# the exit status is the normal one or 2, with a message when 2, never a
# signal, and that no temporary file is left.
sweep() {
	name=$1
	shift
	CASE="allocation failures: $name"
	${name}_setup
	env LD_PRELOAD="$SHIM" TACIT_COUNT_ALLOC=1 "$@" <"$in" >"$T/out" \
	    2>"$T/err"
	normal=$?
	counts=$(sed -n 's/^tacit-failmalloc: allocations \([0-9]*\) before-main \([0-9]*\)$/\1 \2/p' "$T/err")
	total=${counts% *}
	first=${counts#* }
	problems=$(${name}_check $normal)
	if [ -z "$counts" ] || [ -n "$problems" ]; then
		fail "the normal run (exit $normal): ${problems:-no count}: $(head -c 300 "$T/err")"
		return
	fi
	pass
	# Allocations before main are library constructors': not ours.
	n_main=$((total - first))
	list=$(awk -v f="$first" -v m="$n_main" -v cap="$CAP" -v after="$AFTER" '
	BEGIN {
		k = m < cap ? m : cap
		for (i = 0; i < k; i++)
			print f + 1 + int(i * m / k)
		k = m < after ? m : after
		for (i = 0; i < k; i++)
			print "a" f + int(i * m / k)
	}' | uniq)
	runs=0 bad=0 lib=0
	for n in $list; do
		runs=$((runs + 1))
		${name}_setup
		case $n in
		a*) env LD_PRELOAD="$SHIM" TACIT_FAIL_ALLOC_AFTER="${n#a}" \
		    "$@" <"$in" >"$T/out" 2>"$T/err" ;;
		*) env LD_PRELOAD="$SHIM" TACIT_FAIL_ALLOC="$n" \
		    "$@" <"$in" >"$T/out" 2>"$T/err" ;;
		esac
		rc=$?
		case $n in
		a*) what="every allocation after ${n#a} of $total" ;;
		*) what="allocation $n of $total" ;;
		esac
		if [ $rc -gt 128 ]; then
			${name}_setup
			where=$(origin "$n" "$@")
			rm -f core core.*
			if [ "$where" != tacit ] && [ "$where" != unknown ]; then
				lib=$((lib + 1))
				if [ $lib -le $SHOW ]; then
					skip "$name: signal $((rc - 128)) in $where, $what failing"
				else
					SKIP=$((SKIP + 1))
				fi
				continue
			fi
			problems="signal $((rc - 128)) in $where code"
		else
			problems=$(${name}_check $rc)
			if [ $rc != "$normal" ] && [ $rc != 2 ]; then
				problems="exit $rc. $problems"
			fi
			if [ $rc = 2 ]; then
				grep -v '^tacit-failmalloc: ' "$T/err" |
				    grep -Eq '^tacit(-[a-z]+)?: .*[^ :]$' ||
				    problems="exit 2 without a message (or one giving no reason). $problems"
			fi
		fi
		ls -a | grep -q '^\.tacit-' && problems="a temporary file is left. $problems"
		rm -f .tacit-*
		if [ -n "$problems" ]; then
			bad=$((bad + 1))
			[ $bad -le $SHOW ] && echo "FAIL: $CASE: $what failing: $problems; stderr: $(grep -v '^tacit-failmalloc: ' "$T/err" | head -c 200)" >&2
		fi
	done
	if [ $bad = 0 ]; then
		pass
	else
		FAIL=$((FAIL + 1))
		echo "FAIL: $CASE: $bad of $runs runs went wrong" >&2
	fi
	echo "$name: $total allocations ($first before main), $runs runs, $bad wrong, $lib in libraries" >>"$T/summary"
}

in=/dev/null
sweep san "$SAN" p.jpg
sweep check "$SAN" --check c.jpg
sweep seal "$SEAL" -r "$R" -o s.age msg
sweep open "$OPEN" -i "$T/id.key" -o o.txt m.age
sweep keygen "$KEYGEN" -o k.key
sweep expire "$EXPIRE" --keys ep.key
in="$T/text"
sweep clean "$PREVIEW" --clean
[ -n "${TACIT_FAULTS_SUMMARY:-}" ] && cat "$T/summary" >&2

t_done
