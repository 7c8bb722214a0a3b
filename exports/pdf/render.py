"""Render one invoice as a PDF ("Include PDF copy", "Reduce PDF file size") in the customer's language.

Called by the export engine in the worker for every invoice whose export asks for a PDF copy, and by
the single-invoice preview download. A PDF already rendered for the same content, language and variant
is taken from the cache (exports.pdf.cache), so a retry or a second export does not render again.

Safe to call many times in one process: font files are looked up once (fonts.font_set), xhtml2pdf
registers each face with ReportLab once, keyed by file digest, and the stylesheets are read once.
"""
import io
import logging
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader
from xhtml2pdf import pisa

from accounting.models import Invoice

from ..catalogue import ENGINE
from . import cache as pdf_cache
from .context import invoice_context
from .fonts import font_set
from .resources import ASSET_DIR, STYLESHEETS, AssetResolver, logo_path, resource_policy

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "invoices/invoice_pdf.html"
# Replaces xhtml2pdf's own default stylesheet, of which the invoice needs only the block elements:
# the default's hundred-odd rules were matched against every element of every render.
USER_AGENT_CSS = ASSET_DIR / "user-agent.css"
# Rows of the lines table that fit on the first page, below the address and facts, and on each further
# page; the totals, the VAT specification and the note after the lines take about TRAILING_ROWS rows
# besides one per total and VAT rate. Measured on the demo invoices; only an estimate: see estimated_pages.
FIRST_PAGE_ROWS = 32
NEXT_PAGE_ROWS = 41
TRAILING_ROWS = 6


class InvoicePdfError(Exception):
    """The PDF could not be made. str() is the catalogue text users see (engine.pdf_failed); ``detail``
    is the technical reason for support's log and ``__cause__`` the original exception."""

    def __init__(self, detail: str):
        super().__init__(ENGINE.text("pdf_failed"))
        self.detail = detail


class ConversionErrors(Exception):
    """xhtml2pdf finished but counted errors in the document: the cause of an InvoicePdfError."""


@dataclass(frozen=True)
class InvoiceDocument:
    """An invoice ready to be converted: its HTML, the files it may read and the digest of both."""

    invoice: Invoice
    language: str
    reduced: bool
    html: str
    assets: dict[str, Path]
    content_hash: str
    page_count: int  # the count printed in "Page 1 / 2"
    template_context: dict


def pdf_filename(invoice: Invoice) -> str:
    return f"Invoice-{invoice.number}.pdf"


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def estimated_pages(context: dict) -> int:
    """How many pages the invoice will have, from its number of rows.

    The footer prints "Page 1 / 2" with this count. xhtml2pdf's own <pdf:pagecount/> would lay the
    whole document out twice to learn it; instead the count is estimated, and a render whose page count
    differs is converted again with the real one (convert). Static frames hold the count, so it never
    changes the layout of the pages."""
    rows = context["line_count"] + sum(1 for order in context["orders"] if order.has_heading)
    rows += len(context["total_rows"]) + len(context["vat_rows"]) + TRAILING_ROWS
    if rows <= FIRST_PAGE_ROWS:
        return 1
    return 1 + math.ceil((rows - FIRST_PAGE_ROWS) / NEXT_PAGE_ROWS)


def _render_html(template_context: dict, page_count: int) -> str:
    with translation.override(template_context["language"]):
        return render_to_string(TEMPLATE_NAME, {**template_context, "page_count": page_count})


@cache
def user_agent_css() -> str:
    return USER_AGENT_CSS.read_text(encoding="utf-8")


def invoice_document(invoice: Invoice, *, reduced: bool = False, language: str | None = None) -> InvoiceDocument:
    """The invoice's HTML in its language (the customer's unless ``language`` is one the PDF speaks).

    Raises InvoicePdfError for a fault in the template or the fonts; database errors are not wrapped."""
    try:
        fonts = font_set(reduced=reduced)
        context = invoice_context(invoice, language)
        assets = {**fonts.assets, **STYLESHEETS}
        logo = logo_path(context["issuer"].logo)
        if logo:
            assets["logo"] = logo
        template_context = {**context, "reduced": reduced, "font_family": fonts.family,
                            "font_faces": fonts.faces, "has_logo": logo is not None}
        page_count = estimated_pages(context)
        html = _render_html(template_context, page_count)
        digest = pdf_cache.content_hash(html, assets)
    except DatabaseError:
        raise
    except Exception as exc:
        raise InvoicePdfError(f"invoice {invoice.number}, template {TEMPLATE_NAME}: {_short(exc)}") from exc
    return InvoiceDocument(invoice=invoice, language=context["language"], reduced=reduced, html=html,
                           assets=assets, content_hash=digest, page_count=page_count,
                           template_context=template_context)


def render_invoice_pdf(invoice: Invoice, *, reduced: bool = False, language: str | None = None,
                       use_cache: bool = True) -> bytes:
    """The invoice as PDF bytes; the reduced variant without bold, italic and underline, in one face.

    The language is the customer's (context.invoice_language) unless ``language`` names another the PDF
    is printed in. A PDF rendered before for the same content hash, language and variant is returned
    as it was stored; otherwise the invoice is rendered and stored (``use_cache=False``: rendered, not
    looked up nor stored).

    Raises InvoicePdfError for anything that goes wrong in the template, the fonts or the conversion.
    Database errors are not wrapped: they are not a fault of the invoice file and the caller's
    transaction handling has to see them."""
    document = invoice_document(invoice, reduced=reduced, language=language)
    if not use_cache:
        return convert(document)
    stored = pdf_cache.lookup(invoice, document.language, reduced, document.content_hash)
    if stored is not None:
        return stored
    pdf = convert(document)
    pdf_cache.store(invoice, document.language, reduced, document.content_hash, pdf)
    return pdf


def convert(document: InvoiceDocument) -> bytes:
    """The document as PDF; converted a second time, with the real page count, when the estimate missed."""
    label = f"invoice {document.invoice.number}"
    pdf = html_to_pdf(document.html, document.assets, label=label)
    pages = page_count(pdf)
    if pages == document.page_count:
        return pdf
    logger.debug("Invoice PDF: %s has %s pages, not the %s estimated; converted again", label, pages,
                 document.page_count)
    try:
        html = _render_html(document.template_context, pages)
    except Exception as exc:
        raise InvoicePdfError(f"{label}, template {TEMPLATE_NAME}: {_short(exc)}") from exc
    return html_to_pdf(html, document.assets, label=label)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def html_to_pdf(html: str, assets: dict, *, label: str = "document") -> bytes:
    """Convert rendered invoice HTML, with access to ``assets`` (asset name -> path) only."""
    resolver = AssetResolver(assets)
    out = io.BytesIO()
    try:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=resolver,
                                default_css=user_agent_css(), resource_policy=resource_policy(assets))
    except Exception as exc:
        raise InvoicePdfError(f"{label}, xhtml2pdf: {_short(exc)}") from exc
    if result.err:
        errors = "; ".join(msg for mode, _line, msg, _code in result.log if mode == "error") or "no message"
        cause = ConversionErrors(errors)
        raise InvoicePdfError(f"{label}, xhtml2pdf reported {result.err} error(s): {errors}"[:500]) from cause
    data = out.getvalue()
    if not data.startswith(b"%PDF"):
        cause = ConversionErrors(f"output starts with {data[:8]!r}")
        raise InvoicePdfError(f"{label}, xhtml2pdf produced no PDF ({len(data)} bytes)") from cause
    return data
