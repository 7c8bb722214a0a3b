"""The Visma e-conomic REST API simulator ("Legacy REST", restapi.e-conomic.com), under the API's own
paths: the two token headers, collections with pagination, filters and sorting, e-conomic's error
object, customers and products, drafts and booking with a given number, journals and vouchers with the
attachment upload (spec section 8's checklist).

Order of processing: tokens -> route -> content type -> schema -> business rules. Points the
documentation leaves open are options (``EconomicOptions``), settable like the fault knobs.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from ..simulator import ApiError, AuthFailed, Simulator
from ..store import Store
from ..wsgi import Request, Response, html_response, json_response
from . import collections, company
from .errors import error_body
from .invoicing import InvoicingRoutes
from .journals import JournalRoutes
from .received import received_data
from .resources import linked

TOKENS_REFUSED = ("The request is not authorized: the X-AppSecretToken and X-AgreementGrantToken headers must hold "
                  "a valid app secret token and agreement grant token.")
TOKENS_HINT = "Get an agreement grant token by having the agreement grant your app access."
DEMO_READ_ONLY = "The demo agreement is read-only: only GET requests are allowed with the demo tokens."


@dataclass
class EconomicOptions:
    """The sandbox agreement's tokens, and protocol points the documentation leaves open (spec section 9)."""

    app_secret_token: str = company.DEMO_TOKENS["app_secret_token"]
    app_public_token: str = company.DEMO_TOKENS["app_public_token"]
    agreement_grant_token: str = company.DEMO_TOKENS["agreement_grant_token"]
    demo_write_status: int = 403  # what a write with the shared demo tokens gets (401, 403 or 405?)
    case_insensitive_paging: bool = True  # skipPages/pageSize as well as skippages/pagesize
    oversize_page: str = "clamp"  # pagesize over 1000: "clamp" or "refuse" (400)
    vat_zone_language: str = "en"  # "en" or "da": names of the VAT zones
    vat_rounding: str = "per_rate"  # a draft's VAT: "per_rate" (on the summed net) or "per_line"
    lines_require_product: bool = True  # may an invoice line omit its product?
    product_groups_writable: bool = False  # did the legacy REST API gain POST /product-groups?
    accept_vat_number: bool = True  # vatNumber on customers (documented for SE/UK/DE/PL/FI agreements only)
    duplicate_booking_code: str = ""  # errorCode of booking with a number already used ("" = none given)
    closed_year_code: str = ""  # errorCode for a closed or missing accounting year
    voucher_number_range_code: str = ""  # errorCode for a voucher number outside the journal's range
    duplicate_voucher_code: str = ""  # errorCode for a voucher number used twice in a year
    assign_voucher_numbers: bool = True  # a voucher without voucherNumber gets the journal's next one
    accept_voucher_arrays: bool = True  # POST /journals/{n}/vouchers with an array (bulk)
    voucher_amount_sign: str = "positive"  # "positive": a customer invoice's amount debits the customer
    attachment_response: str = "empty"  # body of a successful upload: "empty" or "metadata"
    post_replaces_attachment: bool = False  # a second POST of a file replaces it (else 400)
    keep_draft_attachment_on_booking: bool = True  # a draft's attachment stays with the booked invoice
    max_attachment_bytes: int = 9 * 1024 * 1024
    first_accounting_year: int = 2025
    closed_accounting_years: str = "2025"  # comma-separated


class EconomicStore(Store):
    def __init__(self, options: EconomicOptions):
        groups = company.product_groups()
        super().__init__()
        self.add_collection("customers", company.customers(), key="customerNumber")
        self.add_collection("customer_groups", company.customer_groups(), key="customerGroupNumber")
        self.add_collection("payment_terms", company.payment_terms(), key="paymentTermsNumber")
        self.add_collection("vat_zones", company.vat_zones(options.vat_zone_language), key="vatZoneNumber")
        self.add_collection("vat_accounts", company.vat_accounts(), key="vatCode")
        self.add_collection("accounts", company.accounts(), key="accountNumber")
        self.add_collection("layouts", company.layouts(), key="layoutNumber")
        self.add_collection("product_groups", groups, key="productGroupNumber")
        self.add_collection("products", company.products(groups), key="productNumber")
        self.add_collection("journals", company.journals(), key="journalNumber")
        closed = {int(y) for y in options.closed_accounting_years.split(",") if y.strip().isdigit()}
        self.add_collection("accounting_years", company.accounting_years(options.first_accounting_year, closed),
                            key="year")
        self.add_collection("drafts", [], key="draftInvoiceNumber")
        self.add_collection("booked", [], key="bookedInvoiceNumber")
        self.agreement = company.agreement()
        self.account_vat = company.sales_account_vat()  # which makes a draft's VAT
        self.vouchers: dict[tuple[str, int], dict] = {}  # (year, voucher number) -> unbooked voucher
        self.booked_entries: dict[str, list[dict]] = {}  # year -> entries of booked vouchers
        self.attachments: dict[tuple, dict] = {}  # ("draft", n) / ("booked", n) / ("voucher", year, n)


class EconomicSimulator(InvoicingRoutes, JournalRoutes, Simulator):
    name = "economic"
    title = "Visma e-conomic"
    Options = EconomicOptions
    api_prefix = "/"
    currencies = company.CURRENCIES
    base_currency = company.BASE_CURRENCY

    write_steps = {
        "customer": r"^POST /customers$",
        "invoice": r"^POST /(invoices/drafts|journals/\d+/vouchers)$",
        "attachment": r"^POST /(invoices/drafts/\d+|journals/\d+/vouchers/\d{4}-\d+)/attachment/file$",
        "book": r"^POST /invoices/booked$",
    }

    def add_routes(self, add) -> None:
        add("GET", "/self", self.get_self)
        for path, table, key in (("/vat-zones", "vat_zones", "vatZoneNumber"),
                                 ("/payment-terms", "payment_terms", "paymentTermsNumber"),
                                 ("/layouts", "layouts", "layoutNumber"),
                                 ("/customer-groups", "customer_groups", "customerGroupNumber"),
                                 ("/vat-accounts", "vat_accounts", "vatCode"),
                                 ("/accounts", "accounts", "accountNumber"),
                                 ("/product-groups", "product_groups", "productGroupNumber")):
            add("GET", path, self.listing(table))
            if key != "vatCode":
                add("GET", f"{path}/<int:number>", self.single(table))
        add("POST", "/product-groups", self.create_product_group)
        self.add_invoicing_routes(add)
        self.add_journal_routes(add)

    # -- plumbing -----------------------------------------------------------------------------------------
    def reset_state(self) -> None:
        self.store = EconomicStore(self.options)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path.startswith("/_"):
            return self.handle_page(Request(environ))(start_response)
        return super().__call__(environ, start_response)

    def authenticate(self, request: Request) -> None:
        secret, grant = request.header("X-AppSecretToken"), request.header("X-AgreementGrantToken")
        if secret == company.READ_ONLY_DEMO and grant == company.READ_ONLY_DEMO:
            if request.method != "GET":
                raise AuthFailed(DEMO_READ_ONLY, status=self.options.demo_write_status)
            return
        if not secret or not grant or secret != self.options.app_secret_token \
                or grant != self.options.agreement_grant_token:
            raise AuthFailed(TOKENS_REFUSED)

    def error_response(self, status: int, messages: list[str], headers=None, **details) -> Response:
        hint = details.get("hint") or (TOKENS_HINT if status == 401 else "")
        body = error_body(status, " ".join(messages), hint=hint, code=details.get("code", ""),
                          errors=details.get("errors"))
        return json_response(body, status, headers)

    def json_body(self, request: Request):
        """The JSON document of a write (after the tokens and the route were accepted): 415 if not JSON."""
        kind = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "The request body must be JSON (Content-Type: application/json).")
        return request.json(lambda message: ApiError(400, message))

    # -- rendering ----------------------------------------------------------------------------------------
    def collection(self, request: Request, rows: list[dict], filterable=frozenset(), *, default_sort=None,
                   self_path=None) -> Response:
        base = collections.base_url(request)
        rendered = [self.rendered(base, row, self_path) for row in rows]
        return json_response(collections.respond_rows(request, rendered, self.options, filterable=filterable,
                                                       default_sort=default_sort))

    def resource(self, request: Request, row: dict, *, self_path=None) -> Response:
        return json_response(self.rendered(collections.base_url(request), row, self_path))

    def created(self, request: Request, row: dict, path: str) -> Response:
        base = collections.base_url(request)
        return json_response(self.rendered(base, row), 201, [("Location", f"{base}/{path}")])

    @staticmethod
    def rendered(base: str, row: dict, self_path=None) -> dict:
        result = linked(base, {k: v for k, v in row.items() if k != "zoneAccounts"})
        if self_path is not None:
            result["self"] = f"{base}/{self_path(row)}"
        return result

    def listing(self, table: str):
        def handler(request: Request) -> Response:
            return self.collection(request, list(getattr(self.store, table).values()))
        return handler

    def single(self, table: str):
        def handler(request: Request, number: int) -> Response:
            return self.resource(request, self.found(getattr(self.store, table), number, table.replace("_", " ")))
        return handler

    def get_self(self, request: Request) -> Response:
        return self.resource(request, {**self.store.agreement, "self": f"{collections.base_url(request)}/self"})

    def create_product_group(self, request: Request) -> Response:
        if not self.options.product_groups_writable:
            raise ApiError(405, "Product groups cannot be created through this API.")
        body = self.json_body(request)
        number = max(self.store.product_groups, default=0) + 1
        group = {"productGroupNumber": number, "name": str(body.get("name") or number),
                 "zoneAccounts": {1: 1010, 2: 1030, 3: 1040, 4: 1020}}
        self.store.product_groups[number] = group
        self.store.log_write("POST", request.path, number, f"product group {group['name']}")
        return self.created(request, group, f"product-groups/{number}")

    # -- the sandbox's own pages ------------------------------------------------------------------------------
    def handle_page(self, request: Request) -> Response:
        parts = [p for p in request.path.split("/") if p]
        if parts == ["_requestaccess"]:
            return self.grant_page(request)
        if len(parts) == 3 and parts[0] == "_journals" and parts[1].isdigit() and parts[2] == "book" \
                and request.method == "POST":
            return json_response({"booked": self.book_journal(int(parts[1]))})
        return super().handle_page(request)

    def grant_page(self, request: Request) -> Response:
        """The sandbox's stand-in for e-conomic's "grant access" page: it shows the agreement grant token to
        enter as the export's API token, for the sandbox app's public token only."""
        if request.query.get("appPublicToken") != self.options.app_public_token:
            return html_response("<!doctype html><title>Grant access</title><h1>Unknown app</h1><p>This sandbox "
                                 "only knows its own app's public token.</p>", 404)
        token = html.escape(self.options.agreement_grant_token)
        company_name = html.escape(self.store.agreement["company"]["name"])
        return html_response(
            f"<!doctype html><title>Grant access</title><h1>Grant access to {company_name}</h1>"
            f"<p>The app {html.escape(self.store.agreement['application']['name'])} was granted access to the "
            f"agreement. Its agreement grant token (enter it as the export's API token):</p>"
            f"<p><code id='token'>{token}</code></p>")

    # -- what the contract tests and the _received page read -------------------------------------------------
    def booked_invoices(self) -> list[dict]:
        """Booked invoices, drafts that carry an Opter number (a copy that is not finished), and vouchers,
        unbooked and booked, by the invoice number they carry."""
        with self.store.lock:
            held = [{"number": str(number), "remote_id": str(number), "complete": True,
                     "has_pdf": ("booked", number) in self.store.attachments} for number in self.store.booked]
            for number, draft in self.store.drafts.items():
                reference = (draft.get("references") or {}).get("other")
                if reference:
                    held.append({"number": str(reference), "remote_id": f"draft {number}", "complete": False,
                                 "has_pdf": ("draft", number) in self.store.attachments})
            for (year, number), voucher in self.store.vouchers.items():
                invoices = {e.get("customerInvoice") for e in voucher["entries"].get("manualCustomerInvoices", [])}
                for invoice in invoices - {None}:
                    held.append({"number": str(invoice), "remote_id": f"{year}-{number}", "complete": True,
                                 "has_pdf": ("voucher", year, number) in self.store.attachments})
            for year, entries in self.store.booked_entries.items():
                for number, invoice in {(e["voucherNumber"], e.get("customerInvoice")) for e in entries
                                        if e.get("customerInvoice")}:
                    held.append({"number": str(invoice), "remote_id": f"{year}-{number}", "complete": True,
                                 "has_pdf": ("voucher", year, number) in self.store.attachments})
            return held

    def customer_keys(self) -> list[str]:
        with self.store.lock:
            return [c.get("corporateIdentificationNumber") or str(c["customerNumber"])
                    for c in self.store.customers.values()]

    def received(self) -> dict:
        with self.store.lock:
            return received_data(self.store)


def grant_url(sandbox_url: str, public_token: str) -> str:
    return f"{sandbox_url.rstrip('/')}/_requestaccess?appPublicToken={quote(public_token)}"
