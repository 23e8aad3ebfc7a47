#!/bin/sh
# Fuzz regression replay: every fuzz target, built without libFuzzer, over
# its seed corpus (regress-* inputs included) and its saved crashes.
. "$(dirname "$0")/lib.sh"

FUZZ="$TOP/tests/fuzz"
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD="$TOP/$BUILD" ;;
esac
LIBA="$BUILD/libtacit.a"
if [ ! -f "$LIBA" ]; then
	skip "replay: $LIBA not built (whole suite)"
	t_done
	exit 0
fi

# The project's flags, at -O1 for a quick build; the sanitizers when the
# library was built with them (make SAN=1 puts it in build/san).
WARN='-Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
-Wmissing-prototypes -Wvla -Wconversion'
CFLAGS_R="-std=c11 $WARN -O1 -g -I$TOP/lib -I$FUZZ"
LDFLAGS_R='-Wl,--as-needed'
case $BUILD in
*/san)
	CFLAGS_R="$CFLAGS_R -fsanitize=address,undefined"
	CFLAGS_R="$CFLAGS_R -fno-sanitize-recover=all -fno-omit-frame-pointer"
	LDFLAGS_R="$LDFLAGS_R -fsanitize=address,undefined"
	;;
esac
pc() {
	pkg-config --libs "$@" 2>/dev/null
}
LIBS_R="$(pc libexif yaml-0.1 || echo -lexif -lyaml) -lmagic
$(pc libsodium || echo -lsodium) $(pc libcurl || echo -lcurl) -lz -lpthread"

targets=''
for f in "$FUZZ"/fuzz_*.c; do
	t=${f##*/fuzz_}
	targets="$targets ${t%.c}"
done

# build CC: every replay binary into $T/replay_TARGET.  All sources in one
# compiler run, then one link each.
build() {
	cc=$1
	mkdir -p "$T/o" && rm -f "$T"/o/*.o "$T"/replay_* || return 1
	init=''
	for t in $targets; do
		grep -q '^LLVMFuzzerInitialize(' "$FUZZ/fuzz_$t.c" &&
		    init="$init $t"
	done
	# The targets with an initializer need replay.c built to call it.
	# shellcheck disable=SC2086
	(cd "$T/o" && $cc $CFLAGS_R -c "$FUZZ"/fuzz_*.c &&
	    $cc $CFLAGS_R -c -o replay.o "$FUZZ/replay.c" &&
	    $cc $CFLAGS_R -DREPLAY_INITIALIZE -c -o replay_init.o \
	    "$FUZZ/replay.c") || return 1
	for t in $targets; do
		r=replay.o
		case " $init " in *" $t "*) r=replay_init.o ;; esac
		# shellcheck disable=SC2086
		$cc $CFLAGS_R -o "$T/replay_$t" "$T/o/fuzz_$t.o" "$T/o/$r" \
		    "$LIBA" $LDFLAGS_R $LIBS_R || return 1
	done
}

# A sanitizer build wants the runtime of the compiler that built the
# library: without CC, clang when the archive says clang built it.  Should
# that fail, the others are tried.
first=${CC:-cc}
[ -z "${CC:-}" ] && grep -qa 'clang version' "$LIBA" && first=clang
built=''
for cc in "$first" cc clang gcc; do
	command -v "$cc" >/dev/null 2>&1 || continue
	if build "$cc" >"$T/build.log" 2>&1; then
		built=$cc
		break
	fi
done
if [ -z "$built" ]; then
	CASE="replay build"
	fail "cannot build the replay binaries: $(tail -n 5 "$T/build.log")"
	t_done
	exit 0
fi

# replay TARGET WHAT PATH...: one count for TARGET on PATH...
replay() {
	t=$1 what=$2
	shift 2
	CASE="replay $t $what"
	timeout -k 2 300 "$T/replay_$t" "$@" >"$T/out" 2>"$T/err"
	st=$?
	if [ "$st" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$T/err"
	then
		pass
	else
		fail "exit $st at $(grep '^replay: running' "$T/err" |
		    tail -n 1 | sed 's/^replay: running //'): $(grep -v \
		    '^replay: running' "$T/err" | grep -m 3 -E \
		    'ERROR|SUMMARY|runtime error|^fuzz|replay:' | head -c 600)"
	fi
}

for t in $targets; do
	if [ -d "$FUZZ/corpus/$t" ]; then
		replay "$t" corpus "$FUZZ/corpus/$t"
	else
		skip "replay $t: no corpus"
	fi
	# Saved crashes are named TARGET-NAME (see tests/fuzz/README.md).
	set --
	for c in "$FUZZ/crashes/$t"-*; do
		[ -f "$c" ] && set -- "$@" "$c"
	done
	[ $# -gt 0 ] && replay "$t" crashes "$@"
done
t_done
