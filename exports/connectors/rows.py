"""Invoice rows as the targets show them, from the Opter lines (seed 000, "The invoice in E-Financials";
the other articles describe the same texts).

"Product/Service": the first row of an order reads
    Order: 261 sender ref. "Gianna N" receiver ref. "Martin Smith"
and each further price item of the order gets its own row
    Order: 261 "Road toll"

Amounts: every Opter line is one row with its own quantity, unit price and net amount, so nothing is
merged and the totals match to the cent. Lines without an order number (invoice fees) carry the item
name. Targets that book one row per VAT rate (Netvisor) group the rows with ``group_by_vat``.

VAT: Opter computes VAT once per rate on the summed net. Row VAT amounts are that figure spread over
the rows (each row's own VAT, the rounding difference on the largest row), so the rows add up to
Opter's VAT whether the target totals per row or per rate.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounting.money import to_cents, vat_of

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineFacts:
    """An Opter invoice line with what account coding and the economic units decided for it."""

    order_number: str
    sender_reference: str
    receiver_reference: str
    item_name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal  # net, in cents
    account: str  # sales account number, e.g. "3100"
    vat_percent: Decimal
    vat_label: str  # "24", "0", "25.5": as in the row code 3100-24
    eu_vat: bool  # a 0 % rate for sales within the EU
    project: str | None = None  # the economic unit the target books the line on, if any
    vat_rate_id: int | None = None
    economic_units: tuple[tuple[int, str, str], ...] = ()  # (level, code, name) of the line's units

    @property
    def code(self) -> str:
        return f"{self.account}-{self.vat_label}"

    def unit_at(self, level: int) -> str | None:
        """The name of the line's economic unit of ``level``."""
        return next((name for unit_level, _, name in self.economic_units if unit_level == level), None)


@dataclass
class Row:
    title: str
    line: LineFacts
    vat_amount: Decimal = ZERO


@dataclass
class VatGroup:
    """The rows of one VAT rate: what a target that books one row per rate sends."""

    percent: Decimal
    label: str
    eu_vat: bool
    vat_rate_id: int | None
    rows: list[Row] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return to_cents(sum((row.line.amount for row in self.rows), ZERO))

    @property
    def vat(self) -> Decimal:
        return to_cents(sum((row.vat_amount for row in self.rows), ZERO))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def accounts(self) -> list[str]:
        return sorted({row.line.account for row in self.rows})


def order_title(order: str, sender: str, receiver: str) -> str:
    title = f"Order: {order}"
    if sender.strip():
        title += f' sender ref. "{sender.strip()}"'
    if receiver.strip():
        title += f' receiver ref. "{receiver.strip()}"'
    return title


def build_rows(lines: list[LineFacts]) -> list[Row]:
    rows, seen_orders = [], set()
    for line in lines:
        order = line.order_number.strip()
        if not order:
            title = line.item_name
        elif order not in seen_orders:
            seen_orders.add(order)
            title = order_title(order, line.sender_reference, line.receiver_reference)
        else:
            title = f'Order: {order} "{line.item_name}"'
        rows.append(Row(title, line))
    distribute_vat(rows)
    return rows


def distribute_vat(rows: list[Row]) -> None:
    by_rate: dict[Decimal, list[Row]] = defaultdict(list)
    for row in rows:
        by_rate[row.line.vat_percent].append(row)
    for percent, group in by_rate.items():
        target = vat_of(sum((r.line.amount for r in group), ZERO), percent)
        for row in group:
            row.vat_amount = vat_of(row.line.amount, percent)
        difference = to_cents(target - sum((r.vat_amount for r in group), ZERO))
        if difference:
            largest = max(group, key=lambda r: abs(r.line.amount))
            largest.vat_amount += difference


def group_by_vat(rows: list[Row]) -> list[VatGroup]:
    """One group per VAT rate, in the order the rates first appear."""
    groups: dict[tuple, VatGroup] = {}
    for row in rows:
        key = (row.line.vat_percent, row.line.eu_vat, row.line.vat_rate_id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = VatGroup(row.line.vat_percent, row.line.vat_label, row.line.eu_vat,
                                           row.line.vat_rate_id)
        group.rows.append(row)
    return list(groups.values())


def totals(rows: list[Row]) -> tuple[Decimal, Decimal, Decimal]:
    net = sum((r.line.amount for r in rows), ZERO)
    vat = sum((r.vat_amount for r in rows), ZERO)
    return to_cents(net), to_cents(vat), to_cents(net + vat)


def totals_mismatch(invoice, rows: list[Row]) -> str | None:
    """Why the rows do not add up to the invoice's totals, in words; None when they do to the cent."""
    net, vat, gross = totals(rows)
    if (net, vat, gross) == (invoice.net_amount, invoice.vat_amount, invoice.total):
        return None
    return (f"Its lines add up to net {net}, VAT {vat}, total {gross}, but the invoice says net "
            f"{invoice.net_amount}, VAT {invoice.vat_amount}, total {invoice.total}")
