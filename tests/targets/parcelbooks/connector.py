"""The Parcel Books connector: the kit end to end in a small space. An OAuth token from the token store,
business errors found in 200 bodies by the HttpClient's body hook, the Opter side from the kit's loader,
row texts and totals from the kit, and a send in four steps (customer, invoice, post, pdf)."""
from __future__ import annotations

import base64
import threading
from decimal import Decimal

from accounting.services.coding import AccountCodingError
from exports.connectors.auth import BearerTokenAuth
from exports.connectors.base import Connector, ExportError, Payload, Problem, RemoteRef, SendResult
from exports.connectors.http import HttpStatusError
from exports.connectors.opter import OpterData
from exports.connectors.rows import build_rows, totals, totals_mismatch
from exports.connectors.tokens import TokenSource, login_key

from . import CATALOGUE, TARGET

CUSTOMER, INVOICE, POST, PDF = "customer", "invoice", "post", "pdf"


class ParcelBooksConnector(Connector):
    type = TARGET.type
    catalogue = CATALOGUE

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        self.settings = TARGET.start_text.parse(export.start_text)
        base = export.base_url.rstrip("/") + "/api/"
        self.tokens = TokenSource(export, login_key(base, export.client_identity), self._login)
        self.http = self.http_client(base, auth=BearerTokenAuth(self.tokens), check_body=self._refused_in_body)
        self.opter = OpterData()
        self.vat_codes = {code.vat_rate_id: code.code for code in export.codes.filter(kind="tax_rate")}
        self.customers: dict[str, dict] = {}
        self._customers_lock = threading.Lock()
        self._customers_in_doubt = False

    # -- transport --------------------------------------------------------------------------------------------
    def _login(self) -> tuple[str, float]:
        export = self.export
        response = self.http.request("POST", "oauth/token", authenticated=False, form={
            "grant_type": "client_credentials", "client_id": export.client_identity,
            "client_secret": export.client_key})
        data = self.http.json_of(response)
        return data["access_token"], data["expires_in"]

    def _refused_in_body(self, response) -> None:
        if response.headers.get("Content-Type", "").startswith("application/json"):
            data = response.json()
            if isinstance(data, dict) and data.get("ok") is False:
                raise self.error("refused", data.get("error", ""), status=response.status_code)

    def _pages(self, path: str, params=None) -> list[dict]:
        items, page = [], 1
        while page:
            data = self.http.get_json(path, params={**(params or {}), "page": page})
            items += data["items"]
            page = data["next_page"]
        return items

    # -- the contract -------------------------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        try:
            self._pages("customers")
        except ExportError as exc:
            return [Problem(exc.code, exc.message)]
        return []

    def prepare(self, invoices) -> None:
        self.customers = {c["number"]: c for c in self._pages("customers")}

    def prefetch(self, invoices) -> None:
        self.opter.load(invoices)

    def build(self, invoice, pdf: bytes | None) -> Payload:
        number = str(invoice.number)
        try:
            receivable = self.opter.receivable(invoice)
            rows = build_rows(self.opter.line_facts(invoice))
        except AccountCodingError as exc:
            raise ExportError.from_coding(CATALOGUE, exc) from None
        mismatch = totals_mismatch(invoice, rows)
        if mismatch:
            raise self.error("cannot_send_invoice", number, mismatch)
        if self.export.include_pdf_copy and not (pdf and pdf.startswith(b"%PDF-")):
            raise self.error("invoice_file_not_generated")
        uncoded = sorted({row.line.vat_label for row in rows if row.line.vat_rate_id not in self.vat_codes})
        if uncoded:
            raise self.error("cannot_send_invoice", number, f"no VAT code on the Codes tab for {', '.join(uncoded)} %")
        customer = invoice.customer
        body = {"number": number, "date": invoice.invoice_date.isoformat(), "due_date": invoice.due_date.isoformat(),
                "receivable_account": receivable.number,
                "currency": invoice.currency.code, "total": totals(rows)[2],
                "rows": [{"text": row.title, "account": row.line.account,
                          "vat_code": self.vat_codes[row.line.vat_rate_id], "net": row.line.amount,
                          "vat": row.vat_amount} for row in rows]}
        payload = Payload({"customer": {"number": customer.code, "name": customer.name,
                                        "vat_number": customer.vat_number}, "invoice": body},
                          summary=f"Invoice {number} to Parcel Books: {len(rows)} rows, total {body['total']}",
                          pdf=pdf if self.export.include_pdf_copy else None, pdf_name=f"{number}.pdf")
        return payload

    def find_existing(self, invoice, refresh=False, steps=None) -> RemoteRef | None:
        self.ensure_not_cancelled()
        number = str(invoice.number)
        remote_id = steps.remote_id(INVOICE) if steps is not None else None
        if remote_id is None:
            found = self._pages("invoices", {"number": number})
            if not found:
                return None
            remote = found[0]
            ours = Decimal(str(remote["total"])) == invoice.total and steps is not None and refresh
            if not ours:
                return RemoteRef(str(remote["id"]), number)
            steps.record(INVOICE, remote["id"])
            remote_id = str(remote["id"])
        try:
            remote = self.http.get_json(f"invoices/{remote_id}")
        except ExportError as exc:
            if exc.status == 404:
                steps.forget(INVOICE, POST, PDF)
                return None
            raise
        if remote["status"] == "posted" and POST not in steps:
            steps.record(POST, remote_id)
        if remote["has_pdf"] and PDF not in steps:
            steps.record(PDF, remote_id)
        return RemoteRef(remote_id, number, complete=not self._left(steps))

    def _left(self, steps) -> list[str]:
        wanted = [POST] if self.settings["Post"] else []
        wanted += [PDF] if self.export.include_pdf_copy else []
        return [step for step in wanted if step not in steps]

    def send(self, invoice, payload: Payload, steps) -> SendResult:
        self.ensure_not_cancelled()
        number = str(invoice.number)
        remote_id = steps.remote_id(INVOICE)
        if remote_id is None:
            customer_id = self._customer(payload.body["customer"], steps)
            result = self._write("POST", "invoices", {**payload.body["invoice"], "customer_id": customer_id}, number)
            remote_id = str(result["id"])
            steps.record(INVOICE, remote_id)
        if self.settings["Post"] and POST not in steps:
            self._write("POST", f"invoices/{remote_id}/post", {}, number)
            steps.record(POST, remote_id)
        if payload.pdf and PDF not in steps:
            self._write("PUT", f"invoices/{remote_id}/pdf", {
                "name": payload.pdf_name, "contents": base64.b64encode(payload.pdf).decode()}, number)
            steps.record(PDF, remote_id)
        return SendResult(RemoteRef(remote_id, number))

    def _customer(self, customer: dict, steps) -> int:
        with self._customers_lock:
            known = self.customers.get(customer["number"])
            if known is None and self._customers_in_doubt:
                # After an unanswered create the customer may be there: look before creating again.
                self.customers = {c["number"]: c for c in self._pages("customers")}
                self._customers_in_doubt = False
                known = self.customers.get(customer["number"])
            if known is None:
                try:
                    result = self.http.json_of(self.http.request("POST", "customers", json_body=customer))
                except ExportError as exc:
                    if exc.short_code == "refused":
                        raise self.error("cannot_create_customer", customer["number"], exc.params[0]) from None
                    self._customers_in_doubt = self._customers_in_doubt or exc.may_have_reached_target
                    raise
                known = self.customers[customer["number"]] = {**customer, "id": result["id"]}
                steps.record(CUSTOMER, result["id"])
            return known["id"]

    def _write(self, method: str, path: str, body: dict, number: str) -> dict:
        try:
            return self.http.json_of(self.http.request(method, path, json_body=body))
        except HttpStatusError as exc:
            raise self.error("cannot_send_invoice", number, exc.text) from None
        except ExportError as exc:
            if exc.short_code == "refused":
                raise self.error("cannot_send_invoice", number, exc.params[0]) from None
            raise

    def close(self) -> None:
        self.http.close()

