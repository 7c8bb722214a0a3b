from datetime import date
from decimal import Decimal

import pytest

from accounting.models import AccountCodingChartAccount, ChartAccountRole, InvoiceLine
from accounting.services.coding import AccountCodingError, SalesAccountResolver, chart_for, receivable_account
from tests.factories import (
    AccountCodingChartFactory,
    AccountFactory,
    CustomerFactory,
    CustomerSalesAccountFactory,
    InvoiceLineFactory,
    InvoicePeriodFactory,
    VatRateFactory,
)

DAY = date(2026, 11, 20)


# --- chart_for ------------------------------------------------------------------------------------


def test_chart_for_prefers_the_default_chart_among_valid_ones(db):
    AccountCodingChartFactory(name="Dated", is_default=False, valid_from=date(2026, 1, 1), receivable=False)
    default = AccountCodingChartFactory(name="Default", is_default=True, receivable=False)
    assert chart_for(DAY) == default


def test_chart_for_falls_back_to_a_valid_non_default_chart(db):
    default = AccountCodingChartFactory(name="Until 2025", is_default=True, valid_to=date(2025, 12, 31),
                                        receivable=False)
    current = AccountCodingChartFactory(name="From 2026", is_default=False, valid_from=date(2026, 1, 1),
                                        receivable=False)
    assert chart_for(DAY) == current
    assert chart_for(date(2025, 6, 1)) == default


def test_chart_for_validity_bounds_are_inclusive(db):
    chart = AccountCodingChartFactory(name="November", is_default=False, valid_from=date(2026, 11, 1),
                                      valid_to=date(2026, 11, 30), receivable=False)
    assert chart_for(date(2026, 11, 1)) == chart
    assert chart_for(date(2026, 11, 30)) == chart
    assert chart_for(date(2026, 10, 31)) is None
    assert chart_for(date(2026, 12, 1)) is None


# --- receivable_account ---------------------------------------------------------------------------


def test_receivable_account_is_the_charts_single_active_account(chart, accounts):
    assert receivable_account("2026-11", DAY) == accounts["1210"]


def test_no_chart_valid_on_the_day(db):
    AccountCodingChartFactory(name="Old", valid_to=date(2025, 12, 31))
    with pytest.raises(AccountCodingError) as caught:
        receivable_account("2026-11", DAY)
    assert caught.value.code == "no_accounts_for_period"
    assert str(caught.value) == ("There are no accounts for the period 2026-11. Make sure that there is an account "
                                 "for accounts receivable in the account coding charts.")


def test_chart_without_receivable_account(db):
    AccountCodingChartFactory(name="Empty", receivable=False)
    with pytest.raises(AccountCodingError) as caught:
        receivable_account("2026-11", DAY)
    assert caught.value.code == "no_receivable_account"
    assert str(caught.value) == ("For the period 2026-11, there is no account for accounts receivable or the "
                                 "account is incorrect.")


def test_inactive_receivable_account(chart, accounts):
    accounts["1210"].is_active = False
    accounts["1210"].save()
    with pytest.raises(AccountCodingError) as caught:
        receivable_account("2026-11", DAY)
    assert caught.value.code == "incorrect_receivable_account"
    assert str(caught.value) == "The account for accounts receivable (1210) is incorrect for the period 2026-11."


def test_several_receivable_accounts(chart):
    AccountCodingChartAccount.objects.create(chart=chart, role=ChartAccountRole.ACCOUNTS_RECEIVABLE,
                                             account=AccountFactory(number="1200"))
    with pytest.raises(AccountCodingError) as caught:
        receivable_account("2026-11", DAY)
    assert caught.value.code == "multiple_receivable_accounts"
    assert str(caught.value) == ("There are multiple accounts for accounts receivable (1200, 1210) for the period "
                                 "2026-11.")


def test_other_roles_do_not_count_as_receivable(chart):
    AccountCodingChartAccount.objects.create(chart=chart, role=ChartAccountRole.ROUNDING,
                                             account=AccountFactory(number="8990"))
    assert receivable_account("2026-11", DAY).number == "1210"


# --- SalesAccountResolver -------------------------------------------------------------------------


@pytest.fixture
def customer(period):
    return CustomerFactory(office=period.office)


def _line(period, customer, vat_rate, account=None):
    from tests.factories import InvoiceFactory

    invoice = InvoiceFactory(period=period, customer=customer)
    return InvoiceLineFactory(invoice=invoice, vat_rate=vat_rate, account=account)


def test_resolver_order_line_then_customer_then_vat_rate(period, customer, vat24, accounts):
    CustomerSalesAccountFactory(customer=customer, vat_rate=vat24, account=accounts["3110"])
    own = AccountFactory(number="3190", description="Special sales")
    with_own = _line(period, customer, vat24, account=own)
    from_customer = _line(period, customer, vat24)
    other_customer = _line(period, CustomerFactory(office=period.office), vat24)

    resolver = SalesAccountResolver.for_period(period)
    assert resolver.account_for(with_own, customer.pk) == own
    assert resolver.account_for(from_customer, customer.pk) == accounts["3110"]
    assert resolver.account_for(other_customer, other_customer.invoice.customer_id) == accounts["3100"]


def test_customer_account_applies_only_to_its_vat_rate(period, customer, vat24, vat0, accounts):
    CustomerSalesAccountFactory(customer=customer, vat_rate=vat24, account=accounts["3110"])
    resolver = SalesAccountResolver.for_period(period)
    assert resolver.account_for(_line(period, customer, vat0), customer.pk) == accounts["3520"]


def test_resolving_lines_does_not_query(period, customer, vat24, vat0, accounts, django_assert_num_queries):
    CustomerSalesAccountFactory(customer=customer, vat_rate=vat24, account=accounts["3110"])
    for vat_rate in (vat24, vat0, vat24):
        _line(period, customer, vat_rate)
    lines = list(InvoiceLine.objects.filter(invoice__period=period).select_related("invoice"))
    resolver = SalesAccountResolver.for_period(period)
    with django_assert_num_queries(0):
        numbers = [resolver.account_for(line).number for line in lines]
        codes = [resolver.code_for(line) for line in lines]
    assert numbers == ["3110", "3520", "3110"]
    assert codes == ["3110-24", "3520-0", "3110-24"]


def test_for_period_loads_only_that_periods_customers(period, customer, vat24, accounts):
    _line(period, customer, vat24)
    elsewhere = CustomerFactory(office=period.office)
    CustomerSalesAccountFactory(customer=customer, vat_rate=vat24, account=accounts["3110"])
    CustomerSalesAccountFactory(customer=elsewhere, vat_rate=vat24, account=accounts["3110"])
    _line(InvoicePeriodFactory(office=period.office), elsewhere, vat24)
    assert set(SalesAccountResolver.for_period(period).customer_accounts) == {(customer.pk, vat24.pk)}


def test_code_uses_the_vat_percentage_label(period, customer, accounts):
    finnish = VatRateFactory(code="FI25.5", name="Finland 25.5 %", percentage=Decimal("25.50"),
                             sales_account=AccountFactory(number="3000"))
    line = _line(period, customer, finnish)
    resolver = SalesAccountResolver.for_period(period)
    assert resolver.code_for(line, customer.pk) == "3000-25.5"


NO_SALES = "For the period 2026-11, there is no account for sales or the account is incorrect."


def test_vat_rate_without_sales_account(period, customer):
    bare = VatRateFactory(code="9", name="VAT 9 %", percentage=Decimal("9.00"), sales_account=None)
    line = _line(period, customer, bare)
    with pytest.raises(AccountCodingError) as caught:
        SalesAccountResolver.for_period(period).account_for(line, customer.pk)
    assert caught.value.code == "no_sales_account"
    assert str(caught.value) == NO_SALES


def test_inactive_line_account_is_an_error_not_a_fallback(period, customer, vat24):
    closed = AccountFactory(number="3199", is_active=False)
    line = _line(period, customer, vat24, account=closed)
    with pytest.raises(AccountCodingError, match="no account for sales") as caught:
        SalesAccountResolver.for_period(period).account_for(line, customer.pk)
    assert str(caught.value) == NO_SALES


def test_inactive_vat_rate_sales_account(period, customer, vat24, accounts):
    accounts["3100"].is_active = False
    accounts["3100"].save()
    line = _line(period, customer, vat24)
    with pytest.raises(AccountCodingError) as caught:
        SalesAccountResolver.for_period(period).account_for(line, customer.pk)
    assert caught.value.code == "no_sales_account"


def test_for_invoices_names_the_period(period, customer, vat24):
    line = _line(period, customer, vat24)
    resolver = SalesAccountResolver.for_invoices([line.invoice])
    assert resolver.period_label == "2026-11"
    assert set(resolver.customer_accounts) == set()
