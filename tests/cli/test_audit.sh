# Clean each dirty fixture, then audit the result with exiftool and ImageMagick.
. "$TOP/tests/cli/lib.sh"

FIX=$DATA/fixtures

have() { command -v "$1" >/dev/null 2>&1; }

# planted NAME: set FIND (lines "CONTAINER FIELD", FIELD an ERE: what
# --check must list), VALUES (planted values --check --show-values prints
# and plain --check must not) and ICC (1 when a profile was planted).
# Keep in step with tests/data/make-fixtures.sh.
EXIF_FIND='EXIF GPSLatitude
EXIF GPSLongitude
EXIF (Body)?SerialNumber
EXIF LensSerialNumber
EXIF Artist
EXIF DateTimeOriginal
EXIF Make
EXIF Model'
EXIF_VALUES='Jane Secret
SN123456
LSN42
SecretMake
SecretModel
2024:01:02 03:04:05'
planted() {
	ICC=0
	case $1 in
	jpeg-*)
		FIND="$EXIF_FIND
XMP dc:creator
IPTC By-line
comment COM
thumbnail IFD1"
		VALUES="$EXIF_VALUES
SECRET-COMMENT"
		;;
	png-*)
		FIND="$EXIF_FIND
XMP dc:creator
text Author
text [Cc]omment
timestamp tIME"
		VALUES="$EXIF_VALUES
SECRET-COMMENT"
		;;
	webp-*)
		FIND="$EXIF_FIND
XMP dc:creator"
		VALUES=$EXIF_VALUES
		;;
	gif-*)
		FIND='XMP dc:creator
XMP exif:GPSLatitude
comment comment'
		VALUES='Jane Secret
SECRET-COMMENT'
		;;
	exiftool-ExtendedXMP.jpg)
		FIND='XMP pdf:Creator
XMP pdf:Author
XMP extended'
		VALUES='PhilToo
Guess Who'
		;;
	exiftool-IPTC.jpg)
		FIND='IPTC By-line
IPTC City
IPTC CopyrightNotice
Photoshop URL'
		VALUES='Phil Harvey
Kingston
Copyright 2004 Phil Harvey'
		;;
	*)
		FIND=''
		VALUES=''
		;;
	esac
	case $1 in
	png-rgb16.png)
		# Only GPS and a body serial number in its EXIF, text in zTXt.
		FIND='EXIF GPSLatitude
EXIF (Body)?SerialNumber
XMP dc:creator
text Author
text Comment
timestamp tIME'
		VALUES='Jane Secret
SN123456
SECRET-COMMENT'
		;;
	jpeg-baseline.jpg | jpeg-progressive.jpg | png-rgb8.png | \
	png-alpha.png | webp-lossy.webp | webp-alpha.webp | webp-anim.webp | \
	gif-anim.gif)
		ICC=1
		;;
	esac
	case $1 in
	jpeg-baseline.jpg | jpeg-gray.jpg | png-rgb8.png | png-alpha.png | \
	webp-lossy.webp | gif-anim.gif)
		FIND="$FIND
trailing after"
		;;
	esac
	[ "$ICC" -eq 1 ] && FIND="$FIND
ICC profile"
}

# Every planted value, as exiftool -n prints them.
PLANTED_RE='Jane Secret|SN123456|LSN42|SecretMake|SecretModel|SECRET'
PLANTED_RE="$PLANTED_RE|48\\.858|2024:01:02|Phil|Kingston|Guess Who"

# What may be left in a cleaned file, from exiftool -a -G1 -s: only the
# file's own structure, the profile and the Orientation.  Prints the
# offending lines.
LEFTOVER_AWK='
BEGIN {
	groups = "^(ExifTool|File|JFIF|Adobe|PNG|PNG-pHYs|RIFF|GIF|" \
	    "Composite|IFD0)$"
	png = "^(ImageWidth|ImageHeight|BitDepth|ColorType|Compression|" \
	    "Filter|Interlace|Gamma|WhitePoint[XY]|Red[XY]|Green[XY]|" \
	    "Blue[XY]|BackgroundColor|Palette|Transparency|SRGBRendering|" \
	    "SignificantBits|ProfileName)$"
	bad = "Comment|Artist|Author|Serial|Thumbnail|Date|^Make$|^Model$|" \
	    "Software|Creator|Copyright|GPS|IPTC|XMP|Warning|Error"
}
/^\[/ {
	g = substr($0, 2, index($0, "]") - 2)
	rest = substr($0, index($0, "]") + 1)
	sub(/^ +/, "", rest)
	tag = rest
	sub(/ .*/, "", tag)
	if (g == "System" || g ~ /^ICC/ || tag == "ExifToolVersion")
		next
	if (g !~ groups || (g == "IFD0" && tag != "Orientation") ||
	    (g == "Composite" && tag !~ /^(ImageSize|Megapixels)$/) ||
	    (g == "PNG" && tag !~ png) || tag ~ bad)
		print
}'

# leftover DESC META: META (exiftool -a -G1 -s output) has nothing left.
leftover() {
	awk "$LEFTOVER_AWK" "$2" >"$T/left"
	if [ -s "$T/left" ]; then
		fail "$1: metadata left: $(head -n 8 "$T/left" | tr '\n' ';')"
	else
		pass
	fi
}

# orient META: the effective orientation (absent: 1).
orient() {
	o=$(sed -n 's/^\[IFD0\] *Orientation *: *\([0-9]\).*/\1/p' "$1" |
	    head -n 1)
	echo "${o:-1}"
}

# no_values DESC FILE: none of the planted VALUES appears in FILE.
no_values() {
	found=""
	while IFS= read -r v; do
		[ -n "$v" ] && grep -Fq -- "$v" "$2" && found="$found '$v'"
	done <<EOF
$VALUES
EOF
	if [ -n "$found" ]; then fail "$1: shows$found"; else pass; fi
}

all_values() {
	missing=""
	while IFS= read -r v; do
		[ -n "$v" ] && ! grep -Fq -- "$v" "$2" &&
		    missing="$missing '$v'"
	done <<EOF
$VALUES
EOF
	if [ -n "$missing" ]; then fail "$1: missing$missing"; else pass; fi
}

# json_ok DESC FILE: FILE is one valid JSON document.
json_ok() {
	if python3 -m json.tool <"$2" >/dev/null 2>"$T/jerr"; then
		pass
	else
		fail "$1: invalid JSON: $(head -c 200 "$T/jerr")"
	fi
}

if ! have exiftool || ! have identify; then
	skip "audit: exiftool or identify missing"
	t_done
	exit 0
fi
HAVE_PY=0
if have python3; then
	HAVE_PY=1
else
	skip "audit: python3 missing, JSON not validated"
fi

mkdir "$T/orig" "$T/clean" "$T/strip"
for f in "$FIX"/*; do
	n=$(basename "$f")
	cp "$f" "$T/orig/$n"
	cp "$f" "$T/clean/$n"
	cp "$f" "$T/strip/$n"
done
NAMES=$(ls "$T/orig")
[ -n "$NAMES" ] || fail "no fixtures in $FIX"

# Audit and clean, one fixture at a time.
for n in $NAMES; do
	CASE=$n
	planted "$n"
	[ -n "$FIND" ] || fail "fixture not described in test_audit.sh"

	expect 1 "--check before cleaning" "$TACIT" sanitise --check \
	    "$T/orig/$n"
	cp "$T/out" "$T/check"
	while IFS= read -r f; do
		[ -n "$f" ] && match "--check lists '$f'" " $f( |\$)" "$T/check"
	done <<EOF
$FIND
EOF
	no_values "--check without --show-values" "$T/check"

	expect 1 "--check --show-values" "$TACIT" sanitise --check \
	    --show-values "$T/orig/$n"
	all_values "--check --show-values" "$T/out"

	expect 1 "--check --json" "$TACIT" sanitise --check --json "$T/orig/$n"
	cp "$T/out" "$T/json"
	[ "$HAVE_PY" -eq 1 ] && json_ok "--check --json" "$T/json"
	no_values "--json without --show-values" "$T/json"
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		c=${f%% *}
		k=${f#* }
		match "--json lists '$f'" \
		    "\"container\":\"$c\",\"field\":\"$k" "$T/json"
	done <<EOF
$FIND
EOF
	expect 1 "--check --json --show-values" "$TACIT" sanitise --check \
	    --json --show-values "$T/orig/$n"
	[ "$HAVE_PY" -eq 1 ] && json_ok "--json --show-values" "$T/out"
	all_values "--json --show-values" "$T/out"

	identify -format '%#\n' "$T/orig/$n" >"$T/orig/$n.sig" 2>/dev/null
	[ -s "$T/orig/$n.sig" ] || fail "identify cannot read the fixture"

	expect 0 "clean" "$TACIT" sanitise "$T/clean/$n"
	expect 0 "clean --strip-all" "$TACIT" sanitise --strip-all \
	    "$T/strip/$n"
	expect 0 "--check after cleaning" "$TACIT" sanitise --check \
	    "$T/clean/$n"
	nomatch "--check after cleaning" \
	    ' (EXIF [^O]|XMP|IPTC|thumbnail|comment|text|trailing|timestamp)' \
	    "$T/out"
	expect 0 "--check after --strip-all" "$TACIT" sanitise --check \
	    "$T/strip/$n"
	match "--check after --strip-all" ': clean$' "$T/out"
	nomatch "--check after --strip-all" 'kept' "$T/out"
	no_temp "$T/clean"

	for d in clean strip; do
		identify -format '%#\n' "$T/$d/$n" >"$T/$d/$n.sig" 2>/dev/null
		if cmp -s "$T/orig/$n.sig" "$T/$d/$n.sig"; then
			pass
		else
			fail "$d: pixels differ"
		fi
		# The cleaned bytes hold none of the planted values (the
		# zTXt ones are compressed: exiftool checks those below).
		for v in 'Jane Secret' SN123456 LSN42 SecretMake SecretModel \
		    SECRET-COMMENT SECRET-TRAILER; do
			if grep -aFq "$v" "$T/$d/$n"; then
				fail "$d: '$v' still in the file"
			fi
		done
	done
done

# One exiftool run for each set: the metadata and the ICC profiles.
exiftool -q -q -a -G1 -s -n -w! %d%f.%e.meta \
    "$T/orig" "$T/clean" "$T/strip" >/dev/null 2>&1
exiftool -q -q -b -ICC_Profile -w! %d%f.%e.icc \
    "$T/orig" "$T/clean" "$T/strip" >/dev/null 2>&1

for n in $NAMES; do
	CASE=$n
	planted "$n"
	for d in orig clean strip; do
		[ -s "$T/$d/$n.meta" ] || fail "$d: no exiftool output"
	done
	leftover "cleaned" "$T/clean/$n.meta"
	leftover "--strip-all" "$T/strip/$n.meta"
	nomatch "exiftool shows a planted value" "$PLANTED_RE" \
	    "$T/clean/$n.meta"

	before=$(orient "$T/orig/$n.meta")
	after=$(orient "$T/clean/$n.meta")
	if [ "$before" = "$after" ]; then
		pass
	else
		fail "orientation $before became $after"
	fi
	nomatch "--strip-all keeps Orientation" 'Orientation' \
	    "$T/strip/$n.meta"

	if [ "$ICC" -eq 1 ]; then
		if [ -s "$T/orig/$n.icc" ] && cmp -s "$T/orig/$n.icc" \
		    "$T/clean/$n.icc"; then
			pass
		else
			fail "ICC profile not kept as it was"
		fi
	fi
	if [ -e "$T/strip/$n.icc" ]; then
		fail "--strip-all kept the ICC profile"
	else
		pass
	fi
done

# Filter mode and -o write the same bytes as cleaning in place, and leave
# the input alone.
for n in $NAMES; do
	CASE="stdin $n"
	"$TACIT" sanitise <"$T/orig/$n" >"$T/stdin-$n" 2>"$T/err"
	st=$?
	if [ "$st" -eq 0 ]; then
		pass
	else
		fail "exit $st: $(head -c 200 "$T/err")"
	fi
	same "$T/stdin-$n" "$T/clean/$n" "filter output vs in-place"
	CASE="-o $n"
	expect 0 "-o OUT" "$TACIT" sanitise -o "$T/o-$n" "$T/orig/$n"
	same "$T/o-$n" "$T/clean/$n" "-o output vs in-place"
	same "$T/orig/$n" "$FIX/$n" "-o leaves the input alone"
done

# A PNG named .jpg is cleaned as a PNG.
CASE="png named .jpg"
cp "$FIX/png-rgb8.png" "$T/really-png.jpg"
expect 1 "--check" "$TACIT" sanitise --check --json "$T/really-png.jpg"
match "--check says PNG" '"format":"PNG"' "$T/out"
expect 0 "clean" "$TACIT" sanitise "$T/really-png.jpg"
same "$T/really-png.jpg" "$T/clean/png-rgb8.png" "cleaned as the .png"
exiftool -q -q -a -G1 -s -n "$T/really-png.jpg" >"$T/really.meta" 2>&1
match "still a PNG" 'FileType +: PNG' "$T/really.meta"
leftover "cleaned" "$T/really.meta"

t_done
