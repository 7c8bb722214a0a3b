"""The Parcel Books simulator, in the kit's shape: an OAuth token endpoint, bearer tokens that expire,
paged lists, and business errors inside HTTP 200 bodies ({"ok": false, "error": ...})."""
from __future__ import annotations

import base64
import binascii
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs

from exports.sandbox.simulator import ApiError, AuthFailed, Simulator
from exports.sandbox.store import Store, page_by_number
from exports.sandbox.validation import DATE, INT, LIST, NUM, STR, object_schema, problems_in
from exports.sandbox.wsgi import Request, Response, json_response

from . import DEMO_KEY

ROW = object_schema({"text": STR, "account": STR, "vat_code": STR, "net": NUM, "vat": NUM},
                    {"text", "account", "vat_code", "net", "vat"})
INVOICE = object_schema({"number": STR, "customer_id": INT, "date": DATE, "due_date": DATE, "currency": STR,
                         "receivable_account": STR, "total": NUM, "rows": LIST},
                        {"number", "customer_id", "date", "due_date", "currency", "receivable_account", "total",
                         "rows"})
INVOICE["properties"]["rows"] = {"type": "array", "items": ROW, "minItems": 1}
CUSTOMER = object_schema({"number": STR, "name": STR, "vat_number": STR}, {"number", "name"})


@dataclass
class ParcelBooksOptions:
    token_lifetime: int = 3600  # seconds an access token is valid
    page_size: int = 2
    refuse_invoices: str = ""  # when set, every new invoice is refused with this text


class ParcelBooksSimulator(Simulator):
    name = "parcelbooks"
    title = "Parcel Books"
    Options = ParcelBooksOptions
    api_prefix = "/api/"
    write_steps = {"customer": r"^POST /api/customers$", "invoice": r"^POST /api/invoices$",
                   "post": r"^POST /api/invoices/\d+/post$", "pdf": r"^PUT /api/invoices/\d+/pdf$"}

    def add_routes(self, add) -> None:
        add("POST", "/api/oauth/token", self.token)
        add("GET", "/api/customers", self.list_of("customers"))
        add("POST", "/api/customers", self.create_customer)
        add("GET", "/api/invoices", self.list_invoices)
        add("GET", "/api/invoices/<int:id>", self.get_invoice)
        add("POST", "/api/invoices", self.create_invoice)
        add("POST", "/api/invoices/<int:id>/post", self.post_invoice)
        add("PUT", "/api/invoices/<int:id>/pdf", self.put_pdf)

    def reset_state(self) -> None:
        self.store = Store(customers=[{"id": 1, "number": "EXISTING-1", "name": "Old Customer"}], invoices=[])
        self.tokens: dict[str, float] = {}

    def authenticate(self, request: Request) -> None:
        if request.path == "/api/oauth/token":
            return
        token = (request.header("Authorization") or "").removeprefix("Bearer ").strip()
        expires = self.tokens.get(token)
        if expires is None or expires < time.time():
            raise AuthFailed("The access token is missing, unknown or expired.")

    def error_response(self, status, messages, headers=None, **details) -> Response:
        return json_response({"ok": False, "error": " ".join(messages)}, status, headers)

    # -- handlers ------------------------------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        if request.header("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
            raise ApiError(400, "The token endpoint takes a form.")
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
                "client_credentials", DEMO_KEY["client_id"], DEMO_KEY["client_secret"]):
            raise AuthFailed("The client credentials are not valid.")
        token = secrets.token_urlsafe(16)
        self.tokens[token] = time.time() + self.options.token_lifetime
        return json_response({"access_token": token, "expires_in": self.options.token_lifetime})

    def list_of(self, collection: str):
        def handler(request: Request) -> Response:
            return self.page(request, list(getattr(self.store, collection).values()))
        return handler

    def page(self, request: Request, rows: list[dict]) -> Response:
        page = int(request.query.get("page", "1") or 1)
        items, pages = page_by_number(rows, page, self.options.page_size)
        return json_response({"ok": True, "items": items, "next_page": page + 1 if page < pages else None})

    def list_invoices(self, request: Request) -> Response:
        rows = [i for i in self.store.invoices.values()
                if not request.query.get("number") or i["number"] == request.query["number"]]
        return self.page(request, [{k: v for k, v in row.items() if k != "pdf"} for row in rows])

    def get_invoice(self, request: Request, id: int) -> Response:  # noqa: A002 - the route's name
        invoice = self.store.invoices.get(id)
        if invoice is None:
            raise ApiError(404, f"No invoice {id}.")
        return json_response({"ok": True, **{k: v for k, v in invoice.items() if k != "pdf"},
                              "has_pdf": invoice["pdf"] is not None})

    def body(self, request: Request, schema: dict) -> dict:
        body = request.json(lambda message: ApiError(400, message))
        problems = problems_in(body, schema)
        if problems:
            raise ApiError(400, *problems)
        return body

    def refused(self, message: str) -> Response:
        """Business rules are refused inside a 200 answer, as some real APIs do."""
        return json_response({"ok": False, "error": message})

    def create_customer(self, request: Request) -> Response:
        body = self.body(request, CUSTOMER)
        if not body["name"].strip():
            return self.refused("A customer needs a name.")
        customer = {**body, "id": self.store.new_id("customers")}
        self.store.customers[customer["id"]] = customer
        self.store.log_write("POST", request.path, customer["id"], f"customer {body['number']}")
        return json_response({"ok": True, "id": customer["id"]})

    def create_invoice(self, request: Request) -> Response:
        body = self.body(request, INVOICE)
        if self.options.refuse_invoices:
            return self.refused(self.options.refuse_invoices)
        if body["customer_id"] not in self.store.customers:
            return self.refused(f"There is no customer {body['customer_id']}.")
        if any(i["number"] == body["number"] for i in self.store.invoices.values()):
            return self.refused(f"An invoice with the number {body['number']} already exists.")
        rows_total = sum((Decimal(r["net"]) + Decimal(r["vat"]) for r in body["rows"]), Decimal(0))
        if rows_total != Decimal(body["total"]):
            return self.refused(f"The rows add up to {rows_total}, not {body['total']}.")
        invoice = {**body, "id": self.store.new_id("invoices"), "status": "draft", "pdf": None}
        self.store.invoices[invoice["id"]] = invoice
        self.store.log_write("POST", request.path, invoice["id"], f"invoice {body['number']}")
        return json_response({"ok": True, "id": invoice["id"]})

    def post_invoice(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.store.invoices.get(id)
        if invoice is None:
            raise ApiError(404, f"No invoice {id}.")
        if invoice["status"] == "posted":
            return self.refused(f"Invoice {invoice['number']} is already posted.")
        invoice["status"] = "posted"
        self.store.log_write("POST", request.path, id, f"posted {invoice['number']}")
        return json_response({"ok": True})

    def put_pdf(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self.store.invoices.get(id)
        if invoice is None:
            raise ApiError(404, f"No invoice {id}.")
        body = self.body(request, object_schema({"name": STR, "contents": STR}, {"name", "contents"}))
        try:
            contents = base64.b64decode(body["contents"], validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "contents: must be Base64.") from None
        if not contents.startswith(b"%PDF-"):
            return self.refused("Only PDF files can be attached.")
        invoice["pdf"] = contents
        self.store.log_write("PUT", request.path, id, f"pdf of {invoice['number']} ({len(contents)} bytes)")
        return json_response({"ok": True})

    # -- what the tests read ---------------------------------------------------------------------------------
    def received(self) -> dict:
        with self.store.lock:
            return {"customers": list(self.store.customers.values()),
                    "invoices": [{k: v for k, v in i.items() if k != "pdf"} for i in self.store.invoices.values()],
                    "writes": self.store.writes}

    def booked_invoices(self) -> list[dict]:
        with self.store.lock:
            return [{"number": i["number"], "remote_id": str(i["id"]), "complete": i["status"] == "posted",
                     "has_pdf": i["pdf"] is not None} for i in self.store.invoices.values()]

    def customer_keys(self) -> list[str]:
        with self.store.lock:
            return [c["number"] for c in self.store.customers.values()]


def create_simulator(mount: str) -> ParcelBooksSimulator:
    return ParcelBooksSimulator(mount)
