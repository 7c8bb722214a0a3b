"""Benchmark: 1 000 invoices through the test connector (make bench). Prints figures, asserts no timings."""
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exports.connectors import registry
from exports.models import ExportType, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories
from tests.engine.fake_connector import TARGET, FakeConnector


@pytest.mark.bench
@pytest.mark.django_db
def test_thousand_invoices_through_the_test_connector():
    TARGET.reset()
    factories.AccountCodingChartFactory()
    export = factories.InvoiceExportFactory(name="Bench target", type=ExportType.ECONOMIC, password="x", api_token="y")
    factories.InvoiceExportSettingFactory(name="Default", is_default=True).exports.add(export)
    period = factories.InvoicePeriodFactory()
    for _ in range(1000):
        factories.invoice_with_lines(lines=3, period=period)
    with registry.override(ExportType.ECONOMIC, FakeConnector):
        started = time.perf_counter()
        run = plan_run(period=period)
        planned = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            execute_run(run.pk)
        finished = time.perf_counter()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.exported == 1000
    print(f"\n[bench] {connection.vendor}: 1000 invoices planned in {planned - started:.2f} s, "
          f"executed in {finished - planned:.2f} s ({(finished - planned):.2f} ms per invoice), "
          f"{len(captured.captured_queries) / 1000:.1f} queries per invoice")
