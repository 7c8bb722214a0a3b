"""The sandbox's e-conomic agreement: a Danish company seeded from the demo data (the Copenhagen office,
its sales accounts as product groups) with the reference data of a standard Danish agreement (spec
section 8): VAT zones 1-4, payment terms net 0/8/14/30 and running month 30, two layouts, customer
groups Domestic/Foreign, VAT codes, the journals "Daglig" and a restricted one, accounting years.

Reference objects carry their key and ``self`` link in answers; ``links`` adds them for the base URL
the client used.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounting.demo import data
from exports.connectors.economic.target import DEMO_TOKENS

#: e-conomic's shared read-only demo agreement (spec section 2)
READ_ONLY_DEMO = "demo"
BASE_CURRENCY = "DKK"
CURRENCIES = ("DKK", "EUR", "SEK", "NOK", "USD", "GBP")
OFFICE = data.CPH
DEBTORS_ACCOUNT = 5600

ZONE_NAMES = {
    "en": {1: "Domestic", 2: "EU", 3: "Abroad", 4: "Domestic exempt VAT"},
    # Made-up Danish wording (spec 6.4: the localized names are not documented); clients map by number.
    "da": {1: "Indenlandsk", 2: "EU", 3: "Udlandet", 4: "Indenlandsk momsfri"},
}


def agreement() -> dict:
    return {
        "agreementNumber": 6502371,
        "agreementType": {"agreementTypeNumber": 1, "name": "denmark"},
        "userName": "API",
        "company": {"addressLine1": OFFICE.street, "zip": OFFICE.postal_code, "city": OFFICE.city,
                    "name": OFFICE.name, "email": OFFICE.email, "companyIdentificationNumber": OFFICE.corporate_id,
                    "vatNumber": OFFICE.vat_number},
        "bankInformation": {"bankName": "Danske Bank", "swiftCode": OFFICE.bic, "ibanNumber": OFFICE.iban},
        "application": {"appNumber": 4711, "name": "Opter invoice export (sandbox)",
                        "appPublicToken": DEMO_TOKENS["app_public_token"],
                        "requiredRoles": [{"roleNumber": 2, "name": "SuperUser"}]},
        "settings": {"baseCurrency": BASE_CURRENCY},
        "companyAffiliation": "e-conomic",
    }


def vat_zones(language: str) -> list[dict]:
    names = ZONE_NAMES.get(language, ZONE_NAMES["en"])
    return [{"vatZoneNumber": number, "name": names[number], "enabledForCustomer": True,
             "enabledForSupplier": number != 4} for number in (1, 2, 3, 4)]


#: VAT rate per VAT zone of the sales accounts a product group books on (domestic 25 %, the rest 0 %).
ZONE_VAT = {1: ("U25", Decimal("25")), 2: ("UEU", Decimal("0")), 3: ("UA", Decimal("0")), 4: (None, Decimal("0"))}


SALES, PURCHASE = {"vatTypeNumber": 1, "name": "Outgoing Sales Domestic"}, {"vatTypeNumber": 2,
                                                                             "name": "Ingoing Purchase Domestic"}


def vat_accounts() -> list[dict]:
    rows = [("U25", "Salgsmoms 25 %", "25", 6901, SALES), ("I25", "Købsmoms 25 %", "25", 6902, PURCHASE),
            ("UEU", "EU-salg af ydelser", "0", 6901, SALES), ("UA", "Salg til udlandet", "0", 6901, SALES),
            ("I0", "Spærret kode", "0", 6902, PURCHASE)]
    result = [{"vatCode": code, "name": name, "ratePercentage": Decimal(rate), "account": {"accountNumber": account},
               "vatType": dict(kind)} for code, name, rate, account, kind in rows]
    result[-1]["barred"] = True
    return result


def sales_account_vat() -> dict[int, str | None]:
    """The VAT code each sales account books with: the demo's (domestic) sales accounts 25 %."""
    codes = {int(number): "U25" for number in _demo_sales_accounts()}
    return {**codes, 1020: None, 1030: "UEU", 1040: "UA"}


def _demo_sales_accounts() -> dict[str, str]:
    """The Copenhagen office's sales accounts in the demo (Opter's account number -> description)."""
    descriptions = {account.number: account.description for account in data.ACCOUNTS}
    numbers = {rate.sales_account for rate in data.VAT_RATES if rate.code.startswith(OFFICE.country)}
    return {number: descriptions[number] for number in sorted(numbers)}


def accounts() -> list[dict]:
    chart = [(number, description, "profitAndLoss") for number, description in _demo_sales_accounts().items()]
    chart += [(1020, "Salg af varer/ydelser u/moms", "profitAndLoss"), (1030, "Salg til EU", "profitAndLoss"),
              (1040, "Salg til udlandet", "profitAndLoss"), (DEBTORS_ACCOUNT, "Debitorer", "status"),
              (6901, "Salgsmoms", "status"), (6902, "Købsmoms", "status")]
    return [{"accountNumber": int(number), "name": name, "accountType": kind} for number, name, kind in chart]


def product_groups() -> list[dict]:
    """One group per Opter sales account of the demo, named after it (seed 003 step 1), and a standard
    group that no Opter account is named after."""
    groups = [{"productGroupNumber": number, "name": account}
              for number, account in enumerate(_demo_sales_accounts(), start=1)]
    groups.append({"productGroupNumber": len(groups) + 1, "name": "Varer m/moms"})
    for group in groups:
        base = int(group["name"]) if group["name"].isdigit() else 1010
        group["zoneAccounts"] = {1: base, 2: 1030, 3: 1040, 4: 1020}
    return groups


def products(groups: list[dict]) -> list[dict]:
    """A product in the standard group only: the export creates its own for the Opter accounts' groups."""
    standard = groups[-1]["productGroupNumber"]
    return [{"productNumber": "50", "name": "Emballage", "salesPrice": Decimal("25.00"),
             "productGroup": {"productGroupNumber": standard}}]


def payment_terms() -> list[dict]:
    return [
        {"paymentTermsNumber": 1, "daysOfCredit": 8, "name": "Netto 8 dage", "paymentTermsType": "net"},
        {"paymentTermsNumber": 2, "daysOfCredit": 14, "name": "Netto 14 dage", "paymentTermsType": "net"},
        {"paymentTermsNumber": 3, "daysOfCredit": 0, "name": "Til omgående betaling", "paymentTermsType": "net"},
        {"paymentTermsNumber": 4, "daysOfCredit": 30, "name": "Løbende måned 30 dage",
         "paymentTermsType": "invoiceMonth"},
        {"paymentTermsNumber": 5, "daysOfCredit": 30, "name": "Netto 30 dage", "paymentTermsType": "net"},
        {"paymentTermsNumber": 7, "name": "Forfaldsdato", "paymentTermsType": "dueDate"},
    ]


def layouts() -> list[dict]:
    return [{"layoutNumber": 19, "name": "DK. std. m. bankoplys. 1.5"},
            {"layoutNumber": 21, "name": "Eng. std. m. bankoplys. 1.5"}]


def customer_groups() -> list[dict]:
    debtors = {"accountNumber": DEBTORS_ACCOUNT, "accountType": "status", "name": "Debitorer"}
    return [{"customerGroupNumber": 1, "name": "Domestic", "account": debtors},
            {"customerGroupNumber": 2, "name": "Foreign", "account": debtors, "layout": {"layoutNumber": 21}}]


def customers() -> list[dict]:
    """Customers the agreement already had before the export: none of them is a demo customer."""
    return [{"customerNumber": 1, "name": "Nordhavn Shipping ApS", "currency": "DKK",
             "corporateIdentificationNumber": "12345674", "address": "Nordhavnsvej 2", "zip": "2150",
             "city": "Nordhavn", "country": "Denmark", "customerGroup": {"customerGroupNumber": 1},
             "paymentTerms": {"paymentTermsNumber": 2}, "vatZone": {"vatZoneNumber": 1},
             "lastUpdated": "2026-01-05T09:12:44Z"}]


def journals() -> list[dict]:
    return [
        {"journalNumber": 1, "name": "Daglig", "settings": {"voucherNumbers": {"minimumVoucherNumber": 1}}},
        {"journalNumber": 2, "name": "Indbetalinger",
         "settings": {"voucherNumbers": {"minimumVoucherNumber": 50001, "maximumVoucherNumber": 59999},
                      "entryTypeRestrictedTo": "customerPayment",
                      "contraAccounts": {"customerPayments": {"accountNumber": 5820}}}},
    ]


def accounting_years(first: int, closed: set[int], today: date | None = None) -> list[dict]:
    """Calendar years from ``first`` to next year."""
    last = (today or date.today()).year + 1
    return [{"year": str(year), "fromDate": f"{year}-01-01", "toDate": f"{year}-12-31", "closed": year in closed}
            for year in range(first, last + 1)]
