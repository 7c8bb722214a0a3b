"""Credit invoices: an Opter invoice that credits (part of) an earlier one, ``Invoice.credited_invoice``.

Every target books a credit against the original it credits, so the original must already be in the target
through this export: sent by it (the item holds the id the target gave it), or found there as "already
exists" (the connector looks its id up by number). The setup check blocks a credit invoice whose original
this export has not exported, naming the original's number (``unexported_originals``); build() refuses one
too (``Originals.of``), so no path sends a credit the target cannot link.

Signs: the targets want a credit's rows with a negative quantity and a positive unit price (E-Financials
12.4, Netvisor 5.9, Finvoice 1.4: "a negative quantity, not a negative price"); ``credit_quantity`` turns
Opter's line (either sign on either factor) into that form.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from accounting.models import Invoice

from .base import Problem
from .errors import ExportError
from .facts import invoice_ids

#: An original this export sent, or found already in the target.
EXPORTED_STATES = ("sent", "skipped")


@dataclass(frozen=True)
class Original:
    """The invoice a credit invoice credits, as far as this export knows it."""

    invoice: Invoice
    remote_id: str  # the id the target gave it; "" when it was found there already (look it up by number)

    @property
    def number(self) -> str:
        return str(self.invoice.number)


class Originals:
    """The originals of a chunk's credit invoices, read with the chunk (build() queries nothing)."""

    def __init__(self, export):
        self.export = export
        self._by_credit: dict[int, Original | None] = {}

    def load(self, invoices) -> None:
        credits = {invoice.pk: invoice.credited_invoice_id for invoice in invoices if invoice.credited_invoice_id}
        self._by_credit = {}
        if not credits:
            return
        originals = {invoice.pk: invoice for invoice in
                     Invoice.objects.filter(pk__in=set(credits.values())).select_related("currency", "customer")}
        exported: dict[int, str] = {}
        items = (self.export.items.filter(invoice_id__in=originals, state__in=EXPORTED_STATES, is_preview=False)
                 .order_by("invoice_id", "pk").values_list("invoice_id", "state", "remote_id"))
        for invoice_id, state, remote_id in items:
            # The latest send with an id wins; an "already exists" keeps an id found before.
            if state == "sent" and remote_id:
                exported[invoice_id] = remote_id
            else:
                exported.setdefault(invoice_id, "")
        for credit_id, original_id in credits.items():
            original = originals.get(original_id)
            self._by_credit[credit_id] = (Original(original, exported[original_id])
                                          if original is not None and original_id in exported else None)

    def of(self, invoice, catalogue) -> Original | None:
        """The original of a credit invoice (None for an ordinary invoice); raises the target's
        ``credit_original_not_exported`` when this export has not exported it."""
        if not invoice.credited_invoice_id:
            return None
        if invoice.pk not in self._by_credit:
            self.load([invoice])
        original = self._by_credit.get(invoice.pk)
        if original is None:
            number = (Invoice.objects.filter(pk=invoice.credited_invoice_id).values_list("number", flat=True)
                      .first())
            raise ExportError(catalogue, "credit_original_not_exported", invoice.number, number)
        return original


def credit_quantity(quantity: Decimal, unit_price: Decimal, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(quantity, unit price) of a row as a credit note carries it: the sign of the amount on the quantity,
    the unit price positive."""
    quantity, unit_price = abs(Decimal(quantity)), abs(Decimal(unit_price))
    return (-quantity if amount < 0 else quantity), unit_price


def unexported_originals(export, invoices, catalogue, *, blocking: bool = True) -> list[Problem]:
    """A problem (blocking by default) for each credit invoice among ``invoices`` whose original this export
    has not exported (sent, or found already in the target)."""
    exported = export.items.filter(invoice_id=OuterRef("credited_invoice_id"), state__in=EXPORTED_STATES,
                                   is_preview=False)
    rows = (Invoice.objects.filter(pk__in=invoice_ids(invoices), credited_invoice__isnull=False)
            .exclude(Exists(exported)).order_by("number").values_list("number", "credited_invoice__number"))
    return [Problem(catalogue.qualified("credit_original_not_exported"),
                    catalogue.text("credit_original_not_exported", number, original), blocking=blocking)
            for number, original in rows]
