"""render_invoice_pdf: what the PDF says, that every letter is drawn, page numbers, the reduced variant,
failures as InvoicePdfError, and repeated renders in one process."""
import re
import time

import pytest
from django.template import TemplateSyntaxError
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from exports.catalogue import ENGINE
from exports.pdf import fonts, render
from exports.pdf.render import InvoicePdfError, pdf_filename, render_invoice_pdf
from tests.pdf import pdfcheck
from tests.pdf.conftest import NORDIC_LETTERS, make_long_invoice

pytestmark = pytest.mark.django_db


def plain(text: str) -> str:
    """Extracted text with no-break spaces as spaces and runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_pdf_shows_number_dates_total_and_nordic_names(demo_invoice):
    text = plain(pdfcheck.full_text(render_invoice_pdf(demo_invoice)))

    assert str(demo_invoice.number) in text
    # 824.85 at 24 % (VAT 197.96) + 350.00 at 0 %, as accounting.services.invoices computes it.
    assert "1 372.81" in text
    assert "04.12.2026" in text and "20.11.2026" in text
    for name in ("Jääkülma Õunad & Šampanja Žiletid OÜ", "Õismäe tee 4", "Tallinna Külmaveod OÜ",
                 "Søren Ødegård", "Kølevogn Ærø–Næstved", "Åsa Öberg", "Ootetasu Põltsamaa",
                 "Šarlote Žukauskienė", "Ostutellimus Nr 55 / Märt"):
        assert name in text, name


def test_pdf_shows_issuer_payment_details_and_vat_specification(demo_invoice):
    text = plain(pdfcheck.full_text(render_invoice_pdf(demo_invoice)))

    assert "EE38 2200 2210 2014 5685" in text and "HABAEE2X" in text
    assert "Corporate ID 10137025" in text and "VAT no. EE100247019" in text
    assert "Reference number 70 00011" in text  # Finnish grouping: the office's OCR type is Finnish
    assert "14 days" in text
    assert "24 % 824.85 197.96 1 022.81" in text
    assert "0 % (intra-EU supply) 350.00 0.00 350.00" in text
    assert 'Order: 262 sender ref. "Jüri Kaškel" receiver ref. "Šarlote Žukauskienė"' in text


@pytest.mark.parametrize("reduced", [False, True], ids=["normal", "reduced"])
def test_every_nordic_letter_is_drawn_with_an_embedded_glyph(demo_invoice, reduced):
    pdf = render_invoice_pdf(demo_invoice, reduced=reduced)
    drawn = pdfcheck.drawn_fonts(pdf)
    text = pdfcheck.full_text(pdf)

    for letter in NORDIC_LETTERS:
        assert letter in text, f"{letter} does not round-trip through the PDF text"
        assert drawn[letter] and all("OpenSans" in font for font in drawn[letter]), (letter, drawn[letter])
        assert pdfcheck.glyph_outline_for(pdf, letter), f"no outline for {letter} in the embedded subset"


def test_the_font_files_cover_estonian_finnish_swedish_danish_and_baltic_letters():
    letters = NORDIC_LETTERS + "ĀāĒēĪīŪūĻļĶķŅņĢģČčĖėĘęĮįŲų€–"
    for variant in (False, True):
        for face in fonts.font_set(reduced=variant).faces:
            cmap = TTFont(f"coverage-{face.asset}", str(face.path)).face.charToGlyph
            assert [c for c in letters if ord(c) not in cmap] == [], face.path


def test_a_300_line_invoice_numbers_every_page_and_repeats_the_header(db):
    invoice = make_long_invoice(300)

    started, cpu_started = time.perf_counter(), time.process_time()
    pdf = render_invoice_pdf(invoice)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    pages = [plain(text) for text in pdfcheck.page_texts(pdf)]
    print(f"\n300 lines: {len(pages)} pages, {elapsed:.2f} s ({cpu:.2f} s CPU), {len(pdf) // 1024} KiB")

    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in text
        assert f"No. {invoice.number}" in text  # the masthead on every page
        assert "Description Quantity Unit Unit price VAT Amount" in text  # the column heads repeat
    assert "Transport Pärnu–Tartu day 300" in " ".join(pages)
    # Net 100.00 + 101.00 + ... + 399.00 = 74 850.00, VAT 24 % = 17 964.00.
    assert "Total EUR 92 814.00" in pages[-1]


def test_the_reduced_pdf_is_smaller_has_the_same_text_and_one_regular_face(demo_invoice):
    normal = render_invoice_pdf(demo_invoice)
    reduced = render_invoice_pdf(demo_invoice, reduced=True)
    print(f"\ndemo invoice: normal {len(normal)} bytes, reduced {len(reduced)} bytes")

    assert len(reduced) <= 0.7 * len(normal)  # "Reduce PDF file size" saves at least 30 %
    assert plain(pdfcheck.full_text(reduced)).split() == plain(pdfcheck.full_text(normal)).split()
    normal_faces = {str(f["/BaseFont"]).split("+")[-1] for f in pdfcheck.embedded_truetype_fonts(normal)}
    reduced_faces = {str(f["/BaseFont"]).split("+")[-1] for f in pdfcheck.embedded_truetype_fonts(reduced)}
    assert {"OpenSans-Regular", "OpenSans-Bold", "OpenSans-Italic"} <= normal_faces
    assert reduced_faces == {"OpenSans-Regular"}


def test_a_template_error_raises_the_catalogue_message_with_its_cause(demo_invoice, settings, tmp_path,
                                                                      monkeypatch):
    (tmp_path / "broken.html").write_text("<html><body>{% if %}{% endif %}</body></html>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    monkeypatch.setattr(render, "TEMPLATE_NAME", "broken.html")

    with pytest.raises(InvoicePdfError) as caught:
        render_invoice_pdf(demo_invoice)

    assert str(caught.value) == "The invoice file could not be generated." == ENGINE.text("pdf_failed")
    assert isinstance(caught.value.__cause__, TemplateSyntaxError)
    assert "TemplateSyntaxError" in caught.value.detail and str(demo_invoice.number) in caught.value.detail


def test_a_missing_template_raises_invoice_pdf_error(demo_invoice, monkeypatch):
    monkeypatch.setattr(render, "TEMPLATE_NAME", "invoices/no_such_template.html")

    with pytest.raises(InvoicePdfError) as caught:
        render_invoice_pdf(demo_invoice)

    assert "TemplateDoesNotExist" in caught.value.detail


def test_a_document_xhtml2pdf_refuses_raises_invoice_pdf_error():
    # Nesting deeper than the resource policy's max_depth is abandoned by xhtml2pdf with an exception.
    html = "<html><body>" + "<div>" * 400 + "x" + "</div>" * 400 + "</body></html>"

    with pytest.raises(InvoicePdfError) as caught:
        render.html_to_pdf(html, {})

    assert str(caught.value) == ENGINE.text("pdf_failed")
    assert caught.value.__cause__ is not None
    assert type(caught.value.__cause__).__name__ in caught.value.detail


def test_errors_counted_by_xhtml2pdf_raise_invoice_pdf_error(monkeypatch):
    class Result:
        err = 1
        log = [("error", 3, "Could not parse the stylesheet", None)]

    monkeypatch.setattr(render.pisa, "CreatePDF", lambda *args, **kwargs: Result())

    with pytest.raises(InvoicePdfError) as caught:
        render.html_to_pdf("<html><body>x</body></html>", {})

    assert isinstance(caught.value.__cause__, render.ConversionErrors)
    assert "Could not parse the stylesheet" in caught.value.detail


def test_a_missing_font_file_raises_instead_of_falling_back_to_helvetica(demo_invoice, monkeypatch, tmp_path):
    fonts.font_set.cache_clear()
    monkeypatch.setattr(fonts.ttf_opensans.OPENSANS_BOLD, "path", tmp_path / "gone.ttf")
    try:
        with pytest.raises(InvoicePdfError) as caught:
            render_invoice_pdf(demo_invoice)
        assert "gone.ttf" in caught.value.detail
        assert isinstance(caught.value.__cause__, FileNotFoundError)
    finally:
        fonts.font_set.cache_clear()


def test_repeated_renders_register_each_font_once(demo_invoice):
    render_invoice_pdf(demo_invoice)
    render_invoice_pdf(demo_invoice, reduced=True)
    registered = set(pdfmetrics.getRegisteredFontNames())
    regular = pdfmetrics.getFont("invoicesans_00")

    for _ in range(3):
        render_invoice_pdf(demo_invoice)
        render_invoice_pdf(demo_invoice, reduced=True)

    assert set(pdfmetrics.getRegisteredFontNames()) == registered
    assert pdfmetrics.getFont("invoicesans_00") is regular


def test_the_issuer_logo_from_media_root_is_embedded(demo_invoice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    Image.new("RGB", (240, 80), (36, 70, 107)).save(tmp_path / "logos" / "kulmaveod.png")
    office = demo_invoice.office
    office.logo = "logos/kulmaveod.png"
    office.save(update_fields=["logo"])

    with_logo = render_invoice_pdf(demo_invoice)
    office.logo = ""
    office.save(update_fields=["logo"])
    without_logo = render_invoice_pdf(demo_invoice)

    assert pdfcheck.image_count(with_logo) == 1
    assert pdfcheck.image_count(without_logo) == 0


def test_pdf_filename(demo_invoice):
    assert pdf_filename(demo_invoice) == f"Invoice-{demo_invoice.number}.pdf"


def test_a_render_asks_for_nothing_but_its_own_assets(demo_invoice, caplog):
    caplog.set_level("WARNING")

    render_invoice_pdf(demo_invoice)
    render_invoice_pdf(demo_invoice, reduced=True)

    assert "refused" not in caplog.text
    assert "Blocked by the resource policy" not in caplog.text
    assert "is known to this document" not in caplog.text  # no font-family fell back to Helvetica


@pytest.mark.parametrize(("first_page_rows", "estimated"), [(1, 2), (10_000, 1)])
def test_a_wrong_page_estimate_is_converted_again_with_the_real_count(db, monkeypatch, first_page_rows, estimated):
    invoice = make_long_invoice(40)  # two pages
    monkeypatch.setattr(render, "FIRST_PAGE_ROWS", first_page_rows)
    monkeypatch.setattr(render, "NEXT_PAGE_ROWS", 10_000)
    conversions = []
    convert = render.html_to_pdf
    monkeypatch.setattr(render, "html_to_pdf", lambda *a, **kw: conversions.append(1) or convert(*a, **kw))

    pages = [plain(text) for text in pdfcheck.page_texts(render_invoice_pdf(invoice, use_cache=False))]

    assert render.estimated_pages(render.invoice_document(invoice).template_context) == estimated
    assert len(conversions) == (1 if estimated == 2 else 2)
    assert [f"Page {n} / 2" in text for n, text in enumerate(pages, start=1)] == [True, True]
