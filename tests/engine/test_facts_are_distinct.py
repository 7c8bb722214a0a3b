"""The setup check's facts are distinct values, however many invoices share them: their number follows the
distinct days, customers and rates, never the number of invoices or lines (which would make memory grow
with the period)."""
import pytest

from exports.connectors import facts
from exports.services.planning import invoices_in_scope
from tests import factories


@pytest.fixture
def period_of_alike_invoices(db):
    """Twelve invoices of one customer on one day, three lines each, all at one VAT rate and account."""
    factories.AccountCodingChartFactory()
    period = factories.InvoicePeriodFactory()
    customer = factories.CustomerFactory()
    rate, account = factories.VatRateFactory(), factories.AccountFactory()
    for _ in range(12):  # the factory gives every invoice the same date
        invoice = factories.InvoiceFactory(period=period, office=period.office, customer=customer)
        for _ in range(3):
            factories.InvoiceLineFactory(invoice=invoice, vat_rate=rate, account=account)
    return period


def test_sales_are_one_per_distinct_day_customer_rate_and_account(period_of_alike_invoices):
    sales = facts.sales(invoices_in_scope(period=period_of_alike_invoices))
    assert len(sales) == 1


def test_period_days_and_zero_rate_sales_are_distinct(period_of_alike_invoices):
    invoices = invoices_in_scope(period=period_of_alike_invoices)
    assert len(facts.period_days(invoices)) == 1
    assert len(facts.vat_rates(invoices)) == 1
    assert len(facts.zero_rate_sales(invoices)) <= 1
