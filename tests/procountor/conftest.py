"""Opter set up the way seed 002 asks for Procountor (a Finnish office, VAT status codes on the Codes tab,
customers with sales ledger numbers, a profit centre named as a Procountor dimension), an export with only
the API key, the portal registered as the integration in the settings, and the sandbox."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounting.models import EconomicUnit, InvoiceLine
from accounting.services.invoices import recompute_totals
from exports.connectors.procountor.connector import ProcountorConnector
from exports.connectors.procountor.target import DEMO_KEY
from exports.connectors.steps import Steps
from exports.models import CodeKind, CodeTranslation
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
    vat: str = "25.5"  # "25.5" or "0"
    order: str = "361"
    unit: str = "pcs"
    centre: str | None = None  # the economic unit of level 1 (Procountor dimension "Kustannuspaikka")


class ByHand:
    """The connector with the engine's bookkeeping of steps played by hand (one Steps per invoice)."""

    def __init__(self, connector: ProcountorConnector):
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
    numbers: list = field(default_factory=lambda: [810000])

    @property
    def sim(self):
        return self.sandbox.simulator("procountor")

    def invoice(self, *lines: Line, customer=None, number=None, day=date(2026, 11, 20), **fields):
        lines = lines or (Line(), Line(item="Road toll", price="0.1180", quantity="120", unit="km"))
        self.numbers[0] += 1
        invoice = InvoiceFactory(period=self.period, office=self.office, customer=customer or self.customer,
                                 number=number or self.numbers[0], invoice_date=day,
                                 due_date=day + timedelta(days=14), reference_number="", **fields)
        for position, spec in enumerate(lines):
            quantity, price = Decimal(spec.quantity), Decimal(spec.price)
            line = InvoiceLine.objects.create(
                invoice=invoice, position=position, order_number=spec.order, sender_reference="Lähetys 5521",
                receiver_reference="Vastaanotto", item_name=spec.item, quantity=quantity, unit=spec.unit,
                unit_price=price, amount=(quantity * price).quantize(Decimal("0.01")),
                vat_rate=self.vat255 if spec.vat == "25.5" else self.vat0)
            if spec.centre:
                line.economic_units.add(self.units[spec.centre])
        return recompute_totals(invoice)

    def connector(self, recorder=None) -> ByHand:
        return ByHand(ProcountorConnector(self.export, recorder=recorder))

    def prepared(self, *invoices, recorder=None) -> ByHand:
        connector = self.connector(recorder=recorder)
        connector.prepare(list(invoices))
        connector.prefetch(list(invoices))
        return connector

    def send(self, *invoices, pdf=None, connector=None) -> ByHand:
        """Prepare, look up, build and send like the engine does; returns the connector."""
        connector = connector or self.prepared(*invoices)
        for invoice in invoices:
            assert connector.find_existing(invoice) is None
            connector.send(invoice, connector.build(invoice, pdf))
        return connector

    def remote_invoice(self, number) -> dict:
        (found,) = [i for i in self.sim.store.invoices.values() if i["originalInvoiceNumber"] == str(number)]
        return found

    def receipt_of(self, number) -> dict:
        return self.sim.store.receipts[self.remote_invoice(number)["ledgerReceiptId"]]


@pytest.fixture
def integration(settings):
    """The portal registered as a Procountor integration (the sandbox's client), in the settings."""
    settings.PROCOUNTOR_CLIENT_ID = DEMO_KEY["client_id"]
    settings.PROCOUNTOR_CLIENT_SECRET = DEMO_KEY["client_secret"]
    settings.PROCOUNTOR_REDIRECT_URI = ""
    return settings


@pytest.fixture
def finland(db, sandbox, integration) -> Finland:
    office = OfficeFactory(code="HEL", name="Helsingin Rahtipalvelu Oy", corporate_id="1033062-8",
                           vat_number="FI10330628", street="Sörnäisten rantatie 25", postal_code="00500",
                           city="Helsinki", country="FI", iban="FI2112345600000785", bic="NDEAFIHH",
                           economic_unit_name_1="Kustannuspaikka")
    AccountCodingChartFactory(name="Procountor")
    vat255 = VatRateFactory(code="FI25.5", name="Finland 25.5 %", percentage=Decimal("25.50"),
                            sales_account=AccountFactory(number="3000", description="Myynti 25,5 %"))
    vat0 = VatRateFactory(code="FI0EU", name="EU sales 0 %", percentage=Decimal("0.00"), is_eu_vat=True,
                          sales_account=AccountFactory(number="3380", description="Yhteisömyynti"))
    units = {name: EconomicUnit.objects.create(office=office, level=1, code=code, name=name)
             for code, name in (("K100", "Helsinki"), ("K200", "Vantaa"))}
    customer = CustomerFactory(office=office, code="HEL-TSAHK", name="Tampereen Sähkötukku Oy", country="FI",
                               corporate_id="2782342-9", vat_number="FI27823429", sales_ledger_number=2001,
                               invoice_address="Hatanpään valtatie 30", invoice_postal_code="33100",
                               invoice_city="Tampere", invoice_country="FI",
                               invoice_email="ostolaskut@tampereensahko.example", language="fi")
    export = InvoiceExportFactory(name="Procountor (API)", type="procountor", office=office,
                                  base_url=sandbox.base_url("procountor"), password=DEMO_KEY["api_key"],
                                  client_identity="", client_key="", request_timeout=10,
                                  include_pdf_copy=True)
    CodeTranslation.objects.create(export=export, kind=CodeKind.TAX_RATE, vat_rate=vat255, code="vat_1")
    CodeTranslation.objects.create(export=export, kind=CodeKind.TAX_RATE, vat_rate=vat0, code="vat_5")
    InvoiceExportSettingFactory(name="Default", is_default=True).exports.add(export)
    period = InvoicePeriodFactory(office=office, name="2026-11")
    return Finland(sandbox, office, vat255, vat0, units, customer, export, period)
