"""Benchmark: 1 000 invoices (BENCH_INVOICES) through the test connector (make bench).

Prints figures; asserts nothing about time."""
import os
import time

import pytest
from django.db import connection

from exports.connectors import registry
from exports.models import RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories
from tests.engine.fake_connector import TARGET, FakeConnector

INVOICES = int(os.environ.get("BENCH_INVOICES", "1000"))


@pytest.mark.bench
@pytest.mark.django_db
def test_invoices_through_the_test_connector():
    TARGET.reset()
    factories.AccountCodingChartFactory()
    export = factories.InvoiceExportFactory(name="Bench target", type="economic", password="x", api_token="y")
    factories.InvoiceExportSettingFactory(name="Default", is_default=True).exports.add(export)
    period = factories.InvoicePeriodFactory()
    for _ in range(INVOICES):
        factories.invoice_with_lines(lines=3, period=period)
    with registry.override("economic", FakeConnector):
        started = time.perf_counter()
        run = plan_run(period=period)
        planned = time.perf_counter()
        queries = []
        # Count with an execute wrapper: Django's query log keeps only the last 9 000 queries.
        with connection.execute_wrapper(lambda execute, sql, params, many, context: (
                queries.append(1), execute(sql, params, many, context))[1]):
            execute_run(run.pk)
        finished = time.perf_counter()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    print(f"\n[bench] {connection.vendor}: {INVOICES} invoices planned in {planned - started:.2f} s, "
          f"executed in {finished - planned:.2f} s ({1000 * (finished - planned) / INVOICES:.1f} ms per invoice), "
          f"{len(queries) / INVOICES:.1f} queries per invoice")
