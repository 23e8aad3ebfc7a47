#!/bin/sh
# sanitise --check for CI: formats, SARIF, baselines, .tacitignore, -j,
# the summary and the progress bar.
. "$(dirname "$0")/lib.sh"
PHOTO="$DATA/demo/photo.jpg"
FIX="$DATA/fixtures"
VALIDATE="$TOP/tests/sarif-validate.py"
# Debian's python3, where python3-jsonschema is installed.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
have_schema=0
"$PY" -c 'import jsonschema' 2>/dev/null && have_schema=1

# valid DESCRIPTION FILE: the SARIF in FILE passes the schema and GitHub's rules.
valid() {
	if [ $have_schema = 0 ]; then
		skip "$1: python3-jsonschema not installed"
	elif "$PY" "$VALIDATE" "$2" >"$T/val" 2>&1; then
		pass
	else
		fail "$1: $(head -c 400 "$T/val")"
	fi
}

# A small tree: dirty and clean images, text, links, nested ignore files.
R="$T/tree"
mkdir -p "$R/a/b" "$R/vendor/x" "$R/site/fixtures" "$R/site/blog/fixtures" \
    "$R/maps" "$R/sp ace"
cp "$PHOTO" "$R/a/photo.jpg"
cp "$FIX/png-rgb8.png" "$R/a/b/pic.png"
cp "$PHOTO" "$R/vendor/x/lib.jpg"
cp "$FIX/webp-lossy.webp" "$R/site/fixtures/one.webp"
cp "$FIX/png-rgb8.png" "$R/site/fixtures/ignored.png"
cp "$FIX/png-rgb8.png" "$R/site/fixtures/keep-1.png"
cp "$FIX/png-rgb8.png" "$R/site/blog/fixtures/banner.png"
cp "$PHOTO" "$R/maps/where.jpg"
cp "$PHOTO" "$R/sp ace/é photo.jpg"
printf 'hello\n' >"$R/a/notes.txt"
printf 'not an image\n' >"$R/a/fake.jpg"
head -c 4096 /dev/urandom >"$R/a/blob.bin"
: >"$R/a/empty.png"
ln -s "$PHOTO" "$R/a/outside.jpg"
ln -s ../vendor "$R/a/vendor-link"
ln -s photo.jpg "$R/a/inside.jpg"
printf '# third-party\nvendor/\n' >"$R/.tacitignore"
printf '/fixtures/*.png\n!/fixtures/keep-*.png\n' >"$R/site/.tacitignore"
printf '*.jpg  :exif-gps,xmp-gps\n' >"$R/maps/.tacitignore"
mkdir -p "$R/.git/objects" && cp "$PHOTO" "$R/.git/objects/p.jpg"
cp -R "$R" "$T/pristine"

CASE="formats"
cd "$R" || exit 2
expect 1 "--check -r ." "$SAN" --check -r .
cp "$T/out" "$T/text.1"
cp "$T/err" "$T/err.1"
match "a dirty photo listed" '^\./a/photo\.jpg: high +exif-gps' "$T/text.1"
match "a PNG in a subdirectory" '^\./a/b/pic\.png: ' "$T/text.1"
match "a name with a space and UTF-8" '^\./sp ace/é photo\.jpg: ' "$T/text.1"
nomatch "text is skipped quietly" 'notes\.txt|fake\.jpg|blob\.bin|empty\.png' "$T/text.1"
nomatch "... on stderr too" 'notes\.txt|fake\.jpg|blob\.bin|empty\.png' "$T/err"
nomatch ".git is passed over" '\.git/' "$T/text.1"
nomatch "links are never followed" 'outside\.jpg|inside\.jpg|vendor-link' "$T/text.1"
match "the summary on stderr" '^tacit-sanitise: [0-9]+ files in [0-9.]+ s: 7 checked, 7 skipped, 0 errors, 2 ignored' "$T/err"
match "... with findings by severity" '[0-9]+ findings: [0-9]+ high, [0-9]+ medium, [0-9]+ low, [0-9]+ info' "$T/err"
nomatch "no progress bar in a pipe" "$(printf '\r')" "$T/err"
cut -d: -f1 "$T/text.1" | uniq | LC_ALL=C sort -c 2>/dev/null &&
	pass || fail "the report is in path order"
expect 1 "-q" "$SAN" --check -q -r .
if [ -s "$T/err" ]; then fail "-q: stderr not empty"; else pass; fi
expect 1 "--format json" "$SAN" --check -q --format json -r .
cp "$T/out" "$T/json.1"
expect 1 "--json" "$SAN" --check -q --json -r .
same "$T/out" "$T/json.1" "--json is --format json"
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/json.1" &&
	pass || fail "--format json is JSON"
match "skipped files counted in the JSON summary" '"skipped":7' "$T/json.1"
expect 2 "--format bogus" "$SAN" --check --format bogus -r .
match "the reason" "invalid format 'bogus'" "$T/err"
expect 2 "--format sarif without --check" "$SAN" --format sarif -r .
expect 2 "--show-values into SARIF" "$SAN" --check --format sarif --show-values -r .
expect 0 "--fail-on none" "$SAN" --check --fail-on none -r .
expect 2 "--fail-on bogus" "$SAN" --check --fail-on bogus -r .
expect 2 "-j 0" "$SAN" --check -j 0 -r .
expect 2 "-j x" "$SAN" --check -j x -r .
cp "$FIX/gif-still.gif" "$T/g.gif"
expect 1 "a GIF alone reaches low" "$SAN" --check --fail-on low "$T/g.gif"

CASE="jobs"
for j in 1 2 3 8; do
	for f in text json sarif; do
		"$SAN" --check -q -j $j --format $f -r . >"$T/j$j.$f" 2>/dev/null
	done
done
for j in 2 3 8; do
	for f in text json sarif; do
		same "$T/j1.$f" "$T/j$j.$f" "-j1 and -j$j give the same $f report"
	done
done

CASE="sarif"
expect 1 "--format sarif" "$SAN" --check -q --format sarif -r .
cp "$T/out" "$T/s.1"
valid "SARIF 2.1.0 against the schema" "$T/s.1"
match "uri relative to the scanned root" '"uri":"a/photo\.jpg","uriBaseId":"%SRCROOT%"' "$T/s.1"
match "uri percent-encoded" '"uri":"sp%20ace/%C3%A9%20photo\.jpg"' "$T/s.1"
match "the root named" '"originalUriBaseIds":\{"%SRCROOT%":\{"uri":"file:///' "$T/s.1"
match "region startLine 1" '"region":\{"startLine":1\}' "$T/s.1"
match "rules with help" '"id":"exif-gps","shortDescription":\{"text":"[^"]+"\},"fullDescription":\{"text":"[^"]+"\},"help":\{"text":' "$T/s.1"
match "high is an error" '"ruleId":"exif-gps","ruleIndex":[0-9]+,"level":"error"' "$T/s.1"
nomatch "info findings are not results" '"ruleId":"exif-orientation"' "$T/s.1"
"$SAN" --check -q --format sarif -j 2 -r . >"$T/s.2"
same "$T/s.1" "$T/s.2" "SARIF the same from run to run"
fps() {
	"$PY" -c 'import json,sys
d=json.load(open(sys.argv[1]))
for r in d["runs"][0]["results"]:
    print(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"])' "$1" | sort
}
fps "$T/s.1" >"$T/fp.1"
n=$(cut -d' ' -f3 "$T/fp.1" | sort | uniq -d | wc -l)
if [ "$n" -eq 0 ] && [ -s "$T/fp.1" ]; then pass; else fail "fingerprints unique ($n repeated)"; fi
# Elsewhere, by another path, in another order: the same fingerprints.
cp -R "$T/pristine" "$T/moved"
(cd "$T" && "$SAN" --check -q --format sarif -r moved) >"$T/s.3"
fps "$T/s.3" >"$T/fp.3"
same "$T/fp.1" "$T/fp.3" "fingerprints do not depend on where the tree is"
valid "SARIF of a tree named from outside" "$T/s.3"
(cd "$T" && "$SAN" --check -q --format sarif -r moved/a moved/maps) >"$T/s.4"
valid "SARIF with two roots" "$T/s.4"
match "the second root has its own base" '"uriBaseId":"ROOT2"' "$T/s.4"
head -c 600 "$PHOTO" >"$T/cut.jpg"
"$SAN" --check -q --format sarif "$T/cut.jpg" a/photo.jpg "$T/missing.jpg" >"$T/s.5" 2>/dev/null
valid "SARIF with an error notification" "$T/s.5"
match "the error is a notification" '"toolExecutionNotifications":\[' "$T/s.5"
match "... and the run did not succeed" '"executionSuccessful":false' "$T/s.5"
match "... saying what failed" '"text":"cannot open: No such file or directory"' "$T/s.5"
match "... and why" '"text":"cannot check: malformed JPEG' "$T/s.5"
mkdir -p "$T/void"
(cd "$T/void" && "$SAN" --check -q --format sarif -r .) >"$T/s.6"
valid "SARIF of a tree with nothing to check" "$T/s.6"

CASE="ignore"
grep -q 'vendor/x/lib\.jpg' "$T/text.1" && fail "vendor/ ignored" || pass
nomatch "anchored pattern in a subdirectory" 'site/fixtures/ignored\.png' "$T/text.1"
match "negation re-includes" '^\./site/fixtures/keep-1\.png: ' "$T/text.1"
match "an anchored pattern stays in its directory" '^\./site/blog/fixtures/banner\.png: ' "$T/text.1"
match "a webp beside it is not a png" '^\./site/fixtures/one\.webp: ' "$T/text.1"
nomatch "per-rule: the rule dropped" '^\./maps/where\.jpg: high +exif-gps' "$T/text.1"
match "per-rule: other rules still reported" '^\./maps/where\.jpg: high +exif-serial' "$T/text.1"
match "ignored by rule counted" '[0-9]+ ignored by rule' "$T/err.1"
expect 1 "--no-ignore" "$SAN" --check -q --no-ignore -r .
match "--no-ignore: vendor checked" 'vendor/x/lib\.jpg' "$T/out"
match "--no-ignore: all rules" '^\./maps/where\.jpg: high +exif-gps' "$T/out"
expect 1 "a file named is checked although ignored" "$SAN" --check -q vendor/x/lib.jpg
match "... and reported" '^vendor/x/lib\.jpg: ' "$T/out"
expect 0 "--force-ignore applies .tacitignore to it" "$SAN" --check --force-ignore vendor/x/lib.jpg
if [ -s "$T/out" ]; then fail "--force-ignore: reported"; else pass; fi
expect 1 "--force-ignore and per-rule lines" "$SAN" --check -q --force-ignore ./maps/where.jpg
nomatch "... the rule dropped" 'exif-gps' "$T/out"
printf 'ok\n*.jpg :Bad_Rule\n' >"$T/bad-ignore"
mkdir -p "$T/bi" && cp "$PHOTO" "$T/bi/p.jpg" && cp "$T/bad-ignore" "$T/bi/.tacitignore"
expect 2 "a malformed .tacitignore is an error" "$SAN" --check -r "$T/bi"
match "... naming the file and line" "\.tacitignore': line 2" "$T/err"
mkdir -p "$T/big" && cp "$PHOTO" "$T/big/p.jpg"
yes 'x.jpg' | head -c 1048577 >"$T/big/.tacitignore"
expect 2 "a .tacitignore over 1 MiB is an error" "$SAN" --check -r "$T/big"
match "... saying so" "\.tacitignore': larger than 1048576 bytes" "$T/err"
mkdir -p "$T/bl" && cp "$PHOTO" "$T/bl/p.jpg" && ln -s "$T/bad-ignore" "$T/bl/.tacitignore"
expect 2 "a .tacitignore that is a link is refused" "$SAN" --check -r "$T/bl"
(cd "$T/bl" && "$SAN" --check -q --fail-on none -r . >/dev/null 2>"$T/err")
match "... with the reason" 'a symbolic link' "$T/err"

CASE="baseline"
expect 0 "--write-baseline" "$SAN" --check -r . --write-baseline "$T/base.json"
test -s "$T/base.json" && pass || fail "baseline written"
nomatch "a baseline holds no values" '"value"' "$T/base.json"
"$SAN" --check -q --show-values -r . --write-baseline "$T/base2.json" >/dev/null 2>&1
nomatch "... not even with --show-values" '"value"' "$T/base2.json"
perm=$(stat -c %a "$T/base.json")
[ "$perm" = "$(printf '%o' $((0666 & ~$(umask))))" ] && pass || fail "new baseline mode $perm"
expect 0 "known findings do not fail" "$SAN" --check -r . --baseline "$T/base.json"
match "the summary counts them" '[0-9]+ in the baseline' "$T/err"
match "text marks them" '^\./a/photo\.jpg: high +exif-gps .*\(baseline\)$' "$T/out"
expect 0 "JSON marks them" "$SAN" --check -q --json -r . --baseline "$T/base.json"
match "... baseline:true" '"baseline":true' "$T/out"
nomatch "... and none is new" '"baseline":false' "$T/out"
expect 0 "SARIF baselineState" "$SAN" --check -q --format sarif -r . --baseline "$T/base.json"
match "... unchanged" '"baselineState":"unchanged"' "$T/out"
valid "SARIF with a baseline" "$T/out"
cp "$PHOTO" "$R/a/new.jpg"
expect 1 "a new finding still fails" "$SAN" --check -r . --baseline "$T/base.json"
match "... and is reported without the mark" '^\./a/new\.jpg: high +exif-gps +EXIF GPSLatitude$' "$T/out"
"$SAN" --check -q --format sarif -r . --baseline "$T/base.json" >"$T/s.b"
match "SARIF: new" '"baselineState":"new"' "$T/s.b"
rm "$R/a/new.jpg"
# A finding counted once in the baseline is known once.
"$PY" - "$T/base.json" >"$T/base-one.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["files"]:
    if f["path"] == "./a/photo.jpg":
        f["findings"] = [x for x in f["findings"] if x["rule"] != "exif-gps"]
json.dump(d, sys.stdout, indent=2)
EOF
expect 1 "a baseline without that finding fails" "$SAN" --check -q -r . --baseline "$T/base-one.json"
match "... on that finding only" '^\./a/photo\.jpg: high +exif-gps +EXIF GPSLatitude$' "$T/out"
match "... the rest still known" '^\./a/photo\.jpg: high +exif-serial .*\(baseline\)$' "$T/out"
expect 2 "a missing baseline" "$SAN" --check -r . --baseline "$T/nope.json"
match "... the reason" "cannot read baseline" "$T/err"
printf '{"files":3}' >"$T/bad.json"
expect 2 "a malformed baseline" "$SAN" --check -r . --baseline "$T/bad.json"
match "... the reason" "cannot use baseline" "$T/err"
expect 2 "--baseline without --check" "$SAN" -r . --baseline "$T/base.json"
cp "$T/base.json" "$T/base.keep"
expect 2 "no baseline written after an error" "$SAN" --check "$T/cut.jpg" a/photo.jpg --write-baseline "$T/base.json"
same "$T/base.json" "$T/base.keep" "... the old one left as it was"
no_temp "$T"

mkfifo "$T/fifo.json"
expect 2 "--write-baseline to a FIFO is refused" "$SAN" --check -r . --write-baseline "$T/fifo.json"
match "... with the reason" 'not a regular file' "$T/err"
test -p "$T/fifo.json" && pass || fail "... and the FIFO is still there"
cp "$T/base.keep" "$T/real.json" && ln -s real.json "$T/link.json"
expect 0 "--write-baseline through a link" "$SAN" --check -q -r . --write-baseline "$T/link.json"
test -L "$T/link.json" && pass || fail "... the link stays"
nomatch "... its target rewritten" 'cut\.jpg' "$T/real.json"
expect 2 "--write-baseline in a missing directory" "$SAN" --check --json -r . --write-baseline "$T/no/such.json"
if [ -s "$T/out" ]; then fail "... no half report on stdout"; else pass; fi
expect 2 "'-' twice" "$SAN" --check - -

CASE="roots"
ln -s "$R" "$T/tree-link"
expect 1 "a root named through a link is followed" "$SAN" --check -q -r "$T/tree-link"
match "... and walked" 'tree-link/a/photo\.jpg: ' "$T/out"
expect 1 "... with a slash too" "$SAN" --check -q -r "$T/tree-link/"

CASE="progress"
if command -v script >/dev/null 2>&1 && [ "$have_faketime" = 1 ] && [ -n "$FT_LIB" ]; then
	# A pseudo-terminal, and a clock 1000 times faster: the run "lasts".
	script -qec "env LD_PRELOAD='$FT_LIB' FAKETIME='+0 x1000' '$SAN' --check -j1 -r . >/dev/null" /dev/null >"$T/tty" 2>&1
	match "a bar on a terminal" '\] [0-9]+/[0-9]+ files' "$T/tty"
	script -qec "env LD_PRELOAD='$FT_LIB' FAKETIME='+0 x1000' '$SAN' --check -q -j1 -r . >/dev/null" /dev/null >"$T/tty" 2>&1
	nomatch "no bar with -q" '\] [0-9]+/[0-9]+ files' "$T/tty"
	script -qec "'$SAN' --check -j1 -r . >/dev/null" /dev/null >"$T/tty" 2>&1
	nomatch "no bar for a short run" '\] [0-9]+/[0-9]+ files' "$T/tty"
else
	skip "progress: script or libfaketime missing"
fi

CASE="unchanged"
cd "$T" || exit 2
diff -r "$T/pristine" "$R" >/dev/null && pass || fail "--check changed the tree"
t_done
