"""The connector contract every target implements, and the errors that cross it.

The engine (exports.services.runner) owns the state machine; connectors own the protocol:

    check_setup()          remote pre-flight checks (credentials, accounts, projects, bank accounts ...)
    prepare(invoices)      fetch reference data ONCE per run (all pages)
    build(invoice, pdf)    pure: the payload, used by preview and by send; raises ExportError on bad data
    find_existing(invoice, refresh=False)
                           our invoice number already in the target?  refresh=True asks the target again
                           (used to reconcile an item whose last call went unanswered)
    send(invoice, payload) create the invoice (and what it needs); raises ExportError
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalogue import Catalogue

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


@dataclass
class Payload:
    body: Any
    summary: str = ""  # human-readable rendering for the preview page
    pdf: bytes | None = None
    pdf_name: str = ""


@dataclass
class SendResult:
    ref: RemoteRef
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (qualified code, message)


class ExportError(Exception):
    """A failure with a catalogue code and parameters.

    retryable:            a transient fault (connect error, 429, 502/503/504); the engine retries with backoff
    may_have_reached_target: the call may have been committed remotely (timeout, 5xx after sending):
                          the engine marks the item unknown and reconciles before any resend
    retry_after:          seconds the target asked us to wait (429 Retry-After)
    """

    def __init__(self, catalogue: Catalogue, code: str, *params, retryable: bool = False,
                 may_have_reached_target: bool = False, retry_after: float | None = None, excerpt: str = ""):
        self.catalogue = catalogue
        self.code = catalogue.qualified(code)
        self.params = [str(p) if not isinstance(p, (list, tuple)) else ", ".join(map(str, p)) for p in params]
        self.message = catalogue.text(code, *params)
        self.retryable = retryable
        self.may_have_reached_target = may_have_reached_target
        self.retry_after = retry_after
        self.excerpt = excerpt
        super().__init__(self.message)


class Connector:
    """Base class. Subclasses set ``type`` and ``catalogue`` and implement the five methods."""

    type: str = ""
    catalogue: Catalogue
    #: Procountor: a PDF that cannot be attached is a warning and the invoice still goes out.
    pdf_failure_is_warning: bool = False
    #: the catalogue code for "already exists" (its message takes the invoice number(s) as {0})
    already_exists_code: str = "already_exists"

    def __init__(self, export: InvoiceExport, *, recorder=None):
        self.export = export
        self.recorder = recorder  # callable(CallRecord) that the engine turns into log events

    # -- the contract ---------------------------------------------------------------------------
    def check_setup(self) -> list[Problem]:
        raise NotImplementedError

    def prepare(self, invoices: list[Invoice]) -> None:
        raise NotImplementedError

    def build(self, invoice: Invoice, pdf: bytes | None) -> Payload:
        raise NotImplementedError

    def find_existing(self, invoice: Invoice, refresh: bool = False) -> RemoteRef | None:
        raise NotImplementedError

    def send(self, invoice: Invoice, payload: Payload) -> SendResult:
        raise NotImplementedError

    def close(self) -> None:
        """Release the HTTP session."""

    # -- helpers --------------------------------------------------------------------------------
    def error(self, code: str, *params, **kwargs) -> ExportError:
        return ExportError(self.catalogue, code, *params, **kwargs)

    def already_exists_message(self, numbers) -> str:
        return self.catalogue.text(self.already_exists_code, numbers)
