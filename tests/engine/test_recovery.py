"""The engine under the faults an operator meets, with real processes, real sockets and the database the
suite runs on (PostgreSQL in CI): two runs of a period at once, a worker killed mid-run, export_invoices
stopped with SIGTERM, and a target that drops, fails and throttles writes."""
from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest

from accounting.demo.seed import seed_demo
from accounting.models import Invoice, InvoicePeriod
from exports.models import ExportItem, ExportRun, InvoiceExport, ItemState, RunStatus
from exports.services.actions import retry_failed
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.engine import processes
from tests.fixtures.contract import stub_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def estonia(sandbox, settings, monkeypatch):
    """The demo's Estonian period, its E-Financials export pointing at this test's sandbox."""
    def make(invoices: int, *, latency_ms: int = 0, pdf: bool = False):
        settings.SANDBOX_URL = sandbox.url
        seed_demo(invoices=invoices, small_period_invoices=0, users=False)
        export = InvoiceExport.objects.get(type="efinancials")
        export.include_pdf_copy = pdf
        export.save()
        sandbox.simulator("efinancials").configure({"latency_ms": latency_ms})
        monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", stub_pdf)
        return InvoicePeriod.objects.get(office__code="TLN"), export, sandbox.simulator("efinancials")
    return make


def held(efin, numbers) -> Counter:
    wanted = {str(n) for n in numbers}
    return Counter(b["number"] for b in efin.booked_invoices() if b["number"] in wanted)


def assert_each_once_and_complete(efin, period, *, pdf=False):
    numbers = list(Invoice.objects.filter(period=period).values_list("number", flat=True))
    assert held(efin, numbers) == Counter({str(n): 1 for n in numbers})
    for booked in efin.booked_invoices():
        if booked["number"] in {str(n) for n in numbers}:
            assert booked["complete"], booked
            assert booked["has_pdf"] or not pdf, booked
    assert all(count == 1 for count in Counter(efin.customer_keys()).values())


def test_two_runs_of_the_same_period_started_together(estonia):
    period, export, efin = estonia(40, latency_ms=5)
    env = processes.environment()
    first = processes.export_invoices("--period", str(period.pk), env=env)
    second = processes.export_invoices("--period", str(period.pk), env=env)
    outputs = [p.stdout.read() for p in (first, second) if p.wait(timeout=120) is not None]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert_each_once_and_complete(efin, period)
    runs = list(ExportRun.objects.order_by("pk"))
    assert len(runs) == 2 and all(run.status == RunStatus.COMPLETED for run in runs), outputs
    # Between them every invoice was sent once; the run that came second reports the other's as exported.
    assert sum(run.exported for run in runs) == 40
    assert sum(run.skipped for run in runs) == 40
    for item in ExportItem.objects.filter(state=ItemState.SKIPPED):
        assert "already exist in E-Financials. It was exported by run #" in item.last_error_message


def test_a_worker_killed_mid_run_is_replaced_and_the_run_finishes_by_itself(estonia):
    broker = processes.redis_url()
    if not processes.redis_reachable(broker):
        pytest.skip(f"No Redis reachable at {broker}: the killed-worker test needs a Redis broker (CI has one).")
    period, export, efin = estonia(120, latency_ms=40)
    queue = f"portal-recovery-{os.getpid()}"
    env = processes.environment(CELERY_BROKER_URL=broker, EXPORT_LEASE_SECONDS="6", EXPORT_SWEEP_SECONDS="2",
                                EXPORT_STALL_GRACE_SECONDS="2", CELERY_TASK_DEFAULT_QUEUE=queue)
    from celery import Celery

    first = processes.start_worker(queue, env, name="first")
    try:
        run = plan_run(period=period)
        Celery(broker=broker).send_task("exports.tasks.run_export", args=[run.pk], queue=queue)
        processes.wait_until(lambda: len(efin.booked_invoices()) >= 30, 60, "a quarter of the invoices arriving")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = len(efin.booked_invoices())
        second = processes.start_worker(queue, env, beat=True, name="second")
        started = time.monotonic()
        try:
            processes.wait_until(lambda: ExportRun.objects.get(pk=run.pk).is_finished, 180,
                                 "the run finishing after the new worker started")
            took = time.monotonic() - started
        finally:
            log = processes.stop(second)
    finally:
        processes.stop(first)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED, (run.failure_message, log)
    assert killed_at < 120
    assert took < 180
    assert run.events.filter(code="engine.requeued").exists()
    assert_each_once_and_complete(efin, period)


def test_sigterm_to_export_invoices_stops_cleanly_and_a_resume_completes_the_run(estonia):
    period, export, efin = estonia(80, latency_ms=30)
    env = processes.environment()
    process = processes.export_invoices("--period", str(period.pk), env=env)
    processes.wait_until(lambda: len(efin.booked_invoices()) >= 10, 60, "the first invoices arriving")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) != 0
    out = process.stdout.read()
    run = ExportRun.objects.get()
    assert f"Resume it with: python manage.py export_invoices --resume {run.pk}" in out, out
    assert run.status == RunStatus.STOPPED and run.lease_owner == ""
    assert not run.items.filter(state=ItemState.SENDING).exists()
    stopped_with = len(efin.booked_invoices())
    assert stopped_with < 80

    resumed = processes.export_invoices("--resume", str(run.pk), env=env)
    assert resumed.wait(timeout=120) == 0, resumed.stdout.read()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.exported == 80
    assert_each_once_and_complete(efin, period)


def test_drops_5xx_and_429_on_every_write_end_with_every_invoice_once_registered_with_its_pdf(estonia):
    period, export, efin = estonia(60, pdf=True)
    efin.configure({"drop_rate": 0.05, "error_rate": 0.05, "throttle_rate": 0.05, "throttle_burst": 2,
                    "retry_after": 1, "match": "^(POST|PATCH|PUT) ", "seed": 7})
    run = plan_run(period=period)
    outcome = execute_run(run.pk)
    run.refresh_from_db()
    if run.status != RunStatus.COMPLETED:
        assert retry_failed(run) > 0
        execute_run(run.pk)
        run.refresh_from_db()
    assert outcome.status in (RunStatus.COMPLETED, RunStatus.FAILED)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    faults = Counter(fault for call in efin.calls.as_dict()["recent"] for fault in call["faults"])
    assert faults["drop"] and faults["error"] and faults["throttle"], faults
    efin.configure({"drop_rate": 0, "error_rate": 0, "throttle_rate": 0})
    assert_each_once_and_complete(efin, period, pdf=True)
