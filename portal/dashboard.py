"""What the home page shows, read in a fixed number of queries whatever the number of invoices: the open
invoice periods and how far their export got, the runs still going, the invoices that need someone to
look at them, and (for administrators) the setup problems of every export.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from accounting.models import Invoice, InvoicePeriod
from exports.models import FINISHED_STATUSES, ExportRun, InvoiceExport, ItemState
from exports.services.invoice_status import STATES_OF, Standing, latest_items, real_items
from exports.services.setup_check import SetupReport, check_export

#: How many runs and invoices needing attention the home page lists (the lists behind the links have all).
LIST_LIMIT = 15


@dataclass
class PeriodProgress:
    period: InvoicePeriod
    invoices: int
    exported: int
    failed: int
    unknown: int
    in_progress: int
    not_exported: int

    @property
    def done(self) -> bool:
        return self.invoices > 0 and self.exported == self.invoices and not (self.failed or self.unknown)


def _standing_exists(standing: str):
    return Exists(latest_items().filter(invoice_id=OuterRef("pk"), state__in=STATES_OF[standing]))


def open_periods() -> list[PeriodProgress]:
    """Every open period with its invoices counted by export standing, in one query. An invoice exported
    to one export and failed on another counts in both; "not exported" counts invoices no run planned."""
    counts = (Invoice.objects.filter(period__closed_at__isnull=True, period__isnull=False)
              .values("period_id")
              .annotate(invoices=Count("pk"),
                        exported=Count("pk", filter=Q(_standing_exists(Standing.EXPORTED))),
                        failed=Count("pk", filter=Q(_standing_exists(Standing.FAILED))),
                        unknown=Count("pk", filter=Q(_standing_exists(Standing.UNKNOWN))),
                        in_progress=Count("pk", filter=Q(_standing_exists(Standing.IN_PROGRESS))),
                        not_exported=Count("pk", filter=~Q(Exists(real_items().filter(invoice_id=OuterRef("pk"))))))
              .order_by())
    by_period = {row.pop("period_id"): row for row in counts}
    empty = dict.fromkeys(("invoices", "exported", "failed", "unknown", "in_progress", "not_exported"), 0)
    periods = InvoicePeriod.objects.filter(closed_at__isnull=True).order_by("office__name", "-until_date", "-pk")
    return [PeriodProgress(period, **by_period.get(period.pk, empty)) for period in periods]


def runs_in_progress():
    """Runs that have not ended (queued, running, waiting, stopped), newest first."""
    return (ExportRun.objects.exclude(status__in=FINISHED_STATUSES).select_related("period", "created_by")
            .order_by("-created_at")[:LIST_LIMIT])


@dataclass
class Attention:
    items: list = field(default_factory=list)
    failed: int = 0
    unknown: int = 0


def needing_attention() -> Attention:
    """Invoices whose latest word from an export is failed or unknown: the newest first, and how many."""
    items = latest_items().filter(state__in=(ItemState.FAILED, ItemState.UNKNOWN))
    counts = items.aggregate(failed=Count("pk", filter=Q(state=ItemState.FAILED)),
                             unknown=Count("pk", filter=Q(state=ItemState.UNKNOWN)))
    listed = list(items.select_related("invoice__customer", "export").order_by("-pk")[:LIST_LIMIT])
    return Attention(items=listed, **counts)


def setup_problems() -> list[SetupReport]:
    """The local setup check of every active export (no call to any target: the page stays fast)."""
    return [check_export(export, remote=False)
            for export in InvoiceExport.objects.filter(is_active=True).select_related("office").order_by("name")]
