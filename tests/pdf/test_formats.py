import datetime
from decimal import Decimal

import pytest

from exports.pdf import formats

EN = formats.numbers_for("en")

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "printed"), [
    ("0", "0.00"), ("12.5", "12.50"), ("1372.805", "1 372.81"), ("-1234567.891", "-1 234 567.89"),
])
def test_money_has_cents_and_no_break_thousands(value, printed):
    assert EN.money(Decimal(value)) == printed.replace(" ", NBSP)


@pytest.mark.parametrize(("value", "printed"), [
    ("1.000", "1"), ("2.500", "2.5"), ("0.125", "0.125"), ("310", "310"), ("0.000", "0"), ("100.000", "100"),
])
def test_quantity_prints_only_meaningful_decimals(value, printed):
    assert EN.quantity(Decimal(value)) == printed


@pytest.mark.parametrize(("value", "printed"), [
    ("100.0000", "100.00"), ("0.8750", "0.875"), ("0.4575", "0.4575"), ("1234.5000", "1 234.50"),
    ("1234.4575", "1 234.4575"), ("-0.4575", "-0.4575"),
])
def test_unit_price_keeps_cents_and_real_extra_decimals(value, printed):
    assert EN.unit_price(Decimal(value)) == printed.replace(" ", NBSP)


def test_percentage_and_day():
    assert EN.percentage(Decimal("24.00")) == f"24{NBSP}%"
    assert EN.percentage(Decimal("25.50")) == f"25.5{NBSP}%"
    assert EN.percentage(Decimal("0.00")) == f"0{NBSP}%"
    assert formats.day(datetime.date(2026, 12, 4)) == "04.12.2026"
    assert formats.day(None) == ""


@pytest.mark.parametrize("language", ["et", "fi", "sv"])
def test_estonian_finnish_and_swedish_print_a_decimal_comma(language):
    numbers = formats.numbers_for(language)

    assert numbers.money(Decimal("1372.805")) == f"1{NBSP}372,81"
    assert numbers.money(Decimal("-1234567.891")) == f"-1{NBSP}234{NBSP}567,89"
    assert numbers.quantity(Decimal("2.500")) == "2,5" and numbers.quantity(Decimal("310")) == "310"
    assert numbers.unit_price(Decimal("1234.4575")) == f"1{NBSP}234,4575"
    assert numbers.unit_price(Decimal("100.0000")) == "100,00"
    assert numbers.percentage(Decimal("25.50")) == f"25,5{NBSP}%"
    assert numbers.rate(Decimal("0.921500")) == "0,9215"


@pytest.mark.parametrize("language", ["en", "da", "", "de"])
def test_english_and_every_other_language_print_a_decimal_point(language):
    assert formats.numbers_for(language).money(Decimal("1372.805")) == f"1{NBSP}372.81"
