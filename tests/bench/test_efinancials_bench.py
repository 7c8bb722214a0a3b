"""Benchmark: the demo period (50 invoices, EFIN_BENCH_INVOICES) exported to the e-Financials sandbox with
25 ms simulated latency per call (make bench). Prints calls per invoice and run times; asserts no timing."""
import os
import time

import pytest

from accounting.demo.seed import seed_demo
from accounting.models import InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run

INVOICES = int(os.environ.get("EFIN_BENCH_INVOICES", "50"))
LATENCY_MS = 25
PER_INVOICE = {"POST /v1/sale_invoices": "create", "PATCH /v1/sale_invoices/{id}/register": "register",
               "PUT /v1/sale_invoices/{id}/document_user": "PDF upload"}
ONCE_PER_NEW_OBJECT = ("POST /v1/clients", "PATCH /v1/clients/{id}", "POST /v1/products")


def timed_run(period, export):
    started = time.perf_counter()
    run = plan_run(period=period, export=export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run, time.perf_counter() - started


@pytest.mark.bench
@pytest.mark.django_db
@pytest.mark.parametrize("include_pdf", [True, False], ids=["with PDF copies", "without PDF copies"])
def test_demo_period_into_the_sandbox_at_25_ms_per_call(sandbox, include_pdf):
    seed_demo(invoices=INVOICES, users=False)
    export = InvoiceExport.objects.get(type="efinancials")
    export.base_url = sandbox.base_url("efinancials")
    export.include_pdf_copy = include_pdf
    export.save()
    period = InvoicePeriod.objects.get(office__code="TLN", name="2026-11")
    efin = sandbox.simulator("efinancials")
    efin.configure({"latency_ms": LATENCY_MS})

    run, seconds = timed_run(period, export)
    assert run.status == RunStatus.COMPLETED and run.exported == INVOICES
    by_path = efin.calls.as_dict()["by_path"]
    total = sum(by_path.values())
    per_invoice = sum(by_path.get(path, 0) for path in PER_INVOICE)
    once = sum(by_path.get(path, 0) for path in ONCE_PER_NEW_OBJECT)
    reads = sum(n for path, n in by_path.items() if path.startswith("GET "))

    efin.calls.reset()
    second, second_seconds = timed_run(period, export)
    assert second.skipped == INVOICES

    label = "with" if include_pdf else "without"
    print(f"\n[bench] e-Financials, demo period of {INVOICES} invoices {label} PDF copies, {LATENCY_MS} ms "
          f"latency per call: {seconds:.2f} s ({1000 * seconds / INVOICES:.0f} ms per invoice), {total} calls = "
          f"{reads} reads of reference data per run + {once} for new buyers/product + "
          f"{per_invoice} per invoice ({per_invoice / INVOICES:.2f} calls per invoice in steady state: "
          f"{', '.join(step for path, step in PER_INVOICE.items() if by_path.get(path))}). "
          f"Second run (all {INVOICES} already there, skipped): {second_seconds:.2f} s, "
          f"{efin.calls.total} calls.")
