import pytest

from exports.connectors import registry
from tests import factories
from tests.engine.fake_connector import TARGET, FakeConnector

ECONOMIC = "economic"


@pytest.fixture
def fake_target():
    TARGET.reset()
    with registry.override(ECONOMIC, FakeConnector):
        yield TARGET
    TARGET.gate.set()


@pytest.fixture
def no_sleep(monkeypatch):
    """Record the engine's backoff instead of waiting."""
    slept = []
    monkeypatch.setattr("exports.services.sending.sleep", lambda seconds, stop: slept.append(seconds))
    return slept


@pytest.fixture
def setup(db):
    """An office with a default chart, an e-conomic export in the default group, a period of 3 invoices."""
    factories.AccountCodingChartFactory()
    export = factories.InvoiceExportFactory(name="Visma e-conomic", type=ECONOMIC, password="app-secret",
                                            api_token="grant-token", client_identity="", client_key="")
    group = factories.InvoiceExportSettingFactory(name="Default", is_default=True)
    group.exports.add(export)
    period = factories.InvoicePeriodFactory()
    invoices = [factories.invoice_with_lines(lines=2, period=period) for _ in range(3)]
    return {"export": export, "group": group, "period": period, "invoices": invoices}
