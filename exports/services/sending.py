"""One export's items, one invoice at a time per thread: the state machine that gives the exactly-once effect.

    planned --claim, COMMIT--> sending --answer--> sent | pending (confirm later) | failed
                                  |
                   timeout / 5xx / dropped answer (may have reached the target)
                                  v
                               unknown --find_existing(refresh)--> sent (reconciled) | planned (finish it)

- The claim is committed before the first call; each completed step (exports.connectors.steps) is
  committed before the next call. A crash anywhere leaves ``sending``/``unknown`` with the steps that
  took effect, and the next pass reconciles those with the target before anything is sent again.
- Final states (sent, skipped, previewed, failed) are written in batches, with the log events and the
  run's counters (``Results``): an item whose final write was lost in a crash is still ``sending`` with
  every step recorded, and reconciling it finds it complete.
- A partial unique index allows only one item per (export, invoice) in flight, and the export's lease
  lets one run at a time send to an export, so two runs of the same invoice can never both send.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from ..catalogue import ENGINE
from ..connectors.base import Connector, ExportError, Payload, SendResult, Ticket
from ..connectors.steps import Steps, flush_pending
from ..models import EventLevel, ExportItem, ExportRun, ItemState
from .events import CallRecorder, EventLog

COUNTER_OF = {ItemState.SENT: "exported", ItemState.PREVIEWED: "previewed", ItemState.SKIPPED: "skipped",
              ItemState.FAILED: "failed"}
FINAL_FIELDS = ["state", "remote_id", "steps", "last_error_code", "last_error_message", "warning_message",
                "preview_payload", "ticket", "confirm_due_at", "confirm_deadline", "updated_at"]


def _setting(name, default):
    return getattr(settings, name, default)


class Results:
    """Final item states waiting to be written, with their events and the run's counters: one
    bulk update, one insert and one counter update per batch instead of per invoice."""

    def __init__(self, run: ExportRun, log: EventLog, progress=None, batch: int | None = None):
        self.run = run
        self.log = log
        self.progress = progress
        self.batch = batch or int(_setting("EXPORT_RESULT_BATCH", 50))
        # The run page's bar moves at least this often.
        self.interval = float(_setting("EXPORT_RESULT_FLUSH_SECONDS", 0.5))
        self._items: list[ExportItem] = []
        self._counts: Counter = Counter()
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def done(self, item: ExportItem, state: str) -> None:
        item.state = state
        item.updated_at = timezone.now()
        with self._lock:
            self._items.append(item)
            if state in COUNTER_OF:
                self._counts[COUNTER_OF[state]] += 1
            due = len(self._items) >= self.batch or time.monotonic() - self._flushed_at > self.interval
        if self.progress:
            self.progress(item)
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            items, self._items = self._items, []
            counts, self._counts = self._counts, Counter()
            self._flushed_at = time.monotonic()
            events = self.log.take()
            if not (items or counts or events):
                return
            with transaction.atomic():
                if items:
                    _write_final_states(items)
                EventLog.write(events)
                if counts:
                    ExportRun.objects.filter(pk=self.run.pk).update(**{c: F(c) + n for c, n in counts.items()})


def _write_final_states(items: list[ExportItem]) -> None:
    """One UPDATE statement run for every item (executemany): the values differ per item, and Django's
    bulk_update would build a CASE expression per field and item, which costs more than the sending."""
    fields = [ExportItem._meta.get_field(name) for name in FINAL_FIELDS]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    # Only the model's own table and column names go into the statement; every value is a parameter.
    sql = f"UPDATE {connection.ops.quote_name(ExportItem._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    rows = [[field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields] + [item.pk]
            for item in items]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class ItemSender:
    """Sends one export's items of a run. Thread-safe: k threads share one (and one connector)."""

    def __init__(self, run: ExportRun, connector: Connector, log: EventLog, recorder: CallRecorder, results: Results,
                 policy, stop: threading.Event):
        self.run = run
        self.connector = connector
        self.catalogue = connector.catalogue
        self.log = log
        self.recorder = recorder
        self.results = results
        self.policy = policy
        self.stop = stop
        self.sent_before: dict[int, tuple[int, object]] = {}  # invoice id -> (run id, when), this chunk
        self.waiting_elsewhere = 0  # items left planned: their invoice is in flight in another run
        # Claims are made a few items ahead in one UPDATE (their state committed as sending, no call made
        # yet): fewer commits per invoice. Items claimed ahead but never started go back to planned.
        self.claim_batch = int(_setting("EXPORT_CLAIM_BATCH", 4))
        self._claim_lock = threading.Lock()
        self._waiting: list[ExportItem] = []  # this chunk's items not started yet, in order
        self._ahead: set[int] = set()  # claimed ahead, not started
        self._claimed: set[int] = set()  # claimed ahead, now started: their claim is done

    # -- log -------------------------------------------------------------------------------------------------
    def event(self, item, code, message, level=EventLevel.INFO, **kwargs) -> None:
        self.log.add(code, message, item=item, level=level, attempt=kwargs.pop("attempt", item.attempts), **kwargs)

    def error_event(self, item, exc: ExportError) -> None:
        self.event(item, exc.code, exc.message, EventLevel.ERROR, params=exc.params, excerpt=exc.excerpt)

    # -- writing an item -------------------------------------------------------------------------------------
    def finish(self, item: ExportItem, state: str, *, code: str = "", message: str = "", steps: Steps | None = None,
               **fields) -> None:
        """A final state, written with the next batch (and the item's steps with it)."""
        if steps is not None:
            steps.settle()
            item.steps = steps.as_list()
        item.last_error_code, item.last_error_message = code, message
        for name, value in fields.items():
            setattr(item, name, value)
        self.results.done(item, state)

    def save_now(self, item: ExportItem, state: str, **fields) -> None:
        """An intermediate state (in doubt, planned again, pending): written at once, with its events."""
        item.state = state
        for name, value in fields.items():
            setattr(item, name, value)
        with transaction.atomic():
            ExportItem.objects.filter(pk=item.pk).update(state=state, updated_at=timezone.now(), **fields)
            EventLog.write(self.log.take(item.pk))

    def steps_of(self, item: ExportItem) -> Steps:
        """The item's steps; persisted (with the events so far) before the connector's next call."""
        def save(steps: Steps) -> None:
            item.steps = steps.as_list()
            with transaction.atomic():
                ExportItem.objects.filter(pk=item.pk).update(steps=item.steps, updated_at=timezone.now())
                EventLog.write(self.log.take(item.pk))

        return Steps(item.steps, on_record=save)

    # -- the state machine ------------------------------------------------------------------------------------
    # -- claims, a few at a time ------------------------------------------------------------------------------
    def start_chunk(self, chunk: list[ExportItem]) -> None:
        with self._claim_lock:
            self._waiting = [item for item in chunk if item.state == ItemState.PLANNED and not item.steps
                             and item.invoice_id not in self.sent_before and not self.run.is_preview]
            self._ahead.clear()
            self._claimed.clear()

    def end_chunk(self) -> None:
        """Items claimed ahead that never started (a stop, a cancel): planned again, no call was made."""
        with self._claim_lock:
            unstarted, self._ahead = list(self._ahead), set()
            self._waiting = []
        if unstarted:
            ExportItem.objects.filter(pk__in=unstarted, state=ItemState.SENDING).update(
                state=ItemState.PLANNED, attempts=F("attempts") - 1, updated_at=timezone.now())

    def _begin(self, item: ExportItem) -> None:
        with self._claim_lock:
            if item in self._waiting:
                self._waiting.remove(item)
            if item.pk in self._ahead:
                self._ahead.discard(item.pk)
                self._claimed.add(item.pk)

    def process(self, item: ExportItem) -> None:
        self._begin(item)
        self.recorder.item = item
        try:
            self._process(item)
        finally:
            flush_pending()  # steps an interrupted send recorded are effects in the target: keep them
            self.recorder.item = None

    def _process(self, item: ExportItem) -> None:
        invoice, export = item.invoice, item.export
        steps = self.steps_of(item)
        try:
            if item.state == ItemState.PENDING or (item.state == ItemState.UNKNOWN and item.ticket):
                # Submitted: confirm it (again), never upload it again.
                self.confirm(item, steps)
                return
            if item.state in (ItemState.SENDING, ItemState.UNKNOWN) or steps:
                if self.reconcile(item, steps):
                    return
            elif not self.run.is_preview:
                # The target decides, as Opter does: an invoice it holds is skipped (naming our run that sent
                # it, if one did); one our records say was sent but the target no longer holds (deleted
                # there, or the export now books it another way) is sent again, and the log says so.
                earlier = self.sent_before.get(item.invoice_id)
                ref = self.connector.find_existing(invoice, steps=steps)
                if ref is not None and ref.complete:
                    self.skip_existing(item, earlier)
                    return
                if earlier is not None and ref is None:
                    self.event(item, ENGINE.qualified("sent_again"),
                               ENGINE.text("sent_again", invoice.number, earlier[0], export.name), EventLevel.WARNING)
        except ExportError as exc:
            self.failed_attempt(item, exc, final=True)
            return
        pdf, ok = self.render_pdf(item)
        if not ok:
            return
        payload = self.build(item, pdf)
        if payload is None:
            return
        if self.run.is_preview:
            self.event(item, ENGINE.qualified("preview_built"), ENGINE.text("preview_built", invoice.number,
                                                                            export.name))
            self.finish(item, ItemState.PREVIEWED, preview_payload=payload.summary or str(payload.body))
            return
        self.send(item, payload, steps)

    def skip_existing(self, item: ExportItem, earlier=None) -> None:
        text = self.connector.already_exists_message([item.invoice.number])
        if earlier is not None:
            run_id, when = earlier
            text += " " + ENGINE.text("exported_by_run", run_id, timezone.localtime(when).strftime("%Y-%m-%d %H:%M"))
        code = self.catalogue.qualified(self.connector.already_exists_code)
        self.event(item, code, text, EventLevel.WARNING)
        self.finish(item, ItemState.SKIPPED, code=code, message=text)

    def reconcile(self, item: ExportItem, steps: Steps) -> bool:
        """In doubt or left unfinished: is the invoice in the target, complete? True when resolved."""
        ref = self.connector.find_existing(item.invoice, refresh=True, steps=steps)
        if ref is not None and ref.complete:
            self.event(item, ENGINE.qualified("reconciled"),
                       ENGINE.text("reconciled", item.invoice.number, item.export.name))
            self.finish(item, ItemState.SENT, remote_id=ref.remote_id, steps=steps, ticket=None)
            return True
        if item.state != ItemState.PLANNED:
            self.save_now(item, ItemState.PLANNED)
        return False

    def render_pdf(self, item: ExportItem) -> tuple[bytes | None, bool]:
        """The PDF when the export asks for one. Returns (pdf, ok); ok False means the item failed."""
        if not item.export.include_pdf_copy:
            return None, True
        from ..pdf.render import InvoicePdfError, render_invoice_pdf

        try:
            return render_invoice_pdf(item.invoice, reduced=item.export.reduce_pdf_file_size), True
        except InvoicePdfError as exc:
            code = self.catalogue.qualified("invoice_file_not_generated")
            message = self.catalogue.text("invoice_file_not_generated")
            detail = "\n".join(part for part in (str(exc), getattr(exc, "detail", "")) if part)
            if self.connector.pdf_failure_is_warning:
                text = ENGINE.text("pdf_attach_warning", item.invoice.number, message)
                item.warning_message = text
                self.event(item, code, text, EventLevel.WARNING, excerpt=detail)
                return None, True
            self.event(item, code, message, EventLevel.ERROR, excerpt=detail)
            self.finish(item, ItemState.FAILED, code=code, message=message)
            return None, False

    def build(self, item: ExportItem, pdf: bytes | None) -> Payload | None:
        try:
            return self.connector.build(item.invoice, pdf)
        except ExportError as exc:
            self.error_event(item, exc)
            self.finish(item, ItemState.FAILED, code=exc.code, message=exc.message)
            return None

    # -- sending ------------------------------------------------------------------------------------------------
    def claim(self, item: ExportItem) -> bool:
        """planned -> sending, committed before the first call: with the next few items of the chunk in one
        UPDATE. False: the invoice is in flight in another run (the item waits)."""
        with self._claim_lock:
            if item.pk in self._claimed:
                self._claimed.discard(item.pk)
                item.state = ItemState.SENDING
                item.attempts += 1
                return True
            ahead = [other for other in self._waiting if other.pk not in self._ahead][:self.claim_batch - 1]
            ids = [item.pk, *(other.pk for other in ahead)]
            try:
                with transaction.atomic():
                    claimed = ExportItem.objects.filter(pk__in=ids, state=ItemState.PLANNED).update(
                        state=ItemState.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
                if claimed != len(ids):
                    raise IntegrityError("not every item was planned")
            except IntegrityError:
                return self._claim_one(item)
            self._ahead.update(other.pk for other in ahead)
        item.state = ItemState.SENDING
        item.attempts += 1
        return True

    def _claim_one(self, item: ExportItem) -> bool:
        """A batch could not be claimed whole (an invoice in flight elsewhere): this item alone."""
        try:
            with transaction.atomic():
                claimed = ExportItem.objects.filter(pk=item.pk, state=ItemState.PLANNED).update(
                    state=ItemState.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
        except IntegrityError:
            claimed = 0
        if not claimed:
            self.waiting_elsewhere += 1
            return False
        item.state = ItemState.SENDING
        item.attempts += 1
        return True

    def send(self, item: ExportItem, payload: Payload, steps: Steps) -> None:
        """Send, and after a transient fault reconcile and send again. Each step of the send has its own retry
        budget (the count starts again when a step completes), and waiting for a target that asked us to slow
        down (429) uses none of it."""
        invoice, export = item.invoice, item.export
        max_attempts = int(_setting("EXPORT_MAX_ATTEMPTS", 5))
        # A target that keeps asking us to wait is waited for, but not for ever.
        max_throttled = int(_setting("EXPORT_MAX_THROTTLED_ATTEMPTS", 20))
        failures, throttled, progress_mark = 0, 0, len(steps)
        while True:
            if not self.claim(item):
                return
            self.recorder.attempt = item.attempts
            try:
                result: SendResult = self.connector.send(invoice, payload, steps)
            except ExportError as exc:
                if len(steps) > progress_mark:
                    failures, progress_mark = 0, len(steps)
                if exc.throttled:
                    throttled += 1
                else:
                    failures += 1
                final = failures >= max_attempts or throttled >= max_throttled or self.stop.is_set()
                if not self.failed_attempt(item, exc, final=final, steps=steps):
                    return
                delay = backoff(max(1, failures), exc.retry_after)
                self.event(item, ENGINE.qualified("retrying"),
                           ENGINE.text("retrying", item.attempts, invoice.number, exc.message, f"{delay:g}"),
                           EventLevel.WARNING)
                sleep(delay, self.stop)
                if item.state == ItemState.UNKNOWN:
                    try:
                        if self.reconcile(item, steps):
                            return
                    except ExportError as reconcile_error:
                        failures += 0 if reconcile_error.throttled else 1
                        if not self.failed_attempt(item, reconcile_error, final=failures >= max_attempts,
                                                   steps=steps):
                            return
                continue
            if result.pending is not None:
                steps.flush()
                self.mark_pending(item, result.pending)
                return
            self.event(item, ENGINE.qualified("sent"), ENGINE.text("sent", invoice.number, export.name))
            for warning_code, text in result.warnings:
                self.event(item, warning_code, text, EventLevel.WARNING)
            self.finish(item, ItemState.SENT, remote_id=result.ref.remote_id, steps=steps, ticket=None,
                        warning_message="\n".join(text for _, text in result.warnings) or item.warning_message)
            return

    def failed_attempt(self, item: ExportItem, exc: ExportError, *, final: bool, steps: Steps | None = None) -> bool:
        """Record the failed attempt. Returns True when the engine should try again."""
        self.error_event(item, exc)
        if steps is not None:
            steps.flush()
        in_doubt = exc.may_have_reached_target or item.state == ItemState.UNKNOWN
        if exc.retryable and not final:
            self.save_now(item, ItemState.UNKNOWN if in_doubt else ItemState.PLANNED, last_error_code=exc.code,
                          last_error_message=exc.message)
            return True
        if in_doubt:
            # Never claim failure for an invoice that may be in the target: it stays unknown, counted as a
            # failure of the run, and is reconciled before anything is resent (Retry failed).
            self.save_now(item, ItemState.UNKNOWN, last_error_code=exc.code, last_error_message=exc.message)
            return False
        self.finish(item, ItemState.FAILED, code=exc.code, message=exc.message)
        return False

    # -- pending sends ---------------------------------------------------------------------------------------------
    def mark_pending(self, item: ExportItem, ticket: Ticket) -> None:
        now = timezone.now()
        wait = ticket.confirm_after if ticket.confirm_after is not None else self.policy.confirm_after_seconds
        deadline = now + timedelta(seconds=self.policy.confirm_timeout_seconds)  # a new upload: a new time limit
        self.event(item, ENGINE.qualified("pending"), ENGINE.text("pending", item.invoice.number, item.export.name))
        self.save_now(item, ItemState.PENDING, last_error_code="", last_error_message="",
                      remote_id=ticket.remote_id or item.remote_id,
                      ticket={"data": ticket.data, "remote_id": ticket.remote_id, "checks": 0},
                      confirm_due_at=now + timedelta(seconds=wait), confirm_deadline=deadline)

    def confirm(self, item: ExportItem, steps: Steps) -> None:
        """Ask the target about a pending send. Confirmed -> sent; still processing -> pending again with a
        longer wait; past the time limit -> in doubt (never resent: Retry failed confirms again)."""
        data = item.ticket or {}
        ticket = Ticket(data.get("data") or {}, data.get("remote_id", ""))
        try:
            result = self.connector.confirm(ticket, steps)
        except ExportError as exc:
            if exc.retryable and not self._past_deadline(item):
                self._wait_again(item, ticket, exc)
                return
            self.error_event(item, exc)
            if exc.retryable or exc.may_have_reached_target:
                self.save_now(item, ItemState.UNKNOWN, last_error_code=exc.code, last_error_message=exc.message)
            else:
                self.finish(item, ItemState.FAILED, code=exc.code, message=exc.message)
            return
        if result.pending is None:
            self.event(item, ENGINE.qualified("confirmed"), ENGINE.text("confirmed", item.invoice.number,
                                                                        item.export.name))
            for warning_code, text in result.warnings:
                self.event(item, warning_code, text, EventLevel.WARNING)
            self.finish(item, ItemState.SENT, remote_id=result.ref.remote_id or item.remote_id,
                        steps=steps, ticket=None, confirm_due_at=None, confirm_deadline=None)
            return
        if self._past_deadline(item):
            exc = self.connector.confirm_timed_out(result.pending)
            self.error_event(item, exc)
            self.save_now(item, ItemState.UNKNOWN, last_error_code=exc.code, last_error_message=exc.message,
                          ticket={**data, "data": result.pending.data}, confirm_due_at=None)
            return
        self._wait_again(item, result.pending)

    @staticmethod
    def _past_deadline(item: ExportItem) -> bool:
        return item.confirm_deadline is not None and timezone.now() >= item.confirm_deadline

    def _wait_again(self, item: ExportItem, ticket: Ticket, exc: ExportError | None = None) -> None:
        checks = int((item.ticket or {}).get("checks", 0)) + 1
        wait = min(self.policy.confirm_backoff_max, self.policy.confirm_after_seconds * (2 ** checks))
        if exc is not None and exc.retry_after:
            wait = max(wait, exc.retry_after)
        remote_id = ticket.remote_id or (item.ticket or {}).get("remote_id", "")
        self.save_now(item, item.state, ticket={"data": ticket.data, "remote_id": remote_id, "checks": checks},
                      confirm_due_at=timezone.now() + timedelta(seconds=wait))


def backoff(attempt: int, retry_after: float | None) -> float:
    base = float(_setting("EXPORT_RETRY_BACKOFF_SECONDS", 1.0))
    cap = float(_setting("EXPORT_RETRY_BACKOFF_MAX_SECONDS", 30.0))
    delay = min(cap, base * (2 ** (attempt - 1)))
    if retry_after is not None:
        delay = max(delay, min(float(retry_after), float(_setting("EXPORT_RETRY_AFTER_MAX_SECONDS", 300.0))))
    return delay


def sleep(seconds: float, stop: threading.Event) -> None:
    """Wait between attempts; a stop request (cancel, shutdown) ends the wait."""
    stop.wait(seconds)
