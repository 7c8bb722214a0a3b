"""The Helsinki office of the demo data, its Heeros export pointing at the sandbox, and the official Finvoice
schema when the shared copy is there (the tests that need it say so when they skip)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import xmlschema
from django.conf import settings as django_settings
from lxml import etree

from accounting.demo.seed import seed_demo
from accounting.models import Invoice
from exports.connectors.heeros.connector import HeerosConnector
from exports.connectors.heeros.target import DEMO_KEY
from exports.connectors.steps import Steps
from exports.models import InvoiceExport

HEEROS = "xmlserializer"
SKIP_REASON = ("the official Finvoice3.0.xsd is not there (FINVOICE_XSD unset and no shared copy beside the "
               "project): schema validation skipped")


def official_xsd() -> Path | None:
    path = (django_settings.FINVOICE_XSD or "").strip()
    return Path(path) if path and Path(path).is_file() else None


def require_xsd() -> Path:
    path = official_xsd()
    if path is None:
        pytest.skip(SKIP_REASON)
    return path


_independent: dict[str, xmlschema.XMLSchema] = {}


def independent_schema_errors(document: bytes) -> list[str]:
    """The official schema applied by xmlschema, a validator that shares nothing with lxml/libxml2: what the
    portal generated is checked by a second, independent reading of the XSD."""
    path = str(require_xsd())
    if path not in _independent:
        _independent[path] = xmlschema.XMLSchema(path)
    return [str(error.reason or error.message) for error in _independent[path].iter_errors(document)]


@dataclass
class Helsinki:
    sandbox: object
    export: InvoiceExport

    @property
    def sim(self):
        return self.sandbox.simulator(HEEROS)

    def invoices(self, count: int | None = None) -> list[Invoice]:
        found = (Invoice.objects.filter(office__code="HEL")
                 .select_related("customer", "office", "region", "period", "currency", "payment_condition")
                 .order_by("number"))
        return list(found[:count] if count else found)

    def connector(self, **kwargs) -> HeerosConnector:
        self.export.refresh_from_db()
        return HeerosConnector(self.export, **kwargs)

    def prepared(self, invoices, **kwargs) -> HeerosConnector:
        connector = self.connector(**kwargs)
        connector.prepare(invoices)
        connector.prefetch(invoices)
        return connector


class ByHand:
    """The engine's bookkeeping of steps played by hand: each invoice keeps its steps while this object lives."""

    def __init__(self, connector: HeerosConnector):
        self.connector = connector
        self.steps: dict[int, Steps] = {}

    def steps_of(self, invoice) -> Steps:
        return self.steps.setdefault(invoice.pk, Steps())

    def find_existing(self, invoice, refresh=False):
        return self.connector.find_existing(invoice, refresh=refresh, steps=self.steps_of(invoice))

    def send(self, invoice):
        return self.connector.send(invoice, self.connector.build(invoice, None), self.steps_of(invoice))

    def confirm(self, invoice, ticket):
        return self.connector.confirm(ticket, self.steps_of(invoice))

    def __getattr__(self, name):
        return getattr(self.connector, name)


@pytest.fixture
def helsinki(sandbox, db, settings) -> Helsinki:
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=3, small_period_invoices=12, users=False)
    export = InvoiceExport.objects.get(type=HEEROS)
    assert export.client_identity == DEMO_KEY["username"]
    return Helsinki(sandbox, export)


def parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)
