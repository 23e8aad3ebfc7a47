#!/bin/sh
# Run command-line test suites with every tacit program under valgrind.
# usage: tests/valgrind.sh [SUITE...]   (default: test_cli.sh test_epoch.sh test_ci.sh;
#        a SUITE is a file name in tests/cli; test_age.sh takes 17 min)
# Builds a copy for valgrind in build/vg (valgrind 3.19 cannot read gcc
# 12's default DWARF 5), puts one wrapper script per program in a
# temporary directory and runs the suites with BIN pointing there.  A
# memory error or a definite leak makes the program exit 99, so the
# suite fails too; each report is kept in a log and printed at the end,
# with the command that made it.  The tests that inject failures with
# strace skip themselves here (valgrind's own system calls would be
# counted).  The last line: N passed, N failed, N
# skipped, then the valgrind verdict; exit status 0 only if both are
# clean.  Environment: VG_BUILD=0 to use build/vg as it is.
TOP=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind is not installed" >&2
	exit 2
fi
if [ "${VG_BUILD:-1}" != 0 ]; then
	make -s -C "$TOP" BUILD=build/vg BIN=build/vg/bin \
	    CFLAGS='-O1 -g -gdwarf-4' all >/dev/null || exit 2
fi
REAL="$TOP/build/vg/bin"
[ -x "$REAL/tacit" ] || { echo "valgrind.sh: no $REAL/tacit" >&2; exit 2; }
[ $# -eq 0 ] && set -- test_cli.sh test_epoch.sh test_ci.sh

VG=$(mktemp -d "${TMPDIR:-/tmp}/tacit-vg.XXXXXX") || exit 2
trap 'rm -rf "$VG"' EXIT
mkdir "$VG/bin" "$VG/logs" "$VG/path"
# Some tests run a program as another user; anyone may log.
chmod 755 "$VG" "$VG/bin" "$VG/path"
chmod 1777 "$VG/logs"
# strace's injections count system calls, valgrind's among them: those
# tests skip themselves when strace does not work.
printf '#!/bin/sh\nexit 1\n' >"$VG/path/strace"
chmod 755 "$VG/path/strace"
PATH="$VG/path:$PATH"
for p in "$REAL"/tacit*; do
	name=$(basename "$p")
	# The front end execs the tool beside its real self: follow it.
	follow=
	[ "$name" = tacit ] && follow=--trace-children=yes
	# exec keeps the pid, which names valgrind's log: the command
	# goes beside it.
	cat >"$VG/bin/$name" <<EOF
#!/bin/sh
printf '%s\n' "$name \$*" >"$VG/logs/\$\$.cmd"
exec valgrind -q $follow --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --log-file="$VG/logs/%p.log" "$p" "\$@"
EOF
	chmod +x "$VG/bin/$name"
done

RESULTS="$VG/results"
: >"$RESULTS"
BIN="$VG/bin"
SHARED=""
[ -d "$TOP/../shared/testdata" ] && SHARED=$(cd "$TOP/../shared/testdata" && pwd)
export TOP BIN SHARED RESULTS PATH
start=$(date +%s)
for s in "$@"; do
	s0=$(date +%s)
	before=$(wc -l <"$RESULTS")
	sh "$TOP/tests/cli/$s"
	if [ "$(wc -l <"$RESULTS")" -eq "$before" ]; then
		echo "$s: did not finish" >&2
		echo "0 1 0" >>"$RESULTS"
	fi
	tail -n 1 "$RESULTS" | (read -r np nf ns
	    echo "$s: $np passed, $nf failed, $ns skipped, $(($(date +%s) - s0)) s")
done

runs=$(find "$VG/logs" -name '*.cmd' | wc -l)
bad=0
for log in "$VG/logs"/*.log; do
	[ -s "$log" ] || continue
	bad=$((bad + 1))
	pid=$(basename "$log" .log)
	echo "== valgrind: $(cat "$VG/logs/$pid.cmd" 2>/dev/null || echo "pid $pid")"
	cat "$log"
done
awk -v runs="$runs" -v bad="$bad" -v secs=$(($(date +%s) - start)) '
	{ p += $1; f += $2; s += $3 }
	END {
		printf "%d passed, %d failed, %d skipped; valgrind: %d of %d runs with errors; %d s\n",
		    p, f, s, bad, runs, secs
		exit f > 0 || bad > 0
	}' "$RESULTS"
