#!/bin/sh
# Mutation sweep: every fixture truncated at its segment and chunk boundaries
# and with bytes flipped, through tacit-sanitise in place, as a filter and
# with --check: no crash, no hang, exit 0, 1 or 2, and nothing touched on 2.
. "$(dirname "$0")/lib.sh"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have perl || ! have timeout; then
	skip "mutate: perl or timeout missing (whole suite)"
	t_done
	exit 0
fi

# sort and comm must agree on one order.
LC_ALL=C
export LC_ALL
M="$T/m"
mkdir "$M" || exit 2

# One perl run writes every mutant: $M/NN/tOFF.EXT is fixture NN cut to
# OFF bytes, $M/NN/fOFF.EXT the fixture with byte OFF inverted, and in PNG
# $M/NN/cOFF.EXT the same with the chunk's CRC made right.  A truncation
# falls at each segment, chunk or block start, one byte into it, just after
# its header, and one byte short of its end; the flips hit each of the
# first 64 bytes (signatures, headers, the first lengths) and every 97th
# byte after them.  The boundaries come from the container framing alone:
# a parser of a few lines per format, which trusts nothing.
perl - "$M" "$DATA"/fixtures/* "$DATA"/demo/photo.jpg <<'EOF' || exit 2
use strict;
use warnings;

my $out = shift @ARGV;
my %cut;

sub seg {    # a segment at $b, header $h bytes, whole $len bytes
	my ($b, $h, $len) = @_;
	$cut{$_} = 1 for $b, $b + 1, $b + $h;
	$cut{$b + $len - 1} = 1 if defined $len && $len > 1;
}

sub jpeg {
	my ($d) = @_;
	my ($n, $p) = (length $d, 2);
	seg(0, 2, 2);
	while ($p + 1 < $n) {
		last if ord(substr $d, $p, 1) != 0xff;
		my $m = ord(substr $d, $p + 1, 1);
		if ($m == 0xff) { $p++; next; }
		if ($m == 0xd9) { seg($p, 2, 2); $cut{$p + 2} = 1; last; }
		if (($m >= 0xd0 && $m <= 0xd7) || $m == 0x01) {
			seg($p, 2, 2); $p += 2; next;
		}
		last if $p + 4 > $n;
		my $len = 2 + unpack 'n', substr $d, $p + 2, 2;
		seg($p, 4, $len);
		$p += $len;
		next unless $m == 0xda;
		# Entropy-coded data runs to the next marker that is not a
		# stuffed zero, a restart or fill.
		pos($d) = $p;
		last unless $d =~ /\xff[^\x00\xd0-\xd7\xff]/g;
		$p = pos($d) - 2;
	}
}

my @chunks;    # PNG: [start, whole length] of each chunk

sub png {
	my ($d) = @_;
	my ($n, $p) = (length $d, 8);
	seg(0, 8, 8);
	while ($p + 8 <= $n) {
		my $len = 12 + unpack 'N', substr $d, $p, 4;
		seg($p, 8, $len);
		push @chunks, [$p, $len] if $p + $len <= $n;
		$p += $len;
	}
}

my @crctab = map {
	my $c = $_;
	$c = $c & 1 ? 0xedb88320 ^ ($c >> 1) : $c >> 1 for 1 .. 8;
	$c;
} 0 .. 255;

sub crc32 {
	my $c = 0xffffffff;
	$c = $crctab[($c ^ $_) & 0xff] ^ ($c >> 8) for unpack 'C*', $_[0];
	return $c ^ 0xffffffff;
}

sub riff {    # chunks from $p to $end; ANMF frames hold chunks of their own
	my ($d, $p, $end) = @_;
	while ($p + 8 <= $end) {
		my ($id, $len) = unpack 'a4 V', substr $d, $p, 8;
		seg($p, 8, 8 + $len);
		riff($d, $p + 24, $p + 8 + $len) if $id eq 'ANMF';
		$p += 8 + $len + ($len & 1);
	}
}

sub gifsub {    # data sub-blocks from $p: where they end
	my ($d, $p) = @_;
	my $n = length $d;
	while ($p < $n) {
		my $s = ord(substr $d, $p, 1);
		$p += 1 + $s;
		last if $s == 0;
	}
	return $p;
}

sub gif {
	my ($d) = @_;
	my $n = length $d;
	return if $n < 13;
	my $f = ord(substr $d, 10, 1);
	my $p = 13 + ($f & 0x80 ? 3 << (($f & 7) + 1) : 0);
	seg(0, 6, 13);
	seg(13, 3, $p - 13) if $p > 13;
	while ($p < $n) {
		my $b = ord(substr $d, $p, 1);
		if ($b == 0x21) {
			my $e = gifsub($d, $p + 2);
			seg($p, 2, $e - $p);
			$p = $e;
		} elsif ($b == 0x2c) {
			last if $p + 10 > $n;
			my $lf = ord(substr $d, $p + 9, 1);
			my $h = 10 + ($lf & 0x80 ? 3 << (($lf & 7) + 1) : 0);
			my $e = gifsub($d, $p + $h + 1);
			seg($p, $h, $e - $p);
			$cut{$p + $h + 1} = 1;
			$p = $e;
		} else {
			seg($p, 1, 1);
			$cut{$p + 1} = 1 if $b == 0x3b;
			last;
		}
	}
}

sub put {
	my ($path, $bytes) = @_;
	open my $fh, '>:raw', $path or die "$path: $!\n";
	print $fh $bytes or die "$path: $!\n";
	close $fh or die "$path: $!\n";
}

my $i = 0;
for my $file (@ARGV) {
	open my $fh, '<:raw', $file or die "$file: $!\n";
	my $d = do { local $/; <$fh> };
	close $fh;
	my $n = length $d;
	my ($ext) = $file =~ /(\.[a-z]+)$/;
	%cut = ();
	@chunks = ();
	if ($d =~ /^\xff\xd8/) { jpeg($d); }
	elsif ($d =~ /^\x89PNG/) { png($d); }
	elsif ($d =~ /^RIFF....WEBP/s) { seg(0, 12, 12); riff($d, 12, $n); }
	elsif ($d =~ /^GIF8/) { gif($d); }
	else { die "$file: not a fixture format\n"; }
	my $dir = sprintf '%s/%02d', $out, $i++;
	mkdir $dir or die "$dir: $!\n";
	my ($base) = $file =~ m{([^/]*)$};
	put("$dir.src", "$base\n");
	for my $off (grep { $_ >= 0 && $_ < $n } keys %cut) {
		put(sprintf('%s/t%05d%s', $dir, $off, $ext),
		    substr $d, 0, $off);
	}
	my %flip = map { $_ => 1 } (0 .. 63), map { 97 * $_ } 1 .. $n / 97;
	for my $off (grep { $_ < $n } keys %flip) {
		my $m = $d;
		substr($m, $off, 1) = chr(ord(substr $m, $off, 1) ^ 0xff);
		put(sprintf('%s/f%05d%s', $dir, $off, $ext), $m);
		# A PNG chunk whose CRC no longer matches is refused before
		# anything reads it: flipped again with the CRC made right
		# (cOFF), the change reaches the chunk's parser.
		for my $c (grep { $off >= $_->[0] + 4 &&
		    $off < $_->[0] + $_->[1] - 4 } @chunks) {
			my ($at, $len) = @$c;
			substr($m, $at + $len - 4, 4) = pack 'N',
			    crc32(substr $m, $at + 4, $len - 8);
			put(sprintf('%s/c%05d%s', $dir, $off, $ext), $m);
		}
	}
}
EOF

# bad_run STATUS ERRFILE: whether a run crashed, hung or tripped a
# sanitizer (ASan reports with exit status 1, so read what it said).
bad_run() {
	[ "$1" -gt 2 ] || grep -Eq 'Sanitizer|runtime error' "$2"
}

# why STATUS ERRFILE: what went wrong, in a few words.
why() {
	case $1 in
	124 | 137) echo "hung (killed after 10 s)" ;;
	*) echo "exit $1: $(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$2" |
	    head -c 200)" ;;
	esac
}

# A run of the tool: 10 s, then SIGTERM, then SIGKILL 2 s later.
run() {
	timeout -k 2 10 "$SAN" "$@"
}

# sweep DIR: every mutant in DIR (all one fixture's) through --check and
# in-place cleaning in one batch each, what was cleaned through --check
# again, then every mutant through the filter one at a time.  A batch that
# crashed is run again one file at a time to name the culprit.  What went
# wrong goes to DIR.bad, one "NAME: reason" a line.
sweep() {
	d=$1
	w="$d.w"
	bad="$d.bad"
	: >"$bad"
	mkdir "$w"

	run --check "$d"/* >/dev/null 2>"$w/err"
	st=$?
	if bad_run "$st" "$w/err"; then
		for f in "$d"/*; do
			run --check "$f" >/dev/null 2>"$w/err"
			st=$?
			bad_run "$st" "$w/err" && echo "${f##*/}: --check:" \
			    "$(why "$st" "$w/err")" >>"$bad"
		done
	fi

	cp -R "$d" "$w/ip"
	run "$w/ip"/* >/dev/null 2>"$w/err"
	st=$?
	if bad_run "$st" "$w/err"; then
		for f in "$d"/*; do
			n=${f##*/}
			cp "$f" "$w/one"
			run "$w/one" >/dev/null 2>"$w/err"
			st=$?
			if bad_run "$st" "$w/err"; then
				echo "$n: in place:" \
				    "$(why "$st" "$w/err")" >>"$bad"
			elif [ "$st" -eq 2 ] && ! cmp -s "$f" "$w/one"; then
				echo "$n: in place: exit 2, file changed" \
				    >>"$bad"
			fi
		done
	else
		# The files refused must be untouched, the others cleaned:
		# compare checksums of the batch before and after.
		sed -n "s|^[^:]*: cannot [a-z]* '$w/ip/\(.*\)': .*|\1|p" \
		    "$w/err" | sort -u >"$w/refused"
		(cd "$d" && cksum -- *) | sort >"$w/before"
		(cd "$w/ip" && cksum -- *) | sort >"$w/after"
		comm -13 "$w/before" "$w/after" | awk '{ print $3 }' | sort \
		    >"$w/changed"
		comm -12 "$w/refused" "$w/changed" |
		    sed 's/$/: in place: exit 2, file changed/' >>"$bad"
		if [ "$st" -eq 2 ] && [ ! -s "$w/refused" ]; then
			echo "batch: in place: exit 2, no file named" >>"$bad"
		elif [ "$st" -ne 2 ] && [ -s "$w/refused" ]; then
			echo "batch: in place: exit $st, files refused" \
			    >>"$bad"
		fi
		# What was cleaned must check clean: nothing above info left.
		comm -23 "$w/changed" "$w/refused" | sed "s|^|$w/ip/|" \
		    >"$w/cleaned"
		if [ -s "$w/cleaned" ]; then
			# shellcheck disable=SC2046
			run --check $(cat "$w/cleaned") >/dev/null 2>"$w/err"
			st=$?
			[ "$st" -ne 0 ] && while read -r f; do
				run --check "$f" >"$w/out" 2>"$w/err"
				st=$?
				[ "$st" -ne 0 ] && echo "${f##*/}: cleaned" \
				    "file: --check: $(why "$st" "$w/err")" \
				    "$(grep -m1 -v 'kept' "$w/out")" >>"$bad"
			done <"$w/cleaned"
		fi
	fi

	for f in "$d"/*; do
		run <"$f" >"$w/out" 2>"$w/err"
		st=$?
		n=${f##*/}
		if bad_run "$st" "$w/err"; then
			echo "$n: filter: $(why "$st" "$w/err")" >>"$bad"
		elif [ "$st" -eq 2 ] && [ -s "$w/out" ]; then
			echo "$n: filter: exit 2 with output" >>"$bad"
		elif [ "$st" -eq 0 ] && [ ! -s "$w/out" ]; then
			echo "$n: filter: exit 0, no output" >>"$bad"
		elif [ "$st" -eq 1 ]; then
			echo "$n: filter: exit 1" >>"$bad"
		fi
	done
	rm -rf "$w"
}

# Two workers, one per core, each taking every other fixture.
dirs=$(cd "$M" && echo [0-9][0-9])
for half in 0 1; do
	(
		k=0
		for n in $dirs; do
			[ $((k % 2)) -eq "$half" ] && sweep "$M/$n"
			k=$((k + 1))
		done
	) &
done
wait

# One count per mutant: passed when nothing went wrong with it in any mode,
# else one failure naming all that did.  A batch gone wrong as a whole is
# a failure of its own.
for n in $dirs; do
	src=$(cat "$M/$n.src")
	set -- "$M/$n"/*
	total=$#
	nbad=$(sed 's/:.*//' "$M/$n.bad" | grep -v '^batch$' | sort -u | wc -l)
	i=0
	while [ "$i" -lt $((total - nbad)) ]; do
		pass
		i=$((i + 1))
	done
	CASE="mutate $src"
	sort "$M/$n.bad" | awk -F': ' '
		$1 != last && NR > 1 { print line }
		$1 != last { line = $0; last = $1; next }
		{ sub(/^[^:]*: /, ""); line = line "; " $0 }
		END { if (NR) print line }' >"$M/$n.fails"
	while IFS= read -r line; do
		fail "$line"
	done <"$M/$n.fails"
done
t_done
