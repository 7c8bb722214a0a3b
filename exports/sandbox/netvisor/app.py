"""The Netvisor XML API simulator: the resources an Opter-style export uses, under Netvisor's own paths
({base}/{resource}.nv, resource names in any case), with its authentication, its envelope and texts.

Order of processing: knobs -> authentication (headers, partner, API user, company, MAC, time,
transaction id) -> the API user's rights -> the body against the DTD order -> the data's rules. Failures
are Netvisor's: HTTP 200 with FAILED and "CATEGORY :: text", or with UseHTTPResponseStatusCodes: 1 a
4xx/5xx status with the same body. Faults of the sandbox's knobs (5xx, 429, dropped answers) keep their
status: they stand for the network and gateways in front of Netvisor.
"""
from __future__ import annotations

import base64
import binascii
import copy
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from exports.connectors.netvisor.operators import OPERATORS

from ..simulator import ApiError, Simulator
from ..store import Store
from ..wsgi import Request, Response
from . import body as xml
from . import company as seed
from . import dtd
from .auth import Verifier
from .envelope import CATEGORY_OF_STATUS, STATUS_OF_CATEGORY, comma, failed, ok, sub

CENT = Decimal("0.01")


@dataclass
class NetvisorOptions:
    """Protocol points spec section 9 leaves UNCONFIRMED, settable per sandbox."""

    max_clock_skew: int = 300  # seconds the timestamp may differ from the server's clock
    check_transaction_id: bool = True  # refuse a reused TransactionId (REQUEST_NOT_UNIQUE)
    accepted_algorithms: str = "HMACSHA256,SHA256,MD5"
    status_codes_on_request: bool = True  # honour UseHTTPResponseStatusCodes: 1 (4xx/5xx for failures)
    accept_decimal_point: bool = True  # "186.00" as well as Netvisor's "186,00"
    reject_duplicate_invoice_numbers: bool = True  # salesinvoice.nv refuses a number in use (DUPLICATE_DATA)
    reject_duplicate_customer_codes: bool = True  # customer.nv refuses a code in use (DUPLICATE_DATA)
    create_product_groups: bool = True  # product.nv creates an unknown product group
    create_dimension_names: bool = True  # dimensionitem.nv creates an unknown dimension
    create_missing_dimension_items: bool = False  # salesinvoice.nv creates unknown dimension items
    check_amount_matches_lines: bool = False  # refuse a salesinvoiceamount that the rows do not add up to
    list_limit: int = 500  # rows per salesinvoicelist.nv answer
    missing_rights: str = ""  # resources the API user has no right to, e.g. "customerlist.nv,product.nv"
    refuse_concurrent_calls: bool = False  # a second call while one runs: TECHNICAL_ERROR
    extra_operator_ids: str = ""  # e-invoice operator ids accepted besides the known ones
    period_lock_before: str = ""  # YYYY-MM-DD: invoices dated before it are refused (PERIOD_LOCK)


def finnish_reference(base: str) -> str:
    """What Netvisor makes when no reference is given: the number with its Finnish check digit (7-3-1)."""
    digits = "".join(ch for ch in base if ch.isdigit()) or "1"
    total = sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


def json_ready(value):
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return copy.copy(value)


def refused(category: str, text: str, status: int = 400) -> ApiError:
    return ApiError(status, text, category=category)


def invalid(text: str) -> ApiError:
    return refused("INVALID_DATA", text)


class NetvisorSimulator(Simulator):
    name = "netvisor"
    title = "Visma Netvisor"
    Options = NetvisorOptions
    api_prefix = "/"
    write_steps = {"customer": r"(?i)^POST /customer\.nv$", "invoice": r"(?i)^POST /salesinvoice\.nv$"}

    READS = ("customerlist", "productlist", "accountlist", "dimensionlist", "salesinvoicelist",
             "deletesalesinvoice")
    WRITES = ("customer", "product", "dimensionitem", "salesinvoice", "deletesalesinvoice", "matchcreditnote")

    def __init__(self, mount: str, **initial):
        self.verifier = Verifier()
        self._local = threading.local()
        self._running = 0
        self._running_lock = threading.Lock()
        super().__init__(mount, **initial)

    # -- plumbing -----------------------------------------------------------------------------------------
    def add_routes(self, add) -> None:
        add("GET", r"/[A-Za-z]+\.nv", self.dispatch)
        add("POST", r"/[A-Za-z]+\.nv", self.dispatch)

    def reset_state(self) -> None:
        self.verifier = Verifier()
        self.companies = {seed.ORGANISATION_ID: seed.helsinki()}
        self.store = Store(customers=seed.customers(), products=seed.products(), invoices=seed.invoices())

    def __call__(self, environ, start_response):
        # Netvisor's resources sit at the root ({base}/{resource}.nv): the sandbox's own pages are /_...
        if (environ.get("PATH_INFO") or "/").startswith("/_"):
            return self.handle_page(Request(environ))(start_response)
        # A call is running from its arrival (the latency knob stands for Netvisor's processing time).
        with self._running_lock:
            self._running += 1
        try:
            return super().__call__(environ, start_response)
        finally:
            with self._running_lock:
                self._running -= 1

    def handle_api(self, request: Request) -> Response:
        self._local.request = request
        try:
            with self._running_lock:
                crowded = self._running > 1
            if crowded and self.options.refuse_concurrent_calls:
                return self.error_response(500, ["Another request for this company is being processed; send one "
                                                 "request at a time."], category="TECHNICAL_ERROR")
            return super().handle_api(request)
        finally:
            self._local.request = None

    def authenticate(self, request: Request) -> None:
        self._local.user, self._local.company = self.verifier.verify(request, self.options)

    def error_response(self, status, messages, headers=None, **details) -> Response:
        """Netvisor's envelope for every error: its own failures (200, or their status when the request
        asked for status codes) and the knobs' faults and unknown paths (their status as they are)."""
        category = details.get("category") or CATEGORY_OF_STATUS.get(status, "TECHNICAL_ERROR")
        text = " ".join(str(m) for m in messages)
        if status in (404, 405, 429) or (status >= 500 and "category" not in details):
            return failed(category, text, status, headers)
        request = getattr(self._local, "request", None)
        asked = request is not None and (request.header(
            "X-Netvisor-Authentication-UseHTTPResponseStatusCodes") or "").strip() == "1"
        answer = STATUS_OF_CATEGORY.get(category, 400) if asked and self.options.status_codes_on_request else 200
        return failed(category, text, answer, headers)

    def dispatch(self, request: Request) -> Response:
        resource = request.path.strip("/").lower().removesuffix(".nv")
        known = self.READS if request.method == "GET" else self.WRITES
        if resource not in known:
            raise ApiError(404 if resource not in (*self.READS, *self.WRITES) else 405,
                           f"Unknown resource or method: {request.method} {request.path}")
        missing = {r.strip().lower().removesuffix(".nv") for r in self.options.missing_rights.split(",") if r.strip()}
        if resource in missing:
            raise refused("SERVICE_ACCESS_ERROR", f"The API user has no right to the interface {resource}.nv.",
                          403)
        self.query = {k.lower(): v for k, v in request.query.items()}
        self.company = self.companies[self._local.company]
        handler = getattr(self, f"{request.method.lower()}_{resource}")
        try:
            return handler(request)
        except xml.Invalid as exc:
            raise invalid(str(exc)) from None

    def _body(self, request: Request, resource: str, model) -> etree._Element:
        element = xml.parse(request.body, request.header("Content-Type", ""), resource)
        xml.check(element, model)
        return element

    def _method(self) -> str:
        method = self.query.get("method", "").lower()
        if method not in ("add", "edit"):
            raise invalid("Data form incorrect:. Method not defined: use method=add or method=edit.")
        return method

    def _rows(self, collection: str) -> list[dict]:
        here = self.company.organisation_id
        return [row for row in getattr(self.store, collection).values() if row["company"] == here]

    def _uri(self, request: Request, resource: str, key) -> str:
        host = request.environ.get("HTTP_HOST", "localhost")
        return f"http://{host}{self.mount}/{resource}.nv?id={key}"

    # -- customers ---------------------------------------------------------------------------------------------
    def get_customerlist(self, request: Request) -> Response:
        rows = self._rows("customers")
        codes = [c for c in self.query.get("customercodelist", "").split(",") if c]
        if len(codes) > 100:
            raise invalid("Data form incorrect:. customercodelist takes at most 100 codes.")
        if codes:
            rows = [row for row in rows if row["code"] in codes]
        keyword = self.query.get("keyword", "").casefold()
        if keyword:
            rows = [row for row in rows if any((row[f] or "").casefold().startswith(keyword)
                                              for f in ("name", "code", "business_id"))]
        holder = etree.Element("Customerlist")
        for row in sorted(rows, key=lambda r: r["id"]):
            customer = sub(holder, "Customer")
            sub(customer, "Netvisorkey", row["id"])
            sub(customer, "Name", row["name"])
            sub(customer, "Code", row["code"])
            sub(customer, "OrganisationIdentifier", row["business_id"])
            sub(customer, "CustomerGroupID", "")
            sub(customer, "CustomerGroupName", row.get("group", ""))
            sub(customer, "Uri", self._uri(request, "getcustomer", row["id"]))
        return ok(holder)

    def post_customer(self, request: Request) -> Response:
        method = self._method()
        element = self._body(request, "customer", dtd.CUSTOMER)
        base = xml.find(element, "customerbaseinformation")
        finvoice = xml.find(element, "customerfinvoicedetails")
        code_element = xml.find(base, "internalidentifier")
        code = xml.value(base, "internalidentifier")
        if method == "edit":
            existing = self._customer_by_key(self.query.get("id", ""))
            self._apply_customer(existing, base, finvoice)
            self.store.log_write("POST", request.path, existing["id"], f"customer {existing['code']} edited")
            return ok()
        name = xml.value(base, "name")
        if not name:
            raise invalid("Data form incorrect:. Customer name is mandatory.")
        if code_element is not None and xml.attribute(code_element, "type") == "automatic" and not code:
            code = str(1 + max((int(r["code"]) for r in self._rows("customers") if r["code"].isdigit()), default=0))
        if code and self.options.reject_duplicate_customer_codes and any(
                r["code"] == code for r in self._rows("customers")):
            raise refused("DUPLICATE_DATA", f"Customer with the customer code {code} already exists.", 409)
        customer = {"id": self.store.new_id("customers"), "company": self.company.organisation_id, "code": code,
                    "name": name, "business_id": "", "country": "FI", "operator": "", "e_invoice_address": "",
                    "group": xml.value(base, "customergroupname")}
        self._apply_customer(customer, base, finvoice)
        self.store.customers[customer["id"]] = customer
        self.store.log_write("POST", request.path, customer["id"], f"customer {code} {name}")
        return ok(inserted=customer["id"])

    def _apply_customer(self, customer: dict, base, finvoice) -> None:
        country_element = xml.find(base, "country")
        if country_element is not None:
            country = (country_element.text or "").strip().upper()
            if len(country) != 2 or not country.isalpha():
                raise invalid(f"Data form incorrect:. Country {country!r} is not an ISO-3166 two-letter code.")
            customer["country"] = country
        for field, element in (("business_id", "externalidentifier"), ("street", "streetaddress"),
                               ("city", "city"), ("postcode", "postnumber"), ("email", "email")):
            if xml.find(base, element) is not None:
                customer[field] = xml.value(base, element)
        if xml.find(base, "name") is not None and xml.value(base, "name"):
            customer["name"] = xml.value(base, "name")
        if finvoice is not None:
            operator = "".join(xml.value(finvoice, "finvoiceroutercode").split()).upper()
            extra = {o.strip().upper() for o in self.options.extra_operator_ids.split(",") if o.strip()}
            if operator and operator not in OPERATORS and operator not in extra:
                raise invalid(f"Data form incorrect:. Unknown e-invoice operator (finvoiceroutercode) {operator}.")
            customer["operator"] = operator
            customer["e_invoice_address"] = xml.value(finvoice, "finvoiceaddress")

    def _customer_by_key(self, key: str) -> dict:
        customer = self.store.customers.get(int(key)) if key.isdigit() else None
        if customer is None or customer["company"] != self.company.organisation_id:
            raise invalid(f"Data form incorrect:. Customer not found with Netvisor identifier: {key}")
        return customer

    # -- products ----------------------------------------------------------------------------------------------
    def get_productlist(self, request: Request) -> Response:
        keyword = self.query.get("keyword", "").casefold()
        rows = [r for r in self._rows("products")
                if not keyword or keyword in r["code"].casefold() or keyword in r["name"].casefold()]
        holder = etree.Element("ProductList")
        for row in sorted(rows, key=lambda r: r["id"]):
            product = sub(holder, "Product")
            sub(product, "NetvisorKey", row["id"])
            sub(product, "ProductCode", row["code"])
            sub(product, "Name", row["name"])
            sub(product, "UnitPrice", comma(row["unit_price"]))
            sub(product, "UnitGrossPrice", comma(row["unit_price"]))
            sub(product, "ProductGroupID", sorted(self.company.product_groups).index(row["group"]) + 1)
            sub(product, "ProductGroupDescription", row["group"])
            sub(product, "Uri", self._uri(request, "getproduct", row["id"]))
        return ok(holder)

    def post_product(self, request: Request) -> Response:
        if self._method() != "add":
            raise invalid("Data form incorrect:. Editing products is not available for this company.")
        element = self._body(request, "product", dtd.PRODUCT)
        base = xml.find(element, "productbaseinformation")
        name, code, group = xml.value(base, "name"), xml.value(base, "productcode"), xml.value(base, "productgroup")
        if not name:
            raise invalid("Data form incorrect:. Product name is mandatory.")
        price = xml.find(base, "unitprice")
        if price is None or xml.attribute(price, "type").lower() not in ("net", "gross"):
            raise invalid("Data form incorrect:. unitprice with type net or gross is mandatory.")
        if not group:
            raise invalid("Data form incorrect:. Product group is mandatory.")
        if group not in self.company.product_groups:
            if not self.options.create_product_groups:
                raise invalid(f"Data form incorrect:. Product group not found: {group}")
            self.company.product_groups.add(group)
        if code and any(r["code"].casefold() == code.casefold() for r in self._rows("products")):
            raise refused("DUPLICATE_DATA", f"Product with the product code {code} already exists.", 409)
        product = {"id": self.store.new_id("products"), "company": self.company.organisation_id, "code": code,
                   "name": name, "group": group, "active": xml.value(base, "isactive", "1") == "1",
                   "sales": xml.value(base, "issalesproduct", "1") == "1",
                   "unit_price": xml.decimal(price.text or "0", "unitprice",
                                             accept_point=self.options.accept_decimal_point)}
        self.store.products[product["id"]] = product
        self.store.log_write("POST", request.path, product["id"], f"product {code} {name} in {group}")
        return ok(inserted=product["id"])

    # -- accounts and dimensions ---------------------------------------------------------------------------------
    def get_accountlist(self, request: Request) -> Response:
        holder = etree.Element("AccountList")
        defaults = sub(holder, "CompanyDefaultAccounts")
        for name, number in self.company.default_accounts.items():
            sub(defaults, name, number)
        accounts = sub(holder, "Accounts")
        for row in self.company.accounts.values():
            account = sub(accounts, "Account")
            sub(account, "NetvisorKey", row["key"])
            sub(account, "Number", row["number"])
            sub(account, "Name", row["name"])
            sub(account, "AccountType", row["type"])
            sub(account, "FatherNetvisorKey", row["father"])
            sub(account, "IsActive", 1 if row["active"] else 0)
            sub(account, "IsCumulative", 0)
            sub(account, "Sort", row["key"])
            sub(account, "EndSort", row["key"])
            sub(account, "IsNaturalNegative", 0)
        return ok(holder)

    def get_dimensionlist(self, request: Request) -> Response:
        hidden_too = self.query.get("showhidden") == "1"
        holder = etree.Element("DimensionNameList")
        for dimension in self.company.dimensions.values():
            if dimension["hidden"] and not hidden_too:
                continue
            name = sub(holder, "DimensionName")
            sub(name, "Netvisorkey", dimension["key"])
            sub(name, "Name", dimension["name"])
            sub(name, "IsHidden", "True" if dimension["hidden"] else "False")
            sub(name, "LinkType", 0)
            details = sub(name, "DimensionDetails")
            for sort, (item, data) in enumerate(dimension["items"].items()):
                if data["hidden"] and not hidden_too:
                    continue
                detail = sub(details, "DimensionDetail")
                sub(detail, "Netvisorkey", data["key"])
                sub(detail, "Name", item)
                sub(detail, "IsHidden", "True" if data["hidden"] else "False")
                sub(detail, "Level", 1)
                sub(detail, "Sort", sort)
                sub(detail, "EndSort", sort)
                sub(detail, "FatherID", 0)
        return ok(holder)

    def post_dimensionitem(self, request: Request) -> Response:
        if self._method() != "add":
            raise invalid("Data form incorrect:. Only method=add is simulated for dimensionitem.nv.")
        element = self._body(request, "dimensionitem", dtd.DIMENSION_ITEM)
        name, item = xml.value(element, "name"), xml.value(element, "item")
        if not name or not item:
            raise invalid("Data form incorrect:. Dimension name and item are mandatory.")
        dimension = self._dimension(name)
        if dimension is None:
            if not self.options.create_dimension_names:
                raise invalid(f"Data form incorrect:. Dimension not found: {name}")
            key = 1 + max((d["key"] for d in self.company.dimensions.values()), default=0)
            dimension = self.company.dimensions[name] = {"key": key, "name": name, "hidden": False, "items": {}}
        if any(existing.casefold() == item.casefold() for existing in dimension["items"]):
            raise refused("DUPLICATE_DATA", f"Dimension item {item} already exists in dimension {name}.", 409)
        key = 1 + max((i["key"] for d in self.company.dimensions.values() for i in d["items"].values()), default=100)
        dimension["items"][item] = {"key": key, "hidden": xml.value(element, "ishidden").lower() == "true"}
        self.store.log_write("POST", request.path, key, f"dimension item {name}: {item}")
        return ok()

    def _dimension(self, name: str) -> dict | None:
        return next((d for n, d in self.company.dimensions.items() if n.casefold() == name.casefold()), None)

    # -- sales invoices ------------------------------------------------------------------------------------------
    def get_salesinvoicelist(self, request: Request) -> Response:
        rows = sorted(self._rows("invoices"), key=lambda r: r["id"])
        q = self.query
        begin = xml.ansi_date(q["begininvoicedate"], "begininvoicedate") if q.get("begininvoicedate") else None
        end = xml.ansi_date(q["endinvoicedate"], "endinvoicedate") if q.get("endinvoicedate") else None
        above = int(q["invoicesabovenetvisorkey"]) if q.get("invoicesabovenetvisorkey", "").isdigit() else None
        rows = [r for r in rows if (begin is None or r["date"] >= begin) and (end is None or r["date"] <= end)
                and (above is None or r["id"] > above)
                and (not q.get("invoicenumber") or r["number"] == q["invoicenumber"])
                and (not q.get("customercode") or r["customer_code"] == q["customercode"])
                and (not q.get("invoicestatus") or r["status"] == q["invoicestatus"])]
        holder = etree.Element("SalesInvoiceList")
        for row in rows[:max(1, self.options.list_limit)]:
            invoice = sub(holder, "SalesInvoice")
            sub(invoice, "NetvisorKey", row["id"])
            sub(invoice, "InvoiceNumber", row["number"])
            sub(invoice, "InvoiceDate", row["date"].isoformat(), format="ansi")
            sub(invoice, "InvoiceDueDate", row["due_date"].isoformat(), format="ansi")
            sub(invoice, "InvoiceStatus", row["status"], substatus="", isincollection="0")
            sub(invoice, "CustomerNetvisorKey", row["customer_id"])
            sub(invoice, "CustomerCode", row["customer_code"])
            sub(invoice, "CustomerName", row["customer_name"])
            sub(invoice, "ReferenceNumber", row["reference"])
            sub(invoice, "InvoiceSum", comma(row["amount"]))
            sub(invoice, "OpenSum", comma(row["amount"] if row["status"] != "paid" else 0))
            sub(invoice, "Uri", self._uri(request, "getsalesinvoice", row["id"]))
        return ok(holder)

    def get_deletesalesinvoice(self, request: Request) -> Response:
        return self.post_deletesalesinvoice(request)

    def post_deletesalesinvoice(self, request: Request) -> Response:
        key = self.query.get("invoiceid", "")
        invoice = self.store.invoices.get(int(key)) if key.isdigit() else None
        if invoice is None or invoice["company"] != self.company.organisation_id:
            raise invalid(f"Data form incorrect:. Sales invoice not found with Netvisor identifier: {key}")
        del self.store.invoices[invoice["id"]]
        self.store.log_write(request.method, request.path, invoice["id"], f"invoice {invoice['number']} deleted")
        return ok()

    def post_salesinvoice(self, request: Request) -> Response:
        if self._method() != "add":
            raise invalid("Data form incorrect:. Only method=add is simulated for salesinvoice.nv.")
        element = self._body(request, "salesinvoice", dtd.SALES_INVOICE)
        point = self.options.accept_decimal_point
        day = xml.ansi_date(xml.value(element, "salesinvoicedate"), "salesinvoicedate")
        if self.options.period_lock_before and day < date.fromisoformat(self.options.period_lock_before):
            raise refused("PERIOD_LOCK", f"The accounting period of {day.isoformat()} is locked.")
        amount = xml.decimal(xml.value(element, "salesinvoiceamount"), "salesinvoiceamount", accept_point=point)
        status = xml.value(element, "salesinvoicestatus").lower()
        invoice_type = xml.value(element, "invoicetype", "invoice").lower()
        if invoice_type == "invoice" and status not in ("open", "unsent"):
            raise invalid(f"Data form incorrect:. Invoice status {status!r} is not open or unsent.")
        customer = self._invoicing_customer(xml.find(element, "invoicingcustomeridentifier"))
        due = self._due_date(element, day)
        number = xml.value(element, "salesinvoicenumber")
        if not number:
            number = str(1 + max((int(r["number"]) for r in self._rows("invoices") if r["number"].isdigit()),
                                 default=0))
        elif not number.isdigit():
            raise invalid(f"Data form incorrect:. salesinvoicenumber must be a whole number: {number!r}.")
        if self.options.reject_duplicate_invoice_numbers and any(r["number"] == number for r in self._rows("invoices")):
            raise refused("DUPLICATE_DATA", f"Sales invoice with the invoice number {number} already exists.", 409)
        receivables = xml.value(element, "overridevouchersalesreceivablesaccountnumber")
        if receivables:
            self._active_account(receivables, "overridevouchersalesreceivablesaccountnumber")
        lines = [self._line(position, line) for position, line in
                 enumerate(xml.find_all(xml.find(element, "invoicelines"), "invoiceline"), start=1)]
        lines = [line for line in lines if line is not None]
        gross = sum((line["net"] + line["vat"] for line in lines), Decimal("0.00"))
        if self.options.check_amount_matches_lines and abs(gross - amount) > CENT:
            raise invalid(f"Data form incorrect:. salesinvoiceamount {comma(amount)} does not match the rows' "
                          f"total {comma(gross)}.")
        attachments = [self._attachment(a) for a in xml.find_all(xml.find(element, "salesinvoiceattachments"),
                                                                 "salesinvoiceattachment")] \
            if xml.find(element, "salesinvoiceattachments") is not None else []
        invoice = {"id": self.store.new_id("invoices"), "company": self.company.organisation_id, "number": number,
                   "date": day, "due_date": due, "status": status, "customer_id": customer["id"],
                   "customer_code": customer["code"], "customer_name": customer["name"],
                   "reference": xml.value(element, "salesinvoicereferencenumber") or finnish_reference(number),
                   "amount": amount,
                   "lines_total": gross, "lines": lines, "attachments": attachments,
                   "your_reference": xml.value(element, "salesinvoiceyourreference"),
                   "receivables_account": receivables or self.company.default_accounts["SalesReceivables"]}
        self.store.invoices[invoice["id"]] = invoice
        self.store.log_write("POST", request.path, invoice["id"],
                             f"invoice {number}: {len(lines)} rows, {comma(amount)}, {len(attachments)} attachments")
        return ok(inserted=invoice["id"])

    def post_matchcreditnote(self, request: Request) -> Response:
        """Netvisor's article on matchcreditnote.nv: both invoices must be sent (status open) with their
        vouchers, in the same currency; the credit note's total is negative, the invoice's positive."""
        element = self._body(request, "matchcreditnote", dtd.MATCH_CREDIT_NOTE)
        keys = {name: xml.value(element, name) for name in ("creditnotenetvisorkey", "invoicenetvisorkey")}
        found = {}
        for name, key in keys.items():
            invoice = self.store.invoices.get(int(key)) if key.isdigit() else None
            if invoice is None or invoice["company"] != self.company.organisation_id:
                raise invalid(f"Data form incorrect:. {name}: no sales invoice with NetvisorKey {key}.")
            found[name] = invoice
        credit, original = found["creditnotenetvisorkey"], found["invoicenetvisorkey"]
        if credit["amount"] >= 0:
            raise invalid(f"Data form incorrect:. Invoice {credit['number']} is not a credit note.")
        if original["amount"] <= 0:
            raise invalid(f"Data form incorrect:. Invoice {original['number']} is a credit note.")
        for invoice in (credit, original):
            if invoice["status"] != "open":
                raise invalid(f"Data form incorrect:. Invoice {invoice['number']} is not open; only sent invoices "
                              f"with vouchers can be matched.")
        if credit["customer_id"] != original["customer_id"]:
            raise invalid(f"Data form incorrect:. Invoices {credit['number']} and {original['number']} are of "
                          f"different customers.")
        if credit.get("matched_to"):
            raise invalid(f"Data form incorrect:. Credit note {credit['number']} is matched already.")
        credit["matched_to"] = original["id"]
        self.store.log_write("POST", request.path, credit["id"],
                             f"credit note {credit['number']} matched to invoice {original['number']}")
        return ok()

    def credit_links(self) -> dict[str, str]:
        """Each matched credit note's number -> the number of the invoice it credits."""
        with self.store.lock:
            invoices = self.store.invoices
            return {i["number"]: invoices[i["matched_to"]]["number"] for i in invoices.values() if i.get("matched_to")}

    def _invoicing_customer(self, element) -> dict:
        kind = (xml.attribute(element, "type") or "netvisor").lower()
        key = (element.text or "").strip()
        if kind == "netvisor":
            return self._customer_by_key(key)
        if kind == "customer":
            found = next((r for r in self._rows("customers") if r["code"] == key), None)
            if found is None:
                raise invalid(f"Data form incorrect:. Customer not found with customer code: {key}")
            return found
        raise invalid(f"Data form incorrect:. invoicingcustomeridentifier type {kind!r} is not simulated.")

    @staticmethod
    def _due_date(element, day: date) -> date:
        if xml.find(element, "salesinvoiceduedate") is not None:
            return xml.ansi_date(xml.value(element, "salesinvoiceduedate"), "salesinvoiceduedate")
        days = xml.value(element, "paymenttermnetdays")
        if days:
            if not days.isdigit():
                raise invalid(f"Data form incorrect:. paymenttermnetdays must be a whole number: {days!r}.")
            return day + timedelta(days=int(days))
        if xml.find(element, "paymentterm") is not None:
            return day + timedelta(days=14)
        raise invalid("Data form incorrect:. Payment term net days, due date or payment term is mandatory.")

    def _active_account(self, number: str, what: str) -> None:
        account = self.company.accounts.get(number)
        if account is None or account["type"] == "accountgroup":
            raise invalid(f"Data form incorrect:. {what}: account {number} not found.")
        if not account["active"]:
            raise invalid(f"Data form incorrect:. {what}: account {number} is not active.")

    def _line(self, position: int, element) -> dict | None:
        if len(element) != 1:
            raise invalid(f"Data form incorrect:. invoiceline {position} must hold exactly one line element.")
        line = element[0]
        if xml.name_of(line) != "salesinvoiceproductline":
            return None  # comment and sub-total lines carry no amounts
        point = self.options.accept_decimal_point
        identifier = xml.find(line, "productidentifier")
        product = self._product(identifier, position)
        price_element = xml.find(line, "productunitprice")
        price = xml.decimal(price_element.text, f"Row {position} productunitprice", accept_point=point)
        vat_element = xml.find(line, "productvatpercentage")
        code = xml.attribute(vat_element, "vatcode")
        if code not in seed.VAT_CODES:
            raise invalid(f"Data form incorrect:. Row {position}: VAT code {code!r} is not valid.")
        percent = xml.decimal(vat_element.text, f"Row {position} productvatpercentage", accept_point=point)
        quantity = xml.decimal(xml.value(line, "salesinvoiceproductlinequantity"),
                               f"Row {position} salesinvoiceproductlinequantity", accept_point=point)
        if xml.attribute(price_element, "type", "net").lower() == "gross":
            price = price / (1 + percent / 100)
        net = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        vat = (net * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        account = xml.value(line, "accountingaccountsuggestion")
        if account:
            self._active_account(account, f"Row {position} accountingaccountsuggestion")
        dimensions = []
        for dimension in xml.find_all(line, "dimension"):
            name, item = xml.value(dimension, "dimensionname"), xml.value(dimension, "dimensionitem")
            found = self._dimension(name)
            has_item = found is not None and any(i.casefold() == item.casefold() for i in found["items"])
            if not has_item:
                if not self.options.create_missing_dimension_items:
                    raise invalid(f"Data form incorrect:. Row {position}: dimension item {item} not found in "
                                  f"dimension {name}.")
                found = found or self.company.dimensions.setdefault(
                    name, {"key": len(self.company.dimensions) + 1, "name": name, "hidden": False, "items": {}})
                found["items"][item] = {"key": 1000 + len(found["items"]), "hidden": False}
            dimensions.append((name, item))
        return {"product": product["code"], "name": xml.value(line, "productname") or product["name"],
                "vat_code": code, "vat_percent": percent, "quantity": quantity, "unit_price": price, "net": net,
                "vat": vat, "account": account, "dimensions": dimensions,
                "free_text": xml.value(line, "salesinvoiceproductlinefreetext")}

    def _product(self, identifier, position: int) -> dict:
        kind = (xml.attribute(identifier, "type") or "netvisor").lower()
        key = (identifier.text or "").strip()
        rows = self._rows("products")
        if kind == "netvisor":
            found = next((r for r in rows if str(r["id"]) == key), None)
        elif kind == "customer":
            found = next((r for r in rows if r["code"].casefold() == key.casefold()), None)
        else:
            raise invalid(f"Data form incorrect:. Row {position}: productidentifier type {kind!r} is not simulated.")
        if found is None:
            raise invalid(f"Data form incorrect:. Row {position}: product not found with identifier {key} "
                          f"(type {kind}).")
        return found

    @staticmethod
    def _attachment(element) -> dict:
        data = xml.find(element, "documentdata")
        kind = xml.attribute(data, "type").lower()
        if kind not in ("pdf", "finvoice"):
            raise invalid("Data form incorrect:. documentdata type must be pdf or finvoice.")
        try:
            content = base64.b64decode("".join((data.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise invalid("Data form incorrect:. documentdata is not Base64.") from None
        if kind == "pdf" and not content.startswith(b"%PDF-"):
            raise invalid("Data form incorrect:. The attachment is not a PDF file.")
        return {"filename": xml.value(element, "filename"), "mimetype": xml.value(element, "mimetype"),
                "description": xml.value(element, "attachmentdescription"), "type": kind, "bytes": len(content)}

    # -- what the tests and the _received page read ---------------------------------------------------------
    def received(self) -> dict:
        """Everything the company holds, JSON-ready (dates as YYYY-MM-DD, amounts as numbers)."""
        with self.store.lock:
            return json_ready({"companies": {key: c.name for key, c in self.companies.items()},
                               "customers": list(self.store.customers.values()),
                               "products": list(self.store.products.values()),
                               "invoices": list(self.store.invoices.values()),
                               "dimensions": {key: {name: sorted(d["items"]) for name, d in c.dimensions.items()}
                                              for key, c in self.companies.items()},
                               "writes": list(self.store.writes)})

    def booked_invoices(self) -> list[dict]:
        with self.store.lock:
            return [{"number": i["number"], "remote_id": str(i["id"]), "complete": True,
                     "has_pdf": any(a["type"] == "pdf" for a in i["attachments"])}
                    for i in self.store.invoices.values()]

    def customer_keys(self) -> list[str]:
        with self.store.lock:
            return [c["code"] for c in self.store.customers.values()]
