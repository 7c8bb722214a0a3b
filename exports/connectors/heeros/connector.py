"""The Heeros connector: Opter's "Exporting invoices to Heeros (API)" (seed 004).

Each invoice becomes a Finvoice 3.0 document (finvoice/), validated before it leaves; a document with any
problem is not sent. The transport (transport.HeerosTransport, replaceable through HEEROS_TRANSPORT)
logs in, uploads the document with the start text's import options, and reads the import's status.

The upload is a pending send: ``send`` uploads and records the step "upload" with Heeros' import id,
then returns a ticket; the engine calls ``confirm`` later, with backoff, until Heeros has processed the
import or the policy's time limit passes (``confirm_timed_out``). An invoice is never uploaded twice: a
recorded upload is only ever confirmed again, and after an unanswered upload the imports of the invoice's
number are read and ours (same number, total and currency) is adopted.

Calls per run: the company (check_setup; a login first when no token is stored), the invoices of the
run's dates (once, on the first look-up). Per invoice: the upload and one status read per confirmation
round (two with the sandbox's default of one "processing" answer).
"""
from __future__ import annotations

import threading

from django.utils.module_loading import import_string

from accounting import validators
from accounting.services.coding import AccountCodingError
from accounting.services.payment import payment_bic

from ...selectors import invoices_reaching
from .. import facts
from ..base import Connector, ExportError, Payload, Problem, RemoteRef, SendResult, Ticket
from ..opter import OpterData
from ..rows import build_rows, totals, totals_mismatch
from ..start_text import StartTextError
from ..steps import Steps
from . import settings as heeros_settings
from .finvoice import schema
from .finvoice.document import DocumentOptions, finvoice_document, pretty, to_bytes
from .finvoice.parties import Payee, buyer_of, seller_of
from .finvoice.validation import Validation, validate
from .messages import CATALOGUE
from .transport import FAILED, INCOMPLETE, PENDING, PROCESSED, ImportState, RemoteInvoice, UploadRefused

UPLOAD, PROCESSED_STEP = "upload", "processed"
#: The error codes with which Heeros refuses a credit note's link to the invoice it credits.
CREDIT_LINK_ERRORS = ("OriginalInvoice",)


class FinvoiceUpload:
    """What is sent for one invoice: the document, its validation, and what identifies it in Heeros."""

    def __init__(self, number: str, document: bytes, validation: Validation, total, currency: str,
                 credits: str = ""):
        self.number = number
        self.credits = credits  # a credit note: the number of the invoice it credits
        self.document = document
        self.validation = validation
        self.total = total
        self.currency = currency

    def __repr__(self) -> str:
        return f"<Finvoice {self.number}: {self.validation.describe()}>"


class HeerosConnector(Connector):
    type = "xmlserializer"
    catalogue = CATALOGUE

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        self.opter = OpterData(export)
        self._bic: dict[tuple, str] = {}
        self._transport = None
        self._dates = None  # (first, last) invoice date of the run
        self._listed: dict[str, RemoteInvoice] = {}
        self._read_ranges: list[tuple] = []
        self._listing_lock = threading.Lock()
        try:
            self.options, self._settings_error = heeros_settings.ImportOptions.of(export), None
        except StartTextError as exc:
            self.options, self._settings_error = None, exc
        try:
            self.xsd, self._schema_error = schema.load(), None
        except schema.SchemaUnavailable as exc:
            self.xsd, self._schema_error = None, exc

    # -- the contract ----------------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        """The settings this connector needs, then Heeros itself: the login and the user's rights to the
        company of the export's tt_id and la_id."""
        try:
            self._ensure_usable()
            self.transport.company()
        except ExportError as exc:
            return [Problem(exc.code, exc.message)]
        return []

    def prepare(self, invoices) -> None:
        """No call here: the invoices Heeros holds for the run's dates are read on the first look-up, so a
        run that only confirms uploads reads nothing it does not need."""
        self._ensure_usable()
        self._dates = facts.invoice_date_range(invoices if invoices is not None else invoices_reaching(self.export))

    def prefetch(self, invoices) -> None:
        self.opter.load(invoices)
        for invoice in invoices:
            key = (invoice.office_id, invoice.region_id)
            if key not in self._bic:
                self._bic[key] = payment_bic(invoice)

    def build(self, invoice, pdf: bytes | None) -> Payload:
        """The Finvoice document and its validation; pure. An invalid document is built (the preview shows it
        with its errors) and refused by send()."""
        self._ensure_configured()
        number = str(invoice.number)
        try:
            self.opter.receivable(invoice)  # Opter's account coding must be complete, as for every target
            lines = self.opter.line_facts(invoice)
        except AccountCodingError as exc:
            raise ExportError.from_coding(CATALOGUE, exc) from None
        original = self.opter.original(invoice, CATALOGUE)
        rows = build_rows(lines)
        payee = Payee(iban=validators.compact_iban(self.opter.iban(invoice)),
                      bic=self._bic.get((invoice.office_id, invoice.region_id), "").strip().upper())
        root = finvoice_document(invoice, rows, seller_of(invoice), buyer_of(invoice.customer), payee,
                                 DocumentOptions(account_coding=self.options.account_coding), original)
        validation = validate(root, self.xsd)
        mismatch = totals_mismatch(invoice, rows)
        if mismatch:
            validation = Validation([*validation.problems, f"{mismatch}."], validation.schema_checked)
        if not rows:
            validation = Validation([*validation.problems, "The invoice has no lines."], validation.schema_checked)
        upload = FinvoiceUpload(number, to_bytes(root), validation, totals(rows)[2], invoice.currency.code,
                                original.number if original else "")
        return Payload(body=upload, summary=self._summary(invoice, upload, pretty(root)))

    def find_existing(self, invoice, refresh: bool = False, steps: Steps | None = None) -> RemoteRef | None:
        self._ensure_usable()
        steps = steps if steps is not None else Steps()
        number = str(invoice.number)
        import_id = steps.remote_id(UPLOAD)
        if import_id:
            try:
                return self._ref_of(self.transport.import_state(import_id), number, steps)
            except ExportError as exc:
                if exc.status != 404:
                    raise
                steps.forget(UPLOAD, PROCESSED_STEP)  # Heeros no longer knows the import: look by number
                refresh = True
        if not refresh:
            found = self._listed_invoice(invoice)
            return RemoteRef(found.invoice_id, number) if found else None
        # The last call went unanswered: an upload of ours may have got through. Ours is an import of this
        # number with our total and currency that Heeros did not refuse.
        imports = [state for state in self.transport.imports_of(number) if state.status != FAILED]
        ours = next((state for state in imports if self._is_ours(state, invoice)), None)
        if ours is not None:
            steps.record(UPLOAD, ours.import_id)
            return self._ref_of(ours, number, steps)
        held = self.transport.invoices(number=number)
        if imports or held:
            remote_id = held[0].invoice_id if held else imports[0].invoice_id or imports[0].import_id
            return RemoteRef(remote_id, number)
        return None

    def send(self, invoice, payload: Payload, steps: Steps) -> SendResult:
        self._ensure_usable()
        upload: FinvoiceUpload = payload.body
        if not upload.validation.valid:
            raise self._invalid(upload.number, upload.validation.problems)
        import_id = steps.remote_id(UPLOAD)
        if import_id is None:
            import_id = self._upload(invoice, upload)
            steps.record(UPLOAD, import_id)
            # A cancel that came during the upload stops here; the upload is recorded, so a retry
            # confirms it instead of uploading again.
            self.ensure_not_cancelled()
        return self._pending(import_id, upload.number, upload.credits)

    def confirm(self, ticket: Ticket, steps: Steps) -> SendResult:
        self.ensure_not_cancelled()
        import_id = ticket.remote_id or ticket.data.get("importId", "")
        number = str(ticket.data.get("number", ""))
        state = self.transport.import_state(import_id)
        credits = str(ticket.data.get("credits", ""))
        if state.status == PENDING:
            return self._pending(import_id, number, credits)
        if state.status == PROCESSED or state.completed_in_heeros:
            if PROCESSED_STEP not in steps:
                steps.record(PROCESSED_STEP, state.invoice_id)
            return SendResult(RemoteRef(state.invoice_id or import_id, state.invoice_number or number))
        if state.status == INCOMPLETE:
            raise self.error("incomplete", state.invoice_id or import_id)
        # Failed: Heeros refused the document and holds nothing of it; a later send uploads it anew.
        steps.forget(UPLOAD)
        link_errors = [e for e in state.errors if e.code.startswith(CREDIT_LINK_ERRORS)]
        if credits and link_errors:
            raise self.error("credit_refused", number, credits, "; ".join(e.message for e in link_errors))
        raise self._invalid(number, [str(e) for e in state.errors], count=state.error_count)

    def confirm_timed_out(self, ticket: Ticket) -> ExportError:
        return self.error("not_confirmed", ticket.remote_id or ticket.data.get("importId", ""))

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    # -- helpers -----------------------------------------------------------------------------------------
    @property
    def transport(self):
        if self._transport is None:
            export = self.export
            adapter = import_string(heeros_settings.transport_class())
            self._transport = adapter(self, base_url=heeros_settings.base_url_of(export),
                                      tt_id=export.office_code, la_id=export.customer_code,
                                      username=export.client_identity, password=export.client_key,
                                      auth=heeros_settings.auth_scheme())
        return self._transport

    def _upload(self, invoice, upload: FinvoiceUpload) -> str:
        try:
            return self.transport.upload(upload.document, self.options.as_query()).import_id
        except UploadRefused as refused:
            if refused.status == 409:
                # The number is taken. By our own upload whose answer was lost (adopt it), or by another
                # invoice (Heeros' words).
                ours = next((state for state in self.transport.imports_of(upload.number)
                             if state.status != FAILED and self._is_ours(state, invoice)), None)
                if ours is not None:
                    return ours.import_id
            if refused.status == 400 and refused.errors:
                raise self._invalid(upload.number, [str(e) for e in refused.errors], count=refused.error_count,
                                    excerpt=refused.excerpt) from None
            first = refused.first
            raise self.error("cannot_send", first.code or refused.status, first.message, status=refused.status,
                             excerpt=refused.excerpt) from None

    def _pending(self, import_id: str, number: str, credits: str = "") -> SendResult:
        data = {"importId": import_id, "number": number, **({"credits": credits} if credits else {})}
        return SendResult(RemoteRef(import_id, number, complete=False), pending=Ticket(data, remote_id=import_id))

    def _ref_of(self, state: ImportState, number: str, steps: Steps) -> RemoteRef | None:
        """Our recorded upload, as Heeros has it now."""
        if state.status == FAILED:
            steps.forget(UPLOAD, PROCESSED_STEP)
            return None
        if state.status == PROCESSED or state.completed_in_heeros:
            return RemoteRef(state.invoice_id or state.import_id, number)
        # Still processing, or incomplete: confirm it (again), never upload it again.
        return RemoteRef(state.import_id, number, complete=False)

    @staticmethod
    def _is_ours(state: ImportState, invoice) -> bool:
        return state.total == invoice.total and (state.currency or invoice.currency.code) == invoice.currency.code

    def _listed_invoice(self, invoice) -> RemoteInvoice | None:
        """The invoice of this number that Heeros holds: the run's dates are read once (every page); an invoice
        dated outside them has its own day read."""
        day = invoice.invoice_date
        with self._listing_lock:
            if not any(first <= day <= last for first, last in self._read_ranges):
                dates = self._dates if self._dates and self._dates[0] <= day <= self._dates[1] else (day, day)
                self._listed.update({found.number: found for found in self.transport.invoices(
                    first=dates[0], last=dates[1])})
                self._read_ranges.append(dates)
            return self._listed.get(str(invoice.number))

    def _invalid(self, number: str, problems: list[str], *, count: int | None = None, excerpt: str = ""):
        listed = "\n".join(f"- {problem}" for problem in problems)
        return self.error("validation_errors", "; ".join(problems), number, count or len(problems),
                          excerpt=(excerpt + "\n" if excerpt else "") + listed)

    def _ensure_usable(self) -> None:
        self.ensure_not_cancelled()
        self._ensure_configured()
        if not heeros_settings.base_url_of(self.export):
            raise self.error("no_api_address")

    def _ensure_configured(self) -> None:
        """What building a document needs: the start text's options and, when set, the schema."""
        if self._settings_error:
            raise self.error("invalid_start_text", self._settings_error)
        if self._schema_error:
            raise self.error("schema_unreadable", self._schema_error.path, self._schema_error.reason)

    def _summary(self, invoice, upload: FinvoiceUpload, xml: str) -> str:
        """The preview: the validation result, what Heeros is told, and the document itself."""
        validation = upload.validation
        kind = f"Credit note {upload.number} (for invoice {upload.credits})" if upload.credits else \
            f"Invoice {upload.number}"
        lines = [f"{kind} to Heeros as Finvoice 3.0: {validation.describe()}."]
        if not validation.valid:
            lines.append(CATALOGUE.text("validation_errors", "; ".join(validation.problems), upload.number,
                                        len(validation.problems)))
            lines += [f"- {problem}" for problem in validation.problems]
        lines.append(f"Total {upload.total} {upload.currency}; import options: {self.options.describe()}; "
                     f"company tt_id {self.export.office_code}, la_id {self.export.customer_code}.")
        lines.append("")
        lines.append(xml)
        return "\n".join(lines)

