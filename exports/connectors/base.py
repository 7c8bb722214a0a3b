"""The connector contract every target implements, and what crosses it.

The engine (exports.services.runner) owns the state machine; connectors own the protocol:

    check_setup(invoices)   pre-flight checks in the target for these invoices (credentials, accounts ...);
                            None = the invoices the export would send next
    prefetch(invoices)      the Opter side of the next chunk of invoices, before they are built
    prepare(invoices)       reference data ONCE per run (all pages), before anything is built or sent
    build(invoice, pdf)     pure: the payload, used by preview and by send; raises ExportError on bad data
    find_existing(invoice, refresh=False, steps=None)
                            is our invoice number in the target? ``refresh`` asks the target again (to
                            reconcile a send whose answer was lost); RemoteRef.complete says whether it is
                            finished there or was left unfinished by this portal
    send(invoice, payload, steps)
                            perform the steps not yet in ``steps``, recording each as it completes; returns
                            SendResult, possibly pending (a ticket to confirm later)
    confirm(ticket, steps)  for pending sends: ask the target whether it accepted the invoice
    cancel()                stop: the call under way is abandoned, no new call starts
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalogue import Catalogue
from .errors import ExportError
from .http import HttpClient
from .steps import Steps

if TYPE_CHECKING:
    from accounting.models import Invoice

    from ..models import InvoiceExport


@dataclass
class Problem:
    """One finding of a setup check. Blocking problems stop an export from starting."""

    code: str
    message: str
    blocking: bool = True
    hint: str = ""


@dataclass
class RemoteRef:
    remote_id: str
    number: str = ""
    #: False: the invoice is in the target but a step of ours is missing (not registered, no PDF ...);
    #: the engine calls send() to finish it instead of reporting "already exists".
    complete: bool = True


@dataclass
class Payload:
    body: Any
    summary: str = ""  # human-readable rendering for the preview page
    pdf: bytes | None = None
    pdf_name: str = ""


@dataclass
class Ticket:
    """A send the target accepted for processing but has not confirmed: what confirm() needs, as JSON."""

    data: dict
    remote_id: str = ""
    confirm_after: float | None = None  # seconds; None = the send policy's


@dataclass
class SendResult:
    ref: RemoteRef
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (qualified code, message)
    pending: Ticket | None = None  # submitted, confirm later


class Connector:
    """Base class. Subclasses set ``type`` and ``catalogue`` and implement the contract."""

    type: str = ""
    catalogue: Catalogue
    #: Procountor: a PDF that cannot be attached is a warning and the invoice still goes out.
    pdf_failure_is_warning: bool = False
    #: the catalogue code for "already exists" (its message takes the invoice number(s) as {0})
    already_exists_code: str = "already_exists"

    def __init__(self, export: InvoiceExport, *, recorder=None, rate_limit=None, call_slots=None):
        self.export = export
        self.recorder = recorder  # callable(CallRecord) that the engine turns into log events
        self.rate_limit = rate_limit  # the export's shared requests-per-second bucket, if its target has one
        self.call_slots = call_slots  # a semaphore: how many calls may be in flight at once (parallel calls)
        self.cancelled = threading.Event()

    # -- the contract ---------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        raise NotImplementedError

    def prepare(self, invoices) -> None:
        raise NotImplementedError

    def prefetch(self, invoices) -> None:
        """Load what build() needs for these invoices (one chunk) so that it queries nothing itself."""

    def build(self, invoice: Invoice, pdf: bytes | None) -> Payload:
        raise NotImplementedError

    def find_existing(self, invoice: Invoice, refresh: bool = False, steps: Steps | None = None) -> RemoteRef | None:
        raise NotImplementedError

    def send(self, invoice: Invoice, payload: Payload, steps: Steps) -> SendResult:
        raise NotImplementedError

    def confirm(self, ticket: Ticket, steps: Steps) -> SendResult:
        """Pending sends only: the result once the target has processed the invoice (again pending if not)."""
        raise NotImplementedError(f"{type(self).__name__} has no pending sends to confirm.")

    def confirm_timed_out(self, ticket: Ticket) -> ExportError:
        """The error for a pending send the target did not confirm within the policy's time limit."""
        return self.error("timed_out")

    def cancel(self) -> None:
        """Stop: no new call starts. Safe to call from another thread (e.g. a run's cancel button)."""
        self.cancelled.set()

    def close(self) -> None:
        """Release the HTTP session."""

    # -- helpers --------------------------------------------------------------------------------
    def error(self, code: str, *params, **kwargs) -> ExportError:
        return ExportError(self.catalogue, code, *params, **kwargs)

    def already_exists_message(self, numbers) -> str:
        return self.catalogue.text(self.already_exists_code, numbers)

    def ensure_not_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise self.error("export_cancelled")

    def http_client(self, base_url: str, **options):
        """The run's HTTP session for this export: its timeout, secrets, the engine's recorder and this
        connector's cancel switch (exports.connectors.http.HttpClient takes the rest)."""
        from django.conf import settings  # read per run: tests change it

        options.setdefault("timeout", self.export.request_timeout or 30)
        options.setdefault("secrets", self.export.secret_values())
        options.setdefault("throttle_wait_max", getattr(settings, "EXPORT_THROTTLE_WAIT_MAX_SECONDS", 300.0))
        options.setdefault("rate_limit", self.rate_limit)
        options.setdefault("call_slots", self.call_slots)
        return HttpClient(base_url, catalogue=self.catalogue, recorder=self.recorder, cancelled=self.cancelled,
                          **options)
