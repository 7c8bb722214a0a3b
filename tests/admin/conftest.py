import pytest

from tests import factories as f


@pytest.fixture
def setup_rows(db):
    """One row of every model that has an admin screen, keyed by "app_label.model_name"."""
    receivable = f.AccountFactory(number="1210", description="Accounts receivable")
    sales_tax = f.AccountFactory(number="2410", description="Output VAT")
    vat_rate = f.VatRateFactory(sales_tax_account=sales_tax)
    chart = f.AccountCodingChartFactory(name="E-Financials", receivable=receivable)
    office = f.OfficeFactory()
    region = f.RegionFactory(office=office)
    unit = f.EconomicUnitFactory(office=office)
    exchange_rate = f.ExchangeRateFactory()
    tag = f.TerminologyTagFactory()
    customer = f.CustomerFactory(office=office)
    sales_account = f.CustomerSalesAccountFactory(customer=customer, vat_rate=vat_rate,
                                                  account=f.AccountFactory(number="3520"))
    invoice = f.invoice_with_lines(lines=2, period=f.InvoicePeriodFactory(office=office), customer=customer)
    export = f.InvoiceExportFactory()
    setting = f.InvoiceExportSettingFactory()
    setting.exports.add(export)
    code = f.CodeTranslationFactory(export=export, vat_rate=vat_rate)
    entry = f.AccountCodingEntryFactory(invoice=invoice, account=receivable)
    return {
        "accounting.currency": invoice.currency,
        "accounting.exchangerate": exchange_rate,
        "accounting.account": receivable,
        "accounting.vatrate": vat_rate,
        "accounting.paymentcondition": office.default_payment_condition,
        "accounting.office": office,
        "accounting.region": region,
        "accounting.economicunit": unit,
        "accounting.accountcodingchart": chart,
        "accounting.accountcodingchartaccount": chart.accounts.get(),
        "accounting.terminologytag": tag,
        "accounting.invoiceperiod": invoice.period,
        "accounting.invoice": invoice,
        "accounting.invoiceline": invoice.lines.first(),
        "accounting.accountcodingentry": entry,
        "customers.customer": customer,
        "customers.customersalesaccount": sales_account,
        "exports.invoiceexport": export,
        "exports.invoiceexportsetting": setting,
        "exports.codetranslation": code,
    }


def login(client, user):
    client.force_login(user)
    return client
