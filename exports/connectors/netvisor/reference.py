"""What the connector reads from the Netvisor company, once per run: accounts, dimensions, the product,
the customers in use and the invoices already there (spec sections 5.1-5.8).

Names are compared case-insensitively where Netvisor's own screens would treat them as the same
(dimension names and items, product codes); customer codes and invoice numbers exactly.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .api import NetvisorApi
from .xml import child, children, decimal_of, text

#: customerlist.nv takes at most 100 codes per call (spec section 5.1).
CODES_PER_CALL = 100
#: A server that never stops paging must not keep a run busy for ever.
MAX_PAGES = 10_000


def folded(value: str) -> str:
    return " ".join((value or "").split()).casefold()


@dataclass(frozen=True)
class ProductSpec:
    """The product every invoice row names (terminology tags IES_NetvisorAPIProductName/Group)."""

    code: str
    name: str
    group: str


@dataclass
class CompanyData:
    accounts: dict[str, bool] = field(default_factory=dict)  # account number -> active
    dimensions: dict[str, set[str]] = field(default_factory=dict)  # folded name -> folded item names
    product: dict | None = None  # {"key", "code", "name"}
    customers: dict[str, dict] = field(default_factory=dict)  # customer code in Netvisor -> {"key", "code", "name"}
    invoices: dict[str, dict] = field(default_factory=dict)  # invoice number -> {"key", "number", "sum", ...}
    covered: tuple[date, date] | None = None  # invoice dates whose invoices are in ``invoices``
    customer_keys_read: frozenset[str] = frozenset()
    lock: threading.RLock = field(default_factory=threading.RLock)

    def account_state(self, number: str) -> str:
        active = self.accounts.get(str(number))
        if active is None:
            return "missing"
        return "active" if active else "inactive"

    def has_dimension_item(self, name: str, item: str) -> bool:
        return folded(item) in self.dimensions.get(folded(name), set())

    def add_dimension_item(self, name: str, item: str) -> None:
        self.dimensions.setdefault(folded(name), set()).add(folded(item))

    def covers(self, day: date) -> bool:
        return self.covered is not None and self.covered[0] <= day <= self.covered[1]


# -- parsing the lists -----------------------------------------------------------------------------------

def parse_accounts(root) -> dict[str, bool]:
    accounts = {}
    holder = child(root, "AccountList")
    listed = child(holder, "Accounts") if holder is not None else None
    for account in children(listed, "Account") if listed is not None else []:
        number = text(account, "Number")
        if number and text(account, "AccountType").lower() != "accountgroup":
            accounts[number] = text(account, "IsActive", "1") not in ("0", "false", "False")
    return accounts


def parse_dimensions(root) -> dict[str, set[str]]:
    dimensions: dict[str, set[str]] = {}
    holder = child(root, "DimensionNameList")
    for dimension in children(holder, "DimensionName") if holder is not None else []:
        items = dimensions.setdefault(folded(text(dimension, "Name")), set())
        details = child(dimension, "DimensionDetails")
        for detail in children(details, "DimensionDetail") if details is not None else []:
            items.add(folded(text(detail, "Name")))
    return dimensions


def parse_products(root) -> list[dict]:
    holder = child(root, "ProductList")
    return [{"key": text(p, "NetvisorKey"), "code": text(p, "ProductCode"), "name": text(p, "Name"),
             "group": text(p, "ProductGroupDescription")}
            for p in (children(holder, "Product") if holder is not None else [])]


def parse_customers(root) -> list[dict]:
    holder = child(root, "Customerlist")
    return [{"key": text(c, "Netvisorkey"), "code": text(c, "Code"), "name": text(c, "Name"),
             "business_id": text(c, "OrganisationIdentifier")}
            for c in (children(holder, "Customer") if holder is not None else [])]


def parse_invoices(root) -> list[dict]:
    holder = child(root, "SalesInvoiceList")
    return [{"key": text(i, "NetvisorKey"), "number": text(i, "InvoiceNumber"),
             "date": text(i, "InvoiceDate"), "sum": decimal_of(text(i, "InvoiceSum")),
             "customer_code": text(i, "CustomerCode"), "status": text(i, "InvoiceStatus")}
            for i in (children(holder, "SalesInvoice") if holder is not None else [])]


# -- reading them ----------------------------------------------------------------------------------------

class Reader:
    def __init__(self, api: NetvisorApi):
        self.api = api

    def accounts(self) -> dict[str, bool]:
        return parse_accounts(self.api.read("accountlist.nv"))

    def dimensions(self) -> dict[str, set[str]]:
        return parse_dimensions(self.api.read("dimensionlist.nv", {"showhidden": 1}))

    def product(self, spec: ProductSpec) -> dict | None:
        rows = parse_products(self.api.read("productlist.nv", {"keyword": spec.code}))
        return next((row for row in rows if folded(row["code"]) == folded(spec.code)), None)

    def customers(self, codes) -> dict[str, dict]:
        codes = sorted({code for code in codes if code})
        if not codes:
            # Nothing to look up, but the call still shows the API user's right to customerlist.nv.
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self.api.read("customerlist.nv", {"changedsince": now})
            return {}
        found = {}
        for start in range(0, len(codes), CODES_PER_CALL):
            chunk = codes[start:start + CODES_PER_CALL]
            for row in parse_customers(self.api.read("customerlist.nv", {"customercodelist": ",".join(chunk)})):
                if row["code"] in chunk:
                    found[row["code"]] = row
        return found

    def invoices(self, first: date, last: date) -> list[dict]:
        """Every invoice dated first..last: pages of at most 500 rows, after the highest key seen."""
        rows, above = [], None
        for _ in range(MAX_PAGES):
            page = parse_invoices(self.api.read("salesinvoicelist.nv", {
                "begininvoicedate": first.isoformat(), "endinvoicedate": last.isoformat(),
                "invoicesabovenetvisorkey": above}))
            keys = [int(row["key"]) for row in page if row["key"].isdigit()]
            if not page or not keys or (above is not None and max(keys) <= above):
                break
            rows += page
            above = max(keys)
        return rows

    def invoices_numbered(self, number: str) -> list[dict]:
        rows = parse_invoices(self.api.read("salesinvoicelist.nv", {"invoicenumber": number}))
        return [row for row in rows if row["number"] == number]
