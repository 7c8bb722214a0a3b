"""The Heeros sales-invoice API simulator, in the shape the connector's adapter assumes (spec 1.5; Heeros
publishes no API, see exports/connectors/heeros/README.md).

    POST /api/v1/login                                        {"username", "password"} -> {"token", "expiresIn"}
    GET  /api/v1/offices/{tt_id}/customers/{la_id}            the company
    POST /api/v1/offices/{tt_id}/customers/{la_id}/salesinvoices?MoveOnlyToLedger=...   Finvoice 3.0 upload
    GET  /api/v1/offices/{tt_id}/customers/{la_id}/salesinvoices/imports[?invoiceNumber=]
    GET  /api/v1/offices/{tt_id}/customers/{la_id}/salesinvoices/imports/{importId}
    GET  /api/v1/offices/{tt_id}/customers/{la_id}/salesinvoices?invoiceNumber=|invoiceDateFrom=&invoiceDateTo=

Order of processing: credentials (bearer token or Basic), the user's rights to the company, then the
call. An upload is read, checked against the official XSD when the sandbox has it (400 otherwise), refused
when its invoice number is taken (409, option ``refuse_duplicates``), and accepted as an import (202). Its
status stays "Pending" for ``processing_polls`` status reads and then shows the outcome: Heeros' rules
decide (Failed with the errors, Incomplete when a customer, product or accounting object is unknown and
the import options say not to create it, else Processed), unless ``outcome`` forces incomplete or invalid.
The outcome is decided (and the customer, products and invoice booked) at upload; lists show the import's
status as its last status read saw it, and the invoice only once a status read has shown the outcome.
Every error answers {"errorCount", "errors": [{"code", "field", "message"}]}.
"""
from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ...connectors.heeros.finvoice import schema as finvoice_schema
from ...connectors.heeros.target import START_TEXT
from ..knobs import KnobError
from ..simulator import ApiError, AuthFailed, Simulator
from ..store import Store, page_by_number
from ..wsgi import Request, Response, json_response
from . import company, documents
from .received import received_data, received_html

COMPANY_PATH = r"/api/v1/offices/([^/]+)/customers/([^/]+)"
OPTIONS = tuple(START_TEXT.parameters)
OUTCOMES = ("ok", "incomplete", "invalid")
AUTH_SCHEMES = ("token", "basic", "both")
PENDING, PROCESSED, INCOMPLETE, FAILED = "Pending", "Processed", "Incomplete", "Failed"
STATUS_CODES = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
                409: "Conflict", 413: "PayloadTooLarge", 415: "UnsupportedMediaType", 429: "TooManyRequests"}


@dataclass
class HeerosOptions:
    """Protocol points settable per sandbox (knobs endpoint or --knob)."""

    processing_polls: int = 1  # status reads that answer "Pending" before the outcome shows; -1 = for ever
    outcome: str = "ok"  # ok: Heeros' rules decide; incomplete / invalid: every new import ends so
    refuse_duplicates: bool = True  # 409 for an invoice number an import already holds
    auth: str = "both"  # token (login + bearer), basic (HTTP Basic per call) or both
    token_lifetime: int = 3600  # seconds
    page_size: int = 50
    xsd: str = ""  # the official Finvoice3.0.xsd; blank = the portal's FINVOICE_XSD setting
    max_document_bytes: int = 25 * 1024 * 1024  # Heeros' limit per file

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise KnobError(f"outcome must be one of {', '.join(OUTCOMES)}, not {self.outcome!r}.")
        if self.auth not in AUTH_SCHEMES:
            raise KnobError(f"auth must be one of {', '.join(AUTH_SCHEMES)}, not {self.auth!r}.")
        if self.processing_polls < -1:
            raise KnobError("processing_polls must be -1 (never processed) or 0 or more.")


class HeerosSimulator(Simulator):
    name = "xmlserializer"
    title = "Heeros"
    Options = HeerosOptions
    api_prefix = "/api/"
    write_steps = {"invoice": rf"^POST {COMPANY_PATH}/salesinvoices$"}

    def add_routes(self, add) -> None:
        add("POST", "/api/v1/login", self.login)
        add("GET", COMPANY_PATH, self.get_company)
        add("POST", COMPANY_PATH + "/salesinvoices", self.upload)
        add("GET", COMPANY_PATH + "/salesinvoices", self.list_invoices)
        add("GET", COMPANY_PATH + "/salesinvoices/imports", self.list_imports)
        add("GET", COMPANY_PATH + r"/salesinvoices/imports/([^/]+)", self.get_import)

    # -- state -------------------------------------------------------------------------------------------
    def reset_state(self) -> None:
        self.store = Store()
        self.store.add_collection("imports", [], key="importId")
        self.store.add_collection("invoices", [], key="invoiceId")
        self.store.add_collection("customers", company.customers(), key="key")
        self.store.add_collection("products", company.products(), key="key")
        self.store.add_collection("accounting_objects", company.accounting_objects(), key="key")
        self.store.received = []  # every document uploaded, accepted or not, with its validation
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (user name, expiry)
        self._next_invoice = 500001

    def complete_invoice(self, invoice_id: str) -> None:
        """What a Heeros user does to an incomplete invoice: complete it (it gets Ready)."""
        with self.store.lock:
            self.store.invoices[invoice_id]["heerosState"] = "Ready"

    # -- authentication and rights ------------------------------------------------------------------------
    def authenticate(self, request: Request) -> None:
        if request.path == "/api/v1/login":
            return
        header = request.header("Authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and self.options.auth in ("token", "both"):
            user, expires = self.tokens.get(value.strip(), ("", 0.0))
            if not user or expires < time.time():
                raise AuthFailed("The access token is missing, unknown or expired; log in again.")
            request.environ["heeros.user"] = user
            return
        if scheme.lower() == "basic" and self.options.auth in ("basic", "both"):
            try:
                username, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise AuthFailed("The Basic credentials cannot be read.") from None
            if self._password_ok(username, password):
                request.environ["heeros.user"] = username
                return
            raise AuthFailed("The user name or password is incorrect.")
        raise AuthFailed("No credentials: log in for a token" + (" or use HTTP Basic." if self.options.auth == "both"
                                                                 else "."))

    def _password_ok(self, username: str, password: str) -> bool:
        known = company.USERS.get(username)
        return known is not None and secrets.compare_digest(known[0], password)

    def _company_of(self, request: Request) -> dict:
        """The company the path names, if the user may use it (else 403; an unknown one is 404)."""
        found = re.match(COMPANY_PATH, request.path)
        tt_id, la_id = found.group(1), found.group(2)
        rights = company.USERS.get(request.environ.get("heeros.user", ""), ("", set()))[1]
        if (tt_id, la_id) not in rights:
            raise ApiError(403, f"The user has no rights to the company tt_id {tt_id}, la_id {la_id}.")
        return company.COMPANY

    def error_response(self, status, messages, headers=None, errors=None, **details) -> Response:
        code = STATUS_CODES.get(status, "ServerError" if status >= 500 else str(status))
        listed = errors if errors is not None else [{"code": code, "field": "", "message": m} for m in messages]
        return json_response({"errorCount": len(listed), "errors": listed}, status, headers)

    # -- handlers -----------------------------------------------------------------------------------------
    def login(self, request: Request) -> Response:
        body = request.json(lambda message: ApiError(400, message))
        if not isinstance(body, dict) or not isinstance(body.get("username"), str) or not isinstance(
                body.get("password"), str):
            raise ApiError(400, "The login takes {\"username\", \"password\"}.")
        if self.options.auth == "basic":
            raise ApiError(404, "Unknown route: POST /api/v1/login (this Heeros takes HTTP Basic).")
        if not self._password_ok(body["username"], body["password"]):
            raise AuthFailed("The user name or password is incorrect.")
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (body["username"], time.time() + self.options.token_lifetime)
        return json_response({"token": token, "expiresIn": self.options.token_lifetime})

    def get_company(self, request: Request) -> Response:
        return json_response(self._company_of(request))

    def upload(self, request: Request) -> Response:
        self._company_of(request)
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in ("application/xml", "text/xml"):
            raise ApiError(415, f"The upload takes a Finvoice document as application/xml, not {content_type!r}.")
        options = self._import_options(request)
        if len(request.body) > self.options.max_document_bytes:
            raise ApiError(413, f"The document is larger than {self.options.max_document_bytes} bytes.")
        record = {"receivedAt": _now(), "userAgent": request.header("User-Agent") or "", "options": options,
                  "size": len(request.body), "document": request.body.decode("utf-8", "replace")}
        self.store.received.append(record)
        try:
            root = documents.read(request.body)
        except documents.Unreadable as exc:
            record.update(accepted=False, schema=None, errors=[{"code": "MalformedDocument", "field": "",
                                                                "message": str(exc)}])
            raise ApiError(400, str(exc), errors=record["errors"]) from None
        schema = self._schema()
        problems = documents.schema_problems(schema, root) if schema is not None else []
        record["schema"] = {"checked": schema is not None, "errors": [p.as_json() for p in problems]}
        facts = documents.facts_of(root)
        record["number"] = facts.number
        if problems:
            record.update(accepted=False, errors=record["schema"]["errors"])
            raise ApiError(400, *(p.message for p in problems), errors=record["errors"])
        if self.options.refuse_duplicates:
            taken = next((i for i in self.store.imports.values()
                          if i["invoiceNumber"] == facts.number and i["outcome"] != FAILED), None)
            if taken is not None:
                message = f"An invoice with the number {facts.number} already exists (import {taken['importId']})."
                record.update(accepted=False, errors=[{"code": "DuplicateInvoiceNumber", "field": "InvoiceNumber",
                                                       "message": message}])
                raise ApiError(409, message, errors=record["errors"])
        imported = self._import(facts, options)
        record.update(accepted=True, importId=imported["importId"], errors=imported["errors"])
        self.store.log_write("POST", request.path, imported["importId"],
                             f"import of invoice {facts.number}, total {facts.total} {facts.currency}")
        return json_response({"importId": imported["importId"], "status": PENDING}, 202)

    def get_import(self, request: Request) -> Response:
        self._company_of(request)
        import_id = request.path.rsplit("/", 1)[1]
        imported = self.store.imports.get(import_id)
        if imported is None:
            raise ApiError(404, f"There is no import {import_id}.")
        imported["polls"] += 1
        return json_response(self._import_view(imported))

    def list_imports(self, request: Request) -> Response:
        self._company_of(request)
        number = request.query.get("invoiceNumber")
        rows = [self._import_view(i) for i in self.store.imports.values()
                if number is None or i["invoiceNumber"] == number]
        return json_response({"items": rows})

    def list_invoices(self, request: Request) -> Response:
        self._company_of(request)
        query = request.query
        first, last = _date_param(query, "invoiceDateFrom"), _date_param(query, "invoiceDateTo")
        rows = []
        for invoice in self.store.invoices.values():
            if self._visible_status(self.store.imports[invoice["importId"]]) == PENDING:
                continue  # still being processed: not an invoice yet
            if query.get("invoiceNumber") is not None and invoice["invoiceNumber"] != query["invoiceNumber"]:
                continue
            day = date.fromisoformat(invoice["invoiceDate"]) if invoice["invoiceDate"] else None
            if (first and (day is None or day < first)) or (last and (day is None or day > last)):
                continue
            rows.append(dict(invoice))
        page = _int_param(query, "page", 1)
        size = min(_int_param(query, "pageSize", self.options.page_size), self.options.page_size)
        items, pages = page_by_number(rows, page, size)
        return json_response({"items": items, "page": page, "pageCount": pages})

    # -- imports --------------------------------------------------------------------------------------------
    def _import_options(self, request: Request) -> dict[str, bool]:
        options = {}
        for name, value in request.query.items():
            if name not in OPTIONS:
                raise ApiError(400, f"Unknown import option {name}; the options are {', '.join(OPTIONS)}.")
            if value not in ("true", "false"):
                raise ApiError(400, f"{name} must be true or false, not {value!r}.")
            options[name] = value == "true"
        defaults = START_TEXT.defaults()
        options = {name: options.get(name, defaults[name]) for name in OPTIONS}
        if options["MoveOnlyToLedger"] and options["SendToCustomer"]:
            raise ApiError(400, "Only one of MoveOnlyToLedger and SendToCustomer can be true.")
        return options

    def _schema(self):
        try:
            return finvoice_schema.load(self.options.xsd or None)
        except finvoice_schema.SchemaUnavailable as exc:
            raise ApiError(500, f"The sandbox cannot read its Finvoice schema: {exc}") from None

    def _import(self, facts: documents.Facts, options: dict[str, bool]) -> dict:
        """Decide what processing will show, and book what it books (customer, products, invoice)."""
        errors = [p.as_json() for p in documents.heeros_problems(facts)]
        errors += [p.as_json() for p in documents.credit_problems(facts, self.store.invoices)]
        if self.options.outcome == "invalid":
            errors.append({"code": "SimulatedFailure", "field": "", "message": "The sandbox refuses every import "
                                                                                "(option outcome=invalid)."})
        missing = [] if errors else self._missing(facts, options)
        if self.options.outcome == "incomplete" and not errors:
            missing.append("the sandbox leaves every import incomplete (option outcome=incomplete)")
        outcome = FAILED if errors else INCOMPLETE if missing else PROCESSED
        imported = {"importId": str(uuid.uuid4()), "invoiceNumber": facts.number, "outcome": outcome, "polls": 0,
                    "totalAmount": facts.total, "currency": facts.currency, "createdAt": _now(), "errors": errors,
                    "incompleteBecause": missing, "invoiceId": None, "options": options}
        if outcome != FAILED:
            imported["invoiceId"] = self._book(facts, options, imported, complete=outcome == PROCESSED)
        self.store.imports[imported["importId"]] = imported
        return imported

    def _missing(self, facts, options) -> list[str]:
        """What Heeros does not hold and was told not to create: the invoice stays incomplete."""
        store, missing = self.store, []
        if not options["CreateCustomer"] and _customer_key(facts.buyer) not in store.customers:
            missing.append(f"customer {facts.buyer['name']} is not in the customer register")
        if not options["CreateProduct"]:
            missing += [f"product {row['article']} is not in the product register" for row in facts.rows
                        if row["article"] and row["article"] not in store.products]
        if not options["CreateAccountingObjects"]:
            missing += [f"accounting object {row['dimension']} does not exist" for row in facts.rows
                        if row["dimension"] and row["dimension"] not in store.accounting_objects]
        return sorted(set(missing))

    def _book(self, facts, options, imported, *, complete: bool) -> str:
        store = self.store
        key = _customer_key(facts.buyer)
        buyer = {"key": key, "name": facts.buyer["name"], "businessId": facts.buyer["businessId"],
                 "vatId": facts.buyer["vatId"],
                 "address": f"{facts.buyer['street']}, {facts.buyer['postcode']} {facts.buyer['town']}"}
        if key not in store.customers and options["CreateCustomer"]:
            store.customers[key] = buyer
        elif key in store.customers and options["UpdateCustomer"]:
            store.customers[key].update(buyer)
        for row in facts.rows:
            if not row["article"]:
                continue
            if row["article"] not in store.products and options["CreateProduct"]:
                store.products[row["article"]] = {"key": row["article"], "name": row["name"][:70]}
            elif row["article"] in store.products and options["UpdateProduct"]:
                store.products[row["article"]]["name"] = row["name"][:70]
            if row["dimension"] and row["dimension"] not in store.accounting_objects and options[
                    "CreateAccountingObjects"]:
                store.accounting_objects[row["dimension"]] = {"key": row["dimension"], "name": row["dimension"]}
        if not complete:
            state = "Incomplete"
        elif options["MoveOnlyToLedger"]:
            state = "ToLedger"
        elif options["SendToCustomer"]:
            state = "Sending"
        else:
            state = "Ready"
        invoice_id = str(self._next_invoice)
        self._next_invoice += 1
        store.invoices[invoice_id] = {
            "invoiceId": invoice_id, "invoiceNumber": facts.number,
            "invoiceDate": facts.invoice_date.isoformat() if facts.invoice_date else "",
            "dueDate": facts.due_date.isoformat() if facts.due_date else "", "totalAmount": facts.total,
            "currency": facts.currency, "customer": facts.buyer["name"], "heerosState": state,
            "importId": imported["importId"], "rows": len(facts.rows), "credits": facts.original_number}
        return invoice_id

    def _visible_status(self, imported: dict) -> str:
        polls = self.options.processing_polls
        if polls == -1 or imported["polls"] <= polls:
            return PENDING
        return imported["outcome"]

    def _import_view(self, imported: dict) -> dict:
        status = self._visible_status(imported)
        view = {"importId": imported["importId"], "status": status, "invoiceNumber": imported["invoiceNumber"],
                "totalAmount": imported["totalAmount"], "currency": imported["currency"],
                "createdAt": imported["createdAt"], "invoiceId": None, "heerosState": None, "errorCount": 0,
                "errors": []}
        if status in (PROCESSED, INCOMPLETE):
            invoice = self.store.invoices[imported["invoiceId"]]
            view.update(invoiceId=invoice["invoiceId"], heerosState=invoice["heerosState"])
        if status == FAILED:
            view.update(errorCount=len(imported["errors"]), errors=imported["errors"])
        return view

    # -- what the contract tests and the _received page read ----------------------------------------------
    def credit_links(self) -> dict[str, str]:
        """Each credit note's number -> the number of the invoice it credits."""
        with self.store.lock:
            return {i["invoiceNumber"]: i["credits"] for i in self.store.invoices.values() if i.get("credits")}

    def booked_invoices(self) -> list[dict]:
        with self.store.lock:
            return [{"number": i["invoiceNumber"], "remote_id": i["importId"],
                     "complete": self._visible_status(i) == PROCESSED, "has_pdf": False}
                    for i in self.store.imports.values() if i["outcome"] != FAILED]

    def customer_keys(self) -> list[str]:
        with self.store.lock:
            return list(self.store.customers)

    def received_documents(self) -> list[dict]:
        with self.store.lock:
            return [dict(record) for record in self.store.received]

    def handle_page(self, request: Request) -> Response:
        prefix = "/_received/documents/"
        if request.path.startswith(prefix) and request.path[len(prefix):].isdigit():
            index = int(request.path[len(prefix):])
            with self.store.lock:
                if not 1 <= index <= len(self.store.received):
                    return json_response({"errorCount": 1, "errors": [{"code": "NotFound", "field": "",
                                                                       "message": "No such document."}]}, 404)
                document = self.store.received[index - 1]["document"]
            return Response(200, document.encode(), [("Content-Type", "application/xml; charset=utf-8")])
        return super().handle_page(request)

    def received(self) -> dict:
        with self.store.lock:
            return received_data(self)

    def received_html(self) -> str:
        with self.store.lock:
            return received_html(self)


def _customer_key(buyer: dict) -> str:
    return buyer["businessId"] or buyer["name"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _date_param(query: dict, name: str) -> date | None:
    value = query.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a date YYYY-MM-DD, not {value!r}.") from None


def _int_param(query: dict, name: str, default: int) -> int:
    value = query.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ApiError(400, f"{name} must be a whole number of 1 or more, not {value!r}.")
    return int(value)
