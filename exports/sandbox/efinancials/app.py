"""The e-Financials (RIK e-arveldaja) API simulator: the /v1 paths an invoice export uses.

Order of processing, as RIK documents it: authenticate -> route -> schema -> business rules.
Response shapes follow spec section 4: paged lists, bare arrays, single objects and the
``{code, messages, created_object_id}`` result of every write.
"""
from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from ..simulator import Simulator
from ..wsgi import HttpError, Request, Response, json_response
from . import rules, schemas
from .auth import verify
from .received import received_data, received_html
from .store import Store

API_PREFIX = "/v1/"


@dataclass
class EFinancialsOptions:
    """Protocol points the spec leaves UNCONFIRMED, settable per sandbox."""

    page_size: int = 100  # items per page of the paged lists
    max_clock_skew: int = 300  # seconds X-AUTH-QUERYTIME may differ from the server clock
    validation_status: int = 400  # 400 or 422 for schema failures
    success_code: int = 0  # the "code" of a successful write (0 or 200 in the client libraries)
    check_registry_code: bool = False  # refuse Estonian registry codes with a wrong check digit
    numeric_number_suffix: bool = True  # refuse invoice numbers with anything but digits
    accept_bank_accounts_id: bool = True  # is bank_accounts_id writable on a sale invoice?
    accept_pdf_after_register: bool = True  # may document_user change on a confirmed invoice?
    max_document_bytes: int = 10 * 1024 * 1024
    currency_rate_direction: str = "units_per_eur"  # or "eur_per_unit": how base amounts are derived


class EFinancialsSimulator(Simulator):
    name = "efinancials"
    title = "RIK e-Financials"
    Options = EFinancialsOptions
    api_prefix = API_PREFIX

    write_steps = {
        "customer": r"^POST /v1/clients$",
        "invoice": r"^POST /v1/sale_invoices$",
        "register": r"^PATCH /v1/sale_invoices/\d+/register$",
        "attachment": r"^PUT /v1/sale_invoices/\d+/document_user$",
    }

    def add_routes(self, r) -> None:
        r("GET", "/v1/clients", self.list_clients)
        r("POST", "/v1/clients", self.create_client)
        r("GET", "/v1/clients/<int:id>", self.get_client)
        r("PATCH", "/v1/clients/<int:id>", self.update_client)
        r("GET", "/v1/accounts", self.array("accounts"))
        r("GET", "/v1/account_dimensions", self.array("account_dimensions"))
        r("GET", "/v1/sale_articles", self.array("sale_articles"))
        r("GET", "/v1/bank_accounts", self.array("bank_accounts"))
        r("GET", "/v1/currencies", self.array("currencies"))
        r("GET", "/v1/templates", self.array("templates"))
        r("GET", "/v1/invoice_series", self.array("invoice_series"))
        r("GET", "/v1/projects", self.paged("projects"))
        r("GET", "/v1/products", self.paged("products"))
        r("POST", "/v1/products", self.create_product)
        r("GET", "/v1/products/<int:id>", self.single("products"))
        r("GET", "/v1/sale_invoices", self.list_sale_invoices)
        r("POST", "/v1/sale_invoices", self.create_sale_invoice)
        r("GET", "/v1/sale_invoices/<int:id>", self.get_sale_invoice)
        r("DELETE", "/v1/sale_invoices/<int:id>", self.delete_sale_invoice)
        r("PATCH", "/v1/sale_invoices/<int:id>/register", self.register_sale_invoice)
        r("PATCH", "/v1/sale_invoices/<int:id>/invalidate", self.invalidate_sale_invoice)
        r("PUT", "/v1/sale_invoices/<int:id>/document_user", self.put_document)
        r("GET", "/v1/sale_invoices/<int:id>/document_user", self.get_document)
        r("DELETE", "/v1/sale_invoices/<int:id>/document_user", self.delete_document)
        r("GET", "/v1/vat_info", self.vat_info)

    # -- simulator plumbing ----------------------------------------------------------------------------
    def reset_state(self) -> None:
        self.store = Store()

    def add_api_key(self, key_id: str, public_value: str, password: str) -> None:
        self.store.add_api_key(key_id, public_value, password)

    def authenticate(self, request: Request) -> None:
        verify(request.header("X-AUTH-QUERYTIME"), request.header("X-AUTH-KEY"), request.full_path,
               self.store.keys, self.options.max_clock_skew)

    # -- what the contract tests read ---------------------------------------------------------------------
    def booked_invoices(self) -> list[dict]:
        with self.store.lock:
            return [{"number": invoice["number"], "remote_id": str(invoice_id),
                     "complete": invoice["status"] == "CONFIRMED", "has_pdf": invoice_id in self.store.documents}
                    for invoice_id, invoice in self.store.sale_invoices.items() if not invoice.get("is_deleted")]

    def credit_links(self) -> dict[str, str]:
        """Each credit invoice's number -> the number of the invoice it credits."""
        with self.store.lock:
            invoices = self.store.sale_invoices
            return {invoice["number"]: invoices[invoice["credit_sale_invoices_id"]]["number"]
                    for invoice in invoices.values()
                    if invoice.get("credit_sale_invoices_id") and not invoice.get("is_deleted")}

    def customer_keys(self) -> list[str]:
        with self.store.lock:
            return [client["code"] for client in self.store.clients.values() if not client.get("is_deleted")]

    def handle_page(self, request: Request) -> Response:
        prefix = "/_received/documents/"
        if request.path.startswith(prefix) and request.path[len(prefix):].isdigit():
            document = self.store.documents.get(int(request.path[len(prefix):]))
            if document is None:
                return json_response({"code": 404, "messages": ["No document."]}, 404)
            disposition = f'inline; filename="{document["name"]}"'
            return Response(200, document["contents"], [("Content-Type", "application/pdf"),
                                                        ("Content-Disposition", disposition)])
        return super().handle_page(request)

    def received(self) -> dict:
        with self.store.lock:
            return received_data(self.store)

    def received_html(self) -> str:
        with self.store.lock:
            return received_html(self.store, self.mount)

    # -- helpers ----------------------------------------------------------------------------------------
    def invalid(self, problems: list[str]) -> HttpError:
        status = self.options.validation_status
        return HttpError(status, {"code": status, "messages": problems})

    def body(self, request: Request, fields, required, *, partial=False, items=None) -> dict:
        body = request.json(lambda message: self.invalid([message]))
        problems = schemas.problems_in(body, fields, required, partial=partial, items=items)
        if problems:
            raise self.invalid(problems)
        return body

    def ok(self, message: str, created_id: int | None = None) -> Response:
        data = {"code": self.options.success_code, "messages": [message]}
        if created_id is not None:
            data["created_object_id"] = created_id
        return json_response(data)

    def page_of(self, request: Request, rows: list[dict]) -> Response:
        raw = request.query.get("page", "1")
        if not raw.isdigit() or int(raw) < 1:
            raise self.invalid([f"page: {raw!r} is not a page number (1 or more)."])
        page, size = int(raw), max(1, self.options.page_size)
        total_pages = max(1, math.ceil(len(rows) / size))
        return json_response({"current_page": page, "total_pages": total_pages,
                              "items": copy.deepcopy(rows[(page - 1) * size: page * size])})

    def array(self, collection: str):
        def handler(request: Request) -> Response:
            return json_response(self.store.snapshot(collection))
        return handler

    def paged(self, collection: str):
        def handler(request: Request) -> Response:
            return self.page_of(request, list(getattr(self.store, collection).values()))
        return handler

    def single(self, collection: str):
        def handler(request: Request, id: int) -> Response:  # noqa: A002 - the route's name
            return json_response(copy.deepcopy(self.found(collection, id)))
        return handler

    def found(self, collection: str, id_: int) -> dict:
        row = getattr(self.store, collection).get(id_)
        if row is None or row.get("is_deleted"):
            raise HttpError(404, {"code": 404, "messages": [f"{collection} {id_} not found."]})
        return row

    # -- clients ------------------------------------------------------------------------------------------
    def list_clients(self, request: Request) -> Response:
        return self.page_of(request, list(self.store.clients.values()))

    def get_client(self, request: Request, id: int) -> Response:  # noqa: A002
        return json_response(copy.deepcopy(self.found("clients", id)))

    def create_client(self, request: Request) -> Response:
        body = self.body(request, schemas.CLIENT_FIELDS, schemas.CLIENT_REQUIRED)
        client = {name: None for name in schemas.CLIENT_FIELDS} | {
            "is_staff": False, "is_physical_entity": False, "is_juridical_entity": False} | body
        rules.check_client(client, check_registry_code=self.options.check_registry_code)
        client.update(id=self.store.new_id("clients"), is_deleted=False, is_associate_company=False,
                      is_parent_company_group=False, is_related_party=False)
        self.store.clients[client["id"]] = client
        self.store.log_write("POST", request.path, client["id"], f"client {client['code']} {client['name']}")
        return self.ok("Client saved.", client["id"])

    def update_client(self, request: Request, id: int) -> Response:  # noqa: A002
        client = self.found("clients", id)
        body = self.body(request, schemas.CLIENT_FIELDS, schemas.CLIENT_REQUIRED, partial=True)
        updated = {**client, **body}
        rules.check_client(updated, check_registry_code=self.options.check_registry_code)
        client.update(body)
        self.store.log_write("PATCH", request.path, id, f"client {client['code']}: {', '.join(sorted(body))}")
        return self.ok("Client saved.")

    # -- products -------------------------------------------------------------------------------------------
    def create_product(self, request: Request) -> Response:
        body = self.body(request, schemas.PRODUCT_FIELDS, schemas.PRODUCT_REQUIRED)
        if len(body["code"]) > 20:
            raise rules.conflict("The product code may be at most 20 characters long.")
        if any(p["code"] == body["code"] and not p.get("is_deleted") for p in self.store.products.values()):
            raise rules.conflict(f"A product with the code {body['code']} already exists.")
        if body["cl_sale_articles_id"] not in self.store.sale_articles:
            raise rules.conflict(f"Sale article {body['cl_sale_articles_id']} does not exist.")
        product = {name: None for name in schemas.PRODUCT_FIELDS} | body | {
            "id": self.store.new_id("products"), "is_deleted": False}
        self.store.products[product["id"]] = product
        self.store.log_write("POST", request.path, product["id"], f"product {product['code']}")
        return self.ok("Product saved.", product["id"])

    # -- sale invoices --------------------------------------------------------------------------------
    def list_sale_invoices(self, request: Request) -> Response:
        start, end = request.query.get("start_date"), request.query.get("end_date")
        problems = [f"{name}: must be a date YYYY-MM-DD."
                    for name, value in (("start_date", start), ("end_date", end))
                    if value and schemas.parse_date(value) is None]
        if problems:
            raise self.invalid(problems)
        rows = []
        for invoice in self.store.sale_invoices.values():
            if invoice.get("is_deleted"):
                continue
            if start and invoice["journal_date"] < start or end and invoice["journal_date"] > end:
                continue
            if request.query.get("clients_id") and str(invoice["clients_id"]) != request.query["clients_id"]:
                continue
            if request.query.get("status") and invoice["status"] != request.query["status"]:
                continue
            rows.append({k: v for k, v in invoice.items() if k not in ("items", "is_deleted")})
        return self.page_of(request, rows)

    def get_sale_invoice(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.found("sale_invoices", id)
        return json_response({k: v for k, v in copy.deepcopy(invoice).items() if k != "is_deleted"})

    def create_sale_invoice(self, request: Request) -> Response:
        fields = dict(schemas.SALE_INVOICE_FIELDS)
        if not self.options.accept_bank_accounts_id:
            fields.pop("bank_accounts_id")
        body = self.body(request, fields, schemas.SALE_INVOICE_REQUIRED, items=schemas.ITEM_SCHEMA)
        original = rules.credited_invoice(self.store, body)
        rows = rules.check_invoice(self.store, body, self.options)
        number = (body.get("number_prefix") or "") + body["number_suffix"]
        if original is not None and body["number_suffix"] == original["number_suffix"]:
            number += "K"  # spec 12.1: a credit invoice numbered like its original gets a K suffix
        if any(inv["number"] == number and not inv.get("is_deleted")
               for inv in self.store.sale_invoices.values()):
            raise rules.conflict(f"An invoice with the number {number} already exists.")
        invoice_id = self.store.new_id("sale_invoices")
        for row in rows:
            row["id"] = self.store.new_id("items")
        totals = rules.compute_totals(rows, per_item_rounding=bool(body.get("use_per_item_rounding")),
                                      currency_rate=Decimal(body.get("currency_rate") or 1),
                                      rate_direction=self.options.currency_rate_direction)
        client = self.store.clients[body["clients_id"]]
        invoice = {**body, "id": invoice_id, "number": number,
                   "number_prefix": body.get("number_prefix") or "", "client_name": client["name"],
                   "status": "PROJECT", "payment_status": None,
                   "bank_ref_number": rules.bank_reference(invoice_id), "items": rows, **totals,
                   "credit_invoices": [],
                   "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "is_deleted": False}
        self.store.sale_invoices[invoice_id] = invoice
        if original is not None:
            original.setdefault("credit_invoices", []).append({"id": invoice_id, "number": number})
        self.store.log_write("POST", request.path, invoice_id,
                             f"sale invoice {number}, gross {totals['gross_price']}")
        return self.ok("Invoice saved.", invoice_id)

    def register_sale_invoice(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.found("sale_invoices", id)
        if invoice["status"] == "CONFIRMED":
            raise rules.conflict(f"Invoice {invoice['number']} is already confirmed.")
        invoice.update(status="CONFIRMED", payment_status="NOT_PAID")
        self.store.log_write("PATCH", request.path, id, f"registered {invoice['number']}")
        return self.ok("Invoice confirmed.")

    def invalidate_sale_invoice(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.found("sale_invoices", id)
        if invoice["status"] != "CONFIRMED":
            raise rules.conflict(f"Invoice {invoice['number']} is not confirmed.")
        invoice.update(status="PROJECT", payment_status=None)
        self.store.log_write("PATCH", request.path, id, f"invalidated {invoice['number']}")
        return self.ok("Invoice invalidated.")

    def delete_sale_invoice(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.found("sale_invoices", id)
        if invoice["status"] == "CONFIRMED":
            raise rules.conflict(f"Invoice {invoice['number']} is confirmed; invalidate it first.")
        invoice["is_deleted"] = True
        self.store.documents.pop(id, None)
        self.store.log_write("DELETE", request.path, id, f"deleted {invoice['number']}")
        return self.ok("Invoice deleted.")

    # -- the user's document (the Opter PDF) ------------------------------------------------------------
    def put_document(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.found("sale_invoices", id)
        body = self.body(request, schemas.FILE_FIELDS, schemas.FILE_REQUIRED)
        try:
            contents = base64.b64decode(body["contents"], validate=True)
        except (binascii.Error, ValueError):
            raise self.invalid(["contents: must be standard Base64."]) from None
        if not body["name"].strip():
            raise self.invalid(["name: must not be empty."])
        if len(contents) > self.options.max_document_bytes:
            raise rules.conflict(f"The file is larger than {self.options.max_document_bytes} bytes.")
        if not contents.startswith(b"%PDF-"):
            raise rules.conflict("Only PDF files can be attached.")
        if invoice["status"] == "CONFIRMED" and not self.options.accept_pdf_after_register:
            raise rules.conflict(f"Invoice {invoice['number']} is confirmed and cannot be changed.")
        self.store.documents[id] = {"name": body["name"], "contents": contents,
                                    "uploaded_at": datetime.now(UTC).isoformat(timespec="seconds")}
        digest = hashlib.sha256(contents).hexdigest()[:12]
        self.store.log_write("PUT", request.path, id,
                             f"document {body['name']} ({len(contents)} bytes, {digest})")
        return self.ok("File saved.")

    def get_document(self, request: Request, id: int) -> Response:  # noqa: A002
        self.found("sale_invoices", id)
        document = self.store.documents.get(id)
        if document is None:
            raise HttpError(404, {"code": 404, "messages": [f"Invoice {id} has no document."]})
        return json_response({"name": document["name"],
                              "contents": base64.b64encode(document["contents"]).decode()})

    def delete_document(self, request: Request, id: int) -> Response:  # noqa: A002
        self.found("sale_invoices", id)
        if self.store.documents.pop(id, None) is None:
            raise HttpError(404, {"code": 404, "messages": [f"Invoice {id} has no document."]})
        self.store.log_write("DELETE", request.path, id, "document removed")
        return self.ok("File deleted.")

    def vat_info(self, request: Request) -> Response:
        return json_response({"vat_number": self.store.company["vat_number"],
                              "tax_refnumber": self.store.company["tax_refnumber"]})
