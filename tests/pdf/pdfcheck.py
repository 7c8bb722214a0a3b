"""Reading rendered PDFs back: text per page, the fonts used to draw each piece of text, and whether an
embedded font subset really has an outline for a character (a missing one prints as a box)."""
import io
import re

from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def full_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def drawn_fonts(pdf: bytes) -> dict[str, set[str]]:
    """For every character drawn, the BaseFont names of the fonts it was drawn with."""
    used: dict[str, set[str]] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if font_dict is None or not text.strip():
            return
        for char in text:
            used.setdefault(char, set()).add(str(font_dict["/BaseFont"]))

    for page in reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return used


def _to_unicode(font) -> dict[str, int]:
    """character -> code in this (simple, one-byte) font, from its ToUnicode CMap."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for code, uni in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", data):
        if int(uni, 16):
            mapping[chr(int(uni, 16))] = int(code, 16)
    return mapping


def embedded_truetype_fonts(pdf: bytes) -> list:
    fonts = {}
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") == "/TrueType" and "/FontFile2" in font["/FontDescriptor"].get_object():
                fonts[font.indirect_reference.idnum] = font
    return list(fonts.values())


def glyph_outline_for(pdf: bytes, char: str) -> list[str]:
    """BaseFont names of embedded subsets that map ``char`` to a glyph with an outline (not .notdef)."""
    found = []
    for font in embedded_truetype_fonts(pdf):
        code = _to_unicode(font).get(char)
        if code is None:
            continue
        data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        subset = TTFontFile(io.BytesIO(data))
        glyph = subset.charToGlyph.get(code, 0)
        if glyph and subset.glyphPos[glyph + 1] > subset.glyphPos[glyph]:
            found.append(str(font["/BaseFont"]))
    return found


def image_count(pdf: bytes) -> int:
    count = 0
    for page in reader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count
