"""Invoice rows as E-Financials shows them (seed 000, "The invoice in E-Financials").

"Product/Service": the first row of an order reads
    Order: 261 sender ref. "Gianna N" receiver ref. "Martin Smith"
and each further price item of the order gets its own row
    Order: 261 "Road toll"

Amounts: every Opter line is one row with its own quantity, unit price and net amount, so nothing is
merged and the totals match to the cent. The first row of an order therefore carries the order's first
price item (usually the freight); its text names the order and references instead of the item, which
the PDF copy shows in full. Lines without an order number (invoice fees) carry the item name.

VAT: Opter computes VAT once per rate on the summed net. Row VAT amounts are that figure spread over
the rows (each row's own VAT, the rounding difference on the largest row), so the rows add up to
Opter's VAT whether E-Financials totals per row or per rate.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from accounting.money import to_cents, vat_of


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
    project: str | None  # economic unit name at the project level, if the line has one

    @property
    def code(self) -> str:
        return f"{self.account}-{self.vat_label}"


@dataclass
class Row:
    title: str
    line: LineFacts
    vat_amount: Decimal = Decimal("0.00")


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
        target = vat_of(sum((r.line.amount for r in group), Decimal("0.00")), percent)
        for row in group:
            row.vat_amount = vat_of(row.line.amount, percent)
        difference = to_cents(target - sum((r.vat_amount for r in group), Decimal("0.00")))
        if difference:
            largest = max(group, key=lambda r: abs(r.line.amount))
            largest.vat_amount += difference


def totals(rows: list[Row]) -> tuple[Decimal, Decimal, Decimal]:
    net = sum((r.line.amount for r in rows), Decimal("0.00"))
    vat = sum((r.vat_amount for r in rows), Decimal("0.00"))
    return to_cents(net), to_cents(vat), to_cents(net + vat)
