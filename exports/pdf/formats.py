"""How numbers and dates are printed on the invoice PDF.

One fixed style for every customer: day.month.year as Estonian, Finnish and Danish readers expect, and
amounts with two decimals, a decimal point and a no-break space between thousands, so an amount is never
split over two lines of a table cell.
"""
from datetime import date
from decimal import Decimal

from accounting.money import to_cents

THOUSANDS = "\u00a0"


def money(value: Decimal) -> str:
    """Decimal("12345.6") -> "12 345.60" (with a no-break space)."""
    return f"{to_cents(value):,.2f}".replace(",", THOUSANDS)


def quantity(value: Decimal) -> str:
    """Quantities are stored with three decimals; print only the ones that say something: 2, 2.5, 0.125."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def unit_price(value: Decimal) -> str:
    """At least cents, and the further decimals a price per kilo or kilometre really has: 100.00, 0.4575."""
    value = Decimal(value)
    if value == value.quantize(Decimal("0.01")):
        return money(value)
    whole, _, decimals = f"{value:f}".partition(".")
    return money(Decimal(whole)).rsplit(".", 1)[0] + "." + decimals.rstrip("0")


def percentage(value: Decimal) -> str:
    """24.00 -> "24 %", 25.50 -> "25.5 %" (no-break space before the sign)."""
    return f"{Decimal(value).normalize():f}\u00a0%"


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def rate(value: Decimal) -> str:
    """An exchange rate with its meaningful decimals: 1.000000 -> "1", 0.921500 -> "0.9215"."""
    return quantity(value)
