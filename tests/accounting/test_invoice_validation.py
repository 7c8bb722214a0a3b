"""Invoice validation: each rule, on objects in memory and over saved invoices, rounding edges, credits."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.models import Invoice, InvoiceLine
from accounting.services import validation
from tests.factories import InvoiceFactory, InvoiceLineFactory, OfficeFactory, VatRateFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def codes(problems):
    return sorted(problem.code for problem in problems)


def saved_problems(invoice):
    return validation.problems_by_invoice(Invoice.objects.filter(pk=invoice.pk)).get(invoice.pk, [])


def test_a_factory_invoice_is_valid():
    invoice = invoice_with_lines(lines=3)
    assert saved_problems(invoice) == []
    assert validation.check_invoice(invoice, list(invoice.lines.select_related("vat_rate"))) == []


# --- line amount = quantity x unit price, rounded half up to cents -----------------------------------


@pytest.mark.parametrize(("quantity", "unit_price", "amount"), [
    ("1", "141.09", "141.09"),
    ("3", "0.0050", "0.02"),  # 0.015: half up gives 0.02 (half even would give 0.02 too)
    ("1", "0.0250", "0.03"),  # 0.025: half up 0.03, half even would be 0.02
    ("120", "0.1180", "14.16"),
    ("2.5", "0.0100", "0.03"),  # 0.025 again, from a fractional quantity
    ("0", "99.00", "0.00"),
])
def test_a_correctly_rounded_amount_is_valid(quantity, unit_price, amount):
    line = InvoiceLineFactory(quantity=Decimal(quantity), unit_price=Decimal(unit_price), amount=Decimal(amount))
    assert validation.check_line(line, credit=False) == []
    assert saved_problems(line.invoice) == []


@pytest.mark.parametrize(("quantity", "unit_price", "amount", "expected"), [
    ("1", "141.09", "5.00", "141.09"),  # the case
    ("1", "0.0250", "0.02", "0.03"),  # rounded half even instead of half up
    ("3", "33.3333", "100.00", "100.00"),  # 99.9999 -> 100.00 is right ...
    ("3", "33.3333", "99.99", "100.00"),  # ... truncating is not
    ("1", "10.00", "10.01", "10.00"),  # a cent off
])
def test_an_amount_that_is_not_quantity_times_price_is_refused(quantity, unit_price, amount, expected):
    line = InvoiceLineFactory(quantity=Decimal(quantity), unit_price=Decimal(unit_price), amount=Decimal(amount))
    problems = validation.check_line(line, credit=False)
    if amount == expected:
        assert problems == [] and saved_problems(line.invoice) == []
        return
    assert codes(problems) == ["line_amount"]
    assert problems[0].field == "amount"
    text = problems[0].text
    assert f"the amount {amount} is not quantity {quantity}" in text and f"Enter {expected} as the amount" in text
    saved = saved_problems(line.invoice)
    assert codes(saved) == ["line_amount"]
    assert saved[0].message == f"Line {line.position}: {text}"
    assert saved[0].invoice_message.startswith(f"Invoice {line.invoice.number}: Line {line.position}: the amount")


# --- negative only on credit invoices ------------------------------------------------------------------


def test_quantity_minus_five_is_refused_on_an_ordinary_invoice():
    line = InvoiceLineFactory(quantity=Decimal("-5"), unit_price=Decimal("10.00"), amount=Decimal("-50.00"))
    problems = saved_problems(line.invoice)
    assert codes(problems) == ["negative_line"]
    assert problems[0].field == "quantity"
    assert "only a credit invoice may have negative quantities or amounts" in problems[0].text
    assert "choosing the invoice it credits" in problems[0].text


def test_a_negative_unit_price_is_refused_on_an_ordinary_invoice():
    line = InvoiceLineFactory(quantity=Decimal("1"), unit_price=Decimal("-10.00"), amount=Decimal("-10.00"))
    problems = validation.check_line(line, credit=False)
    assert codes(problems) == ["negative_line"] and problems[0].field == "amount"


def test_a_credit_invoice_may_be_negative():
    original = invoice_with_lines(lines=1)
    credit = InvoiceFactory(credited_invoice=original, period=original.period, office=original.office,
                            customer=original.customer)
    InvoiceLineFactory(invoice=credit, quantity=Decimal("-5"), unit_price=Decimal("10.00"), amount=Decimal("-50.00"))
    InvoiceLineFactory(invoice=credit, quantity=Decimal("1"), unit_price=Decimal("-0.0250"), amount=Decimal("-0.03"))
    credit.refresh_from_db()
    assert credit.total < 0
    assert saved_problems(credit) == []
    assert validation.check_invoice(credit, list(credit.lines.select_related("vat_rate"))) == []


def test_a_credit_invoice_still_needs_the_right_amounts():
    original = invoice_with_lines(lines=1)
    credit = InvoiceFactory(credited_invoice=original, period=original.period, office=original.office,
                            customer=original.customer)
    InvoiceLineFactory(invoice=credit, quantity=Decimal("-1"), unit_price=Decimal("141.09"), amount=Decimal("-5.00"))
    assert codes(saved_problems(credit)) == ["line_amount"]


def test_a_credit_invoice_credits_an_invoice_of_its_own_office_and_not_itself():
    original = invoice_with_lines(lines=1)
    other_office = invoice_with_lines(lines=1, office=OfficeFactory(code="HEL", name="Helsinki Oy"), period=None)
    credit = invoice_with_lines(lines=1, period=original.period, credited_invoice=other_office)
    problems = saved_problems(credit)
    assert codes(problems) == ["credit_other_office"]
    assert f"the credited invoice {other_office.number} belongs to office HEL, not TLN" in problems[0].text
    Invoice.objects.filter(pk=original.pk).update(credited_invoice=original)
    assert codes(saved_problems(original)) == ["credits_itself"]


# --- the header: exchange rate and due date --------------------------------------------------------------


@pytest.mark.parametrize("rate", ["0", "-1"])
def test_an_exchange_rate_of_zero_or_below_is_refused(rate):
    invoice = invoice_with_lines(lines=1, exchange_rate=Decimal(rate))
    problems = saved_problems(invoice)
    assert codes(problems) == ["exchange_rate"]
    assert problems[0].field == "exchange_rate"
    assert problems[0].message.startswith(f"The exchange rate {Decimal(rate):f}")
    assert "must be greater than 0" in problems[0].message


def test_a_tiny_positive_exchange_rate_is_accepted():
    assert saved_problems(invoice_with_lines(lines=1, exchange_rate=Decimal("0.000001"))) == []


def test_a_due_date_before_the_invoice_date_is_refused_and_the_same_day_is_fine():
    day = datetime.date(2026, 11, 20)
    late = invoice_with_lines(lines=1, invoice_date=day, due_date=day - datetime.timedelta(days=1))
    same = invoice_with_lines(lines=1, invoice_date=day, due_date=day)
    problems = saved_problems(late)
    assert codes(problems) == ["due_date"]
    assert problems[0].text == ("the due date 2026-11-19 is before the invoice date 2026-11-20. Enter a due date "
                                "on or after the invoice date.")
    assert saved_problems(same) == []


# --- totals = sum of lines, VAT per rate ----------------------------------------------------------------


def test_totals_that_do_not_match_the_lines_are_refused():
    invoice = invoice_with_lines(lines=2)
    Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("12.41"))
    problems = saved_problems(invoice)
    assert codes(problems) == ["totals"]
    assert "the totals (net 200.00, VAT 48.00, total 12.41) do not match the lines: net 200.00, VAT 48.00" \
           in problems[0].text


def test_vat_is_computed_once_per_rate_not_per_line():
    # Three lines of 0.02 at 24 %: per line 0.00 each (0.0048), per rate 0.01 (0.0144). The rate's is right.
    invoice = InvoiceFactory()
    for _ in range(3):
        InvoiceLineFactory(invoice=invoice, unit_price=Decimal("0.02"))
    invoice.refresh_from_db()
    assert invoice.vat_amount == Decimal("0.01")
    assert saved_problems(invoice) == []
    Invoice.objects.filter(pk=invoice.pk).update(vat_amount=Decimal("0.00"), total=Decimal("0.06"))
    assert codes(saved_problems(invoice)) == ["totals"]


def test_two_rates_are_summed_per_rate():
    invoice = InvoiceFactory()
    zero = VatRateFactory(code="0", name="0 %", percentage=Decimal("0"))
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("10.05"))
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("99.99"), vat_rate=zero)
    invoice.refresh_from_db()
    assert (invoice.net_amount, invoice.vat_amount, invoice.total) == (Decimal("110.04"), Decimal("2.41"),
                                                                         Decimal("112.45"))
    assert saved_problems(invoice) == []
    line = invoice.lines.get(vat_rate=zero)
    InvoiceLine.objects.filter(pk=line.pk).update(vat_rate=VatRateFactory(code="24"))
    assert codes(saved_problems(invoice)) == ["totals"]


def test_an_invoice_without_lines_must_have_zero_totals():
    empty = InvoiceFactory()
    assert saved_problems(empty) == []
    Invoice.objects.filter(pk=empty.pk).update(net_amount=Decimal("1.00"), total=Decimal("1.00"))
    assert codes(saved_problems(empty)) == ["totals"]


def test_check_invoice_in_memory_can_leave_the_totals_out():
    invoice = invoice_with_lines(lines=1)
    invoice.total = Decimal("1.00")
    lines = list(invoice.lines.select_related("vat_rate"))
    assert codes(validation.check_invoice(invoice, lines)) == ["totals"]
    assert validation.check_invoice(invoice, lines, totals=False) == []
    lines[0].amount = Decimal("5.00")
    problems = validation.check_invoice(invoice, lines, totals=False)
    assert codes(problems) == ["line_amount"] and problems[0].index == 0


# --- many invoices, few queries ------------------------------------------------------------------------


def test_every_problem_of_many_invoices_in_a_fixed_number_of_queries():
    good = [invoice_with_lines(lines=2) for _ in range(5)]
    bad_rate = invoice_with_lines(lines=1, exchange_rate=Decimal("0"))
    bad_line = invoice_with_lines(lines=2)
    InvoiceLine.objects.filter(pk=bad_line.lines.first().pk).update(amount=Decimal("5.00"))
    queryset = Invoice.objects.filter(pk__in=[i.pk for i in [*good, bad_rate, bad_line]])
    with CaptureQueriesContext(connection) as few:
        found = validation.problems_by_invoice(queryset)
    assert set(found) == {bad_rate.pk, bad_line.pk}
    assert codes(found[bad_line.pk]) == ["line_amount", "totals"]  # the stored totals were of the old amount
    for _ in range(20):
        invoice_with_lines(lines=3)
    with CaptureQueriesContext(connection) as more:
        validation.problems_by_invoice(Invoice.objects.all())
    assert len(more) == len(few) <= 4
