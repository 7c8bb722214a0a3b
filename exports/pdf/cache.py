"""Rendered invoice PDFs kept per (invoice content, language, variant), so a PDF is rendered once.

The key is a SHA-256 digest over everything the PDF shows: the rendered HTML (every value and label,
in its language), the stylesheets, the font files, the logo's bytes, and the versions of the converter.
Nothing has to invalidate an entry: when anything shown changes, the digest changes, the stored row no
longer matches, and the next render replaces it.

Two workers rendering the same invoice at once both convert it, and both store it into the one row
the unique constraint allows (the later write wins; both wrote the same content).
"""
import hashlib
from functools import cache
from pathlib import Path

import reportlab
import xhtml2pdf
from django.db import transaction

from accounting.models import Invoice

from .models import RenderedInvoicePdf

# Raised when the rendering changes in a way the HTML and the files do not show (the render code itself).
RENDER_VERSION = "2"


@cache
def _file_digest(path: Path) -> str:
    """The digest of a packaged file (font, stylesheet): read once per process, they change only with a
    deployment, which restarts the process."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_hash(html: str, assets: dict[str, Path]) -> str:
    """SHA-256 over the HTML and every file the render may read. The logo is in MEDIA_ROOT and can be
    replaced under the same name at any time, so its bytes are read every time."""
    digest = hashlib.sha256()
    digest.update(f"render {RENDER_VERSION} xhtml2pdf {xhtml2pdf.__version__} "
                  f"reportlab {reportlab.Version}\n".encode())
    for name in sorted(assets):
        path = assets[name]
        file_digest = hashlib.sha256(path.read_bytes()).hexdigest() if name == "logo" else _file_digest(path)
        digest.update(f"{name} {file_digest}\n".encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


def lookup(invoice: Invoice, language: str, reduced: bool, digest: str) -> bytes | None:
    """The stored PDF when it was rendered from exactly this content; None otherwise."""
    stored = (RenderedInvoicePdf.objects
              .filter(invoice_id=invoice.pk, language=language, reduced=reduced, content_hash=digest)
              .values_list("pdf", flat=True).first())
    return bytes(stored) if stored is not None else None


def store(invoice: Invoice, language: str, reduced: bool, digest: str, pdf: bytes) -> None:
    """Keep ``pdf`` as the invoice's PDF in this language and variant, replacing an older rendering.

    In its own savepoint, so a conflict with a concurrent writer never breaks the caller's transaction:
    update_or_create retries a create that lost the race as an update of the row that won."""
    with transaction.atomic():
        RenderedInvoicePdf.objects.update_or_create(
            invoice_id=invoice.pk, language=language, reduced=reduced,
            defaults={"content_hash": digest, "pdf": pdf, "size": len(pdf)})
