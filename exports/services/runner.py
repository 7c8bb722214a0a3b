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
from django.db.models import Count, F, Q
from django.utils import timezone

from accounting.models import Invoice

from ..catalogue import ENGINE
from ..connectors.base import Connector, ExportError, Payload, SendResult, Ticket
from ..connectors.registry import NoConnector, connector_for
from ..connectors.steps import Steps
from ..models import FINAL_STATES, IN_FLIGHT_STATES, EventLevel, ExportItem, ExportRun, ItemState, RunStatus
from . import events
from .setup_check import blocking_summary

logger = logging.getLogger("exports")

LEASE_SECONDS = 600
CHUNK_SIZE = 500


def _setting(name, default):
    return getattr(settings, name, default)


# Indirection so tests can observe backoff without waiting.
sleep = time.sleep


@dataclass
class RunOutcome:
    run_id: int
    status: str
    lease_busy_for: float = 0.0  # > 0: another worker holds the run; try again after this many seconds
    confirm_in: float = 0.0  # > 0: sends wait for the target's confirmation; come back after this long


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

COUNTER_OF = {ItemState.SENT: "exported", ItemState.PREVIEWED: "previewed", ItemState.SKIPPED: "skipped",
              ItemState.FAILED: "failed"}


def _count(run_id: int, state: str) -> None:
    column = COUNTER_OF[state]
    ExportRun.objects.filter(pk=run_id).update(**{column: F(column) + 1})


def refresh_counters(run: ExportRun) -> None:
    """Recount from the items (after a retry resets some of them): one grouped query."""
    counts = dict(run.items.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    run.to_export = sum(counts.values())
    run.exported = counts.get(ItemState.SENT, 0)
    run.previewed = counts.get(ItemState.PREVIEWED, 0)
    run.skipped = counts.get(ItemState.SKIPPED, 0)
    run.failed = counts.get(ItemState.FAILED, 0) + counts.get(ItemState.UNKNOWN, 0)
    run.save(update_fields=["to_export", "exported", "previewed", "skipped", "failed"])


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
    if first_start:
        invoice_count = run.items.values("invoice_id").distinct().count()
        item_count = run.items.count()
        events.record(run, ENGINE.qualified("run_started"), ENGINE.text("run_started", invoice_count, item_count),
                      params=[invoice_count, item_count])
    try:
        export_ids = list(run.items.exclude(state__in=FINAL_STATES).order_by("export__name")
                          .values_list("export_id", flat=True).distinct())
        for export_id in dict.fromkeys(export_ids):
            _run_export_items(run, export_id, owner, progress)
    except Exception as exc:  # anything unforeseen: the run fails visibly instead of hanging "running"
        logger.exception("Export run %s crashed", run_id)
        message = ENGINE.text("run_crashed", exc.__class__.__name__ + (f": {exc}" if str(exc) else ""))
        events.record(run, ENGINE.qualified("run_crashed"), message, level=EventLevel.ERROR)
        _finish(run, failure_message=message)
        raise
    waiting = _next_confirmation_in(run)
    if waiting is not None:
        return RunOutcome(run_id, RunStatus.RUNNING, confirm_in=waiting)
    return _finish(run)


def _next_confirmation_in(run: ExportRun) -> float | None:
    """Seconds until the next pending send of the run is due for confirmation; None when none waits."""
    due = (run.items.filter(state=ItemState.PENDING).order_by("confirm_due_at")
           .values_list("confirm_due_at", flat=True).first())
    if due is None and not run.items.filter(state=ItemState.PENDING).exists():
        return None
    return max(0.05, (due - timezone.now()).total_seconds()) if due else 0.05


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


def _fail_items(run: ExportRun, items, code: str, message: str, excerpt: str = "") -> None:
    """Every item not yet sent fails with one message (the export could not start)."""
    ids = [item.pk for item in items if item.state not in (*IN_FLIGHT_STATES, *FINAL_STATES)]
    # Items that may be in the target stay as they are: reconciled before anything is resent.
    updated = ExportItem.objects.filter(pk__in=ids).update(state=ItemState.FAILED, last_error_code=code,
                                                           last_error_message=message, updated_at=timezone.now())
    ExportRun.objects.filter(pk=run.pk).update(failed=F("failed") + updated)
    events.record(run, code, message, level=EventLevel.ERROR, excerpt=excerpt)


def _unfinished_items(run: ExportRun, export_id: int):
    return (run.items.filter(export_id=export_id).exclude(state__in=FINAL_STATES)
            .select_related("export", "invoice__customer", "invoice__office", "invoice__region",
                            "invoice__period", "invoice__currency", "invoice__payment_condition")
            .order_by("invoice__number", "pk"))


def _run_export_items(run: ExportRun, export_id: int, owner: str, progress) -> None:
    items = _unfinished_items(run, export_id)
    first = items.first()
    if first is None:
        return
    export = first.export
    secrets = export.secret_values()
    recorder = events.CallRecorder(run, secrets)
    invoices = Invoice.objects.filter(export_items__run=run, export_items__export_id=export_id)
    try:
        connector = connector_for(export, recorder=recorder)
    except NoConnector as exc:
        _fail_items(run, items, ENGINE.qualified("setup_blocked"), ENGINE.text("setup_blocked", export.name, exc))
        return
    try:
        problems = [p for p in connector.check_setup(invoices) if p.blocking]
        if problems:
            message = ENGINE.text("setup_blocked", export.name, blocking_summary(problems))
            _fail_items(run, items, ENGINE.qualified("setup_blocked"), message)
            return
        connector.prepare(invoices)
    except ExportError as exc:
        _fail_items(run, items, exc.code, exc.message, exc.excerpt)
        connector.close()
        return
    renewed = time.monotonic() - LEASE_SECONDS  # renew before the first item: prepare() may have been slow
    policy = export.target.policy
    try:
        last_pk = 0
        while True:
            chunk = list(items.filter(pk__gt=last_pk).exclude(state=ItemState.PENDING).order_by("pk")[:CHUNK_SIZE])
            if not chunk:
                break
            last_pk = chunk[-1].pk
            _inherit_steps(chunk)
            connector.prefetch([item.invoice for item in chunk])
            for item in chunk:
                if time.monotonic() - renewed > LEASE_SECONDS / 4:
                    _renew_lease(run.pk, owner)
                    renewed = time.monotonic()
                recorder.item = item
                process_item(run, connector, item, recorder, policy=policy)
                if progress and item.state in FINAL_STATES:
                    progress(item)
        for item in items.filter(state=ItemState.PENDING, confirm_due_at__lte=timezone.now()):
            recorder.item = item
            _confirm(run, connector, item, _steps_of(item), policy)
            if progress and item.state in FINAL_STATES:
                progress(item)
    finally:
        recorder.item = None
        connector.close()


def _inherit_steps(chunk: list[ExportItem]) -> None:
    """An invoice an earlier run of this export left unfinished (failed after some steps) resumes after the
    steps that run recorded, instead of being sent again or reported as already existing."""
    fresh = {item.invoice_id: item for item in chunk if not item.steps and not item.is_preview}
    if not fresh:
        return
    earlier = (ExportItem.objects.filter(export_id=chunk[0].export_id, invoice_id__in=list(fresh),
                                         state=ItemState.FAILED, is_preview=False)
               .exclude(steps=[]).exclude(pk__in=[item.pk for item in chunk]).order_by("invoice_id", "-pk")
               .values_list("invoice_id", "steps"))
    for invoice_id, steps in earlier:
        item = fresh.pop(invoice_id, None)
        if item is not None:
            item.steps = steps
            ExportItem.objects.filter(pk=item.pk).update(steps=steps)


# -- one item -----------------------------------------------------------------------------------------

def _set_state(item: ExportItem, state: str, *, code: str | None = None, message: str | None = None,
               remote_id: str | None = None, warning: str | None = None, **extra) -> None:
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
    for name, value in extra.items():
        setattr(item, name, value)
        fields.append(name)
    item.save(update_fields=fields)


def _steps_of(item: ExportItem) -> Steps:
    """The item's steps; each one recorded is saved (and committed) at once, before the next call."""
    def save(steps: Steps) -> None:
        item.steps = steps.as_list()
        ExportItem.objects.filter(pk=item.pk).update(steps=item.steps, updated_at=timezone.now())

    return Steps(item.steps, on_record=save)


def _already_sent_here(item: ExportItem):
    return (ExportItem.objects.filter(export_id=item.export_id, invoice_id=item.invoice_id, state=ItemState.SENT,
                                      is_preview=False).exclude(pk=item.pk).select_related("run").first())


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
    item.state = ItemState.SENDING
    item.attempts += 1
    return "claimed"


def _already_exists_text(connector: Connector, invoice, earlier: ExportItem | None = None) -> str:
    text = connector.already_exists_message([invoice.number])
    if earlier is not None:
        when = timezone.localtime(earlier.updated_at).strftime("%Y-%m-%d %H:%M")
        text += " " + ENGINE.text("exported_by_run", earlier.run_id, when)
    return text


@transaction.atomic
def _skip(run, connector: Connector, item: ExportItem, code: str, message: str) -> None:
    _set_state(item, ItemState.SKIPPED, code=code, message=message)
    _count(run.pk, ItemState.SKIPPED)
    events.record(run, code, message, item=item, level=EventLevel.WARNING)


@transaction.atomic
def _mark_sent(run, item: ExportItem, remote_id: str, code: str, message: str, warnings=()) -> None:
    warning_text = "\n".join(text for _, text in warnings)
    _set_state(item, ItemState.SENT, code="", message="", remote_id=remote_id, warning=warning_text,
               ticket=None, confirm_due_at=None, confirm_deadline=None)
    _count(run.pk, ItemState.SENT)
    events.record(run, code, message, item=item, attempt=item.attempts)
    for warning_code, text in warnings:
        events.record(run, warning_code, text, item=item, level=EventLevel.WARNING, attempt=item.attempts)


@transaction.atomic
def _mark_pending(run, item: ExportItem, ticket: Ticket, policy) -> None:
    now = timezone.now()
    wait = ticket.confirm_after if ticket.confirm_after is not None else policy.confirm_after_seconds
    deadline = item.confirm_deadline or now + timedelta(seconds=policy.confirm_timeout_seconds)
    _set_state(item, ItemState.PENDING, code="", message="", remote_id=ticket.remote_id or item.remote_id,
               ticket={"data": ticket.data, "remote_id": ticket.remote_id, "checks": _checks_of(item) + 1},
               confirm_due_at=now + timedelta(seconds=wait), confirm_deadline=deadline)
    events.record(run, ENGINE.qualified("pending"), ENGINE.text("pending", item.invoice.number, item.export.name),
                  item=item, attempt=item.attempts)


def _checks_of(item: ExportItem) -> int:
    return int((item.ticket or {}).get("checks", 0))


def _confirm(run, connector: Connector, item: ExportItem, steps: Steps, policy) -> None:
    """A pending send: ask the target. Confirmed -> sent; still processing -> pending again with a longer
    wait; past the time limit -> in doubt (never resent: Retry failed confirms again)."""
    ticket_data = item.ticket or {}
    ticket = Ticket(ticket_data.get("data") or {}, ticket_data.get("remote_id", ""))
    try:
        result = connector.confirm(ticket, steps)
    except ExportError as exc:
        if exc.retryable and not _past_deadline(item):
            _wait_again(run, item, ticket, policy, exc)
            return
        events.record(run, exc.code, exc.message, item=item, level=EventLevel.ERROR, params=exc.params,
                      excerpt=exc.excerpt)
        in_doubt = exc.retryable or exc.may_have_reached_target
        _set_state(item, ItemState.UNKNOWN if in_doubt else ItemState.FAILED, code=exc.code, message=exc.message)
        if not in_doubt:
            _count(run.pk, ItemState.FAILED)
        return
    if result.pending is None:
        _mark_sent(run, item, result.ref.remote_id, ENGINE.qualified("confirmed"),
                   ENGINE.text("confirmed", item.invoice.number, item.export.name), result.warnings)
        return
    if _past_deadline(item):
        exc = connector.confirm_timed_out(result.pending)
        events.record(run, exc.code, exc.message, item=item, level=EventLevel.ERROR, params=exc.params)
        _set_state(item, ItemState.UNKNOWN, code=exc.code, message=exc.message,
                   ticket={**ticket_data, "data": result.pending.data}, confirm_due_at=None)
        return
    _wait_again(run, item, result.pending, policy)


def _past_deadline(item: ExportItem) -> bool:
    return item.confirm_deadline is not None and timezone.now() >= item.confirm_deadline


def _wait_again(run, item: ExportItem, ticket: Ticket, policy, exc: ExportError | None = None) -> None:
    checks = _checks_of(item)
    wait = min(policy.confirm_backoff_max, policy.confirm_after_seconds * (2 ** checks))
    if exc is not None and exc.retry_after:
        wait = max(wait, exc.retry_after)
    ExportItem.objects.filter(pk=item.pk).update(
        ticket={"data": ticket.data, "remote_id": ticket.remote_id or (item.ticket or {}).get("remote_id", ""),
                "checks": checks + 1},
        confirm_due_at=timezone.now() + timedelta(seconds=wait), updated_at=timezone.now())


def _reconcile(run, connector: Connector, item: ExportItem, steps: Steps) -> bool:
    """For an item in doubt or left unfinished: is the invoice in the target, complete? True if resolved."""
    invoice, export = item.invoice, item.export
    ref = connector.find_existing(invoice, refresh=True, steps=steps)
    if ref is not None and ref.complete:
        _mark_sent(run, item, ref.remote_id, ENGINE.qualified("reconciled"),
                   ENGINE.text("reconciled", invoice.number, export.name))
        return True
    if item.state != ItemState.PLANNED:
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
        code = connector.catalogue.qualified("invoice_file_not_generated")
        message = connector.catalogue.text("invoice_file_not_generated")
        detail = "\n".join(part for part in (str(exc), getattr(exc, "detail", "")) if part)
        if connector.pdf_failure_is_warning:
            text = ENGINE.text("pdf_attach_warning", item.invoice.number, message)
            item.warning_message = text
            events.record(run, code, text, item=item, level=EventLevel.WARNING, excerpt=detail)
            return None, True
        _set_state(item, ItemState.FAILED, code=code, message=message)
        _count(run.pk, ItemState.FAILED)
        events.record(run, code, message, item=item, level=EventLevel.ERROR, excerpt=detail)
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


def process_item(run: ExportRun, connector: Connector, item: ExportItem, recorder=None, *, policy=None) -> None:
    export, invoice = item.export, item.invoice
    policy = policy or export.target.policy
    steps = _steps_of(item)
    if item.state == ItemState.PENDING:
        _confirm(run, connector, item, steps, policy)
        return
    try:
        if item.state == ItemState.UNKNOWN and item.ticket:
            # Submitted but never confirmed: ask again, never upload again.
            _confirm(run, connector, item, steps, policy)
            return
        if item.state in (ItemState.SENDING, ItemState.UNKNOWN) or steps:
            if _reconcile(run, connector, item, steps):
                return
        elif not run.is_preview:
            earlier = _already_sent_here(item)
            ref = None if earlier else connector.find_existing(invoice, steps=steps)
            if earlier is not None or (ref is not None and ref.complete):
                _skip(run, connector, item, connector.catalogue.qualified(connector.already_exists_code),
                      _already_exists_text(connector, invoice, earlier))
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
        _set_state(item, ItemState.PREVIEWED, code="", message="",
                   preview_payload=payload.summary or str(payload.body), warning_message=item.warning_message)
        _count(run.pk, ItemState.PREVIEWED)
        events.record(run, ENGINE.qualified("preview_built"), ENGINE.text("preview_built", invoice.number, export.name),
                      item=item)
        return
    _send_with_retries(run, connector, item, payload, steps, recorder, policy)


def _send_with_retries(run, connector: Connector, item: ExportItem, payload: Payload, steps: Steps, recorder,
                       policy) -> None:
    """Send, and after a transient fault reconcile and send again. Each step of the send has its own retry
    budget (the count starts again when a step completes), and waiting for a target that asked us to slow
    down (429) uses none of it."""
    invoice, export = item.invoice, item.export
    max_attempts = int(_setting("EXPORT_MAX_ATTEMPTS", 5))
    # A target that keeps asking us to wait is waited for, but not for ever.
    max_throttled = int(_setting("EXPORT_MAX_THROTTLED_ATTEMPTS", 20))
    failures, throttled, progress_mark = 0, 0, len(steps)
    while True:
        claim = _claim_for_sending(item)
        if claim == "already_sent":
            _skip(run, connector, item, connector.catalogue.qualified(connector.already_exists_code),
                  _already_exists_text(connector, invoice, _already_sent_here(item)))
            return
        if claim == "in_flight":
            code = ENGINE.qualified("in_flight_elsewhere")
            _skip(run, connector, item, code, ENGINE.text("in_flight_elsewhere", invoice.number, export.name))
            return
        if recorder is not None:
            recorder.attempt = item.attempts
        try:
            result: SendResult = connector.send(invoice, payload, steps)
        except ExportError as exc:
            if len(steps) > progress_mark:
                failures, progress_mark = 0, len(steps)
            if exc.throttled:
                throttled += 1
            else:
                failures += 1
            if not _after_failed_attempt(run, item, exc, final=failures >= max_attempts or throttled >= max_throttled):
                return
            delay = _backoff(max(1, failures), exc.retry_after)
            events.record(run, ENGINE.qualified("retrying"),
                          ENGINE.text("retrying", item.attempts, invoice.number, exc.message, f"{delay:g}"),
                          item=item, level=EventLevel.WARNING, attempt=item.attempts)
            sleep(delay)
            if item.state == ItemState.UNKNOWN:
                try:
                    if _reconcile(run, connector, item, steps):
                        return
                except ExportError as reconcile_error:
                    failures += 0 if reconcile_error.throttled else 1
                    if not _after_failed_attempt(run, item, reconcile_error, final=failures >= max_attempts):
                        return
            continue
        if result.pending is not None:
            _mark_pending(run, item, result.pending, policy)
            return
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
    now = timezone.now()
    count = run.items.filter(state=ItemState.FAILED).update(state=ItemState.PLANNED, updated_at=now)
    # A send the target never confirmed is confirmed again, never uploaded again: a fresh time limit.
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
        run.save(update_fields=["status", "failure_message", "finished_at"])
        refresh_counters(run)
        events.record(run, "engine.retry_requested",
                      f"Retry of {count} invoice(s) requested by {getattr(user, 'username', None) or 'the system'}.")
    return count
