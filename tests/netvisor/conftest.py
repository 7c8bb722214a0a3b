"""Opter set up the way seed 001 asks for Netvisor (a Finnish office, EUR, Finnish OCR, VAT codes on the
Codes tab), and an export pointing at the sandbox's Netvisor company."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounting.models import EconomicUnit, InvoiceLine, OcrNumberType
from accounting.services.invoices import recompute_totals
from exports.connectors.netvisor.connector import NetvisorConnector
from exports.connectors.netvisor.target import DEMO_KEY as DEMO
from exports.connectors.steps import Steps
from exports.models import CodeTranslation
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

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
COMPANY = "1033062-8"  # the sandbox's company: Helsingin Rahtipalvelu Oy


@dataclass
class Line:
    item: str = "Freight"
    price: str = "100.00"
    quantity: str = "1"
    vat: str = "25.5"  # "25.5" or "0"
    order: str = "36110001"
    unit: str | None = "Helsinki"  # the economic unit (level 1, "Kustannuspaikka")
    account: str | None = None  # a sales account set on the line by the account coding


class ByHand:
    """The engine's bookkeeping of steps played by hand: an invoice's steps live as long as this object."""

    def __init__(self, connector: NetvisorConnector):
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
class Finland:
    sandbox: object
    office: object
    vat255: object
    vat0: object
    units: dict
    customer: object
    export: object
    period: object
    numbers: list = field(default_factory=lambda: [800000])

    @property
    def sim(self):
        return self.sandbox.simulator("netvisor")

    @property
    def company(self):
        return self.sim.companies[COMPANY]

    def invoice(self, *lines: Line, customer=None, number=None, day=date(2026, 11, 20), **fields):
        lines = lines or (Line(), Line(item="Road toll", price="10.00"))
        self.numbers[0] += 1
        invoice = InvoiceFactory(period=self.period, office=self.office, customer=customer or self.customer,
                                 number=number or self.numbers[0], invoice_date=day,
                                 due_date=day + timedelta(days=14), reference_number="80000013", **fields)
        for position, spec in enumerate(lines):
            quantity, price = Decimal(spec.quantity), Decimal(spec.price)
            line = InvoiceLine.objects.create(
                invoice=invoice, position=position, order_number=spec.order, item_name=spec.item,
                quantity=quantity, unit_price=price, amount=quantity * price,
                vat_rate=self.vat255 if spec.vat == "25.5" else self.vat0,
                account=AccountFactory(number=spec.account) if spec.account else None)
            if spec.unit:
                line.economic_units.add(self.units[spec.unit])
        return recompute_totals(invoice)

    def connector(self, recorder=None) -> ByHand:
        return ByHand(NetvisorConnector(self.export, recorder=recorder))

    def send(self, *invoices, pdf=PDF, connector=None):
        """Prepare, build and send like the engine does; returns the connector."""
        connector = connector or self.connector()
        connector.prepare(list(invoices))
        for invoice in invoices:
            assert connector.find_existing(invoice) is None
            connector.send(invoice, connector.build(invoice, pdf))
        return connector

    def remote_invoice(self, number) -> dict:
        (found,) = [i for i in self.sim.store.invoices.values() if i["number"] == str(number)]
        return found

    def remote_customers(self, code) -> list[dict]:
        return [c for c in self.sim.store.customers.values() if c["code"] == code]


@pytest.fixture
def finland(db, sandbox) -> Finland:
    office = OfficeFactory(code="HEL", name="Helsingin Rahtipalvelu Oy", corporate_id=COMPANY, country="FI",
                           vat_number="FI10330628", iban="FI2112345600000785", bic="NDEAFIHH",
                           ocr_number_type=OcrNumberType.FINNISH, economic_unit_name_1="Kustannuspaikka")
    AccountCodingChartFactory(name="Finland")  # accounts receivable 1210
    vat255 = VatRateFactory(code="FI25.5", name="Finland 25.5 %", percentage=Decimal("25.50"),
                            sales_account=AccountFactory(number="3000", description="Myynti 25,5 %"))
    vat0 = VatRateFactory(code="FI0EU", name="EU sales 0 % (Finland)", percentage=Decimal("0.00"), is_eu_vat=True,
                          sales_account=AccountFactory(number="3380", description="Yhteisömyynti 0 %"))
    units = {name: EconomicUnit.objects.create(office=office, level=1, code=code, name=name)
             for code, name in (("K100", "Helsinki"), ("K200", "Tampere"))}
    customer = CustomerFactory(office=office, code="HEL-KHOYL", name="Kuopion Höyläämö Oy", corporate_id="1769598-8",
                               vat_number="FI17695988", country="FI", invoice_address="Sahakatu 6",
                               invoice_postal_code="70620", invoice_city="Kuopio", invoice_country="FI",
                               language="fi")
    export = InvoiceExportFactory(name="Netvisor (API)", type="netvisor", office=office,
                                  base_url=sandbox.base_url("netvisor"), user_id=DEMO["customer_id"],
                                  password=DEMO["customer_key"], office_code=COMPANY,
                                  client_identity=DEMO["partner_id"], client_key=DEMO["partner_key"],
                                  include_pdf_copy=True, request_timeout=10)
    CodeTranslation.objects.create(export=export, kind="tax_rate", vat_rate=vat255, code="KOMY")
    CodeTranslation.objects.create(export=export, kind="tax_rate", vat_rate=vat0, code="EUMY")
    InvoiceExportSettingFactory(name="Default", is_default=True).exports.add(export)
    period = InvoicePeriodFactory(office=office, name="2026-11")
    return Finland(sandbox, office, vat255, vat0, units, customer, export, period)
