"""The Helsinki office of the demo data, its Heeros export pointing at the sandbox, and the official Finvoice
schema when the shared copy is there (the tests that need it say so when they skip)."""
from __future__ import annotations

import io
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
    return [str(error.reason or error.message) for error in _independent[path].iter_errors(io.BytesIO(document))]


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


#: Documents the portal generated that the sandbox received in these tests, each validated against the
#: official XSD by the sandbox (lxml) and again by xmlschema; printed at the end of the session.
AUDITED = {"documents": 0}


def audit_received(sim) -> int:
    """Every document the portal sent (its User-Agent) is valid against the XSD, read by both validators.
    Documents a test wrote by hand to see the sandbox refuse them are not the portal's and are left out."""
    from exports.connectors.http import USER_AGENT

    if official_xsd() is None:
        return 0
    ours = [record for record in sim.received_documents() if record["userAgent"] == USER_AGENT]
    for record in ours:
        assert record["schema"] == {"checked": True, "errors": []}, record
        assert independent_schema_errors(record["document"].encode()) == [], record["number"]
    AUDITED["documents"] += len(ours)
    return len(ours)


@pytest.fixture
def helsinki(sandbox, db, settings):
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=3, small_period_invoices=12, users=False)
    export = InvoiceExport.objects.get(type=HEEROS)
    assert export.client_identity == DEMO_KEY["username"]
    world = Helsinki(sandbox, export)
    yield world
    audit_received(world.sim)


def pytest_terminal_summary(terminalreporter):
    if official_xsd() is None:
        terminalreporter.write_line(f"Heeros: {SKIP_REASON}.")
    elif AUDITED["documents"]:
        terminalreporter.write_line(f"Heeros: {AUDITED['documents']} Finvoice documents the portal generated and "
                                    f"the sandbox received were valid against the official XSD (lxml and "
                                    f"xmlschema).")


def parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def finish(run):
    """Execute until the run is finished, waiting for confirmations as the worker task would."""
    import time

    from exports.services.runner import execute_run

    while True:
        outcome = execute_run(run.pk)
        if not (outcome.confirm_in or outcome.lease_busy_for):
            break
        time.sleep(min(outcome.confirm_in or outcome.lease_busy_for, 0.05))
    run.refresh_from_db()
    return run


@pytest.fixture
def quick(monkeypatch):
    """Heeros' send policy with confirmations within a fraction of a second; ``quick(timeout=...)`` sets the
    time limit of a confirmation."""
    import dataclasses

    from exports.connectors import registry

    def configure(timeout: float = 30.0):
        target = registry.target(HEEROS)
        policy = dataclasses.replace(target.policy, confirm_after_seconds=0.02, confirm_backoff_max=0.05,
                                     confirm_timeout_seconds=timeout)
        monkeypatch.setitem(registry._load(), HEEROS, dataclasses.replace(target, policy=policy))

    configure()
    return configure


@pytest.fixture
def run_of(helsinki, quick):
    """Plan and execute a run of these invoices for the Heeros export."""
    from exports.services.planning import plan_run

    def run(invoices, *, preview=False):
        return finish(plan_run(invoices=invoices, export=helsinki.export, preview=preview))

    return run


def retry(run):
    from exports.services.runner import reset_failed_items

    reset_failed_items(run)
    return finish(run)
