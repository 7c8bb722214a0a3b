"""Benchmark: the Helsinki demo period (PROCOUNTOR_BENCH_INVOICES, default the demo's 10) exported to the
Procountor sandbox with 25 ms simulated latency per call (make bench), within Procountor's request rate
(the send policy's 10 a second) and, for comparison, without it. Prints calls per invoice and run times;
asserts no timing."""
import os
import time

import pytest

from accounting.demo.seed import seed_demo
from accounting.models import InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run

INVOICES = int(os.environ.get("PROCOUNTOR_BENCH_INVOICES", "10"))
LATENCY_MS = 25
PER_INVOICE = {"POST /api/invoices": "create", "GET /api/ledgerreceipts/{id}": "read the ledger receipt",
               "PUT /api/ledgerreceipts/{id}": "code it", "POST /api/attachments": "PDF copy"}
ONCE_PER_NEW_OBJECT = ("POST /api/businesspartners", "GET /api/businesspartners/{id}",
                       "PUT /api/businesspartners/{id}", "POST /api/products", "POST /api/products/groups",
                       "POST /api/dimensions/{id}/items", "POST /api/oauth/token")


def timed_run(period, export):
    started = time.perf_counter()
    run = plan_run(period=period, export=export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run, time.perf_counter() - started


@pytest.mark.bench
@pytest.mark.django_db
@pytest.mark.parametrize("rate_limited", [True, False], ids=["within Procountor's rate", "no rate limit"])
def test_the_helsinki_period_into_the_sandbox_at_25_ms_per_call(sandbox, settings, rate_limited):
    settings.EXPORT_RATE_LIMITS = rate_limited
    seed_demo(invoices=0, small_period_invoices=INVOICES, users=False)
    export = InvoiceExport.objects.get(type="procountor")
    export.base_url = sandbox.base_url("procountor")
    export.save()
    period = InvoicePeriod.objects.get(office__code="HEL", name="2026-11")
    sim = sandbox.simulator("procountor")
    sim.configure({"latency_ms": LATENCY_MS, "requests_per_second": 20})

    run, seconds = timed_run(period, export)
    assert run.status == RunStatus.COMPLETED and run.exported == INVOICES, run.failure_message
    assert sim.tokens.throttled == 0 or not rate_limited
    by_path = sim.calls.as_dict()["by_path"]
    total = sum(by_path.values())
    per_invoice = sum(by_path.get(path, 0) for path in PER_INVOICE)
    once = sum(by_path.get(path, 0) for path in ONCE_PER_NEW_OBJECT)
    reads = total - per_invoice - once

    sim.calls.reset()
    second, second_seconds = timed_run(period, export)
    assert second.skipped == INVOICES

    limit = "within 10 calls a second" if rate_limited else "without a rate limit"
    print(f"\n[bench] Procountor, Helsinki demo period of {INVOICES} invoices with PDF copies, {LATENCY_MS} ms "
          f"latency per call, {limit}: {seconds:.2f} s ({1000 * seconds / INVOICES:.0f} ms per invoice), "
          f"{total} calls = {reads} reads of reference data per run + {once} for the token and new or changed "
          f"customers, products and the product group + {per_invoice} per invoice ({per_invoice / INVOICES:.2f} "
          f"calls per invoice in steady state: {', '.join(PER_INVOICE.values())}); refused for the rate: "
          f"{sim.tokens.throttled}. Second run (all {INVOICES} already there, skipped): {second_seconds:.2f} s, "
          f"{sim.calls.total} calls.")
