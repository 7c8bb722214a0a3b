"""Invoice arithmetic: line amounts and totals, rounded half-up to cents, VAT per rate."""
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from ..models import Invoice
from ..money import to_cents, vat_of


def vat_breakdown(lines) -> list[tuple]:
    """[(vat_rate, net, vat)] with VAT computed once per rate on the summed net (not per line)."""
    net_by_rate = defaultdict(lambda: Decimal("0.00"))
    rates = {}
    for line in lines:
        net_by_rate[line.vat_rate_id] += to_cents(line.amount)
        rates[line.vat_rate_id] = line.vat_rate
    return [(rates[rid], net, vat_of(net, rates[rid].percentage)) for rid, net in sorted(
        net_by_rate.items(), key=lambda kv: -rates[kv[0]].percentage)]


def totals_for(lines) -> tuple[Decimal, Decimal, Decimal]:
    breakdown = vat_breakdown(lines)
    net = sum((n for _, n, _ in breakdown), Decimal("0.00"))
    vat = sum((v for _, _, v in breakdown), Decimal("0.00"))
    return to_cents(net), to_cents(vat), to_cents(net + vat)


@transaction.atomic
def recompute_totals(invoice: Invoice) -> Invoice:
    lines = list(invoice.lines.select_related("vat_rate"))
    invoice.net_amount, invoice.vat_amount, invoice.total = totals_for(lines)
    invoice.save(update_fields=["net_amount", "vat_amount", "total"])
    return invoice
