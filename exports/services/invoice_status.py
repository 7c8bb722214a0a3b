"""Whether, when and where each invoice was exported: the invoices list's column and filter, the invoice
page and the home page read it from here.

For each (invoice, export) the latest item of a real run (previews never count) decides: sent or skipped
(the target already had it) means exported; failed, unknown (being reconciled) or still planned / being
sent mean what they say. An invoice no real run ever planned is not exported.

Filtering uses EXISTS subqueries over ExportItem (the (invoice, export, state) index answers them), and
the list's column reads the items of one page in one query: neither grows with the number of invoices.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import ExportItem, ItemState


class Standing:
    """Where an invoice stands with one export (or, the most urgent of them, with all of its exports)."""

    NOT_EXPORTED = "not_exported"
    EXPORTED = "exported"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    UNKNOWN = "unknown"

    LABELS = {NOT_EXPORTED: _("Not exported"), EXPORTED: _("Exported"), IN_PROGRESS: _("Being exported"),
              FAILED: _("Failed"), UNKNOWN: _("Unknown (being checked)")}
    # Most urgent first: what finance must look at comes before what went well.
    URGENCY = (UNKNOWN, FAILED, IN_PROGRESS, EXPORTED, NOT_EXPORTED)


STATES_OF = {
    Standing.EXPORTED: (ItemState.SENT, ItemState.SKIPPED),
    Standing.FAILED: (ItemState.FAILED,),
    Standing.UNKNOWN: (ItemState.UNKNOWN,),
    Standing.IN_PROGRESS: (ItemState.PLANNED, ItemState.SENDING, ItemState.PENDING),
}
STANDING_OF_STATE = {state: standing for standing, states in STATES_OF.items() for state in states}


def real_items() -> QuerySet[ExportItem]:
    return ExportItem.objects.filter(is_preview=False)


def latest_items() -> QuerySet[ExportItem]:
    """Items no later item of a real run follows for the same invoice and export."""
    # An invoice has a handful of items: they are found by the invoice, and the export is compared as an
    # expression so that no planner (SQLite without statistics did) walks every later item of the export.
    later = (real_items().filter(invoice_id=OuterRef("invoice_id"), pk__gt=OuterRef("pk"))
             .alias(export_key=F("export_id") + 0).filter(export_key=OuterRef("export_id")))
    return real_items().filter(~Exists(later))


def with_standing(invoices: QuerySet, standing: str, export_id: int | None = None) -> QuerySet:
    """The invoices that stand so with at least one export (with export_id: with that export).

    "id IN (items ...)" rather than a correlated EXISTS: the database finds the few items in that state
    (the state is indexed) and joins, instead of asking once per invoice of a 100 000-invoice list."""
    if standing == Standing.NOT_EXPORTED:
        return invoices.exclude(pk__in=real_items().values("invoice_id"))
    items = latest_items().filter(state__in=STATES_OF[standing])
    if export_id is not None:
        items = items.filter(export_id=export_id)
    return invoices.filter(pk__in=items.values("invoice_id"))


@dataclass
class ExportOutcome:
    """One export's latest word on one invoice, with the item that said it."""

    export_id: int
    export_name: str
    standing: str
    state: str
    run_id: int
    item_id: int
    when: datetime
    remote_id: str
    message: str

    @property
    def label(self) -> str:
        return Standing.LABELS[self.standing]


@dataclass
class InvoiceExportStatus:
    outcomes: list[ExportOutcome] = field(default_factory=list)

    @property
    def standing(self) -> str:
        present = {outcome.standing for outcome in self.outcomes}
        return next((s for s in Standing.URGENCY if s in present), Standing.NOT_EXPORTED)

    @property
    def label(self) -> str:
        return Standing.LABELS[self.standing]


ITEM_FIELDS = ("pk", "invoice_id", "export_id", "export__name", "state", "run_id", "updated_at", "remote_id",
               "last_error_message")


def statuses_of(invoice_ids) -> dict[int, InvoiceExportStatus]:
    """Each invoice's status, in one query: meant for a page of a list, not for a whole period."""
    ids = list(invoice_ids)
    statuses = {invoice_id: InvoiceExportStatus() for invoice_id in ids}
    latest: dict[tuple[int, int], dict] = {}
    sent: dict[tuple[int, int], dict] = {}
    rows = real_items().filter(invoice_id__in=ids).order_by("pk").values(*ITEM_FIELDS)
    for row in rows:
        key = (row["invoice_id"], row["export_id"])
        latest[key] = row
        if row["state"] == ItemState.SENT:
            sent[key] = row
    for key, row in sorted(latest.items(), key=lambda pair: pair[1]["export__name"]):
        standing = STANDING_OF_STATE.get(row["state"])
        if standing is None:
            continue
        # "Exported on ..." is when it was sent; a later run that found it there only confirms it.
        source = sent.get(key, row) if standing == Standing.EXPORTED else row
        statuses[key[0]].outcomes.append(ExportOutcome(
            export_id=row["export_id"], export_name=row["export__name"], standing=standing, state=row["state"],
            run_id=source["run_id"], item_id=source["pk"], when=source["updated_at"],
            remote_id=source["remote_id"] or row["remote_id"], message=row["last_error_message"]))
    return statuses


def history_of(invoice) -> QuerySet[ExportItem]:
    """Every real export item of one invoice, newest first (the invoice page's export history)."""
    return real_items().filter(invoice=invoice).select_related("export", "run").order_by("-pk")
