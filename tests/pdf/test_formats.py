import datetime
from decimal import Decimal

import pytest

from exports.pdf import formats

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "printed"), [
    ("0", "0.00"), ("12.5", "12.50"), ("1372.805", "1 372.81"), ("-1234567.891", "-1 234 567.89"),
])
def test_money_has_cents_and_no_break_thousands(value, printed):
    assert formats.money(Decimal(value)) == printed.replace(" ", NBSP)


@pytest.mark.parametrize(("value", "printed"), [
    ("1.000", "1"), ("2.500", "2.5"), ("0.125", "0.125"), ("310", "310"), ("0.000", "0"), ("100.000", "100"),
])
def test_quantity_prints_only_meaningful_decimals(value, printed):
    assert formats.quantity(Decimal(value)) == printed


@pytest.mark.parametrize(("value", "printed"), [
    ("100.0000", "100.00"), ("0.8750", "0.875"), ("0.4575", "0.4575"), ("1234.5000", "1 234.50"),
    ("1234.4575", "1 234.4575"), ("-0.4575", "-0.4575"),
])
def test_unit_price_keeps_cents_and_real_extra_decimals(value, printed):
    assert formats.unit_price(Decimal(value)) == printed.replace(" ", NBSP)


def test_percentage_and_day():
    assert formats.percentage(Decimal("24.00")) == f"24{NBSP}%"
    assert formats.percentage(Decimal("25.50")) == f"25.5{NBSP}%"
    assert formats.percentage(Decimal("0.00")) == f"0{NBSP}%"
    assert formats.day(datetime.date(2026, 12, 4)) == "04.12.2026"
    assert formats.day(None) == ""
