#!/bin/sh
# tacit expire: the sweeper (only expired sealed files go, everything else
# byte-identical), --list, --json, and ratcheting epoch identities, also
# two at once and killed half-way.  The clock moves with libfaketime.
. "$(dirname "$0")/lib.sh"
SEAL="$BIN/tacit-seal"
OPEN="$BIN/tacit-open"
KEYGEN="$BIN/tacit-keygen"
EXPIRE="$BIN/tacit-expire"
TOP=$(cd "$TOP" && pwd)
cd "$T" || exit 2

if [ ! -x "$EXPIRE" ]; then
	skip "tacit-expire not built"
	t_done
	exit 0
fi
have() { command -v "$1" >/dev/null 2>&1; }
have_python=0
have python3 && python3 -c 'import json' 2>/dev/null && have_python=1

# utc T: a Unix time as tacit prints it.
utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# expiry_of FILE: the time in its stanza (binary or armored).
expiry_of() {
	if head -c 5 "$1" | grep -q -- '-----'; then
		sed '1d;$d' "$1" | base64 -d
	else
		cat "$1"
	fi | LC_ALL=C sed -n 's/^-> tacit\/expires \([0-9]*\)$/\1/p'
}
# gone FILE DESCRIPTION / kept FILE ORIGINAL DESCRIPTION
gone() {
	if [ -e "$1" ] || [ -L "$1" ]; then fail "$2: $1 still there"; else pass; fi
}
kept() {
	if [ -f "$1" ] && [ ! -L "$1" ]; then same "$2" "$1" "$3"; else fail "$3: $1 is gone"; fi
}
is_empty() {
	if [ -f "$1" ] && [ ! -s "$1" ]; then pass; else fail "$2: $(head -c 300 "$1")"; fi
}
# line_is N FILE ERE DESCRIPTION: line N of FILE matches ERE.
line_is() {
	sed -n "$1p" "$2" >"$T/line"
	match "$4" "$3" "$T/line"
}
# lines_are FILE DESCRIPTION LINE...: FILE holds exactly these lines.
lines_are() {
	l_file=$1 l_desc=$2
	shift 2
	if [ $# -eq 0 ]; then : >"$T/want"; else printf '%s\n' "$@" >"$T/want"; fi
	if cmp -s "$T/want" "$l_file"; then
		pass
	else
		fail "$l_desc: got '$(head -c 400 "$l_file")', wanted '$(cat "$T/want")'"
	fi
}

printf 'meet at noon\n' >msg
"$KEYGEN" -o me.key 2>/dev/null
R=$("$KEYGEN" -y me.key)

CASE="usage"
expect 2 "no PATH" "$EXPIRE"
match "usage on stderr" '^usage: tacit expire' "$T/err"
expect 2 "--keys with -r" "$EXPIRE" --keys -r me.key
expect 2 "--list with -n" "$EXPIRE" --list -n msg
expect 2 "an unknown option" "$EXPIRE" --frobnicate msg
expect 0 "--help" "$EXPIRE" --help
match "help synopsis" '^usage: tacit expire \[-r\] \[-n\] \[--json\] PATH\.\.\.$' "$T/out"
expect 0 "--version" "$EXPIRE" -V
match "version" '^tacit [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
expect 0 "through the front end" "$BIN/tacit" expire --help
# The man page's synopsis is the one --help prints.
"$EXPIRE" --help | sed -n '/^usage: /,/^$/p' | sed '/^$/d' |
    sed 's/^usage: //; s/^ *//' >"$T/help.syn"
sed -n '/^# SYNOPSIS/,/^# DESCRIPTION/p' "$TOP/docs/tacit-expire.1.scd" |
    sed '1d;$d;/^$/d' | sed 's/++$//; s/[*_]//g; s/\\//g' >"$T/man.syn"
same "$T/help.syn" "$T/man.syn" "man page synopsis matches --help"

CASE="sweep"
mkdir -p box/sub/deep outside/dir
"$SEAL" --expire 1h -r "$R" -o box/exp.age msg
"$SEAL" --expire 1h -a -r "$R" -o box/exp.asc msg
"$SEAL" --expire 1h -r "$R" -o box/sub/deep/exp2.age msg
"$SEAL" --expire 3h -r "$R" -o box/later.age msg
"$SEAL" -r "$R" -o box/noexp.age msg
"$SEAL" -a -r "$R" -o box/noexp.asc msg
"$SEAL" --expire 1h -r "$R" -o outside/target.age msg
"$SEAL" --expire 1h -r "$R" -o outside/dir/inner.age msg
printf 'age-encryption.org/v1\n-> tacit/expires 1\n' >box/fake.age
head -c 100 box/exp.age >box/truncated.age
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' >box/cert.pem
cp msg box/plain.txt
: >box/empty
head -c 70000 /dev/urandom >box/random.bin
ln -s ../outside/target.age box/link.age
ln -s ../outside/dir box/dirlink
cp -a box box.orig
cp -a outside outside.orig
have_fifo=0
mkfifo box/fifo 2>/dev/null && have_fifo=1
if [ -n "$(expiry_of box/exp.age)" ] && [ -n "$(expiry_of box/exp.asc)" ]; then
	pass
else
	fail "seal --expire wrote no stanza"
fi
E1=$(utc "$(expiry_of box/exp.age)")
E2=$(utc "$(expiry_of box/exp.asc)")
E3=$(utc "$(expiry_of box/sub/deep/exp2.age)")
E4=$(utc "$(expiry_of box/later.age)")
others="fake.age truncated.age cert.pem plain.txt empty random.bin noexp.age
noexp.asc"

expect 0 "sweep before the expiry" timeout 20 "$EXPIRE" -r box
is_empty "$T/out" "nothing reported before the expiry"
for f in exp.age exp.asc later.age $others sub/deep/exp2.age; do
	kept "box/$f" "box.orig/$f" "before the expiry, $f"
done
expect 2 "a directory without -r" "$EXPIRE" box
match "directory message" "cannot read 'box': Is a directory \(use -r\)" "$T/err"

if [ $have_faketime = 1 ]; then
	expect 0 "-n after the expiry" later '+2h' timeout 20 "$EXPIRE" -n -r box
	lines_are "$T/out" "-n lists what would go" \
	    "would delete box/exp.age (expired $E1)" \
	    "would delete box/exp.asc (expired $E2)" \
	    "would delete box/sub/deep/exp2.age (expired $E3)"
	for f in exp.age exp.asc sub/deep/exp2.age; do
		kept "box/$f" "box.orig/$f" "-n deletes nothing, $f"
	done

	expect 0 "sweep after the expiry" later '+2h' timeout 20 "$EXPIRE" -r box
	lines_are "$T/out" "deleted lines" \
	    "deleted box/exp.age (expired $E1)" \
	    "deleted box/exp.asc (expired $E2)" \
	    "deleted box/sub/deep/exp2.age (expired $E3)"
	gone box/exp.age "expired binary file"
	gone box/exp.asc "expired armored file"
	gone box/sub/deep/exp2.age "expired file two levels down"
	kept box/later.age box.orig/later.age "not yet expired"
	for f in $others; do
		kept "box/$f" "box.orig/$f" "never touched: $f"
	done
	if [ -L box/link.age ] && [ -L box/dirlink ]; then pass; else fail "a symbolic link was removed"; fi
	same outside.orig/target.age outside/target.age "a link to an expired file is not followed"
	same outside.orig/dir/inner.age outside/dir/inner.age "a link to a directory is not followed"
	if [ $have_fifo = 0 ] || [ -p box/fifo ]; then pass; else fail "the FIFO is gone"; fi
	if [ -d box/sub/deep ]; then pass; else fail "a directory was removed"; fi
	no_temp box

	expect 0 "sweep later still" later '+4h' "$EXPIRE" -r box
	lines_are "$T/out" "the later one goes later" \
	    "deleted box/later.age (expired $E4)"
	for f in $others; do
		kept "box/$f" "box.orig/$f" "still never touched: $f"
	done

	# Files named on the command line; a link named there is not
	# followed either.
	"$SEAL" --expire 1h -r "$R" -o one.age msg
	"$SEAL" --expire 1h -r "$R" -o two.age msg
	ln -s one.age named-link.age
	"$SEAL" --expire 1h -r "$R" -o ./-rf msg
	expect 0 "files named, one a link" later '+2h' "$EXPIRE" \
	    named-link.age two.age
	gone two.age "a named expired file"
	if [ -f one.age ] && [ -L named-link.age ]; then pass; else fail "a named link was followed"; fi
	expect 0 "-- then a file named -rf" later '+2h' "$EXPIRE" -- -rf
	gone ./-rf "a file named -rf"
	expect 2 "a missing path does not stop the others" later '+2h' \
	    "$EXPIRE" missing.age one.age
	match "missing message" "cannot read 'missing.age': No such file or directory" "$T/err"
	gone one.age "the path after a missing one"
	expect 2 "standard input is not swept" "$EXPIRE" - <msg

	# A malformed expiry: warned about and left; the others still go.
	mkdir bad
	"$SEAL" --expire 1h -r "$R" -o bad/good.age msg
	"$SEAL" --expire 1h -r "$R" -o bad/src.age msg
	LC_ALL=C sed 's/^\(-> tacit\/expires [0-9]*\)$/\1x/' bad/src.age >bad/letter.age
	LC_ALL=C sed 's/^\(-> tacit\/expires \)\([0-9]*\)$/\10\2/' bad/src.age >bad/zero.age
	LC_ALL=C awk '/^-> tacit\/expires /{ print; print "" } { print }' \
	    bad/src.age >bad/twice.age
	rm bad/src.age
	cp -a bad bad.orig
	expect 2 "malformed expiries" later '+2h' "$EXPIRE" -r bad
	match "invalid stanza" "cannot read the expiry of 'bad/letter.age': .*invalid expiry stanza" "$T/err"
	match "leading zero" "cannot read the expiry of 'bad/zero.age'" "$T/err"
	match "two stanzas" "cannot read the expiry of 'bad/twice.age': .*two expiry stanzas" "$T/err"
	gone bad/good.age "an expired file beside malformed ones"
	for f in letter.age zero.age twice.age; do
		kept "bad/$f" "bad.orig/$f" "malformed left as it is: $f"
	done

	# The sweeper reads the expiry without a key: an altered time (whose
	# header MAC now fails) is believed here; tacit open refuses it.
	"$SEAL" --expire 5h -r "$R" -o forged.age msg
	LC_ALL=C sed 's/^\(-> tacit\/expires \)[0-9]*$/\11000000000/' \
	    forged.age >forged2.age
	expect 2 "open refuses the altered expiry" "$OPEN" -i me.key forged2.age
	expect 0 "the sweeper takes it at its word" "$EXPIRE" forged2.age forged.age
	gone forged2.age "altered expiry swept (unauthenticated, documented)"
	if [ -f forged.age ]; then pass; else fail "the unaltered one went"; fi

	# Output that cannot be written: stop deleting at the first failure.
	mkdir full
	for i in 1 2 3; do "$SEAL" --expire 1h -r "$R" -o full/$i.age msg; done
	to_full() { "$@" >/dev/full; }
	expect 2 "a sweep to /dev/full" to_full later '+2h' "$EXPIRE" -r full
	if [ "$(ls full | wc -l)" = 2 ]; then pass; else fail "$(ls full | wc -l) files left after a failed write, wanted 2"; fi
else
	skip "sweeping after the expiry: no working faketime"
fi

CASE="list"
mkdir lst
"$SEAL" --expire 2099-01-01T00:00:00Z -r "$R" -o lst/far.age msg
"$SEAL" --expire 2099-01-01T00:00:00Z -a -r "$R" -o lst/far.asc msg
"$SEAL" -r "$R" -o lst/none.age msg
cp msg lst/plain
cp -a lst lst.orig
expect 0 "--list" "$EXPIRE" --list lst/far.age lst/far.asc lst/none.age \
    lst/plain
lines_are "$T/out" "--list lines" \
    "lst/far.age: expires 2099-01-01T00:00:00Z" \
    "lst/far.asc: expires 2099-01-01T00:00:00Z" \
    "lst/none.age: no expiry" \
    "lst/plain: not a sealed file"
expect 0 "--list -r" "$EXPIRE" -l -r lst
lines_are "$T/out" "--list -r lines" \
    "lst/far.age: expires 2099-01-01T00:00:00Z" \
    "lst/far.asc: expires 2099-01-01T00:00:00Z" \
    "lst/none.age: no expiry" \
    "lst/plain: not a sealed file"
ln -s lst lst.link
expect 0 "a directory named through a link is followed" "$EXPIRE" -l -r lst.link
line_is 1 "$T/out" '^lst\.link/far\.age: expires 2099-01-01T00:00:00Z$' "walked through the named link"
# Nesting is bounded: each level holds a descriptor.
d=deep
i=0
while [ $i -lt 130 ]; do d=$d/d; i=$((i + 1)); done
mkdir -p "$d"
cp lst/far.age deep/d/far.age
expect 2 "too deep" "$EXPIRE" -l -r deep
match "depth message" "too many nested directories" "$T/err"
match "still lists the rest" '^deep/d/far\.age: expires ' "$T/out"
expect 0 "--list of standard input" sh -c '"$0" --list - <"$1"' "$EXPIRE" \
    lst/far.asc
lines_are "$T/out" "--list -" \
    "(standard input): expires 2099-01-01T00:00:00Z"
if [ $have_faketime = 1 ]; then
	expect 0 "--list after the expiry" later '2099-06-01 00:00:00' \
	    "$EXPIRE" --list lst/far.age
	lines_are "$T/out" "--list says expired, deletes nothing" \
	    "lst/far.age: expired 2099-01-01T00:00:00Z"
	same lst.orig/far.age lst/far.age "--list deletes nothing"
else
	skip "--list after the expiry: no working faketime"
fi
expect 0 "--list to /dev/null" "$EXPIRE" --list lst/far.age
expect 2 "--list to /dev/full" sh -c '"$0" --list "$1" >/dev/full' \
    "$EXPIRE" lst/far.age

CASE="json"
mkdir js
"$SEAL" --expire 1h -r "$R" -o js/soon.age msg
"$SEAL" --expire 3h -r "$R" -o js/later.age msg
"$SEAL" -r "$R" -o js/none.age msg
cp msg js/plain
cp msg "js/$(printf 'ctl\001\nname\033[31m')"
cp js/soon.age "js/$(printf 'bad\377utf8 \342\202\254 "q" \\')"
ln -s plain js/link
expect 0 "--json -n" later '+2h' "$EXPIRE" --json -n -r js
if [ $have_python = 1 ] && [ $have_faketime = 1 ]; then
	cp "$T/out" js.out
	expect 0 "the JSON parses and says what it should" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tool"] == "tacit-expire" and isinstance(d["now"], int), d
got = {f["path"]: f for f in d["files"]}
want = {
    "js/soon.age": "would delete", "js/later.age": "kept",
    "js/none.age": "none", "js/plain": "not sealed", "js/link": "skipped",
    "js/ctl\u0001\nname\u001b[31m": "not sealed",
    "js/bad\ufffdutf8 \u20ac \"q\" \\": "would delete",
}
assert {p: f["action"] for p, f in got.items()} == want, got
s = got["js/soon.age"]
assert s["expired"] is True and s["expires"] < d["now"], s
assert s["expires_at"].endswith("Z") and len(s["expires_at"]) == 20, s
l = got["js/later.age"]
assert l["expired"] is False and l["expires"] > d["now"], l
n = got["js/none.age"]
assert n["expires"] is None and n["expires_at"] is None, n
' js.out
	expect 0 "--json sweep" later '+2h' "$EXPIRE" --json -r js
	cp "$T/out" js.out
	expect 0 "deleted in JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
acts = sorted(f["action"] for f in d["files"])
assert acts.count("deleted") == 2 and "would delete" not in acts, acts
' js.out
	gone js/soon.age "--json sweep deletes"
	expect 0 "--json on an empty directory" "$EXPIRE" --json -r box.orig/sub/deep
	cp "$T/out" empty.json
	expect 0 "empty JSON parses" python3 -m json.tool empty.json
	expect 0 "--json with an error" python3 -c '
import json, subprocess, sys
p = subprocess.run([sys.argv[1], "--json", "--list", "no-such"],
                   capture_output=True)
assert p.returncode == 2, p
d = json.loads(p.stdout)
f = d["files"][0]
assert f["action"] == "error" and "No such file" in f["error"], f
' "$EXPIRE"
else
	skip "checking --json: no python3 or no faketime"
	skip "checking --json sweep"
fi
# Text output shows unsafe characters in names as '?': one line a file.
expect 0 "--list with unsafe names" "$EXPIRE" --list -r js
if [ "$(wc -l <"$T/out")" = "$(find js -mindepth 1 -printf x | wc -c)" ]; then pass; else fail "a name broke a line: $(cat "$T/out")"; fi
nomatch "no escape reaches the terminal" "$(printf '\033')" "$T/out"

CASE="failures"
# Injected with strace: nothing half-done is left behind.
if [ -n "$FT_LIB" ] && have strace && strace -f -o /dev/null true 2>/dev/null; then
	nolsan="$ASAN_OPTIONS:detect_leaks=0"
	"$SEAL" --expire 5h -r "$R" -o f.age msg
	LC_ALL=C sed 's/^\(-> tacit\/expires \)[0-9]*$/\11000000000/' \
	    f.age >old.age
	cp old.age old.orig
	expect 2 "unlink fails" env ASAN_OPTIONS="$nolsan" strace -f -o /dev/null \
	    -e inject=unlinkat:error=EACCES "$EXPIRE" old.age
	match "unlink message" "cannot delete 'old.age': Permission denied" "$T/err"
	same old.orig old.age "a file that cannot be deleted stays whole"
	"$KEYGEN" --epochs 1d -o inj.key 2>/dev/null
	cp -p inj.key inj.orig
	for sc in fsync:when=1+ rename,renameat,renameat2:when=1+; do
		expect 2 "ratchet with $sc failing" env ASAN_OPTIONS="$nolsan" \
		    strace -f -o /dev/null -e inject=${sc%%:*}:error=EIO:${sc#*:} \
		    env LD_PRELOAD="$FT_LIB" \
		    FAKETIME=+3d "$EXPIRE" --keys inj.key
		match "ratchet message, $sc" "^tacit-expire: cannot ratchet 'inj.key': " "$T/err"
		same inj.orig inj.key "identity untouched when $sc fails"
		no_temp .
	done
else
	skip "fault injection: no working strace or libfaketime"
fi

if [ "$(id -u)" != 0 ]; then
	cp lst/far.age locked.age
	chmod 000 locked.age
	expect 2 "an unreadable file" "$EXPIRE" --list locked.age lst/none.age
	match "unreadable message" "cannot open 'locked.age': Permission denied" "$T/err"
	match "the next one still listed" '^lst/none\.age: no expiry$' "$T/out"
	chmod 600 locked.age
else
	skip "unreadable files: running as root"
fi

CASE="keys"
# With faketime, the identity is made and ratcheted at fixed times (noon
# UTC), so that no test depends on when it runs: T0 is epoch 21915.
T0='2030-01-01 12:00:00'
day() { printf '2030-01-%02d 12:00:00' $((1 + $1)); }
clock() {
	if [ $have_faketime = 1 ]; then later "$T0" "$@"; else "$@"; fi
}
idx() { sed -n 's/.* index=\([0-9]*\) .*/\1/p' "$1"; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1"; }
expect 0 "keygen --epochs" clock "$KEYGEN" --epochs 1d -o ep.key
cp -p ep.key ep.orig
i0=$(idx ep.key)
expect 0 "ratchet today" clock "$EXPIRE" --keys ep.key
lines_are "$T/out" "already there" "ep.key: already at epoch $i0"
same ep.orig ep.key "a ratchet with nothing to do changes nothing"
if [ "$(stat -c %a ep.key.lock 2>/dev/null)" = 600 ]; then pass; else fail "lock file mode $(stat -c %a ep.key.lock 2>/dev/null)"; fi
expect 2 "not an epoch identity" "$EXPIRE" --keys me.key
match "message" "cannot ratchet 'me.key': not an epoch identity" "$T/err"
expect 2 "a missing identity" "$EXPIRE" --keys no-such.key
printf 'TACIT-EPOCH-IDENTITY-1 period=86400 horizon=86400 index=1 seed=AAAA\n' >broken.key
chmod 600 broken.key
expect 2 "a malformed epoch identity" "$EXPIRE" --keys broken.key
match "malformed message" "cannot ratchet 'broken.key': malformed epoch identity" "$T/err"
if [ $have_faketime = 1 ]; then
	expect 0 "ratchet 3 days on" later "$(day 3)" "$EXPIRE" --keys ep.key
	i3=$((i0 + 3))
	lines_are "$T/out" "ratchet line" \
	    "ep.key: epoch $i3 (keys before $(utc $((i3 * 86400))) destroyed)"
	if [ "$(idx ep.key)" = $i3 ]; then pass; else fail "index $(idx ep.key), wanted $i3"; fi
	if [ "$(field ep.key seed)" != "$(field ep.orig seed)" ]; then pass; else fail "the seed did not change"; fi
	if [ "$(field ep.key sign)" = "$(field ep.orig sign)" ]; then pass; else fail "the signing seed changed"; fi
	mode_ok=$(stat -c %a ep.key)
	if [ "$mode_ok" = 600 ]; then pass; else fail "ratcheted identity mode $mode_ok"; fi
	no_temp .
	expect 0 "the ratcheted identity still parses" later "$(day 3)" \
	    "$KEYGEN" -y ep.key
	cp -p ep.key ep.3d
	expect 0 "clock set back" later '2029-12-22 12:00:00' "$EXPIRE" --keys ep.key
	lines_are "$T/out" "set back: nothing moves" "ep.key: already at epoch $i3"
	same ep.3d ep.key "a clock set back moves nothing"

	# Several identities: one failure does not stop the others.
	cp -p ep.orig a.key
	cp -p ep.orig b.key
	expect 2 "a bad identity among good ones" later "$(day 1)" "$EXPIRE" \
	    --keys a.key me.key b.key
	if [ "$(idx a.key)" = $((i0 + 1)) ] && [ "$(idx b.key)" = $((i0 + 1)) ]; then pass; else fail "not all ratcheted"; fi

	# Through a link: the file it names is replaced, the link stays.
	mkdir keys
	cp -p ep.orig keys/real.key
	ln -s keys/real.key via.key
	expect 0 "ratchet through a link" later "$(day 2)" "$EXPIRE" --keys via.key
	if [ -L via.key ] && [ "$(idx keys/real.key)" = $((i0 + 2)) ]; then pass; else fail "link not handled"; fi
	if [ -f keys/real.key.lock ]; then pass; else fail "no lock beside the target"; fi

	# Readable by others: a warning, and the new file is private.
	cp ep.orig open.key
	chmod 644 open.key
	expect 0 "ratchet a world-readable identity" later "$(day 1)" "$EXPIRE" \
	    --keys open.key
	match "warning" "identity file 'open.key' is readable by other users" "$T/err"
	if [ "$(stat -c %a open.key)" = 600 ]; then pass; else fail "mode $(stat -c %a open.key) after the ratchet"; fi

	# Two ratchets at once, 20 times: always exactly what one ratchet
	# to the later date gives (the chain is deterministic): never
	# corrupt, never moved back to the earlier epoch.
	cp -p ep.orig ref.key
	later "$(day 9)" "$EXPIRE" --keys ref.key >/dev/null
	bad=0
	i=0
	while [ $i -lt 20 ]; do
		cp -p ep.orig race.key
		if [ $((i % 2)) = 0 ]; then s1=$(day 5) s2=$(day 9); else s1=$(day 9) s2=$(day 5); fi
		later "$s1" "$EXPIRE" --keys race.key >/dev/null 2>"$T/e1" &
		p1=$!
		later "$s2" "$EXPIRE" --keys race.key >/dev/null 2>"$T/e2" &
		p2=$!
		wait $p1 || bad=$((bad + 1))
		wait $p2 || bad=$((bad + 1))
		cmp -s ref.key race.key || {
			bad=$((bad + 1))
			echo "race $i: $(cat race.key)" >&2
		}
		i=$((i + 1))
	done
	if [ $bad = 0 ]; then pass; else fail "$bad failures in 20 concurrent ratchets"; fi
	if [ "$(grep -c '^TACIT-EPOCH-IDENTITY-1 ' race.key)" = 1 ]; then pass; else fail "identity lines"; fi
	expect 0 "the raced identity parses" later "$(day 9)" "$KEYGEN" -y race.key
	no_temp .

	# Killed at random moments: the old state or the new one, never
	# anything else (a .tacit-* temp file may stay behind).
	if [ -n "$FT_LIB" ]; then
		cp -p ep.orig ref3.key
		later "$(day 3)" "$EXPIRE" --keys ref3.key >/dev/null
		bad=0 old=0 new=0
		i=0
		while [ $i -lt 40 ]; do
			cp -p ep.orig kill.key
			d=$(awk -v i=$i 'BEGIN { printf "%.4f", (i * 37 % 40) * 0.0004 }')
			env LD_PRELOAD="$FT_LIB" FAKETIME="$(day 3)" \
			    "$EXPIRE" --keys kill.key >/dev/null 2>&1 &
			kp=$!
			sleep "$d"
			kill -KILL $kp 2>/dev/null
			wait $kp 2>/dev/null
			# What libfaketime leaves when its process is killed:
			# a later process with that pid would trip on it.
			rm -f /dev/shm/faketime_shm_$kp /dev/shm/sem.faketime_sem_$kp
			if cmp -s kill.key ep.orig; then
				old=$((old + 1))
			elif cmp -s kill.key ref3.key; then
				new=$((new + 1))
			else
				bad=$((bad + 1))
				echo "killed after $d s: $(cat kill.key 2>&1)" >&2
			fi
			rm -f .tacit-??????
			i=$((i + 1))
		done
		if [ $bad = 0 ]; then pass; else fail "$bad broken identities in 40 kills ($old old, $new new)"; fi
	else
		skip "ratchets killed half-way: libfaketime cannot be preloaded"
	fi
else
	skip "ratchets: no working faketime"
fi
expect 2 "--keys output to /dev/full" sh -c '"$0" --keys "$1" >/dev/full' \
    "$EXPIRE" ep.key

t_done
