"""The number of queries per invoice during a run does not grow with the number of invoices."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories

pytestmark = pytest.mark.django_db


def queries_for_run(setup, count):
    period = factories.InvoicePeriodFactory(office=setup["period"].office)
    for _ in range(count):
        factories.invoice_with_lines(lines=2, period=period)
    run = plan_run(period=period)
    with CaptureQueriesContext(connection) as captured:
        execute_run(run.pk)
    return len(captured.captured_queries)


def test_queries_per_invoice_are_constant(setup, fake_target):
    q5, q15, q25 = (queries_for_run(setup, n) for n in (5, 15, 25))
    # Linear in the number of invoices: every further invoice costs the same number of queries,
    # so the reference data and plan are loaded once, not per invoice.
    assert q15 - q5 == q25 - q15
    per_invoice = (q25 - q5) / 20
    print(f"queries per invoice during a run: {per_invoice:g} (fixed per run: {q5 - 5 * per_invoice:g})")
    assert per_invoice <= 12
