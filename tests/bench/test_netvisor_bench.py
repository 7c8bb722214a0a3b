"""Benchmark: the Helsinki demo period (NETVISOR_BENCH_INVOICES, default the demo's 10) exported to the
Netvisor sandbox with 25 ms simulated latency per call (make bench). Prints calls per invoice and run
times; asserts no timing."""
import os
import time

import pytest

from accounting.demo.seed import seed_demo
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run

INVOICES = int(os.environ.get("NETVISOR_BENCH_INVOICES", "10"))
LATENCY_MS = 25
PER_INVOICE = ("POST /salesinvoice.nv",)
ONCE_PER_NEW_OBJECT = ("POST /customer.nv", "POST /product.nv", "POST /dimensionitem.nv")


def timed_run(period, export):
    started = time.perf_counter()
    run = plan_run(period=period, export=export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run, time.perf_counter() - started


@pytest.mark.bench
@pytest.mark.django_db
@pytest.mark.parametrize("include_pdf", [True, False], ids=["with PDF copies", "without PDF copies"])
def test_helsinki_demo_period_into_the_sandbox_at_25_ms_per_call(sandbox, settings, include_pdf):
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=3, small_period_invoices=INVOICES, users=False)
    export = InvoiceExport.objects.get(type="netvisor")
    export.include_pdf_copy = include_pdf
    export.save()
    from accounting.models import InvoicePeriod

    period = InvoicePeriod.objects.get(office__code="HEL")
    netvisor = sandbox.simulator("netvisor")
    netvisor.configure({"latency_ms": LATENCY_MS})

    run, seconds = timed_run(period, export)
    assert run.status == RunStatus.COMPLETED and run.exported == run.items.count()
    by_path = netvisor.calls.as_dict()["by_path"]
    total = sum(by_path.values())
    per_invoice = sum(by_path.get(path, 0) for path in PER_INVOICE)
    once = sum(by_path.get(path, 0) for path in ONCE_PER_NEW_OBJECT)
    reads = sum(n for path, n in by_path.items() if path.startswith("GET "))

    netvisor.calls.reset()
    second, second_seconds = timed_run(period, export)
    assert second.skipped == run.exported

    label = "with" if include_pdf else "without"
    print(f"\n[bench] Netvisor, Helsinki demo period: {run.exported} of its invoices go to Netvisor, {label} PDF "
          f"copies, {LATENCY_MS} ms latency per call: {seconds:.2f} s ({1000 * seconds / run.exported:.0f} ms per "
          f"invoice), {total} calls = {reads} reads of reference data per run + {once} for new customers/product/"
          f"dimension items + {per_invoice} per invoice ({per_invoice / run.exported:.2f} calls per invoice in "
          f"steady state: salesinvoice.nv add{' with the PDF inside' if include_pdf else ''}). Second run (all "
          f"already there, skipped): {second_seconds:.2f} s, {netvisor.calls.total} calls. First run's calls: "
          f"{', '.join(f'{path} {n}' for path, n in sorted(by_path.items()))}.")
