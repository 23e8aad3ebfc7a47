#!/usr/bin/env python3
# gentree: build a deterministic tree of mixed files for the -r audit tests.
"""
usage: tests/gentree.py DIR [--files N] [--images DIR] [--seed S]

Creates DIR (which must not exist) holding N regular files (default 2000)
and prints a JSON summary on standard output.  The same arguments (and the
same --images directory) give a byte-identical tree: names, contents, link
targets and modification times.  Python 3 standard library only; it never
runs tacit or any other program.

Mix of the N regular files (the generated part is rounded; the fixed
skeleton below comes first):

  images   30%  "dirty": copies of tests/data/fixtures/* and
                tests/data/demo/photo.jpg, which carry planted metadata,
                and with --images, every *.jpg/*.png/*.webp/*.gif found
                under that directory (sorted by path): each used once,
                or an evenly spaced subset when there are more than the
                slots.  Leftover slots cycle through the fixtures and the
                --images files of 64 KiB or less.  Some of the --images
                files may be clean, or malformed (exif-samples has a
                corrupted.jpg, which tacit refuses: exit status 2).
                "clean" (about 15% of the images): tiny PNG, GIF, JPEG and
                lossless WebP files built here from scratch, holding
                nothing but structure and pixels.
  text     rest C and Python source, shell, Markdown, JSON, YAML, plain
                text; some names hold spaces or UTF-8; a few are named
                *.jpg or *.png (text with a misleading extension).
  binary   20%  pseudo-random bytes (64 B to 256 KiB), some named
                .jpg/.png/.webp/.gif, some starting with an ELF, PDF or
                gzip signature; none starts with an image signature, so
                all are unsupported and skipped.
  empty         max(4, N / 200) empty files (empty.jpg among them).
  .tacitignore  3 (see below).

Directories: about N / 10, nested at most 6 deep (deep/d2/d3/d4/d5/d6 is
always there), some with spaces or UTF-8 in their names, one hidden
(.cache).  Symbolic links: 20, never counted as files: to files and to
directories inside the tree, to an ancestor (a loop), to
/etc/hostname and /etc/passwd (outside), dangling ones and one that
points to itself.

Ignore files (gitignore syntax; a rule may end with whitespace, a colon
and rule ids, which then stay unreported for the files it matches):

  .tacitignore         vendor/       every directory named vendor, at any
                                     depth (vendor/, src/lib/vendor/);
                                     the regular file docs/vendor (a JPEG)
                                     is NOT ignored
                       *.tmp.jpg     draft.tmp.jpg, camera/2024/edit.tmp.jpg,
                                     deep/d2/d3/scratch.tmp.jpg,
                                     "My Photos/holiday.tmp.jpg"; NOT
                                     site/notes.tmp.jpeg nor docs/tmp.jpg
  site/.tacitignore    /fixtures/*.png      site/fixtures/png-*.png ignored;
                       !/fixtures/keep-*.png  keep-1.png, keep-2.png back
                                     in; NOT ignored: site/fixtures/photo.jpg,
                                     site/fixtures/sub/deep.png (* stops at
                                     /), site/blog/fixtures/banner.png
                                     (anchored to site/)
  camera/.tacitignore  *.jpg  :exif-gps,xmp-gps   the dirty JPEGs in
                                     camera/ and below keep their other
                                     findings; camera/IMG_9999.JPG (upper
                                     case, no match) and camera/scan.png
                                     are reported in full

Generated files may also land under these directories (vendor/ too); the
summary counts what the rules above ignore: files_ignored, images_ignored
(whole files ignored) and images_rule_limited (images under camera/
matched by *.jpg and not ignored).

The summary: {"files", "images_dirty", "images_clean", "text", "binary",
"empty", "ignore_files", "symlinks", "dirs", "bytes", "files_ignored",
"images_ignored", "images_rule_limited", "images_by_format", "seed"};
files = images_dirty + images_clean + text + binary + empty + ignore_files.
Exit status: 0 done, 2 usage or I/O error.
"""

import argparse
import fnmatch
import json
import os
import random
import struct
import sys
import zlib

# Every file, directory and link gets this time, so that two trees from
# the same arguments compare equal with tar or rsync too.
MTIME = 1700000000
MAX_DEPTH = 6
NLINKS = 20
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_EXTS = (".jpg", ".png", ".webp", ".gif")

# Names and words for text.  Neither "vendor" nor "fixtures" is here: the
# generated names must not add matches to the ignore rules by chance.
WORDS = (
    "alpha beta gamma delta kappa lambda sigma omega north south east west "
    "river stone cloud paper cedar maple harbor lantern signal orbit "
    "copper silver amber violet meadow canyon summit valley island forest "
    "parser buffer stream engine module report filter config render "
    "index cache token record header packet socket thread worker queue "
    "album trip family garden winter spring autumn summer beach city"
).split()
UTF8_WORDS = ("été", "naïve", "café", "写真", "données", "Überblick",
              "смета", "ñandú", "résumé", "πλάνο")
C_TYPES = ("int", "size_t", "unsigned char *", "const char *", "uint32_t",
           "struct node *", "double", "long")


class Tree:
    def __init__(self, root, rng):
        self.root = root
        self.rng = rng
        self.dirs = [""]
        self.taken = {"": set()}
        self.files = []  # (relative path, kind)
        self.links = []
        self.bytes = 0

    def path(self, rel):
        return os.path.join(self.root, rel) if rel else self.root

    def mkdir(self, rel):
        os.mkdir(self.path(rel))
        self.dirs.append(rel)
        self.taken[rel] = set()
        parent = os.path.dirname(rel)
        self.taken[parent].add(os.path.basename(rel))

    def unique(self, d, name):
        """NAME in directory D, or NAME with -2, -3 ... before its suffix."""
        taken = self.taken[d]
        if name not in taken:
            taken.add(name)
            return name
        stem, dot, ext = name.partition(".")
        i = 2
        while True:
            cand = "%s-%d%s%s" % (stem, i, dot, ext)
            if cand not in taken:
                taken.add(cand)
                return cand
            i += 1

    def write(self, d, name, data, kind):
        name = self.unique(d, name)
        rel = d + "/" + name if d else name
        with open(self.path(rel), "wb") as f:
            f.write(data)
        self.files.append((rel, kind))
        self.bytes += len(data)
        return rel

    def link(self, d, name, target):
        name = self.unique(d, name)
        rel = d + "/" + name if d else name
        os.symlink(target, self.path(rel))
        self.links.append(rel)
        return rel

    def depth(self, rel):
        return rel.count("/") + 1 if rel else 0


def relto(frm_dir, rel):
    """A relative link target from directory FRM_DIR to REL."""
    return os.path.relpath(rel or ".", frm_dir or ".")


# ------------------------------------------------------------ clean images

def png_chunk(tag, data):
    return (struct.pack(">I", len(data)) + tag + data +
            struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def make_png(rng, w, h):
    """An 8-bit RGB PNG: IHDR, IDAT, IEND and nothing else."""
    r0, g0, b0 = rng.getrandbits(8), rng.getrandbits(8), rng.getrandbits(8)
    rows = bytearray()
    for y in range(h):
        rows.append(0)  # filter: none
        for x in range(w):
            rows += bytes(((r0 + 4 * x) & 255, (g0 + 4 * y) & 255,
                           (b0 + 2 * (x + y)) & 255))
    return (b"\x89PNG\r\n\x1a\n" +
            png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            png_chunk(b"IDAT", zlib.compress(bytes(rows), 9)) +
            png_chunk(b"IEND", b""))


class Bits:
    """Bits packed from the least significant end (GIF LZW, VP8L)."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, width):
        self.acc |= value << self.n
        self.n += width
        while self.n >= 8:
            self.out.append(self.acc & 255)
            self.acc >>= 8
            self.n -= 8

    def done(self):
        if self.n:
            self.out.append(self.acc & 255)
        return bytes(self.out)


def make_gif(rng, w, h):
    """A GIF87a with a 16-colour table and one frame, no extension."""
    table = bytes(rng.getrandbits(8) for _ in range(48))
    pixels = [((x // 2) + (y // 2)) & 15 for y in range(h) for x in range(w)]
    # LZW without growing the table: a clear code every 12 literals keeps
    # every code 5 bits wide, which any decoder reads.
    clear, end = 16, 17
    bits = Bits()
    for i, p in enumerate(pixels):
        if i % 12 == 0:
            bits.put(clear, 5)
        bits.put(p, 5)
    bits.put(end, 5)
    lzw = bits.done()
    blocks = bytearray()
    for i in range(0, len(lzw), 255):
        part = lzw[i:i + 255]
        blocks.append(len(part))
        blocks += part
    blocks.append(0)
    return (b"GIF87a" + struct.pack("<HHBBB", w, h, 0xF3, 0, 0) + table +
            b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0) +
            b"\x04" + bytes(blocks) + b"\x3b")


def jpeg_segment(marker, data):
    return bytes((0xFF, marker)) + struct.pack(">H", len(data) + 2) + data


def make_jpeg(rng, w, h):
    """A baseline greyscale JPEG, no APPn: each 8x8 block one flat shade.

    Only DC coefficients: the DC table has 12 four-bit codes (categories
    0..11), the AC table one code, "0", for end-of-block.
    """
    base = rng.randrange(-60, 60)
    bw, bh = (w + 7) // 8, (h + 7) // 8
    bits = []
    prev = 0
    for by in range(bh):
        for bx in range(bw):
            dc = max(-127, min(127, base + 9 * bx - 7 * by +
                               rng.randrange(-6, 7)))
            diff = dc - prev
            prev = dc
            cat = abs(diff).bit_length()
            bits.append(format(cat, "04b"))
            if cat:
                v = diff if diff > 0 else diff + (1 << cat) - 1
                bits.append(format(v, "0%db" % cat))
            bits.append("0")  # end of block
    s = "".join(bits)
    s += "1" * (-len(s) % 8)
    scan = bytearray()
    for i in range(0, len(s), 8):
        b = int(s[i:i + 8], 2)
        scan.append(b)
        if b == 0xFF:
            scan.append(0)  # byte stuffing
    dqt = b"\x00" + bytes([8] * 64)
    sof = struct.pack(">BHHB", 8, h, w, 1) + b"\x01\x11\x00"
    dht_dc = b"\x00" + bytes([0, 0, 0, 12] + [0] * 12) + bytes(range(12))
    dht_ac = b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"
    return (b"\xff\xd8" + jpeg_segment(0xDB, dqt) + jpeg_segment(0xC0, sof) +
            jpeg_segment(0xC4, dht_dc) + jpeg_segment(0xC4, dht_ac) +
            jpeg_segment(0xDA, sos) + bytes(scan) + b"\xff\xd9")


def make_webp(rng, w, h):
    """A lossless WebP of one colour: five one-symbol prefix codes."""
    bits = Bits()
    bits.put(0x2F, 8)
    bits.put(w - 1, 14)
    bits.put(h - 1, 14)
    bits.put(0, 1)  # no alpha
    bits.put(0, 3)  # version
    bits.put(0, 1)  # no transform
    bits.put(0, 1)  # no colour cache
    bits.put(0, 1)  # no meta prefix codes
    for _ in range(4):  # green, red, blue, alpha: one 8-bit symbol each
        bits.put(1, 1)
        bits.put(0, 1)
        bits.put(1, 1)
        bits.put(rng.getrandbits(8), 8)
    bits.put(1, 1)  # distance: one 1-bit symbol, never used
    bits.put(0, 1)
    bits.put(0, 1)
    bits.put(0, 1)
    data = bits.done()
    chunk = b"VP8L" + struct.pack("<I", len(data)) + data
    if len(data) % 2:
        chunk += b"\x00"
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


CLEAN_MAKERS = (("png", make_png), ("gif", make_gif), ("jpg", make_jpeg),
                ("webp", make_webp))


def clean_image(rng, i):
    ext, make = CLEAN_MAKERS[i % len(CLEAN_MAKERS)]
    w, h = 1 + rng.randrange(40), 1 + rng.randrange(40)
    return ext, make(rng, w, h)


# ---------------------------------------------------------- text, binary

def words(rng, n):
    return rng.choices(WORDS, k=n)


def ident(rng):
    return "_".join(words(rng, 2))


def text_c(rng):
    out = ["/* %s: %s */" % (ident(rng), " ".join(words(rng, 6))),
           "#include <stdio.h>", "#include <stdlib.h>", ""]
    for _ in range(1 + rng.randrange(12)):
        out.append("static %s" % rng.choice(C_TYPES))
        out.append("%s(%s %s)" % (ident(rng), rng.choice(C_TYPES),
                                  rng.choice(WORDS)))
        out.append("{")
        for _ in range(rng.randrange(1, 15)):
            out.append("\t%s = %s(%s, %d);" % (
                rng.choice(WORDS), ident(rng), rng.choice(WORDS),
                rng.randrange(1000)))
        out.append("\treturn 0;")
        out.append("}")
        out.append("")
    return out


def text_py(rng):
    out = ['"""%s."""' % " ".join(words(rng, 5)).capitalize(), "",
           "import os", "import sys", ""]
    for _ in range(1 + rng.randrange(10)):
        out.append("def %s(%s, %s):" % (ident(rng), *words(rng, 2)))
        for _ in range(rng.randrange(1, 10)):
            out.append("    %s = %s(%r)" % (rng.choice(WORDS), ident(rng),
                                          " ".join(words(rng, 3))))
        out.append("    return %s" % rng.choice(WORDS))
        out.append("")
    return out


def text_sh(rng):
    out = ["#!/bin/sh", "# %s" % " ".join(words(rng, 7)), "set -eu", ""]
    for _ in range(rng.randrange(3, 40)):
        out.append('%s="${%s:-%s}"' % (rng.choice(WORDS).upper(),
                                       rng.choice(WORDS).upper(),
                                       rng.choice(WORDS)))
    return out


def text_md(rng):
    out = ["# " + " ".join(words(rng, 4)).capitalize(), ""]
    for _ in range(rng.randrange(1, 20)):
        line = " ".join(words(rng, rng.randrange(8, 40)))
        if rng.randrange(4) == 0:
            line += " " + rng.choice(UTF8_WORDS)
        out.append(line.capitalize() + ".")
        out.append("")
    return out


def text_json(rng):
    doc = {}
    for _ in range(rng.randrange(1, 30)):
        k = rng.choice(WORDS)
        r = rng.randrange(4)
        if r == 0:
            doc[k] = rng.randrange(100000)
        elif r == 1:
            doc[k] = " ".join(words(rng, 4))
        elif r == 2:
            doc[k] = words(rng, 3)
        else:
            doc[k] = {w: rng.randrange(10) for w in words(rng, 3)}
    return json.dumps(doc, indent=2, sort_keys=True,
                      ensure_ascii=False).split("\n")


def text_yaml(rng):
    out = ["# " + " ".join(words(rng, 5))]
    for _ in range(rng.randrange(2, 30)):
        out.append("%s: %s" % (rng.choice(WORDS), " ".join(words(rng, 3))))
    return out


def text_txt(rng):
    return [" ".join(words(rng, rng.randrange(3, 16)))
            for _ in range(rng.randrange(1, 60))]


TEXT_KINDS = (("c", text_c), ("h", text_c), ("py", text_py),
              ("sh", text_sh), ("md", text_md), ("json", text_json),
              ("yaml", text_yaml), ("txt", text_txt))


def text_file(rng):
    ext, make = TEXT_KINDS[rng.randrange(len(TEXT_KINDS))]
    return ext, ("\n".join(make(rng)) + "\n").encode("utf-8")


IMAGE_SIGNATURES = (b"\xff\xd8", b"\x89PNG", b"RIFF", b"GIF8")
FOREIGN_SIGNATURES = (b"\x7fELF\x02\x01\x01\x00", b"%PDF-1.4\n",
                      b"\x1f\x8b\x08\x00")


def binary_file(rng):
    # Sizes spread over powers of two, 64 B to 256 KiB.
    size = 1 << rng.randrange(6, 18)
    size += rng.randrange(size)
    data = bytearray(rng.randbytes(min(size, 256 << 10)))
    r = rng.randrange(10)
    if r < 3:
        sig = FOREIGN_SIGNATURES[r]
        data[:len(sig)] = sig
    if bytes(data[:4]).startswith(IMAGE_SIGNATURES):
        data[0] = 0  # random bytes that look like an image would not be
    return bytes(data)


# --------------------------------------------------------------- naming

def image_name(rng, i, ext):
    r = rng.randrange(10)
    if r < 4:
        return "IMG_%04d.%s" % (i, ext)
    if r < 6:
        return "%s %d.%s" % (rng.choice(WORDS), i, ext)
    if r < 7:
        return "%s-%d.%s" % (rng.choice(UTF8_WORDS), i, ext)
    return "%s-%s.%s" % (rng.choice(WORDS), rng.choice(WORDS), ext)


def text_name(rng, ext):
    r = rng.randrange(12)
    if r == 0:
        return "%s %s.%s" % (rng.choice(WORDS), rng.choice(WORDS), ext)
    if r == 1:
        return "%s %s.%s" % (rng.choice(UTF8_WORDS), rng.choice(WORDS), ext)
    return "%s.%s" % (ident(rng), ext)


def dir_name(rng):
    r = rng.randrange(15)
    if r == 0:
        return "%s %s" % (rng.choice(WORDS).capitalize(), rng.choice(WORDS))
    if r == 1:
        return rng.choice(UTF8_WORDS)
    return rng.choice(WORDS)


# ------------------------------------------------------------ ignore rules

def ignored(rel):
    """Whether the three generated ignore files exclude file REL."""
    parts = rel.split("/")
    base = parts[-1]
    if "vendor" in parts[:-1]:
        return True
    if fnmatch.fnmatchcase(base, "*.tmp.jpg"):
        return True
    return (len(parts) == 3 and parts[:2] == ["site", "fixtures"] and
            fnmatch.fnmatchcase(base, "*.png") and
            not fnmatch.fnmatchcase(base, "keep-*.png"))


def rule_limited(rel):
    return (rel.startswith("camera/") and
            fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], "*.jpg") and
            not ignored(rel))


ROOT_IGNORE = """\
# tacit ignore file of the generated tree (tests/gentree.py)

# third-party code, wherever it is
vendor/
# scratch copies
*.tmp.jpg
"""
SITE_IGNORE = """\
# the fixtures right here only: site/blog/fixtures stays audited
/fixtures/*.png
# ... except these
!/fixtures/keep-*.png
"""
CAMERA_IGNORE = """\
# these photos are meant to say where they were taken
*.jpg  :exif-gps,xmp-gps
"""


# ----------------------------------------------------------------- build

def image_sources(images_dir):
    """Dirty images: (fixtures, --images files), each a sorted path list."""
    fix_dir = os.path.join(TOP, "tests", "data", "fixtures")
    fixtures = sorted(os.path.join(fix_dir, n) for n in os.listdir(fix_dir)
                      if n.lower().endswith(IMAGE_EXTS))
    fixtures.append(os.path.join(TOP, "tests", "data", "demo", "photo.jpg"))
    extra = []
    if images_dir:
        for d, dirnames, names in os.walk(images_dir):
            dirnames.sort()
            for n in names:
                p = os.path.join(d, n)
                if n.lower().endswith(IMAGE_EXTS) and os.path.isfile(p):
                    extra.append(p)
        extra.sort(key=lambda p: os.path.relpath(p, images_dir).encode())
    return fixtures, extra


def ext_of(path):
    return os.path.splitext(path)[1].lower().lstrip(".")


def build(root, nfiles, images_dir, seed):
    rng = random.Random(seed)
    t = Tree(root, rng)
    os.mkdir(root)
    fixtures, extra = image_sources(images_dir)
    cache = {}

    def data_of(p):
        if p not in cache:
            with open(p, "rb") as f:
                cache[p] = f.read()
        return cache[p]

    by_ext = {e: [p for p in fixtures if ext_of(p) == e]
              for e in ("jpg", "png", "webp", "gif")}
    counts = {"images_dirty": 0, "images_clean": 0, "text": 0, "binary": 0,
              "empty": 0, "ignore_files": 0}
    fmt = {}

    def put_dirty(d, name, src):
        counts["images_dirty"] += 1
        e = ext_of(src)
        fmt[e] = fmt.get(e, 0) + 1
        return t.write(d, name, data_of(src), "image_dirty")

    def put_clean(d, i, name=None):
        ext, data = clean_image(rng, i)
        counts["images_clean"] += 1
        fmt[ext] = fmt.get(ext, 0) + 1
        return t.write(d, name or "clean-%d.%s" % (i, ext), data,
                       "image_clean")

    def put_text(d, name, data):
        counts["text"] += 1
        return t.write(d, name, data, "text")

    # The skeleton: the directories the ignore rules talk about.
    for d in ("vendor", "vendor/libfoo", "vendor/libfoo/img", "src",
              "src/lib", "src/lib/vendor", "site", "site/fixtures",
              "site/fixtures/sub", "site/blog", "site/blog/fixtures",
              "camera", "camera/2024", "camera/2024/trip", "deep",
              "deep/d2", "deep/d2/d3", "deep/d2/d3/d4", "deep/d2/d3/d4/d5",
              "deep/d2/d3/d4/d5/d6", "links", "My Photos", "données",
              ".cache", "docs"):
        t.mkdir(d)
    for d, text in (("", ROOT_IGNORE), ("site", SITE_IGNORE),
                    ("camera", CAMERA_IGNORE)):
        t.write(d, ".tacitignore", text.encode(), "ignore")
        counts["ignore_files"] += 1

    jpgs, pngs = by_ext["jpg"], by_ext["png"]
    put_text("", "README.md", b"# generated tree\n\nSee tests/gentree.py.\n")
    put_dirty("vendor", "logo.png", pngs[0])
    put_text("vendor/libfoo", "README.md", b"libfoo: third-party code\n")
    put_dirty("vendor/libfoo/img", "icon.jpg", jpgs[0])
    put_dirty("src/lib/vendor", "pic.webp", by_ext["webp"][0])
    put_dirty("src/lib/vendor", "anim.gif", by_ext["gif"][0])
    put_dirty("docs", "vendor", jpgs[1])
    for d, n in (("", "draft.tmp.jpg"), ("camera/2024", "edit.tmp.jpg"),
                 ("deep/d2/d3", "scratch.tmp.jpg"),
                 ("My Photos", "holiday.tmp.jpg")):
        put_dirty(d, n, jpgs[2])
    put_dirty("site", "notes.tmp.jpeg", jpgs[3])
    put_dirty("docs", "tmp.jpg", jpgs[3])
    for p in pngs:
        put_dirty("site/fixtures", os.path.basename(p), p)
    put_dirty("site/fixtures", "keep-1.png", pngs[1])
    put_dirty("site/fixtures", "keep-2.png", pngs[2])
    put_dirty("site/fixtures", "photo.jpg", jpgs[4])
    put_dirty("site/fixtures/sub", "deep.png", pngs[3])
    put_dirty("site/blog/fixtures", "banner.png", pngs[0])
    put_clean("site/fixtures", 0, "clean.png")
    for i, p in enumerate(jpgs):
        put_dirty("camera" if i % 2 == 0 else "camera/2024/trip",
                  "IMG_%04d.jpg" % (100 + i), p)
    put_dirty("camera", "IMG_9999.JPG", jpgs[2])  # has GPS
    put_dirty("camera", "scan.png", pngs[1])
    put_dirty("deep/d2/d3/d4/d5/d6", "bottom.jpg", jpgs[5])

    # Directories: about a tenth of the files, none deeper than six.
    target_dirs = max(len(t.dirs) - 1, nfiles // 10)
    while len(t.dirs) - 1 < target_dirs:
        # Not below vendor/: ignored wholesale, it would swallow a
        # growing share of the tree.
        parents = [d for d in t.dirs
                   if t.depth(d) < MAX_DEPTH and d != "links" and
                   "vendor" not in d.split("/")]
        parent = parents[rng.randrange(len(parents))]
        name = t.unique(parent, dir_name(rng))
        t.taken[parent].discard(name)
        t.mkdir(parent + "/" + name if parent else name)
    places = [d for d in t.dirs if d != "links"]

    def place():
        return places[rng.randrange(len(places))]

    # The generated mix.
    n_images = round(nfiles * 0.30)
    n_clean = max(4, round(n_images * 0.15))
    n_binary = round(nfiles * 0.20)
    n_empty = max(4, nfiles // 200)
    used = len(t.files)
    n_dirty = n_images - n_clean - counts["images_dirty"]
    n_clean -= counts["images_clean"]
    n_text = nfiles - used - max(0, n_dirty) - max(0, n_clean) - \
        n_binary - n_empty
    if n_dirty < 0 or n_clean < 0 or n_text < 10:
        raise ValueError("too few files for the fixed skeleton: try "
                         "--files 200 or more")

    dirty = []
    if len(extra) <= n_dirty:
        dirty = list(extra)
    else:
        dirty = [extra[(k * len(extra)) // n_dirty] for k in range(n_dirty)]
    small = fixtures + [p for p in extra if os.path.getsize(p) <= 64 << 10]
    k = 0
    while len(dirty) < n_dirty:
        dirty.append(small[k % len(small)])
        k += 1

    # Interleave the kinds so that every directory gets a bit of each.
    jobs = (["dirty"] * n_dirty + ["clean"] * n_clean + ["text"] * n_text +
            ["binary"] * n_binary + ["empty"] * n_empty)
    rng.shuffle(jobs)
    di = ci = 0
    empty_names = ("empty.jpg", "empty.png", "__init__.py", ".keep",
                   "empty.txt", "empty.gif", "zero.webp", "blank.md")
    ei = 0
    for job in jobs:
        d = place()
        if job == "dirty":
            src = dirty[di]
            if rng.randrange(3) == 0:
                name = image_name(rng, di, ext_of(src))
            else:
                name = os.path.basename(src).lower()
            put_dirty(d, name, src)
            di += 1
        elif job == "clean":
            ci += 1
            ext, data = clean_image(rng, ci)
            counts["images_clean"] += 1
            fmt[ext] = fmt.get(ext, 0) + 1
            t.write(d, image_name(rng, 5000 + ci, ext), data, "image_clean")
        elif job == "text":
            ext, data = text_file(rng)
            if rng.randrange(40) == 0:
                ext = rng.choice(("jpg", "png"))  # text posing as an image
            put_text(d, text_name(rng, ext), data)
        elif job == "binary":
            data = binary_file(rng)
            r = rng.randrange(8)
            if r < 2:
                ext = rng.choice(("jpg", "png", "webp", "gif"))
            else:
                ext = rng.choice(("bin", "o", "so", "dat", "pyc", "db"))
            counts["binary"] += 1
            t.write(d, "%s.%s" % (ident(rng), ext), data, "binary")
        else:
            counts["empty"] += 1
            t.write(d, empty_names[ei % len(empty_names)], b"", "empty")
            ei += 1

    # Links: never followed by -r; each kind a walker meets.
    files = [rel for rel, kind in t.files]
    img = [rel for rel, kind in t.files if kind == "image_dirty" and
           not ignored(rel)]
    photo = [rel for rel in img if rel.endswith(".jpg")][0]
    fixed = (("to-photo.jpg", photo), ("to-readme.md", "README.md"),
             ("to-camera", "camera"), ("to-vendor-logo.png",
                                       "vendor/logo.png"))
    for name, target in fixed:
        t.link("links", name, relto("links", target))
    t.link("links", "up", "..")  # a loop, if followed
    t.link("links", "hostname", "/etc/hostname")
    t.link("links", "passwd.jpg", "/etc/passwd")
    t.link("links", "dangling.jpg", "does-not-exist.jpg")
    t.link("links", "dangling-dir", "../nowhere/")
    t.link("links", "self.png", "self.png")
    while len(t.links) < NLINKS:
        d = place()
        r = rng.randrange(4)
        if r == 0:
            target = t.dirs[rng.randrange(len(t.dirs))]
            t.link(d, "dir-link", relto(d, target))
        elif r == 1:
            t.link(d, "gone-%d.jpg" % len(t.links), "gone.jpg")
        elif r == 2:
            t.link(d, "image-link.jpg", relto(d, img[rng.randrange(
                len(img))]))
        else:
            t.link(d, "file-link", relto(d, files[rng.randrange(
                len(files))]))

    # Fixed times, deepest first so that a directory is stamped last.
    for rel in t.links:
        os.utime(t.path(rel), (MTIME, MTIME), follow_symlinks=False)
    for rel, _ in t.files:
        os.utime(t.path(rel), (MTIME, MTIME))
    for rel in sorted(t.dirs, key=lambda d: -t.depth(d)):
        os.utime(t.path(rel), (MTIME, MTIME))

    images = [rel for rel, kind in t.files if kind.startswith("image")]
    summary = dict(counts)
    summary.update({
        "files": len(t.files),
        "symlinks": len(t.links),
        "dirs": len(t.dirs) - 1,
        "bytes": t.bytes,
        "files_ignored": sum(1 for rel in files if ignored(rel)),
        "images_ignored": sum(1 for rel in images if ignored(rel)),
        "images_rule_limited": sum(1 for rel in images if rule_limited(rel)),
        "images_by_format": dict(sorted(fmt.items())),
        "seed": seed,
    })
    return summary


def main():
    ap = argparse.ArgumentParser(
        prog="gentree.py",
        description="Build a deterministic tree of mixed files (see the "
        "header of tests/gentree.py) and print a JSON summary.")
    ap.add_argument("dir", metavar="DIR", help="directory to create")
    ap.add_argument("--files", type=int, default=2000, metavar="N",
                    help="regular files (default 2000, at least 200)")
    ap.add_argument("--images", metavar="DIR",
                    help="also use the *.jpg/*.png/*.webp/*.gif under DIR")
    ap.add_argument("--seed", type=int, default=1, metavar="S",
                    help="random seed (default 1)")
    a = ap.parse_args()
    if a.files < 200:
        ap.error("--files must be at least 200")
    if a.images and not os.path.isdir(a.images):
        ap.error("--images: '%s' is not a directory" % a.images)
    if os.path.lexists(a.dir):
        ap.error("'%s' already exists" % a.dir)
    try:
        summary = build(a.dir, a.files, a.images, a.seed)
    except (OSError, ValueError) as e:
        print("gentree.py: %s" % e, file=sys.stderr)
        return 2
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
