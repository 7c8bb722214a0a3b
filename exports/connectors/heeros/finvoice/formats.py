"""Values as Finvoice 3.0 writes them (the XSD's simple types) and reads them back.

    amount      -?[0-9]{1,15}(,[0-9]{2,5})?   decimal comma, 2 to 5 decimals, no thousands separator
    epiAmount   -?[0-9]{1,15},[0-9]{2}        exactly 2 decimals (EpiInstructedAmount)
    percentage  [1-9]?[0-9]{1,2}(,[0-9]{1,4})?  25,5 / 24 / 0
    date        CCYYMMDD, with Format="CCYYMMDD"
    quantity    free text of at most 14 characters; written like an amount without trailing zeros
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_PLACES = 5


def amount(value: Decimal) -> str:
    """A money amount in cents: 1234.5 -> "1234,50"."""
    return _comma(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def unit_amount(value: Decimal) -> str:
    """A unit price: at least 2 and at most 5 decimals, as precise as the value is (0.1180 -> "0,118")."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-MAX_PLACES), rounding=ROUND_HALF_UP).normalize()
    if -value.as_tuple().exponent < 2:
        value = value.quantize(CENT)
    return _comma(value)


def percentage(value: Decimal) -> str:
    """A VAT rate: 25.50 -> "25,5", 24.00 -> "24", 0 -> "0"."""
    value = Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return _comma(value if value.as_tuple().exponent <= 0 else value.quantize(Decimal(1)))


def quantity(value: Decimal) -> str:
    """A quantity: 1.000 -> "1", 1.500 -> "1,5", 120 -> "120"."""
    value = Decimal(value).normalize()
    if value.as_tuple().exponent > 0:
        value = value.quantize(Decimal(1))
    return _comma(value)


def date_text(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_decimal(text: str | None) -> Decimal | None:
    """A Finvoice number back as a Decimal; None when it is missing or not a number."""
    if text is None:
        return None
    try:
        return Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _comma(value: Decimal) -> str:
    text = f"{value:f}"
    return "0" if text in ("-0", "0") else text.replace(".", ",")
