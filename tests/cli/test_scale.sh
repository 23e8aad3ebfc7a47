#!/bin/sh
# sanitise --check at repository scale: a generated tree of ~2,000 files
# (tests/gentree.py) checked with -j1 and -j2, a baseline round trip, and
# --git seeing tracked files only.
. "$(dirname "$0")/lib.sh"
CASE="scale"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
G="$T/gen"
"$PY" "$TOP/tests/gentree.py" "$G" --files 2000 >"$T/manifest.json" ||
	{ fail "gentree.py failed"; t_done; exit 0; }
get() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/manifest.json" "$1"; }
cp -R "$G" "$T/pristine"
cd "$G" || exit 2
for f in text json sarif; do
	for j in 1 2; do
		"$SAN" --check -j $j --format $f -r . >"$T/r$j.$f" 2>"$T/e$j.$f"
		echo $? >"$T/rc$j.$f"
	done
	same "$T/r1.$f" "$T/r2.$f" "-j1 and -j2: the same $f report"
	same "$T/rc1.$f" "$T/rc2.$f" "-j1 and -j2: the same exit status ($f)"
done
[ "$(cat "$T/rc1.text")" = 1 ] && pass || fail "findings: exit $(cat "$T/rc1.text")"
# The summaries agree but for the time.
sed 's/in [0-9.]* s/in T s/' "$T/e1.text" >"$T/e1"
sed 's/in [0-9.]* s/in T s/' "$T/e2.text" >"$T/e2"
same "$T/e1" "$T/e2" "-j1 and -j2: the same summary"
cut -d: -f1 "$T/r1.text" | uniq | LC_ALL=C sort -c 2>/dev/null &&
	pass || fail "the text report is in path order"
# What the generator planted: every file is in the JSON report once,
# except those .tacitignore removes; images are checked, the rest skipped.
"$PY" - "$T/r1.json" "$T/manifest.json" >"$T/counts" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
files = r["files"]
paths = [f["path"] for f in files]
st = {}
for f in files:
    st[f["status"]] = st.get(f["status"], 0) + 1
images = m["images_dirty"] + m["images_clean"] - m["images_ignored"]
print("sorted", paths == sorted(paths, key=lambda p: p.encode()))
print("unique", len(paths) == len(set(paths)))
print("listed", len(files) == m["files"] - m["files_ignored"])
print("scanned", st.get("scanned", 0) + st.get("error", 0) == images)
print("vendor", not any("/vendor/" in p for p in paths))
print("links", not any(p.endswith("-link") for p in paths))
PYEOF
for k in sorted unique listed scanned vendor links; do
	grep -q "^$k True$" "$T/counts" && pass || fail "report: $k ($(cat "$T/counts" | tr '\n' ' '))"
done
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	"$PY" "$TOP/tests/sarif-validate.py" "$T/r1.sarif" >"$T/val" 2>&1 &&
		pass || fail "SARIF not valid: $(head -c 300 "$T/val")"
else
	skip "SARIF validation: python3-jsonschema not installed"
fi

CASE="scale baseline"
expect 0 "--write-baseline over the tree" "$SAN" --check -q -j2 -r . --write-baseline "$T/base.json"
expect 0 "a clean run against it" "$SAN" --check -q -j2 -r . --baseline "$T/base.json"
cp "$DATA/demo/photo.jpg" "deep/d2/d3/d4/d5/d6/new photo.jpg"
expect 1 "a new photo fails" "$SAN" --check -q -j2 -r . --baseline "$T/base.json"
grep -v -e '(baseline)$' -e ': clean$' -e ': info ' "$T/out" | cut -d: -f1 | sort -u >"$T/new"
printf './deep/d2/d3/d4/d5/d6/new photo.jpg\n' >"$T/want"
same "$T/new" "$T/want" "... only the new photo is reported as new"
rm "deep/d2/d3/d4/d5/d6/new photo.jpg"

CASE="scale --git"
if command -v git >/dev/null 2>&1; then
	git init -q . && git config user.email t@example.org && git config user.name t
	# Track everything but one directory of images and one photo.
	git add -A . >/dev/null 2>&1
	git rm -q --cached -r camera >/dev/null 2>&1
	git rm -q --cached a/photo.jpg >/dev/null 2>&1 || true
	git ls-files -z | tr '\0' '\n' | sort >"$T/tracked"
	expect 1 "--check --git" "$SAN" --check -q --json --git
	"$PY" - "$T/out" "$T/tracked" >"$T/git" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
tracked = set(open(sys.argv[2]).read().splitlines())
paths = [f["path"] for f in r["files"]]
print("tracked", all(p in tracked for p in paths))
print("camera", not any(p.startswith("camera/") for p in paths))
print("some", len(paths) > 100)
PYEOF
	for k in tracked camera some; do
		grep -q "^$k True$" "$T/git" && pass || fail "--git: $k"
	done
	expect 1 "--git -j1" "$SAN" --check -q -j1 --git
	cp "$T/out" "$T/g1"
	expect 1 "--git -j2" "$SAN" --check -q -j2 --git
	same "$T/g1" "$T/out" "--git: -j1 and -j2 the same"
	rm -rf .git
else
	skip "git not installed"
fi
cd "$T" || exit 2
diff -r --no-dereference "$T/pristine" "$G" >/dev/null && pass || fail "--check changed the tree"
t_done
