"""The Finnish company the sandbox starts with, seeded from the portal's demo data (accounting.demo.data):
Helsingin Rahtipalvelu Oy with a Finnish chart of accounts that holds the demo's accounts, fiscal years
2025 (closed) to 2027, two dimensions, and one customer already in Procountor with an old address."""
from __future__ import annotations

from dataclasses import dataclass

from accounting.demo import data
from exports.connectors.procountor.target import DEMO_KEY

#: The registered integration and the m2m user's API key bound to it.
CLIENT_ID = DEMO_KEY["client_id"]
CLIENT_SECRET = DEMO_KEY["client_secret"]
API_KEY = DEMO_KEY["api_key"]
REDIRECT_URI = "https://portal.example/procountor/callback"
COMPANY_ID = 18311
USER_ID = 4120

#: Accounts receivable Procountor books a sales invoice on unless its ledger receipt says otherwise.
DEFAULT_RECEIVABLE = "1701"
DEFAULT_SALES = "3000"

_FINNISH_CHART = [
    ("1701", "Myyntisaamiset", "Accounts receivable"),
    ("1911", "Pankkitili", "Bank account"),
    ("2939", "Arvonlisäverovelka", "Output VAT"),
    ("3000", "Myynti", "Sales"),
    ("3010", "Myynti 14 %", "Sales 14 %"),
    ("3380", "Yhteisömyynti", "EU sales"),
    ("3400", "Vientimyynti", "Export sales"),
    ("9000", "Vanha myyntitili", "Old sales account"),
]


def accounts() -> list[dict]:
    """The chart (GET /coa): Finnish accounts plus every account of the demo data, one inactive."""
    rows = {code: {"ledgerAccountCode": code, "name": name, "active": code != "9000",
                   "translations": [{"languageCode": "en", "translation": english}]}
            for code, name, english in _FINNISH_CHART}
    for account in data.ACCOUNTS:
        rows.setdefault(account.number, {"ledgerAccountCode": account.number, "name": account.description,
                                         "active": True})
    return sorted(rows.values(), key=lambda row: row["ledgerAccountCode"])


def fiscal_years() -> list[dict]:
    """Newest first; monthly tracking periods in date order."""
    years = []
    for number, year in enumerate((2027, 2026, 2025), start=1):
        months = [{"id": number * 100 + month, "startDate": f"{year}-{month:02d}-01",
                   "endDate": f"{year}-{month:02d}-{_last_day(year, month):02d}",
                   "status": "CLOSED" if year == 2025 else "OPEN", "modified": f"{year - 1}-12-01T09:00:00"}
                  for month in range(1, 13)]
        years.append({"id": number, "startDate": f"{year}-01-01", "endDate": f"{year}-12-31",
                      "modified": f"{year - 1}-12-01T09:00:00", "isOpen": year != 2025, "trackingPeriods": months})
    return years


def _last_day(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def dimensions() -> list[dict]:
    return [{"id": 1, "name": "Kustannuspaikka",
             "items": [{"id": 11, "codeName": "Helsinki", "description": "Helsingin terminaali"},
                       {"id": 12, "codeName": "Tampere", "description": ""},
                       {"id": 13, "codeName": "Oulu", "description": "Suljettu", "status": "P"}]},
            {"id": 2, "name": "Projekti", "items": []}]


def partners() -> list[dict]:
    """One customer already in Procountor: the demo's first Helsinki customer (sales ledger number 1001, as
    seed_demo numbers them), with the street it had before it moved."""
    customer = data.CUSTOMERS["HEL"][0]
    address = {"name": customer.name, "street": "Vanha Sahakatu 1", "zip": customer.postal_code,
               "city": customer.city, "country": "FINLAND"}
    return [{"id": 501, "name": customer.name, "type": "CUSTOMER", "version": "2026-01-15T10:00:00",
             "address": dict(address), "billingAddress": dict(address),
             "invoicingInfo": {"customerNumber": "1001", "identifier": customer.corporate_id,
                               "invoiceChannel": "EMAIL", "email": customer.email, "language": "FINNISH"},
             "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "14"},
             "registryInfo": {"active": True}}]


def product_groups() -> list[dict]:
    """No OpterGroup yet: the first export creates it."""
    return [{"id": 1, "name": "Palvelut", "type": "SALES"}, {"id": 2, "name": "Ostot", "type": "PURCHASE"}]


@dataclass(frozen=True)
class Session:
    company_id: int = COMPANY_ID
    company_name: str = data.HEL.name
    user_id: int = USER_ID
    user_name: str = "Opter m2m"
