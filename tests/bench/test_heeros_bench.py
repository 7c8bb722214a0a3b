"""Benchmark: the Helsinki demo period exported to the Heeros sandbox with 25 ms simulated latency per call
(make bench), confirmations waited for as the worker task waits for them (the Target's send policy, the
sandbox's default of one "processing" answer per import). Prints calls per invoice and run times; asserts
no timing. HEEROS_BENCH_INVOICES sizes the period (default: the demo's)."""
import os
import time

import pytest

from accounting.demo.seed import SMALL_PERIOD_INVOICES, seed_demo
from accounting.models import InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run

INVOICES = int(os.environ.get("HEEROS_BENCH_INVOICES", str(SMALL_PERIOD_INVOICES)))
LATENCY_MS = 25


def timed_run(period, export):
    """Execute as the Celery task does: come back when the next confirmation is due."""
    started = time.perf_counter()
    run = plan_run(period=period, export=export)
    rounds = 0
    while True:
        outcome = execute_run(run.pk)
        rounds += 1
        if not outcome.confirm_in:
            break
        time.sleep(outcome.confirm_in)
    run.refresh_from_db()
    return run, time.perf_counter() - started, rounds


@pytest.mark.bench
@pytest.mark.django_db
def test_the_helsinki_demo_period_into_the_heeros_sandbox_at_25_ms_per_call(sandbox, settings):
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=3, small_period_invoices=INVOICES, users=False)
    export = InvoiceExport.objects.get(type="xmlserializer")
    period = InvoicePeriod.objects.get(office__code="HEL", name="2026-11")
    sim = sandbox.simulator("xmlserializer")
    sim.configure({"latency_ms": LATENCY_MS})

    run, seconds, rounds = timed_run(period, export)
    assert run.status == RunStatus.COMPLETED and run.exported == INVOICES, run.failure_message
    by_path = sim.calls.as_dict()["by_path"]
    total = sum(by_path.values())
    uploads = sum(n for path, n in by_path.items() if path.startswith("POST") and path.endswith("/salesinvoices"))
    polls = sum(n for path, n in by_path.items() if "/salesinvoices/imports/" in path)
    per_run = total - uploads - polls

    sim.calls.reset()
    second, second_seconds, _ = timed_run(period, export)
    assert second.skipped == INVOICES

    print(f"\n[bench] Heeros, Helsinki demo period of {INVOICES} invoices, {LATENCY_MS} ms latency per call: "
          f"{seconds:.2f} s over {rounds} executions of the run (waiting for confirmations as the worker does, "
          f"first after {export.target.policy.confirm_after_seconds:g} s), {total} calls = {per_run} per run or "
          f"confirmation round (login, company, invoice list) + {uploads} uploads + {polls} status reads: "
          f"{(uploads + polls) / INVOICES:.2f} calls per invoice in steady state. Second run (all already "
          f"there, skipped): {second_seconds:.2f} s, {sim.calls.total} calls.")
