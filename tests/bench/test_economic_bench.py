"""Benchmark: the Copenhagen demo period (10 invoices; ECONOMIC_BENCH_INVOICES for more) exported to the
e-conomic sandbox with 25 ms simulated latency per call, by each method (make bench). Prints calls per
invoice and run times; asserts no timing."""
import os
import time

import pytest

from accounting.demo.seed import seed_demo
from accounting.models import InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run

INVOICES = int(os.environ.get("ECONOMIC_BENCH_INVOICES", "10"))
LATENCY_MS = 25
PER_INVOICE = {
    "invoice": {"POST /invoices/drafts": "draft", "POST /invoices/drafts/{id}/attachment/file": "PDF",
                "POST /invoices/booked": "booking"},
    "voucher": {"POST /journals/{id}/vouchers": "voucher", "POST /journals/{id}/vouchers/*/attachment/file": "PDF"},
}
START_TEXT = {"invoice": "", "voucher": "exportMethod=voucher\njournalNumber=1"}


def timed_run(period, export):
    started = time.perf_counter()
    run = plan_run(period=period, export=export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run, time.perf_counter() - started


def count(by_path: dict, pattern: str) -> int:
    head, _, tail = pattern.partition("*")
    return sum(n for path, n in by_path.items() if path.startswith(head) and path.endswith(tail)) if tail \
        else by_path.get(pattern, 0)


@pytest.mark.bench
@pytest.mark.django_db
@pytest.mark.parametrize("include_pdf", [True, False], ids=["with PDF copies", "without PDF copies"])
@pytest.mark.parametrize("method", ["invoice", "voucher"])
def test_demo_period_into_the_sandbox_at_25_ms_per_call(sandbox, settings, method, include_pdf):
    settings.SANDBOX_URL = sandbox.url
    seed_demo(small_period_invoices=INVOICES, invoices=0, users=False)
    export = InvoiceExport.objects.get(type="economic")
    export.start_text = START_TEXT[method]
    export.include_pdf_copy = include_pdf
    export.save()
    period = InvoicePeriod.objects.get(office__code="CPH", name="2026-11")
    economic = sandbox.simulator("economic")
    economic.configure({"latency_ms": LATENCY_MS})

    run, seconds = timed_run(period, export)
    assert run.status == RunStatus.COMPLETED and run.exported == INVOICES, run.failure_message
    by_path = economic.calls.as_dict()["by_path"]
    total = sum(by_path.values())
    per_invoice = sum(count(by_path, path) for path in PER_INVOICE[method])
    customers = by_path.get("POST /customers", 0) + by_path.get("POST /products", 0)
    reads = sum(n for path, n in by_path.items() if path.startswith("GET "))

    economic.calls.reset()
    second, second_seconds = timed_run(period, export)
    assert second.skipped == INVOICES
    steps = ", ".join(step for path, step in PER_INVOICE[method].items() if count(by_path, path))
    label = "with" if include_pdf else "without"
    print(f"\n[bench] Visma e-conomic, {method} method, demo period of {INVOICES} invoices {label} PDF copies, "
          f"{LATENCY_MS} ms latency per call: {seconds:.2f} s ({1000 * seconds / INVOICES:.0f} ms per invoice), "
          f"{total} calls = {reads} reads per run (reference data, what is there, customers) + {customers} for "
          f"new customers/product + {per_invoice} per invoice ({per_invoice / INVOICES:.2f} calls per invoice in "
          f"steady state: {steps}). Second run (all already there, skipped): {second_seconds:.2f} s, "
          f"{economic.calls.total} calls.")
