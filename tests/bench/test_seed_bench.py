"""Benchmark: seed_demo with 100 000 invoices in the Estonian period (BENCH_SEED_INVOICES).

Prints the time; asserts nothing about it."""
import os

import pytest

from accounting import models as acc
from accounting.demo.seed import seed_demo

INVOICES = int(os.environ.get("BENCH_SEED_INVOICES", "100000"))


@pytest.mark.bench
@pytest.mark.django_db
def test_seed_demo_with_many_invoices():
    summary = seed_demo(invoices=INVOICES, users=False)
    links = acc.InvoiceLine.economic_units.through.objects.count()
    print(f"\nseed_demo --invoices {INVOICES}: {summary.total_invoices} invoices, {summary.lines} lines, "
          f"{links} economic unit links in {summary.seconds:.1f} s "
          f"({summary.total_invoices / summary.seconds:,.0f} invoices/s)")
    assert acc.Invoice.objects.filter(office__code="TLN").count() == INVOICES
    assert acc.InvoiceLine.objects.count() == summary.lines
