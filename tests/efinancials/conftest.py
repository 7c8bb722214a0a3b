"""Opter set up the way seed 000 asks for E-Financials, and an export pointing at the sandbox."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounting.models import AccountCodingChart, ChartAccountRole, EconomicUnit, InvoiceLine
from accounting.services.invoices import recompute_totals
from exports.connectors.efinancials.connector import EFinancialsConnector
from exports.connectors.efinancials.target import DEMO_KEY as DEMO
from exports.connectors.steps import Steps
from tests.factories import (
    AccountCodingChartFactory,
    AccountFactory,
    CustomerFactory,
    InvoiceExportFactory,
    InvoiceExportSettingFactory,
    InvoiceFactory,
    InvoicePeriodFactory,
    OfficeFactory,
    VatRateFactory,
)

#: A small valid PDF, standing in for the rendered Opter invoice.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass
class Line:
    item: str = "Freight"
    price: str = "100.00"
    quantity: str = "1"
    vat: str = "24"  # "24" or "0"
    order: str = "261"
    sender: str = "Gianna N"
    receiver: str = "Martin Smith"
    unit: str = ""
    project: str | None = "Distribution"


class ByHand:
    """A connector with the engine's bookkeeping of steps played by hand: each invoice's steps live as long
    as this object (the engine keeps them on the item, in the database), a new object starts with none."""

    def __init__(self, connector: EFinancialsConnector):
        self.connector = connector
        self.steps: dict[int, Steps] = {}

    def steps_of(self, invoice) -> Steps:
        return self.steps.setdefault(invoice.pk, Steps())

    def find_existing(self, invoice, refresh=False):
        return self.connector.find_existing(invoice, refresh=refresh, steps=self.steps_of(invoice))

    def send(self, invoice, payload):
        return self.connector.send(invoice, payload, self.steps_of(invoice))

    def __getattr__(self, name):
        return getattr(self.connector, name)


@dataclass
class Estonia:
    """The Opter side (office, chart, VAT rates, units, customer, export) plus the sandbox."""

    sandbox: object
    office: object
    chart: object
    vat24: object
    vat0: object
    units: dict
    customer: object
    export: object
    period: object
    numbers: list = field(default_factory=lambda: [700000])

    @property
    def efin(self):
        return self.sandbox.simulator("efinancials")

    def invoice(self, *lines: Line, customer=None, number=None, day=date(2026, 11, 20), **fields):
        lines = lines or (Line(), Line(item="Road toll", price="10.00"))
        self.numbers[0] += 1
        invoice = InvoiceFactory(period=self.period, office=self.office, customer=customer or self.customer,
                                 number=number or self.numbers[0], invoice_date=day,
                                 due_date=day + timedelta(days=14), **fields)
        for position, spec in enumerate(lines):
            quantity, price = Decimal(spec.quantity), Decimal(spec.price)
            line = InvoiceLine.objects.create(
                invoice=invoice, position=position, order_number=spec.order, sender_reference=spec.sender,
                receiver_reference=spec.receiver, item_name=spec.item, quantity=quantity, unit=spec.unit,
                unit_price=price, amount=quantity * price, vat_rate=self.vat24 if spec.vat == "24" else self.vat0)
            if spec.project:
                line.economic_units.add(self.units[spec.project])
        return recompute_totals(invoice)

    def connector(self, recorder=None) -> ByHand:
        return ByHand(EFinancialsConnector(self.export, recorder=recorder))

    def send(self, *invoices, pdf=None, connector=None):
        """Prepare, check, build and send like the engine does; returns the connector."""
        connector = connector or self.connector()
        connector.prepare(list(invoices))
        for invoice in invoices:
            assert connector.find_existing(invoice) is None
            connector.send(invoice, connector.build(invoice, pdf))
        return connector

    def remote_invoice(self, number) -> dict:
        (found,) = [i for i in self.efin.store.sale_invoices.values() if i["number"] == str(number)]
        return found


@pytest.fixture
def estonia(db, sandbox) -> Estonia:
    office = OfficeFactory(code="TLN", iban="EE382200221020145685")
    chart = AccountCodingChartFactory(name="E-Financials")
    vat24 = VatRateFactory(code="EE24", name="Estonia 24 %", percentage=Decimal("24.00"),
                           sales_account=AccountFactory(number="3100", description="Sales of goods in Estonia"))
    vat0 = VatRateFactory(code="EE0EU", name="EU sales 0 %", percentage=Decimal("0.00"), is_eu_vat=True,
                          sales_account=AccountFactory(number="3520", description="Sales of services in the EU"))
    units = {name: EconomicUnit.objects.create(office=office, level=1, code=code, name=name)
             for code, name in (("P100", "Distribution"), ("P200", "Long haul"))}
    customer = CustomerFactory(office=office, code="TLN-PPUIT", name="Põhja Puit OÜ", corporate_id="12905545",
                               vat_number="EE107576178", country="EE")
    export = InvoiceExportFactory(name="E-Financials (API)", office=office, base_url=sandbox.base_url("efinancials"),
                                  password=DEMO["api_key_password"], client_identity=DEMO["api_key_id"],
                                  client_key=DEMO["api_key_public"], request_timeout=10)
    InvoiceExportSettingFactory(name="Default", is_default=True).exports.add(export)
    period = InvoicePeriodFactory(office=office, name="2026-11")
    return Estonia(sandbox, office, chart, vat24, vat0, units, customer, export, period)


def chart_with(*receivables) -> AccountCodingChart:
    """Replace the default chart by one whose accounts receivable are ``receivables``."""
    AccountCodingChart.objects.all().delete()
    chart = AccountCodingChartFactory(name="E-Financials 2", receivable=False)
    for account in receivables:
        chart.accounts.create(role=ChartAccountRole.ACCOUNTS_RECEIVABLE, account=account)
    return chart
