"""The invoices list's export status: its filter, its column and the invoice page's export history.

The figures come from exports.services.invoice_status; here they are only shown.
"""
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exports.models import InvoiceExport
from exports.services.invoice_status import Standing, history_of, statuses_of, with_standing

EXPORTED_TO = "exported:"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class ExportStatusFilter(admin.SimpleListFilter):
    title = _("export status")
    parameter_name = "export_status"

    def lookups(self, request, model_admin):
        choices = [(Standing.NOT_EXPORTED, Standing.LABELS[Standing.NOT_EXPORTED]),
                   (Standing.EXPORTED, _("Exported (to any export)"))]
        choices += [(f"{EXPORTED_TO}{pk}", gettext("Exported to %(export)s") % {"export": name})
                    for pk, name in InvoiceExport.objects.order_by("name").values_list("pk", "name")]
        choices += [(standing, Standing.LABELS[standing])
                    for standing in (Standing.IN_PROGRESS, Standing.FAILED, Standing.UNKNOWN)]
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value.startswith(EXPORTED_TO):
            export_id = value.removeprefix(EXPORTED_TO)
            return with_standing(queryset, Standing.EXPORTED, int(export_id)) if export_id.isdigit() \
                else queryset.none()
        if value in Standing.LABELS:
            return with_standing(queryset, value)
        return queryset.none()


class ExportStatusChangeList(ChangeList):
    """Reads the export status of the page's invoices in one query once the page is known."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        statuses = statuses_of(invoice.pk for invoice in self.result_list)
        for invoice in self.result_list:
            invoice.export_status = statuses[invoice.pk]


def status_cell(invoice) -> str:
    """The list's column: one short line per export, the most urgent first, each linked to its run."""
    status = getattr(invoice, "export_status", None)
    if status is None:
        status = statuses_of([invoice.pk])[invoice.pk]
    if not status.outcomes:
        return format_html('<span class="export-status status-not_exported">{}</span>',
                           Standing.LABELS[Standing.NOT_EXPORTED])
    outcomes = sorted(status.outcomes, key=lambda o: Standing.URGENCY.index(o.standing))
    return format_html_join(
        "", '<a class="export-status status-{}" href="{}" title="{}">{}</a>',
        ((o.standing, reverse("exports:run", args=[o.run_id]), o.message,
          _outcome_text(o)) for o in outcomes))


def _outcome_text(outcome) -> str:
    day = timezone.localtime(outcome.when).strftime("%Y-%m-%d")
    if outcome.standing == Standing.EXPORTED:
        return format_html('{} <span class="when">{}</span>',
                           gettext("Exported to %(export)s") % {"export": outcome.export_name},
                           gettext("on %(date)s") % {"date": day})
    return format_html('{} <span class="when">{}</span>',
                       gettext("%(standing)s: %(export)s") % {"standing": outcome.label, "export": outcome.export_name},
                       gettext("on %(date)s") % {"date": day})


def history_table(invoice, user) -> str:
    """The invoice page's export history: every real run that planned it, newest first."""
    if invoice is None or invoice.pk is None:
        return gettext("Not exported")
    items = list(history_of(invoice))
    if not items:
        return gettext("Not exported: no export run has included this invoice yet.")
    can_open_item = user.has_perm("exports.view_exportitem")
    head = format_html(
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        gettext("Export"), gettext("Result"), gettext("When"), gettext("Run"), gettext("Remote id"),
        gettext("Message"))
    rows = format_html_join("", "<tr class=\"state-{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td></tr>", (
        (item.state, item.export.name, _item_result(item, can_open_item), _when(item.updated_at),
         format_html('<a href="{}">#{}</a>', reverse("exports:run", args=[item.run_id]), item.run_id),
         item.remote_id, item.last_error_message or item.warning_message) for item in items))
    return format_html('<table class="export-history">{}<tbody>{}</tbody></table>', head, rows)


def _item_result(item, can_open_item):
    label = item.get_state_display()
    if not can_open_item:
        return label
    return format_html('<a href="{}">{}</a>', reverse("admin:exports_exportitem_change", args=[item.pk]), label)
