# Clean the public sample images in ../shared/testdata and audit the results.
. "$TOP/tests/cli/lib.sh"

if [ -z "$SHARED" ] || [ ! -d "$SHARED/images" ]; then
	skip "shared: no ../shared/testdata/images"
	t_done
	exit 0
fi
if ! command -v exiftool >/dev/null 2>&1 ||
    ! command -v identify >/dev/null 2>&1; then
	skip "shared: exiftool or identify missing"
	t_done
	exit 0
fi
IMG=$SHARED/images

# Files that are broken on purpose: refusing them is right (exit 2, file
# untouched), cleaning them is right too if the result passes the audit.
may_fail() {
	case $1 in
	exif-samples_jpg_corrupted.jpg | exif-samples_jpg_invalid_*) return 0 ;;
	esac
	return 1
}

# What may be left in a cleaned file, from exiftool -a -G1 -s: only the
# file's own structure, the profile and the Orientation.  Prints the
# offending lines.  (The same list as test_audit.sh.)
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

orient() {
	o=$(sed -n 's/^\[IFD0\] *Orientation *: *\([0-9]\).*/\1/p' "$1" |
	    head -n 1)
	echo "${o:-1}"
}

# Copy the inputs under flat names made of the path (no spaces, no
# parentheses): exif-samples/jpg/gps/DSCN0010.jpg is
# exif-samples_jpg_gps_DSCN0010.jpg.
mkdir "$T/orig" "$T/clean"
(
	cd "$IMG" || exit 1
	find exif-samples -type f \( -name '*.jpg' -o -name '*.JPG' \)
	for f in mat2/dirty.jpg mat2/dirty.png mat2/dirty.webp \
	    mat2/dirty.gif; do
		[ -f "$f" ] && echo "$f"
	done
	find exiftool -type f \( -name '*.jpg' -o -name '*.png' \
	    -o -name '*.webp' -o -name '*.gif' \)
) | sort >"$T/list"
while IFS= read -r p; do
	n=$(printf '%s' "$p" | tr -c 'A-Za-z0-9._-' '_')
	cp "$IMG/$p" "$T/orig/$n"
	cp "$IMG/$p" "$T/clean/$n"
	chmod u+w "$T/clean/$n"
	echo "$n" >>"$T/names"
done <"$T/list"
CASE=inputs
count=$(wc -l <"$T/names")
[ "$count" -ge 100 ] || fail "only $count sample images found"

# Clean each one; a refusal leaves the file as it was.
: >"$T/cleaned"
while IFS= read -r n; do
	CASE=$n
	"$TACIT" sanitise "$T/clean/$n" >"$T/out" 2>"$T/err"
	st=$?
	case $st in
	0)
		pass
		echo "$n" >>"$T/cleaned"
		;;
	2)
		if may_fail "$n"; then pass; else
			fail "refused: $(head -c 200 "$T/err")"
		fi
		same "$T/clean/$n" "$T/orig/$n" "refused but changed"
		if [ -s "$T/err" ]; then
			pass
		else
			fail "exit 2 without a message"
		fi
		;;
	*)
		fail "exit $st: $(head -c 200 "$T/err")"
		;;
	esac
done <"$T/names"
no_temp "$T/clean"

# The pixel signature of every frame, one ImageMagick run for each side
# (the names have no spaces).
for d in orig clean; do
	# shellcheck disable=SC2046
	(cd "$T/$d" && identify -format '%f %#\n' $(cat "$T/cleaned")) \
	    >"$T/$d.sig" 2>/dev/null
done

# One exiftool run for each side: the metadata and the ICC profiles.
exiftool -q -q -a -G1 -s -n -w! %d%f.%e.meta "$T/orig" "$T/clean" \
    >/dev/null 2>&1
exiftool -q -q -b -ICC_Profile -w! %d%f.%e.icc "$T/orig" "$T/clean" \
    >/dev/null 2>&1

while IFS= read -r n; do
	CASE=$n
	if [ ! -s "$T/clean/$n.meta" ]; then
		fail "no exiftool output for the cleaned file"
		continue
	fi
	awk "$LEFTOVER_AWK" "$T/clean/$n.meta" >"$T/left"
	if [ -s "$T/left" ]; then
		fail "metadata left: $(head -n 8 "$T/left" | tr '\n' ';')"
	else
		pass
	fi

	before=$(orient "$T/orig/$n.meta")
	after=$(orient "$T/clean/$n.meta")
	if [ "$before" = "$after" ]; then
		pass
	else
		fail "orientation $before became $after"
	fi

	if [ -e "$T/orig/$n.icc" ]; then
		if cmp -s "$T/orig/$n.icc" "$T/clean/$n.icc"; then
			pass
		else
			fail "ICC profile not kept as it was"
		fi
	fi

	awk -v n="$n" '$1 == n' "$T/orig.sig" >"$T/sig1"
	awk -v n="$n" '$1 == n' "$T/clean.sig" >"$T/sig2"
	if [ ! -s "$T/sig1" ]; then
		skip "$n: ImageMagick cannot read it"
	elif cmp -s "$T/sig1" "$T/sig2"; then
		pass
	else
		fail "pixels differ"
	fi

	expect 0 "--check after cleaning" "$TACIT" sanitise --check \
	    "$T/clean/$n"
done <"$T/cleaned"

t_done
