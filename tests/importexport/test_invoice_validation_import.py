"""An invalid invoice in an invoice file fails the whole import with a message on its row: nothing is
created or changed, the valid invoices of the same file included."""
from decimal import Decimal

import pytest

from accounting.models import Invoice, InvoiceLine
from accounting.resources import InvoiceLineResource
from tests.factories import CustomerFactory, InvoicePeriodFactory, OfficeFactory, VatRateFactory, invoice_with_lines

from .helpers import import_file, problems

HEADER = ("office,invoice_number,invoice_date,due_date,customer,period,exchange_rate,line,item_name,quantity,"
          "unit_price,amount,vat_rate\n")
GOOD = "TLN,700001,2026-11-20,2026-12-04,TLN-PPUIT,2026-11,1,1,Freight,1,100.00,100.00,24\n"


@pytest.fixture
def setup(db):
    office = OfficeFactory()
    period = InvoicePeriodFactory(office=office, name="2026-11")
    customer = CustomerFactory(office=office, code="TLN-PPUIT")
    VatRateFactory()
    return office, period, customer


def assert_nothing_imported(result):
    assert result.has_validation_errors() or result.has_errors()
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


def test_a_valid_file_imports(setup):
    result = import_file(InvoiceLineResource, HEADER + GOOD)
    assert problems(result) == {}
    assert Invoice.objects.get().total == Decimal("124.00")


def test_5_00_for_1_x_141_09_fails_the_whole_import(setup):
    bad = "TLN,700002,2026-11-20,2026-12-04,TLN-PPUIT,2026-11,1,1,Freight,1,141.09,5.00,24\n"
    result = import_file(InvoiceLineResource, HEADER + GOOD + bad)
    assert problems(result) == {2: ["amount: The amount 5.00 is not quantity 1 x unit price 141.09 = 141.09 "
                                    "(rounded half up to cents). Enter 141.09 as the amount, or correct the "
                                    "quantity or the unit price."]}
    assert_nothing_imported(result)


def test_quantity_minus_five_fails_the_import(setup):
    bad = "TLN,700002,2026-11-20,2026-12-04,TLN-PPUIT,2026-11,1,1,Freight,-5,10.00,,24\n"
    result = import_file(InvoiceLineResource, HEADER + GOOD + bad)
    (messages,) = problems(result).values()
    assert messages[0].startswith("quantity: Quantity -5 and amount -50.00: only a credit invoice may have "
                                  "negative quantities or amounts.")
    assert_nothing_imported(result)


@pytest.mark.parametrize("rate", ["0", "-1"])
def test_an_exchange_rate_of_zero_or_below_fails_the_import(setup, rate):
    bad = f"TLN,700002,2026-11-20,2026-12-04,TLN-PPUIT,2026-11,{rate},1,Freight,1,100.00,100.00,24\n"
    result = import_file(InvoiceLineResource, HEADER + GOOD + bad)
    assert problems(result) == {2: [f"exchange_rate: The exchange rate {rate} must be greater than 0. Enter the "
                                    f"rate of the invoice's currency, 1 for the office's own currency."]}
    assert_nothing_imported(result)


def test_a_due_date_before_the_invoice_date_fails_the_import(setup):
    bad = "TLN,700002,2026-11-20,2026-11-19,TLN-PPUIT,2026-11,1,1,Freight,1,100.00,100.00,24\n"
    result = import_file(InvoiceLineResource, HEADER + GOOD + bad)
    assert problems(result) == {2: ["due_date: The due date 2026-11-19 is before the invoice date 2026-11-20. "
                                    "Enter a due date on or after the invoice date."]}
    assert_nothing_imported(result)


def test_an_invalid_update_changes_nothing(setup):
    office, period, customer = setup
    invoice = invoice_with_lines(lines=1, office=office, period=period, customer=customer, number=700001)
    line = invoice.lines.get()
    before = (invoice.total, line.quantity, line.unit_price, line.amount)
    data = HEADER + (f"TLN,700001,2026-11-20,2026-12-04,TLN-PPUIT,2026-11,1,{line.position},Freight,2,70.00,"
                     f"140.00,24\n"
                     f"TLN,700001,,,,,,{line.position + 1},Cold,1,141.09,5.00,24\n")
    result = import_file(InvoiceLineResource, data)
    assert list(problems(result)) == [2]
    invoice.refresh_from_db()
    line.refresh_from_db()
    assert (invoice.total, line.quantity, line.unit_price, line.amount) == before
    assert invoice.lines.count() == 1
