"""A small E-Financials-style setup: accounts 1210/2410/3100/3520, VAT 24 % and 0 % EU, a default chart."""
from decimal import Decimal

import pytest

from accounting.services.invoices import recompute_totals
from tests.factories import (
    AccountCodingChartFactory,
    AccountFactory,
    CustomerFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    InvoicePeriodFactory,
    VatRateFactory,
)


@pytest.fixture
def accounts(db):
    return {number: AccountFactory(number=number, description=description) for number, description in (
        ("1210", "Accounts receivable"), ("2410", "Output VAT"), ("3100", "Sales of goods in Estonia"),
        ("3110", "Sales of transport services"), ("3520", "Sales of services in the EU"))}


@pytest.fixture
def vat24(accounts):
    return VatRateFactory(code="24", name="VAT 24 %", percentage=Decimal("24.00"), sales_account=accounts["3100"],
                          sales_tax_account=accounts["2410"])


@pytest.fixture
def vat0(accounts):
    return VatRateFactory(code="0EU", name="EU VAT 0 %", percentage=Decimal("0.00"), is_eu_vat=True,
                          sales_account=accounts["3520"])


@pytest.fixture
def chart(accounts):
    return AccountCodingChartFactory(name="E-Financials", receivable=accounts["1210"])


@pytest.fixture
def period(chart, vat24, vat0):
    return InvoicePeriodFactory(name="2026-11")


@pytest.fixture
def make_invoice(period, vat24):
    """make_invoice([("100.00", vat_rate, {extra line fields}), ...], **invoice fields) with correct totals."""

    def make(lines, **kwargs):
        kwargs.setdefault("period", period)
        if "customer" not in kwargs:
            kwargs["customer"] = CustomerFactory(office=kwargs["period"].office)
        invoice = InvoiceFactory(**kwargs)
        for amount, vat_rate, extra in lines:
            InvoiceLineFactory(invoice=invoice, unit_price=Decimal(amount), vat_rate=vat_rate or vat24, **extra)
        return recompute_totals(invoice)

    return make
