#!/bin/sh
# Command-line contract of tacit keygen, seal and open: age v1 interop with
# the real age, passphrases, tampering, bad input, armor, streaming.
. "$(dirname "$0")/lib.sh"
KG="$BIN/tacit-keygen"
SEAL="$BIN/tacit-seal"
OPEN="$BIN/tacit-open"
CHUNK=65536
CCHUNK=65552 # a ciphertext chunk: 64 KiB and its Poly1305 tag
PW='correct horse battery staple'
SSH_KEY='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhvE1x0p6yq0K1Q3pQ8V0m8H2yXgR6cBq2hN0i2a3Fs'

have() { command -v "$1" >/dev/null 2>&1; }
HAVE_AGE=0
have age && have age-keygen && HAVE_AGE=1
HAVE_PTY=0
have script && script -qec 'test -t 0 && test -t 1' /dev/null \
    </dev/null >/dev/null 2>&1 && HAVE_PTY=1

# mode_is MODE FILE DESCRIPTION
mode_is() {
	m=$(stat -c %a "$2" 2>/dev/null)
	if [ "$m" = "$1" ]; then pass; else fail "$3: mode ${m:-none}, wanted $1"; fi
}

# absent FILE DESCRIPTION: FILE was not created (or was removed).  One
# left behind is removed, so that it fails only this check.
absent() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		fail "$2: $1 exists"
		rm -f "$1"
	else
		pass
	fi
}

# is_empty FILE DESCRIPTION: FILE exists and has no bytes.
is_empty() {
	if [ -f "$1" ] && [ ! -s "$1" ]; then
		pass
	else
		fail "$2: $(wc -c <"$1" 2>/dev/null || echo no) bytes"
	fi
}

# text_is FILE STRING DESCRIPTION: FILE holds STRING and a newline.
text_is() {
	printf '%s\n' "$2" >"$T/want"
	same "$T/want" "$1" "$3"
}

# line_is N FILE ERE DESCRIPTION: line N of FILE matches ERE.
line_is() {
	sed -n "$1p" "$2" >"$T/line"
	match "$4" "$3" "$T/line"
}

# hdr_len FILE: length of a binary age file's header (to the MAC line's LF).
hdr_len() {
	h=$(LC_ALL=C grep -abo -m1 -e '^--- ' "$1" | head -n 1 | cut -d: -f1)
	echo $((${h:-0} + 48))
}

# flip FILE OFFSET MASK: xor one byte of FILE, in place.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ $3)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# chunks N: number of STREAM chunks for N plaintext bytes.
chunks() {
	if [ "$1" -eq 0 ]; then echo 1; else echo $((($1 + CHUNK - 1) / CHUNK)); fi
}

# run_io HOW PROG IN OUT ARGS...: PROG ARGS reading IN, writing OUT, by way
# of HOW: 0 file to -o, 1 stdin to stdout, 2 file to stdout, 3 stdin to -o.
run_io() {
	r_how=$1 r_prog=$2 r_in=$3 r_out=$4
	shift 4
	case $r_how in
	0) "$r_prog" "$@" -o "$r_out" "$r_in" ;;
	1) "$r_prog" "$@" <"$r_in" >"$r_out" ;;
	2) "$r_prog" "$@" "$r_in" >"$r_out" ;;
	*) "$r_prog" "$@" -o "$r_out" <"$r_in" ;;
	esac
}

# on_tty LOG INPUT CMD: run the shell command CMD on a pseudo-terminal fed
# INPUT, output in LOG; its exit status.
on_tty() {
	printf '%s' "$2" | script -qec "$3" /dev/null >"$1" 2>&1
}

# tty_expect STATUS DESCRIPTION INPUT CMD: on_tty must exit with STATUS.
tty_expect() {
	on_tty "$T/tty.log" "$3" "$4"
	st=$?
	if [ "$st" -eq "$1" ]; then
		pass
	else
		fail "$2: exit $st, wanted $1: $(head -c 300 "$T/tty.log")"
	fi
}

# with_pw FILE PROG ARGS...: PROG --passphrase-fd 3 ARGS, FILE on 3.
with_pw() {
	w_file=$1 w_prog=$2
	shift 2
	"$w_prog" --passphrase-fd 3 "$@" 3<"$w_file"
}

# sealed_ok FILE N ARMOR D: FILE looks like a sealing of N bytes.
sealed_ok() {
	if [ -n "$3" ]; then
		line_is 1 "$1" '^-----BEGIN AGE ENCRYPTED FILE-----$' "armor begin, $4"
		tail -n 1 "$1" >"$T/line"
		match "armor end, $4" '^-----END AGE ENCRYPTED FILE-----$' "$T/line"
		if awk 'length > 64 { bad = 1 } END { exit bad }' "$1"; then
			pass
		else
			fail "armor line longer than 64, $4"
		fi
		return
	fi
	line_is 1 "$1" '^age-encryption.org/v1$' "binary version line, $4"
	want=$(($(hdr_len "$1") + 16 + $2 + 16 * $(chunks "$2")))
	got=$(stat -c %s "$1")
	if [ "$got" = "$want" ]; then
		pass
	else
		fail "sealed size $got, wanted $want, $4"
	fi
}

# round_trip N ARMOR K I: N bytes to K recipients, tacit to tacit, tacit
# to age and age to tacit; I picks the recipients' form and the ways in
# and out.
round_trip() {
	n=$1 arm=$2 k=$3 io=$(($4 % 4)) oi=$((($4 + 1) % 4))
	if [ "$k" = 1 ]; then
		rargs="-r $ra" idf="$T/ida"
	elif [ $(($4 % 2)) = 0 ]; then
		rargs="-r $ra -r $rb -r $rc" idf="$T/idc"
	else
		rargs="-R $T/team" idf="$T/idb"
	fi
	d="$n bytes${arm:+ armored}, $k recipients, io $io/$oi"
	rm -f "$T/c.age" "$T/d"
	# shellcheck disable=SC2086
	expect 0 "seal $d" run_io $io "$SEAL" "$T/p$n" "$T/c.age" $arm $rargs
	sealed_ok "$T/c.age" "$n" "$arm" "$d"
	if [ "$k" = 3 ] && [ -z "$arm" ]; then
		c=$(LC_ALL=C grep -ac '^-> X25519 ' "$T/c.age")
		if [ "$c" = 3 ]; then pass; else fail "$c X25519 stanzas, $d"; fi
	fi
	expect 0 "open $d" run_io $oi "$OPEN" "$T/c.age" "$T/d" -i "$idf"
	same "$T/p$n" "$T/d" "tacit round trip, $d"
	[ "$HAVE_AGE" = 1 ] || return
	rm -f "$T/d" "$T/c2.age"
	# To stdout: age makes no -o file for an empty plaintext.
	expect 0 "age -d of tacit's, $d" \
	    sh -c 'age -d -i "$0" "$1" >"$2"' "$idf" "$T/c.age" "$T/d"
	same "$T/p$n" "$T/d" "tacit seal, age -d, $d"
	rm -f "$T/d"
	# shellcheck disable=SC2086
	expect 0 "age -e, $d" run_io $io age "$T/p$n" "$T/c2.age" -e $arm $rargs
	expect 0 "open age's, $d" \
	    run_io $oi "$OPEN" "$T/c2.age" "$T/d" -i "$idf"
	same "$T/p$n" "$T/d" "age -e, tacit open, $d"
}

for n in 0 1 100 65535 65536 65537 3145733; do
	head -c "$n" /dev/urandom >"$T/p$n"
done

CASE="keygen"
expect 0 "keygen -o" "$KG" -o "$T/ida"
mode_is 600 "$T/ida" "new identity file"
match "recipient on stderr" '^Public key: age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$' "$T/err"
ra=$(sed -n 's/^Public key: //p' "$T/err")
is_empty "$T/out" "keygen -o prints nothing on stdout"
line_is 1 "$T/ida" \
    '^# created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
    "created line"
line_is 2 "$T/ida" "^# public key: $ra\$" "public key line"
line_is 3 "$T/ida" '^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$' "secret key line"
if [ "$(wc -l <"$T/ida")" -eq 3 ]; then pass; else fail "identity file not 3 lines"; fi
cp -p "$T/ida" "$T/ida.bak"
expect 2 "keygen -o an existing file" "$KG" -o "$T/ida"
match "exists message" "cannot create '.*ida': File exists" "$T/err"
same "$T/ida.bak" "$T/ida" "existing identity unchanged"
mode_is 600 "$T/ida" "existing identity mode unchanged"
expect 0 "keygen -y FILE" "$KG" -y "$T/ida"
text_is "$T/out" "$ra" "-y FILE equals the printed recipient"
expect 0 "keygen -y from stdin" sh -c '"$0" -y <"$1"' "$KG" "$T/ida"
text_is "$T/out" "$ra" "-y from stdin"
expect 0 "keygen -y -" sh -c '"$0" -y - <"$1"' "$KG" "$T/ida"
text_is "$T/out" "$ra" "-y -"
expect 0 "keygen to a pipe" "$KG"
cp "$T/out" "$T/idb"
chmod 600 "$T/idb"
match "recipient on stderr for a pipe" '^Public key: age1' "$T/err"
rb=$(sed -n 's/^Public key: //p' "$T/err")
if [ -n "$rb" ] && [ "$ra" != "$rb" ]; then pass; else fail "two keygens gave '$ra' and '$rb'"; fi
expect 0 "keygen -y of the piped key" "$KG" -y "$T/idb"
text_is "$T/out" "$rb" "piped key's recipient"
expect 0 "keygen -o -" "$KG" -o -
match "-o - writes stdout" '^AGE-SECRET-KEY-1' "$T/out"
if [ "$HAVE_AGE" = 1 ]; then
	expect 0 "age-keygen -y of a tacit identity" age-keygen -y "$T/ida"
	text_is "$T/out" "$ra" "age-keygen -y agrees"
	expect 0 "age-keygen" age-keygen -o "$T/idc"
	rc=$(age-keygen -y "$T/idc")
	expect 0 "tacit keygen -y of an age-keygen identity" "$KG" -y "$T/idc"
	text_is "$T/out" "$rc" "tacit keygen -y agrees with age-keygen -y"
else
	skip "keygen: age not installed (5 checks)"
	"$KG" -o "$T/idc" 2>/dev/null
	rc=$("$KG" -y "$T/idc")
fi
chmod 600 "$T/idc"
cat "$T/ida" "$T/idb" "$T/idc" >"$T/ids"
chmod 600 "$T/ids"
expect 0 "keygen -y of three identities" "$KG" -y "$T/ids"
printf '%s\n%s\n%s\n' "$ra" "$rb" "$rc" >"$T/want3"
same "$T/want3" "$T/out" "three recipients in order"
expect 2 "keygen -o /dev/full" "$KG" -o /dev/full
expect 2 "keygen to a full stdout" sh -c '"$0" >/dev/full' "$KG"
match "write error named" 'cannot write .*No space left' "$T/err"
ln -s "$T/nowhere" "$T/dangling"
expect 2 "keygen -o a dangling symlink" "$KG" -o "$T/dangling"
absent "$T/nowhere" "symlink target not created"
echo "hello" >"$T/garbage"
expect 2 "keygen -y of garbage" "$KG" -y "$T/garbage"
expect 2 "keygen -y of a missing file" "$KG" -y "$T/missing"
expect 2 "keygen with an operand" "$KG" "$T/x"
absent "$T/x" "operand not created"
expect 2 "keygen -y -o" "$KG" -y -o "$T/x" "$T/ida"
if [ "$HAVE_PTY" = 1 ]; then
	on_tty "$T/tty.log" "" "'$KG'"
	match "keygen to a terminal" '^AGE-SECRET-KEY-1' "$T/tty.log"
	nomatch "no recipient line on a terminal" 'Public key:' "$T/tty.log"
else
	skip "keygen: no pseudo-terminal (script) (2 checks)"
fi

CASE="round trip"
printf '# the team\n\n%s\n# second\n%s\n\n%s\n' "$ra" "$rb" "$rc" >"$T/team"
i=0
for n in 0 1 65535 65536 65537 3145733; do
	for arm in "" -a; do
		for k in 1 3; do
			i=$((i + 1))
			round_trip "$n" "$arm" "$k" "$i"
		done
	done
done
[ "$HAVE_AGE" = 1 ] || skip "round trip: age not installed (interop with age)"
expect 0 "seal to the second of three identities" "$SEAL" -r "$rb" -o "$T/c.age" "$T/p65537"
expect 0 "open with a three-key identity file" "$OPEN" -i "$T/ids" -o "$T/d" "$T/c.age"
same "$T/p65537" "$T/d" "second key of three"
is_empty "$T/err" "no warning for a 0600 identity file"
expect 0 "several -i" "$OPEN" -i "$T/ida" -i "$T/idb" "$T/c.age"
same "$T/p65537" "$T/out" "second -i option"
expect 0 "identity from stdin" sh -c '"$0" -i - "$1" <"$2"' "$OPEN" "$T/c.age" "$T/idb"
same "$T/p65537" "$T/out" "-i -"
if [ "$HAVE_AGE" = 1 ]; then
	age-keygen -o "$T/ag1" 2>/dev/null
	age-keygen -o "$T/ag2" 2>/dev/null
	age-keygen -o "$T/ag3" 2>/dev/null
	cat "$T/ag1" "$T/ag2" "$T/ag3" >"$T/ags"
	chmod 600 "$T/ags"
	expect 0 "age -e to the second age-keygen key" \
	    age -e -r "$(age-keygen -y "$T/ag2")" -o "$T/c.age" "$T/p1"
	expect 0 "open with concatenated age-keygen output" "$OPEN" -i "$T/ags" "$T/c.age"
	same "$T/p1" "$T/out" "second of three age-keygen keys"
else
	skip "round trip: age not installed (age-keygen identity file, 3 checks)"
fi

CASE="passphrase"
printf '%s\n' "$PW" >"$T/pw"
printf 'incorrect horse\n' >"$T/badpw"
printf '\n' >"$T/nopw"
PW1="$PW
"
PW2="$PW1$PW1"
expect 0 "seal --passphrase-fd" \
    with_pw "$T/pw" "$SEAL" -o "$T/s1.age" "$T/p65537"
match "one scrypt stanza, work factor 18" \
    '^-> scrypt [A-Za-z0-9+/]{22} 18$' "$T/s1.age"
if [ "$(LC_ALL=C grep -ac '^-> ' "$T/s1.age")" = 1 ]; then
	pass
else
	fail "scrypt stanza not alone"
fi
expect 0 "open --passphrase-fd" \
    with_pw "$T/pw" "$OPEN" -o "$T/s1.out" "$T/s1.age"
same "$T/p65537" "$T/s1.out" "passphrase round trip"
expect 2 "wrong passphrase" \
    with_pw "$T/badpw" "$OPEN" -o "$T/s1.bad" "$T/s1.age"
match "incorrect passphrase" 'incorrect passphrase' "$T/err"
absent "$T/s1.bad" "no output for a wrong passphrase"
expect 2 "wrong passphrase to stdout" \
    with_pw "$T/badpw" "$OPEN" "$T/s1.age"
is_empty "$T/out" "nothing on stdout for a wrong passphrase"
expect 2 "empty passphrase" with_pw "$T/nopw" "$SEAL" -o "$T/x.age" "$T/p1"
absent "$T/x.age" "nothing sealed with an empty passphrase"
expect 2 "-p with -r" "$SEAL" -p -r "$ra" -o "$T/x.age" "$T/p1"
absent "$T/x.age" "nothing sealed for -p -r"
expect 2 "-r with -p" "$SEAL" -r "$ra" -p -o "$T/x.age" "$T/p1"
expect 2 "--passphrase-fd with -R" \
    with_pw "$T/pw" "$SEAL" -R "$T/team" -o "$T/x.age" "$T/p1"
absent "$T/x.age" "nothing sealed for --passphrase-fd -R"
expect 2 "bad --passphrase-fd" \
    "$SEAL" --passphrase-fd x -o "$T/x.age" "$T/p1"
expect 2 "closed --passphrase-fd" \
    "$OPEN" --passphrase-fd 7 -o "$T/x" "$T/s1.age"
absent "$T/x" "nothing opened from a closed descriptor"
if have setsid && have timeout; then
	expect 2 "no terminal, no --passphrase-fd" \
	    timeout 20 setsid -w "$OPEN" -o "$T/x" "$T/s1.age"
	match "no terminal" 'no terminal' "$T/err"
	absent "$T/x" "nothing opened without a passphrase"
else
	skip "passphrase: no setsid/timeout (3 checks)"
fi
# Work factor 2^23 (above open's limit of 2^22): refused before scrypt runs.
LC_ALL=C sed '2s/^\(-> scrypt [^ ]*\) 18$/\1 23/' "$T/s1.age" >"$T/wf.age"
if cmp -s "$T/s1.age" "$T/wf.age"; then
	fail "could not raise the work factor"
else
	pass
	start=$(date +%s)
	expect 2 "work factor 23" timeout 20 \
	    sh -c '"$0" --passphrase-fd 3 -o "$1" "$2" 3<"$3"' \
	    "$OPEN" "$T/x" "$T/wf.age" "$T/pw"
	if [ $(($(date +%s) - start)) -le 3 ]; then
		pass
	else
		fail "work factor 23 not refused at once"
	fi
	absent "$T/x" "nothing opened with work factor 23"
fi
# A scrypt stanza beside an X25519 one: the format forbids it.
"$SEAL" -r "$ra" -o "$T/c.age" "$T/p1"
{
	head -n 3 "$T/s1.age"
	sed -n 2,3p "$T/c.age"
	tail -n +4 "$T/s1.age"
} >"$T/mixed.age"
expect 2 "scrypt with another stanza" timeout 20 \
    sh -c '"$0" -i "$1" --passphrase-fd 3 -o "$2" "$3" 3<"$4"' \
    "$OPEN" "$T/ida" "$T/x" "$T/mixed.age" "$T/pw"
absent "$T/x" "nothing opened from a mixed header"
if [ "$HAVE_PTY" = 1 ]; then
	rm -f "$T/tp.age" "$T/tp.out"
	tty_expect 0 "seal -p -a on a terminal" "$PW2" \
	    "'$SEAL' -p -a -o '$T/tp.age' '$T/p65536'"
	match "asked for the passphrase" 'Enter passphrase' "$T/tty.log"
	match "asked to confirm" 'Confirm passphrase' "$T/tty.log"
	line_is 1 "$T/tp.age" '^-----BEGIN AGE ENCRYPTED FILE-----$' \
	    "seal -p -a on a terminal"
	tty_expect 0 "open on a terminal" "$PW1" \
	    "'$OPEN' -o '$T/tp.out' '$T/tp.age'"
	same "$T/p65536" "$T/tp.out" "terminal passphrase round trip"
	tty_expect 2 "mismatched confirmation" "$PW1
other
" "'$SEAL' -p -o '$T/x.age' '$T/p1'"
	match "mismatch message" 'passphrases do not match' "$T/tty.log"
	absent "$T/x.age" "nothing sealed on a mismatch"
	tty_expect 2 "binary to a terminal" "" "'$SEAL' -r '$ra' '$T/p1'"
	match "refusal message" 'refusing to write binary to a terminal' \
	    "$T/tty.log"
	tty_expect 0 "armor to a terminal" "" "'$SEAL' -a -r '$ra' '$T/p1'"
	match "armor on a terminal" 'BEGIN AGE ENCRYPTED FILE' "$T/tty.log"
else
	skip "passphrase: no pseudo-terminal (script) (tacit prompts, 13 checks)"
fi
if [ "$HAVE_AGE" = 1 ] && [ "$HAVE_PTY" = 1 ]; then
	rm -f "$T/ap.age"
	on_tty "$T/tty.log" "$PW2" "age -p -o '$T/ap.age' '$T/p65535'"
	if LC_ALL=C grep -aq '^-> scrypt ' "$T/ap.age" 2>/dev/null; then
		expect 0 "open age -p's file" with_pw "$T/pw" "$OPEN" "$T/ap.age"
		same "$T/p65535" "$T/out" "age -p, tacit open"
	else
		skip "passphrase: age -p through script made no file (2 checks)"
	fi
	rm -f "$T/as1.out"
	tty_expect 0 "age -d of tacit's passphrase file" "$PW1" \
	    "age -d -o '$T/as1.out' '$T/s1.age'"
	same "$T/p65537" "$T/as1.out" "tacit seal -p, age -d"
	rm -f "$T/as1.out"
	tty_expect 0 "age -d of tacit's armored passphrase file" "$PW1" \
	    "age -d -o '$T/as1.out' '$T/tp.age'"
	same "$T/p65536" "$T/as1.out" "tacit seal -p -a, age -d"
else
	skip "passphrase: age or script missing (age -p interop, 6 checks)"
fi
no_temp "$T"

CASE="tampering"
expect 0 "seal 100 bytes" "$SEAL" -r "$ra" -o "$T/t.age" "$T/p100"
expect 0 "untampered opens" "$OPEN" -i "$T/ida" "$T/t.age"
same "$T/p100" "$T/out" "untampered plaintext"
size=$(stat -c %s "$T/t.age")
thl=$(hdr_len "$T/t.age")
mkdir "$T/tv" "$T/tw"
# Two variants per offset: the lowest bit (which reaches the unused bits of
# a base64 string's last character) and one more bit, 1..7 by turns.
if have perl; then
	perl -e '
		my ($in, $dir) = @ARGV;
		open(my $f, "<:raw", $in) or die "$in: $!";
		local $/;
		my $d = <$f>;
		close($f);
		for my $i (0 .. length($d) - 1) {
			for my $b (0, 1 + $i % 7) {
				my $v = $d;
				substr($v, $i, 1) = chr(ord(substr($v, $i, 1)) ^ (1 << $b));
				open(my $o, ">:raw", "$dir/$i.$b") or die "$dir/$i.$b: $!";
				print $o $v;
				close($o) or die "$dir/$i.$b: $!";
			}
		}' "$T/t.age" "$T/tv"
else
	off=0
	while [ "$off" -lt "$size" ]; do
		for bit in 0 $((1 + off % 7)); do
			cp "$T/t.age" "$T/tv/$off.$bit"
			flip "$T/tv/$off.$bit" "$off" $((1 << bit))
		done
		off=$((off + 1))
	done
fi
off=0
while [ "$off" -lt "$size" ]; do
	for bit in 0 $((1 + off % 7)); do
		v="$T/tv/$off.$bit"
		if cmp -s "$v" "$T/t.age"; then
			fail "offset $off bit $bit: variant not changed"
			continue
		fi
		"$OPEN" -i "$T/ida" -o "$T/tw/out" "$v" >"$T/so" 2>"$T/err"
		st=$?
		left=$(ls -A "$T/tw")
		if [ "$st" -eq 2 ] && [ -z "$left" ] && [ ! -s "$T/so" ]; then
			pass
		else
			fail "offset $off bit $bit, -o: exit $st," \
			    "left '$left'; $(head -c 200 "$T/err")"
			rm -rf "$T/tw" && mkdir "$T/tw"
		fi
		# To stdout as well, for the payload (nonce and chunk).
		[ "$off" -lt "$thl" ] && continue
		"$OPEN" -i "$T/ida" "$v" >"$T/so" 2>"$T/err"
		st=$?
		if [ "$st" -eq 2 ] && [ ! -s "$T/so" ]; then
			pass
		else
			fail "offset $off bit $bit, stdout: exit $st," \
			    "$(wc -c <"$T/so") bytes out; $(head -c 200 "$T/err")"
		fi
	done
	off=$((off + 1))
done
no_temp "$T/tw"
rm -rf "$T/tv"
# libsodium 1.0.18 decodes every byte 0x80-0xff as '/': a MAC holding such
# a byte where its '/' was must still be refused (age refuses it).
cp "$T/t.age" "$T/hb.age"
tries=0
while ! LC_ALL=C grep -aq '^--- .*/' "$T/hb.age" && [ "$tries" -lt 40 ]; do
	"$SEAL" -r "$ra" -o "$T/hb.age" "$T/p100"
	tries=$((tries + 1))
done
LC_ALL=C sed '/^--- /s|/|\xaf|' "$T/hb.age" >"$T/hb2.age"
if cmp -s "$T/hb.age" "$T/hb2.age"; then
	fail "no MAC with a '/' in 40 seals"
else
	expect 2 "MAC with 0xaf for '/'" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/hb2.age"
	absent "$T/bo" "no output for a MAC with 0xaf"
	rm -f "$T/bo"
fi

CASE="bad input"
rm -f "$T/bo"
expect 0 "seal 65537 bytes" "$SEAL" -r "$ra" -o "$T/b.age" "$T/p65537"
expect 2 "wrong identity" "$OPEN" -i "$T/idb" -o "$T/bo" "$T/b.age"
match "no identity matches" "'.*b.age': no identity matches" "$T/err"
absent "$T/bo" "no output for a wrong identity"
expect 2 "no identity" "$OPEN" -o "$T/bo" "$T/b.age"
match "no identity given" 'no identity given' "$T/err"
absent "$T/bo" "no output without an identity"
hl=$(hdr_len "$T/b.age")
bsize=$(stat -c %s "$T/b.age")
for cut in 10 $((hl - 1)) "$hl" $((hl + 8)) $((hl + 16)) $((hl + 16 + 1000)) \
    $((hl + 16 + CCHUNK)) $((bsize - 1)); do
	head -c "$cut" "$T/b.age" >"$T/cut.age"
	rm -f "$T/bo"
	expect 2 "cut at $cut of $bsize" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/cut.age"
	absent "$T/bo" "no output when cut at $cut"
done
no_temp "$T"
head -c $((bsize - 1)) "$T/b.age" >"$T/cut.age"
expect 2 "last byte cut, to stdout" "$OPEN" -i "$T/ida" "$T/cut.age"
head -c "$CHUNK" "$T/p65537" >"$T/want"
same "$T/want" "$T/out" "only the authenticated first chunk released"
head -c $((hl + 16 + CCHUNK)) "$T/b.age" >"$T/cut.age"
expect 2 "cut at a chunk boundary, to stdout" "$OPEN" -i "$T/ida" "$T/cut.age"
{ cat "$T/b.age"; printf 'x'; } >"$T/long.age"
expect 2 "a byte appended" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/long.age"
absent "$T/bo" "no output with a byte appended"
{ cat "$T/b.age"; head -c "$CCHUNK" /dev/urandom; } >"$T/long.age"
expect 2 "a chunk appended" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/long.age"
absent "$T/bo" "no output with a chunk appended"
head -c 1000 /dev/urandom >"$T/bad-random.age"
echo "hello, world" >"$T/bad-text.age"
: >"$T/bad-empty.age"
printf 'age-encryption.org/v1\n' >"$T/bad-version-only.age"
printf 'age-encryption.org/v2\n-> X25519 abc\n\n--- abc\n' >"$T/bad-v2.age"
LC_ALL=C sed '1s/v1/v2/' "$T/b.age" >"$T/bad-v2b.age"
for f in "$T"/bad-*.age; do
	b=$(basename "$f")
	rm -f "$T/bo"
	expect 2 "$b" "$OPEN" -i "$T/ida" -o "$T/bo" "$f"
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^tacit-open: " "$T/err"; then
		pass
	else
		fail "$b: not one line: $(head -c 300 "$T/err")"
	fi
	absent "$T/bo" "no output for $b"
done
expect 2 "empty stdin" sh -c '"$0" -i "$1" </dev/null' "$OPEN" "$T/ida"
is_empty "$T/out" "nothing out for empty stdin"
# A recipient with its last character (part of the checksum) changed.
case $ra in
*q) badr=${ra%?}p ;;
*) badr=${ra%?}q ;;
esac
expect 2 "bad bech32 checksum" "$SEAL" -r "$badr" -o "$T/x.age" "$T/p1"
match "invalid recipient" 'invalid recipient' "$T/err"
absent "$T/x.age" "nothing sealed to a bad recipient"
expect 2 "recipient too short" "$SEAL" -r "${ra%?????}" -o "$T/x.age" "$T/p1"
expect 2 "secret key as recipient" \
    "$SEAL" -r "$(sed -n 3p "$T/ida")" -o "$T/x.age" "$T/p1"
nomatch "secret key not echoed" 'AGE-SECRET-KEY-1.' "$T/err"
printf '%s\n' "$(sed -n 3p "$T/ida")" >"$T/secretteam"
expect 2 "secret key in -R" "$SEAL" -R "$T/secretteam" -o "$T/x.age" "$T/p1"
nomatch "secret key in -R not echoed" 'AGE-SECRET-KEY-1.' "$T/err"
printf '%s\n%s\n' "$ra" "$badr" >"$T/badteam"
expect 2 "bad checksum in -R" "$SEAL" -R "$T/badteam" -o "$T/x.age" "$T/p1"
match "invalid recipients file" 'invalid recipients file' "$T/err"
expect 2 "ssh recipient" "$SEAL" -r "$SSH_KEY" -o "$T/x.age" "$T/p1"
printf '%s\n' "$SSH_KEY" >"$T/sshteam"
expect 2 "ssh recipient in -R" "$SEAL" -R "$T/sshteam" -o "$T/x.age" "$T/p1"
absent "$T/x.age" "nothing sealed to an ssh key"
expect 2 "no recipients" "$SEAL" -o "$T/x.age" "$T/p1"
match "no recipients message" 'no recipients' "$T/err"
printf '# nobody\n\n' >"$T/nobody"
expect 2 "-R with only comments" "$SEAL" -R "$T/nobody" -o "$T/x.age" "$T/p1"
: >"$T/zero"
expect 2 "-R empty file only" "$SEAL" -R "$T/zero" -o "$T/x.age" "$T/p1"
expect 2 "-R missing file" "$SEAL" -R "$T/missing" -o "$T/x.age" "$T/p1"
absent "$T/x.age" "nothing sealed without recipients"
cp "$T/ida" "$T/idpub"
chmod 644 "$T/idpub"
expect 0 "world-readable identity" "$OPEN" -i "$T/idpub" -o "$T/bo" "$T/b.age"
match "readable warning" \
    "warning: identity file '.*idpub' is readable by other users \(mode 644\)" \
    "$T/err"
same "$T/p65537" "$T/bo" "world-readable identity still works"
rm -f "$T/bo"
chmod 640 "$T/idpub"
expect 0 "group-readable identity" "$OPEN" -i "$T/idpub" "$T/b.age"
match "group-readable warning" 'readable by other users \(mode 640\)' "$T/err"
expect 0 "0600 identity" "$OPEN" -i "$T/ida" "$T/b.age"
is_empty "$T/err" "no warning for a 0600 identity"
expect 2 "seal -o /dev/full" "$SEAL" -r "$ra" -o /dev/full "$T/p65537"
match "seal write error" 'cannot write .*No space left' "$T/err"
expect 2 "seal to a full stdout" sh -c '"$0" -r "$1" "$2" >/dev/full' "$SEAL" "$ra" "$T/p1"
expect 2 "seal -a to a full stdout" sh -c '"$0" -a -r "$1" "$2" >/dev/full' "$SEAL" "$ra" "$T/p0"
expect 2 "open -o /dev/full" "$OPEN" -i "$T/ida" -o /dev/full "$T/b.age"
match "open write error" 'cannot write .*No space left' "$T/err"
"$SEAL" -r "$ra" -o "$T/one.age" "$T/p1"
expect 2 "open 1 byte to a full stdout" \
    sh -c '"$0" -i "$1" "$2" >/dev/full' "$OPEN" "$T/ida" "$T/one.age"
expect 0 "open -o /dev/null" "$OPEN" -i "$T/ida" -o /dev/null "$T/b.age"
printf 'precious\n' >"$T/keep"
cp "$T/keep" "$T/keep.orig"
expect 2 "wrong identity onto an existing file" "$OPEN" -i "$T/idb" -o "$T/keep" "$T/b.age"
same "$T/keep.orig" "$T/keep" "existing file kept (wrong identity)"
head -c $((bsize - 1)) "$T/b.age" >"$T/cut.age"
expect 2 "truncated onto an existing file" "$OPEN" -i "$T/ida" -o "$T/keep" "$T/cut.age"
same "$T/keep.orig" "$T/keep" "existing file kept (truncated)"
cp "$T/b.age" "$T/flip.age"
flip "$T/flip.age" $((bsize - 1)) 1
expect 2 "last tag flipped onto an existing file" "$OPEN" -i "$T/ida" -o "$T/keep" "$T/flip.age"
same "$T/keep.orig" "$T/keep" "existing file kept (bad tag)"
expect 2 "seal failure onto an existing file" "$SEAL" -r "$badr" -o "$T/keep" "$T/p1"
same "$T/keep.orig" "$T/keep" "existing file kept (bad recipient)"
no_temp "$T"
expect 0 "open replaces an existing file" "$OPEN" -i "$T/ida" -o "$T/keep" "$T/b.age"
same "$T/p65537" "$T/keep" "existing file replaced"
expect 0 "seal nothing" "$SEAL" -r "$ra" -o "$T/e.age" "$T/p0"
rm -f "$T/eo"
expect 0 "open empty plaintext" "$OPEN" -i "$T/ida" -o "$T/eo" "$T/e.age"
is_empty "$T/eo" "empty OUT created"
mode_is 600 "$T/eo" "empty OUT"
rm -f "$T/bo"
expect 0 "open -o new file" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/b.age"
mode_is 600 "$T/bo" "new OUT"
expect 2 "open a missing file" "$OPEN" -i "$T/ida" "$T/missing.age"
expect 2 "open a directory" "$OPEN" -i "$T/ida" "$T"
expect 2 "seal a directory" "$SEAL" -r "$ra" -o "$T/x.age" "$T"
absent "$T/x.age" "nothing sealed from a directory"
expect 2 "seal two inputs" "$SEAL" -r "$ra" -o "$T/x.age" "$T/p1" "$T/p1"
expect 2 "open two inputs" "$OPEN" -i "$T/ida" "$T/b.age" "$T/b.age"
expect 2 "open -o a directory" "$OPEN" -i "$T/ida" -o "$T" "$T/b.age"
expect 2 "open -o in a missing directory" "$OPEN" -i "$T/ida" -o "$T/nodir/x" "$T/b.age"
expect 2 "seal -o in a missing directory" "$SEAL" -r "$ra" -o "$T/nodir/x" "$T/p1"
expect 2 "open -i a missing file" "$OPEN" -i "$T/missing" "$T/b.age"
expect 2 "open -i garbage" "$OPEN" -i "$T/garbage" "$T/b.age"
match "invalid identity file" 'invalid identity file' "$T/err"
expect 2 "open -i a recipient" sh -c 'echo "$0" >"$1" && chmod 600 "$1" && "$2" -i "$1" "$3"' \
    "$ra" "$T/notid" "$OPEN" "$T/b.age"

CASE="options"
expect 0 "front end seal" "$TACIT" seal -r "$ra" -o "$T/fe.age" "$T/p65535"
expect 0 "front end open" "$TACIT" open -i "$T/ida" "$T/fe.age"
same "$T/p65535" "$T/out" "front end round trip"
expect 0 "front end keygen -y" "$TACIT" keygen -y "$T/ida"
text_is "$T/out" "$ra" "front end keygen -y"
for t in keygen seal open; do
	expect 0 "$t --help" "$BIN/tacit-$t" --help
	match "$t help synopsis" "^usage: tacit $t" "$T/out"
	expect 0 "$t -h" "$BIN/tacit-$t" -h
	expect 0 "$t -V" "$BIN/tacit-$t" -V
	match "$t version" '^tacit [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
	expect 0 "tacit $t --help" "$TACIT" "$t" --help
	match "tacit $t help" "^usage: tacit $t" "$T/out"
	expect 2 "$t bad option" "$BIN/tacit-$t" --frobnicate
	match "$t usage on stderr" "^usage: tacit $t" "$T/err"
	expect 2 "$t bad short option" "$BIN/tacit-$t" -Z
done
expect 2 "seal -r without a value" "$SEAL" -r
expect 2 "open -i without a value" "$OPEN" -i

CASE="armor"
expect 0 "seal -a" "$SEAL" -a -r "$ra" -o "$T/a.age" "$T/p65537"
expect 0 "open armored" "$OPEN" -i "$T/ida" "$T/a.age"
same "$T/p65537" "$T/out" "armored round trip"
expect 0 "open armored from stdin" sh -c '"$0" -i "$1" <"$2"' "$OPEN" "$T/ida" "$T/a.age"
same "$T/p65537" "$T/out" "armored from stdin"
sed 's/$/\r/' "$T/a.age" >"$T/crlf.age"
expect 0 "CRLF armor" "$OPEN" -i "$T/ida" "$T/crlf.age"
same "$T/p65537" "$T/out" "CRLF armor"
{
	printf ' \n\t\n  '
	cat "$T/a.age"
	printf '\n \n\t\n'
} >"$T/ws.age"
expect 0 "armor with surrounding whitespace" "$OPEN" -i "$T/ida" "$T/ws.age"
same "$T/p65537" "$T/out" "armor with surrounding whitespace"
sed '1s/BEGIN/begin/' "$T/a.age" >"$T/arm-lower.age"
sed '$s/END/end/' "$T/a.age" >"$T/arm-lowerend.age"
sed '$d' "$T/a.age" >"$T/arm-noend.age"
{ cat "$T/a.age"; echo "trailing words"; } >"$T/arm-after.age"
sed '2{N;s/\n//}' "$T/a.age" >"$T/arm-long.age"
sed '3s/^./*/' "$T/a.age" >"$T/arm-char.age"
sed '1s/FILE/DATA/' "$T/a.age" >"$T/arm-label.age"
sed '3d' "$T/a.age" >"$T/arm-noline.age"
# A '/' in the body as byte 0xaf (which libsodium 1.0.18 decodes as '/').
LC_ALL=C awk '!done && NR > 1 && /\// { sub(/\//, "\257"); done = 1 } 1' \
    "$T/a.age" >"$T/arm-highbyte.age"
for f in "$T"/arm-*.age; do
	b=$(basename "$f")
	rm -f "$T/bo2"
	expect 2 "$b" "$OPEN" -i "$T/ida" -o "$T/bo2" "$f"
	absent "$T/bo2" "no output for $b"
done
if [ "$HAVE_AGE" = 1 ]; then
	sed 's/$/\r/' "$T/a.age" >"$T/crlf.age"
	expect 0 "age -d of CRLF armor (reference)" age -d -i "$T/ida" -o "$T/bo2" "$T/crlf.age"
	rm -f "$T/bo2"
else
	skip "armor: age not installed (1 check)"
fi

CASE="streaming"
n=3145733
expect 0 "seal 3 MB" "$SEAL" -r "$ra" -o "$T/big.age" "$T/p$n"
hl=$(hdr_len "$T/big.age")
pay=$((hl + 16))
want=$((pay + n + 16 * $(chunks $n)))
got=$(stat -c %s "$T/big.age")
if [ "$got" = "$want" ]; then pass; else fail "3 MB sealed size $got, wanted $want"; fi
expect 0 "open 3 MB through a pipe" sh -c '"$0" -i "$1" <"$2" | cat' "$OPEN" "$T/ida" "$T/big.age"
same "$T/p$n" "$T/out" "3 MB through pipes"
last=$(($(chunks $n) - 1))
for k in 0 1 2 15 16 17 "$last"; do
	cp "$T/big.age" "$T/bk.age"
	flip "$T/bk.age" $((pay + k * CCHUNK + 2)) 4
	expect 2 "chunk $k corrupted, to stdout" "$OPEN" -i "$T/ida" "$T/bk.age"
	match "chunk $k named" "authentication failed: chunk $k\$" "$T/err"
	head -c $((k * CHUNK)) "$T/p$n" >"$T/want"
	same "$T/want" "$T/out" "chunks before $k released, nothing after"
	rm -f "$T/bo"
	expect 2 "chunk $k corrupted, -o" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/bk.age"
	absent "$T/bo" "no output for corrupted chunk $k"
done
no_temp "$T"
# The last chunk cut off at a chunk boundary: the previous one is not final.
head -c $((pay + last * CCHUNK)) "$T/big.age" >"$T/bk.age"
expect 2 "last chunk dropped" "$OPEN" -i "$T/ida" "$T/bk.age"
head -c $((last * CHUNK)) "$T/p$n" >"$T/want"
same "$T/want" "$T/out" "last chunk dropped: only authenticated chunks out"
rm -f "$T/bo"
expect 2 "last chunk dropped, -o" "$OPEN" -i "$T/ida" -o "$T/bo" "$T/bk.age"
absent "$T/bo" "no output with the last chunk dropped"
# Two chunks swapped: each authenticates only at its own position.
{
	head -c "$pay" "$T/big.age"
	tail -c +$((pay + CCHUNK + 1)) "$T/big.age" | head -c "$CCHUNK"
	tail -c +$((pay + 1)) "$T/big.age" | head -c "$CCHUNK"
	tail -c +$((pay + 2 * CCHUNK + 1)) "$T/big.age"
} >"$T/bk.age"
expect 2 "chunks 0 and 1 swapped" "$OPEN" -i "$T/ida" "$T/bk.age"
is_empty "$T/out" "nothing released with chunks swapped"

t_done
