"""What a Procountor export is configured with: its Start text, typed, and the integration identity (the
portal's registration with Procountor, from the settings, or the export's own override)."""
from __future__ import annotations

from dataclasses import dataclass

from .target import START_TEXT


@dataclass(frozen=True)
class Settings:
    product_group: str = "OpterGroup"
    after_create: str = "none"  # none | approve | send
    invoice_channel: str = "auto"
    send_invoice_number: bool = True
    edi_code_as: str = "einvoice_operator"  # or "bic"
    identifier_type: str | None = None
    credit_note_link: str = "additionalInformation"  # or "notes": where a credit names the credited invoice

    @classmethod
    def of(cls, export) -> Settings:
        """Raises StartTextError naming each bad line."""
        values = START_TEXT.parse(export.start_text)
        return cls(product_group=values["ProductGroup"], after_create=values["AfterCreate"],
                   invoice_channel=values["InvoiceChannel"], send_invoice_number=values["SendInvoiceNumber"],
                   edi_code_as=values["EdiCodeAs"], identifier_type=values["IdentifierType"],
                   credit_note_link=values["CreditNoteLink"])


@dataclass(frozen=True)
class Integration:
    """The client application Procountor registered: client id, client secret and redirect URI. The m2m
    user's API key (the export's Password) is bound to this client id in Procountor."""

    client_id: str
    client_secret: str
    redirect_uri: str = ""

    @classmethod
    def of(cls, export) -> Integration:
        from django.conf import settings

        return cls(client_id=(export.client_identity or "").strip() or settings.PROCOUNTOR_CLIENT_ID,
                   client_secret=export.client_key or settings.PROCOUNTOR_CLIENT_SECRET,
                   redirect_uri=settings.PROCOUNTOR_REDIRECT_URI)

    @property
    def complete(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(value for value in (self.client_id, self.client_secret, self.redirect_uri) if value)
