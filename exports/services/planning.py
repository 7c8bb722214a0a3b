"""Planning an export run: which invoices go to which exports.

For each invoice the exports come from its customer's export setting group (the default group when the
customer has none), or from the one export the user picked.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounting.models import Invoice, InvoicePeriod

from ..catalogue import ENGINE
from ..models import EventLevel, ExportItem, ExportRun, InvoiceExport, InvoiceExportSetting, RunScope, RunStatus
from . import events


@dataclass
class Plan:
    invoices: list[Invoice]
    exports_by_invoice: dict[int, list[InvoiceExport]]
    unassigned: list[Invoice] = field(default_factory=list)  # no export applies

    @property
    def export_counts(self) -> list[tuple[InvoiceExport, int]]:
        """Each export that will run, by name, with the number of invoices it sends."""
        counts: Counter[int] = Counter()
        exports: dict[int, InvoiceExport] = {}
        for invoice_exports in self.exports_by_invoice.values():
            for export in invoice_exports:
                counts[export.pk] += 1
                exports[export.pk] = export
        return [(exports[pk], counts[pk]) for pk in sorted(exports, key=lambda pk: exports[pk].name)]

    @property
    def exports(self) -> list[InvoiceExport]:
        return [export for export, _ in self.export_counts]

    @property
    def item_count(self) -> int:
        return sum(len(exports) for exports in self.exports_by_invoice.values())


def invoices_in_scope(*, invoices=None, period: InvoicePeriod | None = None):
    queryset = Invoice.objects.select_related("customer", "office", "region", "period")
    if period is not None:
        return queryset.filter(period=period).order_by("number")
    ids = [getattr(i, "pk", i) for i in (invoices or [])]
    return queryset.filter(pk__in=ids).order_by("number")


def resolve_plan(invoices, export: InvoiceExport | None = None) -> Plan:
    """Which exports each invoice goes to. Two queries for the groups, whatever the number of invoices."""
    invoices = list(invoices)
    if export is not None:
        return Plan(invoices, {inv.pk: [export] for inv in invoices})
    groups = {g.pk: g for g in InvoiceExportSetting.objects.prefetch_related("exports")}
    default = next((g for g in groups.values() if g.is_default), None)
    by_invoice: dict[int, list[InvoiceExport]] = {}
    unassigned = []
    for invoice in invoices:
        group = groups.get(invoice.customer.export_setting_id) or default
        exports = sorted((e for e in group.exports.all() if e.is_active), key=lambda e: e.name) if group else []
        if exports:
            by_invoice[invoice.pk] = exports
        else:
            unassigned.append(invoice)
    return Plan(invoices, by_invoice, unassigned)


def _scope_of(invoices, period) -> str:
    if period is not None:
        return RunScope.PERIOD
    return RunScope.INVOICE if len(invoices) == 1 else RunScope.INVOICES


@transaction.atomic
def plan_run(*, invoices=None, period: InvoicePeriod | None = None, export: InvoiceExport | None = None,
             preview: bool = False, user=None) -> ExportRun:
    """Create the run and one planned item per (export, invoice). Does not start it."""
    selected = list(invoices_in_scope(invoices=invoices, period=period))
    plan = resolve_plan(selected, export)
    run = ExportRun.objects.create(created_by=user, scope=_scope_of(selected, period), period=period,
                                   chosen_export=export, is_preview=preview, to_export=plan.item_count)
    ExportItem.objects.bulk_create(
        ExportItem(run=run, export=exp, invoice_id=invoice_id, is_preview=preview)
        for invoice_id, exports in plan.exports_by_invoice.items() for exp in exports)
    for invoice in plan.unassigned:
        events.record(run, ENGINE.qualified("no_exports"), ENGINE.text("no_exports", invoice.number),
                      level=EventLevel.WARNING, params=[invoice.number])
    if not plan.item_count:
        run.status = RunStatus.COMPLETED if not plan.unassigned else RunStatus.FAILED
        run.failure_message = "" if not plan.unassigned else ENGINE.text("no_exports", plan.unassigned[0].number)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "failure_message", "finished_at"])
    return run


def start_run(run: ExportRun) -> ExportRun:
    """Queue the run for a worker once the surrounding transaction has committed."""
    from ..tasks import run_export

    run.refresh_from_db(fields=["status"])
    if run.is_finished:
        return run
    transaction.on_commit(lambda: run_export.delay(run.pk))
    return run

