"""The rendered-PDF cache: a second call does not render, a change to anything shown renders again, one
row per invoice, language and variant even when two workers render at once."""
import threading

import pytest
from PIL import Image

from exports.pdf import cache, render
from exports.pdf.models import RenderedInvoicePdf
from exports.pdf.render import render_invoice_pdf
from tests.pdf import pdfcheck
from tests.pdf.conftest import make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversions(monkeypatch):
    """How many times xhtml2pdf converted a document."""
    calls = []
    original = render.html_to_pdf

    def counting(html, assets, **kwargs):
        calls.append(html)
        return original(html, assets, **kwargs)

    monkeypatch.setattr(render, "html_to_pdf", counting)
    return calls


def test_a_second_call_returns_the_stored_pdf_without_rendering(demo_invoice, conversions):
    first = render_invoice_pdf(demo_invoice)
    second = render_invoice_pdf(demo_invoice)

    assert len(conversions) == 1
    assert second == first and second.startswith(b"%PDF")
    row = RenderedInvoicePdf.objects.get()
    assert (row.invoice_id, row.language, row.reduced, row.size) == (demo_invoice.pk, "en", False, len(first))


def test_each_language_and_variant_is_rendered_and_kept_once(demo_invoice, conversions):
    for _ in range(2):
        for reduced in (False, True):
            for language in ("en", "et"):
                render_invoice_pdf(demo_invoice, reduced=reduced, language=language)

    assert len(conversions) == 4
    assert sorted(RenderedInvoicePdf.objects.values_list("language", "reduced")) == [
        ("en", False), ("en", True), ("et", False), ("et", True)]


@pytest.mark.parametrize("change", ["line", "customer", "office", "language", "credit"])
def test_a_change_to_what_the_pdf_shows_renders_again_and_replaces_the_row(demo_invoice, conversions, change):
    before = render_invoice_pdf(demo_invoice)
    if change == "line":
        line = demo_invoice.lines.first()
        line.item_name = "Frakt Göteborg–Malmö"
        line.save()
    elif change == "customer":
        demo_invoice.customer.invoice_address = "Narva mnt 5"
        demo_invoice.customer.save()
    elif change == "office":
        demo_invoice.office.iban = "FI2112345600000785"
        demo_invoice.office.save()
    elif change == "language":
        # The customer's language picks the PDF's: the same invoice, in Finnish now, is another entry.
        demo_invoice.customer.language = "fi"
        demo_invoice.customer.save()
    else:
        demo_invoice.credited_invoice = make_invoice()
        demo_invoice.save()

    after = render_invoice_pdf(demo_invoice)
    again = render_invoice_pdf(demo_invoice)

    assert len(conversions) == 2
    assert after != before and again == after
    assert RenderedInvoicePdf.objects.filter(invoice=demo_invoice).count() == (2 if change == "language" else 1)


def test_a_new_logo_under_the_same_name_renders_again(demo_invoice, conversions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    logo = tmp_path / "logos" / "logo.png"
    Image.new("RGB", (240, 80), (36, 70, 107)).save(logo)
    demo_invoice.office.logo = "logos/logo.png"
    demo_invoice.office.save(update_fields=["logo"])

    render_invoice_pdf(demo_invoice)
    Image.new("RGB", (240, 80), (200, 30, 30)).save(logo)
    render_invoice_pdf(demo_invoice)

    assert len(conversions) == 2
    assert pdfcheck.image_count(bytes(RenderedInvoicePdf.objects.get().pdf)) == 1


def test_the_content_hash_covers_the_html_and_each_file(tmp_path):
    css = tmp_path / "a.css"
    css.write_text("p { color: red; }")
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"one")
    digest = cache.content_hash("<p>1</p>", {"a-css": css, "logo": logo})

    assert cache.content_hash("<p>1</p>", {"a-css": css, "logo": logo}) == digest
    assert cache.content_hash("<p>2</p>", {"a-css": css, "logo": logo}) != digest
    assert cache.content_hash("<p>1</p>", {"a-css": css}) != digest
    logo.write_bytes(b"two")
    assert cache.content_hash("<p>1</p>", {"a-css": css, "logo": logo}) != digest


def test_use_cache_false_renders_and_stores_nothing(demo_invoice, conversions):
    render_invoice_pdf(demo_invoice, use_cache=False)
    render_invoice_pdf(demo_invoice, use_cache=False)

    assert len(conversions) == 2
    assert not RenderedInvoicePdf.objects.exists()


def test_a_failed_render_stores_nothing(demo_invoice, monkeypatch):
    monkeypatch.setattr(render, "TEMPLATE_NAME", "invoices/no_such_template.html")

    with pytest.raises(render.InvoicePdfError):
        render_invoice_pdf(demo_invoice)

    assert not RenderedInvoicePdf.objects.exists()


def test_the_stored_pdf_goes_with_the_invoice(demo_invoice):
    render_invoice_pdf(demo_invoice)
    demo_invoice.lines.all().delete()
    demo_invoice.delete()

    assert not RenderedInvoicePdf.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_rendering_the_same_invoice_at_once_leave_one_row(monkeypatch):
    invoice = make_invoice()
    # Both find nothing stored, as two workers starting together do, and both convert and store.
    monkeypatch.setattr(cache, "lookup", lambda *args: None)
    both_rendered = threading.Barrier(2, timeout=60)
    original_store = cache.store
    results, errors = [], []

    def store_together(*args):
        both_rendered.wait()
        original_store(*args)

    monkeypatch.setattr(cache, "store", store_together)

    def worker():
        from django.db import connection
        try:
            results.append(render_invoice_pdf(invoice))
        except Exception as exc:  # reported below, with the thread's own exception
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(results) == 2 and all(pdf.startswith(b"%PDF") for pdf in results)
    row = RenderedInvoicePdf.objects.get()
    assert bytes(row.pdf) in results
