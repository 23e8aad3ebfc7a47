/* test_xmp: unit tests for the XMP, Photoshop and IPTC readers (lib/xmp.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tacit/io.h"
#include "tacit/meta.h"
#include "tacit/xmp.h"

#define TESTDATA "/work/shared/testdata/images/exiftool/"

/* A growable byte buffer to build test inputs in. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_byte(struct buf *b, unsigned c)
{
	unsigned char x = (unsigned char)c;

	buf_add(b, &x, 1);
}

static void
buf_be16(struct buf *b, uint32_t v)
{
	unsigned char q[2] = { v >> 8, v };

	buf_add(b, q, 2);
}

static void
buf_be32(struct buf *b, uint32_t v)
{
	unsigned char q[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_add(b, q, 4);
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* The n-th item with this container and field, or NULL. */
static const struct tacit_item *
nth(const struct tacit_items *it, const char *container, const char *field,
    size_t n)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, container) == 0 &&
		    strcmp(it->v[i].field, field) == 0 && n-- == 0)
			return &it->v[i];
	return NULL;
}

static size_t
count(const struct tacit_items *it, const char *container, const char *field)
{
	size_t c = 0;

	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].container, container) == 0 &&
		    (field == NULL || strcmp(it->v[i].field, field) == 0))
			c++;
	return c;
}

/* Item container/field is present, with this value (NULL: no value). */
static void
expect(const struct tacit_items *it, const char *container, const char *field,
    const char *value)
{
	const struct tacit_item *item = nth(it, container, field, 0);

	if (item == NULL)
		fail_msg("no item %s/%s", container, field);
	if (value == NULL)
		assert_null(item->value);
	else {
		assert_non_null(item->value);
		assert_string_equal(item->value, value);
	}
}

/* Items exactly as listed, in order: "container/field=value" or no '='. */
static void
expect_all(const struct tacit_items *it, const char *const *want, size_t n)
{
	char got[512];

	for (size_t i = 0; i < n && i < it->n; i++) {
		const struct tacit_item *item = &it->v[i];

		if (item->value != NULL)
			snprintf(got, sizeof(got), "%s/%s=%s", item->container,
			    item->field, item->value);
		else
			snprintf(got, sizeof(got), "%s/%s", item->container,
			    item->field);
		assert_string_equal(got, want[i]);
	}
	assert_int_equal(it->n, n);
}

static int
scan_xmp(struct tacit_items *it, const void *p, size_t len)
{
	tacit_items_init(it, 1);
	return tacit_xmp_scan(p, len, it);
}

static int
scan_str(struct tacit_items *it, const char *s)
{
	return scan_xmp(it, s, strlen(s));
}

/* Scan an exact-size heap copy, so a read past len trips ASan. */
static int
scan_copy(struct tacit_items *it, const unsigned char *p, size_t len,
    int (*fn)(const unsigned char *, size_t, struct tacit_items *,
	struct tacit_err *),
    struct tacit_err *e)
{
	unsigned char *c = malloc(len > 0 ? len : 1);
	int rc;

	assert_non_null(c);
	if (len > 0)
		memcpy(c, p, len);
	tacit_items_init(it, 1);
	if (fn == NULL)
		rc = tacit_xmp_scan(len > 0 ? c : NULL, len, it);
	else
		rc = fn(len > 0 ? c : NULL, len, it, e);
	free(c);
	return rc;
}

static const char attr_packet[] =
    "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"Test 1.0\">\n"
    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n"
    "    xmlns:xmp='http://ns.adobe.com/xap/1.0/'\n"
    "    exif:GPSLatitude=\"51,30.5N\"\n"
    "    exif:GPSLongitude = '0,7.6W'\n"
    "\txml:lang='en' xmp:CreateDate=\"2021-03-04T05:06:07\"/>\n"
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    "<?xpacket end=\"w\"?>";

static void
test_xmp_attributes(void **state)
{
	static const char *const want[] = {
		"XMP/exif:GPSLatitude=51,30.5N",
		"XMP/exif:GPSLongitude=0,7.6W",
		"XMP/xmp:CreateDate=2021-03-04T05:06:07",
	};
	struct tacit_items it;

	(void)state;
	assert_int_equal(scan_str(&it, attr_packet), TACIT_OK);
	expect_all(&it, want, sizeof(want) / sizeof(want[0]));
	tacit_items_free(&it);
}

static const char elem_packet[] =
    "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
    "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
    " <rdf:Description rdf:about=''\n"
    "   xmlns:dc='http://purl.org/dc/elements/1.1/'>\n"
    "  <dc:creator>\n"
    "   <rdf:Seq>\n"
    "    <rdf:li>Me</rdf:li>\n"
    "    <rdf:li>You</rdf:li>\n"
    "   </rdf:Seq>\n"
    "  </dc:creator>\n"
    "  <dc:title><rdf:Alt><rdf:li xml:lang='x-default'>A title</rdf:li>"
    "</rdf:Alt></dc:title>\n"
    "  <dc:subject><rdf:Bag/></dc:subject>\n"
    "  <photoshop:City>Kingston</photoshop:City>\n"
    "  <xmpMM:DocumentID>xmp.did:1234</xmpMM:DocumentID>\n"
    "  <xmpMM:History><rdf:Seq>\n"
    "   <rdf:li rdf:parseType='Resource'>\n"
    "    <stEvt:action>saved</stEvt:action>\n"
    "    <stEvt:when>2020-01-01</stEvt:when>\n"
    "   </rdf:li>\n"
    "   <rdf:li stEvt:action='converted' stEvt:parameters='a to b'/>\n"
    "  </rdf:Seq></xmpMM:History>\n"
    "  <dc:source rdf:resource='http://example.com/x'/>\n"
    "  <xmpRights:WebStatement/>\n"
    "  <exif:Flash rdf:parseType='Resource'>"
    "<exif:Fired>True</exif:Fired></exif:Flash>\n"
    "  <exif:UserComment><rdf:Alt><rdf:li><rdf:Description>"
    "<rdf:value>qualified</rdf:value><xml:lang>en</xml:lang>"
    "</rdf:Description></rdf:li></rdf:Alt></exif:UserComment>\n"
    " </rdf:Description>\n"
    "</rdf:RDF></x:xmpmeta>\n"
    "<?xpacket end='w'?>";

static const char *const elem_want[] = {
	"XMP/dc:creator=Me",
	"XMP/dc:title=A title",
	"XMP/dc:subject=",
	"XMP/photoshop:City=Kingston",
	"XMP/xmpMM:DocumentID=xmp.did:1234",
	"XMP/xmpMM:History",
	"XMP/stEvt:action=saved",
	"XMP/stEvt:when=2020-01-01",
	"XMP/stEvt:action=converted",
	"XMP/stEvt:parameters=a to b",
	"XMP/dc:source=http://example.com/x",
	"XMP/xmpRights:WebStatement=",
	"XMP/exif:Flash",
	"XMP/exif:Fired=True",
	"XMP/exif:UserComment=qualified",
};

static void
test_xmp_elements(void **state)
{
	struct tacit_items it;

	(void)state;
	assert_int_equal(scan_str(&it, elem_packet), TACIT_OK);
	expect_all(&it, elem_want, sizeof(elem_want) / sizeof(elem_want[0]));
	tacit_items_free(&it);

	/* Without values the same fields come out, valueless. */
	tacit_items_init(&it, 0);
	assert_int_equal(tacit_xmp_scan((const unsigned char *)elem_packet,
			     strlen(elem_packet), &it),
	    TACIT_OK);
	assert_int_equal(it.n, sizeof(elem_want) / sizeof(elem_want[0]));
	assert_string_equal(it.v[0].field, "dc:creator");
	assert_null(it.v[0].value);
	tacit_items_free(&it);
}

static void
test_xmp_entities(void **state)
{
	struct tacit_items it;

	(void)state;
	assert_int_equal(
	    scan_str(&it,
		"<rdf:Description dc:format=\"image&#47;jpeg\" "
		"dc:q='&quot;&apos;'>"
		"<dc:description>a&lt;b&gt;c&amp;d&quot;e&apos;f&#65;&#x42;"
		"&#x20ac;&#128512;</dc:description>"
		"<dc:once>&amp;lt;&amp;#65;</dc:once>"
		"<dc:odd>&nbsp;&#0;&#xD800;&#x110000;&#;&#x;&#12a;& &amp"
		"</dc:odd>"
		"<dc:long>&#0000000065;</dc:long>"
		"</rdf:Description>"),
	    TACIT_OK);
	expect(&it, "XMP", "dc:format", "image/jpeg");
	expect(&it, "XMP", "dc:q", "\"'");
	expect(&it, "XMP", "dc:description",
	    "a<b>c&d\"e'fAB\xe2\x82\xac\xf0\x9f\x98\x80");
	expect(&it, "XMP", "dc:once", "&lt;&#65;");
	expect(&it, "XMP", "dc:odd",
	    "&nbsp;&#0;&#xD800;&#x110000;&#;&#x;&#12a;& &amp");
	/* Too long to be a reference we decode: kept as is. */
	expect(&it, "XMP", "dc:long", "&#0000000065;");
	assert_int_equal(it.n, 6);
	tacit_items_free(&it);
}

static void
test_xmp_markup(void **state)
{
	static const char *const want[] = {
		"XMP/dc:description=<b>bold</b> & raw &amp;",
		"XMP/dc:format=image/jpeg",
		"XMP/dc:rights= after the comment ", /* text kept as is */
		"XMP/tiff:Make=Quoted \"inside\"",
		"XMP/tiff:Model=it's",
	};
	struct tacit_items it;

	(void)state;
	assert_int_equal(
	    scan_str(&it,
		"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?>\n"
		"<!DOCTYPE x [ <!ENTITY e '<dc:inDoctype>no</dc:inDoctype>'> ]>\n"
		"<!-- <dc:fake>no</dc:fake> -- still a comment -->"
		"<x:xmpmeta><rdf:RDF>\r\n<rdf:Description>\n"
		"<dc:description><![CDATA[<b>bold</b> & raw &amp;]]>"
		"</dc:description>"
		"<?php echo '<dc:fakepi>'; ?>"
		"<dc:format>image/jpeg<!-- c --></dc:format>"
		"<dc:rights><!-- first --> after the comment </dc:rights>"
		"<rdf:Description\ttiff:Make = 'Quoted \"inside\"'\r\n"
		"  tiff:Model=\"it's\"></rdf:Description>"
		"</rdf:Description></rdf:RDF></x:xmpmeta>"),
	    TACIT_OK);
	expect_all(&it, want, sizeof(want) / sizeof(want[0]));
	tacit_items_free(&it);
}

static void
test_xmp_packet_fallback(void **state)
{
	static const char *const empty[] = {
		"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>",
		"<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/' "
		"x:xmptk='XMP Core'><rdf:RDF xmlns:rdf='r'>"
		"<rdf:Description rdf:about=''/></rdf:RDF></x:xmpmeta>"
		"<?xpacket end='w'?>",
		"not xml at all \x01\x02\xff",
		" ",
		"<creator>no prefix</creator><:x>empty prefix</:x><dc:>x</dc:>",
		"<!-- <dc:creator>only a comment</dc:creator>",
	};
	struct tacit_items it;

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		assert_int_equal(scan_str(&it, empty[i]), TACIT_OK);
		assert_int_equal(it.n, 1);
		expect(&it, "XMP", "packet", NULL);
		tacit_items_free(&it);
	}
	assert_int_equal(scan_xmp(&it, "", 0), TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
}

/*
 * Encode an ASCII string as UTF-16 or UTF-32, '^' standing for U+00E9
 * and '~' for U+1F600 (a surrogate pair in UTF-16).
 */
static void
encode_wide(struct buf *b, const char *s, size_t unit, int be, int bom)
{
	size_t n = strlen(s);

	if (bom) {
		n++;
		s--;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t cp = (bom && i == 0) ? 0xfeff : (unsigned char)s[i];
		uint32_t u[2];
		size_t k = 1;

		if (cp == '^')
			cp = 0xe9;
		if (cp == '~') {
			cp = 0x1f600;
			if (unit == 2) {
				u[0] = 0xd800 + ((cp - 0x10000) >> 10);
				u[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
				k = 2;
			}
		}
		if (k == 1)
			u[0] = cp;
		for (size_t j = 0; j < k; j++) {
			unsigned char q[4];

			for (size_t m = 0; m < unit; m++) {
				unsigned sh =
				    (unsigned)(be ? unit - 1 - m : m) * 8;

				q[m] = (unsigned char)(u[j] >> sh);
			}
			buf_add(b, q, unit);
		}
	}
}

static void
test_xmp_wide(void **state)
{
	static const char packet[] =
	    "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
	    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>"
	    "<rdf:Description exif:GPSLatitude='1,2N'>"
	    "<dc:title><rdf:Alt><rdf:li>caf^ ~</rdf:li></rdf:Alt></dc:title>"
	    "</rdf:Description></rdf:RDF></x:xmpmeta>";
	static const char *const want[] = {
		"XMP/exif:GPSLatitude=1,2N",
		"XMP/dc:title=caf\xc3\xa9 \xf0\x9f\x98\x80",
	};
	static const struct {
		size_t unit;
		int be, bom;
	} encs[] = {
		{ 2, 1, 0 },
		{ 2, 0, 0 },
		{ 2, 1, 1 },
		{ 2, 0, 1 },
		{ 4, 1, 0 },
		{ 4, 0, 0 },
		{ 4, 1, 1 },
		{ 4, 0, 1 },
	};
	struct tacit_items it;

	(void)state;
	for (size_t i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		struct buf b = { 0 };

		encode_wide(&b, packet, encs[i].unit, encs[i].be, encs[i].bom);
		assert_int_equal(scan_copy(&it, b.p, b.len, NULL, NULL),
		    TACIT_OK);
		expect_all(&it, want, 2);
		tacit_items_free(&it);
		/* Cut anywhere, odd lengths included: never past the end. */
		for (size_t k = 0; k < b.len; k++) {
			assert_int_equal(scan_copy(&it, b.p, k, NULL, NULL),
			    TACIT_OK);
			tacit_items_free(&it);
		}
		buf_free(&b);
	}
	/* A lone surrogate becomes '?', not invalid UTF-8. */
	{
		static const unsigned char lone[] = { 0, '<', 0, 'd', 0, 'c', 0,
			':', 0, 'x', 0, '>', 0xd8, 0x00, 0, 'a', 0xdc, 0x00, 0,
			'<', 0, '/', 0, 'd', 0, 'c', 0, ':', 0, 'x', 0, '>' };

		assert_int_equal(scan_copy(&it, lone, sizeof(lone), NULL, NULL),
		    TACIT_OK);
		expect(&it, "XMP", "dc:x", "?a?");
		tacit_items_free(&it);
	}
}

static void
test_xmp_hostile(void **state)
{
	static const char *const odd[] = {
		"<",
		"<<<<",
		"< dc:x>",
		"</>",
		"<>",
		"<!",
		"<!-",
		"<!--",
		"<![CDATA[",
		"<?",
		"<?x",
		"</dc:a",
		"<dc:a",
		"<dc:a ",
		"<dc:a b",
		"<dc:a b=",
		"<dc:a b= ",
		"<dc:a dc:b='",
		"<dc:a dc:b=\"x",
		"<dc:a/",
		"<dc:a>&",
		"<dc:a>&#",
		"<dc:a>&#x",
		"<dc:a>&amp",
		"<!DOCTYPE [[[",
		"]]>",
		"-->",
		"<dc:a dc:b=unquoted dc:c>",
		"<dc:a ==='x'>",
	};
	struct tacit_items it;
	struct buf b = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		assert_int_equal(scan_copy(&it, (const unsigned char *)odd[i],
				     strlen(odd[i]), NULL, NULL),
		    TACIT_OK);
		assert_true(it.n >= 1);
		tacit_items_free(&it);
	}

	/* An unterminated tag still lists what it held. */
	assert_int_equal(scan_str(&it,
			     "<rdf:Description dc:creator='Me' dc:rights"),
	    TACIT_OK);
	expect_all(&it, (const char *const[]){ "XMP/dc:creator=Me" }, 1);
	tacit_items_free(&it);

	/* A quote never closed swallows the rest: no tag inside counts. */
	assert_int_equal(scan_str(&it,
			     "<rdf:Description dc:creator='Me <dc:x>y</dc:x>"),
	    TACIT_OK);
	expect_all(&it,
	    (const char *const[]){ "XMP/dc:creator=Me <dc:x>y</dc:x>" }, 1);
	tacit_items_free(&it);

	/* A property cut short is still listed. */
	assert_int_equal(scan_str(&it,
			     "<rdf:Description><dc:creator><rdf:Seq><rdf:li>"),
	    TACIT_OK);
	expect_all(&it, (const char *const[]){ "XMP/dc:creator" }, 1);
	tacit_items_free(&it);

	/* Close tags that match nothing, or something further out. */
	assert_int_equal(
	    scan_str(&it,
		"</x:nothing><rdf:Description><dc:a>1</dc:b><dc:c>2</dc:c>"
		"<dc:d><dc:e></dc:d><dc:f>3</dc:f></rdf:Description></dc:zzz>"
		"</rdf:RDF></rdf:RDF>"),
	    TACIT_OK);
	expect_all(&it,
	    (const char *const[]){ "XMP/dc:a=1", "XMP/dc:c=2", "XMP/dc:d",
		"XMP/dc:e=", "XMP/dc:f=3" },
	    5);
	tacit_items_free(&it);

	/* 10k nested structural elements: one "packet", no deep stack. */
	for (int i = 0; i < 10000; i++)
		buf_str(&b, "<rdf:li>");
	buf_str(&b, "text");
	for (int i = 0; i < 10000; i++)
		buf_str(&b, "</rdf:li>");
	assert_int_equal(scan_copy(&it, b.p, b.len, NULL, NULL), TACIT_OK);
	expect_all(&it, (const char *const[]){ "XMP/packet" }, 1);
	tacit_items_free(&it);
	buf_free(&b);

	/* 10k nested properties: listed up to the item limit, then counted. */
	for (int i = 0; i < 10000; i++)
		buf_str(&b, "<dc:a x:y='1' dc:b='2'>");
	buf_str(&b, "text");
	for (int i = 0; i < 10000; i++)
		buf_str(&b, "</dc:a>");
	assert_int_equal(scan_copy(&it, b.p, b.len, NULL, NULL), TACIT_OK);
	assert_int_equal(it.n, TACIT_ITEMS_MAX);
	assert_true(it.dropped >= 1);
	tacit_items_free(&it);
	/* ... and unclosed. */
	assert_int_equal(scan_copy(&it, b.p, b.len / 2, NULL, NULL), TACIT_OK);
	assert_int_equal(it.n, TACIT_ITEMS_MAX);
	tacit_items_free(&it);
	buf_free(&b);

	/* A 1 MiB attribute and a 1 MiB text: values cut, marked "...". */
	buf_str(&b, "<rdf:Description dc:big='");
	for (int i = 0; i < 1 << 20; i++)
		buf_str(&b, (i & 1) ? "&amp;" : "x");
	buf_str(&b, "'><dc:text>");
	for (int i = 0; i < 1 << 20; i++)
		buf_str(&b, "y");
	buf_str(&b, "</dc:text></rdf:Description>");
	assert_int_equal(scan_copy(&it, b.p, b.len, NULL, NULL), TACIT_OK);
	assert_int_equal(it.n, 2);
	assert_string_equal(it.v[0].field, "dc:big");
	assert_true(strlen(it.v[0].value) < 2048);
	assert_memory_equal(it.v[0].value, "x&x&", 4);
	assert_string_equal(it.v[0].value + strlen(it.v[0].value) - 3, "...");
	assert_string_equal(it.v[1].field, "dc:text");
	assert_true(strlen(it.v[1].value) < 2048);
	assert_string_equal(it.v[1].value + strlen(it.v[1].value) - 3, "...");
	tacit_items_free(&it);
	buf_free(&b);

	/* A name longer than a field is cut, not overflowed. */
	buf_str(&b, "<dc:");
	for (int i = 0; i < 5000; i++)
		buf_str(&b, "N");
	buf_str(&b, ">v</dc:x>");
	assert_int_equal(scan_copy(&it, b.p, b.len, NULL, NULL), TACIT_OK);
	assert_int_equal(it.n, 1);
	assert_int_equal(strlen(it.v[0].field), sizeof(it.v[0].field) - 1);
	assert_memory_equal(it.v[0].field, "dc:NNN", 6);
	tacit_items_free(&it);
	buf_free(&b);
}

static void
test_xmp_item_limit(void **state)
{
	struct tacit_items it;
	struct buf b = { 0 };
	char attr[32];

	(void)state;
	buf_str(&b, "<rdf:Description");
	for (int i = 0; i < 5000; i++) {
		snprintf(attr, sizeof(attr), " dc:a%d='%d'", i, i);
		buf_str(&b, attr);
	}
	buf_str(&b, "/>");
	assert_int_equal(scan_copy(&it, b.p, b.len, NULL, NULL), TACIT_OK);
	assert_int_equal(it.n, TACIT_ITEMS_MAX);
	assert_true(it.dropped >= 1);
	expect(&it, "XMP", "dc:a4095", "4095");
	tacit_items_free(&it);

	/* A list already full: nothing added, the drop counted, no "packet". */
	tacit_items_init(&it, 0);
	for (int i = 0; i < TACIT_ITEMS_MAX; i++)
		assert_int_equal(tacit_items_add(&it, "EXIF", "Make", NULL, 0),
		    TACIT_OK);
	assert_int_equal(tacit_xmp_scan(b.p, b.len, &it), TACIT_OK);
	assert_int_equal(it.n, TACIT_ITEMS_MAX);
	assert_int_equal(it.dropped, 1);
	tacit_items_free(&it);
	buf_free(&b);
}

/* Every prefix of a packet: no crash, no read past len, never invisible. */
static void
test_xmp_truncation(void **state)
{
	const char *const packets[] = { attr_packet, elem_packet };
	struct tacit_items it;

	(void)state;
	for (size_t j = 0; j < 2; j++) {
		size_t len = strlen(packets[j]);

		for (size_t k = 0; k <= len; k++) {
			assert_int_equal(scan_copy(&it,
					     (const unsigned char *)packets[j],
					     k, NULL, NULL),
			    TACIT_OK);
			assert_true(k == 0 ? it.n == 0 : it.n >= 1);
			tacit_items_free(&it);
		}
	}
}

/* An 8BIM resource; claimed is the size written in the header. */
static void
ps_res(struct buf *b, const char *sig, uint32_t id, const char *name,
    const void *data, uint32_t size, uint32_t claimed)
{
	size_t nl = strlen(name);

	buf_add(b, sig, 4);
	buf_be16(b, id);
	buf_byte(b, (unsigned)nl);
	buf_add(b, name, nl);
	if ((1 + nl) & 1)
		buf_byte(b, 0);
	buf_be32(b, claimed);
	buf_add(b, data, size);
	if (size & 1)
		buf_byte(b, 0);
}

/* An IIM dataset with a plain 2-byte size. */
static void
iim_ds(struct buf *b, unsigned rec, unsigned ds, const char *v, size_t n)
{
	buf_byte(b, 0x1c);
	buf_byte(b, rec);
	buf_byte(b, ds);
	buf_be16(b, (uint32_t)n);
	buf_add(b, v, n);
}

static void
iim_sample(struct buf *b)
{
	iim_ds(b, 1, 90, "\x1b%G", 3);
	iim_ds(b, 1, 0, "\x00\x04", 2);
	iim_ds(b, 1, 20, "env", 3);
	iim_ds(b, 2, 0, "\x00\x02", 2);
	iim_ds(b, 2, 80, "Me", 2);
	iim_ds(b, 2, 25, "one", 3);
	iim_ds(b, 2, 25, "two", 3);
	iim_ds(b, 2, 90, "Kingston", 8);
	iim_ds(b, 2, 221, "0:0:0", 5);
	iim_ds(b, 3, 10, "", 0);
	/* Caption-Abstract with an extended (4-byte) size. */
	buf_str(b, "\x1c\x02\x78\x80\x04");
	buf_be32(b, 5);
	buf_str(b, "hello");
	/* ... and with a 2-byte one. */
	buf_str(b, "\x1c\x02\x74\x80\x02");
	buf_be16(b, 4);
	buf_str(b, "(c)x");
}

static const char *const iim_want[] = {
	"IPTC/Envelope 1:90=.%G",
	"IPTC/Envelope 1:00=4",
	"IPTC/Envelope 1:20=env",
	"IPTC/ApplicationRecordVersion=2",
	"IPTC/By-line=Me",
	"IPTC/Keywords=one",
	"IPTC/Keywords=two",
	"IPTC/City=Kingston",
	"IPTC/2:221=0:0:0",
	"IPTC/3:10=",
	"IPTC/Caption-Abstract=hello",
	"IPTC/CopyrightNotice=(c)x",
};

static void
test_iim(void **state)
{
	struct tacit_items it;
	struct tacit_err e = { { 0 } };
	struct buf b = { 0 };

	(void)state;
	iim_sample(&b);
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_iim, &e),
	    TACIT_OK);
	expect_all(&it, iim_want, sizeof(iim_want) / sizeof(iim_want[0]));
	tacit_items_free(&it);

	/* Padding zeros at the end stop the walk cleanly. */
	buf_add(&b, "\0\0\0\0\0", 5);
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_iim, &e),
	    TACIT_OK);
	assert_int_equal(it.n, sizeof(iim_want) / sizeof(iim_want[0]));
	tacit_items_free(&it);
	/* ... but not anything after them. */
	buf_byte(&b, 0x1c);
	e.msg[0] = '\0';
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_iim, &e),
	    TACIT_EFORMAT);
	assert_true(e.msg[0] != '\0');
	tacit_items_free(&it);
	buf_free(&b);

	/* Empty is fine. */
	assert_int_equal(scan_copy(&it, NULL, 0, tacit_iptc_scan_iim, &e),
	    TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
}

static void
test_iim_charset(void **state)
{
	struct tacit_items it;
	struct tacit_err e = { { 0 } };
	struct buf b = { 0 };
	char big[600];

	(void)state;
	/* No character set declared: Latin-1 bytes become UTF-8. */
	iim_ds(&b, 2, 116, "\xa9 2020 J\xf6rg", 11);
	iim_ds(&b, 2, 80, "J\xc3\xb6rg", 5); /* already UTF-8: kept */
	memset(big, 0xe9, sizeof(big));
	iim_ds(&b, 2, 120, big, sizeof(big));
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_iim, &e),
	    TACIT_OK);
	expect(&it, "IPTC", "CopyrightNotice", "\xc2\xa9 2020 J\xc3\xb6rg");
	expect(&it, "IPTC", "By-line", "J\xc3\xb6rg");
	assert_non_null(nth(&it, "IPTC", "Caption-Abstract", 0));
	assert_memory_equal(nth(&it, "IPTC", "Caption-Abstract", 0)->value,
	    "\xc3\xa9\xc3\xa9", 4);
	tacit_items_free(&it);
	buf_free(&b);

	/* Declared UTF-8: invalid bytes are not reinterpreted. */
	iim_ds(&b, 1, 90, "\x1b%G", 3);
	iim_ds(&b, 2, 116, "\xa9 Me", 4);
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_iim, &e),
	    TACIT_OK);
	expect(&it, "IPTC", "CopyrightNotice", ". Me");
	tacit_items_free(&it);
	buf_free(&b);
}

static void
test_iim_malformed(void **state)
{
	static const struct {
		const char *p;
		size_t len;
	} bad[] = {
		{ "\x1d\x02\x50\x00\x00", 5 }, /* bad marker */
		{ "x", 1 },
		{ "\x1c\x02\x50\x00", 4 }, /* short header */
		{ "\x1c\x02\x50\x00\x03Me", 7 }, /* size past end */
		{ "\x1c\x02\x50\xff\xff", 5 },
		{ "\x1c\x02\x50\x80\x00", 5 }, /* extended, 0 bytes */
		{ "\x1c\x02\x50\x80\x05\0\0\0\0\x01x", 11 }, /* 5 bytes */
		{ "\x1c\x02\x50\xff\xff\0\0\0\0\x01x", 11 },
		{ "\x1c\x02\x50\x80\x04\0\0", 7 }, /* size cut */
		{ "\x1c\x02\x50\x80\x04\xff\xff\xff\xff"
		  "abc",
		    12 },
		{ "\x1c\x02\x50\x80\x02\x00\x04"
		  "abc",
		    10 },
		{ "\x1c\x02\x50\x00\x01M\x00\x00\x1c", 9 },
		{ "\x1c\x02\x50\x00\x01M\x00\x01", 8 },
	};
	struct tacit_items it;
	struct tacit_err e;
	struct buf b = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		if (scan_copy(&it, (const unsigned char *)bad[i].p, bad[i].len,
			tacit_iptc_scan_iim, &e) != TACIT_EFORMAT)
			fail_msg("case %zu accepted", i);
		assert_true(e.msg[0] != '\0');
		tacit_items_free(&it);
	}
	/* Cut at every offset: OK at dataset boundaries, EFORMAT inside. */
	iim_sample(&b);
	for (size_t k = 0; k <= b.len; k++) {
		int rc = scan_copy(&it, b.p, k, tacit_iptc_scan_iim, &e);

		assert_true(rc == TACIT_OK || rc == TACIT_EFORMAT);
		tacit_items_free(&it);
	}
	buf_free(&b);
}

static void
photoshop_sample(struct buf *b)
{
	struct buf iim = { 0 };
	static const char xmp[] = "<rdf:Description photoshop:City='Paris'/>";

	iim_ds(&iim, 2, 80, "Me", 2);
	iim_ds(&iim, 2, 90, "Kingston", 8);
	ps_res(b, "8BIM", 0x0404, "", iim.p, (uint32_t)iim.len,
	    (uint32_t)iim.len);
	ps_res(b, "8BIM", 0x0425, "a", "0123456789abcdef", 16, 16);
	ps_res(b, "8BIM", 0x03ed, "ab", "0123456789abcdef", 16, 16);
	ps_res(b, "8BIM", 0x1234, "odd", "abc", 3, 3);
	ps_res(b, "8BIM", 0x040b, "", "http://x", 8, 8);
	ps_res(b, "PHUT", 0x0409, "", "", 0, 0);
	ps_res(b, "8BIM", 0x0424, "", xmp, sizeof(xmp) - 1, sizeof(xmp) - 1);
	buf_free(&iim);
}

static const char *const photoshop_want[] = {
	"IPTC/By-line=Me",
	"IPTC/City=Kingston",
	"Photoshop/IPTCDigest",
	"Photoshop/ResolutionInfo",
	"Photoshop/resource-0x1234",
	"Photoshop/URL=http://x",
	"Photoshop/Thumbnail",
	"Photoshop/XMP",
	"XMP/photoshop:City=Paris",
};

static void
test_photoshop(void **state)
{
	struct tacit_items it;
	struct tacit_err e = { { 0 } };
	struct buf b = { 0 };
	size_t n = sizeof(photoshop_want) / sizeof(photoshop_want[0]);

	(void)state;
	photoshop_sample(&b);
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_photoshop,
			     &e),
	    TACIT_OK);
	expect_all(&it, photoshop_want, n);
	tacit_items_free(&it);

	/* Trailing zeros are padding. */
	buf_add(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 17);
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_photoshop,
			     &e),
	    TACIT_OK);
	assert_int_equal(it.n, n);
	tacit_items_free(&it);
	buf_free(&b);

	/* An odd-sized last resource may lack its pad byte. */
	ps_res(&b, "8BIM", 0x0bb7, "", "abc", 3, 3);
	b.len--;
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_photoshop,
			     &e),
	    TACIT_OK);
	expect_all(&it, (const char *const[]){ "Photoshop/ClippingPathName" },
	    1);
	tacit_items_free(&it);
	buf_free(&b);

	/* An empty IPTC resource is still listed. */
	ps_res(&b, "8BIM", 0x0404, "", "", 0, 0);
	assert_int_equal(scan_copy(&it, b.p, b.len, tacit_iptc_scan_photoshop,
			     &e),
	    TACIT_OK);
	expect_all(&it, (const char *const[]){ "Photoshop/IPTC" }, 1);
	tacit_items_free(&it);
	buf_free(&b);

	assert_int_equal(scan_copy(&it, NULL, 0, tacit_iptc_scan_photoshop, &e),
	    TACIT_OK);
	assert_int_equal(it.n, 0);
	tacit_items_free(&it);
}

static void
expect_ps_eformat(const struct buf *b)
{
	struct tacit_items it;
	struct tacit_err e;

	e.msg[0] = '\0';
	assert_int_equal(scan_copy(&it, b->p, b->len, tacit_iptc_scan_photoshop,
			     &e),
	    TACIT_EFORMAT);
	assert_true(e.msg[0] != '\0');
	tacit_items_free(&it);
}

static void
test_photoshop_malformed(void **state)
{
	struct tacit_items it;
	struct tacit_err e;
	struct buf b = { 0 };

	(void)state;
	/* Sizes that lie by one, by a lot, by the largest amount. */
	ps_res(&b, "8BIM", 0x0425, "", "0123456789abcdef", 16, 17);
	expect_ps_eformat(&b);
	buf_free(&b);
	ps_res(&b, "8BIM", 0x0425, "", "0123456789abcdef", 16, 0x7fffffff);
	expect_ps_eformat(&b);
	buf_free(&b);
	ps_res(&b, "8BIM", 0x0425, "", "0123456789abcdef", 16, 0xffffffff);
	expect_ps_eformat(&b);
	buf_free(&b);

	/* A second resource whose size lies after a good one. */
	ps_res(&b, "8BIM", 0x0425, "", "0123456789abcdef", 16, 16);
	ps_res(&b, "8BIM", 0x0426, "", "01234567", 8, 9);
	expect_ps_eformat(&b);
	buf_free(&b);

	/* Unknown signature. */
	ps_res(&b, "8BIX", 0x0425, "", "0123", 4, 4);
	expect_ps_eformat(&b);
	buf_free(&b);

	/* A name length running past the end. */
	buf_str(&b, "8BIM\x04\x25\xff");
	buf_add(&b, "abcdefgh", 8);
	expect_ps_eformat(&b);
	buf_free(&b);

	/* Odd name padding missing: the size is read one byte early. */
	buf_str(&b,
	    "8BIM\x04\x25\x02"
	    "ab");
	buf_be32(&b, 4);
	buf_str(&b, "wxyz");
	expect_ps_eformat(&b);
	buf_free(&b);

	/* Trailing garbage that is not padding. */
	ps_res(&b, "8BIM", 0x0425, "", "0123", 4, 4);
	buf_add(&b, "\0\0\x01", 3);
	expect_ps_eformat(&b);
	buf_free(&b);

	/* Malformed IIM inside 0x0404 fails the block. */
	ps_res(&b, "8BIM", 0x0404, "", "\x1c\x02\x50\x00\x09Me", 7, 7);
	expect_ps_eformat(&b);
	buf_free(&b);

	/* Cut at every offset: OK or EFORMAT, never past the end. */
	photoshop_sample(&b);
	for (size_t k = 0; k <= b.len; k++) {
		int rc = scan_copy(&it, b.p, k, tacit_iptc_scan_photoshop, &e);

		assert_true(rc == TACIT_OK || rc == TACIT_EFORMAT);
		tacit_items_free(&it);
	}
	/* Every size field off by one either way: never past the end. */
	for (size_t k = 0; k + 4 <= b.len; k++) {
		if (memcmp(b.p + k, "8BIM", 4) != 0)
			continue;
		for (int d = -1; d <= 1; d += 2) {
			size_t nl = ((size_t)b.p[k + 6] + 2) & ~(size_t)1;
			unsigned char *sz = b.p + k + 6 + nl;
			uint32_t v = (uint32_t)sz[0] << 24 |
			    (uint32_t)sz[1] << 16 | (uint32_t)sz[2] << 8 |
			    sz[3];
			uint32_t w = v + (uint32_t)d;

			sz[0] = (unsigned char)(w >> 24);
			sz[1] = (unsigned char)(w >> 16);
			sz[2] = (unsigned char)(w >> 8);
			sz[3] = (unsigned char)w;
			(void)scan_copy(&it, b.p, b.len,
			    tacit_iptc_scan_photoshop, &e);
			tacit_items_free(&it);
			sz[0] = (unsigned char)(v >> 24);
			sz[1] = (unsigned char)(v >> 16);
			sz[2] = (unsigned char)(v >> 8);
			sz[3] = (unsigned char)v;
		}
	}
	buf_free(&b);
}

/* The JPEG segments of interest, read with a walker of our own. */
struct jpeg_parts {
	struct buf xmp, photoshop, ext;
	size_t ext_total;
};

static int
read_jpeg(const char *path, struct jpeg_parts *jp)
{
	static const char id_xmp[] = "http://ns.adobe.com/xap/1.0/";
	static const char id_ext[] = "http://ns.adobe.com/xmp/extension/";
	static const char id_ps[] = "Photoshop 3.0";
	unsigned char *d;
	FILE *f = fopen(path, "rb");
	long size;
	size_t i = 2;

	memset(jp, 0, sizeof(*jp));
	if (f == NULL)
		return -1;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 4);
	rewind(f);
	d = malloc((size_t)size);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	while (i + 4 <= (size_t)size && d[i] == 0xff && d[i + 1] != 0xda) {
		size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
		const unsigned char *p = d + i + 4;
		size_t n = seg - 2;

		assert_true(i + 2 + seg <= (size_t)size);
		if (d[i + 1] == 0xe1 && n > sizeof(id_xmp) &&
		    memcmp(p, id_xmp, sizeof(id_xmp)) == 0) {
			buf_add(&jp->xmp, p + sizeof(id_xmp),
			    n - sizeof(id_xmp));
		} else if (d[i + 1] == 0xe1 && n > sizeof(id_ext) + 40 &&
		    memcmp(p, id_ext, sizeof(id_ext)) == 0) {
			/* GUID(32) total(4) offset(4) chunk */
			const unsigned char *q = p + sizeof(id_ext) + 32;
			size_t total =
			    (size_t)q[0] << 24 | q[1] << 16 | q[2] << 8 | q[3];
			size_t off =
			    (size_t)q[4] << 24 | q[5] << 16 | q[6] << 8 | q[7];
			size_t len = n - sizeof(id_ext) - 40;

			if (jp->ext.cap < total) {
				jp->ext.p = realloc(jp->ext.p, total);
				assert_non_null(jp->ext.p);
				jp->ext.cap = total;
			}
			assert_true(off + len <= total);
			memcpy(jp->ext.p + off, q + 8, len);
			jp->ext_total += len;
			jp->ext.len = total;
		} else if (d[i + 1] == 0xed && n > sizeof(id_ps) &&
		    memcmp(p, id_ps, sizeof(id_ps)) == 0) {
			buf_add(&jp->photoshop, p + sizeof(id_ps),
			    n - sizeof(id_ps));
		}
		i += 2 + seg;
	}
	free(d);
	return 0;
}

static void
jpeg_parts_free(struct jpeg_parts *jp)
{
	buf_free(&jp->xmp);
	buf_free(&jp->photoshop);
	buf_free(&jp->ext);
}

/*
 * ExifTool's sample files, checked against what `exiftool -a -G1
 * -XMP:all -IPTC:all` lists.  ExifTool also shows x:xmptk and rdf:about,
 * which are structure here, and flattens structs (JobRefName), where we
 * list the struct and its member.
 */
static void
test_real_files(void **state)
{
	struct jpeg_parts jp;
	struct tacit_items it;
	struct tacit_err e = { { 0 } };

	(void)state;
	if (read_jpeg(TESTDATA "XMP.jpg", &jp) != 0)
		skip();
	/* UTF-16BE XMP */
	assert_int_equal(scan_copy(&it, jp.xmp.p, jp.xmp.len, NULL, NULL),
	    TACIT_OK);
	assert_int_equal(it.n, 24);
	expect(&it, "XMP", "dc:creator", "Phil Harvey");
	expect(&it, "XMP", "dc:description", "UTF-16 (big-endian) encoded XMP");
	expect(&it, "XMP", "dc:subject", "ExifTool");
	expect(&it, "XMP", "photoshop:City", "Kingston");
	expect(&it, "XMP", "photoshop:Source", "I'm the source");
	expect(&it, "XMP", "xapBJ:JobRef", NULL);
	expect(&it, "XMP", "stJob:name", "My Job");
	expect(&it, "XMP", "xapMM:DocumentID",
	    "adobe:docid:photoshop:4cc7b857-69d0-11d8-8ac4-bb59c92f0d9a");
	expect(&it, "XMP", "xapRights:WebStatement", "https://exiftool.org/");
	tacit_items_free(&it);
	jpeg_parts_free(&jp);

	assert_int_equal(read_jpeg(TESTDATA "IPTC.jpg", &jp), 0);
	assert_int_equal(scan_copy(&it, jp.photoshop.p, jp.photoshop.len,
			     tacit_iptc_scan_photoshop, &e),
	    TACIT_OK);
	/* 20 tags, Keywords and SupplementalCategories three times each */
	assert_int_equal(count(&it, "IPTC", NULL), 24);
	assert_int_equal(count(&it, "IPTC", "Keywords"), 3);
	assert_int_equal(count(&it, "IPTC", "SupplementalCategories"), 3);
	assert_string_equal(nth(&it, "IPTC", "Keywords", 2)->value, "IPTC");
	expect(&it, "IPTC", "ApplicationRecordVersion", "2");
	expect(&it, "IPTC", "Caption-Abstract", "A witty caption");
	expect(&it, "IPTC", "By-line", "Phil Harvey");
	expect(&it, "IPTC", "DateCreated", "20040226");
	expect(&it, "IPTC", "Province-State", "Ont");
	expect(&it, "IPTC", "Country-PrimaryLocationName", "Canada");
	expect(&it, "IPTC", "CopyrightNotice", "Copyright 2004 Phil Harvey");
	expect(&it, "IPTC", "Urgency", "8");
	expect(&it, "Photoshop", "IPTCDigest", NULL);
	expect(&it, "Photoshop", "ResolutionInfo", NULL);
	expect(&it, "Photoshop", "URL", "https://exiftool.org/");
	assert_int_equal(count(&it, "Photoshop", NULL), 19);
	tacit_items_free(&it);
	jpeg_parts_free(&jp);

	assert_int_equal(read_jpeg(TESTDATA "PhotoMechanic.jpg", &jp), 0);
	assert_int_equal(scan_copy(&it, jp.xmp.p, jp.xmp.len, NULL, NULL),
	    TACIT_OK);
	assert_int_equal(it.n, 25);
	expect(&it, "XMP", "Iptc4xmpCore:CountryCode", "COD");
	expect(&it, "XMP", "photoshop:SupplementalCategories", "Supp Cat 1");
	expect(&it, "XMP", "photomechanic:TimeCreated", "062751-0500");
	expect(&it, "XMP", "dc:rights", "Copyright");
	tacit_items_free(&it);
	assert_int_equal(scan_copy(&it, jp.photoshop.p, jp.photoshop.len,
			     tacit_iptc_scan_photoshop, &e),
	    TACIT_OK);
	assert_int_equal(count(&it, "IPTC", NULL), 27);
	expect(&it, "IPTC", "ApplicationRecordVersion", "3");
	expect(&it, "IPTC", "TimeCreated", "062751-0500");
	expect(&it, "IPTC", "Country-PrimaryLocationCode", "COD");
	expect(&it, "IPTC", "EditStatus", "Edit Status");
	expect(&it, "IPTC", "2:221", "0:0:0:-00001");
	expect(&it, "Photoshop", "ResolutionInfo", NULL);
	tacit_items_free(&it);
	jpeg_parts_free(&jp);

	assert_int_equal(read_jpeg(TESTDATA "ExtendedXMP.jpg", &jp), 0);
	assert_int_equal(scan_copy(&it, jp.xmp.p, jp.xmp.len, NULL, NULL),
	    TACIT_OK);
	expect_all(&it,
	    (const char *const[]){
		"XMP/xmpNote:HasExtendedXMP=04B9E48040A30A6308713BD1E4223B41" },
	    1);
	tacit_items_free(&it);
	assert_int_equal(jp.ext_total, jp.ext.len);
	assert_int_equal(scan_copy(&it, jp.ext.p, jp.ext.len, NULL, NULL),
	    TACIT_OK);
	assert_int_equal(it.n, 6);
	expect(&it, "XMP", "pdf:Author", "PhilToo");
	expect(&it, "XMP", "pdf:CreationDate", "2008-10-20T19:54:15");
	expect(&it, "XMP", "pdf:Producer", "Just ExifTool again");
	tacit_items_free(&it);
	jpeg_parts_free(&jp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xmp_attributes),
		cmocka_unit_test(test_xmp_elements),
		cmocka_unit_test(test_xmp_entities),
		cmocka_unit_test(test_xmp_markup),
		cmocka_unit_test(test_xmp_packet_fallback),
		cmocka_unit_test(test_xmp_wide),
		cmocka_unit_test(test_xmp_hostile),
		cmocka_unit_test(test_xmp_item_limit),
		cmocka_unit_test(test_xmp_truncation),
		cmocka_unit_test(test_iim),
		cmocka_unit_test(test_iim_charset),
		cmocka_unit_test(test_iim_malformed),
		cmocka_unit_test(test_photoshop),
		cmocka_unit_test(test_photoshop_malformed),
		cmocka_unit_test(test_real_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
