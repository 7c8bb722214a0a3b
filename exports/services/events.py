"""Writers of the append-only export log. Every message is a catalogue code with its parameters."""
from __future__ import annotations

import logging

from portal.redaction import redact_text

from ..catalogue import Catalogue
from ..connectors.http import CallRecord
from ..models import EventLevel, ExportEvent, ExportItem, ExportRun

logger = logging.getLogger("exports")


def record(run: ExportRun, code: str, message: str, *, item: ExportItem | None = None, level: str = EventLevel.INFO,
           params=(), attempt: int = 0, excerpt: str = "", duration_ms: int | None = None,
           secrets: tuple[str, ...] = ()) -> ExportEvent:
    event = ExportEvent.objects.create(
        run=run, item=item, level=level, code=code, message=redact_text(message, secrets),
        params=[redact_text(str(p), secrets) for p in params], attempt=attempt,
        excerpt=redact_text(excerpt or "", secrets), duration_ms=duration_ms)
    log = logger.warning if level != EventLevel.INFO else logger.info
    log("run %s %s: %s", run.pk, code, event.message)
    return event


def record_catalogue(run: ExportRun, catalogue: Catalogue, code: str, *params, item=None,
                     level=EventLevel.INFO, **kwargs) -> ExportEvent:
    return record(run, catalogue.qualified(code), catalogue.text(code, *params), item=item, level=level,
                  params=params, **kwargs)


class CallRecorder:
    """Turns the connector's HTTP attempts into log events of the item being worked on."""

    def __init__(self, run: ExportRun, secrets: tuple[str, ...]):
        self.run = run
        self.secrets = secrets
        self.item: ExportItem | None = None
        self.attempt = 0
        self.calls = 0

    def __call__(self, call: CallRecord) -> None:
        self.calls += 1
        status = call.status if call.status is not None else "no response"
        level = EventLevel.INFO if call.status is not None and call.status < 400 else EventLevel.WARNING
        record(self.run, "http.call", f"{call.method} {call.path} -> {status}"
               + (" (retried)" if call.retried else "") + (f": {call.error}" if call.error else ""),
               item=self.item, level=level, attempt=self.attempt, excerpt=call.excerpt,
               duration_ms=call.duration_ms, secrets=self.secrets)
