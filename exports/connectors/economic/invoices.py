"""The invoice method (spec 7): a draft invoice, the PDF copy attached to it, then booked with the Opter
invoice number. Steps: "customer" (created by this send), "invoice" (the draft, by its draft number),
"attachment", "book".

- Before a run, e-conomic is asked which of its invoice numbers are booked already ($in:, 200 a call):
  those are "already exist", whoever booked them.
- A draft carries the Opter number in references.other, so after an unanswered create our own draft is
  found again (same number, net amount and currency) and finished instead of created twice.
- A booking e-conomic refuses deletes its draft, so no orphan stays; a number booked meanwhile by someone
  else is "already exist". A booking whose answer was lost is found by its number.
"""
from __future__ import annotations

import copy
import threading
from decimal import Decimal, InvalidOperation

from ..base import ExportError, RemoteRef, SendResult
from ..steps import Steps
from .api import KEY_EXISTS, EconomicApi, Refused, chunks, escape
from .attachments import ATTACHMENT, note_attachment, upload_pdf
from .customers import CustomerBook
from .messages import CATALOGUE

INVOICE, BOOK = "invoice", "book"


def error(code: str, *params, **kwargs) -> ExportError:
    return ExportError(CATALOGUE, code, *params, **kwargs)


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


class InvoiceSender:
    def __init__(self, api: EconomicApi, customers: CustomerBook, include_pdf: bool):
        self.api = api
        self.customers = customers
        self.include_pdf = include_pdf
        self.booked: set[int] = set()  # invoice numbers e-conomic holds booked
        self.products_made: set[str] = set()
        self.products_in_doubt: set[str] = set()
        self._products_lock = threading.Lock()

    def load_booked(self, numbers: list[int]) -> None:
        for part in chunks(sorted(set(numbers))):
            rows = self.api.collection("invoices/booked",
                                       filter=f"bookedInvoiceNumber$in:[{','.join(map(str, part))}]")
            self.booked |= {row.get("bookedInvoiceNumber") for row in rows}

    # -- is it there? ----------------------------------------------------------------------------------------
    def find_existing(self, invoice, refresh: bool, steps: Steps) -> RemoteRef | None:
        number = invoice.number
        done = RemoteRef(str(number), str(number))
        draft = steps.remote_id(INVOICE)
        if BOOK in steps:
            return done
        if refresh:
            if self.api.find(f"invoices/booked/{number}") is not None:
                if draft:
                    steps.record(BOOK, number)  # our booking, whose answer was lost
                self.booked.add(number)
                return done
        elif number in self.booked:
            return done
        if draft is None:
            draft = self.our_draft(invoice) if refresh else None
            if draft is None:
                return None
            steps.record(INVOICE, draft)
        elif refresh and self.api.find(f"invoices/drafts/{draft}") is None:
            steps.forget(INVOICE, ATTACHMENT)  # deleted in e-conomic meanwhile: send it again
            return None
        if refresh and self.include_pdf:
            note_attachment(self.api, f"invoices/drafts/{draft}/attachment", steps)
        return RemoteRef(f"draft {draft}", str(number), complete=False)

    def our_draft(self, invoice) -> int | None:
        """A draft of ours: the Opter number in references.other, the same net amount and currency."""
        rows = self.api.collection("invoices/drafts", filter=f"references.other$eq:{escape(invoice.number)}")
        ours = [row["draftInvoiceNumber"] for row in rows if isinstance(row.get("draftInvoiceNumber"), int)
                and _amount(row.get("netAmount")) == invoice.net_amount
                and row.get("currency", invoice.currency.code) == invoice.currency.code]
        return min(ours) if ours else None

    # -- send --------------------------------------------------------------------------------------------
    def send(self, invoice, payload, steps: Steps) -> SendResult:
        number = invoice.number
        draft = steps.remote_id(INVOICE)
        if draft is None:
            draft = self.create_draft(invoice, payload.body, steps)
        if payload.pdf and ATTACHMENT not in steps:
            upload_pdf(self.api, f"invoices/drafts/{draft}/attachment", payload.pdf, payload.pdf_name, number)
            steps.record(ATTACHMENT, draft)
        if BOOK not in steps:
            self.book(invoice, draft, steps)
        self.booked.add(number)
        return SendResult(RemoteRef(str(number), str(number)))

    def create_draft(self, invoice, body: dict, steps: Steps) -> str:
        number = invoice.number
        customer = self.customers.number_for(body["customer"], steps)
        self.ensure_products(body["products"], number)
        document = copy.deepcopy(body["draft"])
        document["customer"] = {"customerNumber": customer}
        try:
            created = self.api.write("POST", "invoices/drafts", document)
        except Refused as refused:
            raise error("cannot_send_invoice", number, refused.refusal.detail, excerpt=refused.refusal.excerpt,
                        status=refused.refusal.status) from None
        draft = created.get("draftInvoiceNumber") if isinstance(created, dict) else None
        if not isinstance(draft, int):
            raise error("unparsable", f"POST invoices/drafts: no draftInvoiceNumber in {str(created)[:200]}",
                        may_have_reached_target=True)
        steps.record(INVOICE, draft)
        gross = _amount(created.get("grossAmount"))
        if gross != invoice.total:
            # e-conomic computes the VAT from the product groups' sales accounts: a difference means they
            # book another VAT than Opter's; the draft must not stay.
            self.delete_draft(draft, steps)
            raise error("cannot_send_invoice", number, f"Visma e-conomic computes the total {gross} "
                        f"{invoice.currency.code}, but the invoice's total is {invoice.total}: check the VAT code "
                        f"of the sales accounts of the product groups in e-conomic")
        return str(draft)

    def ensure_products(self, products: dict, number) -> None:
        """The product of each product group in use, created once when the group has none."""
        with self._products_lock:
            for product_number, body in products.items():
                if body is None or product_number in self.products_made:
                    continue
                if product_number in self.products_in_doubt and self.api.find(f"products/{product_number}"):
                    self.products_made.add(product_number)
                    continue
                try:
                    self.api.write("POST", "products", body)
                except Refused as refused:
                    if refused.refusal.error_code != KEY_EXISTS and "already exists" not in refused.refusal.detail:
                        raise error("cannot_send_invoice", number, refused.refusal.detail,
                                    excerpt=refused.refusal.excerpt) from None
                except ExportError as exc:
                    if exc.may_have_reached_target:
                        self.products_in_doubt.add(product_number)
                    raise
                self.products_made.add(product_number)
                self.products_in_doubt.discard(product_number)

    def book(self, invoice, draft: str, steps: Steps) -> None:
        number = invoice.number
        try:
            self.api.write("POST", "invoices/booked", {"draftInvoice": {"draftInvoiceNumber": int(draft)},
                                                       "bookWithNumber": number})
        except Refused as refused:
            taken = self.api.find(f"invoices/booked/{number}") is not None
            left = self.delete_draft(int(draft), steps)
            if taken:
                self.booked.add(number)
                raise error("already_exists", [number]) from None
            if invoice.credited_invoice_id:
                raise error("credit_refused", number, invoice.credited_invoice.number, refused.refusal.detail + left,
                            excerpt=refused.refusal.excerpt, status=refused.refusal.status) from None
            raise error("cannot_book", number, refused.refusal.detail + left, excerpt=refused.refusal.excerpt,
                        status=refused.refusal.status) from None
        steps.record(BOOK, number)

    def delete_draft(self, draft: int, steps: Steps) -> str:
        """Delete a draft that will not be booked. Returns "" or why it could not be deleted."""
        try:
            self.api.write("DELETE", f"invoices/drafts/{draft}")
        except Refused as refused:
            return f". The draft invoice {draft} could not be deleted: {refused.refusal.detail}"
        except ExportError as exc:
            return f". The draft invoice {draft} could not be deleted: {exc.message.rstrip('.')}"
        steps.forget(INVOICE, ATTACHMENT)
        return ""
