#!/bin/sh
# sanitise --git: the files git tracks, and nothing else.
. "$(dirname "$0")/lib.sh"
CASE="--git"
if ! command -v git >/dev/null 2>&1; then
	skip "git not installed"
	t_done
	exit 0
fi
PHOTO="$DATA/demo/photo.jpg"
R="$T/repo"
mkdir -p "$R/sub" && cd "$R" || exit 2
git init -q . && git config user.email t@example.org && git config user.name t
cp "$PHOTO" tracked.jpg
cp "$PHOTO" untracked.jpg
cp "$PHOTO" sub/deep.jpg
cp "$PHOTO" gone.jpg
printf 'notes\n' >notes.txt
cp "$PHOTO" "$T/outside.jpg"
ln -s "$T/outside.jpg" link.jpg
git add tracked.jpg sub/deep.jpg gone.jpg notes.txt link.jpg
rm gone.jpg
expect 1 "--check --git finds the tracked photos" "$SAN" --check --git
match "tracked.jpg listed" '^tracked\.jpg: ' "$T/out"
match "sub/deep.jpg listed" '^sub/deep\.jpg: ' "$T/out"
nomatch "untracked.jpg not listed" '^untracked\.jpg' "$T/out"
nomatch "a link is never followed" '^link\.jpg' "$T/out"
nomatch "text skipped quietly" 'notes\.txt' "$T/out"
nomatch "text skipped quietly (stderr)" 'notes\.txt' "$T/err"
nomatch "a tracked file gone from the tree is ignored" 'gone\.jpg' "$T/err"
(cd sub && "$SAN" --check --git) >"$T/out" 2>"$T/err"
match "from a subdirectory, its files" '^deep\.jpg: ' "$T/out"
nomatch "and only those" '^tracked\.jpg' "$T/out"
(cd sub && "$SAN" --check -q --format sarif --git) >"$T/out" 2>"$T/err"
match "SARIF from a subdirectory: paths from the top" '"uri":"sub/deep\.jpg","uriBaseId":"%SRCROOT%"' "$T/out"
printf 'sub/deep.jpg\n' >.tacitignore
(cd sub && "$SAN" --check --git) >"$T/out" 2>"$T/err"
nomatch "the top's .tacitignore applies from a subdirectory" 'deep\.jpg' "$T/out"
match "... and the summary says so" ', 1 ignored' "$T/err"
rm .tacitignore
expect 2 "--git with a FILE" "$SAN" --check --git tracked.jpg
expect 2 "--git with -o" "$SAN" --git -o x.jpg
cp tracked.jpg "$T/before.jpg"
expect 0 "--git cleans the tracked photos in place" "$SAN" --git
expect 0 "... and then they are clean" "$SAN" --check --git
same untracked.jpg "$PHOTO" "the untracked photo untouched"
same "$T/outside.jpg" "$PHOTO" "the link's target untouched"
# A tracked directory replaced by a link since: never followed.
mkdir -p "$T/elsewhere/sub" && cp "$PHOTO" "$T/elsewhere/sub/deep.jpg"
mv sub sub.real && ln -s "$T/elsewhere/sub" sub
cp "$T/elsewhere/sub/deep.jpg" "$T/before-link.jpg"
expect 0 "--git does not follow a link on the way" "$SAN" --git
same "$T/elsewhere/sub/deep.jpg" "$T/before-link.jpg" "... the file beyond it untouched"
rm sub && mv sub.real sub
cd "$T" || exit 2
expect 2 "outside a git work tree" "$SAN" --check --git
match "the reason" "not in a git work tree" "$T/err"
t_done
