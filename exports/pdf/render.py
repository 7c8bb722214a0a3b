"""Render one invoice as a PDF ("Include PDF copy", "Reduce PDF file size").

Called by the export engine in the worker for every invoice whose export asks for a PDF copy, and by
the single-invoice preview download. Safe to call many times in one process: font files are looked up
once (fonts.font_set) and xhtml2pdf registers each face with ReportLab once, keyed by file digest.
"""
import io
import logging

from django.db import DatabaseError
from django.template.loader import render_to_string
from xhtml2pdf import pisa

from accounting.models import Invoice

from ..catalogue import ENGINE
from .context import invoice_context
from .fonts import font_set
from .resources import STYLESHEETS, AssetResolver, logo_path, resource_policy

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "invoices/invoice_pdf.html"


class InvoicePdfError(Exception):
    """The PDF could not be made. str() is the catalogue text users see (engine.pdf_failed); ``detail``
    is the technical reason for support's log and ``__cause__`` the original exception."""

    def __init__(self, detail: str):
        super().__init__(ENGINE.text("pdf_failed"))
        self.detail = detail


class ConversionErrors(Exception):
    """xhtml2pdf finished but counted errors in the document: the cause of an InvoicePdfError."""


def pdf_filename(invoice: Invoice) -> str:
    return f"Invoice-{invoice.number}.pdf"


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def render_invoice_pdf(invoice: Invoice, *, reduced: bool = False) -> bytes:
    """The invoice as PDF bytes; the reduced variant without bold, italic and underline, in one face.

    Raises InvoicePdfError for anything that goes wrong in the template, the fonts or the conversion.
    Database errors are not wrapped: they are not a fault of the invoice file and the caller's
    transaction handling has to see them."""
    try:
        fonts = font_set(reduced=reduced)
        context = invoice_context(invoice)
        assets = {**fonts.assets, **STYLESHEETS}
        logo = logo_path(context["issuer"].logo)
        if logo:
            assets["logo"] = logo
        html = render_to_string(TEMPLATE_NAME, {
            **context, "reduced": reduced, "font_family": fonts.family, "font_faces": fonts.faces,
            "has_logo": logo is not None,
        })
    except DatabaseError:
        raise
    except Exception as exc:
        raise InvoicePdfError(f"invoice {invoice.number}, template {TEMPLATE_NAME}: {_short(exc)}") from exc
    return html_to_pdf(html, assets, label=f"invoice {invoice.number}")


def html_to_pdf(html: str, assets: dict, *, label: str = "document") -> bytes:
    """Convert rendered invoice HTML, with access to ``assets`` (asset name -> path) only."""
    resolver = AssetResolver(assets)
    out = io.BytesIO()
    try:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=resolver,
                                resource_policy=resource_policy(assets))
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
