"""Executing an export run: the item state machine that gives the exactly-once effect.

    planned --mark sending, COMMIT--> sending --answer--> sent | failed
                                         |
                          timeout / 5xx / dropped answer (may have reached the target)
                                         v
                                      unknown --find_existing(refresh)--> sent (reconciled) | planned (resend)

- The state is committed before every call, so a crash between the call and the answer leaves
  ``sending`` or ``unknown``; the next delivery of the task reconciles those with the target first.
- A partial unique index allows only one item per (export, invoice) in ``sending``/``unknown``; and an
  invoice this portal already sent to an export is never sent to it again. So two runs of the same
  invoice cannot both send, whatever the timing.
- A worker holds a lease on the run while working; a re-delivered task waits until the lease expires.
"""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..catalogue import ENGINE
from ..connectors.base import Connector, ExportError, Payload
from ..connectors.registry import NoConnector, connector_for
from ..models import EventLevel, ExportItem, ExportRun, ItemState, RunStatus
from . import events
from .setup_check import blocking_summary

logger = logging.getLogger("exports")

FINAL_STATES = (ItemState.SENT, ItemState.SKIPPED, ItemState.FAILED)
LEASE_SECONDS = 600


def _setting(name, default):
    return getattr(settings, name, default)


# Indirection so tests can observe backoff without waiting.
sleep = time.sleep


@dataclass
class RunOutcome:
    run_id: int
    status: str
    lease_busy_for: float = 0.0  # > 0: another worker holds the run; try again after this many seconds


class RunCancelled(Exception):
    pass


# -- lease ------------------------------------------------------------------------------------------

def _acquire_lease(run_id: int, owner: str) -> float:
    """Take the run for this worker. Returns 0 on success, else seconds until the current lease expires."""
    now = timezone.now()
    taken = ExportRun.objects.filter(pk=run_id).filter(
        Q(lease_owner="") | Q(lease_owner=owner) | Q(lease_expires__lt=now) | Q(lease_expires__isnull=True)
    ).update(lease_owner=owner, lease_expires=now + timedelta(seconds=LEASE_SECONDS))
    if taken:
        return 0.0
    expires = ExportRun.objects.filter(pk=run_id).values_list("lease_expires", flat=True).first()
    return max(1.0, (expires - now).total_seconds()) if expires else 1.0


def _renew_lease(run_id: int, owner: str) -> None:
    ExportRun.objects.filter(pk=run_id, lease_owner=owner).update(
        lease_expires=timezone.now() + timedelta(seconds=LEASE_SECONDS))


def _release_lease(run_id: int, owner: str) -> None:
    ExportRun.objects.filter(pk=run_id, lease_owner=owner).update(lease_owner="", lease_expires=None)


# -- counters ---------------------------------------------------------------------------------------

def _count(run_id: int, state: str) -> None:
    column = {ItemState.SENT: "exported", ItemState.SKIPPED: "skipped", ItemState.FAILED: "failed"}[state]
    ExportRun.objects.filter(pk=run_id).update(**{column: F(column) + 1})


def refresh_counters(run: ExportRun) -> None:
    """Recount from the items (after a retry resets some of them)."""
    items = run.items.all()
    run.to_export = items.count()
    run.exported = items.filter(state=ItemState.SENT).count() + items.filter(
        state=ItemState.SKIPPED, is_preview=True, last_error_code="").count()
    run.skipped = items.filter(state=ItemState.SKIPPED).exclude(is_preview=True, last_error_code="").count()
    run.failed = items.filter(state__in=[ItemState.FAILED, ItemState.UNKNOWN]).count()
    run.save(update_fields=["to_export", "exported", "skipped", "failed"])


# -- the run ------------------------------------------------------------------------------------------

def execute_run(run_id: int, *, worker: str | None = None, progress=None) -> RunOutcome:
    """Work through every unfinished item of the run. Safe to call again at any point (resumable)."""
    owner = worker or f"{uuid.uuid4()}"
    wait = _acquire_lease(run_id, owner)
    if wait:
        run = ExportRun.objects.get(pk=run_id)
        return RunOutcome(run_id, run.status, lease_busy_for=wait)
    try:
        return _execute(run_id, owner, progress)
    finally:
        _release_lease(run_id, owner)


def _execute(run_id: int, owner: str, progress) -> RunOutcome:
    run = ExportRun.objects.get(pk=run_id)
    if run.is_finished:
        return RunOutcome(run_id, run.status)
    first_start = run.started_at is None
    run.status = RunStatus.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.save(update_fields=["status", "started_at"])
    pending = list(run.items.exclude(state__in=FINAL_STATES)
                   .select_related("export", "invoice__customer", "invoice__office", "invoice__region",
                                   "invoice__period", "invoice__currency", "invoice__payment_condition")
                   .order_by("export__name", "invoice__number"))
    if first_start:
        invoice_count = len({item.invoice_id for item in pending})
        events.record(run, ENGINE.qualified("run_started"), ENGINE.text("run_started", invoice_count, len(pending)),
                      params=[invoice_count, len(pending)])
    try:
        by_export: dict[int, list[ExportItem]] = {}
        for item in pending:
            by_export.setdefault(item.export_id, []).append(item)
        for items in by_export.values():
            _run_export_items(run, items, owner, progress)
    except Exception as exc:  # anything unforeseen: the run fails visibly instead of hanging "running"
        logger.exception("Export run %s crashed", run_id)
        message = ENGINE.text("run_crashed", exc.__class__.__name__ + (f": {exc}" if str(exc) else ""))
        events.record(run, ENGINE.qualified("run_crashed"), message, level=EventLevel.ERROR)
        _finish(run, failure_message=message)
        raise
    return _finish(run)


def _finish(run: ExportRun, failure_message: str = "") -> RunOutcome:
    run.refresh_from_db()
    refresh_counters(run)
    unfinished = run.items.exclude(state__in=FINAL_STATES).count()
    if not failure_message and (run.failed or unfinished):
        first = run.items.filter(state__in=[ItemState.FAILED, ItemState.UNKNOWN]).exclude(
            last_error_message="").values_list("last_error_message", flat=True).first()
        failure_message = f"{run.failed} invoice(s) failed." + (f" {first}" if first else "")
    run.status = RunStatus.FAILED if failure_message else RunStatus.COMPLETED
    run.failure_message = failure_message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "failure_message", "finished_at"])
    events.record(run, ENGINE.qualified("run_finished"),
                  ENGINE.text("run_finished", run.exported, run.skipped, run.failed),
                  params=[run.exported, run.skipped, run.failed],
                  level=EventLevel.INFO if run.status == RunStatus.COMPLETED else EventLevel.WARNING)
    return RunOutcome(run.pk, run.status)


def _fail_items(run: ExportRun, items: list[ExportItem], code: str, message: str, excerpt: str = "") -> None:
    for item in items:
        if item.state in (ItemState.SENDING, ItemState.UNKNOWN):
            continue  # may be in the target: leave for reconciliation rather than claim it failed
        _set_state(item, ItemState.FAILED, code=code, message=message)
        _count(run.pk, ItemState.FAILED)
    events.record(run, code, message, level=EventLevel.ERROR, excerpt=excerpt)


def _run_export_items(run: ExportRun, items: list[ExportItem], owner: str, progress) -> None:
    export = items[0].export
    secrets = export.secret_values()
    recorder = events.CallRecorder(run, secrets)
    try:
        connector = connector_for(export, recorder=recorder)
    except NoConnector as exc:
        _fail_items(run, items, ENGINE.qualified("setup_blocked"), ENGINE.text("setup_blocked", export.name, exc))
        return
    try:
        problems = [p for p in connector.check_setup() if p.blocking]
        if problems:
            message = ENGINE.text("setup_blocked", export.name, blocking_summary(problems))
            _fail_items(run, items, ENGINE.qualified("setup_blocked"), message)
            return
        connector.prepare([item.invoice for item in items])
    except ExportError as exc:
        _fail_items(run, items, exc.code, exc.message, exc.excerpt)
        return
    renewed = time.monotonic() - LEASE_SECONDS  # renew before the first item: prepare() may have been slow
    try:
        for item in items:
            if time.monotonic() - renewed > LEASE_SECONDS / 4:
                _renew_lease(run.pk, owner)
                renewed = time.monotonic()
            recorder.item = item
            process_item(run, connector, item, recorder)
            if progress:
                progress(item)
    finally:
        recorder.item = None
        connector.close()


# -- one item -----------------------------------------------------------------------------------------

def _set_state(item: ExportItem, state: str, *, code: str | None = None, message: str | None = None,
               remote_id: str | None = None, warning: str | None = None) -> None:
    item.state = state
    fields = ["state", "updated_at"]
    if code is not None:
        item.last_error_code = code
        fields.append("last_error_code")
    if message is not None:
        item.last_error_message = message
        fields.append("last_error_message")
    if remote_id is not None:
        item.remote_id = remote_id
        fields.append("remote_id")
    if warning is not None:
        item.warning_message = warning
        fields.append("warning_message")
    item.save(update_fields=fields)


def _already_sent_here(item: ExportItem):
    return ExportItem.objects.filter(export_id=item.export_id, invoice_id=item.invoice_id,
                                     state=ItemState.SENT, is_preview=False).exclude(pk=item.pk).first()


def _claim_for_sending(item: ExportItem) -> str:
    """planned -> sending, committed before the call. Returns "claimed", "in_flight" or "already_sent"."""
    try:
        with transaction.atomic():
            if _already_sent_here(item):
                return "already_sent"
            claimed = ExportItem.objects.filter(pk=item.pk, state=ItemState.PLANNED).update(
                state=ItemState.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
    except IntegrityError:
        return "in_flight"
    if not claimed:
        return "in_flight"
    item.refresh_from_db(fields=["state", "attempts"])
    return "claimed"


@transaction.atomic
def _skip(run, connector: Connector, item: ExportItem, code: str, message: str) -> None:
    _set_state(item, ItemState.SKIPPED, code=code, message=message)
    _count(run.pk, ItemState.SKIPPED)
    events.record(run, code, message, item=item, level=EventLevel.WARNING)


@transaction.atomic
def _mark_sent(run, item: ExportItem, remote_id: str, code: str, message: str, warnings=()) -> None:
    warning_text = "\n".join(text for _, text in warnings)
    _set_state(item, ItemState.SENT, code="", message="", remote_id=remote_id, warning=warning_text)
    _count(run.pk, ItemState.SENT)
    events.record(run, code, message, item=item, attempt=item.attempts)
    for warning_code, text in warnings:
        events.record(run, warning_code, text, item=item, level=EventLevel.WARNING, attempt=item.attempts)


def _reconcile(run, connector: Connector, item: ExportItem) -> bool:
    """For an item whose last call went unanswered: is the invoice in the target? True if resolved."""
    invoice, export = item.invoice, item.export
    ref = connector.find_existing(invoice, refresh=True)
    if ref is not None:
        _mark_sent(run, item, ref.remote_id, ENGINE.qualified("reconciled"),
                   ENGINE.text("reconciled", invoice.number, export.name))
        return True
    ExportItem.objects.filter(pk=item.pk).update(state=ItemState.PLANNED, updated_at=timezone.now())
    item.state = ItemState.PLANNED
    return False


def _render_pdf(run, connector: Connector, item: ExportItem) -> tuple[bytes | None, bool]:
    """The PDF when the export asks for one. Returns (pdf, ok); ok False means the item failed."""
    export = item.export
    if not export.include_pdf_copy:
        return None, True
    from ..pdf.render import InvoicePdfError, render_invoice_pdf

    try:
        return render_invoice_pdf(item.invoice, reduced=export.reduce_pdf_file_size), True
    except InvoicePdfError as exc:
        code = connector.catalogue.qualified("invoice_file_not_generated") if connector.catalogue.has(
            "invoice_file_not_generated") else ENGINE.qualified("pdf_failed")
        detail = getattr(exc, "detail", "")
        if connector.pdf_failure_is_warning:
            text = ENGINE.text("pdf_attach_warning", item.invoice.number, str(exc))
            item.warning_message = text
            events.record(run, code, text, item=item, level=EventLevel.WARNING, excerpt=detail)
            return None, True
        _set_state(item, ItemState.FAILED, code=code, message=str(exc))
        _count(run.pk, ItemState.FAILED)
        events.record(run, code, str(exc), item=item, level=EventLevel.ERROR, excerpt=detail)
        return None, False


def _build(run, connector: Connector, item: ExportItem, pdf: bytes | None) -> Payload | None:
    try:
        return connector.build(item.invoice, pdf)
    except ExportError as exc:
        _set_state(item, ItemState.FAILED, code=exc.code, message=exc.message)
        _count(run.pk, ItemState.FAILED)
        events.record(run, exc.code, exc.message, item=item, level=EventLevel.ERROR, params=exc.params)
        return None


def _backoff(attempt: int, retry_after: float | None) -> float:
    base = float(_setting("EXPORT_RETRY_BACKOFF_SECONDS", 1.0))
    cap = float(_setting("EXPORT_RETRY_BACKOFF_MAX_SECONDS", 30.0))
    delay = min(cap, base * (2 ** (attempt - 1)))
    if retry_after is not None:
        delay = max(delay, min(float(retry_after), float(_setting("EXPORT_RETRY_AFTER_MAX_SECONDS", 300.0))))
    return delay


def process_item(run: ExportRun, connector: Connector, item: ExportItem, recorder=None) -> None:
    export, invoice = item.export, item.invoice
    max_attempts = int(_setting("EXPORT_MAX_ATTEMPTS", 5))
    try:
        if item.state in (ItemState.SENDING, ItemState.UNKNOWN):
            if _reconcile(run, connector, item):
                return
        elif not run.is_preview:
            ref = connector.find_existing(invoice)
            if ref is not None:
                _skip(run, connector, item, connector.catalogue.qualified(connector.already_exists_code),
                      connector.already_exists_message([invoice.number]))
                return
    except ExportError as exc:
        _after_failed_attempt(run, item, exc, final=True)
        return

    pdf, ok = _render_pdf(run, connector, item)
    if not ok:
        return
    payload = _build(run, connector, item, pdf)
    if payload is None:
        return
    if run.is_preview:
        item.preview_payload = payload.summary or str(payload.body)
        item.save(update_fields=["preview_payload", "warning_message"])
        _set_state(item, ItemState.SKIPPED, code="", message="")
        _count(run.pk, ItemState.SENT)
        events.record(run, ENGINE.qualified("preview_built"), ENGINE.text("preview_built", invoice.number, export.name),
                      item=item)
        return

    while True:
        claim = _claim_for_sending(item)
        if claim == "already_sent":
            _skip(run, connector, item, connector.catalogue.qualified(connector.already_exists_code),
                  connector.already_exists_message([invoice.number]))
            return
        if claim == "in_flight":
            code = ENGINE.qualified("in_flight_elsewhere")
            _skip(run, connector, item, code, ENGINE.text("in_flight_elsewhere", invoice.number, export.name))
            return
        if recorder is not None:
            recorder.attempt = item.attempts
        try:
            result = connector.send(invoice, payload)
        except ExportError as exc:
            if not _after_failed_attempt(run, item, exc, final=item.attempts >= max_attempts):
                return
            delay = _backoff(item.attempts, exc.retry_after)
            events.record(run, ENGINE.qualified("retrying"),
                          ENGINE.text("retrying", item.attempts, invoice.number, exc.message, f"{delay:g}"),
                          item=item, level=EventLevel.WARNING, attempt=item.attempts)
            sleep(delay)
            if item.state == ItemState.UNKNOWN:
                try:
                    if _reconcile(run, connector, item):
                        return
                except ExportError as reconcile_error:
                    if not _after_failed_attempt(run, item, reconcile_error, final=item.attempts >= max_attempts):
                        return
                    continue
            continue
        _mark_sent(run, item, result.ref.remote_id, ENGINE.qualified("sent"),
                   ENGINE.text("sent", invoice.number, export.name), result.warnings)
        return


def _after_failed_attempt(run, item: ExportItem, exc: ExportError, *, final: bool) -> bool:
    """Record the failed attempt. Returns True when the engine should try again."""
    events.record(run, exc.code, exc.message, item=item, level=EventLevel.ERROR, params=exc.params,
                  attempt=item.attempts, excerpt=exc.excerpt)
    in_doubt = exc.may_have_reached_target or item.state == ItemState.UNKNOWN
    if exc.retryable and not final:
        _set_state(item, ItemState.UNKNOWN if in_doubt else ItemState.PLANNED, code=exc.code, message=exc.message)
        return True
    if in_doubt:
        # Never claim failure for an invoice that may be in the target: it stays unknown, counted as a
        # failure of the run, and is reconciled before anything is resent (Retry failed).
        _set_state(item, ItemState.UNKNOWN, code=exc.code, message=exc.message)
        return False
    _set_state(item, ItemState.FAILED, code=exc.code, message=exc.message)
    _count(run.pk, ItemState.FAILED)
    return False


# -- retry -------------------------------------------------------------------------------------------

@transaction.atomic
def reset_failed_items(run: ExportRun, *, user=None) -> int:
    """Retry failed: failed items become planned again; unknown ones stay unknown (reconciled first)."""
    run = ExportRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_finished:
        return 0
    count = run.items.filter(state=ItemState.FAILED).update(state=ItemState.PLANNED, updated_at=timezone.now())
    count += run.items.filter(state=ItemState.UNKNOWN).count()
    if count:
        run.status = RunStatus.QUEUED
        run.failure_message = ""
        run.finished_at = None
        run.save(update_fields=["status", "failure_message", "finished_at"])
        refresh_counters(run)
        events.record(run, "engine.retry_requested",
                      f"Retry of {count} invoice(s) requested by {getattr(user, 'username', None) or 'the system'}.")
    return count
