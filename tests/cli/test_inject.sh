#!/bin/sh
# Injected system call failures (strace): every write, fsync, rename and
# close (and the opens of the temporary file) of an in-place sanitise,
# open -o, seal -o, keygen -o and an epoch ratchet failing in turn with
# ENOSPC and with EIO, once and for good; and open -o killed mid-write.
# The file ends old or new, never anything else, the exit status says
# which, no temporary file stays.  test_cli.sh and test_expire.sh test a
# few of these by hand.
. "$(dirname "$0")/lib.sh"
SEAL="$BIN/tacit-seal"
OPEN="$BIN/tacit-open"
KEYGEN="$BIN/tacit-keygen"
EXPIRE="$BIN/tacit-expire"
PHOTO="$DATA/demo/photo.jpg"
SHOW=${TACIT_FAULTS_SHOW:-5}
# LeakSanitizer cannot work under ptrace.
nolsan="$ASAN_OPTIONS:detect_leaks=0"

if [ ! -x "$OPEN" ] || [ ! -x "$EXPIRE" ]; then
	skip "not every tool is built"
	t_done
	exit 0
fi
W="$T/w"
mkdir "$W"
cd "$W" || exit 2
printf 'meet at noon\n' >"$T/msg"
"$KEYGEN" -o "$T/id.key" 2>/dev/null
R=$("$KEYGEN" -y "$T/id.key")
"$SEAL" -r "$R" -o "$T/m.age" "$T/msg"
cp "$T/m.age" m.age
cp "$T/msg" msg
"$SAN" -o "$T/clean.jpg" "$PHOTO"
have_ep=0
if [ $have_faketime = 1 ]; then
	# Made three days ago, so that --keys really ratchets.
	later -3d "$KEYGEN" --epochs 1d -o "$T/ep.orig" 2>/dev/null && have_ep=1
fi
ep_ref() {
	cp -p "$T/ep.orig" "$T/ep.ref"
	"$EXPIRE" --keys "$T/ep.ref" >/dev/null
}
[ $have_ep = 1 ] && ep_ref

# Per operation NAME: NAME_setup puts the old state back; NAME_state
# prints old, new, or what else it found.
san_setup() { cp "$PHOTO" p.jpg; }
san_state() {
	if cmp -s p.jpg "$PHOTO"; then echo old
	elif cmp -s p.jpg "$T/clean.jpg"; then echo new
	else echo "neither the original nor the cleaned file"; fi
}
open_setup() { rm -f o.txt; }
open_state() {
	if ! cmp -s m.age "$T/m.age"; then echo "the sealed file changed"
	elif [ ! -e o.txt ]; then echo old
	elif cmp -s o.txt "$T/msg"; then echo new
	else echo "the output is there but not the plaintext"; fi
}
seal_setup() { rm -f s.age; }
seal_state() {
	if ! cmp -s msg "$T/msg"; then echo "the input changed"
	elif [ ! -e s.age ]; then echo old
	elif "$OPEN" -i "$T/id.key" s.age 2>/dev/null | cmp -s - "$T/msg"; then
		echo new
	else echo "the output is there but does not open to the input"; fi
}
keygen_setup() { rm -f k.key; }
keygen_state() {
	if [ ! -e k.key ]; then echo old
	elif "$KEYGEN" -y k.key >/dev/null 2>&1; then echo new
	else echo "the identity is there but does not parse"; fi
}
expire_setup() { cp -p "$T/ep.orig" ep.key; }
expire_state() {
	if cmp -s ep.key "$T/ep.orig"; then echo old
	elif cmp -s ep.key "$T/ep.ref"; then echo new
	else
		# A day may have begun since the reference was made.
		ep_ref
		if cmp -s ep.key "$T/ep.ref"; then echo new
		else echo "neither the old identity nor the ratcheted one"; fi
	fi
}

# points TRACE: the calls one can make fail, one a line: SYSCALL N PHASE
# MUST, N counting that system call in the traced process (as strace's
# when= does), PHASE "old" before the rename that completes the
# operation and "new" after it, MUST 1 if a failure must give exit 2
# (anything on the way to the new file, and closing a descriptor written
# to, standard error apart), 0 if the tool may ignore it (closing an
# input).  The dynamic linker's calls are left out.
points() {
	awk '
	{
		pid = $1
		if (main == "")
			main = pid
		if (pid != main || $2 ~ /^(<\.\.\.|\+\+\+|---)/)
			next
		line = $0
		sub(/^[0-9]+ +/, "", line)
		name = line
		sub(/\(.*/, "", name)
		args = line
		sub(/^[a-z0-9_]+\(/, "", args)
		fd = args
		sub(/,.*/, "", fd)
		sub(/\).*/, "", fd)
		ret = line
		sub(/.*\) += /, "", ret)
		sub(/ .*/, "", ret)
		n++
		nm[n] = name
		idx[n] = ++count[name]
		# The last library loaded is closed, then the program runs.
		if (name == "openat" && line ~ /\.so[."]|ld\.so\.cache/)
			loading = 1
		else if (name == "close" && loading) {
			start = n
			loading = 0
		}
		if (name ~ /^rename/ && ret == "0" && !renamed)
			renamed = n
		mustv[n] = 0
		if (name == "openat") {
			written[ret] = 0
			mustv[n] = line ~ /\.tacit-/
			keep[n] = line ~ /\.tacit-/
		} else if (name ~ /^(write|pwrite64|writev)$/) {
			if (fd != "2")
				written[fd] = 1
			mustv[n] = fd != "2"
			keep[n] = 1
		} else if (name == "close") {
			mustv[n] = written[fd] == 1
			delete written[fd]
			keep[n] = 1
		} else {
			mustv[n] = 1
			keep[n] = 1
		}
	}
	END {
		for (i = start + 1; i <= n; i++)
			if (keep[i])
				print nm[i], idx[i], \
				    (renamed && i > renamed) ? "new" : "old", mustv[i]
	}' "$1"
}

# matrix NAME CMD...: CMD with each point failing in turn, with ENOSPC
# and with EIO; then with each system call failing from its first point
# on.
matrix() {
	name=$1
	shift
	CASE="injected failures: $name"
	${name}_setup
	if ! env ASAN_OPTIONS="$nolsan" strace -f -o "$T/trace" \
	    -e trace=openat,write,pwrite64,writev,fsync,fdatasync,syncfs,rename,renameat,renameat2,close \
	    "$@" >"$T/out" 2>"$T/err"; then
		fail "the traced run: $(head -c 300 "$T/err")"
		return
	fi
	if [ "$(${name}_state)" = new ]; then pass; else fail "the traced run: $(${name}_state)"; fi
	points "$T/trace" >"$T/points"
	[ -n "${TACIT_FAULTS_SUMMARY:-}" ] && sed "s/^/$name: /" "$T/points" >&2
	# The first point of each system call: from there on, all fail.
	awk '!seen[$1]++ { print $1, $2 "+", $3, 1 }' "$T/points" >"$T/more"
	cat "$T/more" >>"$T/points"
	runs=0 bad=0
	while read -r sc when phase must; do
		for errno in ENOSPC EIO; do
			runs=$((runs + 1))
			${name}_setup
			env ASAN_OPTIONS="$nolsan" strace -f -o /dev/null \
			    -e inject="$sc:error=$errno:when=$when" "$@" \
			    >"$T/out" 2>"$T/err" </dev/null
			rc=$?
			got=$(${name}_state)
			problems=
			case $rc in
			0)
				[ "$must" = 1 ] && problems="exit 0."
				[ "$got" = new ] || problems="$problems exit 0 but $got."
				;;
			2)
				[ "$got" = "$phase" ] ||
				    problems="ended $got, wanted $phase."
				# Failing every write from the first, even
				# standard error's, leaves no way to say it.
				case $sc:$when in
				write:*+) ;;
				*)
					grep -Eq '^tacit(-[a-z]+)?: .*[^ :]$' "$T/err" ||
					    problems="$problems exit 2 without a message."
					;;
				esac
				;;
			*) problems="exit $rc." ;;
			esac
			ls -a | grep -q '^\.tacit-' &&
			    problems="$problems a temporary file is left."
			rm -f .tacit-*
			if [ -n "$problems" ]; then
				bad=$((bad + 1))
				[ $bad -le $SHOW ] && echo "FAIL: $CASE: $sc:error=$errno:when=$when: $problems stderr: $(head -c 200 "$T/err")" >&2
			fi
		done
	done <"$T/points"
	if [ $bad = 0 ]; then
		pass
	else
		FAIL=$((FAIL + 1))
		echo "FAIL: $CASE: $bad of $runs runs went wrong" >&2
	fi
	echo "$name: $runs injected runs, $bad wrong" >>"$T/summary"
}

if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null; then
	matrix san "$SAN" p.jpg
	matrix open "$OPEN" -i "$T/id.key" -o o.txt m.age
	matrix seal "$SEAL" -r "$R" -o s.age msg
	matrix keygen "$KEYGEN" -o k.key
	if [ $have_ep = 1 ]; then
		matrix expire "$EXPIRE" --keys ep.key
	else
		skip "ratchet failures: no faketime to make an old identity"
	fi
else
	skip "strace cannot run here"
fi

CASE="open -o killed mid-write"
# A large sealed file through a slow pipe: killed once part of the
# plaintext is in the temporary file, and once all but the end of the
# last chunk has been read; OUT must not exist (the temporary file may
# stay after SIGKILL).
head -c 20000000 /dev/urandom >"$T/big"
"$SEAL" -r "$R" -o "$T/big.age" "$T/big"
size=$(wc -c <"$T/big.age")
# tmp_size: the size of the temporary file, or 0.
tmp_size() {
	set -- .tacit-??????
	if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi
}
mkfifo pipe
for sent in 5000000 12000000 $((size - 16)); do
	rm -f big.out .tacit-*
	"$OPEN" -i "$T/id.key" -o big.out <pipe >/dev/null 2>"$T/err" &
	pid=$!
	exec 3>pipe
	head -c "$sent" "$T/big.age" >&3
	# Wait for the temporary file to stop growing (5 s at most).
	last=-1 i=0
	while [ $i -lt 50 ]; do
		now=$(tmp_size)
		[ "$now" -gt 0 ] && [ "$now" = "$last" ] && break
		last=$now
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	exec 3>&-
	if [ $rc = 137 ]; then
		pass
	else
		fail "after $sent bytes: exit $rc before the kill: $(head -c 200 "$T/err")"
	fi
	if [ "$last" -gt 0 ]; then pass; else fail "after $sent bytes: nothing was written yet"; fi
	if [ -e big.out ]; then fail "after $sent bytes ($last written): big.out exists"; else pass; fi
	rm -f .tacit-*
done
# The same stream, complete: the whole file, nothing left behind.
rm -f big.out
expect 0 "the whole stream" sh -c '"$0" -i "$1" -o big.out <"$2"' "$OPEN" \
    "$T/id.key" "$T/big.age"
same "$T/big" big.out "the whole stream, opened"
no_temp .
rm -f big.out "$T/big" "$T/big.age"

[ -n "${TACIT_FAULTS_SUMMARY:-}" ] && [ -f "$T/summary" ] && cat "$T/summary" >&2
t_done
