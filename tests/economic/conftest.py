"""The demo's Copenhagen office and its e-conomic export (exports.connectors.economic.target.TARGET.demo)
against the sandbox's e-conomic agreement: the contract suite's world, plus helpers to drive the
connector by hand the way the engine does."""
from dataclasses import dataclass

import pytest

from accounting.models import Invoice
from exports.connectors.economic.connector import EconomicConnector
from exports.connectors.steps import Steps
from tests.fixtures.contract import PDF_TEMPLATE

VOUCHERS = "exportMethod=voucher\njournalNumber=1"


@pytest.fixture
def contract_target():
    return "economic"


def pdf_of(invoice) -> bytes:
    return PDF_TEMPLATE.replace(b"NUMBER", str(invoice.number).encode())


@dataclass
class ByHand:
    """A connector prepared for some invoices, with each invoice's steps kept as the engine keeps them."""

    connector: EconomicConnector
    steps: dict

    def steps_of(self, invoice) -> Steps:
        return self.steps.setdefault(invoice.pk, Steps())

    def build(self, invoice):
        return self.connector.build(invoice, pdf_of(invoice))

    def send(self, invoice, payload=None):
        return self.connector.send(invoice, payload or self.build(invoice), self.steps_of(invoice))

    def find_existing(self, invoice, refresh=False):
        return self.connector.find_existing(invoice, refresh=refresh, steps=self.steps_of(invoice))


def by_hand(world, invoices=None, *, recorder=None) -> ByHand:
    invoices = invoices if invoices is not None else world.invoices
    connector = EconomicConnector(world.export, recorder=recorder)
    connector.prepare(Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]))
    connector.prefetch(invoices)
    return ByHand(connector, {})


def use_vouchers(world) -> None:
    world.export.start_text = VOUCHERS
    world.export.save()
