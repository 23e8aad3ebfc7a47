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

echo
echo "In CI, a whole repository: in parallel, in path order, with ignore files."
mkdir -p repo/photos repo/fixtures
cp "$TOP"/tests/data/fixtures/*.jpg "$TOP"/tests/data/fixtures/*.png repo/photos/
cp "$TOP"/tests/data/fixtures/*.gif repo/fixtures/
printf 'fixtures/\n' >repo/.tacitignore
say "tacit sanitise --check -r repo | cut -d: -f1 | uniq -c   # findings per file"
"$BIN/tacit" sanitise --check -r repo | cut -d: -f1 | uniq -c
say "tacit sanitise --check -q -r repo --format sarif > tacit.sarif   # for code scanning"
"$BIN/tacit" sanitise --check -q -r repo --format sarif >tacit.sarif
echo "($(grep -o '"ruleId"' tacit.sarif | wc -l) results for GitHub code scanning)"

echo
echo "Then send it end to end encrypted, to a key rather than a phone number."
say "tacit keygen -o friend.key        # the friend's identity (mode 0600)"
"$BIN/tacit" keygen -o friend.key || exit 2
say "tacit seal -r \$(tacit keygen -y friend.key) -o photo.jpg.age photo.jpg"
"$BIN/tacit" seal -r "$("$BIN/tacit" keygen -y friend.key)" -o photo.jpg.age \
    photo.jpg || exit 2
head -c 120 photo.jpg.age | tr -c '[:print:]\n' '.'
echo " ..."
say "tacit open -i friend.key -o received.jpg photo.jpg.age && cmp photo.jpg received.jpg"
"$BIN/tacit" open -i friend.key -o received.jpg photo.jpg.age &&
    cmp photo.jpg received.jpg && echo "(identical)"

say "printf 'x' | dd of=photo.jpg.age bs=1 seek=400 conv=notrunc  # tamper"
printf 'x' | dd of=photo.jpg.age bs=1 seek=400 conv=notrunc 2>/dev/null
say "tacit open -i friend.key -o tampered.jpg photo.jpg.age; ls tampered.jpg"
"$BIN/tacit" open -i friend.key -o tampered.jpg photo.jpg.age
echo "(exit status $?)"
ls tampered.jpg 2>&1
if command -v age >/dev/null; then
	say "age -d -i friend.key received.jpg.age   # age reads tacit's files"
	"$BIN/tacit" seal -r "$("$BIN/tacit" keygen -y friend.key)" \
	    -o received.jpg.age received.jpg &&
	    age -d -i friend.key received.jpg.age | cmp - photo.jpg &&
	    echo "(age decrypted it: identical)"
fi
