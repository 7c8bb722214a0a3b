"""The company a fresh Netvisor sandbox holds: Helsingin Rahtipalvelu Oy, the demo's Finnish office, with
the demo data's accounts and VAT codes, a dimension per demo economic unit, and its API user.

Everything is per company (keyed by business ID, the X-Netvisor-Organisation-ID): a request for a company
the API user has no access to is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounting.demo import data as demo
from exports.connectors.netvisor.target import DEMO_KEY

ORGANISATION_ID = demo.HEL.corporate_id  # 1033062-8
#: partner id -> partner key: the software partners Netvisor knows.
PARTNERS = {DEMO_KEY["partner_id"]: DEMO_KEY["partner_key"]}


@dataclass(frozen=True)
class ApiUser:
    customer_id: str
    customer_key: str
    companies: tuple[str, ...]  # business IDs of the companies it may use


API_USERS = {DEMO_KEY["customer_id"]: ApiUser(DEMO_KEY["customer_id"], DEMO_KEY["customer_key"], (ORGANISATION_ID,))}

#: The VAT codes Netvisor takes (spec section 6, and the codes of Opter's table that the DTD copy lacks).
VAT_CODES = ("NONE", "KOOS", "EUOS", "EUUO", "EUPO", "100", "KOMY", "EUMY", "EUUM", "EUPM312", "EUPM309", "MUUL",
             "EVTO", "EVPO", "RAMY", "RAOS", "EVRO", "EVKV", "KAVE", "MAAL", "EVMA")


@dataclass
class Company:
    organisation_id: str
    name: str
    accounts: dict[str, dict]  # number -> {"key", "number", "name", "active", "type", "father"}
    default_accounts: dict[str, str]
    dimensions: dict[str, dict]  # name -> {"key", "name", "hidden", "items": {item name -> {"key", "hidden"}}}
    product_groups: set[str]


def _account(key, number, name, active=True, kind="account", father=0):
    return {"key": key, "number": number, "name": name, "active": active, "type": kind, "father": father}


def helsinki() -> Company:
    accounts = [
        _account(1, "", "Vastaavaa (assets)", kind="accountgroup"),
        _account(2, "1700", "Myyntisaamiset (sales receivables)", father=1),
        _account(3, "1910", "Pankkitili (bank account)", father=1),
        _account(4, "", "Vastattavaa (liabilities)", kind="accountgroup"),
        _account(5, "2871", "Ostovelat (trade payables)", father=4),
        _account(6, "", "Liikevaihto (turnover)", kind="accountgroup"),
        _account(7, "3001", "Myynti 24 % (sales, before 1.9.2024)", active=False, father=6),
        _account(8, "4000", "Ostot (purchases)"),
        _account(9, "8500", "Pyöristyserot (rounding differences)"),
    ]
    # The demo data's chart (every office's accounts, as the demo's account coding uses them).
    key = 100
    for account in demo.ACCOUNTS:
        if not any(a["number"] == account.number for a in accounts):
            accounts.append(_account(key, account.number, account.description, father=6))
            key += 1
    dimensions = {"Kustannuspaikka": {"key": 1, "name": "Kustannuspaikka", "hidden": False,
                                      "items": {"Helsinki": {"key": 11, "hidden": False},
                                                "Vantaa": {"key": 12, "hidden": False}}}}
    key = 2
    for office in demo.OFFICES:
        units = demo.ECONOMIC_UNITS.get(office.code, ())
        if units:
            name = office.economic_unit_name_1 or "Economic unit 1"
            items = dimensions.setdefault(name, {"key": key, "name": name, "hidden": False, "items": {}})["items"]
            for offset, (_, unit_name) in enumerate(units, start=1):
                items[unit_name] = {"key": key * 10 + offset, "hidden": False}
            key += 1
    return Company(
        organisation_id=ORGANISATION_ID, name=demo.HEL.name,
        accounts={a["number"] or f"group-{a['key']}": a for a in accounts},
        default_accounts={"SalesReceivables": "1700", "SalesVATDebt": "2939", "RoundingOffDifference": "8500",
                          "SalesDomesticDefault": "3000", "SalesEUDefault": "3380", "SalesOutsideEUDefault": "3000",
                          "TradePayables": "2871", "VATpayable": "2939"},
        dimensions=dimensions, product_groups={"Palvelut"})


def customers() -> list[dict]:
    return [{"id": 1, "company": ORGANISATION_ID, "code": "1001", "name": "Oulun Satamapalvelu Oy",
             "business_id": "0190406-6", "country": "FI", "operator": "", "e_invoice_address": "", "group": ""}]


def products() -> list[dict]:
    return [{"id": 1, "company": ORGANISATION_ID, "code": "RAHTI", "name": "Rahti (freight)", "group": "Palvelut",
             "unit_price": Decimal("0.00"), "active": True, "sales": True}]


def invoices() -> list[dict]:
    return [{"id": 1, "company": ORGANISATION_ID, "number": "1001", "date": date(2026, 10, 15),
             "due_date": date(2026, 10, 29), "status": "open", "customer_id": 1, "customer_code": "1001",
             "customer_name": "Oulun Satamapalvelu Oy", "reference": "10016", "amount": Decimal("125.50"),
             "lines": [], "attachments": [], "receivables_account": "1700"}]
