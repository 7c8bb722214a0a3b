"""How numbers and dates are printed on the invoice PDF, in the customer's language.

Dates are day.month.year in every language, as Estonian, Finnish and Swedish readers write them and as
the English invoices of Nordic companies print them. Amounts have two decimals and a no-break space
between thousands, so an amount is never split over two lines of a table cell; the decimal mark is a
comma in Estonian, Finnish and Swedish and a point in English.

The formats are fixed here rather than taken from Django's locale files: an invoice has to look the
same whatever the portal's format settings, and Django's Estonian and Finnish formats print dates with
month names and thousands with a plain space.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounting.money import to_cents

THOUSANDS = "\u00a0"
DECIMAL_COMMA_LANGUAGES = frozenset({"et", "fi", "sv"})


@dataclass(frozen=True)
class Numbers:
    """The number style of one language: ``Numbers(",")`` prints 1 372,81."""

    decimal_mark: str = "."

    def _decimal(self, text: str) -> str:
        return text if self.decimal_mark == "." else text.replace(".", self.decimal_mark)

    def money(self, value: Decimal) -> str:
        """Decimal("12345.6") -> "12 345.60" (with a no-break space), "12 345,60" with a decimal comma."""
        return self._decimal(f"{to_cents(value):,.2f}".replace(",", THOUSANDS))

    def quantity(self, value: Decimal) -> str:
        """Quantities are stored with three decimals; print only the ones that say something: 2, 2.5, 0.125."""
        text = f"{Decimal(value):f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return self._decimal(text or "0")

    def unit_price(self, value: Decimal) -> str:
        """At least cents, and the further decimals a price per kilo or kilometre really has: 100.00, 0.4575."""
        value = Decimal(value)
        if value == value.quantize(Decimal("0.01")):
            return self.money(value)
        whole, _, decimals = f"{value:f}".partition(".")
        return self.money(Decimal(whole)).rsplit(self.decimal_mark, 1)[0] + self.decimal_mark + decimals.rstrip("0")

    def percentage(self, value: Decimal) -> str:
        """24.00 -> "24 %", 25.50 -> "25.5 %" (no-break space before the sign)."""
        return self._decimal(f"{Decimal(value).normalize():f}") + "\u00a0%"

    def rate(self, value: Decimal) -> str:
        """An exchange rate with its meaningful decimals: 1.000000 -> "1", 0.921500 -> "0.9215"."""
        return self.quantity(value)


ENGLISH = Numbers(".")


def numbers_for(language: str) -> Numbers:
    return Numbers(",") if language in DECIMAL_COMMA_LANGUAGES else ENGLISH


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""
