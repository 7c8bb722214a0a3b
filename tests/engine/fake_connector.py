"""A connector used only by the tests: it drives the engine against an in-memory target whose faults
are scripted per send call, so the state machine can be tested under every failure."""
from __future__ import annotations

import threading
import time
from collections import deque

from exports.catalogue import target_catalogue
from exports.connectors.base import Connector, Payload, Problem, RemoteRef, SendResult

CATALOGUE = target_catalogue("testtarget", "the test target", {
    "invalid_invoice": "It was not possible to send invoice {0} to the test target. {1}.",
    "not_ready": "The test target is not set up: {0}",
})


class FakeTarget:
    """The remote system: invoices by number, plus a script of faults for the next send calls.

    Script entries: "ok", "commit_then_timeout" (stored, answer lost), "timeout" (not stored),
    "503", "429:<seconds>", "invalid", "crash_after_commit" (stored, then the worker dies),
    "block" (stored after the test releases `gate`).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.invoices: dict[str, str] = {}
            self.script: deque[str] = deque()
            self.send_calls = 0
            self.find_calls = 0
            self.setup_problems: list[Problem] = []
            self.gate = threading.Event()
            self.entered = threading.Event()
            self.latency = 0.0  # seconds per send, so a browser can watch the bar move

    def store(self, number: str) -> str:
        with self.lock:
            remote_id = f"R{len(self.invoices) + 1}"
            self.invoices[number] = remote_id
            return remote_id


TARGET = FakeTarget()


class WorkerDied(BaseException):
    """Stands for a worker killed mid-call (BaseException: nothing in the engine may swallow it)."""


class FakeConnector(Connector):
    type = "economic"
    catalogue = CATALOGUE

    def check_setup(self, invoices=None):
        return list(TARGET.setup_problems)

    def prepare(self, invoices):
        with TARGET.lock:
            self.known = dict(TARGET.invoices)  # reference data: fetched once per run

    def build(self, invoice, pdf):
        lines = list(invoice.lines.all())
        if not lines:
            raise self.error("invalid_invoice", invoice.number, "The invoice has no lines")
        return Payload(body={"number": str(invoice.number), "total": str(invoice.total), "lines": len(lines)},
                       summary=f"Invoice {invoice.number}: {len(lines)} line(s), total {invoice.total}", pdf=pdf)

    def find_existing(self, invoice, refresh=False, steps=None):
        TARGET.find_calls += 1
        source = TARGET.invoices if refresh else self.known
        remote_id = source.get(str(invoice.number))
        return RemoteRef(remote_id, str(invoice.number)) if remote_id else None

    def send(self, invoice, payload, steps):
        if TARGET.latency:
            time.sleep(TARGET.latency)
        with TARGET.lock:
            TARGET.send_calls += 1
            action = TARGET.script.popleft() if TARGET.script else "ok"
        number = str(invoice.number)
        if action == "ok":
            return SendResult(RemoteRef(TARGET.store(number), number))
        if action == "commit_then_timeout":
            TARGET.store(number)
            raise self.error("timed_out", retryable=True, may_have_reached_target=True)
        if action == "timeout":
            raise self.error("timed_out", retryable=True, may_have_reached_target=True)
        if action == "503":
            raise self.error("unsuccessful_status", 503, retryable=True, may_have_reached_target=True)
        if action.startswith("429:"):
            raise self.error("unsuccessful_status", 429, retryable=True, retry_after=float(action[4:]))
        if action == "invalid":
            raise self.error("invalid_invoice", number, "VAT rate 24 is not allowed")
        if action == "crash_after_commit":
            TARGET.store(number)
            raise WorkerDied()
        if action == "block":
            TARGET.entered.set()
            TARGET.gate.wait(timeout=30)
            return SendResult(RemoteRef(TARGET.store(number), number))
        raise AssertionError(f"unknown script action {action}")
