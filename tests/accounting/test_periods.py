from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.models import AccountCodingChartAccount, AccountCodingEntry, ChartAccountRole, Invoice
from accounting.services.periods import PeriodCloseError, close_period
from accounting.signals import period_closed
from tests.factories import (
    AccountCodingChartFactory,
    AccountFactory,
    CustomerFactory,
    CustomerSalesAccountFactory,
    EconomicUnitFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    InvoicePeriodFactory,
    UserFactory,
    VatRateFactory,
)


def entries_of(invoice):
    return {(e.account.number, e.vat_rate.code if e.vat_rate else None,
             e.economic_unit.code if e.economic_unit else None): e.amount
            for e in AccountCodingEntry.objects.filter(invoice=invoice).select_related(
                "account", "vat_rate", "economic_unit")}


def test_coding_of_an_invoice(period, make_invoice, vat24, vat0):
    unit = EconomicUnitFactory(office=period.office, code="P100", name="Distribution")
    invoice = make_invoice([("100.00", vat24, {}), ("50.55", vat24, {}), ("200.00", vat0, {})])
    invoice.lines.get(unit_price=Decimal("50.55")).economic_units.add(unit)
    user = UserFactory()

    entries = close_period(period, user=user)

    assert invoice.total == Decimal("386.68")  # 150.55 + 36.13 VAT (36.132) + 200.00
    assert entries_of(invoice) == {
        ("1210", None, None): Decimal("386.68"),
        ("3100", "24", None): Decimal("-100.00"),
        ("3100", "24", "P100"): Decimal("-50.55"),
        ("3520", "0EU", None): Decimal("-200.00"),
        ("2410", "24", None): Decimal("-36.13"),
    }
    assert len(entries) == 5
    assert sum(e.amount for e in entries) == 0
    debits = sum(e.debit for e in entries)
    credits = sum(e.credit for e in entries)
    assert debits == credits == Decimal("386.68")
    period.refresh_from_db()
    assert period.is_closed
    assert period.closed_by == user


def test_sales_credits_are_summed_per_account_and_vat_rate(period, make_invoice, vat24, accounts):
    customer = CustomerFactory(office=period.office)
    CustomerSalesAccountFactory(customer=customer, vat_rate=vat24, account=accounts["3110"])
    own = AccountFactory(number="3190", description="Special sales")
    invoice = make_invoice([("10.00", vat24, {}), ("20.00", vat24, {}), ("5.00", vat24, {"account": own})],
                           customer=customer)
    close_period(period)
    assert entries_of(invoice) == {
        ("1210", None, None): Decimal("43.40"),
        ("3110", "24", None): Decimal("-30.00"),
        ("3190", "24", None): Decimal("-5.00"),
        ("2410", "24", None): Decimal("-8.40"),
    }


def test_vat_is_computed_once_per_rate_on_the_summed_net(period, make_invoice, vat24):
    # 3 x 0.35 = 1.05 net; VAT 0.252 -> 0.25. Rounded per line it would be 3 x 0.08 = 0.24.
    invoice = make_invoice([("0.35", vat24, {}), ("0.35", vat24, {}), ("0.35", vat24, {})])
    close_period(period)
    assert entries_of(invoice)[("2410", "24", None)] == Decimal("-0.25")
    assert entries_of(invoice)[("1210", None, None)] == Decimal("1.30")


def test_half_a_cent_of_vat_rounds_up(period, make_invoice, accounts):
    # 12.5 % of 0.04 is exactly 0.005: half-up gives 0.01 (banker's rounding would give 0.00).
    rate = VatRateFactory(code="12.5", name="VAT 12.5 %", percentage=Decimal("12.50"),
                          sales_account=accounts["3100"], sales_tax_account=accounts["2410"])
    invoice = make_invoice([("0.04", rate, {})])
    assert invoice.vat_amount == Decimal("0.01")
    close_period(period)
    assert entries_of(invoice) == {("1210", None, None): Decimal("0.05"), ("3100", "12.5", None): Decimal("-0.04"),
                                   ("2410", "12.5", None): Decimal("-0.01")}


def test_zero_vat_rate_creates_no_vat_entry(period, make_invoice, vat0):
    invoice = make_invoice([("99.99", vat0, {})])
    close_period(period)
    assert entries_of(invoice) == {("1210", None, None): Decimal("99.99"), ("3520", "0EU", None): Decimal("-99.99")}


def test_credit_invoice_is_coded_with_opposite_signs(period, make_invoice, vat24):
    invoice = make_invoice([("-100.00", vat24, {})])
    close_period(period)
    assert entries_of(invoice) == {("1210", None, None): Decimal("-124.00"), ("3100", "24", None): Decimal("100.00"),
                                   ("2410", "24", None): Decimal("24.00")}


def test_the_lowest_economic_unit_level_is_coded(period, make_invoice, vat24):
    invoice = make_invoice([("100.00", vat24, {})])
    line = invoice.lines.get()
    line.economic_units.add(EconomicUnitFactory(office=period.office, level=2, code="D1", name="Department"),
                            EconomicUnitFactory(office=period.office, level=1, code="P200", name="Long haul"))
    close_period(period)
    assert ("3100", "24", "P200") in entries_of(invoice)


def test_only_the_periods_invoices_are_coded(period, make_invoice, vat24):
    mine = make_invoice([("10.00", vat24, {})])
    other = make_invoice([("10.00", vat24, {})], period=InvoicePeriodFactory(office=period.office))
    close_period(period)
    assert AccountCodingEntry.objects.filter(invoice=mine).count() == 3
    assert not AccountCodingEntry.objects.filter(invoice=other).exists()
    assert set(AccountCodingEntry.objects.values_list("period", flat=True)) == {period.pk}


# --- refusals ---------------------------------------------------------------------------------------


def assert_refused(period, code, message):
    with pytest.raises(PeriodCloseError) as caught:
        close_period(period)
    assert caught.value.code == code
    assert str(caught.value) == message
    period.refresh_from_db()
    assert not period.is_closed
    assert not AccountCodingEntry.objects.exists()


def test_refuses_an_already_closed_period(period, make_invoice, vat24):
    make_invoice([("10.00", vat24, {})])
    close_period(period)
    count = AccountCodingEntry.objects.count()
    with pytest.raises(PeriodCloseError) as caught:
        close_period(period)
    assert caught.value.code == "already_closed"
    assert str(caught.value).startswith("The invoice period 2026-11 was already closed on ")
    assert AccountCodingEntry.objects.count() == count


def test_refuses_without_a_chart(period, make_invoice, vat24, chart):
    make_invoice([("10.00", vat24, {})])
    chart.delete()
    assert_refused(period, "no_accounts_for_period",
                   "There are no accounts for the period 2026-11. Make sure that there is an account for accounts "
                   "receivable in the account coding charts.")


def test_refuses_without_a_receivable_account(period, make_invoice, vat24, chart):
    make_invoice([("10.00", vat24, {})])
    chart.accounts.all().delete()
    assert_refused(period, "no_receivable_account",
                   "For the period 2026-11, there is no account for accounts receivable or the account is incorrect.")


def test_refuses_an_inactive_receivable_account(period, make_invoice, vat24, accounts):
    make_invoice([("10.00", vat24, {})])
    accounts["1210"].is_active = False
    accounts["1210"].save()
    assert_refused(period, "incorrect_receivable_account",
                   "The account for accounts receivable (1210) is incorrect for the period 2026-11.")


def test_refuses_several_receivable_accounts(period, make_invoice, vat24, chart):
    make_invoice([("10.00", vat24, {})])
    AccountCodingChartAccount.objects.create(chart=chart, role=ChartAccountRole.ACCOUNTS_RECEIVABLE,
                                             account=AccountFactory(number="1211"))
    assert_refused(period, "multiple_receivable_accounts",
                   "There are multiple accounts for accounts receivable (1210, 1211) for the period 2026-11.")


def test_uses_the_chart_valid_on_the_periods_last_day(period, make_invoice, vat24, chart):
    from datetime import date

    chart.is_default = False
    chart.valid_to = date(2026, 10, 31)
    chart.save()
    later = AccountCodingChartFactory(name="From November", is_default=False, valid_from=date(2026, 11, 1),
                                      receivable=AccountFactory(number="1220"))
    invoice = make_invoice([("10.00", vat24, {})])
    close_period(period)
    assert ("1220", None, None) in entries_of(invoice)
    assert later.accounts.count() == 1


def test_refuses_a_line_without_sales_account(period, make_invoice):
    bare = VatRateFactory(code="9", name="VAT 9 %", percentage=Decimal("9.00"), sales_account=None,
                          sales_tax_account=AccountFactory(number="2410"))
    make_invoice([("10.00", bare, {})])
    assert_refused(period, "no_sales_account",
                   "For the period 2026-11, there is no account for sales or the account is incorrect.")


def test_refuses_a_vat_rate_without_sales_tax_account(period, make_invoice, vat24):
    vat24.sales_tax_account = None
    vat24.save()
    make_invoice([("10.00", vat24, {})])
    assert_refused(period, "no_sales_tax_account",
                   "The invoice period 2026-11 cannot be closed: the VAT rate VAT 24 % (24 %) has no active account "
                   "for sales tax. Choose the Account sales tax under Economy > VAT rates.")


def test_refuses_an_inactive_sales_tax_account(period, make_invoice, vat24, accounts):
    accounts["2410"].is_active = False
    accounts["2410"].save()
    make_invoice([("10.00", vat24, {})])
    with pytest.raises(PeriodCloseError) as caught:
        close_period(period)
    assert caught.value.code == "no_sales_tax_account"


def test_a_zero_rate_needs_no_sales_tax_account(period, make_invoice, vat0):
    assert vat0.sales_tax_account is None
    make_invoice([("10.00", vat0, {})])
    assert len(close_period(period)) == 2


def test_refuses_an_invoice_whose_total_does_not_match_its_lines(period, make_invoice, vat24):
    good = make_invoice([("10.00", vat24, {})])
    bad = make_invoice([("10.00", vat24, {})])
    Invoice.objects.filter(pk=bad.pk).update(total=Decimal("12.41"))
    assert good.total == Decimal("12.40")
    assert_refused(period, "unbalanced",
                   f"The invoice period 2026-11 cannot be closed: the account coding of invoice {bad.number} "
                   f"(debit 12.41, credit 12.40) does not balance. The invoice total differs from the sum of its "
                   f"lines and VAT; recalculate the invoice totals and close the period again.")


def test_unbalanced_refusal_names_at_most_ten_invoices(period, make_invoice, vat24):
    invoices = [make_invoice([("1.00", vat24, {})]) for _ in range(12)]
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(total=Decimal("0"))
    with pytest.raises(PeriodCloseError) as caught:
        close_period(period)
    assert str(caught.value).count("(debit 0.00, credit 1.24)") == 10
    assert " and 2 more does not balance" in str(caught.value)


# --- the signal and the transaction ------------------------------------------------------------------


def test_period_closed_is_sent_after_commit(period, make_invoice, vat24, django_capture_on_commit_callbacks):
    make_invoice([("10.00", vat24, {})])
    user = UserFactory()
    received = []

    def receiver(sender, period, user, **kwargs):
        received.append((period.pk, period.is_closed, user))

    period_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            close_period(period, user=user)
        assert received == []  # nothing before the commit
        assert len(callbacks) == 1
        callbacks[0]()
    finally:
        period_closed.disconnect(receiver)
    assert received == [(period.pk, True, user)]


def test_no_signal_when_closing_is_refused(period, make_invoice, vat24, accounts,
                                           django_capture_on_commit_callbacks):
    make_invoice([("10.00", vat24, {})])
    accounts["1210"].is_active = False
    accounts["1210"].save()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(PeriodCloseError):
        close_period(period)
    assert callbacks == []


def test_a_failing_receiver_does_not_undo_the_close(period, make_invoice, vat24, django_capture_on_commit_callbacks,
                                                     caplog):
    make_invoice([("10.00", vat24, {})])

    def broken(**kwargs):
        raise RuntimeError("broker down")

    period_closed.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            close_period(period)
    finally:
        period_closed.disconnect(broken)
    period.refresh_from_db()
    assert period.is_closed
    assert "broker down" in caplog.text


def test_anonymous_close_leaves_closed_by_empty(period, make_invoice, vat24):
    from django.contrib.auth.models import AnonymousUser

    make_invoice([("10.00", vat24, {})])
    close_period(period, user=AnonymousUser())
    period.refresh_from_db()
    assert period.is_closed and period.closed_by is None


def test_query_count_does_not_grow_with_the_number_of_invoices(chart, vat24, vat0):
    from accounting.services.invoices import recompute_totals

    def queries_to_close(invoice_count):
        period = InvoicePeriodFactory()
        unit = EconomicUnitFactory(office=period.office)
        customers = [CustomerFactory(office=period.office) for _ in range(3)]
        for i in range(invoice_count):
            invoice = InvoiceFactory(period=period, customer=customers[i % 3])
            line = InvoiceLineFactory(invoice=invoice, vat_rate=vat24)
            line.economic_units.add(unit)
            InvoiceLineFactory(invoice=invoice, vat_rate=vat0)
            recompute_totals(invoice)
        with CaptureQueriesContext(connection) as captured:
            entries = close_period(period)
        assert len(entries) == invoice_count * 4
        inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "accounting_accountcodingentry"')]
        # bulk_create splits into statements only by the database's parameter limit.
        assert len(inserts) <= 1 + len(entries) // 100
        return len(captured) - len(inserts)

    assert queries_to_close(3) == queries_to_close(60)
