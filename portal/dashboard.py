"""What the home page shows, read in a fixed number of queries whatever the number of invoices: the open
invoice periods and how far their export got, the runs still going, the invoices that need someone to
look at them, and (for administrators) the setup problems of every export.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from accounting.models import Invoice, InvoicePeriod
from exports.models import FINISHED_STATUSES, ExportRun, InvoiceExport, ItemState
from exports.services.invoice_status import STATES_OF, Standing, latest_items
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


def open_periods() -> list[PeriodProgress]:
    """Every open period with its invoices counted by export standing, in two grouped queries: invoices per
    period, and the distinct invoices of the latest items per period and standing. An invoice exported to
    one export and failed on another counts in both; "not exported" counts invoices no run planned."""
    periods = list(InvoicePeriod.objects.filter(closed_at__isnull=True).order_by("office__name", "-until_date", "-pk"))
    ids = [period.pk for period in periods]
    invoices = dict(Invoice.objects.filter(period_id__in=ids).values("period_id").annotate(n=Count("pk"))
                    .order_by().values_list("period_id", "n"))

    def distinct_invoices(standing=None):
        return Count("invoice_id", distinct=True, filter=Q(state__in=STATES_OF[standing]) if standing else None)

    standings = {row.pop("invoice__period_id"): row for row in (
        latest_items().filter(invoice__period_id__in=ids).values("invoice__period_id")
        .annotate(planned=distinct_invoices(), exported=distinct_invoices(Standing.EXPORTED),
                  failed=distinct_invoices(Standing.FAILED), unknown=distinct_invoices(Standing.UNKNOWN),
                  in_progress=distinct_invoices(Standing.IN_PROGRESS))
        .order_by())}
    progress = []
    for period in periods:
        counts = standings.get(period.pk, dict.fromkeys(("planned", "exported", "failed", "unknown", "in_progress"),
                                                        0))
        total = invoices.get(period.pk, 0)
        planned = counts.pop("planned")
        progress.append(PeriodProgress(period, invoices=total, not_exported=total - planned, **counts))
    return progress


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
