"""Sending one invoice: the product, the dimension items and the customer when Netvisor lacks them, then
the invoice with its PDF copy in one call (salesinvoice.nv carries the attachment).

Steps (exports.connectors.steps): "customer" (a customer this send created), "invoice" (the invoice,
with its NetvisorKey) and, for a credit note, "match" (matchcreditnote.nv matched it to the invoice it
credits; Netvisor does not match credit notes by itself, spec 5.9). Each is recorded as soon as its
call succeeded; the engine commits it before the next call. The product and dimension items are shared
by every invoice and created once, under a lock.

Exactly once, across lost answers: after a write whose answer never came, what it may have created is
read again before it is created again (customers by code, the product by code, dimension items, the
invoice by its number). Netvisor refusing a duplicate (DUPLICATE_DATA) is looked into the same way: our
own earlier write is adopted, anything else is "already exists".
"""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from ..base import ExportError, RemoteRef, SendResult
from ..steps import Steps
from .api import NetvisorApi, Refusal, detail
from .build import NetvisorDocument
from .messages import CATALOGUE
from .reference import CompanyData, ProductSpec, Reader
from .xml import add

CUSTOMER, INVOICE, MATCH = "customer", "invoice", "match"


def error(code: str, *params, **kwargs) -> ExportError:
    return ExportError(CATALOGUE, code, *params, **kwargs)


class Sender:
    def __init__(self, api: NetvisorApi, company: CompanyData, product: ProductSpec, status: str = "open"):
        self.api = api
        self.status = status
        self.reader = Reader(api)
        self.company = company
        self.product = product
        self.in_doubt = {"customers": False, "product": False, "dimensions": False}

    # -- is it there? ------------------------------------------------------------------------------------
    def find_existing(self, invoice, refresh: bool, steps: Steps, customer_key: str) -> RemoteRef | None:
        number = str(invoice.number)
        recorded = steps.remote_id(INVOICE)
        if recorded and not refresh:
            return RemoteRef(recorded, number, complete=not self._match_left(invoice, steps))
        if refresh or not self.company.covers(invoice.invoice_date):
            self._read_number(number)
        with self.company.lock:
            remote = self.company.invoices.get(number)
        if remote is None:
            if recorded:
                steps.forget(INVOICE)  # deleted in Netvisor meanwhile: send it again
            return None
        if refresh and not recorded and is_ours(remote, invoice, customer_key):
            # Our own invoice from a call whose answer was lost: it is complete (one call carries it all).
            steps.record(INVOICE, remote["key"])
        return RemoteRef(remote["key"], number,
                         complete=not (steps.remote_id(INVOICE) and self._match_left(invoice, steps)))

    def _match_left(self, invoice, steps: Steps) -> bool:
        """A credit note of ours not yet matched to its invoice (when the status lets Netvisor match it)."""
        return bool(invoice.credited_invoice_id) and self.status == "open" and MATCH not in steps

    def _read_number(self, number: str) -> None:
        rows = self.reader.invoices_numbered(number)
        with self.company.lock:
            self.company.invoices.pop(number, None)
            for row in rows:
                self.company.invoices[row["number"]] = row

    # -- send -------------------------------------------------------------------------------------------
    def send(self, invoice, document: NetvisorDocument, steps: Steps) -> SendResult:
        number = document.number
        recorded = steps.remote_id(INVOICE)
        if recorded:
            return self._matched(invoice, document, recorded, steps)
        self.ensure_product()
        for name, item in document.dimensions:
            self.ensure_dimension_item(name, item)
        self.ensure_customer(document, steps)
        key = self.create_invoice(invoice, document)
        steps.record(INVOICE, key)
        with self.company.lock:
            self.company.invoices[number] = {"key": key, "number": number, "sum": invoice.total,
                                             "customer_code": document.customer.key}
        return self._matched(invoice, document, key, steps)

    def _matched(self, invoice, document: NetvisorDocument, key: str, steps: Steps) -> SendResult:
        """A credit note is matched to the invoice it credits (matchcreditnote.nv), which Netvisor does only
        for open invoices; with status unsent it stays unmatched, with a warning saying so."""
        ref = SendResult(RemoteRef(key, document.number))
        if document.credits is None or MATCH in steps:
            return ref
        original_number, original_key = document.credits
        if self.status != "open":
            ref.warnings.append((CATALOGUE.qualified("credit_not_matched"),
                                 CATALOGUE.text("credit_not_matched", document.number, original_number)))
            return ref
        if not original_key:
            self._read_number(original_number)
            with self.company.lock:
                remote = self.company.invoices.get(original_number)
            if remote is None:
                raise error("credit_original_not_exported", document.number, original_number)
            original_key = remote["key"]
        body = etree.Element("root")
        match = add(body, "matchcreditnote")
        add(match, "creditnotenetvisorkey", key)
        add(match, "invoicenetvisorkey", original_key)
        try:
            self.api.write("matchcreditnote.nv", None, body)
        except Refusal as refused:
            # A match whose answer was lost is refused when repeated: it is done, not a failure.
            if "matched already" not in refused.text:
                raise error("credit_refused", document.number, original_number, detail(refused.text),
                            status=refused.http_status) from None
        steps.record(MATCH, key)
        return ref

    def ensure_product(self) -> None:
        """The product every row names, in its product group: created once when Netvisor lacks it."""
        with self.company.lock:
            if self.company.product is None and self.in_doubt["product"]:
                self.company.product = self.reader.product(self.product)
                self.in_doubt["product"] = False
            if self.company.product is not None:
                return
            spec = self.product
            root = etree.Element("root")
            base = add(add(root, "product"), "productbaseinformation")
            add(base, "productcode", spec.code)
            add(base, "productgroup", spec.group)
            add(base, "name", spec.name)
            add(base, "unitprice", "0,00", type="net")
            add(base, "isactive", "1")
            add(base, "issalesproduct", "1")
            try:
                answer = self._write("product.nv", root, "product")
            except Refusal as refused:
                if refused.category == "DUPLICATE_DATA":
                    self.company.product = self.reader.product(spec)
                    if self.company.product is not None:
                        return
                raise error("cannot_create_product", spec.code, spec.group, detail(refused.text),
                            status=refused.http_status) from None
            self.company.product = {"key": self.api.inserted_id(answer, "product.nv"), "code": spec.code,
                                    "name": spec.name}

    def ensure_dimension_item(self, name: str, item: str) -> None:
        """An economic unit of the account coding as an item of its dimension, created when missing."""
        with self.company.lock:
            if not self.company.has_dimension_item(name, item) and self.in_doubt["dimensions"]:
                self.company.dimensions = self.reader.dimensions()
                self.in_doubt["dimensions"] = False
            if self.company.has_dimension_item(name, item):
                return
            root = etree.Element("root")
            body = add(root, "dimensionitem")
            add(body, "name", name)
            add(body, "item", item)
            try:
                self._write("dimensionitem.nv", root, "dimensions")
            except Refusal as refused:
                if refused.category != "DUPLICATE_DATA":  # there already: what we wanted
                    raise error("cannot_create_dimension", name, item, detail(refused.text),
                                status=refused.http_status) from None
            self.company.add_dimension_item(name, item)

    def ensure_customer(self, document: NetvisorDocument, steps: Steps) -> None:
        customer = document.customer
        if CUSTOMER in steps:
            return
        with self.company.lock:
            if customer.key not in self.company.customers and self.in_doubt["customers"]:
                self.company.customers.update(self.reader.customers([customer.key]))
                self.in_doubt["customers"] = False
            if customer.key in self.company.customers:
                return
            try:
                answer = self._write("customer.nv", etree.fromstring(customer.xml), "customers")
            except Refusal as refused:
                if refused.category == "DUPLICATE_DATA":
                    self.company.customers.update(self.reader.customers([customer.key]))
                    if customer.key in self.company.customers:
                        return
                raise error("cannot_create_customer", customer.opter_code, detail(refused.text),
                            status=refused.http_status) from None
            key = self.api.inserted_id(answer, "customer.nv")
            self.company.customers[customer.key] = {"key": key, "code": customer.key, "name": customer.name}
            steps.record(CUSTOMER, key)

    def create_invoice(self, invoice, document: NetvisorDocument) -> str:
        number = document.number
        try:
            answer = self.api.write("salesinvoice.nv", {"method": "add"}, etree.fromstring(document.invoice_xml))
        except Refusal as refused:
            if refused.category == "DUPLICATE_DATA":
                # The number is taken: by our own earlier add whose answer was lost, or by another invoice.
                self._read_number(number)
                remote = self.company.invoices.get(number)
                if remote is not None and is_ours(remote, invoice, document.customer.key):
                    return remote["key"]
                if remote is not None:
                    raise error("already_exists", [number]) from None
            raise error("cannot_send_invoice", number, detail(refused.text), status=refused.http_status) from None
        return self.api.inserted_id(answer, "salesinvoice.nv")

    def _write(self, resource: str, body, shared: str):
        """A write of shared data: an unanswered one leaves it in doubt, to be read again before retrying."""
        try:
            return self.api.write(resource, {"method": "add"}, body)
        except ExportError as exc:
            if exc.may_have_reached_target:
                self.in_doubt[shared] = True
            raise


def is_ours(remote: dict, invoice, customer_key: str) -> bool:
    """An invoice with our number is ours when its total and customer are the invoice's too."""
    total = remote.get("sum")
    return (total is not None and Decimal(total) == invoice.total
            and (remote.get("customer_code") or customer_key) == customer_key)
