"""Benchmarks of the export engine (make bench). Figures are printed, never asserted.

1. Throughput: 1 000 invoices (ENGINE_BENCH_INVOICES) to E-Financials in the sandbox with 25 ms latency per
   call, no PDF, four invoices in flight: wall time beside the bound N x calls x L / k, and CPU per invoice.
   The sandbox runs in a process of its own, so the CPU measured is the portal's.
2. Memory: peak RSS of `export_invoices` (Preview, then a real send to the sandbox) at 10 000 and
   100 000 invoices (ENGINE_BENCH_SIZES).
3. Queries and commits per invoice in steady state.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from accounting.demo.seed import seed_demo
from accounting.models import InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.engine import processes
from tests.engine.budget import counted

ROOT = Path(settings.BASE_DIR)
INVOICES = int(os.environ.get("ENGINE_BENCH_INVOICES", "1000"))
SIZES = [int(n) for n in os.environ.get("ENGINE_BENCH_SIZES", "10000,100000").split(",") if n]
#: ENGINE_BENCH_SEND=0 measures Preview only (a send of 100 000 invoices to the sandbox takes about an hour).
MEASURE_SEND = os.environ.get("ENGINE_BENCH_SEND", "1") != "0"
LATENCY_MS = 25

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxProcess:
    """`manage.py sandbox` in a process of its own."""

    def __init__(self, *knobs: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [arg for knob in knobs for arg in ("--knob", knob)]
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "sandbox", "--port", str(self.port), *args], cwd=ROOT,
            env=processes.environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.wait_until(self._up, 30, "the sandbox starting")

    def _up(self) -> bool:
        try:
            urllib.request.urlopen(self.url + "/_control", timeout=1)  # noqa: S310 - our own loopback
        except OSError:
            return False
        return True

    def calls(self, name: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/_control/{name}/calls", timeout=10) as answer:  # noqa: S310
            return json.load(answer)

    def cpu_seconds(self) -> float:
        """CPU time the sandbox process used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _efinancials(invoices: int, sandbox: SandboxProcess) -> tuple[InvoicePeriod, InvoiceExport]:
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=invoices, small_period_invoices=0, users=False)
    export = InvoiceExport.objects.get(type="efinancials")
    export.include_pdf_copy = False
    export.save()
    return InvoicePeriod.objects.get(office__code="TLN"), export


def test_throughput_of_1000_invoices_at_25_ms_per_call_four_in_flight():
    sandbox = SandboxProcess(f"efinancials.latency_ms={LATENCY_MS}")
    try:
        period, export = _efinancials(INVOICES, sandbox)
        parallel = export.parallel_calls or export.target.policy.parallel_calls
        run = plan_run(period=period, export=export)
        cpu, wall, sandbox_cpu = time.process_time(), time.perf_counter(), sandbox.cpu_seconds()
        with counted() as work:
            outcome = execute_run(run.pk)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sandbox_cpu = sandbox.cpu_seconds() - sandbox_cpu
        assert outcome.status == RunStatus.COMPLETED
        by_path = sandbox.calls("efinancials")["by_path"]
    finally:
        sandbox.stop()
    per_invoice = (by_path.get("POST /v1/sale_invoices", 0) + by_path.get("PATCH /v1/sale_invoices/{id}/register", 0))
    calls = sum(by_path.values())
    bound = INVOICES * (per_invoice / INVOICES) * LATENCY_MS / 1000 / parallel
    print(f"\n[bench] engine, {INVOICES} invoices to E-Financials, {LATENCY_MS} ms per call, k = {parallel}, no PDF: "
          f"{wall:.2f} s wall against the bound N x calls x L / k = {bound:.2f} s ({wall / bound:.2f} x the bound); "
          f"{calls} calls in all ({per_invoice / INVOICES:.2f} per invoice); CPU {1000 * cpu / INVOICES:.2f} ms per "
          f"invoice; {work.queries / INVOICES:.2f} queries and {work.commits / INVOICES:.2f} commits per invoice "
          f"(whole run, first-time buyers and the product included); the sandbox used {sandbox_cpu:.1f} s of CPU")


def _peak_rss_mib(*args: str) -> tuple[float, float, str]:
    """Run export_invoices in a child process; its peak RSS (MiB), its wall time and its output."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "export_invoices", *args], cwd=ROOT, env=processes.environment(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, output[-2000:]
    return usage.ru_maxrss / 1024, time.perf_counter() - started, output


@pytest.mark.parametrize("invoices", SIZES, ids=[f"{n}-invoices" for n in SIZES])
def test_peak_memory_of_an_export(invoices):
    sandbox = SandboxProcess()
    try:
        started = time.perf_counter()
        period, export = _efinancials(invoices, sandbox)
        seeded = time.perf_counter() - started
        preview_rss, preview_s, _ = _peak_rss_mib("--period", str(period.pk), "--export", export.name, "--preview")
        if MEASURE_SEND:
            send_rss, send_s, _ = _peak_rss_mib("--period", str(period.pk), "--export", export.name)
    finally:
        sandbox.stop()
    sent = f"send to the sandbox {send_rss:.0f} MiB ({send_s:.0f} s)" if MEASURE_SEND else "send not measured"
    print(f"\n[bench] engine, peak RSS of export_invoices at {invoices} invoices (seeded in {seeded:.0f} s): Preview "
          f"{preview_rss:.0f} MiB ({preview_s:.0f} s), {sent}")
