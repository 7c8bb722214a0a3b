"""Sending one invoice: buyer, product, invoice, register, PDF, as the fewest calls the API allows.

Exactly once, although a send takes several calls:
- Progress per invoice remembers which steps are done in this run. When the engine resends after an
  unanswered call, the send continues from the first step not known to be done.
- An unanswered create (buyer, product, invoice) may have been committed. Before creating again, the
  buyers or products are read again, and the invoice is looked up by its number; an invoice of ours
  found as a draft (same number, total and currency) is continued, not created twice.
- Register and the PDF upload are safe to repeat: registering an invoice that is already confirmed
  is recognised, and PUT document_user replaces the document.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..base import ExportError, RemoteRef, SendResult
from .api import EFinancialsApi, WriteRefused
from .build import client_changes
from .messages import CATALOGUE
from .reference import RunData
from .settings import Settings

# Sent with every client PATCH: the PHP client found the API insisting on them. Values come from the
# client as E-Financials holds it, so a buyer who is also a supplier stays one.
CLIENT_REQUIRED = ("is_client", "is_supplier", "name", "cl_code_country", "is_member",
                   "send_invoice_to_email", "send_invoice_to_accounting_email")
PRODUCT_NAME = "Transport services (Opter)"


def error(code: str, *params, **kwargs) -> ExportError:
    return ExportError(CATALOGUE, code, *params, **kwargs)


@dataclass
class Progress:
    remote_id: int | None = None
    registered: bool = False
    pdf_attached: bool = False


class Sender:
    def __init__(self, api: EFinancialsApi, settings: Settings, run: RunData, include_pdf: bool):
        self.api = api
        self.settings = settings
        self.run = run
        self.include_pdf = include_pdf
        self.progress: dict[int, Progress] = {}
        self.clients_in_doubt = False
        self.product_in_doubt = False

    # -- is it there? --------------------------------------------------------------------------------
    def find_existing(self, invoice, refresh: bool) -> RemoteRef | None:
        number = str(invoice.number)
        progress = self.progress.get(invoice.pk)
        if progress and progress.remote_id:
            if refresh and not self._refresh_progress(progress):
                del self.progress[invoice.pk]  # deleted in E-Financials meanwhile: send it again
                return None
            return None if self._steps_left(progress) else RemoteRef(str(progress.remote_id), number)
        if refresh or not self.run.covers(invoice.invoice_date):
            self._read_invoices_of(invoice.invoice_date)
        remote = self.run.invoices.get(number)
        if remote is None:
            return None
        if remote.get("status") != "CONFIRMED" and self.settings.register and _is_ours(remote, invoice):
            # Our own draft from an unanswered create or an interrupted run: finish it instead.
            self.progress[invoice.pk] = Progress(remote_id=remote["id"])
            return None
        if refresh and self.include_pdf and not self._has_document(remote["id"]):
            # Reconciling an invoice whose last call went unanswered: it is ours, registered, but the PDF
            # copy never arrived. Only the upload is left to do.
            self.progress[invoice.pk] = Progress(remote_id=remote["id"], registered=True)
            return None
        return RemoteRef(str(remote["id"]), str(remote["number"]))

    def _read_invoices_of(self, day) -> None:
        rows = self.api.pages("sale_invoices", {"start_date": day.isoformat(), "end_date": day.isoformat()})
        for number, known in list(self.run.invoices.items()):
            if known.get("journal_date") == day.isoformat():
                del self.run.invoices[number]
        self.run.add_invoices(rows)

    def _refresh_progress(self, progress: Progress) -> bool:
        try:
            remote = self.api.get(f"sale_invoices/{progress.remote_id}")
        except ExportError as exc:
            if _is_not_found(exc):
                return False
            raise
        progress.registered = isinstance(remote, dict) and remote.get("status") == "CONFIRMED"
        return True

    def _has_document(self, remote_id: int) -> bool:
        try:
            self.api.get(f"sale_invoices/{remote_id}/document_user")
        except ExportError as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    def _steps_left(self, progress: Progress) -> bool:
        return (self.settings.register and not progress.registered) or (
            self.include_pdf and not progress.pdf_attached)

    # -- send -------------------------------------------------------------------------------------------
    def send(self, invoice, payload) -> SendResult:
        number = str(invoice.number)
        progress = self.progress.setdefault(invoice.pk, Progress())
        if progress.remote_id is None:
            client_id = self.ensure_client(payload.body["customer"])
            body = dict(payload.body["sale_invoice"], clients_id=client_id)
            product_id = self.ensure_product(number, body["items"][0]["cl_sale_articles_id"])
            body["items"] = [dict(item, products_id=product_id) for item in body["items"]]
            progress.remote_id = self.create_invoice(invoice, body)
        pdf = payload.pdf if self.include_pdf else None
        if pdf and self.settings.attach_pdf == "before_register" and not progress.pdf_attached:
            self.attach_pdf(number, progress, payload)
        if self.settings.register and not progress.registered:
            self.register(number, progress)
        if pdf and not progress.pdf_attached:
            self.attach_pdf(number, progress, payload)
        self.run.invoices[number] = {"id": progress.remote_id, "number": number,
                                     "status": "CONFIRMED" if progress.registered else "PROJECT",
                                     "journal_date": invoice.invoice_date.isoformat()}
        return SendResult(RemoteRef(str(progress.remote_id), number))

    def ensure_client(self, customer: dict) -> int:
        client = self.run.clients.get(customer["code"])
        if client is None and self.clients_in_doubt:
            self.run.add_clients(self.api.pages("clients"))
            self.clients_in_doubt = False
            client = self.run.clients.get(customer["code"])
        body = customer["body"]
        if client is None:
            try:
                result = self.api.write("POST", "clients", body)
            except WriteRefused as refused:
                raise error("cannot_create_customer", customer["opter_code"], refused.detail) from None
            except ExportError as exc:
                self.clients_in_doubt = self.clients_in_doubt or exc.may_have_reached_target
                raise
            client_id = self.api.created_id(result, "POST", "clients")
            self.run.add_clients([{**body, "id": client_id}])
            return client_id
        changes = client_changes(client, body)
        if changes:
            patch = {name: client[name] for name in CLIENT_REQUIRED if client.get(name) is not None}
            patch.update({name: body[name] for name in changes})
            try:
                self.api.write("PATCH", f"clients/{client['id']}", patch)
            except WriteRefused as refused:
                raise error("cannot_update_customer", body["name"], refused.detail) from None
            client.update(patch)
        return client["id"]

    def ensure_product(self, number: str, sale_article_id: int) -> int:
        """The one catalogue product every row names (Start text ProductCode), created once if missing."""
        if self.run.product is None and self.product_in_doubt:
            self.run.product = find_product(self.api.pages("products"), self.settings.product_code)
            self.product_in_doubt = False
        if self.run.product is None:
            body = {"name": PRODUCT_NAME, "code": self.settings.product_code,
                    "cl_sale_articles_id": sale_article_id}
            try:
                result = self.api.write("POST", "products", body)
            except WriteRefused as refused:
                raise error("cannot_send_invoice", number, refused.detail) from None
            except ExportError as exc:
                self.product_in_doubt = self.product_in_doubt or exc.may_have_reached_target
                raise
            self.run.product = {**body, "id": self.api.created_id(result, "POST", "products")}
        return self.run.product["id"]

    def create_invoice(self, invoice, body: dict) -> int:
        number = str(invoice.number)
        try:
            result = self.api.write("POST", "sale_invoices", body)
        except WriteRefused as refused:
            if refused.status == 409:
                # Possibly the number is taken: by our own earlier create that was committed late (same
                # date), or by an invoice made in E-Financials on another date (read them all, rarely).
                self._read_invoices_of(invoice.invoice_date)
                remote = self.run.invoices.get(number)
                if remote is None:
                    self.run.add_invoices(self.api.pages("sale_invoices"))
                    remote = self.run.invoices.get(number)
                if remote is not None and remote.get("status") != "CONFIRMED" and _is_ours(remote, invoice):
                    return remote["id"]
                if remote is not None:
                    raise error("already_exists", [number]) from None
            raise error("cannot_send_invoice", number, refused.detail) from None
        return self.api.created_id(result, "POST", "sale_invoices")

    def register(self, number: str, progress: Progress) -> None:
        try:
            self.api.write("PATCH", f"sale_invoices/{progress.remote_id}/register")
        except WriteRefused as refused:
            # Already confirmed (our earlier register got through unanswered) is done, not a failure.
            if not (refused.status == 409 and self._refresh_progress(progress) and progress.registered):
                raise error("cannot_send_invoice", number, refused.detail) from None
        progress.registered = True

    def attach_pdf(self, number: str, progress: Progress, payload) -> None:
        body = {"name": payload.pdf_name, "contents": base64.b64encode(payload.pdf).decode("ascii")}
        try:
            self.api.write("PUT", f"sale_invoices/{progress.remote_id}/document_user", body)
        except WriteRefused as refused:
            raise error("cannot_send_invoice", number, refused.detail) from None
        progress.pdf_attached = True


def _is_not_found(exc: ExportError) -> bool:
    return exc.code == CATALOGUE.qualified("call_unsuccessful") and exc.params[-1:] == ["404"]


def find_product(products: list[dict], code: str) -> dict | None:
    return next((p for p in products if p.get("code") == code and not p.get("is_deleted")), None)


def _is_ours(remote: dict, invoice) -> bool:
    """A draft with our number is ours when its total and currency are the invoice's too."""
    try:
        gross = Decimal(str(remote.get("gross_price")))
    except (InvalidOperation, ValueError):
        return False
    currency = remote.get("cl_currencies_id", invoice.currency.code)
    return gross == invoice.total and currency == invoice.currency.code
