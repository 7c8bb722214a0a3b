"""What Procountor holds that a run needs, read once per run (spec section 14, steps 2-7): fiscal years,
the chart of accounts, dimensions and their items, VAT defaults, the product group and its products, and
the business partners and invoices the run's invoices concern."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from ..base import ExportError
from .api import ProcountorApi
from .messages import CATALOGUE

_VAT_CODE = re.compile(r"^vat_(\d+)$", re.IGNORECASE)
#: what may stand in Procountor's ledgerAccountCode
ACCOUNT_NUMBER = re.compile(r"^\d{1,12}$")
GONE = ("INVALIDATED", "DELETED")


def vat_status_of(code: str) -> int | None:
    """The number of a UI VAT status code: "vat_1" -> 1 (the API's vatStatus is the integer part)."""
    found = _VAT_CODE.match((code or "").strip())
    return int(found.group(1)) if found else None


@dataclass
class Company:
    """Reference data, the same for every invoice of the run."""

    fiscal_years: list[dict]
    accounts: dict[str, dict]  # code -> ledger account
    dimensions: dict[str, dict]  # lower-case name -> dimension (with its items)
    vat_percents: set[Decimal]
    vat_statuses: dict[int, str]  # sales VAT statuses

    @classmethod
    def load(cls, api: ProcountorApi) -> Company:
        years = api.object("fiscalyears", key="fiscalYears")
        try:
            rows = api.object("coa", key="ledgerAccounts")
        except ExportError as exc:
            # The article has its own words for a chart Procountor refuses or answers with something else;
            # refused credentials, time-outs and a cancel stay what they are.
            if exc.short_code not in ("call_unsuccessful", "unparsable"):
                raise
            raise ExportError(CATALOGUE, "accounts_not_retrieved", status=exc.status, excerpt=exc.message) from None
        accounts = {str(row.get("ledgerAccountCode")): row for row in rows if row.get("ledgerAccountCode")}
        dimensions = {str(d.get("name", "")).strip().lower(): d for d in api.array("dimensions")}
        vats = api.object("vats/default")
        percents, statuses = set(), {}
        for country in vats.get("vatInformation") or []:
            for row in country.get("percentages") or []:
                if row.get("sales"):
                    percents.add(_decimal(row.get("vatPercent")))
        for row in vats.get("vatStatuses") or []:
            if row.get("sales") and isinstance(row.get("vatStatus"), int):
                statuses[row["vatStatus"]] = str(row.get("description") or "")
        return cls(years, accounts, dimensions, {p for p in percents if p is not None}, statuses)

    # -- questions the build and the checks ask ------------------------------------------------------------
    def period_open(self, day: date) -> bool:
        """In an open fiscal year and a tracking period that is OPEN (PENDING counts as not open)."""
        text = day.isoformat()
        for year in self.fiscal_years:
            if str(year.get("startDate")) <= text <= str(year.get("endDate")):
                if not year.get("isOpen"):
                    return False
                for period in year.get("trackingPeriods") or []:
                    if str(period.get("startDate")) <= text <= str(period.get("endDate")):
                        return period.get("status") == "OPEN"
                return True
        return False

    def account_usable(self, number: str) -> bool:
        account = self.accounts.get(number)
        return account is not None and account.get("active", True) is not False

    def dimension(self, name: str) -> dict | None:
        return self.dimensions.get(name.strip().lower())

    def item_id(self, dimension: dict, name: str) -> int | None:
        """An active item of the dimension by name (an item whose status is "P" is inactive)."""
        for item in dimension.get("items") or []:
            if str(item.get("codeName", "")).strip().lower() == name.strip().lower() and item.get("status") != "P":
                return item.get("id")
        return None


@dataclass
class RunData:
    """The run's own objects in Procountor: partners by customer number, products of the group by code,
    invoices by original number; kept up to date as the run creates them (behind a lock)."""

    group: dict | None = None
    products: dict[str, dict] = field(default_factory=dict)
    partners: dict[str, dict | None] = field(default_factory=dict)  # customer number -> basic info or None
    invoices: dict[str, list[dict]] = field(default_factory=dict)  # original number -> basic infos
    covered: tuple[date, date] | None = None  # the invoice dates whose invoices were all read
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add_products(self, rows: list[dict]) -> None:
        for row in rows:
            if row.get("code"):
                self.products.setdefault(str(row["code"]), row)

    def add_invoices(self, rows: list[dict]) -> None:
        for row in rows:
            number = row.get("originalInvoiceNumber")
            if number and row.get("status") not in GONE:
                self.invoices.setdefault(str(number), []).append(row)


def find_group(api: ProcountorApi, name: str) -> dict | None:
    groups = api.object("products/groups", {"type": "SALES"}, key="productGroups")
    return next((g for g in groups if str(g.get("name", "")).strip().lower() == name.strip().lower()
                 and g.get("type", "SALES") == "SALES"), None)


def find_partner(api: ProcountorApi, number: str) -> dict | None:
    """The active customer with this customer number (Procountor's search hides inactive ones)."""
    found = api.pages("businesspartners", {"type": "CUSTOMER", "customerNumber": number})
    return next((p for p in found if str((p.get("invoicingInfo") or {}).get("customerNumber")) == number), None)


def find_invoices(api: ProcountorApi, number: str, *, by: str = "originalInvoiceNumber") -> list[dict]:
    """The sales invoices whose original number (or Procountor's own invoice number) is ``number``."""
    found = api.pages("invoices", {by: number, "types": "SALES_INVOICE"})
    return [row for row in found if str(row.get(by)) == number and row.get("status") not in GONE]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None
