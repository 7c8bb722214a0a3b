"""Invoices for the PDF tests: names in Estonian, Finnish, Swedish and Danish, several orders and rates;
and the PDF's message catalogues compiled for the session."""
import datetime
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import trans_real

from accounting import models as acc
from accounting.services.invoices import recompute_totals
from tests.factories import (
    AccountFactory,
    CustomerFactory,
    InvoiceFactory,
    OfficeFactory,
    VatRateFactory,
)

NORDIC_LETTERS = "õäöüšžåæøÕÄÖÜŠŽÅÆØ"

# (order number, sender ref, receiver ref, [(item, quantity, unit, unit price, VAT code)])
DEMO_ORDERS = [
    ("261", "Gianna N", "Søren Ødegård", [
        ("Frakt Göteborg–Århus", "1", "pcs", "420.00", "24"),
        ("Road toll", "2", "pcs", "12.50", "24"),
        ("Kølevogn Ærø–Næstved", "1.5", "h", "64.40", "24"),
    ]),
    ("262", "Jüri Kaškel", "Šarlote Žukauskienė", [
        ("Kylmäkuljetus Äänekoski", "310", "km", "0.8750", "24"),
        ("Ootetasu Põltsamaa, žalusiide laadimine", "0.25", "h", "48.00", "24"),
    ]),
    ("263", "", "Åsa Öberg", [
        ("EU transport Riga", "1", "pcs", "350.00", "0EU"),
    ]),
]


def vat_rates():
    return {
        "24": VatRateFactory(),
        "0EU": VatRateFactory(code="0EU", name="VAT 0 % EU", percentage=Decimal("0.00"), is_eu_vat=True,
                              sales_account=AccountFactory(number="3520", description="EU services")),
    }


PDF_LOCALE_DIR = Path(__file__).resolve().parents[2] / "exports" / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled_pdf_messages():
    """The PDF's catalogues compiled, as `manage.py compilemessages` does for make, when a .po is newer
    than its .mo (the .mo files are not in git)."""
    compiled = False
    for po in sorted(PDF_LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
            compiled = True
    if compiled:
        # Catalogues loaded before they were compiled; Django forgets them the same way when a test
        # changes LOCALE_PATHS.
        trans_real._translations = {}
        trans_real.translation_catalog_exists.cache_clear()


def make_invoice(orders=DEMO_ORDERS, customer_language="", **invoice_kwargs) -> acc.Invoice:
    office = OfficeFactory(name="Tallinna Külmaveod OÜ", email="arved@kulmaveod.ee")
    customer = CustomerFactory(
        office=office, name="Jääkülma Õunad & Šampanja Žiletid OÜ", invoice_address="Õismäe tee 4",
        invoice_address2="Kontor 12", invoice_postal_code="13511", invoice_city="Tallinn",
        language=customer_language)
    invoice_kwargs.setdefault("reference_number", "7000011")
    invoice_kwargs.setdefault("your_reference", "Ostutellimus Nr 55 / Märt")
    invoice = InvoiceFactory(office=office, period__office=office, customer=customer, **invoice_kwargs)
    rates = vat_rates()
    lines = []
    for order_number, sender, receiver, items in orders:
        for item, quantity, unit, price, vat in items:
            quantity, price = Decimal(quantity), Decimal(price)
            lines.append(acc.InvoiceLine(
                invoice=invoice, position=len(lines) + 1, order_number=order_number, sender_reference=sender,
                receiver_reference=receiver, item_name=item, quantity=quantity, unit=unit, unit_price=price,
                amount=(quantity * price).quantize(Decimal("0.01")), vat_rate=rates[vat]))
    acc.InvoiceLine.objects.bulk_create(lines)
    return recompute_totals(invoice)


def make_long_invoice(line_count: int) -> acc.Invoice:
    """line_count lines in orders of five, as a month of daily transports for one customer."""
    orders = []
    for start in range(0, line_count, 5):
        items = [(f"Transport Pärnu–Tartu day {i + 1}", "1", "pcs", f"{100 + i}.00", "24")
                 for i in range(start, min(start + 5, line_count))]
        orders.append((str(9000 + start // 5), "Göran Ström", "Ülle Šmidt", items))
    return make_invoice(orders=orders, number=800000 + line_count)


@pytest.fixture
def demo_invoice(db):
    return make_invoice()


@pytest.fixture
def invoice_date():
    return datetime.date(2026, 11, 20)
