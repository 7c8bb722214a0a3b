"""Netvisor's fixed VAT codes and the percentages each takes, as Opter's Netvisor article lists them
(seed 001, step 3), and the Codes tab rule that holds a VAT rate's code to them.

The article's table dates from May 2024. Finland's rates changed since (general rate 24 -> 25.5 % on
1 September 2024, reduced rate 14 -> 13.5 % on 1 January 2025), and Netvisor takes the rates in force:
``settings.NETVISOR_EXTRA_VAT_PERCENTAGES`` (default 13.5 and 25.5) adds them to every code whose list has
the general rate.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings

#: code -> (VAT class, percentages), in the article's order.
VAT_CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "KOMY": ("Sales, domestic", ("0", "10", "14", "24")),
    "EUMY": ("Sales, EU", ("0",)),
    "EUUM": ("Sales, outside the EU", ("0",)),
    "KOOS": ("Purchases, domestic", ("0", "10", "14", "24")),
    "EUOS": ("Purchases, EU", ("0", "10", "14", "24")),
    "EUPO": ("Purchases of services, EU", ("0", "10", "14", "24")),
    "EUUO": ("Purchases, non-EU", ("0", "10", "14", "24")),
    "100": ("100% tax deductible", ("0",)),
    "EUPM312": ("Sales of services, EU (312)", ("0",)),
    "EUPM309": ("Sales of services, EU (309)", ("0",)),
    "MUUL": ("Other turnover excluding VAT (310)", ("0", "10", "14", "24")),
    "EVTO": ("Purchases of goods from other EU countries, non-deductible", ("0", "10", "14", "24")),
    "EVPO": ("Purchases of services from other EU countries, non-deductible", ("0", "10", "14", "24")),
    "EVKV": ("Reverse tax charge, non-deductible", ("0", "10", "14", "24")),
    "KAVE": ("Reverse tax charge", ("0",)),
    "RAMY": ("Sales of construction services", ("0",)),
    "RAOS": ("Purchases of construction services", ("0", "10", "14", "24")),
    "EVRO": ("Purchases of construction services, non-deductible", ("0", "10", "14", "24")),
    # The article prints "0, 10, 14, 124" here; 124 is its misprint of 24.
    "MAAL": ("Tax on imports into the EU", ("0", "10", "14", "24")),
    "EVMA": ("Tax on imports into the EU, non-deductible", ("0", "10", "14", "24")),
}
GENERAL_RATE = "24"


def normalized(code: str) -> str:
    return (code or "").strip().upper()


def percentages(code: str) -> list[Decimal]:
    """The percentages Netvisor takes with ``code`` (the article's, plus the rates in force since)."""
    _, listed = VAT_CODES[normalized(code)]
    allowed = [Decimal(p) for p in listed]
    if GENERAL_RATE in listed:
        allowed += [Decimal(str(p)) for p in getattr(settings, "NETVISOR_EXTRA_VAT_PERCENTAGES", ())]
    return sorted(set(allowed))


def shown(percentage: Decimal) -> str:
    """25.50 -> "25.5", 24.00 -> "24"."""
    text = format(Decimal(percentage).normalize(), "f")
    return text


def problem(percentage: Decimal, code: str) -> str | None:
    """What is wrong with ``code`` for a VAT rate of ``percentage``, or None when Netvisor takes it."""
    if normalized(code) not in VAT_CODES:
        return (f"{code.strip()} is not one of Netvisor's VAT codes; enter one of {', '.join(VAT_CODES)} "
                f"(Opter's Netvisor article, step 3).")
    try:
        wanted = Decimal(percentage)
    except (InvalidOperation, TypeError):
        return f"The VAT rate has no percentage to check against Netvisor's VAT code {normalized(code)}."
    allowed = percentages(code)
    if wanted not in allowed:
        vat_class, _ = VAT_CODES[normalized(code)]
        return (f"Netvisor's VAT code {normalized(code)} ({vat_class}) takes "
                f"{', '.join(shown(p) for p in allowed)} %, not {shown(wanted)} %; choose a code for "
                f"{shown(wanted)} %.")
    return None


def code_rule(kind: str, opter_object, code: str) -> str | None:
    """Target.code_rule: only the Tax rates kind has Netvisor codes."""
    if kind != "tax_rate" or opter_object is None:
        return None
    return problem(opter_object.percentage, code)
