#!/bin/sh
# Command-line contract of tacit and tacit-sanitise: options, exit status,
# bad input, files left behind, injected failures, install.
. "$(dirname "$0")/lib.sh"
PHOTO="$DATA/demo/photo.jpg"

CASE="front end"
expect 0 "tacit --help" "$TACIT" --help
match "help lists sanitise" '^  sanitise ' "$T/out"
expect 0 "tacit -V" "$TACIT" -V
match "version" '^tacit [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
expect 2 "unknown tool" "$TACIT" frobnicate
match "hint" "not a tacit tool; see 'tacit --help'" "$T/err"
expect 2 "no tool" "$TACIT"
cp "$PHOTO" "$T/a.jpg"
expect 1 "sanitize alias" "$TACIT" sanitize --check "$T/a.jpg"
expect 1 "sanitise via front end" "$TACIT" sanitise --check "$T/a.jpg"
if ldd "$SAN" 2>/dev/null | grep -q curl; then
	fail "tacit-sanitise links libcurl"
else
	pass
fi

CASE="options"
expect 0 "--help" "$SAN" --help
match "help synopsis" '^usage: tacit sanitise' "$T/out"
expect 2 "bad option" "$SAN" --frobnicate
match "usage on stderr" '^usage: tacit sanitise' "$T/err"
expect 2 "bad severity" "$SAN" --check --fail-on extreme "$T/a.jpg"
expect 2 "-o with two inputs" "$SAN" -o "$T/x.jpg" "$T/a.jpg" "$T/a.jpg"
expect 2 "--show-values without --check" "$SAN" --show-values "$T/a.jpg"
same "$PHOTO" "$T/a.jpg" "usage errors change nothing"

CASE="check"
expect 1 "findings at medium" "$SAN" --check "$T/a.jpg"
match "gps listed" 'high +exif-gps +EXIF GPSLatitude$' "$T/out"
nomatch "no values by default" 'Alex Example|SN1234567|52, 30' "$T/out"
expect 1 "--fail-on high" "$SAN" --check --fail-on high "$T/a.jpg"
expect 1 "--show-values" "$SAN" --check --show-values "$T/a.jpg"
match "values shown" 'BodySerialNumber = SN1234567' "$T/out"
expect 1 "--json" "$SAN" --check --json "$T/a.jpg"
if python3 -m json.tool "$T/out" >/dev/null 2>&1; then pass; else fail "invalid JSON"; fi
match "json finding" '"rule":"exif-gps","severity":"high"' "$T/out"
nomatch "json without values" 'SN1234567' "$T/out"
same "$PHOTO" "$T/a.jpg" "--check changes nothing"
printf 'version: 1\nrules:\n  - id: all-info\n    severity: info\n    container: "*"\n' >"$T/rules.yaml"
expect 0 "--rules override" "$SAN" --check --rules "$T/rules.yaml" "$T/a.jpg"
match "custom rule id" 'all-info' "$T/out"
printf 'version: 1\nrules:\n  - id: x\n    severity: dire\n    container: "*"\n' >"$T/bad.yaml"
expect 2 "bad rules file" "$SAN" --check --rules "$T/bad.yaml" "$T/a.jpg"
match "rules error" 'cannot load rules: .*severity' "$T/err"

CASE="clean"
chmod 640 "$T/a.jpg"
expect 0 "clean in place" "$SAN" "$T/a.jpg"
if [ "$(stat -c %a "$T/a.jpg")" = 640 ]; then pass; else fail "mode not kept"; fi
expect 0 "clean file passes check" "$SAN" --check "$T/a.jpg"
cp "$T/a.jpg" "$T/a2.jpg"
touch -d '2001-01-01' "$T/a.jpg"
expect 0 "clean again" "$SAN" "$T/a.jpg"
same "$T/a.jpg" "$T/a2.jpg" "idempotent"
if [ "$(stat -c %Y "$T/a.jpg")" = "$(date -d 2001-01-01 +%s)" ]; then
	pass
else
	fail "an already clean file was rewritten"
fi
expect 0 "filter" sh -c '"$0" <"$1" >"$2"' "$SAN" "$PHOTO" "$T/f.jpg"
same "$T/a.jpg" "$T/f.jpg" "filter output equals in-place output"
expect 0 "filter with -" sh -c 'cat "$1" | "$0" - >"$2"' "$SAN" "$PHOTO" "$T/g.jpg"
same "$T/a.jpg" "$T/g.jpg" "pipe output equals in-place output"
expect 0 "-o" "$SAN" -o "$T/o.jpg" "$PHOTO"
same "$T/a.jpg" "$T/o.jpg" "-o output equals in-place output"
expect 0 "-o -" sh -c '"$0" -o - "$1" >"$2"' "$SAN" "$PHOTO" "$T/h.jpg"
same "$T/a.jpg" "$T/h.jpg" "-o - writes stdout"
cp "$PHOTO" "$T/-rf.jpg"
expect 0 "name starting with -" sh -c 'cd "$1" && "$0" -- -rf.jpg' "$SAN" "$T"
same "$T/a.jpg" "$T/-rf.jpg" "dash name cleaned"
cp "$PHOTO" "$T/target.jpg"
ln -s target.jpg "$T/link.jpg"
expect 0 "through a symlink" "$SAN" "$T/link.jpg"
if [ -L "$T/link.jpg" ]; then pass; else fail "symlink replaced by a file"; fi
same "$T/a.jpg" "$T/target.jpg" "symlink target cleaned"
mkdir -p "$T/tree/sub" "$T/outside"
cp "$PHOTO" "$T/tree/sub/p.jpg"
cp "$PHOTO" "$T/outside/q.jpg"
echo "just text" >"$T/tree/notes.txt"
ln -s ../outside/q.jpg "$T/tree/sub/q.jpg"
ln -s ../outside "$T/tree/outlink"
expect 0 "-r" "$SAN" -r "$T/tree"
same "$T/a.jpg" "$T/tree/sub/p.jpg" "-r cleaned a file"
same "$PHOTO" "$T/outside/q.jpg" "-r never follows symlinks"
expect 1 "-r --check" "$SAN" -r --check "$T/outside"
no_temp "$T/tree/sub"
cp "$PHOTO" "$T/m1.jpg"
cp "$PHOTO" "$T/m2.jpg"
expect 0 "batch" "$SAN" "$T/m1.jpg" "$T/m2.jpg"
same "$T/a.jpg" "$T/m1.jpg" "batch file 1"
same "$T/a.jpg" "$T/m2.jpg" "batch file 2"

CASE="bad input"
mkdir "$T/bad"
: >"$T/bad/empty.jpg"
echo "hello, world" >"$T/bad/text.jpg"
printf '%%PDF-1.4\n1 0 obj\n<<>>\nendobj\n' >"$T/bad/doc.jpg"
size=$(stat -c %s "$PHOTO")
for cut in 1 3 20 200 $((size / 2)) $((size - 2)) $((size - 1)); do
	head -c "$cut" "$PHOTO" >"$T/bad/cut$cut.jpg"
done
cp -r "$T/bad" "$T/bad.orig"
for f in "$T"/bad/*; do
	expect 2 "$(basename "$f")" "$SAN" "$f"
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^tacit-sanitise: cannot clean '$f': " "$T/err"; then
		pass
	else
		fail "$(basename "$f"): not one clear line: $(cat "$T/err")"
	fi
	expect 2 "check $(basename "$f")" "$SAN" --check "$f"
done
"$SAN" "$T/bad/doc.jpg" 2>"$T/err"
match "type named" 'unsupported file type: PDF document' "$T/err"
"$SAN" "$T/bad/text.jpg" 2>"$T/err"
match "text named" 'unsupported file type: ASCII text' "$T/err"
"$SAN" "$T/bad/empty.jpg" 2>"$T/err"
match "empty named" 'unsupported file type: empty' "$T/err"
"$SAN" "$T/bad/cut200.jpg" 2>"$T/err"
match "truncation named" 'malformed JPEG: truncated' "$T/err"
for f in "$T"/bad.orig/*; do
	same "$f" "$T/bad/$(basename "$f")" "bad input left as it was"
done
no_temp "$T/bad"
cp "$PHOTO" "$T/good.jpg"
expect 2 "errors outrank, others processed" "$SAN" "$T/bad/text.jpg" "$T/good.jpg"
same "$T/a.jpg" "$T/good.jpg" "the good file was cleaned"
expect 2 "a directory" "$SAN" "$T/tree"
match "directory message" 'Is a directory' "$T/err"
expect 2 "/dev/zero" "$SAN" /dev/zero
# Refused at once, not after filling the disk with a spool of zeros.
expect 2 "stdin /dev/zero" timeout 20 sh -c '"$0" </dev/zero >/dev/null' "$SAN"
match "stdin type named" "cannot clean '\(standard input\)': unsupported file type: data" "$T/err"
expect 2 "missing file" "$SAN" "$T/nope.jpg"
match "missing message" "cannot open '.*nope.jpg': No such file" "$T/err"

CASE="output errors"
expect 2 "filter to /dev/full" sh -c '"$0" <"$1" >/dev/full' "$SAN" "$PHOTO"
expect 2 "-o /dev/full" "$SAN" -o /dev/full "$PHOTO"
expect 2 "check to /dev/full" sh -c '"$0" --check "$1" >/dev/full' "$SAN" "$PHOTO"
expect 2 "help to /dev/full" sh -c '"$0" --help >/dev/full' "$SAN"
expect 2 "front-end help to /dev/full" sh -c '"$0" --help >/dev/full' "$TACIT"

CASE="read-only directory"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	AS=""
fi
mkdir "$T/ro"
cp "$PHOTO" "$T/ro/p.jpg"
chmod 755 "$T"
chmod 555 "$T/ro"
chmod 666 "$T/ro/p.jpg"
if [ "$(id -u)" -eq 0 ] && [ -z "$AS" ]; then
	skip "read-only directory (root without setpriv)"
else
	expect 2 "read-only directory" $AS "$SAN" "$T/ro/p.jpg"
	match "read-only message" 'cannot create a temporary file' "$T/err"
	same "$PHOTO" "$T/ro/p.jpg" "read-only: original untouched"
fi
chmod 755 "$T/ro"

CASE="injected failures"
# inject SYSCALL:SPEC WANT1 WANT2: the two files end as old (the original)
# or new (cleaned); never anything else, never a temp file left.
inject() {
	cp "$PHOTO" "$T/i.jpg"
	cp "$PHOTO" "$T/j.jpg"
	# LeakSanitizer cannot work under ptrace: off for these runs.
	expect 2 "inject $1" env ASAN_OPTIONS=detect_leaks=0 strace -f \
	    -o /dev/null -e inject="$1" "$SAN" "$T/i.jpg" "$T/j.jpg"
	for pair in "i.jpg $2" "j.jpg $3"; do
		set -- "$1" ${pair}
		if [ "$3" = old ]; then want="$PHOTO"; else want="$T/a.jpg"; fi
		same "$want" "$T/$2" "$1: $2 should be $3"
	done
	no_temp "$T"
}
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	# The first file fails, the second is still cleaned.
	# The openat that creates the first temporary file, counted.
	cp "$PHOTO" "$T/i.jpg"
	cp "$PHOTO" "$T/j.jpg"
	n=$(ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/stdout -e trace=openat "$SAN" "$T/i.jpg" \
	    "$T/j.jpg" | grep -n '\.tacit-' | head -n 1 | cut -d: -f1)
	inject "openat:error=ENOSPC:when=${n:-1}" old new
	inject write:error=ENOSPC:when=1 old new
	inject write:error=EIO:when=2 new old
	inject fchmod:error=EPERM:when=1 old new
	# Nothing is renamed until the data is on disk.
	inject syncfs:error=EIO old old
	inject rename:error=EIO old old
	inject rename:error=EXDEV:when=2 new old
	# Renamed already; the directory sync failing is still an error.
	inject fsync:error=EIO new new
	# One file alone is fsynced, not its file system.
	cp "$PHOTO" "$T/i.jpg"
	expect 2 "inject fsync, one file" env ASAN_OPTIONS=detect_leaks=0 \
	    strace -o /dev/null -e inject=fsync:error=EIO:when=1 "$SAN" "$T/i.jpg"
	same "$PHOTO" "$T/i.jpg" "fsync failure: original intact"
	no_temp "$T"
else
	skip "strace cannot run here"
fi

CASE="review findings"
# -o - with a report: the report must not end up in the image.
expect 0 "-o - --json -v" sh -c '"$0" --json -v -o - "$1" >"$2"' "$SAN" "$PHOTO" "$T/r.jpg"
same "$T/a.jpg" "$T/r.jpg" "-o - output is only the image"
if python3 -m json.tool "$T/err" >/dev/null 2>&1; then pass; else fail "report on stderr is not JSON"; fi
# Errors are in the JSON document too.
expect 2 "--json with an error" "$SAN" --check --json "$T/bad/text.jpg" "$PHOTO"
match "error entry" '"status":"error","error":"unsupported file type' "$T/out"
match "error count" '"errors":1' "$T/out"
# A FIFO is refused, not waited on.
mkfifo "$T/fifo.jpg"
expect 2 "fifo" timeout 10 "$SAN" "$T/fifo.jpg"
expect 2 "fifo --check" timeout 10 "$SAN" --check "$T/fifo.jpg"
expect 2 "fifo rules" timeout 10 "$SAN" --check --rules "$T/fifo.jpg" "$PHOTO"
rm -f "$T/fifo.jpg"
# Names that would drive the terminal are shown with '?'.
esc=$(printf 'x\033]0;pwned\007y.jpg')
echo text >"$T/$esc"
expect 2 "escape in a name" "$SAN" "$T/$esc"
if grep -q "$(printf '\033')" "$T/err"; then fail "escape reached stderr"; else pass; fi
rm -f "$T/$esc"
# -o through a symbolic link writes its target and keeps the link.
cp "$PHOTO" "$T/real.jpg"
ln -s real.jpg "$T/olink.jpg"
expect 0 "-o to a link" "$SAN" -o "$T/olink.jpg" "$PHOTO"
if [ -L "$T/olink.jpg" ]; then pass; else fail "-o replaced the link"; fi
same "$T/a.jpg" "$T/real.jpg" "-o link target cleaned"
# A closed pipe: every file is still cleaned, nothing left behind.
mkdir "$T/pipe"
for n in 1 2 3 4 5 6; do cp "$PHOTO" "$T/pipe/$n.jpg"; done
"$SAN" -r -v "$T/pipe" | head -n 1 >/dev/null
for n in 1 2 3 4 5 6; do same "$T/a.jpg" "$T/pipe/$n.jpg" "closed pipe: file $n"; done
no_temp "$T/pipe"
# Killed part-way: each file is the original or fully cleaned.
mkdir "$T/kill"
for n in $(seq 1 300); do cp "$PHOTO" "$T/kill/$n.jpg"; done
"$SAN" "$T"/kill/*.jpg 2>/dev/null &
pid=$!
sleep 0.1
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
bad=0
for f in "$T"/kill/*.jpg; do
	cmp -s "$f" "$PHOTO" || cmp -s "$f" "$T/a.jpg" || bad=$((bad + 1))
done
if [ "$bad" -eq 0 ]; then pass; else fail "SIGTERM: $bad files neither old nor new"; fi
no_temp "$T/kill"
# A file replaced by someone else while it is being cleaned is theirs.
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	cp "$PHOTO" "$T/i.jpg"
	cp "$PHOTO" "$T/j.jpg"
	(sleep 1; echo theirs >"$T/i.new"; mv "$T/i.new" "$T/i.jpg") &
	expect 2 "changed while cleaning" env ASAN_OPTIONS=detect_leaks=0 \
	    strace -f -o /dev/null -e inject=syncfs:delay_enter=3000000 \
	    "$SAN" "$T/i.jpg" "$T/j.jpg"
	wait
	match "changed message" "i.jpg': changed while being rewritten" "$T/err"
	if [ "$(cat "$T/i.jpg")" = theirs ]; then pass; else fail "their file was overwritten"; fi
	same "$T/a.jpg" "$T/j.jpg" "the other file was cleaned"
	no_temp "$T"
else
	skip "strace cannot run here"
fi

CASE="install"
if make -s -C "$TOP" install PREFIX="$T/inst" BIN="$BIN" >/dev/null 2>"$T/ierr"; then
	pass
	cp "$PHOTO" "$T/inst.jpg"
	expect 0 "installed front end" "$T/inst/bin/tacit" sanitise "$T/inst.jpg"
	same "$T/a.jpg" "$T/inst.jpg" "installed tool cleans"
	for f in share/man/man1/tacit.1 share/man/man1/tacit-sanitise.1 \
	    lib/libtacit.a lib/pkgconfig/tacit.pc include/tacit/meta.h \
	    share/tacit/rules/metadata.yaml; do
		if [ -f "$T/inst/$f" ]; then pass; else fail "not installed: $f"; fi
	done
else
	fail "make install: $(head -c 300 "$T/ierr")"
fi

t_done
