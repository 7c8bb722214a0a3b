"""Executing an export run: every unfinished item of the run, export by export, chunk by chunk.

- **One worker per run, one run per export.** The worker holds the run's lease and, while it sends to an
  export, that export's lease (exports.services.leases); a heartbeat renews both. A run that meets an
  export another run is sending to waits (its items stay planned) and comes back; it never reports
  completed while an item is unsent. An invoice left in flight by another run that is no longer working
  on the export is handed over and finished here.
- **Chunks.** Items, their invoices and lines are read CHUNK_SIZE at a time; no query grows with the period.
- **Parallel calls.** Within an export, up to the target's ``parallel_calls`` invoices are sent at once
  (exports.services.pool), under the export's shared rate limit (exports.services.ratelimit).
- **Stop, cancel, recover.** A stop request (SIGTERM to export_invoices) and a cancel request (the run
  page) end the run after the calls in flight; a worker that dies leaves leases that expire, and the
  sweeper (exports.services.sweeper) re-queues the run. The item state machine is exports.services.sending.
"""
from __future__ import annotations

import logging
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext

from accounting.models import Invoice
from accounting.services import validation

from ..catalogue import ENGINE
from ..connectors import registry
from ..connectors.base import ExportError
from ..connectors.registry import NoConnector, connector_for
from ..models import FINAL_STATES, IN_FLIGHT_STATES, EventLevel, ExportItem, ExportRun, ItemState, RunStatus
from . import events, leases, ratelimit
from .events import CallRecorder, EventLog
from .pool import run_all
from .sending import ItemSender, Results
from .setup_check import blocking_summary

logger = logging.getLogger("exports")

CHUNK_SIZE = 500


@dataclass
class RunOutcome:
    run_id: int
    status: str
    lease_busy_for: float = 0.0  # > 0: another worker or run holds what this run needs; come back then
    confirm_in: float = 0.0  # > 0: sends wait for the target's confirmation; come back after this long


def _setting(name, default):
    return getattr(settings, name, default)


# -- counters ---------------------------------------------------------------------------------------

def refresh_counters(run: ExportRun) -> None:
    """Recount from the items (after a retry resets some of them): one grouped query."""
    counts = dict(run.items.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    run.to_export = sum(counts.values())
    run.exported = counts.get(ItemState.SENT, 0)
    run.previewed = counts.get(ItemState.PREVIEWED, 0)
    run.skipped = counts.get(ItemState.SKIPPED, 0)
    run.failed = counts.get(ItemState.FAILED, 0) + counts.get(ItemState.UNKNOWN, 0)
    run.save(update_fields=["to_export", "exported", "previewed", "skipped", "failed"])


# -- the heartbeat ----------------------------------------------------------------------------------------

class Heartbeat:
    """Keeps the run's and the export's leases alive and watches for a cancel request.

    A thread of its own (with its own database connection) when the run's work is committed as it goes;
    inside a caller's transaction (the test suite's) no other connection could see the run, so the
    engine's loop ticks it instead, between invoices."""

    def __init__(self, run_id: int, owner: str, stop: threading.Event, cancel: threading.Event):
        self.run_id = run_id
        self.owner = owner
        self.stop = stop
        self.cancel = cancel
        self.exports: set[int] = set()
        self.on_stop = None  # called (with no argument) when the run must stop at once
        self.lost = False
        self._interval = leases.lease_seconds() / 4
        self._renewed = time.monotonic()
        self._done = threading.Event()
        self._thread = None

    def start(self, threaded: bool) -> None:
        if threaded:
            self._thread = threading.Thread(target=self._loop, name=f"heartbeat-run-{self.run_id}", daemon=True)
            self._thread.start()

    def end(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def tick(self) -> None:
        """Called by the engine between invoices (the only beat when there is no thread)."""
        if self._thread is None:
            self._beat()

    def _loop(self) -> None:
        try:
            while not self._done.wait(1.0):
                self._beat()
        finally:
            connection.close()

    def _beat(self) -> None:
        if time.monotonic() - self._renewed >= self._interval:
            self._renewed = time.monotonic()
            kept = leases.renew_run(self.run_id, self.owner)
            kept = all([kept, *(leases.renew_export(export_id, self.owner) for export_id in list(self.exports))])
            if not kept:  # another worker took over: stop at once, it finishes the run
                self.lost = True
                self._halt()
                return
        if not self.cancel.is_set() and ExportRun.objects.filter(
                pk=self.run_id, cancel_requested_at__isnull=False).exists():
            self.cancel.set()
            self._halt()

    def _halt(self) -> None:
        self.stop.set()
        if self.on_stop:
            self.on_stop()


# -- the run ------------------------------------------------------------------------------------------

def execute_run(run_id: int, *, worker: str | None = None, progress=None,
                stop: threading.Event | None = None) -> RunOutcome:
    """Work through every unfinished item of the run. Safe to call again at any point (resumable).

    ``stop``: set it (from a signal handler) to end after the calls in flight; the run is then STOPPED and
    can be resumed."""
    owner = worker or f"{uuid.uuid4()}"
    wait = leases.acquire_run(run_id, owner)
    if wait:
        run = ExportRun.objects.get(pk=run_id)
        return RunOutcome(run_id, run.status, lease_busy_for=wait)
    session = _Session(run_id, owner, progress, stop or threading.Event())
    try:
        return session.execute()
    finally:
        session.heartbeat.end()
        leases.release_run(run_id, owner)


class _Session:
    def __init__(self, run_id: int, owner: str, progress, stop: threading.Event):
        self.run_id = run_id
        self.owner = owner
        self.progress = _locked(progress)
        self.stop = stop
        self.cancel = threading.Event()
        self.heartbeat = Heartbeat(run_id, owner, stop, self.cancel)
        self.busy: list[leases.Busy] = []

    def execute(self) -> RunOutcome:
        run = ExportRun.objects.get(pk=self.run_id)
        if run.is_finished or run.status == RunStatus.STOPPED:
            return RunOutcome(run.pk, run.status)
        if run.cancel_requested_at:
            return self.finish_cancelled(run)
        first_start = run.started_at is None
        ExportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING, started_at=run.started_at or timezone.now(), note="", resume_at=None)
        run.refresh_from_db()
        if first_start:
            invoice_count = run.items.values("invoice_id").distinct().count()
            events.record(run, ENGINE.qualified("run_started"), ENGINE.text("run_started", invoice_count,
                                                                            run.to_export),
                          params=[invoice_count, run.to_export])
        self.heartbeat.start(threaded=not connection.in_atomic_block)
        try:
            export_ids = (run.items.exclude(state__in=FINAL_STATES).values("export_id")
                          .annotate(first=Max("export__name")).order_by("first").values_list("export_id", flat=True))
            for export_id in list(export_ids):
                if self.stop.is_set():
                    break
                self.run_export(run, export_id)
        except Exception as exc:  # anything unforeseen: the run fails visibly instead of hanging "running"
            logger.exception("Export run %s crashed", run.pk)
            # Users read plain words; the exception itself is the event's excerpt, for support.
            message = ENGINE.text("run_crashed", gettext("an error inside the portal (the export log has the "
                                                         "details for support)"))
            events.record(run, ENGINE.qualified("run_crashed"), message, level=EventLevel.ERROR,
                          excerpt="".join(traceback.format_exception(exc))[-4000:])
            return _finish(run, failure_message=message)
        if self.cancel.is_set():
            return self.finish_cancelled(run)
        if self.heartbeat.lost:
            return RunOutcome(run.pk, RunStatus.RUNNING)  # another worker has it now
        if self.stop.is_set():
            return self.stopped(run)
        return self.wait_or_finish(run)

    # -- one export ---------------------------------------------------------------------------------------
    def run_export(self, run: ExportRun, export_id: int) -> None:
        busy = leases.acquire_export(export_id, run.pk, self.owner)
        if busy is not None:
            self.busy.append(busy)
            return
        self.heartbeat.exports.add(export_id)
        try:
            self.send_export(run, export_id)
        finally:
            self.heartbeat.exports.discard(export_id)
            leases.release_export(export_id, self.owner)

    def send_export(self, run: ExportRun, export_id: int) -> None:
        items = _unfinished_items(run, export_id)
        first = items.first()
        if first is None:
            return
        export = first.export
        log = EventLog(run, export.secret_values())
        recorder = CallRecorder(log)
        invoices = Invoice.objects.filter(export_items__run=run, export_items__export_id=export_id)
        # k calls in flight (the target's parallel calls, or the export's own); twice as many threads, so
        # that the database work between two calls of an invoice never leaves a call slot idle.
        parallel = 1 if connection.in_atomic_block else (export.parallel_calls or export.target.policy.parallel_calls)
        slots = threading.BoundedSemaphore(parallel)
        try:
            connector = connector_for(export, recorder=recorder, rate_limit=ratelimit.for_export(export),
                                      call_slots=slots)
        except NoConnector as exc:
            _fail_items(run, items, ENGINE.qualified("setup_blocked"), ENGINE.text("setup_blocked", export.name, exc))
            return
        self.heartbeat.on_stop = connector.cancel
        results = Results(run, log, self.progress)
        # Uploads the target never confirmed in time are asked about again only after Retry failed.
        to_send = items.exclude(state=ItemState.PENDING).exclude(state=ItemState.UNKNOWN, ticket__isnull=False)
        try:
            if to_send.exists():  # a round that only confirms pending sends needs no setup check again
                problems = [p for p in connector.check_setup(invoices) if p.blocking]
                if problems:
                    message = ENGINE.text("setup_blocked", export.name, blocking_summary(problems))
                    _fail_items(run, items, ENGINE.qualified("setup_blocked"), message)
                    return
                _fail_invalid_invoices(items, invoices, log, results)
            connector.prepare(invoices)
            sender = ItemSender(run, connector, log, recorder, results, export.target.policy, self.stop)
            size = 1 if connection.in_atomic_block else 2 * parallel
            last_pk = 0
            while not self.stop.is_set():
                chunk = list(to_send.filter(pk__gt=last_pk).order_by("pk")[:CHUNK_SIZE])
                if not chunk:
                    break
                last_pk = chunk[-1].pk
                _prepare_chunk(run, chunk, sender)
                connector.prefetch([item.invoice for item in chunk])
                sender.start_chunk(chunk)
                try:
                    run_all(chunk, sender.process, size, self.heartbeat.tick, self.stop)
                finally:
                    sender.end_chunk()
                results.flush()
            # Every confirmation due soon is asked now, in one round, rather than a round per invoice.
            soon = timezone.now() + timedelta(seconds=export.target.policy.confirm_after_seconds / 2)
            due = items.filter(state=ItemState.PENDING, confirm_due_at__lte=soon).order_by("pk")
            run_all(list(due[:CHUNK_SIZE]), sender.process, size, self.heartbeat.tick, self.stop)
            if sender.waiting_elsewhere:
                self.busy.append(leases.Busy(run_id=0, seconds=leases.BUSY_RETRY_SECONDS))
        except ExportError as exc:
            _fail_items(run, items, exc.code, exc.message, exc.excerpt)
        finally:
            results.flush()
            log.flush()
            self.heartbeat.on_stop = None
            connector.close()

    # -- how the run ends (for now) ------------------------------------------------------------------------
    def wait_or_finish(self, run: ExportRun) -> RunOutcome:
        confirm_in = _next_confirmation_in(run)
        if self.busy or confirm_in is not None:
            waits = [b.seconds for b in self.busy] + ([confirm_in] if confirm_in is not None else [])
            wait = max(0.05, min(waits))
            holders = sorted({b.run_id for b in self.busy if b.run_id})
            note = (ENGINE.text("waiting_for_export", ", ".join(f"#{n}" for n in holders)) if holders
                    else ENGINE.text("waiting_for_confirmation") if confirm_in is not None
                    else ENGINE.text("waiting_in_flight"))
            ExportRun.objects.filter(pk=run.pk).update(note=note, resume_at=timezone.now() + timedelta(seconds=wait))
            busy = min((b.seconds for b in self.busy), default=0.0)
            return RunOutcome(run.pk, RunStatus.RUNNING, lease_busy_for=busy,
                              confirm_in=0.0 if busy else (confirm_in or 0.0))
        return _finish(run)

    def stopped(self, run: ExportRun) -> RunOutcome:
        note = ENGINE.text("stopped")
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.STOPPED, note=note, resume_at=None)
        events.record(run, ENGINE.qualified("stopped"), note, level=EventLevel.WARNING)
        return RunOutcome(run.pk, RunStatus.STOPPED)

    def finish_cancelled(self, run: ExportRun) -> RunOutcome:
        """Every item not sent yet fails with its target's "The invoice export to ... was cancelled."."""
        run.refresh_from_db()
        planned = run.items.filter(state=ItemState.PLANNED).order_by()  # no default ordering: one row per export
        for export_id in planned.values_list("export_id", flat=True).distinct():
            export_items = run.items.filter(export_id=export_id, state=ItemState.PLANNED)
            first = export_items.select_related("export").first()
            catalogue = registry.target(first.export.type).catalogue
            export_items.update(state=ItemState.FAILED, last_error_code=catalogue.qualified("export_cancelled"),
                                last_error_message=catalogue.text("export_cancelled"), updated_at=timezone.now())
        who = run.cancel_requested_by.username if run.cancel_requested_by else "the system"
        message = ENGINE.text("cancelled_by", who)
        events.record(run, ENGINE.qualified("cancelled"), message, level=EventLevel.WARNING)
        return _finish(run, failure_message=message, status=RunStatus.CANCELLED)


def _locked(progress):
    if progress is None:
        return None
    lock = threading.Lock()

    def call(item):
        with lock:
            progress(item)

    return call


def _unfinished_items(run: ExportRun, export_id: int):
    return (run.items.filter(export_id=export_id).exclude(state__in=FINAL_STATES)
            .select_related("export", "invoice__customer", "invoice__office", "invoice__region",
                            "invoice__period", "invoice__currency", "invoice__payment_condition"))


def _prepare_chunk(run: ExportRun, chunk: list[ExportItem], sender: ItemSender) -> None:
    """Per chunk, not per invoice: what this portal already sent to the export (and in which run), the
    steps an earlier run of this export left for an invoice, and in-flight items other runs left."""
    if run.is_preview:
        return
    export_id = chunk[0].export_id
    by_invoice = {item.invoice_id: item for item in chunk}
    ours = [item.pk for item in chunk]
    others = ExportItem.objects.filter(export_id=export_id, invoice_id__in=list(by_invoice), is_preview=False) \
        .exclude(pk__in=ours)
    sender.sent_before = {invoice_id: (run_id, when) for invoice_id, run_id, when in others.filter(
        state=ItemState.SENT).values_list("invoice_id", "run_id", "updated_at")}
    for other in others.filter(state__in=IN_FLIGHT_STATES).select_related("run"):
        _hand_over(other, by_invoice[other.invoice_id])
    fresh = {invoice_id: item for invoice_id, item in by_invoice.items()
             if not item.steps and item.state == ItemState.PLANNED and invoice_id not in sender.sent_before}
    if fresh:
        earlier = (others.filter(state=ItemState.FAILED, invoice_id__in=list(fresh)).exclude(steps=[])
                   .order_by("invoice_id", "-pk").values_list("invoice_id", "steps"))
        for invoice_id, steps in earlier:
            item = fresh.pop(invoice_id, None)
            if item is not None:
                item.steps = steps
                ExportItem.objects.filter(pk=item.pk).update(steps=steps)


@transaction.atomic
def _hand_over(other: ExportItem, ours: ExportItem) -> None:
    """An invoice another run left in flight on this export (that run no longer sends to it: we hold the
    export's lease): this run takes its state and steps and finishes it; the other run's item says so."""
    message = ENGINE.text("handed_over", ours.invoice.number, ours.run_id)
    ExportItem.objects.filter(pk=other.pk).update(state=ItemState.SKIPPED, last_error_code=ENGINE.qualified(
        "handed_over"), last_error_message=message, updated_at=timezone.now())
    ExportRun.objects.filter(pk=other.run_id).update(skipped=F("skipped") + 1)
    state = ItemState.UNKNOWN if other.state == ItemState.SENDING else other.state
    fields = {"state": state, "steps": other.steps, "ticket": other.ticket, "remote_id": other.remote_id,
              "confirm_due_at": other.confirm_due_at, "confirm_deadline": other.confirm_deadline}
    if other.ticket is not None and other.state in (ItemState.UNKNOWN, ItemState.PENDING):
        # An upload the target never confirmed to the other run: asked about again, with a time limit of ours.
        now = timezone.now()
        timeout = timedelta(seconds=ours.export.target.policy.confirm_timeout_seconds)
        fields.update(state=ItemState.PENDING, confirm_due_at=now, confirm_deadline=now + timeout)
    ExportItem.objects.filter(pk=ours.pk).update(**fields, updated_at=timezone.now())
    for name, value in fields.items():
        setattr(ours, name, value)
    events.record(other.run, ENGINE.qualified("handed_over"), message, item=other, level=EventLevel.WARNING)


def _fail_items(run: ExportRun, items, code: str, message: str, excerpt: str = "") -> None:
    """Every item not yet sent fails with one message (the export could not start)."""
    ids = list(items.exclude(state__in=(*IN_FLIGHT_STATES, *FINAL_STATES)).values_list("pk", flat=True))
    # Items that may be in the target stay as they are: reconciled before anything is resent.
    for start in range(0, len(ids), CHUNK_SIZE):
        ExportItem.objects.filter(pk__in=ids[start:start + CHUNK_SIZE]).update(
            state=ItemState.FAILED, last_error_code=code, last_error_message=message, updated_at=timezone.now())
    ExportRun.objects.filter(pk=run.pk).update(failed=F("failed") + len(ids))
    events.record(run, code, message, level=EventLevel.ERROR, excerpt=excerpt)


def _fail_invalid_invoices(items, invoices, log: EventLog, results: Results) -> None:
    """Invoices that break a rule of the invoice validation are never sent (nor previewed): their planned
    items fail with what to fix. Items that may already be in the target are left to reconciliation."""
    found = validation.problems_by_invoice(invoices)
    invalid = sorted(found)
    for start in range(0, len(invalid), CHUNK_SIZE):
        chunk = items.filter(state=ItemState.PLANNED, invoice_id__in=invalid[start:start + CHUNK_SIZE])
        for item in chunk.select_related(None).only("pk", "run_id", "invoice_id", "steps", "state", "remote_id",
                                                    "warning_message", "preview_payload", "ticket",
                                                    "confirm_due_at", "confirm_deadline", "attempts"):
            problems = found[item.invoice_id]
            number = problems[0].number
            text = validation.summary(problems)
            code = ENGINE.qualified("invalid_invoice")
            message = ENGINE.text("invalid_invoice", number, text)
            log.add(code, message, item=item, level=EventLevel.ERROR, attempt=item.attempts,
                    params=[number, *(ENGINE.qualified(f"invoice_{p.code}") for p in problems)])
            item.last_error_code, item.last_error_message = code, message
            results.done(item, ItemState.FAILED)
    results.flush()


def _next_confirmation_in(run: ExportRun) -> float | None:
    """Seconds until the next pending send of the run is due for confirmation; None when none waits."""
    due = (run.items.filter(state=ItemState.PENDING).order_by("confirm_due_at")
           .values_list("confirm_due_at", flat=True).first())
    if due is None and not run.items.filter(state=ItemState.PENDING).exists():
        return None
    return max(0.05, (due - timezone.now()).total_seconds()) if due else 0.05


def _finish(run: ExportRun, failure_message: str = "", status: str | None = None) -> RunOutcome:
    run.refresh_from_db()
    refresh_counters(run)
    unfinished = run.items.exclude(state__in=FINAL_STATES).count()
    if not failure_message and (run.failed or unfinished):
        first = run.items.filter(state__in=[ItemState.FAILED, ItemState.UNKNOWN]).exclude(
            last_error_message="").values_list("last_error_message", flat=True).first()
        failure_message = f"{run.failed} invoice(s) failed." + (f" {first}" if first else "")
    run.status = status or (RunStatus.FAILED if failure_message else RunStatus.COMPLETED)
    run.failure_message = failure_message
    run.finished_at = timezone.now()
    run.note = ""
    run.resume_at = None
    run.save(update_fields=["status", "failure_message", "finished_at", "note", "resume_at"])
    events.record(run, ENGINE.qualified("run_finished"),
                  ENGINE.text("run_finished", run.exported, run.skipped, run.failed),
                  params=[run.exported, run.skipped, run.failed],
                  level=EventLevel.INFO if run.status == RunStatus.COMPLETED else EventLevel.WARNING)
    return RunOutcome(run.pk, run.status)


# -- retry ---------------------------------------------------------------------------------------------

@transaction.atomic
def reset_failed_items(run: ExportRun, *, user=None) -> int:
    """Retry failed: failed items become planned again (resuming after their recorded steps); unknown ones
    stay unknown (reconciled first); a send the target never confirmed is confirmed again."""
    run = ExportRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_finished:
        return 0
    now = timezone.now()
    count = run.items.filter(state=ItemState.FAILED).update(state=ItemState.PLANNED, ticket=None, confirm_due_at=None,
                                                            confirm_deadline=None, updated_at=now)
    for export in {item.export for item in run.items.filter(state=ItemState.UNKNOWN, ticket__isnull=False)
                   .select_related("export")}:
        timeout = timedelta(seconds=export.target.policy.confirm_timeout_seconds)
        count += run.items.filter(state=ItemState.UNKNOWN, ticket__isnull=False, export=export).update(
            state=ItemState.PENDING, confirm_due_at=now, confirm_deadline=now + timeout, updated_at=now)
    count += run.items.filter(state=ItemState.UNKNOWN).count()
    if count:
        run.status = RunStatus.QUEUED
        run.failure_message = ""
        run.finished_at = None
        run.cancel_requested_at = None
        run.cancel_requested_by = None
        run.resume_at = now
        run.save(update_fields=["status", "failure_message", "finished_at", "cancel_requested_at",
                                "cancel_requested_by", "resume_at"])
        refresh_counters(run)
        events.record(run, "engine.retry_requested",
                      f"Retry of {count} invoice(s) requested by {getattr(user, 'username', None) or 'the system'}.")
    return count
