"""Invoices from a spreadsheet: one row per line, the invoice's columns repeated on its lines."""
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounting.models import EconomicUnit, Invoice, InvoiceLine
from accounting.resources import InvoiceLineResource
from tests.factories import (
    CustomerFactory,
    InvoicePeriodFactory,
    OfficeFactory,
    VatRateFactory,
    invoice_with_lines,
)

from .helpers import import_file, problems

HEADER = ("office,invoice_number,invoice_date,due_date,customer,period,currency,reference_number,line,"
          "item_name,quantity,unit,unit_price,amount,vat_rate,economic_units\n")


@pytest.fixture
def setup(db):
    office = OfficeFactory()
    period = InvoicePeriodFactory(office=office, name="2026-11")
    customer = CustomerFactory(office=office, code="TLN-PPUIT")
    VatRateFactory()
    EconomicUnit.objects.create(office=office, level=1, code="P100", name="Distribution")
    return office, period, customer


def test_new_invoices_with_their_lines(setup):
    office, period, customer = setup
    data = HEADER + (
        "TLN,700001,20.11.2026,,TLN-PPUIT,2026-11,,7000016,1,Freight,1,pcs,\"1 200,00\",,24,1:P100\n"
        "TLN,700001,,,,,,,2,Fuel surcharge,\"8,5\",%,12,,24,\n"
        "TLN,700002,2026-11-21,2026-12-31,TLN-PPUIT,2026-11,EUR,,1,Cold,2,pcs,\"37,5\",75.00,24,\n")

    result = import_file(InvoiceLineResource, data)

    assert problems(result) == {}
    assert [r.import_type for r in result.rows] == ["new", "new", "new"]
    first = Invoice.objects.get(number=700001)
    assert (first.office, first.customer, first.period) == (office, customer, period)
    assert first.currency.code == "EUR"
    assert first.due_date == date(2026, 12, 4)  # 14 days, the office's payment condition
    assert [(line.position, line.amount) for line in first.lines.all()] == [(1, Decimal("1200.00")),
                                                                           (2, Decimal("102.00"))]
    assert (first.net_amount, first.vat_amount, first.total) == (Decimal("1302.00"), Decimal("312.48"),
                                                                  Decimal("1614.48"))
    assert [u.code for u in first.lines.get(position=1).economic_units.all()] == ["P100"]
    assert Invoice.objects.get(number=700002).due_date == date(2026, 12, 31)


def test_importing_a_changed_file_updates_the_lines_without_duplicates(setup):
    invoice = invoice_with_lines(lines=2, office=setup[0], customer=setup[2], period=setup[1], number=700001)
    lines = list(invoice.lines.order_by("position"))
    data = HEADER + "".join(
        f"TLN,700001,2026-11-20,2026-12-04,TLN-PPUIT,2026-11,EUR,,{line.position},Freight,1,,"
        f"{'150' if index else '100'},,24,\n" for index, line in enumerate(lines))

    result = import_file(InvoiceLineResource, data)

    assert problems(result) == {}
    assert [r.import_type for r in result.rows] == ["skip", "update"]
    assert InvoiceLine.objects.count() == 2
    invoice.refresh_from_db()
    assert invoice.net_amount == Decimal("250.00")


def test_the_rows_of_one_invoice_must_agree(setup):
    data = HEADER + ("TLN,700001,2026-11-20,,TLN-PPUIT,2026-11,,,1,Freight,1,pcs,100,,24,\n"
                     "TLN,700001,2026-11-21,,TLN-PPUIT,2026-11,,,2,Cold,1,pcs,50,,24,\n")

    result = import_file(InvoiceLineResource, data)

    assert problems(result) == {2: ["invoice_date: '2026-11-21' differs from row 1 of invoice 700001: the "
                                    "rows of one invoice share its invoice columns."]}
    assert not Invoice.objects.exists()


def test_an_invoice_of_a_closed_period_cannot_be_changed(setup):
    office, period, customer = setup
    invoice_with_lines(lines=1, office=office, customer=customer, period=period, number=700001)
    period.closed_at = timezone.now()
    period.save()
    data = HEADER + "TLN,700001,2026-11-20,,TLN-PPUIT,2026-11,,,1,Freight,1,pcs,999,,24,\n"

    result = import_file(InvoiceLineResource, data)

    [message] = problems(result)[1]
    assert message.startswith("invoice_number: Invoice 700001 is in the closed period")


def test_wrong_references_name_their_columns(setup):
    CustomerFactory(office=OfficeFactory(code="HEL", name="Helsinki", corporate_id="1033062-8", country="FI",
                                         vat_number="FI10330628"), code="HEL-KHOYL")
    data = HEADER + ("TLN,700001,2026-11-20,,HEL-KHOYL,2026-11,,,1,Freight,1,pcs,100,,24,\n"
                     "TLN,700002,2026-11-20,,TLN-PPUIT,2026-11,,123,1,Freight,1,pcs,100,,99,9:P1\n")

    found = problems(import_file(InvoiceLineResource, data))

    assert found[1] == ["customer: Customer HEL-KHOYL belongs to office HEL, not TLN."]
    assert sorted(found[2]) == [
        "economic_units: Unknown economic unit 9:P1 in office 'TLN'.",
        "reference_number: 123 is not a valid Finnish reference number: 4-20 digits ending in the 7-3-1 "
        "check digit.",
        "vat_rate: Unknown VAT rate '99': add it first, or import its file before this one.",
    ]
    assert not Invoice.objects.exists()


def test_a_changed_invoice_column_updates_the_invoice(setup):
    invoice = invoice_with_lines(lines=2, office=setup[0], customer=setup[2], period=setup[1], number=700001)
    data = HEADER + "".join(
        f"TLN,700001,2026-11-20,2027-01-15,TLN-PPUIT,2026-11,EUR,,{line.position},Freight,1,,100,,24,\n"
        for line in invoice.lines.order_by("position"))

    result = import_file(InvoiceLineResource, data)

    assert problems(result) == {}
    assert [r.import_type for r in result.rows] == ["update", "skip"]
    invoice.refresh_from_db()
    assert invoice.due_date == date(2027, 1, 15)
