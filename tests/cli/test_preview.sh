#!/bin/sh
# tacit preview against a local hostile server (tests/preview/server.py):
# every safety point of the preview issue, tracking-free URLs, the image.
. "$(dirname "$0")/lib.sh"
PV="$BIN/tacit-preview"
SRV_PY="$TOP/tests/preview/server.py"
W="$T/srv"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have python3 || ! have openssl; then
	skip "preview: python3 or openssl missing (whole suite)"
	t_done
	exit 0
fi
if [ ! -x "$PV" ]; then
	skip "preview: $PV not built yet (whole suite)"
	t_done
	exit 0
fi
PYTHONIOENCODING=utf-8
export PYTHONIOENCODING
# The interpreter itself: a version manager's shim costs 0.2 s a call.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$PY" ] || PY=python3

# The server is stopped on every way out: its stop file, then SIGTERM,
# then SIGKILL if it is still there after 3 s.  It also stops by itself
# when this shell is gone, or after two minutes.
SRV_PID=''
stop_server() {
	[ -n "$SRV_PID" ] || return 0
	: >"$W/stop" 2>/dev/null
	kill "$SRV_PID" 2>/dev/null
	i=0
	while [ $i -lt 30 ] && [ -e "/proc/$SRV_PID" ] &&
	    [ "$(cut -d' ' -f3 "/proc/$SRV_PID/stat" 2>/dev/null)" != Z ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=''
}
trap 'stop_server; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

# A CA, a server certificate for 127.0.0.1 and localhost signed by it,
# and another CA that signed nothing here.
CASE="setup"
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$T/$1.key" -out "$T/$1.pem" -days 2 \
	    -subj "/CN=tacit test $1" \
	    -addext 'basicConstraints=critical,CA:TRUE' \
	    -addext 'keyUsage=critical,keyCertSign,cRLSign' >/dev/null 2>&1
}
printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
    'basicConstraints=critical,CA:FALSE' \
    'keyUsage=critical,digitalSignature' \
    'extendedKeyUsage=serverAuth' >"$T/ext.cnf"
if mkca ca && mkca otherca &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -keyout "$T/srv.key" -out "$T/srv.csr" -subj /CN=127.0.0.1 \
    >/dev/null 2>&1 &&
    openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
    -set_serial 2 -days 2 -extfile "$T/ext.cnf" -out "$T/srv.pem" \
    >/dev/null 2>&1; then
	pass
else
	fail "openssl could not make the test certificates"
	t_done
	exit 0
fi
CA="$T/ca.pem"

"$PY" "$SRV_PY" --dir "$W" --cert "$T/srv.pem" --key "$T/srv.key" \
    --lifetime 120 --watch-pid $$ >"$T/server.out" 2>&1 &
SRV_PID=$!
i=0
while [ ! -f "$W/ports" ] && [ $i -lt 100 ] && kill -0 "$SRV_PID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -f "$W/ports" ]; then
	fail "test server did not start: $(head -c 500 "$T/server.out")"
	t_done
	exit 0
fi
pass
. "$W/ports"
H="http://127.0.0.1:$HTTP_PORT"
S="https://127.0.0.1:$HTTPS_PORT"
C="$CANARY_PORT"

# pv ARGS...: the tool, trusting the test CA, allowed to reach exactly the
# test server's HTTP and HTTPS endpoints.
pv() {
	"$PV" --cacert "$CA" --allow-host "127.0.0.1:$HTTP_PORT" \
	    --allow-host "127.0.0.1:$HTTPS_PORT" "$@"
}

# JSON output: fj N splits line N of $T/out into $T/f/FIELD, one file per
# field holding the value's bytes, "(null)" for null, "(missing)" when the
# field is not there; $T/f/_schema says "ok" or what is wrong with the line
# (a line that is not a preview object counts as a failure).
cat >"$T/fj.py" <<'EOF'
import json, os, sys
out, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
FIELDS = ["url", "final_url", "canonical_url", "title", "description",
          "site_name", "image", "content_type"]
os.makedirs(d, exist_ok=True)
for f in os.listdir(d):
    os.unlink(os.path.join(d, f))
lines = open(out, "rb").read().split(b"\n")
if lines and lines[-1] == b"":
    lines.pop()
problem = "ok"
obj = {}
if n > len(lines):
    problem = "no line %d (%d lines)" % (n, len(lines))
else:
    try:
        obj = json.loads(lines[n - 1].decode("utf-8"))
        if not isinstance(obj, dict):
            problem, obj = "not an object", {}
        elif sorted(obj) != sorted(FIELDS):
            problem = "fields %s" % sorted(obj)
        elif any(v is not None and not isinstance(v, str) for v in obj.values()):
            problem = "a value is neither a string nor null"
    except ValueError as e:
        problem = "invalid JSON: %s" % e
for f in FIELDS:
    v = obj.get(f, "(missing)")
    if v is None:
        v = "(null)"
    elif not isinstance(v, str):
        v = "(type %s)" % type(v).__name__
    with open(os.path.join(d, f), "w", encoding="utf-8",
              errors="surrogatepass") as fh:
        fh.write(v)
with open(os.path.join(d, "_schema"), "w") as fh:
    fh.write(problem)
EOF
fj() {
	"$PY" "$T/fj.py" "$T/out" "${1:-1}" "$T/f"
	if [ "$(cat "$T/f/_schema")" != ok ]; then
		fail "JSON line ${1:-1}: $(cat "$T/f/_schema"): $(head -c 300 "$T/out")"
	fi
}

# schema_ok DESCRIPTION [N]: line N of the output is a preview object.
schema_ok() {
	"$PY" "$T/fj.py" "$T/out" "${2:-1}" "$T/f"
	if [ "$(cat "$T/f/_schema")" = ok ]; then
		pass
	else
		fail "$1: JSON line ${2:-1}: $(cat "$T/f/_schema"): $(head -c 300 "$T/out")"
	fi
}

# field FIELD VALUE DESCRIPTION: after fj, FIELD holds exactly VALUE
# ("(null)" for null).
field() {
	printf '%s' "$2" >"$T/want"
	if cmp -s "$T/want" "$T/f/$1"; then
		pass
	else
		fail "$3: $1 is '$(head -c 200 "$T/f/$1")', wanted '$2'"
	fi
}

# lines_are N FILE DESCRIPTION: FILE has N lines.
lines_are() {
	n=$(wc -l <"$2")
	if [ "$n" -eq "$1" ]; then pass; else fail "$3: $n lines, wanted $1: $(head -c 300 "$2")"; fi
}

# text_is FILE STRING DESCRIPTION: FILE holds STRING and a newline.
text_is() {
	printf '%s\n' "$2" >"$T/want"
	same "$T/want" "$1" "$3"
}

# is_empty FILE DESCRIPTION: FILE is empty (or absent).
is_empty() {
	if [ -s "$1" ]; then fail "$2: $(head -c 300 "$1")"; else pass; fi
}

# one_failure DESCRIPTION: stderr is exactly one line in the form of the
# issue, and stdout is empty.
one_failure() {
	lines_are 1 "$T/err" "$1: one line on stderr"
	match "$1: message form" "^tacit-preview: cannot preview '.+': .+" "$T/err"
	if [ -s "$T/out" ]; then fail "$1: output on stdout: $(head -c 200 "$T/out")"; else pass; fi
}

# Wall time: t0 before a command, then within MS DESCRIPTION.
now_ms() { date +%s%3N; }
t0() { T0=$(now_ms); }
within() {
	el=$(($(now_ms) - T0))
	if [ "$el" -le "$1" ]; then pass; else fail "$2: took $el ms, limit $1 ms"; fi
}

# The canary: no refused target may ever get a connection.
canary_n() { grep -c '"event": "connect"' "$W/canary.log"; }
CANARY_SEEN=0
quiet() {
	n=$(canary_n)
	if [ "$n" -eq "$CANARY_SEEN" ]; then
		pass
	else
		fail "$1: the canary got $((n - CANARY_SEEN)) connection(s): $(tail -n 2 "$W/canary.log")"
	fi
	CANARY_SEEN=$n
}

# The server's request log: mark, then new_requests writes what came in
# since the mark to $T/req.
mark() { REQ_MARK=$(wc -l <"$W/requests.log"); }
new_requests() { tail -n +$((REQ_MARK + 1)) "$W/requests.log" >"$T/req"; }
# requested PATH DESCRIPTION / not_requested PATH DESCRIPTION (since mark)
requested() {
	new_requests
	if grep -qF "\"path\": \"$1\"" "$T/req"; then pass; else fail "$2: $1 never requested"; fi
}
not_requested() {
	new_requests
	if grep -qF "\"path\": \"$1\"" "$T/req"; then fail "$2: $1 was requested"; else pass; fi
}
no_requests() {
	new_requests
	if [ -s "$T/req" ]; then fail "$1: the server got $(wc -l <"$T/req") request(s): $(head -c 200 "$T/req")"; else pass; fi
}

# refused DESCRIPTION URL [ARGS...]: the URL gives no preview, one line on
# stderr, and the canary stays quiet.
refused() {
	r_desc=$1 r_url=$2
	shift 2
	t0
	expect 2 "$r_desc" pv --json --allow-http "$@" "$r_url"
	one_failure "$r_desc"
	quiet "$r_desc"
	within 3000 "$r_desc (refused before any wait)"
}

# peak RSS (KiB) of pv: rss_under KIB DESCRIPTION STATUS ARGS...
HAVE_TIME=0
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$T/rss" true 2>/dev/null &&
    grep -Eq '^[0-9]+$' "$T/rss"; then
	HAVE_TIME=1
fi
# A sanitizer build's shadow memory is no measure of the tool's.
if LC_ALL=C grep -aq __asan_init "$PV"; then
	HAVE_TIME=0
fi
rss_under() {
	r_max=$1 r_desc=$2 r_st=$3
	shift 3
	if [ "$HAVE_TIME" = 1 ]; then
		/usr/bin/time -f %M -o "$T/rss" "$PV" --cacert "$CA" \
		    --allow-host "127.0.0.1:$HTTP_PORT" \
		    --allow-host "127.0.0.1:$HTTPS_PORT" "$@" >"$T/out" 2>"$T/err"
		got=$?
		kb=$(tail -n 1 "$T/rss")
		if [ "$kb" -lt "$r_max" ]; then pass; else fail "$r_desc: peak RSS $kb KiB, limit $r_max KiB"; fi
	else
		skip "$r_desc: peak RSS not measured (no GNU time, or ASan)"
		pv "$@" >"$T/out" 2>"$T/err"
		got=$?
	fi
	if [ "$got" -eq "$r_st" ]; then pass; else fail "$r_desc: exit $got, wanted $r_st; stderr: $(head -c 300 "$T/err")"; fi
}

CASE="options"
expect 0 "--help" "$PV" --help
match "help synopsis" '^usage: tacit preview' "$T/out"
expect 2 "unknown option" "$PV" --frobnicate
expect 2 "--max-bytes not a number" pv --max-bytes lots "$S/og-first"
expect 2 "--max-bytes negative" pv --max-bytes -1 "$S/og-first"
expect 2 "--timeout not a number" pv --timeout soon "$S/og-first"
expect 2 "--allow-host without a port" "$PV" --allow-host 127.0.0.1 "$S/og-first"
expect 0 "tacit preview through the front end" "$TACIT" preview --clean \
    'https://example.com/?utm_source=x&id=1'
text_is "$T/out" 'https://example.com/?id=1' "front end --clean"

CASE="preview"
mark
expect 0 "og: first, https" pv --json "$S/og-first"
lines_are 1 "$T/out" "one line per URL"
schema_ok "og: first"
field url "$S/og-first" "og: first"
field final_url "$S/og-first" "og: first"
field canonical_url "(null)" "og: first"
field title "OG Title" "og: first"
field description "OG description" "og: first"
field site_name "Test Site" "og: first"
field image "$S/img.png" "og: first"
if grep -q '^text/html' "$T/f/content_type"; then pass; else fail "content_type '$(cat "$T/f/content_type")'"; fi
is_empty "$T/err" "nothing on stderr for a preview"
not_requested /img.png "the image is not fetched without --image"
expect 0 "title first" pv --json "$S/title-first"
fj
field title "OG Title" "og: wins over an earlier <title> and twitter:"
field description "OG description" "og: wins over an earlier meta description"
field image "$S/img.png" "og:image wins over an earlier twitter:image"
field site_name "Test Site" "title first"
expect 0 "twitter first" pv --json "$S/twitter-first"
fj
field title "Twitter Title" "twitter: wins over <title>"
field description "Twitter description" "twitter: wins over meta description"
field image "$S/tw.png" "twitter:image when no og:image"
field site_name "(null)" "no site name"
expect 0 "title before twitter" pv --json "$S/title-twitter"
fj
field title "Twitter Title" "twitter: wins over an earlier <title>"
field description "Twitter description" "twitter: wins over an earlier meta description"
expect 0 "title only" pv --json "$S/title-only"
fj
field title "Only Title" "<title> alone"
field description "Only description" "meta description alone"
field image "(null)" "no image"
expect 0 "first wins" pv --json "$S/first-wins"
fj
field title "First" "among equal tags the first wins"
expect 0 "hidden tags" pv --json "$S/hidden"
fj
field title "Visible" "nothing from comments, script, style, noscript, template, textarea"
field description "Visible description" "hidden tags"
expect 0 "entities" pv --json "$S/entities"
fj
field title 'Tom & Jerry <b> &lt; é☺ "q" back\slash' "entities decoded once"
expect 0 "title is RCDATA" pv --json "$S/rcdata"
fj
field title 'a <b>bold</b> & <!-- c --> d' "<title> is RCDATA"
expect 0 "v4 http with --allow-http" pv --json --allow-http "$H/og-first"
fj
field title "OG Title" "over http"
expect 0 "human output" pv "$S/og-first"
match "human output has the title" 'OG Title' "$T/out"
match "human output has the description" 'OG description' "$T/out"
nomatch "human output: og: wins" 'Plain Title' "$T/out"
nomatch "human output is not JSON" '^\{' "$T/out"
expect 0 "empty page" pv --json "$S/empty"
schema_ok "empty page"
field title "(null)" "empty page"

CASE="charsets"
expect 0 "iso-8859-1 from the header" pv --json "$S/latin1"
fj
field title "Café crème" "iso-8859-1 from the header"
expect 0 "windows-1252 from meta charset" pv --json "$S/cp1252"
fj
field title '“Smart” € 5' "windows-1252 from <meta charset>"
expect 0 "iso-8859-1 from http-equiv" pv --json "$S/latin1-equiv"
fj
field title "Naïve" "charset from http-equiv Content-Type"
expect 0 "header over meta" pv --json "$S/header-wins"
fj
field title "Ã©tÃ©" "the header's charset wins over <meta charset>"
expect 0 "meta charset past 1024 bytes" pv --json "$S/late-charset"
fj
field title "$(printf '\357\277\275Late\357\277\275')" "meta charset only in the first 1024 bytes"
expect 0 "utf-16le with BOM" pv --json "$S/utf16"
fj
field title "Grüße ✓ 日本" "UTF-16LE BOM wins over the header's charset"
expect 0 "utf-16be with BOM" pv --json "$S/utf16be"
fj
field title "Grüße ✓ 日本" "UTF-16BE BOM"
expect 0 "invalid UTF-8" pv --json "$S/bad-utf8"
fj
match "invalid UTF-8 replaced by U+FFFD" '^Bad .*�.* end .*x$' "$T/f/title"
if "$PY" -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/out" 2>/dev/null; then
	pass
else
	fail "invalid UTF-8: output is not valid UTF-8"
fi

# Output hygiene: nothing that can drive a terminal, in either format.
cat >"$T/hygiene.py" <<'EOF'
import json, re, sys
raw = open(sys.argv[1], "rb").read()
bad = []
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError as e:
    print("not UTF-8: %s" % e)
    sys.exit(1)
ctl = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
for m in ctl.finditer(text):
    bad.append("U+%04X at %d" % (ord(m.group()), m.start()))
if sys.argv[2] == "json":
    for line in text.splitlines():
        for k, v in json.loads(line).items():
            if isinstance(v, str):
                for m in re.finditer("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", v):
                    bad.append("%s: U+%04X" % (k, ord(m.group())))
if bad:
    print("; ".join(bad[:8]))
    sys.exit(1)
EOF
# clean_for_tty DESCRIPTION MODE: $T/out has no control, escape or bidi
# character (MODE json: the decoded values neither).
clean_for_tty() {
	if "$PY" "$T/hygiene.py" "$T/out" "$2" >"$T/hyg" 2>&1; then
		pass
	else
		fail "$1: $(head -c 300 "$T/hyg")"
	fi
}
CASE="hygiene"
expect 0 "escapes in the title, JSON" pv --json "$S/escapes"
clean_for_tty "escapes, JSON" json
fj
match "escapes: text kept" '^Hello.*evil.*iso.*end$' "$T/f/title"
nomatch "escape sequences removed whole (CSI 2J)" '\[2J' "$T/f/title"
nomatch "escape sequences removed whole (OSC title)" 'pwned' "$T/f/title"
match "description: controls removed, text kept" '^line1 ?line2 ?end' "$T/f/description"
expect 0 "escapes in the title, human" pv "$S/escapes"
clean_for_tty "escapes, human output" text
match "human: title shown" 'Hello' "$T/out"
expect 0 "invalid UTF-8, human" pv "$S/bad-utf8"
clean_for_tty "invalid UTF-8, human output" text
expect 0 "escapes in og:image and canonical" pv --json "$S/url-escapes"
clean_for_tty "escapes in URLs, JSON" json
expect 0 "escapes in og:image and canonical, human" pv "$S/url-escapes"
clean_for_tty "escapes in URLs, human output" text
pv --json "$S/to-escape" >"$T/out" 2>"$T/err"
clean_for_tty "escapes in a Location, stdout" json
cp "$T/err" "$T/out"
clean_for_tty "escapes in a Location, stderr" text

CASE="redirects"
for code in 301 302 303 307 308; do
	expect 0 "redirect $code" pv --json "$S/code/$code"
	fj
	field title "OG Title" "redirect $code followed"
	field final_url "$S/og-first" "redirect $code: final_url"
	field url "$S/code/$code" "redirect $code: url"
done
expect 0 "5 hops" pv --json "$S/redirect/5"
fj
field title "Chain end" "5 hops followed"
field final_url "$S/redirect/0" "5 hops: final_url"
mark
expect 2 "6 hops" pv --json "$S/redirect/6"
one_failure "6 hops"
match "6 hops: reason" '[Rr]edirect' "$T/err"
not_requested /redirect/0 "no 6th hop"
expect 2 "redirect without Location" pv --json "$S/no-location"
one_failure "redirect without Location"
expect 2 "200 KB Location" pv --json "$S/to-long"
one_failure "200 KB Location"
mark
expect 2 "redirect loop" pv --json "$S/loop"
one_failure "loop"
match "loop: reason says loop" '[Ll]oop' "$T/err"
new_requests
n=$(grep -c '"path": "/loop"' "$T/req")
if [ "$n" -le 6 ]; then pass; else fail "loop fetched $n times"; fi
expect 2 "two-step loop" pv --json "$S/loop-a"
one_failure "loop a-b"
match "loop a-b: reason says loop" '[Ll]oop' "$T/err"
expect 0 "relative URLs" pv --json "$S/rel"
fj
field final_url "$S/dir/page" "relative redirect"
field image "$S/dir/pic.png" "og:image resolved against the final URL"
field canonical_url "$S/canon?k=1" "canonical resolved against the final URL and cleaned"
mark
expect 0 "meta refresh" pv --json "$S/refresh"
fj
field title "Refresh" "meta refresh page previewed"
not_requested /refresh-target "meta refresh never followed"
expect 0 "meta refresh to the canary" pv --json "$S/refresh-canary"
quiet "meta refresh to the canary"

CASE="schemes"
mark
expect 2 "http refused by default" pv --json "$H/og-first"
one_failure "http by default"
no_requests "http by default"
mark
expect 2 "https to http" pv --json --allow-http "$S/to-http"
one_failure "https to http"
not_requested /from-https "https to http, even with --allow-http"
for r in to-file to-ftp to-gopher to-dict to-data to-js; do
	refused "redirect $r" "$H/$r"
done
for u in file:///etc/passwd "ftp://127.0.0.1:$C/" "gopher://127.0.0.1:$C/" \
    "dict://127.0.0.1:$C/" 'data:text/html,<title>x</title>' \
    'javascript:alert(1)' "ldap://127.0.0.1:$C/" "telnet://127.0.0.1:$C/"; do
	refused "scheme of $u" "$u"
done
mark
refused "user:password in the URL" "http://user:pass@127.0.0.1:$HTTP_PORT/og-first"
no_requests "user:password in the URL"
mark
refused "redirect to user:password" "$H/to-userinfo"
new_requests
n=$(grep -c '"path": "/og-first"' "$T/req")
if [ "$n" -eq 0 ]; then pass; else fail "redirect to user:password was followed"; fi

CASE="addresses"
for r in to-canary to-canary-https to-scheme-relative to-localhost \
    to-v6-canary to-metadata to-private to-decimal to-hex to-octal \
    to-short to-dotted-hex to-zero to-zero-short to-unspec6 to-mapped \
    to-mapped-hex to-compat to-nat64; do
	refused "redirect $r" "$H/$r"
done
refused "redirect to the canary, https" "$S/to-canary"
if [ -n "$V6_PORT" ]; then
	mark
	refused "redirect to the [::1] server" "$H/to-v6-server"
	if grep -q '"server": "v6"' "$T/req"; then fail "the [::1] server got a request"; else pass; fi
else
	skip "no IPv6 loopback: redirect to [::1] server (5 checks)"
fi
for h in "127.0.0.1:$C" "2130706433:$C" "0x7f000001:$C" "017700000001:$C" \
    "127.1:$C" "0x7f.1:$C" "0.0.0.0:$C" "0:$C" "localhost:$C" "[::1]:$C" \
    "[::]:$C" "[::ffff:127.0.0.1]:$C" "[::ffff:7f00:1]:$C" \
    "[::127.0.0.1]:$C" "[64:ff9b::7f00:1]:$C" \
    169.254.169.254 "[::ffff:169.254.169.254]" 10.0.0.1 172.16.0.1 \
    192.168.1.1 100.64.0.1 224.0.0.1 240.0.0.1 255.255.255.255 \
    "[fd00::1]" "[fe80::1]" "[ff02::1]" "[::ffff:10.0.0.1]" \
    "[64:ff9b::a00:1]" "[::a00:1]"; do
	refused "address $h" "http://$h/"
done
refused "https to the canary port" "https://127.0.0.1:$C/"
refused "allow-host is one endpoint, not a host" "http://127.0.0.1:$C/" \
    --allow-host "127.0.0.1:$((C + 1))"

expect 0 "--allow-private" "$PV" --json --allow-private --allow-http "$H/og-first"
fj
field title "OG Title" "--allow-private reaches loopback"
if [ -n "$V6_PORT" ]; then
	mark
	expect 0 "--allow-host [::1]:PORT" "$PV" --json --allow-http \
	    --allow-host "[::1]:$V6_PORT" "http://[::1]:$V6_PORT/og-first"
	fj
	field title "OG Title" "--allow-host [::1]:PORT"
	match "[::1] server got the request" '"server": "v6"' "$W/requests.log"
	expect 0 "--allow-private, [::1]" "$PV" --json --allow-private \
	    --allow-http "http://[::1]:$V6_PORT/title-only"
	fj
	field title "Only Title" "--allow-private reaches [::1]"
else
	skip "no IPv6 loopback (4 checks)"
fi

CASE="tls"
mark
expect 2 "no --cacert: the test CA is not trusted" "$PV" --json \
    --allow-host "127.0.0.1:$HTTPS_PORT" "$S/og-first"
one_failure "untrusted CA"
match "TLS reason" '[Cc]ertificate|TLS|SSL|[Vv]erif|issuer' "$T/err"
expect 2 "another CA" "$PV" --json --cacert "$T/otherca.pem" \
    --allow-host "127.0.0.1:$HTTPS_PORT" "$S/og-first"
one_failure "wrong CA"
no_requests "no request over an unverified connection"
expect 2 "--cacert missing" "$PV" --json --cacert "$T/nonexistent.pem" \
    --allow-host "127.0.0.1:$HTTPS_PORT" "$S/og-first"

CASE="status"
for code in 404 500; do
	expect 2 "status $code with og: tags" pv --json "$S/status/$code"
	one_failure "status $code"
	match "status $code: reason" "$code" "$T/err"
	nomatch "status $code: no preview" 'Error page' "$T/out"
	expect 2 "status $code, human" pv "$S/status/$code"
	nomatch "status $code, human: no preview" 'Error page' "$T/out"
done

CASE="size"
expect 0 "page read in full up to 1 MiB" pv --json "$S/late-200k"
fj
field title "Late" "og: after 200 KB"
expect 0 "--max-bytes" pv --json --max-bytes 100000 "$S/chunked/late-200k"
fj
field title "Early" "--max-bytes 100000 stops before the og: tag, the part read is scanned"
expect 2 "--max-bytes below the declared length" pv --json --max-bytes 100000 "$S/late-200k"
one_failure "declared length above --max-bytes"
expect 0 "1 MiB cap" pv --json "$S/chunked/late-1500k"
fj
field title "Early" "og: after 1.5 MB is past the cap"
expect 2 "1.5 MB declared" pv --json "$S/late-1500k"
one_failure "declared length above 1 MiB"
t0
expect 2 "huge Content-Length" pv --json "$S/huge-length"
within 3000 "huge Content-Length refused up front"
one_failure "huge Content-Length"
match "huge Content-Length: reason" '[Ss]ize|[Ll]arge|[Ll]ength|[Bb]ig|[Bb]ytes|[Ll]imit' "$T/err"
t0
expect 0 "application/octet-stream, endless" pv --json "$S/octet"
within 3000 "non-HTML: stop after the headers"
fj
field content_type "application/octet-stream" "non-HTML content type"
field title "(null)" "non-HTML is not scanned"
t0
expect 0 "application/octet-stream, 50 MB" pv --json "$S/octet-len"
within 3000 "non-HTML with a length: stop after the headers"
expect 0 "text/plain" pv --json "$S/text-plain"
fj
field title "(null)" "text/plain is not scanned as HTML"
expect 0 "gzip page" pv --json "$S/gzip-page"
fj
field title "Compressed" "Content-Encoding gzip decoded"
t0
rss_under 16384 "gzip bomb" 0 --json "$S/gzip-bomb"
within 4000 "gzip bomb"
fj
field title "Gzip bomb" "gzip bomb: the part read is scanned"
t0
rss_under 16384 "endless chunked body" 0 --json "$S/endless"
within 4000 "endless chunked body stops at the cap"
fj
field title "Endless" "endless: the part read is scanned"
t0
expect 0 "endless body without length" pv --json "$S/endless-raw"
within 4000 "endless body without length"
t0
rss_under 16384 "10 MB title, chunked" 0 --json "$S/chunked/huge-title"
within 4000 "10 MB title"
fj
field site_name "Huge title site" "10 MB title"
n=$(wc -c <"$T/f/title")
if [ "$n" -le 4096 ]; then pass; else fail "10 MB title: title field $n bytes"; fi
t0
rss_under 16384 "10 MB title, declared" 2 --json "$S/huge-title"
within 4000 "10 MB title, declared length refused"
t0
rss_under 16384 "headers that never end" 2 --json "$S/header-flood"
within 4000 "headers that never end"
one_failure "headers that never end"
t0
expect 0 "100k nested tags" pv --json "$S/nested"
within 4000 "100k nested tags"
fj
field site_name "Nested" "100k nested tags"
field title "Deep" "100k nested tags"
t0
expect 0 "one tag, 50k attributes" pv --json "$S/many-attrs"
within 4000 "50k attributes"
fj
field site_name "Many attributes" "50k attributes"
expect 0 "unclosed comment" pv --json "$S/unclosed-comment"
fj
field title "Before" "an unclosed comment hides the rest"
expect 0 "unclosed script" pv --json "$S/unclosed-script"
fj
field title "Before script" "an unclosed script hides the rest"

CASE="time"
t0
expect 2 "one byte every 2 s, --timeout 3" pv --json --timeout 3 "$S/slow"
within 6000 "slow drip ends within the timeout"
one_failure "slow drip"
match "slow drip: reason" '[Tt]ime' "$T/err"
t0
expect 0 "endless body, --timeout 3" pv --json --timeout 3 "$S/endless"
within 6000 "endless ends within the timeout"

CASE="privacy"
mark
expect 0 "Set-Cookie then a redirect, then the page again" pv --json \
    "$S/cookie" "$S/cookie-landing"
lines_are 2 "$T/out" "two previews"
new_requests
n=$(grep -c '"path": "/cookie-landing"' "$T/req")
if [ "$n" -eq 2 ]; then pass; else fail "cookie: /cookie-landing fetched $n times, wanted 2"; fi
if grep -qi '\["cookie"' "$T/req"; then
	fail "a Cookie header was sent: $(grep -i cookie "$T/req" | head -c 300)"
else
	pass
fi
mark
expect 0 "tracking parameters" pv --json \
    "$S/track?id=7&utm_source=news&fbclid=XYZ&gclid=G&utm_medium=m"
fj
field url "$S/track?id=7" "url is the cleaned input"
field final_url "$S/track?id=7" "final_url"
requested "/track?id=7" "cleaned URL fetched"
expect 0 "canonical with utm_ parameters" pv --json "$S/canonical"
fj
field canonical_url "https://example.com/article?id=42#top" "canonical_url cleaned"
mark
expect 0 "proxy variables ignored" env \
    http_proxy="http://127.0.0.1:$C" https_proxy="http://127.0.0.1:$C" \
    HTTP_PROXY="http://127.0.0.1:$C" HTTPS_PROXY="http://127.0.0.1:$C" \
    ALL_PROXY="socks5h://127.0.0.1:$C" all_proxy="socks5h://127.0.0.1:$C" \
    "$PV" --json --cacert "$CA" --allow-host "127.0.0.1:$HTTPS_PORT" \
    "$S/og-first"
quiet "proxy variables ignored without --proxy-env"
requested /og-first "direct connection without --proxy-env"
expect 0 "stdin, one URL a line" sh -c 'printf "%s\n%s\n" "$1/og-first" "$1/title-only" |
    "$0" --json --cacert "$2" --allow-host "127.0.0.1:$3"' "$PV" "$S" "$CA" "$HTTPS_PORT"
lines_are 2 "$T/out" "stdin: two previews"
fj 2
field title "Only Title" "stdin: second line"
expect 2 "one URL of three fails" pv --json "$S/og-first" "$S/status/404" "$S/title-only"
lines_are 2 "$T/out" "two previews of three"
lines_are 1 "$T/err" "one failure line"
match "the failure names the URL" "cannot preview '$S/status/404'" "$T/err"
fj 2
field title "Only Title" "the URL after a failure is previewed"
expect 2 "write error" sh -c '"$0" --json --cacert "$1" --allow-host "127.0.0.1:$2" "$3" >/dev/full' \
    "$PV" "$CA" "$HTTPS_PORT" "$S/og-first"

CASE="image"
rm -f "$T/img.out"
mark
expect 0 "--image" pv --json --image "$T/img.out" "$S/page-img"
fj
field image "$S/img.png" "--image: image field"
requested /img.png "--image fetched the image"
if [ -s "$T/img.out" ] && [ "$(head -c 4 "$T/img.out" | od -An -c | tr -d ' ')" = '211PNG' ]; then
	pass
else
	fail "--image: no PNG written: $(head -c 100 "$T/img.out" 2>/dev/null | od -An -c | head -n 2)"
fi
expect 1 "fixture: the original has metadata" "$SAN" --check "$W/img.png"
expect 0 "--image wrote no metadata" "$SAN" --check "$T/img.out"
if [ -f "$T/img.out" ] && grep -q 'Secret Photographer\|52.5200N' "$T/img.out"; then fail "--image: tEXt left in the file"; else pass; fi
if have exiftool; then
	exiftool -s -s -s -Author -Comment "$T/img.out" >"$T/exif" 2>&1
	is_empty "$T/exif" "exiftool finds no Author or Comment"
else
	skip "exiftool missing"
fi
if have convert; then
	convert "$W/img.png" rgb:"$T/px0" 2>/dev/null
	convert "$T/img.out" rgb:"$T/px1" 2>/dev/null
	same "$T/px0" "$T/px1" "--image: pixels unchanged"
else
	skip "imagemagick missing"
fi
# no_image DESCRIPTION: nothing (or nothing but an empty file) was written.
no_image() {
	if [ -s "$T/img.out" ]; then fail "$1: $T/img.out written ($(wc -c <"$T/img.out") bytes)"; else pass; fi
	rm -f "$T/img.out"
}
for p in page-img-private page-img-canary page-img-metadata page-img-file \
    page-img-js; do
	expect 0 "og:image refused: $p" pv --json "$S/$p"
	fj
	field image "(null)" "og:image on a refused address or scheme dropped: $p"
	quiet "$p"
	rm -f "$T/img.out"
	pv --json --image "$T/img.out" "$S/$p" >"$T/out" 2>"$T/err"
	no_image "--image $p"
	quiet "--image $p"
done
for base in "$S" "$H"; do
	rm -f "$T/img.out"
	pv --json --allow-http --image "$T/img.out" "$base/page-img-redirect" \
	    >"$T/out" 2>"$T/err"
	no_image "--image: image redirected to the canary, ${base%%:*}"
	quiet "--image: image redirected to the canary, ${base%%:*}"
	rm -f "$T/img.out"
	pv --json --allow-http --image "$T/img.out" "$base/page-img-canary" \
	    >"$T/out" 2>"$T/err"
	no_image "--image: image on the canary, ${base%%:*}"
	quiet "--image: image on the canary, ${base%%:*}"
done
expect 0 "human output, og:image on a private address" pv "$S/page-img-private"
nomatch "human output: private og:image dropped" '10\.0\.0\.1' "$T/out"
for p in page-img-wrong-type page-img-lie page-img-big page-img-endless \
    page-img-404; do
	rm -f "$T/img.out"
	t0
	pv --json --image "$T/img.out" "$S/$p" >"$T/out" 2>"$T/err"
	within 4000 "--image $p"
	no_image "--image $p"
	if [ -s "$T/err" ]; then pass; else fail "--image $p: no message on stderr"; fi
done

CASE="clean"
mark
printf '%s\n' 'https://example.com/a?utm_source=x&id=1' \
    'https://example.com/p?b=2&utm_medium=x&a=1#frag' \
    'https://example.com/q?utm_source=x' \
    'https://example.com/%7Efoo?q=a%20b&Z=1' \
    'https://example.com/g?gclid=1&mc_eid=2&igshid=3&fbclid=4&keep=5' \
    'https://www.google.com/url?q=https%3A%2F%2Fexample.net%2Fz%3Fk%3D1%26utm_medium%3Dx&sa=D' \
    'https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2Fb%3Futm_campaign%3Dq&h=AT0' \
    >"$T/urls"
printf '%s\n' 'https://example.com/a?id=1' \
    'https://example.com/p?b=2&a=1#frag' \
    'https://example.com/q' \
    'https://example.com/%7Efoo?q=a%20b&Z=1' \
    'https://example.com/g?keep=5' \
    'https://example.net/z?k=1' \
    'https://example.org/b' >"$T/urls.want"
set -f
# shellcheck disable=SC2046
expect 0 "--clean URLs" "$PV" --clean $(cat "$T/urls")
set +f
same "$T/urls.want" "$T/out" "--clean on arguments"
expect 2 "--clean of a non-URL argument" "$PV" --clean 'not a url'
# The filter: URLs rewritten in place, every other byte passed through.
printf 'Hello, see https://example.com/a?utm_source=news&id=1 and\r\nhttp://example.org/p?b=2&fbclid=XYZ&a=1#frag now.\n<https://shop.example/item?gclid=abc>\n\tutm_source=1 &fbclid=2 ftp://example.com/?utm_source=x\n\001\002 \377\376 caf\303\251 \033[1m\nhttps://example.com/clean?x=1 unchanged\nno newline https://example.com/e?k=v&igshid=z' >"$T/text"
printf 'Hello, see https://example.com/a?id=1 and\r\nhttp://example.org/p?b=2&a=1#frag now.\n<https://shop.example/item>\n\tutm_source=1 &fbclid=2 ftp://example.com/?utm_source=x\n\001\002 \377\376 caf\303\251 \033[1m\nhttps://example.com/clean?x=1 unchanged\nno newline https://example.com/e?k=v' >"$T/text.want"
expect 0 "--clean filter" sh -c '"$0" --clean <"$1"' "$PV" "$T/text"
same "$T/text.want" "$T/out" "--clean filter: byte-identical apart from the URLs"
printf 'Read https://example.com/x?id=1&utm_source=a. Then (https://example.com/y?fbclid=Q), ok\n' >"$T/text2"
printf 'Read https://example.com/x?id=1. Then (https://example.com/y), ok\n' >"$T/text2.want"
expect 0 "--clean filter, punctuation" sh -c '"$0" --clean <"$1"' "$PV" "$T/text2"
same "$T/text2.want" "$T/out" "--clean filter keeps the full stop and the brackets"
head -c 300000 /dev/urandom >"$T/noise"
expect 0 "--clean filter, binary noise" sh -c '"$0" --clean <"$1"' "$PV" "$T/noise"
same "$T/noise" "$T/out" "--clean filter: noise passes through unchanged"
expect 0 "--clean of a local URL" "$PV" --clean "$H/x?utm_source=1"
no_requests "--clean makes no request"

# Over everything the tool sent: no Cookie, Referer or Accept-Language,
# one fixed User-Agent, no tracking parameter.
CASE="headers"
cat >"$T/headers.py" <<'EOF'
import json, re, sys
what = sys.argv[2]
reqs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = set()
uas = set()
for r in reqs:
    names = {k.lower(): v for k, v in r["headers"]}
    if what in ("cookie", "referer", "accept-language") and what in names:
        bad.add("%s %s" % (r["path"], names[what]))
    uas.add(names.get("user-agent"))
    if what == "tracking":
        p = r["path"].lower()
        for t in ("utm_", "fbclid", "gclid", "mc_eid", "igshid"):
            if t in p:
                bad.add(r["path"])
if what == "user-agent":
    if len(uas) != 1 or None in uas:
        bad.add("user agents: %r" % sorted(map(str, uas)))
    elif any(u and ("curl" in u.lower()
                    or re.search(r"/[0-9]", u.replace("Mozilla/5.0", "")))
             for u in uas):
        # Neutral: no library, and no version to fingerprint.
        bad.add("not neutral: %r" % uas)
if not reqs:
    bad.add("no requests logged")
if bad:
    print("; ".join(sorted(bad))[:300])
    sys.exit(1)
EOF
for h in cookie referer accept-language user-agent tracking; do
	if "$PY" "$T/headers.py" "$W/requests.log" "$h" >"$T/hdr" 2>&1; then
		pass
	else
		fail "$h: $(cat "$T/hdr")"
	fi
done
sleep 0.3
n=$(canary_n)
if [ "$n" -eq 0 ]; then pass; else fail "the canary got $n connection(s) in all: $(head -c 300 "$W/canary.log")"; fi
CANARY_SEEN=$n

# Last, as they are meant to reach the canary: the proxy options.
CASE="proxy"
# socks_asked PORT HOST DESCRIPTION: the SOCKS5 recorder on PORT was asked
# for HOST by name (the name resolved by the proxy, not locally).
socks_asked() {
	if grep -q "\"port\": $1, .*\"atyp\": \"domain\", \"host\": \"$2\"" "$W/socks.log"; then
		pass
	else
		fail "$3: no request for '$2' by name: $(tail -n 2 "$W/socks.log")"
	fi
}
mark
expect 2 "--proxy socks5h" pv --json --proxy "socks5h://127.0.0.1:$SOCKS_PORT" \
    https://tacit-test.invalid/
socks_asked "$SOCKS_PORT" tacit-test.invalid "--proxy socks5h: DNS through the proxy"
no_requests "--proxy: no direct connection"
quiet "--proxy socks5h"
: >"$W/socks.log"
expect 2 "numeric loopback through a proxy" pv --json --allow-http \
    --proxy "socks5h://127.0.0.1:$SOCKS_PORT" "http://127.0.0.1:$C/"
if grep -q '"host"' "$W/socks.log"; then
	fail "a refused address was asked of the proxy: $(head -c 200 "$W/socks.log")"
else
	pass
fi
if [ -n "${TOR_PORT:-}" ]; then
	mark
	expect 2 "--tor" pv --json --tor https://tacit-test.invalid/
	socks_asked 9050 tacit-test.invalid "--tor: socks5h on 127.0.0.1:9050"
	no_requests "--tor: no direct connection"
else
	skip "127.0.0.1:9050 is taken: --tor (3 checks)"
fi
pv --json --proxy "http://127.0.0.1:$C" "$S/og-first" >"$T/out" 2>"$T/err"
sleep 0.2
n=$(canary_n)
if [ "$n" -gt "$CANARY_SEEN" ]; then pass; else fail "--proxy: the proxy got no connection"; fi
CANARY_SEEN=$n
env https_proxy="http://127.0.0.1:$C" HTTPS_PROXY="http://127.0.0.1:$C" \
    "$PV" --json --proxy-env --cacert "$CA" \
    --allow-host "127.0.0.1:$HTTPS_PORT" "$S/og-first" >"$T/out" 2>"$T/err"
sleep 0.2
n=$(canary_n)
if [ "$n" -gt "$CANARY_SEEN" ]; then pass; else fail "--proxy-env: the proxy in https_proxy got no connection"; fi
CANARY_SEEN=$n

stop_server
t_done
