"""Invoice rows: the "Product/Service" texts, amounts per line, VAT spread so rows add up to Opter's VAT."""
from decimal import Decimal

from exports.connectors.rows import LineFacts, build_rows, totals


def facts(item="Freight", amount="100.00", order="261", vat="24", sender="Gianna N", receiver="Martin Smith",
          account="3100"):
    return LineFacts(order_number=order, sender_reference=sender, receiver_reference=receiver, item_name=item,
                     quantity=Decimal(1), unit="", unit_price=Decimal(amount), amount=Decimal(amount),
                     account=account, vat_percent=Decimal(vat), vat_label=vat, eu_vat=vat == "0", project=None)


def test_first_row_of_an_order_names_order_and_references_then_one_row_per_price_item():
    rows = build_rows([facts(), facts("Road toll", "10.00"), facts("Cold", "5.00"),
                       facts("Freight", "80.00", order="262", sender="", receiver="Ann"),
                       facts("Extension", "7.00", order="262")])
    assert [r.title for r in rows] == [
        'Order: 261 sender ref. "Gianna N" receiver ref. "Martin Smith"',
        'Order: 261 "Road toll"',
        'Order: 261 "Cold"',
        'Order: 262 receiver ref. "Ann"',
        'Order: 262 "Extension"',
    ]
    # Every line keeps its own amount: the first row of each order carries its first price item.
    assert [r.line.amount for r in rows] == [Decimal("100.00"), Decimal("10.00"), Decimal("5.00"),
                                             Decimal("80.00"), Decimal("7.00")]


def test_a_line_without_an_order_carries_its_item_name():
    (row,) = build_rows([facts("Invoice fee", "3.50", order="")])
    assert row.title == "Invoice fee"


def test_row_codes_are_account_and_vat_rate():
    assert facts().code == "3100-24"
    assert facts(vat="0", account="3520").code == "3520-0"


def test_row_vat_adds_up_to_vat_per_rate_on_the_summed_net():
    # Three rows of 0.03 at 24 %: per row 0.01 each (0.03), per rate 0.09 x 24 % = 0.0216 -> 0.02.
    rows = build_rows([facts(amount="0.03"), facts("B", "0.03"), facts("C", "0.03")])
    assert sum(r.vat_amount for r in rows) == Decimal("0.02")
    assert totals(rows) == (Decimal("0.09"), Decimal("0.02"), Decimal("0.11"))


def test_vat_is_spread_per_rate():
    rows = build_rows([facts(amount="10.05"), facts("EU", "99.99", vat="0", account="3520"),
                       facts("B", "20.05")])
    assert [r.vat_amount for r in rows] == [Decimal("2.41"), Decimal("0.00"), Decimal("4.81")]
    assert totals(rows) == (Decimal("130.09"), Decimal("7.22"), Decimal("137.31"))
