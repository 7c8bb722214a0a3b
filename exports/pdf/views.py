"""The single-invoice preview download: the one place a PDF is rendered inside a web request.

Exports render their PDF copies in the worker; this view renders one invoice on demand, which takes
well under a second for an ordinary invoice, or returns the copy an export already rendered.
"""
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounting.models import Invoice
from portal import params

from .context import PDF_LANGUAGES
from .render import InvoicePdfError, pdf_filename, render_invoice_pdf

logger = logging.getLogger(__name__)


@require_GET
@login_required
@permission_required("accounting.view_invoice", raise_exception=True)
def invoice_pdf(request, pk: int):
    """The invoice as a PDF download; ``?reduced=1`` for the "Reduce PDF file size" variant, and
    ``?language=fi`` for another language than the customer's."""
    invoice = get_object_or_404(Invoice, pk=pk)
    reduced = params.flag(request.GET, "reduced")
    language = request.GET.get("language") or None
    if language is not None and language not in PDF_LANGUAGES:
        return HttpResponseBadRequest(
            gettext("The invoice PDF is printed in %(languages)s; %(language)s is not one of them.")
            % {"languages": ", ".join(PDF_LANGUAGES), "language": language[:10]},
            content_type="text/plain; charset=utf-8")
    try:
        data = render_invoice_pdf(invoice, reduced=reduced, language=language)
    except InvoicePdfError as exc:
        logger.error("Invoice PDF preview of invoice %s failed: %s", invoice.number, exc.detail)
        return HttpResponse(str(exc), status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    name = pdf_filename(invoice)
    if reduced:
        name = name.removesuffix(".pdf") + "-reduced.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    # The invoice is personal data of the customer: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
