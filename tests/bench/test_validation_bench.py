"""Benchmark: the invoice validation over the demo period scaled to 100 000 invoices (BENCH_VALIDATION_INVOICES),
as the setup check and the engine run it: a few queries over the whole set.

Prints the time and the queries; asserts only that the demo data is valid and the query count is fixed."""
import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.demo.seed import seed_demo
from accounting.models import Invoice
from accounting.services.validation import problems_by_invoice

INVOICES = int(os.environ.get("BENCH_VALIDATION_INVOICES", "100000"))


@pytest.mark.bench
@pytest.mark.django_db
def test_validation_of_a_large_period():
    seed_demo(invoices=INVOICES, users=False)
    invoices = Invoice.objects.filter(office__code="TLN")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        found = problems_by_invoice(invoices)
    seconds = time.perf_counter() - started
    print(f"\nvalidation of {invoices.count()} invoices: {seconds:.2f} s, {len(queries)} queries, "
          f"{len(found)} invalid")
    assert found == {}
    assert len(queries) <= 5
