#!/usr/bin/env python3
"""kpipe — hostile PDFs for the catalogue (tests/catalogue.sh), written by a
small PDF writer so that no such file needs committing. Each is one page,
small on disk and costly to draw; the catalogue lays each over a fixture's
page (qpdf --overlay) or reads it alone.

Usage: python3 tests/hostile.py DIR    (writes DIR/NAME.pdf for each NAME)
"""
import os
import sys
import zlib

PAGE = "0 0 842 595"  # A4 landscape, as the fixtures print


def pdf(objects):
    """A PDF of OBJECTS (bytes, object 1 the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary, data, deflate=True):
    if deflate:
        data = zlib.compress(data, 9)
        dictionary += b" /Filter /FlateDecode"
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def deflated_zeros(size):
    """SIZE zero bytes, deflated chunk by chunk (never all in memory)."""
    z = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [z.compress(chunk) for _ in range(size >> 20)]
    parts.append(z.compress(bytes(size & ((1 << 20) - 1))))
    parts.append(z.flush())
    return b"".join(parts)


def page_with(content, resources):
    """Objects 1-3 (catalog, pages, page) and 4 (its content)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Resources %s /Contents 4 0 R >>"
        % (PAGE.encode(), resources),
        stream(b"", content),
    ]


def image_bomb():
    """A 20,000 × 20,000 RGB image (1.2 GB decoded, about 1 MB deflated),
    drawn across the page."""
    side = 20000
    data = deflated_zeros(side * side * 3)
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
             b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data))
             + data + b"\nendstream")
    return pdf(page_with(b"q 842 0 0 595 0 0 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>")
               + [image])


def font_bomb():
    """A TrueType font program of 1 GB of zeros (about 1 MB deflated) used by
    a line of text."""
    data = deflated_zeros(1 << 30)
    font_file = (b"<< /Length1 %d /Filter /FlateDecode /Length %d >>\nstream\n" % (1 << 30, len(data))
                 + data + b"\nendstream")
    return pdf(page_with(b"BT /F1 12 Tf 20 20 Td (kpipe) Tj ET", b"<< /Font << /F1 5 0 R >> >>") + [
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126"
        b" /Widths [%s] /FontDescriptor 6 0 R >>" % b" ".join([b"500"] * 95),
        b"<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000]"
        b" /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 7 0 R >>",
        font_file,
    ])


def type3_strokes():
    """A Type 3 font whose 95 glyphs each draw the same 100,000 strokes
    (one stream), every glyph shown at 20 sizes: 1,900 glyph images."""
    strokes = b"".join(b"%d %d m %d %d l\n" % (i % 1000, i % 997, (i * 7) % 1000, (i * 13) % 1000)
                       for i in range(100000)) + b"S\n"
    glyph = stream(b"", b"1000 0 d0\n" + strokes)
    codes = bytes(range(32, 127)).replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    text = b"".join(b"BT /T3 %d Tf 20 %d Td (%s) Tj ET\n" % (4 + size, 20 + 25 * size, codes)
                    for size in range(20))
    names = b" ".join(b"/g%d" % c for c in range(32, 127))
    procs = b" ".join(b"/g%d 6 0 R" % c for c in range(32, 127))
    return pdf(page_with(text, b"<< /Font << /T3 5 0 R >> >>") + [
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0]"
        b" /CharProcs << %s >> /Encoding << /Type /Encoding /Differences [32 %s] >>"
        b" /FirstChar 32 /LastChar 126 /Widths [%s] /Resources << >> >>"
        % (procs, names, b" ".join([b"1000"] * 95)),
        glyph,
    ])


def nested_forms():
    """Forms nested 40 deep, each drawing the one below twice: 2^40 squares."""
    depth = 40
    first = 5
    forms = [stream(b"/Type /XObject /Subtype /Form /BBox [0 0 842 595]", b"0 0 1 1 re f", False)]
    for level in range(1, depth + 1):
        forms.append(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 842 595]"
                            b" /Resources << /XObject << /F %d 0 R >> >>" % (first + level - 1),
                            b"/F Do 0.5 0 0 0.5 1 1 cm /F Do", False))
    return pdf(page_with(b"/F Do", b"<< /XObject << /F %d 0 R >> >>" % (first + depth)) + forms)


MAKERS = {
    "image-bomb": image_bomb,
    "font-bomb": font_bomb,
    "type3-strokes": type3_strokes,
    "nested-forms": nested_forms,
}

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    for name, make in MAKERS.items():
        with open(os.path.join(sys.argv[1], name + ".pdf"), "wb") as f:
            f.write(make())
