#!/bin/sh
# make demo: a short tour of tacit sanitise on a bundled sample photo.
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${BIN:-$TOP/bin}" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/tacit-demo.XXXXXX")
trap 'rm -rf "$W"' EXIT
cp "$TOP/tests/data/demo/photo.jpg" "$W/photo.jpg"
cd "$W" || exit 2

# Bold prompts on a terminal, unless NO_COLOR is set.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
	say() { printf '\n$ %s\n' "$*"; }
fi

echo "tacit demo: what does a photo give away, and how to stop it."
say "tacit sanitise --check photo.jpg"
"$BIN/tacit" sanitise --check photo.jpg
echo "(exit status $?: findings at or above medium)"

say "tacit sanitise --check --show-values --fail-on high photo.jpg | grep -E 'gps|serial|owner'"
"$BIN/tacit" sanitise --check --show-values --fail-on high photo.jpg |
	grep -E 'gps|serial|owner'

say "tacit sanitise -v photo.jpg"
"$BIN/tacit" sanitise -v photo.jpg || exit 2

say "tacit sanitise --check photo.jpg"
"$BIN/tacit" sanitise --check photo.jpg
echo "(exit status $?: only the orientation is kept, so the photo stays upright)"

if command -v exiftool >/dev/null; then
	say "exiftool -a -G1 -s photo.jpg   # an independent reader agrees"
	exiftool -a -G1 -s photo.jpg | grep -v -E '^\[(System|ExifTool)\]'
fi
