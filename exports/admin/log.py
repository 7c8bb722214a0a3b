"""Support's export log: runs, items and events, read-only for everyone, filterable and searchable."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import ReadOnlyAdminMixin

from ..models import ExportEvent, ExportItem, ExportRun
from ..services.messages import event_message
from ..services.run_report import outcome


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log is append-only: nobody adds, changes or deletes through the admin."""

    @admin.display(description=_("run"), ordering="run_id")
    def run_number(self, obj):
        # "#12" links the run page; the run's full name would take a column's width on every row.
        return format_html('<a href="{}">#{}</a>', reverse("exports:run", args=[obj.run_id]), obj.run_id)


class ItemInline(admin.TabularInline):
    model = ExportItem
    fields = ("invoice", "export", "state", "attempts", "remote_id", "last_error_code", "last_error_message")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice", "export")


@admin.register(ExportRun)
class ExportRunAdmin(ReadOnlyAdmin):
    # No scope column (the period column says it, blank for chosen invoices; the filter stays): the list
    # fits a 1400 px window.
    list_display = ("id", "created_at", "created_by", "period", "is_preview", "status_badge",
                    "to_export", "exported", "skipped", "failed", "open_run")
    list_filter = ("status", "is_preview", "scope", "items__export", "items__export__type", "created_at")
    search_fields = ("items__invoice__number", "items__invoice__customer__name", "items__invoice__customer__code",
                     "failure_message", "period__name")
    date_hierarchy = "created_at"
    inlines = [ItemInline]
    readonly_fields = [f.name for f in ExportRun._meta.fields if f.name not in ("lease_owner", "lease_expires")]
    exclude = ("lease_owner", "lease_expires")
    list_select_related = ("created_by", "period__office")

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, run):
        return outcome(run).label

    @admin.display(description="")
    def open_run(self, run):
        return format_html('<a href="{}">{}</a>', reverse("exports:run", args=[run.pk]), gettext("Open"))


class EventInline(admin.TabularInline):
    model = ExportEvent
    fields = ("created_at", "level", "code", "message", "attempt", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(ExportItem)
class ExportItemAdmin(ReadOnlyAdmin):
    # Attempts and the full message are on the item's page: the list keeps to one or two lines a row.
    list_display = ("id", "run_number", "invoice", "customer", "export", "state", "last_error_code",
                    "short_message", "updated_at")
    list_filter = ("state", "export", "export__type", "last_error_code", "is_preview", "updated_at")
    search_fields = ("invoice__number", "invoice__customer__name", "invoice__customer__code", "last_error_message",
                     "remote_id")
    list_select_related = ("invoice__customer", "export")
    readonly_fields = [f.name for f in ExportItem._meta.fields]
    inlines = [EventInline]

    @admin.display(description=_("customer"), ordering="invoice__customer__name")
    def customer(self, item):
        return item.invoice.customer.name

    @admin.display(description=_("message"))
    def short_message(self, item):
        # One or two lines a row, so a screen shows many items; the whole text is on the item's page.
        text = item.last_error_message or item.warning_message
        return format_html('<span title="{}">{}</span>', text, Truncator(text).chars(140))


@admin.register(ExportEvent)
class ExportEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "run_number", "invoice_number", "level", "code", "shown_message", "attempt",
                    "duration_ms")
    list_filter = ("level", "item__export", "item__export__type", "code", "item__state", "created_at")
    search_fields = ("message", "code", "item__invoice__number", "item__invoice__customer__name")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")  # newest first: support looks for what just happened
    list_select_related = ("item__invoice",)
    readonly_fields = [f.name for f in ExportEvent._meta.fields]

    @admin.display(description=_("message"))
    def shown_message(self, event):
        return event_message(event)

    @admin.display(description=_("invoice"), ordering="item__invoice__number")
    def invoice_number(self, event):
        return event.item.invoice.number if event.item_id else ""
