"""The cache of rendered invoice PDFs: one row per invoice, language and variant (exports.pdf.cache)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounting.models import Invoice


class RenderedInvoicePdf(models.Model):
    """The last PDF rendered for an invoice in one language and variant, with the digest of what it shows.

    The row is used only while the digest matches the invoice as it is now, so a change to the invoice,
    its customer, the issuing office, the template, the stylesheets, the fonts or the logo makes the
    next render replace it; it goes with the invoice."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=5)
    reduced = models.BooleanField(_("reduced PDF file size"))
    content_hash = models.CharField(_("content hash"), max_length=64,
                                    help_text=_("SHA-256 of everything the PDF shows."))
    pdf = models.BinaryField(_("PDF"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    rendered_at = models.DateTimeField(_("rendered at"), auto_now=True)

    class Meta:
        app_label = "exports"
        verbose_name = _("rendered invoice PDF")
        verbose_name_plural = _("rendered invoice PDFs")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["invoice", "language", "reduced"],
                                    name="one_rendered_pdf_per_invoice_language_variant"),
        ]

    def __str__(self):
        variant = "reduced" if self.reduced else "normal"
        return f"{self.invoice_id} {self.language} {variant} ({self.size} bytes)"
