"""How a run and its invoices read on the run page: the outcome in words, the row filters, and what was sent
for one invoice (its payload summary).

A run whose every invoice was handled reads "Completed" (green) or "Completed with N failed" (amber); a run
that could not go on (it stopped on an error, the export could not start, nothing got through) reads
"Failed" (grey), with the reason. The stored status stays the engine's; this is how people read it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.redaction import redact_text

from ..catalogue import ENGINE
from ..models import ExportItem, ExportRun, ItemState, RunStatus

#: The run page's row filters (?show=...): which item states each shows.
FILTERS: dict[str, tuple[str, ...]] = {
    "failed": (ItemState.FAILED, ItemState.UNKNOWN),
    "skipped": (ItemState.SKIPPED,),
    "sent": (ItemState.SENT, ItemState.PENDING, ItemState.PREVIEWED),
}
FILTER_LABELS = {"failed": _("Failed"), "skipped": _("Skipped"), "sent": _("Sent")}
#: Items still waiting to be sent when a failed run ended: the run stopped before it reached them.
NOT_REACHED = (ItemState.PLANNED, ItemState.SENDING)


@dataclass(frozen=True)
class Outcome:
    key: str  # the CSS class suffix: completed, completed-with-failures, failed, cancelled, stalled, running ...
    label: str
    reason: str = ""


def outcome(run: ExportRun) -> Outcome:
    if run.is_stalled:
        return Outcome("stalled", gettext("Stalled: nobody is working on it"))
    if run.status == RunStatus.COMPLETED:
        return Outcome("completed", gettext("Completed"))
    if run.status == RunStatus.CANCELLED:
        return Outcome("cancelled", gettext("Cancelled"), run.failure_message)
    if run.status != RunStatus.FAILED:
        return Outcome(run.status, run.get_status_display())
    got_through = run.exported + run.skipped + run.previewed
    crashed = run.events.filter(code=ENGINE.qualified("run_crashed")).exists()
    if got_through and not crashed and not run.items.filter(state__in=NOT_REACHED).exists():
        label = ngettext("Completed with %(count)d failed", "Completed with %(count)d failed",
                         run.failed) % {"count": run.failed}
        return Outcome("completed-with-failures", label)
    return Outcome("failed", gettext("Failed"), _failure_reason(run, crashed))


def _failure_reason(run: ExportRun, crashed: bool) -> str:
    """Why the run could not go on: the message most of its failed invoices share (the export could not
    start, the target could not be reached ...), or the run's own when it stopped on an error."""
    if crashed or not run.failed:
        return run.failure_message
    common = (run.items.filter(state__in=FILTERS["failed"]).exclude(last_error_message="")
              .values("last_error_message").annotate(n=Count("pk")).order_by("-n").first())
    return common["last_error_message"] if common else run.failure_message


def filter_counts(run: ExportRun) -> dict[str, int]:
    by_state = dict(run.items.order_by().values_list("state").annotate(n=Count("pk")))
    return {name: sum(by_state.get(state, 0) for state in states) for name, states in FILTERS.items()}


def chosen_filter(value: str | None) -> str:
    return value if value in FILTERS else ""


# -- what was sent for one invoice ----------------------------------------------------------------------------

STEP_LABELS = {"customer": _("Customer"), "invoice": _("Invoice"), "register": _("Registered"),
               "attachment": _("PDF copy"), "upload": _("Uploaded"), "confirm": _("Confirmed"), "voucher": _("Voucher")}
# A request header line of an excerpt ("> Name: value"): left out of the summary; bodies start with { or <.
_HEADER_LINE = re.compile(r"^> [A-Za-z0-9-]+: ")
_READS = ("GET", "HEAD", "OPTIONS")


@dataclass
class SentCall:
    when: object
    request: str  # "POST /v1/invoices"
    answer: str  # "-> 201", "-> no response: ..."
    body: str  # the request body as recorded in the log (secrets masked), headers left out


@dataclass
class ItemSummary:
    item: ExportItem
    facts: list[tuple[str, object]] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)
    calls: list[SentCall] = field(default_factory=list)
    preview: str = ""  # the built payload of a preview run


def _request_body(excerpt: str) -> str:
    """The request body of a logged call: after the request line and its headers, before the answer."""
    body: list[str] = []
    for line in excerpt.splitlines()[1:]:
        if line.startswith(("< ", "! ")):
            break
        if not body and _HEADER_LINE.match(line):
            continue
        body.append(line)
    return "\n".join(body).removeprefix("> ")


def summarise(item: ExportItem) -> ItemSummary:
    """The key facts of what was (or would be) sent for ``item``: the invoice as sent, the ids the target
    gave each step, and the writing calls with their bodies as the log recorded them (secrets masked)."""
    invoice, export = item.invoice, item.export
    secrets = export.secret_values()
    facts = [
        (gettext("Invoice"), invoice.number),
        (gettext("Invoice date"), invoice.invoice_date),
        (gettext("Due date"), invoice.due_date),
        (gettext("Customer"), f"{invoice.customer.code} {invoice.customer.name}"),
        (gettext("Office"), invoice.office.name),
        (gettext("Currency"), invoice.currency.code),
        (gettext("Net"), invoice.net_amount),
        (gettext("VAT"), invoice.vat_amount),
        (gettext("Total"), invoice.total),
        (gettext("Lines"), invoice.lines.count()),
        (gettext("Reference number"), invoice.reference_number or "-"),
        (gettext("Invoice export"), f"{export.name} ({export.get_type_display()})"),
        (gettext("Result"), item.get_state_display()),
        (gettext("Id in the target system"), item.remote_id or "-"),
        (gettext("Attempts"), item.attempts),
    ]
    steps = [(str(STEP_LABELS.get(pair[0], str(pair[0]).capitalize())), (pair[1] if len(pair) > 1 else "") or "-")
             for pair in item.steps or [] if pair]
    calls = []
    for event in item.events.filter(code="http.call").order_by("created_at", "id"):
        request, _, answer = event.message.partition(" -> ")
        if request.split(" ", 1)[0] in _READS:
            continue
        calls.append(SentCall(event.created_at, request, answer, redact_text(_request_body(event.excerpt), secrets)))
    preview = redact_text(item.preview_payload, secrets) if item.preview_payload else ""
    return ItemSummary(item, facts, steps, calls, preview)
