"""Sending one invoice: buyer, product, invoice, register, PDF, as the fewest calls the API allows.

Steps (exports.connectors.steps): "customer" (a buyer created or updated by this send), "invoice" (the
sale invoice created, with its id), "register", "attachment" (the PDF copy). Each is recorded as soon as
its call succeeded; the engine commits it before the next call. So:
- a send that stopped after any step resumes after it: an invoice we created but did not register is
  registered, one registered without its PDF gets the PDF;
- an unanswered create may still have been committed. Before creating again the buyers or products are
  read again, and the invoice is looked up by its number; a draft of ours (same number, total and
  currency) is adopted and finished, not created twice;
- register and the PDF upload are safe to repeat: registering an invoice that is already confirmed is
  recognised, and PUT document_user replaces the document.
"""
from __future__ import annotations

import base64
import threading
from datetime import date
from decimal import Decimal, InvalidOperation

from ..base import ExportError, RemoteRef, SendResult
from ..steps import Steps
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

CUSTOMER, INVOICE, REGISTER, ATTACHMENT = "customer", "invoice", "register", "attachment"


def error(code: str, *params, **kwargs) -> ExportError:
    return ExportError(CATALOGUE, code, *params, **kwargs)


class Sender:
    def __init__(self, api: EFinancialsApi, settings: Settings, run: RunData, include_pdf: bool):
        self.api = api
        self.settings = settings
        self.run = run
        self.include_pdf = include_pdf
        self.clients_in_doubt = False
        self.product_in_doubt = False
        # Invoices are sent in parallel; buyers and the product are shared by them and created once.
        self._clients_lock = threading.RLock()
        self._product_lock = threading.Lock()
        self._invoices_lock = threading.Lock()

    # -- is it there? --------------------------------------------------------------------------------
    def remote_number(self, invoice) -> str:
        """The number E-Financials shows: the Opter number, or for a credit invoice numbered like its
        original (Start text CreditNumber=original) the original's number with a K (spec 12.1)."""
        if invoice.credited_invoice_id and self.settings.credit_number == "original":
            return f"{invoice.credited_invoice.number}K"
        return str(invoice.number)

    def find_existing(self, invoice, refresh: bool, steps: Steps) -> RemoteRef | None:
        number = self.remote_number(invoice)
        remote_id = steps.remote_id(INVOICE)
        if remote_id:
            if refresh and not self._read_progress(int(remote_id), steps):
                steps.forget(INVOICE, REGISTER, ATTACHMENT)  # deleted in E-Financials meanwhile: send again
                return None
            return RemoteRef(remote_id, number, complete=not self._steps_left(steps))
        if refresh or not self.run.covers(invoice.invoice_date):
            self._read_invoices_of(invoice.invoice_date)
        with self._invoices_lock:
            remote = self.run.invoices.get(number)
        if remote is None:
            return None
        remote_id = str(remote["id"])
        if remote.get("status") != "CONFIRMED" and self.settings.register and _is_ours(remote, invoice):
            # Our own draft from an unanswered create or an interrupted run: finish it instead.
            steps.record(INVOICE, remote_id)
            return RemoteRef(remote_id, number, complete=False)
        if refresh and self.include_pdf and not self.api.exists(f"sale_invoices/{remote_id}/document_user"):
            # Reconciling an invoice whose last call went unanswered: it is ours, registered, but the PDF
            # copy never arrived. Only the upload is left to do.
            steps.record(INVOICE, remote_id)
            steps.record(REGISTER, remote_id)
            return RemoteRef(remote_id, number, complete=False)
        return RemoteRef(remote_id, str(remote["number"]))

    def _read_invoices_of(self, day) -> None:
        rows = self.api.pages("sale_invoices", {"start_date": day.isoformat(), "end_date": day.isoformat()})
        with self._invoices_lock:
            for number, known in list(self.run.invoices.items()):
                if known.get("journal_date") == day.isoformat():
                    del self.run.invoices[number]
            self.run.add_invoices(rows)

    def _read_progress(self, remote_id: int, steps: Steps) -> bool:
        """Which of our steps E-Financials shows as done; False when the invoice is gone."""
        try:
            remote = self.api.get(f"sale_invoices/{remote_id}")
        except ExportError as exc:
            if exc.status == 404:
                return False
            raise
        if isinstance(remote, dict) and remote.get("status") == "CONFIRMED" and REGISTER not in steps:
            steps.record(REGISTER, remote_id)
        if self.include_pdf and ATTACHMENT not in steps and self.api.exists(f"sale_invoices/{remote_id}/document_user"):
            steps.record(ATTACHMENT, remote_id)
        return True

    def _steps_left(self, steps: Steps) -> bool:
        return (self.settings.register and REGISTER not in steps) or (self.include_pdf and ATTACHMENT not in steps)

    # -- send -------------------------------------------------------------------------------------------
    def send(self, invoice, payload, steps: Steps) -> SendResult:
        number = str(invoice.number)
        remote_id = steps.remote_id(INVOICE)
        if remote_id is None:
            client_id = self.ensure_client(payload.body["customer"], steps)
            body = dict(payload.body["sale_invoice"], clients_id=client_id)
            if "credits" in payload.body and body["credit_sale_invoices_id"] is None:
                body["credit_sale_invoices_id"] = self.original_id(invoice, payload.body["credits"])
            product_id = self.ensure_product(number, body["items"][0]["cl_sale_articles_id"])
            body["items"] = [dict(item, products_id=product_id) for item in body["items"]]
            remote_id = str(self.create_invoice(invoice, body))
            steps.record(INVOICE, remote_id)
        pdf = payload.pdf if self.include_pdf else None
        if pdf and self.settings.attach_pdf == "before_register" and ATTACHMENT not in steps:
            self.attach_pdf(number, remote_id, payload, steps)
        if self.settings.register and REGISTER not in steps:
            self.register(number, remote_id, steps)
        if pdf and ATTACHMENT not in steps:
            self.attach_pdf(number, remote_id, payload, steps)
        # The run's map of E-Financials' invoices is not extended: each invoice is sent once per run, and
        # a hundred thousand entries would make the run's memory grow with the period.
        return SendResult(RemoteRef(remote_id, number))

    def ensure_client(self, customer: dict, steps: Steps) -> int:
        if steps.remote_id(CUSTOMER):
            return int(steps.remote_id(CUSTOMER))
        with self._clients_lock:  # one buyer is created once, whichever invoice of theirs goes first
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
                steps.record(CUSTOMER, client_id)
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
                steps.record(CUSTOMER, client["id"])
            return client["id"]

    def ensure_product(self, number: str, sale_article_id: int) -> int:
        """The one catalogue product every row names (Start text ProductCode), created once if missing."""
        with self._product_lock:
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

    def original_id(self, invoice, credited: dict) -> int:
        """The id of the invoice a credit invoice credits, found in E-Financials by its number (an original
        this export found there already rather than sent)."""
        with self._invoices_lock:
            remote = self.run.invoices.get(credited["number"])
        if remote is None:
            self._read_invoices_of(date.fromisoformat(credited["day"]))
            with self._invoices_lock:
                remote = self.run.invoices.get(credited["number"])
        if remote is None:
            raise error("credit_original_not_exported", invoice.number, credited["number"])
        return remote["id"]

    def create_invoice(self, invoice, body: dict) -> int:
        number = self.remote_number(invoice)
        try:
            result = self.api.write("POST", "sale_invoices", body)
        except WriteRefused as refused:
            if body["sale_invoice_type"] == "CREDIT-INVOICE" and "already exists" not in refused.detail:
                raise error("credit_refused", invoice.number, invoice.credited_invoice.number,
                            refused.detail) from None
            if refused.status == 409:
                # Possibly the number is taken: by our own earlier create that was committed late (same
                # date), or by an invoice made in E-Financials on another date (read them all, rarely).
                self._read_invoices_of(invoice.invoice_date)
                remote = self.run.invoices.get(number)
                if remote is None:
                    with self._invoices_lock:
                        self.run.add_invoices(self.api.pages("sale_invoices"))
                    remote = self.run.invoices.get(number)
                if remote is not None and remote.get("status") != "CONFIRMED" and _is_ours(remote, invoice):
                    return remote["id"]
                if remote is not None:
                    raise error("already_exists", [number]) from None
            raise error("cannot_send_invoice", number, refused.detail) from None
        return self.api.created_id(result, "POST", "sale_invoices")

    def register(self, number: str, remote_id: str, steps: Steps) -> None:
        try:
            self.api.write("PATCH", f"sale_invoices/{remote_id}/register")
        except WriteRefused as refused:
            # Already confirmed (our earlier register got through unanswered) is done, not a failure.
            if not (refused.status == 409 and self._read_progress(int(remote_id), steps) and REGISTER in steps):
                raise error("cannot_send_invoice", number, refused.detail) from None
            return
        steps.record(REGISTER, remote_id)

    def attach_pdf(self, number: str, remote_id: str, payload, steps: Steps) -> None:
        body = {"name": payload.pdf_name, "contents": base64.b64encode(payload.pdf).decode("ascii")}
        try:
            self.api.write("PUT", f"sale_invoices/{remote_id}/document_user", body)
        except WriteRefused as refused:
            raise error("cannot_send_invoice", number, refused.detail) from None
        steps.record(ATTACHMENT, remote_id)


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
