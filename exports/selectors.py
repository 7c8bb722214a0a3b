"""Reading export configuration: which invoices an export would send."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from accounting.models import Invoice

from .models import InvoiceExport, InvoiceExportSetting


def invoices_reaching(export: InvoiceExport) -> QuerySet[Invoice]:
    """The invoices of open periods (or without a period) whose customer's export setting group, or the
    default group for customers without one, includes this export: what it would send next."""
    groups = InvoiceExportSetting.objects.filter(exports=export)
    reaches = Q(customer__export_setting__in=groups)
    if groups.filter(is_default=True).exists():
        reaches |= Q(customer__export_setting__isnull=True)
    invoices = Invoice.objects.filter(reaches, Q(period__closed_at__isnull=True) | Q(period__isnull=True))
    if export.office_id:
        invoices = invoices.filter(office_id=export.office_id)
    return invoices
