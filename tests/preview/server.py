#!/usr/bin/env python3
# A hostile local web server for the tacit preview tests (stdlib only).
"""
usage: server.py --dir WORKDIR [--cert FILE --key FILE] [--lifetime SECONDS]

Listens on 127.0.0.1 (random free ports): HTTP, HTTPS (when --cert and
--key are given), HTTP on [::1] when IPv6 loopback works, and a canary TCP
listener (127.0.0.1 and, when it works, [::1] on the same port) that
records every connection it gets: a target the tool must refuse points at
the canary, so an empty canary.log proves no connection was ever made.
Also a SOCKS5 recorder that refuses every request, on a random port and,
when it is free, on 127.0.0.1:9050 (where --tor looks).

Writes, in WORKDIR:
  ports         shell-sourceable HTTP_PORT= HTTPS_PORT= V6_PORT= CANARY_PORT=
                SOCKS_PORT= TOR_PORT= (written last, atomically: its
                presence means ready; a port is empty when that listener
                could not start)
  requests.log  one JSON object per request: server, method, path,
                headers (a list of [name, value] in the order received)
  canary.log    one JSON object per canary connection ("event":"connect",
                written on accept) and what it sent ("event":"data")
  socks.log     one JSON object per SOCKS5 request (see Socks)
  img.png       the original of /img.png (with its tEXt metadata)
  server.err    handler errors (TLS handshakes the client refused, ...)

Routes are the tables pages() and REDIRECTS and the special cases in
Handler.route(); /chunked/PATH serves page PATH without a Content-Length.

Exits when WORKDIR/stop appears, on SIGTERM or SIGINT, when its parent
(or the process --watch-pid names; 0: none) is gone, or after --lifetime
seconds (default 300).
"""

import argparse
import gzip
import http.server
import json
import os
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import zlib

STOP = threading.Event()
LOCK = threading.Lock()
CFG = {}  # ports and paths, filled in by main()
BLOBS = {}  # large bodies, built once


def log_json(name, obj):
    line = json.dumps(obj, ensure_ascii=True) + "\n"
    with LOCK:
        with open(os.path.join(CFG["dir"], name), "a") as f:
            f.write(line)
            f.flush()


def page(head, body="", doctype=True):
    s = "<!DOCTYPE html>\n" if doctype else ""
    return (s + "<html><head>\n" + head + "\n</head><body>\n" + body +
            "\n</body></html>\n")


def og(prop, value, attr="property"):
    return '<meta %s="%s" content="%s">' % (attr, prop, value)


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def make_png(text=True):
    """An 8x8 RGB PNG, with tEXt chunks a sanitiser must remove."""
    ihdr = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    rows = b""
    for y in range(8):
        rows += b"\x00" + bytes(
            v for x in range(8) for v in ((x * 32) & 255, (y * 32) & 255, 128))
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    if text:
        out += png_chunk(b"tEXt", b"Author\x00Secret Photographer")
        out += png_chunk(b"tEXt", b"Comment\x00taken at 52.5200N 13.4050E")
    out += png_chunk(b"IDAT", zlib.compress(rows, 9))
    out += png_chunk(b"IEND", b"")
    return out


def make_gzip_bomb(mib):
    """A gzip stream of a small page followed by mib MiB of spaces."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = page(og("og:title", "Gzip bomb") + "<title>Bomb</title>", "")
    parts = [c.compress(head.encode())]
    blank = b" " * (1 << 20)
    for _ in range(mib):
        parts.append(c.compress(blank))
    parts.append(c.flush())
    return b"".join(parts)


def build_blobs():
    BLOBS["png"] = make_png()
    BLOBS["png_plain"] = make_png(text=False)
    BLOBS["bomb"] = make_gzip_bomb(64)
    BLOBS["huge_title"] = (
        '<!DOCTYPE html>\n<html><head>\n'
        + og("og:site_name", "Huge title site")
        + "<title>" + "A" * (10 * 1024 * 1024) + "</title>\n"
        "</head><body></body></html>\n").encode()
    BLOBS["nested"] = (
        '<!DOCTYPE html>\n<html><head>\n' + og("og:site_name", "Nested")
        + "</head><body>\n" + "<div><span>" * 50000
        + og("og:title", "Deep") + "\n</body></html>\n").encode()
    BLOBS["many_attrs"] = (
        '<!DOCTYPE html>\n<html><head>\n<meta '
        + " ".join('a%d="%d"' % (i, i) for i in range(50000))
        + ' property="og:title" content="Attrs">\n'
        + og("og:site_name", "Many attributes")
        + "</head><body></body></html>\n").encode()
    filler = "<p>" + "x" * 1000 + "</p>\n"
    BLOBS["late_200k"] = page(
        "<title>Early</title>\n" + filler * 200 + og("og:title", "Late")
    ).encode()
    BLOBS["late_1500k"] = page(
        "<title>Early</title>\n" + filler * 1500 + og("og:title", "Late")
    ).encode()
    BLOBS["unclosed_comment"] = page(
        "<title>Before</title>\n<!-- " + "x" * 500000
        + og("og:title", "Inside comment"), "").encode()
    BLOBS["unclosed_script"] = (
        "<!DOCTYPE html>\n<html><head>\n<title>Before script</title>\n"
        "<script>" + "var x = 1;\n" * 40000
        + og("og:title", "Inside script") + "\n").encode()
    BLOBS["page_200k"] = page(
        og("og:title", "Two hundred") + og("og:description", "A 200 KB page")
        + "<title>200K</title>", filler * 200).encode()


# Pages: path -> (content type, body).  Bodies are str (UTF-8) or bytes.
def pages():
    full = (og("og:title", "OG Title") + og("og:description", "OG description")
            + og("og:site_name", "Test Site") + og("og:image", "/img.png")
            + og("twitter:title", "Twitter Title", "name")
            + og("twitter:description", "Twitter description", "name")
            + og("twitter:image", "/tw.png", "name")
            + "<title>Plain Title</title>"
            + og("description", "Plain description", "name"))
    title_first = ("<title>Plain Title</title>"
                   + og("description", "Plain description", "name")
                   + og("twitter:title", "Twitter Title", "name")
                   + og("twitter:description", "Twitter description", "name")
                   + og("twitter:image", "/tw.png", "name")
                   + og("og:title", "OG Title")
                   + og("og:description", "OG description")
                   + og("og:site_name", "Test Site")
                   + og("og:image", "/img.png"))
    twitter_first = (og("twitter:title", "Twitter Title", "name")
                     + og("twitter:description", "Twitter description", "name")
                     + og("twitter:image", "/tw.png", "name")
                     + "<title>Plain Title</title>"
                     + og("description", "Plain description", "name"))
    title_twitter = ("<title>Plain Title</title>"
                     + og("description", "Plain description", "name")
                     + og("twitter:title", "Twitter Title", "name")
                     + og("twitter:description", "Twitter description", "name"))
    hidden = (
        "<!-- " + og("og:title", "Hidden comment") + " <title>Hidden</title> -->"
        "<script>document.write('" + og("og:title", "Hidden script")
        + "<title>Hidden</title>');</script>"
        "<style>/* " + og("og:title", "Hidden style") + " */</style>"
        "<noscript>" + og("og:title", "Hidden noscript") + "</noscript>"
        "<template>" + og("og:title", "Hidden template")
        + "<title>Hidden</title></template>"
        "<textarea>" + og("og:title", "Hidden textarea")
        + "<title>Hidden</title></textarea>"
        + og("og:description", "Visible description")
        + "<title>Visible</title>")
    entities = (og("og:title",
                   "Tom &amp; Jerry &lt;b&gt; &amp;lt; &#233;&#x263A; &quot;q&quot; "
                   "back\\slash")
                + "<title>A &amp; B</title>")
    rcdata = "<title>a <b>bold</b> &amp; <!-- c --> d</title>"
    escapes = ("Hello\x1b[2J\x1b]0;pwned\x07 \u202eevil\u202c \u2066iso\u2069"
               " \x9b31m c1 \x08\x7f\x00 end")
    esc_page = ("<title>" + escapes + "</title>"
                + og("og:description", "line1\r\nline2\tend" + escapes))
    latin1 = ("<title>Caf\xe9 cr\xe8me</title>").encode("latin-1")
    cp1252 = (b'<meta charset="windows-1252"><title>\x93Smart\x94 \x80 5'
              b'</title>')
    equiv = (b'<meta http-equiv="Content-Type" content="text/html; '
             b'charset=iso-8859-1"><title>Na\xefve</title>')
    header_wins = b'<meta charset="utf-8"><title>\xc3\xa9t\xc3\xa9</title>'
    late_charset = (b"<!-- " + b"x" * 1100 + b' -->\n<meta charset="windows-1252">'
                    b"<title>\x93Late\x94</title>")
    u16 = page("<title>Gr\u00fc\u00dfe \u2713 \u65e5\u672c</title>")
    bad = b"<title>Bad \xc3\x28 and \xff\xfe end \xed\xa0\x80 x</title>"

    def b(s):
        return s if isinstance(s, bytes) else s.encode()

    def wrap(body_bytes):
        return (b"<!DOCTYPE html>\n<html><head>\n" + body_bytes
                + b"\n</head><body></body></html>\n")

    html = "text/html; charset=utf-8"
    return {
        "/": (html, page("<title>tacit test server</title>")),
        "/og-first": (html, page(full)),
        "/title-first": (html, page(title_first)),
        "/twitter-first": (html, page(twitter_first)),
        "/title-twitter": (html, page(title_twitter)),
        "/title-only": (html, page(
            "<title>Only Title</title>"
            + og("description", "Only description", "name"))),
        "/first-wins": (html, page(
            og("og:title", "First") + og("og:title", "Second")
            + "<title>T1</title><title>T2</title>")),
        "/hidden": (html, page(hidden)),
        "/entities": (html, page(entities)),
        "/rcdata": (html, page(rcdata)),
        "/escapes": (html, page(esc_page)),
        "/latin1": ("text/html; charset=iso-8859-1", wrap(latin1)),
        "/cp1252": ("text/html", wrap(cp1252)),
        "/latin1-equiv": ("text/html", wrap(equiv)),
        "/header-wins": ("text/html; charset=iso-8859-1", wrap(header_wins)),
        "/late-charset": ("text/html", wrap(late_charset)),
        "/utf16": ("text/html; charset=iso-8859-1",
                   b"\xff\xfe" + u16.encode("utf-16-le")),
        "/utf16be": ("text/html", b"\xfe\xff" + u16.encode("utf-16-be")),
        "/bad-utf8": (html, wrap(bad)),
        "/dir/page": (html, page(
            og("og:title", "Relative") + og("og:image", "pic.png")
            + '<link rel="canonical" href="../canon?utm_source=x&amp;k=1">')),
        "/canonical": (html, page(
            og("og:title", "Canonical")
            + '<link rel="canonical" href="https://example.com/article?'
              'utm_source=feed&amp;id=42&amp;fbclid=abc&amp;utm_campaign=z#top">')),
        "/track": (html, page(og("og:title", "Tracked"))),
        "/refresh": (html, page(
            og("og:title", "Refresh")
            + '<meta http-equiv="refresh" content="0; url=/refresh-target">')),
        "/refresh-canary": (html, page(
            og("og:title", "Refresh canary")
            + '<meta http-equiv="refresh" content="0; url=http://127.0.0.1:%d/">'
            % CFG["canary"])),
        "/refresh-target": (html, page(og("og:title", "Refresh target"))),
        "/cookie-landing": (html, page(og("og:title", "Landing"))),
        "/from-https": (html, page(og("og:title", "Downgraded"))),
        "/page-img": (html, page(og("og:title", "Image page")
                                  + og("og:image", "/img.png"))),
        "/page-img-private": (html, page(
            og("og:title", "Private image")
            + og("og:image", "http://10.0.0.1/x.png"))),
        "/page-img-canary": (html, page(
            og("og:title", "Canary image")
            + og("og:image", "http://127.0.0.1:%d/x.png" % CFG["canary"]))),
        "/page-img-metadata": (html, page(
            og("og:title", "Metadata image")
            + og("og:image", "http://169.254.169.254/latest/x.png"))),
        "/page-img-file": (html, page(
            og("og:title", "File image")
            + og("og:image", "file:///etc/passwd"))),
        "/page-img-js": (html, page(
            og("og:title", "Script image")
            + og("og:image", "javascript:alert(1)"))),
        "/page-img-redirect": (html, page(
            og("og:title", "Redirected image")
            + og("og:image", "/img-to-canary"))),
        "/page-img-wrong-type": (html, page(
            og("og:title", "Wrong type image")
            + og("og:image", "/img-wrong-type"))),
        "/page-img-lie": (html, page(
            og("og:title", "Lying image") + og("og:image", "/img-lie"))),
        "/page-img-big": (html, page(
            og("og:title", "Big image") + og("og:image", "/img-big"))),
        "/page-img-endless": (html, page(
            og("og:title", "Endless image") + og("og:image", "/img-endless"))),
        "/page-img-404": (html, page(
            og("og:title", "Missing image") + og("og:image", "/status/404"))),
        "/img.png": ("image/png", BLOBS["png"]),
        "/img-wrong-type": ("text/html", BLOBS["png"]),
        "/img-lie": ("image/png", page("<title>not an image</title>")),
        "/late-200k": (html, BLOBS["late_200k"]),
        "/late-1500k": (html, BLOBS["late_1500k"]),
        "/page-200k": (html, BLOBS["page_200k"]),
        "/huge-title": (html, BLOBS["huge_title"]),
        "/nested": (html, BLOBS["nested"]),
        "/many-attrs": (html, BLOBS["many_attrs"]),
        "/unclosed-comment": (html, BLOBS["unclosed_comment"]),
        "/unclosed-script": (html, BLOBS["unclosed_script"]),
        "/text-plain": ("text/plain", "<title>not html</title>\n"),
        "/no-type": (None, page(og("og:title", "No type"))),
        "/xhtml": ("application/xhtml+xml", page(og("og:title", "XHTML"))),
        "/empty": (html, ""),
        "/url-escapes": (html, page(
            og("og:title", "URL escapes")
            + og("og:image", "/img\x1b[2J\u202e.png")
            + '<link rel="canonical" href="https://example.com/\x1b]0;pwned\x07'
              '\u202eevil">')),
    }


# Redirects: path -> Location template ({C} canary, {H} HTTP, {V} [::1]).
REDIRECTS = {
    "/loop": "/loop",
    "/loop-a": "/loop-b",
    "/loop-b": "/loop-a",
    "/rel": "/dir/page",
    "/to-http": "http://127.0.0.1:{H}/from-https",
    "/to-file": "file:///etc/passwd",
    "/to-ftp": "ftp://127.0.0.1:{C}/",
    "/to-gopher": "gopher://127.0.0.1:{C}/",
    "/to-dict": "dict://127.0.0.1:{C}/",
    "/to-data": "data:text/html,<title>data</title>",
    "/to-js": "javascript:alert(1)",
    "/to-canary": "http://127.0.0.1:{C}/",
    "/to-canary-https": "https://127.0.0.1:{C}/",
    "/to-scheme-relative": "//127.0.0.1:{C}/",
    "/to-localhost": "http://localhost:{C}/",
    "/to-v6-canary": "http://[::1]:{C}/",
    "/to-v6-server": "http://[::1]:{V}/og-first",
    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    "/to-private": "http://10.0.0.1/",
    "/to-decimal": "http://2130706433:{C}/",
    "/to-hex": "http://0x7f000001:{C}/",
    "/to-octal": "http://017700000001:{C}/",
    "/to-short": "http://127.1:{C}/",
    "/to-dotted-hex": "http://0x7f.0.0.1:{C}/",
    "/to-zero": "http://0.0.0.0:{C}/",
    "/to-zero-short": "http://0:{C}/",
    "/to-unspec6": "http://[::]:{C}/",
    "/to-mapped": "http://[::ffff:127.0.0.1]:{C}/",
    "/to-mapped-hex": "http://[::ffff:7f00:1]:{C}/",
    "/to-compat": "http://[::127.0.0.1]:{C}/",
    "/to-nat64": "http://[64:ff9b::7f00:1]:{C}/",
    "/to-userinfo": "http://user:pass@127.0.0.1:{H}/og-first",
    "/img-to-canary": "http://127.0.0.1:{C}/x.png",
    "/cookie": "/cookie-landing",
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile"
    sys_version = ""
    timeout = 30

    def log_message(self, *args):
        pass

    def log_request_line(self):
        log_json("requests.log", {
            "server": self.server.name,
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
        })

    def reply(self, code, body, ctype="text/html; charset=utf-8",
              headers=(), length=True):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stream(self, code, ctype, first, chunk, chunked, limit, headers=()):
        """Send first, then chunk again and again (until limit bytes)."""
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        sent = 0
        data = first
        while not STOP.is_set() and sent < limit:
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)
            sent += len(data)
            data = chunk

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.log_request_line()
        self.reply(405, "method not allowed\n", "text/plain")

    def do_GET(self):
        self.log_request_line()
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError,
                socket.timeout, OSError):
            self.close_connection = True

    def route(self):
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        ports = {"C": CFG["canary"], "H": CFG["http"], "V": CFG["v6"] or 9}
        table = CFG["pages"]

        if path in table:
            ctype, body = table[path]
            return self.reply(200, body, ctype)
        if path.startswith("/chunked/") and path[len("/chunked"):] in table:
            # The same page without a declared length.
            ctype, body = table[path[len("/chunked"):]]
            return self.chunked(body, ctype)
        if path in REDIRECTS:
            headers = [("Location", REDIRECTS[path].format(**ports))]
            if path == "/cookie":
                headers.append(("Set-Cookie", "tacit_session=SECRET123; Path=/"))
                headers.append(("Set-Cookie", "tacit_other=SECRET456; Path=/; "
                                "Max-Age=3600"))
            return self.reply(302, "", "text/html", headers)
        if path.startswith("/redirect/"):
            try:
                n = int(path[len("/redirect/"):])
            except ValueError:
                n = -1
            if n == 0:
                return self.reply(200, page(og("og:title", "Chain end")))
            if 0 < n <= 50:
                return self.reply(302, "", "text/html",
                                  [("Location", "/redirect/%d" % (n - 1))])
        if path.startswith("/code/"):
            try:
                code = int(path[len("/code/"):])
            except ValueError:
                code = 0
            if code in (301, 302, 303, 307, 308):
                return self.reply(code, "", "text/html",
                                  [("Location", "/og-first")])
        if path.startswith("/status/"):
            try:
                code = int(path[len("/status/"):])
            except ValueError:
                code = 0
            if 400 <= code <= 599:
                body = page(og("og:title", "Error page %d" % code)
                            + og("og:description", "should not be shown")
                            + "<title>Error %d</title>" % code)
                return self.reply(code, body)
        if path == "/go":
            # Any Location, for probing: /go?to=URL (percent-encoded).
            q = urllib.parse.parse_qs(u.query)
            if "to" in q:
                return self.reply(302, "", "text/html",
                                  [("Location", q["to"][0])])
        if path == "/to-escape":
            # Raw control bytes and a bidi override in a Location.
            return self.reply(302, "", "text/html", [
                ("Location", "/og-first?\x1b]0;pwned\x07\xe2\x80\xae")])
        if path == "/to-long":
            return self.reply(302, "", "text/html", [
                ("Location", "/og-first?" + "a" * 200000)])
        if path == "/no-location":
            return self.reply(302, page(og("og:title", "No location")))
        if path == "/header-flood":
            # Headers that never end.
            self.send_response_only(200)
            self.send_header("Content-Type", "text/html")
            self.flush_headers()
            self.close_connection = True
            line = b"X-Junk: " + b"a" * 1000 + b"\r\n"
            n = 0
            while not STOP.is_set() and n < 1000000:
                self.wfile.write(line * 64)
                n += 64
            return None
        if path == "/gzip-page":
            body = page(og("og:title", "Compressed")).encode()
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                return self.reply(200, gzip.compress(body), headers=[
                    ("Content-Encoding", "gzip")])
            return self.reply(200, body)
        if path == "/gzip-bomb":
            return self.reply(200, BLOBS["bomb"], headers=[
                ("Content-Encoding", "gzip")])
        if path == "/endless":
            first = (page(og("og:title", "Endless") + "<title>Endless</title>",
                          "")[:-len("</body></html>\n")]).encode()
            return self.stream(200, "text/html; charset=utf-8", first,
                               b"<p>" + b"x" * 65530 + b"</p>", True, 1 << 32)
        if path == "/endless-raw":
            first = page(og("og:title", "Endless raw"), "").encode()
            return self.stream(200, "text/html; charset=utf-8", first,
                               b"y" * 65536, False, 1 << 32)
        if path == "/huge-length":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(10 * 1024 ** 3))
            self.end_headers()
            self.wfile.write(page(og("og:title", "Huge"), "").encode())
            self.close_connection = True
            return None
        if path == "/slow":
            body = page(og("og:title", "Slow") + "<title>Slow</title>").encode()
            return self.slow(body)
        if path == "/octet":
            return self.stream(200, "application/octet-stream", b"\0" * 65536,
                               b"\0" * 65536, False, 1 << 32)
        if path == "/octet-len":
            n = 50 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            block = b"\0" * 65536
            sent = 0
            while sent < n and not STOP.is_set():
                self.wfile.write(block)
                sent += len(block)
            return None
        if path == "/img-big":
            n = 3 * 1024 * 1024
            body = BLOBS["png_plain"][:33] + b"\0" * (n - 33)
            return self.reply(200, body, "image/png")
        if path == "/img-endless":
            return self.stream(200, "image/png", BLOBS["png_plain"][:33],
                               b"\0" * 65536, True, 1 << 32)
        return self.reply(404, page("<title>Not found</title>"))

    def chunked(self, body, ctype):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        step = 65536
        for i in range(0, len(body), step):
            if STOP.is_set():
                self.close_connection = True
                return
            part = body[i:i + step]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")

    def slow(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.close_connection = True
        for i in range(len(body)):
            if STOP.is_set():
                break
            self.wfile.write(body[i:i + 1])
            time.sleep(2.0)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, name, addr, family=socket.AF_INET, tls=None):
        self.name = name
        self.address_family = family
        self.tls = tls
        super().__init__(addr, Handler)

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def get_request(self):
        conn, addr = self.socket.accept()
        if self.tls:
            # The handshake happens in the handler's thread, on the first
            # read, so a client that never speaks TLS holds only itself.
            conn = self.tls.wrap_socket(conn, server_side=True,
                                        do_handshake_on_connect=False)
        return conn, addr

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        with LOCK:
            with open(os.path.join(CFG["dir"], "server.err"), "a") as f:
                f.write("%s %s: %r\n" % (self.name, client_address, exc))


class Canary:
    """Accepts connections on one port (v4 and v6) and records them."""

    def __init__(self):
        self.socks = []
        for _ in range(50):
            s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s4.bind(("127.0.0.1", 0))
            port = s4.getsockname()[1]
            s6 = None
            if CFG["has_v6"]:
                try:
                    s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s6.bind(("::1", port))
                except OSError:
                    s6.close()
                    s4.close()
                    continue
            self.socks = [s for s in (s4, s6) if s]
            self.port = port
            break
        else:
            raise OSError("no free port for the canary")
        for s in self.socks:
            s.listen(64)
            threading.Thread(target=self.accept, args=(s,), daemon=True).start()

    def accept(self, s):
        while not STOP.is_set():
            try:
                conn, peer = s.accept()
            except OSError:
                return
            log_json("canary.log", {"event": "connect", "peer": str(peer[0]),
                                    "port": s.getsockname()[1],
                                    "time": time.time()})
            threading.Thread(target=self.read, args=(conn, peer),
                             daemon=True).start()

    @staticmethod
    def read(conn, peer):
        conn.settimeout(0.5)
        data = b""
        try:
            data = conn.recv(1024)
        except OSError:
            pass
        finally:
            conn.close()
        log_json("canary.log", {"event": "data", "peer": str(peer[0]),
                                "data": data.decode("latin-1")})

    def close(self):
        for s in self.socks:
            s.close()


class Socks:
    """A SOCKS5 proxy that records what it is asked for, and refuses it.

    socks.log gets one JSON object per request: the listener's port, the
    address type the client sent ("domain" means the client left name
    resolution to the proxy, as socks5h must), host and port."""

    def __init__(self, port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(16)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not STOP.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,),
                             daemon=True).start()

    @staticmethod
    def recv_exact(conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise OSError("closed")
            data += part
        return data

    def serve(self, conn):
        entry = {"port": self.port}
        conn.settimeout(2.0)
        try:
            ver, n = self.recv_exact(conn, 2)
            entry["version"] = ver
            self.recv_exact(conn, n)
            if ver != 5:
                raise OSError("not SOCKS5")
            conn.sendall(b"\x05\x00")
            _, cmd, _, atyp = self.recv_exact(conn, 4)
            entry["cmd"] = cmd
            if atyp == 1:
                entry["atyp"] = "ipv4"
                entry["host"] = socket.inet_ntoa(self.recv_exact(conn, 4))
            elif atyp == 3:
                entry["atyp"] = "domain"
                n = self.recv_exact(conn, 1)[0]
                entry["host"] = self.recv_exact(conn, n).decode("latin-1")
            elif atyp == 4:
                entry["atyp"] = "ipv6"
                entry["host"] = socket.inet_ntop(socket.AF_INET6,
                                                 self.recv_exact(conn, 16))
            else:
                raise OSError("bad address type %d" % atyp)
            entry["dport"] = struct.unpack(">H", self.recv_exact(conn, 2))[0]
            # 0x02: connection not allowed by ruleset.
            conn.sendall(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")
        except (OSError, ValueError) as e:
            entry["error"] = str(e)
        finally:
            conn.close()
        log_json("socks.log", entry)

    def close(self):
        self.sock.close()


def v6_works():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("::1", 0))
        s.listen(1)
        c = socket.create_connection(("::1", s.getsockname()[1]), timeout=1)
        c.close()
        s.close()
        return True
    except OSError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def main():
    ap = argparse.ArgumentParser(description="hostile test server")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--lifetime", type=float, default=300.0)
    ap.add_argument("--watch-pid", type=int, default=os.getppid(),
                    help="exit when this process is gone (0: never)")
    a = ap.parse_args()

    CFG["dir"] = a.dir
    os.makedirs(a.dir, exist_ok=True)
    for name in ("ports", "stop"):
        try:
            os.unlink(os.path.join(a.dir, name))
        except FileNotFoundError:
            pass
    for name in ("requests.log", "canary.log", "socks.log", "server.err"):
        open(os.path.join(a.dir, name), "w").close()
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())

    CFG["has_v6"] = v6_works()
    canary = Canary()
    CFG["canary"] = canary.port
    socks = [Socks()]
    try:
        # Where --tor looks, when it is free.
        socks.append(Socks(9050))
    except OSError:
        pass
    servers = [Server("http", ("127.0.0.1", 0))]
    CFG["http"] = servers[0].server_port
    CFG["https"] = None
    if a.cert and a.key:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        servers.append(Server("https", ("127.0.0.1", 0), tls=ctx))
        CFG["https"] = servers[-1].server_port
    CFG["v6"] = None
    if CFG["has_v6"]:
        try:
            servers.append(Server("v6", ("::1", 0), socket.AF_INET6))
            CFG["v6"] = servers[-1].server_port
        except OSError:
            pass

    build_blobs()
    CFG["pages"] = pages()
    with open(os.path.join(a.dir, "img.png"), "wb") as f:
        f.write(BLOBS["png"])

    for s in servers:
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()

    def port(v):
        return "" if v is None else str(v)
    tmp = os.path.join(a.dir, "ports.tmp")
    with open(tmp, "w") as f:
        f.write("HTTP_PORT=%s\nHTTPS_PORT=%s\nV6_PORT=%s\nCANARY_PORT=%s\n"
                "SOCKS_PORT=%s\nTOR_PORT=%s\n"
                % (port(CFG["http"]), port(CFG["https"]), port(CFG["v6"]),
                   port(CFG["canary"]), port(socks[0].port),
                   port(socks[1].port if len(socks) > 1 else None)))
    os.rename(tmp, os.path.join(a.dir, "ports"))

    deadline = time.monotonic() + a.lifetime
    stop_file = os.path.join(a.dir, "stop")
    while not STOP.is_set():
        if (os.path.exists(stop_file) or time.monotonic() > deadline
                or (a.watch_pid and not alive(a.watch_pid))):
            break
        STOP.wait(0.1)
    STOP.set()
    canary.close()
    for x in socks:
        x.close()
    for s in servers:
        s.shutdown()
        s.server_close()
    sys.stdout.flush()
    # Handler threads may be blocked writing to a client: do not wait.
    os._exit(0)


if __name__ == "__main__":
    main()
