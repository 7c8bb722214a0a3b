"""Money is Decimal everywhere, rounded half-up to cents. Never floats."""
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    """Round a number half-up to two decimals (0.005 -> 0.01)."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(net: Decimal, percentage: Decimal) -> Decimal:
    return to_cents(Decimal(net) * Decimal(percentage) / Decimal(100))


class MoneyField(models.DecimalField):
    """A DecimalField for amounts in a currency, rounded half-up to cents on assignment."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else to_cents(value)

    def get_db_prep_save(self, value, connection):
        if value is not None and not isinstance(value, float):
            value = to_cents(value)
        return super().get_db_prep_save(value, connection)
