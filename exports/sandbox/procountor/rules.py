"""Procountor's business rules beyond the shape of a body (spec sections 3-13, checklist 15): the
Windows-1252 character set, country names, VAT, accounts, fiscal periods, invoicing channels, business IDs,
reference numbers. Each check returns problems as (field, code or text); the handlers answer 400 with them."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pycountry

Problem = tuple[str | None, str]

UNITS = frozenset({
    "PIECE", "HOUR", "DAY", "KILOGRAM", "TON", "KILOMETER", "LITER", "METER", "CUBIC_METER", "PALLET", "PARCEL",
    "BOX", "LOT", "SET", "PERSON", "MINUTE", "MONTH", "WEEK", "YEAR", "SALE_UNIT", "NO_UNIT", "SQUARE_METER",
    "GRAM", "CENTIMETER", "MILLIMETER", "KILOWATT_HOUR", "PACKAGE", "BOTTLE", "CAN", "ROLL", "SHEET", "TIMES",
})
PARTNER_TYPES = frozenset({"CUSTOMER", "SUPPLIER"})
PAYMENT_METHODS = frozenset({
    "BANK_TRANSFER", "DIRECT_DEBIT", "DIRECT_PAYMENT", "CLEARING", "CREDIT_CARD_CHARGE", "FOREIGN_PAYMENT", "OTHER",
    "CASH", "DOMESTIC_PAYMENT_PLUSGIRO", "DOMESTIC_PAYMENT_BANKGIRO", "DOMESTIC_PAYMENT_CREDITOR", "DKLMPKRE", "NETS"})
INVOICE_PAYMENT_METHODS = PAYMENT_METHODS - {"DIRECT_DEBIT"}
PARTNER_CHANNELS = frozenset({"EMAIL", "MAIL", "ELECTRONIC_INVOICE", "EDIFACT", "PAPER_INVOICE", "NO_SENDING"})
INVOICE_CHANNELS = frozenset({"EMAIL", "MAIL", "ELECTRONIC_INVOICE", "NO_SENDING"})
LANGUAGES = frozenset({"DANISH", "ENGLISH", "ESTONIAN", "FINNISH", "NORWEGIAN", "SWEDISH"})
REFERENCE_TYPES = frozenset({"FI", "RF", "OCR", "KID", "GIK01", "GIK04", "GIK15", "FIK71", "FIK73", "FIK75"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_Y_TUNNUS = re.compile(r"^(\d{7})-(\d)$")


def country_name(country) -> str:
    """Procountor's country enum: the English short name, upper case, words joined by underscores."""
    if country.alpha_2 == "GB":
        return "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND"
    return re.sub(r"[^A-Z0-9]+", "_", country.name.upper()).strip("_")


COUNTRIES = frozenset(country_name(country) for country in pycountry.countries)


def cp1252_problems(value, where: str = "") -> list[Problem]:
    """Every string of a body must be writable in Windows-1252 (spec 3)."""
    problems = []
    if isinstance(value, dict):
        for key, inner in value.items():
            problems += cp1252_problems(inner, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            problems += cp1252_problems(inner, f"{where}[{index}]")
    elif isinstance(value, str):
        try:
            value.encode("cp1252")
        except UnicodeEncodeError:
            problems.append((where, "SIM_CHARACTER_OUTSIDE_WINDOWS_1252"))
    return problems


def length_problem(value: str | None, field: str, low: int, high: int) -> list[Problem]:
    length = len(value or "")
    if not low <= length <= high:
        return [(field, f"SIM_LENGTH_{low}_{high}")]
    return []


def address_problems(address: dict | None, field: str) -> list[Problem]:
    if not address:
        return []
    problems = []
    for name, high in (("name", 80), ("specifier", 80), ("street", 80), ("zip", 20), ("city", 40),
                       ("subdivision", 35)):
        if address.get(name) is not None:
            problems += length_problem(address[name], f"{field}.{name}", 0, high)
    country = address.get("country")
    if country is not None and country not in COUNTRIES:
        problems.append((f"{field}.country", "SIM_UNKNOWN_COUNTRY"))
    return problems


def finnish_business_id_ok(value: str) -> bool:
    found = _Y_TUNNUS.match(value or "")
    if not found:
        return False
    weights = (7, 9, 10, 5, 8, 4, 2)
    remainder = sum(int(d) * w for d, w in zip(found.group(1), weights, strict=True)) % 11
    if remainder == 1:
        return False
    return int(found.group(2)) == (0 if remainder == 0 else 11 - remainder)


def finnish_reference_ok(value: str) -> bool:
    """A Finnish bank reference (viitenumero): digits, check digit by weights 7, 3, 1 from the right."""
    digits = (value or "").replace(" ", "")
    if not digits.isdigit() or not 4 <= len(digits) <= 20:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def rf_reference_ok(value: str) -> bool:
    text = (value or "").replace(" ", "").upper()
    if not re.match(r"^RF\d{2}[A-Z0-9]{1,21}$", text):
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def reference_problems(code: str | None, kind: str | None) -> list[Problem]:
    """A supplied bank reference must carry a valid check digit; "" means Procountor makes one."""
    if not code:
        return []
    if kind is not None and kind not in REFERENCE_TYPES:
        return [("paymentInfo.bankReferenceCodeType", "SIM_UNKNOWN_REFERENCE_TYPE")]
    ok = rf_reference_ok(code) if (kind == "RF" or code.upper().startswith("RF")) else finnish_reference_ok(code)
    return [] if ok else [("paymentInfo.bankReferenceCode", "INVALID_BANK_REFERENCE_CODE")]


def email_ok(value: str | None) -> bool:
    return bool(value and _EMAIL.match(value))


def currency_ok(value: str | None) -> bool:
    return bool(value and _CURRENCY.match(value))


def iban_ok(value: str | None) -> bool:
    return bool(value and _IBAN.match(value))


def decimal_places(value, places: int) -> bool:
    return Decimal(str(value)).as_tuple().exponent >= -places


def period_state(fiscal_years: list[dict], day: date, closed_months: set[str]) -> str:
    """"open", "closed" (a closed or pending year or period) or "missing" (no fiscal year holds the day)."""
    text = day.isoformat()
    for year in fiscal_years:
        if year["startDate"] <= text <= year["endDate"]:
            if not year["isOpen"]:
                return "closed"
            for period in year.get("trackingPeriods") or []:
                inside = period["startDate"] <= text <= period["endDate"]
                if inside and (period["status"] != "OPEN" or text[:7] in closed_months):
                    return "closed"
            return "open"
    return "missing"
