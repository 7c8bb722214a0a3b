"""The Procountor simulator: Procountor's REST API under its own paths (/api/..., and the same under
/latest/api, /supported/api and /vYYMM/api), the m2m token, Procountor's error body, the company's
reference data, business partners, products, invoices with their ledger receipts, and attachments."""
from __future__ import annotations

import re

from ..simulator import Simulator
from ..store import Store
from ..wsgi import Request, Response, json_response
from . import company
from .attachments import Attachments
from .invoices import Invoices
from .options import ProcountorOptions
from .partners import Partners
from .products import Products
from .received import received_data, received_html
from .reference import Reference
from .tokens import TOKEN_PATHS, Tokens

_VERSIONED = re.compile(r"^/(?:latest|supported|v\d{4})(/api(?:/.*)?)$")


class ProcountorSimulator(Simulator):
    name = "procountor"
    title = "Procountor"
    Options = ProcountorOptions
    api_prefix = "/api/"
    write_steps = {
        "customer": r"^POST /api/businesspartners$",
        "product_group": r"^POST /api/products/groups$",
        "product": r"^POST /api/products$",
        "dimension_item": r"^POST /api/dimensions/\d+/items$",
        "invoice": r"^POST /api/invoices$",
        "account_coding": r"^PUT /api/ledgerreceipts/\d+$",
        "attachment": r"^POST /api/attachments$",
        "approve": r"^PUT /api/invoices/\d+/approve$",
        "send": r"^PUT /api/invoices/\d+/send$",
    }
    company = company

    def __init__(self, mount: str, **initial):
        self.tokens = Tokens(self)
        self.reference = Reference(self)
        self.partners = Partners(self)
        self.products = Products(self)
        self.invoices = Invoices(self)
        self.attachments = Attachments(self)
        super().__init__(mount, **initial)

    def add_routes(self, add) -> None:
        for path in TOKEN_PATHS:
            add("POST", path, self.tokens.login)
        reference, partners, products = self.reference, self.partners, self.products
        invoices, attachments = self.invoices, self.attachments
        for method, pattern, handler in (
            ("GET", "/api/sessioninfo", reference.session_info),
            ("GET", "/api/users", reference.users),
            ("GET", "/api/coa", reference.coa),
            ("GET", "/api/fiscalyears", reference.fiscal_years),
            ("GET", "/api/dimensions", reference.dimensions),
            ("GET", "/api/dimensions/<int:id>", reference.dimension),
            ("POST", "/api/dimensions/<int:id>/items", reference.create_item),
            ("GET", "/api/vats/default", reference.vats_default),
            ("GET", "/api/vats/settings", reference.vats_settings),
            ("GET", "/api/businesspartners", partners.search),
            ("POST", "/api/businesspartners", partners.create),
            ("GET", "/api/businesspartners/<int:id>", partners.get),
            ("PUT", "/api/businesspartners/<int:id>", partners.replace),
            ("PATCH", "/api/businesspartners/<int:id>", partners.patch),
            ("GET", "/api/products/groups", products.groups),
            ("POST", "/api/products/groups", products.create_group),
            ("GET", "/api/products", products.search),
            ("POST", "/api/products", products.create),
            ("GET", "/api/products/<int:id>", products.get),
            ("GET", "/api/products/<int:id>/defaults/dimensions", products.default_dimensions),
            ("PUT", "/api/products/<int:id>/defaults/dimensions/<int:dimension_id>", products.put_default_dimension),
            ("GET", "/api/invoices", invoices.search),
            ("POST", "/api/invoices", invoices.create),
            ("GET", "/api/invoices/<int:id>", invoices.get),
            ("PUT", "/api/invoices/<int:id>", invoices.update),
            ("PUT", "/api/invoices/<int:id>/approve", invoices.approve),
            ("PUT", "/api/invoices/<int:id>/send", invoices.send),
            ("GET", "/api/ledgerreceipts", invoices.search_receipts),
            ("GET", "/api/ledgerreceipts/<int:id>", invoices.receipt),
            ("PUT", "/api/ledgerreceipts/<int:id>", invoices.update_receipt),
            ("POST", "/api/attachments", attachments.create),
            ("GET", "/api/attachments/<int:id>", attachments.get),
            ("DELETE", "/api/attachments/<int:id>", attachments.delete),
        ):
            add(method, pattern, handler)

    def reset_state(self) -> None:
        dimensions = company.dimensions()
        self.store = Store(fiscal_years=company.fiscal_years(), dimensions=dimensions, partners=company.partners(),
                           product_groups=company.product_groups(), products=[], invoices=[], receipts=[],
                           attachments=[],
                           # only for fresh ids: new items are numbered after the seeded ones
                           dimension_items=[dict(item) for d in dimensions for item in d["items"]])
        self.store.add_collection("accounts", company.accounts(), key="ledgerAccountCode")
        self.tokens.reset()

    # -- WSGI: the version paths, and Procountor's body for paths it does not serve -------------------------
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        versioned = _VERSIONED.match(path)
        if versioned:
            environ = {**environ, "PATH_INFO": versioned.group(1)}
        elif not (path.startswith(self.api_prefix) or path.startswith("/_")):
            return self.error_response(404, [f"SIM_NO_API_AT: {path}"])(start_response)
        return super().__call__(environ, start_response)

    def authenticate(self, request: Request) -> None:
        if request.path in TOKEN_PATHS:
            return
        self.tokens.check(request)

    def error_response(self, status: int, messages: list[str], headers=None, **details) -> Response:
        """Procountor's error body for every error, fault knob and refused token."""
        errors = details.get("errors") or [{"status": status, "message": message} for message in messages]
        return json_response({"errors": errors}, status, headers)

    # -- what the tests and the received page read ------------------------------------------------------------
    def received(self) -> dict:
        with self.store.lock:
            return received_data(self.store)

    def received_html(self) -> str:
        with self.store.lock:
            return received_html(self.store, self.title)

    def booked_invoices(self) -> list[dict]:
        with self.store.lock:
            return self.invoices.booked()

    def credit_links(self) -> dict[str, str]:
        """Each credit invoice's number -> the number of the invoice it credits."""
        with self.store.lock:
            return self.invoices.credit_links()

    def customer_keys(self) -> list[str]:
        with self.store.lock:
            return [(p.get("invoicingInfo") or {}).get("customerNumber") or "" for p in self.store.partners.values()]


def create_simulator(mount: str) -> ProcountorSimulator:
    return ProcountorSimulator(mount)
