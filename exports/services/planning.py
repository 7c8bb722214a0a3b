"""Planning an export run: which invoices go to which exports.

For each invoice the exports come from its customer's export setting group (the default group when the
customer has none), or from the one export the user picked. The plan is a set of querysets, one per
export, so planning a period of a hundred thousand invoices reads ids in batches and never holds them all.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounting.models import Invoice, InvoicePeriod

from ..catalogue import ENGINE
from ..models import EventLevel, ExportItem, ExportRun, InvoiceExport, InvoiceExportSetting, RunScope, RunStatus
from . import events

BATCH = 2000


def invoices_in_scope(*, invoices=None, period: InvoicePeriod | None = None) -> QuerySet[Invoice]:
    queryset = Invoice.objects.select_related("customer", "office", "region", "period")
    if period is not None:
        return queryset.filter(period=period).order_by("number")
    if isinstance(invoices, QuerySet):
        return queryset.filter(pk__in=invoices.values("pk")).order_by("number")
    ids = [getattr(i, "pk", i) for i in (invoices or [])]
    return queryset.filter(pk__in=ids).order_by("number")


@dataclass
class Plan:
    invoices: QuerySet[Invoice]
    #: (export, the QuerySet of the invoices it sends), by export name
    by_export: list[tuple[InvoiceExport, QuerySet[Invoice]]]
    unassigned: QuerySet[Invoice]  # no export applies

    def invoices_by_export(self) -> list[tuple[InvoiceExport, QuerySet[Invoice]]]:
        return self.by_export

    @property
    def exports(self) -> list[InvoiceExport]:
        return [export for export, _ in self.by_export]

    @property
    def export_counts(self) -> list[tuple[InvoiceExport, int]]:
        """Each export that will run, by name, with the number of invoices it sends (a count per export)."""
        return [(export, invoices.count()) for export, invoices in self.by_export]

    @property
    def item_count(self) -> int:
        return sum(count for _, count in self.export_counts)


def exports_offered(invoices: QuerySet[Invoice], period: InvoicePeriod | None = None) -> QuerySet[InvoiceExport]:
    """The active exports that may send these invoices: those of their offices and those of no office."""
    if period is not None:
        offices = [period.office_id]
    else:
        offices = list(invoices.order_by().values_list("office_id", flat=True).distinct())
    return InvoiceExport.objects.filter(is_active=True).filter(Q(office__isnull=True) | Q(office_id__in=offices))


def _of_its_office(export: InvoiceExport) -> Q:
    """An export of an office sends that office's invoices only (as exports.selectors.invoices_reaching)."""
    return Q(office_id=export.office_id) if export.office_id else Q()


def resolve_plan(invoices, export: InvoiceExport | None = None) -> Plan:
    """Which exports each invoice goes to: a few queries for the groups, whatever the number of invoices."""
    scope = invoices_in_scope(invoices=invoices) if not isinstance(invoices, QuerySet) else invoices
    if export is not None:
        if not export.office_id:
            return Plan(scope, [(export, scope)], scope.none())
        return Plan(scope, [(export, scope.filter(office_id=export.office_id))],
                    scope.exclude(office_id=export.office_id))
    groups = list(InvoiceExportSetting.objects.prefetch_related("exports"))
    default = next((g for g in groups if g.is_default), None)
    by_export: dict[int, tuple[InvoiceExport, Q]] = {}
    assigned = Q(pk__in=[])
    for group in groups:
        reaches = Q(customer__export_setting=group)
        if group is default:
            reaches |= Q(customer__export_setting__isnull=True)
        active = [e for e in group.exports.all() if e.is_active]
        if not active:
            continue
        for member in active:
            reached = reaches & _of_its_office(member)
            assigned |= reached
            previous = by_export.get(member.pk)
            by_export[member.pk] = (member, reached if previous is None else previous[1] | reached)
    ordered = sorted(by_export.values(), key=lambda pair: pair[0].name)
    return Plan(scope, [(member, scope.filter(condition)) for member, condition in ordered], scope.exclude(assigned))


def _scope_of(count: int, period) -> str:
    if period is not None:
        return RunScope.PERIOD
    return RunScope.INVOICE if count == 1 else RunScope.INVOICES


@transaction.atomic
def plan_run(*, invoices=None, period: InvoicePeriod | None = None, export: InvoiceExport | None = None,
             preview: bool = False, user=None) -> ExportRun:
    """Create the run and one planned item per (export, invoice). Does not start it."""
    scope = invoices_in_scope(invoices=invoices, period=period)
    plan = resolve_plan(scope, export)
    run = ExportRun.objects.create(created_by=user, scope=_scope_of(scope.count(), period), period=period,
                                   chosen_export=export, is_preview=preview)
    total = 0
    for member, member_invoices in plan.by_export:
        ids = member_invoices.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=BATCH)
        batch = []
        for invoice_id in ids:
            batch.append(ExportItem(run=run, export=member, invoice_id=invoice_id, is_preview=preview))
            if len(batch) >= BATCH:
                ExportItem.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        ExportItem.objects.bulk_create(batch)
        total += len(batch)
    unassigned = list(plan.unassigned.values_list("number", flat=True)[:100])
    for number in unassigned:
        events.record(run, ENGINE.qualified("no_exports"), ENGINE.text("no_exports", number),
                      level=EventLevel.WARNING, params=[number])
    run.to_export = total
    fields = ["to_export"]
    if not total:
        run.status = RunStatus.COMPLETED if not unassigned else RunStatus.FAILED
        run.failure_message = "" if not unassigned else ENGINE.text("no_exports", unassigned[0])
        run.finished_at = timezone.now()
        fields += ["status", "failure_message", "finished_at"]
    run.save(update_fields=fields)
    return run
