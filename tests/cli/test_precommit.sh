#!/bin/sh
# The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself
# on real commits: tacit-check fails a dirty photo, tacit-sanitise cleans it
# so that the next commit passes, and .tacitignore is obeyed.
. "$(dirname "$0")/lib.sh"
CASE="pre-commit"
if ! command -v pre-commit >/dev/null 2>&1 || ! command -v git >/dev/null 2>&1; then
	skip "pre-commit or git not installed"
	t_done
	exit 0
fi
PHOTO="$DATA/demo/photo.jpg"
export PRE_COMMIT_HOME="$T/pc" PATH="$BIN:$PATH"
export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global user.email t@example.org
git config --global user.name t
git config --global init.defaultBranch main
# The hooks, as a repository of their own (what users point pre-commit at).
H="$T/hooks"
mkdir -p "$H" && cp "$TOP/.pre-commit-hooks.yaml" "$H/"
(cd "$H" && git init -q . && git add . && git commit -qm hooks) || exit 2
REV=$(cd "$H" && git rev-parse HEAD)

# repo NAME HOOK...: a repository whose commits run these hooks.
repo() {
	r="$T/$1"
	shift
	mkdir -p "$r" && cd "$r" || exit 2
	git init -q .
	{
		echo "repos:"
		echo "  - repo: file://$H"
		echo "    rev: $REV"
		echo "    hooks:"
		for h in "$@"; do echo "      - id: $h"; done
	} >.pre-commit-config.yaml
	git add .pre-commit-config.yaml && git commit -qm config --no-verify
	pre-commit install >/dev/null 2>&1 || fail "pre-commit install"
}

repo check tacit-check
printf 'notes\n' >notes.txt
git add notes.txt
expect 0 "a commit without images passes" git commit -qm notes
cp "$PHOTO" dirty.jpg
git add dirty.jpg
expect 1 "tacit-check fails a photo with GPS" git commit -qm dirty
cat "$T/out" "$T/err" >"$T/both"
match "... naming the file" 'dirty\.jpg: high +exif-gps' "$T/both"
nomatch "... and no value" 'GPSLatitude = ' "$T/both"
same "$PHOTO" dirty.jpg "tacit-check changes nothing"
git reset -q dirty.jpg && rm dirty.jpg
mkdir -p maps && cp "$PHOTO" maps/where.jpg
printf 'maps/\n' >.tacitignore
git add .tacitignore maps/where.jpg
expect 0 "a photo .tacitignore names passes" git commit -qm maps

repo clean tacit-sanitise
cp "$PHOTO" photo.jpg
cp "$DATA/fixtures/png-rgb8.png" pic.png
git add photo.jpg pic.png
expect 1 "tacit-sanitise fails the first commit" git commit -qm photos
cat "$T/out" "$T/err" >"$T/both"
match "... because it changed the files" 'files were modified by this hook' "$T/both"
"$SAN" --check -q photo.jpg pic.png >/dev/null 2>&1
[ $? = 0 ] && pass || fail "the files were cleaned in place"
git add photo.jpg pic.png
expect 0 "the second commit passes" git commit -qm photos
git show HEAD:photo.jpg >"$T/committed.jpg"
expect 0 "what was committed is clean" "$SAN" --check "$T/committed.jpg"
t_done
