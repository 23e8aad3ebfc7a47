#!/bin/sh
# Run the test layers and end with one line: N passed, N failed.
# usage: tests/run.sh [--unit | --cli] [UNIT_BINARIES...]
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${BIN:-$TOP/bin}" && pwd)
SHARED=""
[ -d "$TOP/../shared/testdata" ] && SHARED=$(cd "$TOP/../shared/testdata" && pwd)
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
export TOP BIN SHARED RESULTS
layers="unit cli"
case "${1:-}" in
--unit) layers=unit; shift ;;
--cli) layers=cli; shift ;;
esac

for layer in $layers; do
	case $layer in
	unit)
		for t in "$@"; do
			out=$("$t" 2>&1)
			echo "$out" | grep -E '^\[  (FAILED|PASSED)  \]|^\[  ERROR' | sed "s|^|$(basename "$t"): |"
			echo "$out" | grep -E '^\[  FAILED  \] [a-z]' | sed 's/^/  /'
			p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
			f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
			# A binary that crashed reports nothing: count it failed.
			[ -z "$p$f" ] && { f=1; echo "$(basename "$t"): crashed" >&2; }
			echo "${p:-0} ${f:-0} 0" >>"$RESULTS"
		done
		;;
	cli)
		for s in "$TOP"/tests/cli/test_*.sh; do
			before=$(wc -l <"$RESULTS")
			sh "$s"
			after=$(wc -l <"$RESULTS")
			if [ "$after" -eq "$before" ]; then
				echo "$(basename "$s"): did not finish" >&2
				echo "0 1 0" >>"$RESULTS"
			else
				tail -n 1 "$RESULTS" | (read -r np nf ns; echo "$(basename "$s"): $np passed, $nf failed, $ns skipped")
			fi
		done
		;;
	esac
done
awk '{ p += $1; f += $2; s += $3 }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit f > 0 }' "$RESULTS"
