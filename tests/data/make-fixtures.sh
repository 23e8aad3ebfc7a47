#!/bin/sh
# Regenerate the dirty image fixtures in tests/data/fixtures (run by hand).
#
# usage: tests/data/make-fixtures.sh [SHARED_TESTDATA]
#
# Needs ImageMagick (convert), exiftool and, for the animated WebP, img2webp
# (package webp; without it convert is used, which writes a stray RIFF after
# the real one).  SHARED_TESTDATA defaults to ../shared/testdata: the sRGB
# profile and two ExifTool samples come from there (see tests/data/SOURCES).
# The output is deterministic for a given ImageMagick, libwebp and exiftool.
#
# Every planted value is easy to grep for: the names are "Jane Secret", the
# serial numbers SN123456 and LSN42, the camera SecretMake/SecretModel, the
# comments SECRET-COMMENT, the data after the end SECRET-TRAILER, and the GPS
# position 48.8584 N 2.2945 E (48 deg 51' 30.24").  tests/cli/test_audit.sh
# knows which fixture holds what: keep the two in step.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${1:-$TOP/../shared/testdata}
OUT=$TOP/tests/data/fixtures
EXIFTOOL_SAMPLES=$SHARED/images/exiftool

for tool in convert exiftool; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "make-fixtures: $tool not found" >&2
		exit 2
	}
done
[ -f "$EXIFTOOL_SAMPLES/XMP.jpg" ] || {
	echo "make-fixtures: no '$EXIFTOOL_SAMPLES/XMP.jpg'" >&2
	exit 2
}

W=$(mktemp -d "${TMPDIR:-/tmp}/tacit-fixtures.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*

# No date:create/date:modify text and no tIME from ImageMagick: they would
# make the output depend on the clock (tIME is planted below, fixed).
PNGX=png:exclude-chunks=date,time

# Source pictures: small, asymmetric (so a wrong rotation would show), and
# smooth so that they compress to little.
convert -size 64x48 gradient:red-blue \
    -fill yellow -draw 'rectangle 4,4 20,12' \
    -fill black -draw 'circle 48,36 52,40' -depth 8 -define "$PNGX" \
    "$W/base.png"
convert -size 64x48 gradient:green-yellow -fill navy \
    -draw 'rectangle 40,6 60,14' -depth 8 -define "$PNGX" "$W/frame2.png"
convert -size 64x48 xc:gray50 -fill red -draw 'rectangle 2,2 30,20' \
    -depth 8 -define "$PNGX" "$W/frame3.png"
convert -size 16x12 gradient:white-black -quality 50 "$W/thumb.jpg"
exiftool -q -b -ICC_Profile "$EXIFTOOL_SAMPLES/XMP.jpg" >"$W/srgb.icc"

# exiftool options shared by every write: no backup, no XMP padding.
ET="exiftool -q -q -overwrite_original -api Compact=all"

# plant FILE ARGS...: write ARGS and the EXIF that cameras write (where,
# who, when, with what) with exiftool.
plant() {
	f=$1
	shift
	$ET -GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 \
	    -GPSLongitudeRef=E -SerialNumber=SN123456 -LensSerialNumber=LSN42 \
	    "-Artist=Jane Secret" "-DateTimeOriginal=2024:01:02 03:04:05" \
	    -Make=SecretMake -Model=SecretModel "$@" "$f"
}

# --- JPEG ---------------------------------------------------------------
XMP_NAME="-XMP-dc:Creator=Jane Secret"
convert "$W/base.png" -quality 85 "$OUT/jpeg-baseline.jpg"
plant "$OUT/jpeg-baseline.jpg" "$XMP_NAME" "-IPTC:By-line=Jane Secret" \
    -Comment=SECRET-COMMENT "-ThumbnailImage<=$W/thumb.jpg" \
    "-ICC_Profile<=$W/srgb.icc" -Orientation#=6
printf 'SECRET-TRAILER' >>"$OUT/jpeg-baseline.jpg"

convert "$W/base.png" -quality 85 -interlace Plane \
    "$OUT/jpeg-progressive.jpg"
plant "$OUT/jpeg-progressive.jpg" "$XMP_NAME" \
    "-IPTC:By-line=Jane Secret" -Comment=SECRET-COMMENT \
    "-ThumbnailImage<=$W/thumb.jpg" "-ICC_Profile<=$W/srgb.icc" \
    -Orientation#=3

convert "$W/base.png" -colorspace Gray -type Grayscale -quality 85 \
    "$OUT/jpeg-gray.jpg"
plant "$OUT/jpeg-gray.jpg" "$XMP_NAME" "-IPTC:By-line=Jane Secret" \
    -Comment=SECRET-COMMENT "-ThumbnailImage<=$W/thumb.jpg" -Orientation#=8
printf 'SECRET-TRAILER' >>"$OUT/jpeg-gray.jpg"

# CMYK: ImageMagick writes an Adobe APP14, which the cleaner must keep
# (without it the colours are inverted).  No Orientation: absent means 1.
convert "$W/base.png" -colorspace CMYK -quality 85 "$OUT/jpeg-cmyk.jpg"
plant "$OUT/jpeg-cmyk.jpg" "$XMP_NAME" "-IPTC:By-line=Jane Secret" \
    -Comment=SECRET-COMMENT "-ThumbnailImage<=$W/thumb.jpg"

# --- PNG ----------------------------------------------------------------
# EXIF goes into eXIf, XMP into iTXt, PNG:* into tEXt (zTXt with -z),
# ModifyDate into tIME, the profile into iCCP.
PNG_TEXT="-PNG:Author=Jane Secret"
PNG_TIME="-PNG:ModifyDate=2024:01:02 03:04:05"

convert "$W/base.png" -set comment SECRET-COMMENT -define "$PNGX" \
    "PNG24:$OUT/png-rgb8.png"
plant "$OUT/png-rgb8.png" "$XMP_NAME" "$PNG_TEXT" "$PNG_TIME" \
    "-ICC_Profile<=$W/srgb.icc" -Orientation#=6
printf 'SECRET-TRAILER' >>"$OUT/png-rgb8.png"

# 16 bits a channel; the text compressed (zTXt) so a raw grep cannot see it.
convert -size 64x48 gradient:red-blue -fill yellow \
    -draw 'rectangle 4,4 20,12' -depth 16 -define "$PNGX" \
    "PNG48:$OUT/png-rgb16.png"
$ET -z "$PNG_TEXT" -PNG:Comment=SECRET-COMMENT "$PNG_TIME" \
    "-XMP-dc:Creator=Jane Secret" -GPSLatitude=48.8584 -GPSLatitudeRef=N \
    -GPSLongitude=2.2945 -GPSLongitudeRef=E -SerialNumber=SN123456 \
    "$OUT/png-rgb16.png"

convert "$W/base.png" -set comment SECRET-COMMENT -define "$PNGX" \
    "PNG8:$OUT/png-palette.png"
plant "$OUT/png-palette.png" "$XMP_NAME" "$PNG_TEXT" "$PNG_TIME" \
    -Orientation#=3

convert "$W/base.png" -alpha set -channel A -fx 'i/w' +channel \
    -set comment SECRET-COMMENT -define "$PNGX" "PNG32:$OUT/png-alpha.png"
plant "$OUT/png-alpha.png" "$XMP_NAME" "$PNG_TEXT" "$PNG_TIME" \
    "-ICC_Profile<=$W/srgb.icc" -Orientation#=8
printf 'SECRET-TRAILER' >>"$OUT/png-alpha.png"

# --- WebP ---------------------------------------------------------------
# exiftool turns a simple file into an extended one (VP8X) to add the
# EXIF, XMP and ICCP chunks.
convert "$W/base.png" -quality 75 "$OUT/webp-lossy.webp"
plant "$OUT/webp-lossy.webp" "$XMP_NAME" "-ICC_Profile<=$W/srgb.icc" \
    -Orientation#=6
printf 'SECRET-TRAILER' >>"$OUT/webp-lossy.webp"

convert "$W/base.png" -define webp:lossless=true "$OUT/webp-lossless.webp"
plant "$OUT/webp-lossless.webp" "$XMP_NAME" -Orientation#=8

# Lossy with an alpha channel: VP8X + ALPH + VP8.
convert "$W/base.png" -alpha set -channel A -fx 'j/h' +channel \
    -quality 75 "$OUT/webp-alpha.webp"
plant "$OUT/webp-alpha.webp" "$XMP_NAME" "-ICC_Profile<=$W/srgb.icc"

if command -v img2webp >/dev/null 2>&1; then
	img2webp -loop 0 -d 100 -lossy "$W/base.png" "$W/frame2.png" \
	    -lossless "$W/frame3.png" -o "$OUT/webp-anim.webp" 2>/dev/null
else
	convert -delay 10 "$W/base.png" "$W/frame2.png" "$W/frame3.png" \
	    -loop 0 "$OUT/webp-anim.webp"
fi
plant "$OUT/webp-anim.webp" "$XMP_NAME" "-ICC_Profile<=$W/srgb.icc" \
    -Orientation#=3

# --- GIF ----------------------------------------------------------------
# No EXIF in GIF: XMP (application extension), a comment extension and an
# ICC profile (ICCRGBG1 extension).
convert -delay 10 "$W/base.png" "$W/frame2.png" "$W/frame3.png" -loop 0 \
    "$OUT/gif-anim.gif"
$ET "$XMP_NAME" -XMP-exif:GPSLatitude=48.8584 \
    -XMP-exif:GPSLongitude=2.2945 "-XMP-tiff:Artist=Jane Secret" \
    "-XMP-tiff:Make=SecretMake" -Comment=SECRET-COMMENT \
    "-ICC_Profile<=$W/srgb.icc" "$OUT/gif-anim.gif"
printf 'SECRET-TRAILER' >>"$OUT/gif-anim.gif"

convert "$W/base.png" -set comment SECRET-COMMENT "$OUT/gif-still.gif"
$ET "$XMP_NAME" -XMP-exif:GPSLatitude=48.8584 \
    -XMP-exif:GPSLongitude=2.2945 "$OUT/gif-still.gif"

# --- Copied from ExifTool's samples -------------------------------------
# ExtendedXMP.jpg: XMP split over several APP1 segments (xmpNote).
# IPTC.jpg: a full IPTC record and Photoshop resources in APP13.
cp "$EXIFTOOL_SAMPLES/ExtendedXMP.jpg" "$OUT/exiftool-ExtendedXMP.jpg"
cp "$EXIFTOOL_SAMPLES/IPTC.jpg" "$OUT/exiftool-IPTC.jpg"
chmod 644 "$OUT"/*

ls -l "$OUT"
