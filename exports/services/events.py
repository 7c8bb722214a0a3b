"""Writers of the append-only export log. Every message is a catalogue code with its parameters.

``record`` writes one event at once (a run starts, finishes, waits). During sending, events go through
an ``EventLog``: every attempt is still recorded, but the rows are written in batches together with the
item changes they belong to, instead of one committed row per HTTP call.
"""
from __future__ import annotations

import logging
import threading

from portal.redaction import redact_text

from ..catalogue import Catalogue, param_text
from ..connectors.http import CallRecord
from ..models import EventLevel, ExportEvent, ExportItem, ExportRun

logger = logging.getLogger("exports")


def event(run: ExportRun, code: str, message: str, *, item: ExportItem | None = None, level: str = EventLevel.INFO,
          params=(), attempt: int = 0, excerpt: str = "", duration_ms: int | None = None,
          secrets: tuple[str, ...] = (), masked: bool = False, log_level: int | None = None) -> ExportEvent:
    """An unsaved event, with every secret masked (``masked``: the caller masked message and excerpt)."""
    made = ExportEvent(
        run=run, item=item, level=level, code=code, message=message if masked else redact_text(message, secrets),
        params=[redact_text(param_text(p), secrets) for p in params], attempt=attempt,
        excerpt=(excerpt or "" if masked else redact_text(excerpt or "", secrets))[:4000], duration_ms=duration_ms)
    if log_level is None:
        log_level = logging.WARNING if level != EventLevel.INFO else logging.INFO
    if logger.isEnabledFor(log_level):
        logger.log(log_level, "run %s %s: %s", run.pk, code, made.message)
    return made


def record(run: ExportRun, code: str, message: str, **kwargs) -> ExportEvent:
    """Write one event now."""
    made = event(run, code, message, **kwargs)
    made.save()
    return made


def record_catalogue(run: ExportRun, catalogue: Catalogue, code: str, *params, item=None,
                     level=EventLevel.INFO, **kwargs) -> ExportEvent:
    return record(run, catalogue.qualified(code), catalogue.text(code, *params), item=item, level=level,
                  params=params, **kwargs)


class EventLog:
    """Events waiting to be written: taken with the item change they explain, or all at once."""

    def __init__(self, run: ExportRun, secrets: tuple[str, ...] = ()):
        self.run = run
        self.secrets = secrets
        self._pending: list[ExportEvent] = []
        self._lock = threading.Lock()

    def add(self, code: str, message: str, **kwargs) -> None:
        made = event(self.run, code, message, secrets=self.secrets, **kwargs)
        with self._lock:
            self._pending.append(made)

    def take(self, item_id: int | None = None) -> list[ExportEvent]:
        """The waiting events (of one item, or all)."""
        with self._lock:
            if item_id is None:
                taken, self._pending = self._pending, []
            else:
                taken = [e for e in self._pending if e.item_id == item_id]
                self._pending = [e for e in self._pending if e.item_id != item_id]
        return taken

    @staticmethod
    def write(events: list[ExportEvent]) -> None:
        if events:
            ExportEvent.objects.bulk_create(events)

    def flush(self) -> None:
        self.write(self.take())


class CallRecorder:
    """Turns the connector's HTTP attempts into log events of the item each thread is working on."""

    def __init__(self, log: EventLog):
        self.log = log
        self._current = threading.local()
        self.calls = 0

    @property
    def item(self) -> ExportItem | None:
        return getattr(self._current, "item", None)

    @item.setter
    def item(self, value: ExportItem | None) -> None:
        self._current.item = value

    @property
    def attempt(self) -> int:
        return getattr(self._current, "attempt", 0)

    @attempt.setter
    def attempt(self, value: int) -> None:
        self._current.attempt = value

    def __call__(self, call: CallRecord) -> None:
        self.calls += 1
        status = call.status if call.status is not None else "no response"
        level = EventLevel.INFO if call.status is not None and call.status < 400 else EventLevel.WARNING
        # Every call is in the export log; the process log gets them only at DEBUG (one line per call).
        self.log.add("http.call", f"{call.method} {call.path} -> {status}"
                     + (" (retried)" if call.retried else "") + (f": {call.error}" if call.error else ""),
                     item=self.item, level=level, attempt=self.attempt, excerpt=call.excerpt,
                     duration_ms=call.duration_ms, masked=True, log_level=logging.DEBUG)
