#!/bin/sh
# Install what building and testing tacit needs (Debian 12), when missing.
PKGS="build-essential clang clang-format pkg-config libsodium-dev libexif-dev libmagic-dev
libcurl4-openssl-dev libyaml-dev libcmocka-dev zlib1g-dev age faketime python3 openssl curl valgrind gdb git scdoc libimage-exiftool-perl
imagemagick webp gifsicle strace libclang-rt-14-dev python3-jsonschema pre-commit"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 2
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || exit 2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 2
