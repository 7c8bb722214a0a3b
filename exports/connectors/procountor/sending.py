"""Sending one invoice in steps, exactly once (spec section 14, steps 8-13):

    customer        POST businesspartners (a new customer; an existing one is updated, no step)
    product_group   POST products/groups (once, when the group is missing)
    dimension_item  POST dimensions/{id}/items (a department or group Procountor does not have yet)
    product         POST products (an accounting product not made by an earlier run)
    invoice         POST invoices
    account_coding  GET + PUT ledgerreceipts/{id}: accounts and dimensions of every row, the receivable
    attachment      POST attachments (the PDF copy; a refusal is a warning: attachment_warning)
    approve, send   PUT invoices/{id}/approve, /send (Start text AfterCreate)

Each step is recorded as it completes; a later attempt continues after the last one. The account coding
is a PUT of the whole receipt with the version just read, so doing it again is harmless.
"""
from __future__ import annotations

from decimal import Decimal

from ..base import ExportError, Payload, RemoteRef, SendResult
from ..steps import Steps
from .api import ProcountorApi, Refused
from .messages import CATALOGUE
from .reference import GONE, RunData, find_invoices
from .registers import Registers
from .settings import Settings

INVOICE, CODING, ATTACHMENT, ATTACHMENT_WARNING, APPROVE, SEND = (
    "invoice", "account_coding", "attachment", "attachment_warning", "approve", "send")


class Sender:
    def __init__(self, api: ProcountorApi, settings: Settings, run: RunData, registers: Registers, include_pdf: bool):
        self.api = api
        self.settings = settings
        self.run = run
        self.registers = registers
        self.include_pdf = include_pdf
        self._receipts: dict[str, int] = {}  # invoice id -> ledger receipt id, as POST invoices answered

    # -- is it there? ------------------------------------------------------------------------------------------
    def find_existing(self, invoice, refresh: bool, steps: Steps) -> RemoteRef | None:
        number = str(invoice.number)
        remote_id = steps.remote_id(INVOICE)
        if remote_id is None:
            found = self._invoices_numbered(invoice, refresh)
            if not found:
                return None
            remote = found[0]
            total = (remote.get("invoiceSumInfo") or {}).get("invoiceSumTotal")
            ours = (refresh and remote.get("status") == "UNFINISHED" and total is not None
                    and Decimal(str(total)) == invoice.total)
            if not ours:
                return RemoteRef(str(remote["id"]), number)
            # Our own invoice whose answer was lost: finish it instead of sending it again.
            steps.record(INVOICE, remote["id"])
            remote_id = str(remote["id"])
        try:
            full = self.api.call("GET", f"invoices/{remote_id}")
        except Refused as refused:
            if refused.status == 404:  # deleted in Procountor meanwhile: start again
                steps.forget(INVOICE, CODING, ATTACHMENT, ATTACHMENT_WARNING, APPROVE, SEND)
                return None
            raise self.api.call_error(refused) from None
        if not isinstance(full, dict) or full.get("status") in GONE:
            steps.forget(INVOICE, CODING, ATTACHMENT, ATTACHMENT_WARNING, APPROVE, SEND)
            return None
        if isinstance(full.get("ledgerReceiptId"), int):
            self._receipts[remote_id] = full["ledgerReceiptId"]
        attachments = [a for a in full.get("attachments") or [] if a.get("name") == f"Invoice_{number}.pdf"]
        if attachments and ATTACHMENT not in steps:
            steps.record(ATTACHMENT, attachments[0].get("id"))
        status = full.get("status")
        if status in ("NOT_SENT", "SENT") and APPROVE not in steps:
            steps.record(APPROVE, remote_id)
        if status == "SENT" and SEND not in steps:
            steps.record(SEND, remote_id)
        return RemoteRef(remote_id, number, complete=not self._left(steps))

    def _invoices_numbered(self, invoice, refresh: bool) -> list[dict]:
        number = str(invoice.number)
        covered = self.run.covered
        if refresh or covered is None or not covered[0] <= invoice.invoice_date <= covered[1]:
            with self.run.lock:
                self.run.invoices[number] = find_invoices(self.api, number)
        return self.run.invoices.get(number, [])

    def _left(self, steps: Steps) -> list[str]:
        wanted = [CODING]
        if self.include_pdf and ATTACHMENT_WARNING not in steps:
            wanted.append(ATTACHMENT)
        if self.settings.after_create in ("approve", "send"):
            wanted.append(APPROVE)
        if self.settings.after_create == "send":
            wanted.append(SEND)
        return [step for step in wanted if step not in steps]

    # -- send ---------------------------------------------------------------------------------------------------
    def send(self, invoice, payload: Payload, steps: Steps) -> SendResult:
        body = payload.body
        number = body["number"]
        pairs = [tuple(pair) for pair in body["dimensions"]]
        items = self.registers.item_ids(pairs, steps) if pairs else {}
        remote_id = steps.remote_id(INVOICE)
        if remote_id is None:
            remote_id = self._create(body, steps)
        warnings = []
        if CODING not in steps:
            self._code(number, remote_id, body["coding"], items)
            steps.record(CODING, self._receipts[remote_id])
        if payload.pdf and ATTACHMENT not in steps and ATTACHMENT_WARNING not in steps:
            attachment_id, warning = self._attach(number, remote_id, payload)
            if warning is None:
                steps.record(ATTACHMENT, attachment_id)
            else:
                steps.record(ATTACHMENT_WARNING, remote_id)
                warnings.append((CATALOGUE.qualified("pdf_not_attached"), warning))
        if self.settings.after_create in ("approve", "send") and APPROVE not in steps:
            self._write("PUT", f"invoices/{remote_id}/approve", {})
            steps.record(APPROVE, remote_id)
        if self.settings.after_create == "send" and SEND not in steps:
            self._write("PUT", f"invoices/{remote_id}/send", None)
            steps.record(SEND, remote_id)
        return SendResult(RemoteRef(remote_id, number), warnings=warnings)

    def _create(self, body: dict, steps: Steps) -> str:
        partner_id = self.registers.partner_id(body["customer"], steps)
        product_ids = self.registers.product_ids(body["products"], body["product_dimensions"], steps)
        invoice = dict(body["invoice"], partnerId=partner_id)
        invoice["invoiceRows"] = [{**row, "productId": product_ids[row["productCode"]]}
                                  for row in body["invoice"]["invoiceRows"]]
        try:
            created = self.api.call("POST", "invoices", body=invoice)
        except Refused as refused:
            if body.get("credits") and body["credit_link"] in refused.detail:
                raise ExportError(CATALOGUE, "credit_refused", body["number"], body["credits"], refused.detail,
                                  status=refused.status, excerpt=f"{refused.call}: {refused.described()}") from None
            raise self._refused_invoice(body["number"], refused) from None
        if not isinstance(created, dict) or not isinstance(created.get("id"), int) \
                or not isinstance(created.get("ledgerReceiptId"), int):
            raise self.api.unparsable("POST invoices: no invoice id and ledger receipt id in the answer")
        remote_id = str(created["id"])
        self._receipts[remote_id] = created["ledgerReceiptId"]
        steps.record(INVOICE, remote_id)
        with self.run.lock:
            self.run.invoices.setdefault(body["number"], []).append(created)
        return remote_id

    def _refused_invoice(self, number: str, refused: Refused) -> ExportError:
        """A refused invoice whose number an invoice in Procountor already has (made there, or by another
        installation) is "already exist"; anything else is "Error during API call" with Procountor's words."""
        if "invoiceNumber" in refused.detail:
            with self.run.lock:
                self.run.invoices[number] = find_invoices(self.api, number)
            taken = self.run.invoices[number] or (
                number.isdigit() and find_invoices(self.api, number, by="invoiceNumber"))
            if taken:
                return ExportError(CATALOGUE, "already_exists", [number], status=refused.status,
                                   excerpt=f"{refused.call}: {refused.described()}")
        return self.api.call_error(refused)

    # -- the account coding (spec 12) -----------------------------------------------------------------------------
    def _receipt_id(self, remote_id: str) -> int:
        if remote_id not in self._receipts:
            full = self.api.get(f"invoices/{remote_id}")
            if not isinstance(full, dict) or not isinstance(full.get("ledgerReceiptId"), int):
                raise self.api.unparsable(f"GET invoices/{remote_id}: no ledgerReceiptId")
            self._receipts[remote_id] = full["ledgerReceiptId"]
        return self._receipts[remote_id]

    def _code(self, number: str, remote_id: str, coding: dict, items: dict) -> None:
        """Each ENTRY of the receipt (one per row) on the row's account with its dimension items, the
        receivable on Opter's receivable account; signs and amounts stay as Procountor made them. A refused
        PUT is read and tried once more (the receipt may have changed meanwhile)."""
        receipt_id = self._receipt_id(remote_id)
        for attempt in (1, 2):
            try:
                receipt = self.api.call("GET", f"ledgerreceipts/{receipt_id}")
            except Refused as refused:
                raise ExportError(CATALOGUE, "coding_not_retrieved", number, status=refused.status,
                                  excerpt=f"{refused.call}: {refused.described()}") from None
            if not isinstance(receipt, dict) or not isinstance(receipt.get("transactions"), list):
                raise ExportError(CATALOGUE, "coding_not_retrieved", number,
                                  excerpt=f"GET ledgerreceipts/{receipt_id}: no transactions in the answer")
            coded = self._coded(number, receipt, coding, items)
            try:
                self.api.call("PUT", f"ledgerreceipts/{receipt_id}", params={"createReconciliation": "false"},
                              body=coded)
                return
            except Refused as refused:
                if attempt == 2 or refused.status not in (400, 409):
                    raise ExportError(CATALOGUE, "coding_not_updated", number, status=refused.status,
                                      excerpt=f"{refused.call}: {refused.described()}") from None

    @staticmethod
    def _coded(number: str, receipt: dict, coding: dict, items: dict) -> dict:
        transactions = [dict(t) for t in receipt["transactions"]]
        entries = [t for t in transactions if t.get("transactionType") == "ENTRY"]
        if len(entries) != len(coding["rows"]):
            raise ExportError(CATALOGUE, "coding_not_updated", number,
                              excerpt=f"The ledger receipt has {len(entries)} entries for {len(coding['rows'])} rows")
        for entry, row in zip(entries, coding["rows"], strict=True):
            entry["account"] = row["account"]
            entry["dimensionItemValues"] = [
                {"dimensionId": items[tuple(pair)][0], "itemId": items[tuple(pair)][1],
                 "value": entry["accountingValue"]} for pair in row["dimensions"]]
        for transaction in transactions:
            if transaction.get("transactionType") == "REVERSING_ENTRY":
                transaction["account"] = coding["receivable"]
        return {**receipt, "transactions": transactions}

    # -- the PDF copy (spec 13) -------------------------------------------------------------------------------------
    def _attach(self, number: str, remote_id: str, payload: Payload) -> tuple[int | None, str | None]:
        """(attachment id, None) when attached; else (None, the warning): the invoice stands (seed 002).
        Transport faults are raised: the engine retries, and finds the attachment if only the answer was lost."""
        try:
            created = self.api.attach(payload.pdf_name, payload.pdf, int(remote_id))
        except Refused as refused:
            return None, CATALOGUE.text("pdf_not_attached", number, f"{refused.call}: {refused.described()}")
        return created["id"], None

    def _write(self, method: str, path: str, body) -> None:
        try:
            self.api.call(method, path, body=body)
        except Refused as refused:
            raise self.api.call_error(refused) from None
