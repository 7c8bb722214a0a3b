"""Admin screens of the economy setup, named after Opter's windows and tabs, and of invoices."""
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import ReadOnlyAdminMixin, StorableAutocompleteMixin
from portal.import_admin import PortalImportExportMixin
from portal.widgets import OneDefaultFormMixin

from . import resources
from .admin_export_status import ExportStatusChangeList, ExportStatusFilter, history_table, status_cell
from .models import (
    Account,
    AccountCodingChart,
    AccountCodingChartAccount,
    AccountCodingEntry,
    Currency,
    EconomicUnit,
    ExchangeRate,
    Invoice,
    InvoiceLine,
    InvoicePeriod,
    Office,
    PaymentCondition,
    Region,
    TerminologyTag,
    VatRate,
)
from .services import validation
from .services.defaults import can_delete_default, make_default, save_keeping_one_default
from .services.invoices import recompute_totals
from .services.periods import PeriodCloseError, close_period, period_label, run_started_by_close

RUN_EXPORT_PERMISSION = "exports.run_export"
# The selected invoices travel in the query string of the plan page; beyond this many the URL gets
# longer than web servers accept, and exporting the period is the better tool anyway.
MAX_INVOICES_PER_EXPORT_LINK = 400
CLOSE_PERIOD_PERMISSION = "accounting.close_invoiceperiod"


def export_plan_url(**query) -> str:
    """The export engine's planning page: query invoice=[ids] for invoices, period=id for a period."""
    return f"{reverse('exports:plan')}?{urlencode(query, doseq=True)}"


class OneDefaultAdminMixin:
    """Admin half of "exactly one default": a Make default action and a save that keeps one default."""

    actions = ["make_default"]

    @admin.action(description=_("Make default"), permissions=["change"])
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one row to make it the default."), messages.ERROR)
            return
        chosen = make_default(queryset.get())
        self.message_user(request, gettext("%(object)s is now the default %(model)s.")
                          % {"object": chosen, "model": self.opts.verbose_name}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        ticked = obj.is_default
        try:
            save_keeping_one_default(obj)
        except ValidationError as exc:
            # The form refuses unticking the default; reaching here means someone else made this row
            # the default between validation and saving. Keep it the default and save the rest.
            obj.is_default = True
            save_keeping_one_default(obj)
            self.message_user(request, " ".join(exc.messages), messages.WARNING)
            return
        if obj.is_default and not ticked:
            self.message_user(request, gettext("%(object)s became the default %(model)s: there was none.")
                              % {"object": obj, "model": self.opts.verbose_name}, messages.INFO)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not can_delete_default(obj):
            return False
        return super().has_delete_permission(request, obj)


# --- Currencies and accounts --------------------------------------------------------------------


class ExchangeRateInline(admin.TabularInline):
    model = ExchangeRate
    extra = 0
    fields = ["valid_from", "rate"]
    verbose_name_plural = _("exchange rates")


@admin.register(Currency)
class CurrencyAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.CurrencyResource]
    list_display = ["code", "name", "latest_rate"]
    search_fields = ["code", "name"]
    inlines = [ExchangeRateInline]

    @admin.display(description=_("latest exchange rate"))
    def latest_rate(self, obj):
        rate = obj.rates.order_by("-valid_from").first()
        if rate is None:
            return "-"
        return gettext("%(rate)s from %(date)s") % {
            "rate": formats.localize(rate.rate), "date": formats.date_format(rate.valid_from, "SHORT_DATE_FORMAT")}


@admin.register(ExchangeRate)
class ExchangeRateAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.ExchangeRateResource]
    list_display = ["currency", "valid_from", "rate"]
    list_filter = ["currency"]
    date_hierarchy = "valid_from"
    search_fields = ["currency__code"]
    list_select_related = ["currency"]
    autocomplete_fields = ["currency"]


@admin.register(Account)
class AccountAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.AccountResource]
    list_display = ["number", "description", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["number", "description"]


@admin.register(VatRate)
class VatRateAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.VatRateResource]
    list_display = ["name", "code", "percentage", "is_eu_vat", "sales_account", "difference_account",
                    "sales_tax_account"]
    list_filter = ["is_eu_vat", "percentage"]
    search_fields = ["name", "code", "sales_account__number"]
    list_select_related = ["sales_account", "difference_account", "sales_tax_account"]
    autocomplete_fields = ["sales_account", "difference_account", "sales_tax_account"]
    fieldsets = [
        (None, {"fields": ["name", "code", "percentage", "is_eu_vat", "description"]}),
        (_("Accounts"), {"fields": ["sales_account", "difference_account", "sales_tax_account"],
                      "description": _("The final fallback of account coding: the sales account is used when "
                                     "neither the price item nor the customer names one.")}),
    ]


@admin.register(PaymentCondition)
class PaymentConditionAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.PaymentConditionResource]
    list_display = ["name", "days", "count_from_last_day_of_month"]
    list_filter = ["count_from_last_day_of_month"]
    search_fields = ["name"]


# --- Offices, regions, economic units -------------------------------------------------------------


@admin.register(Office)
class OfficeAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.OfficeResource]
    list_display = ["name", "code", "corporate_id", "vat_number", "country", "default_currency",
                    "ocr_number_type"]
    list_filter = ["country", "ocr_number_type", "default_currency"]
    search_fields = ["name", "code", "corporate_id", "vat_number"]
    list_select_related = ["default_currency"]
    autocomplete_fields = ["default_currency", "default_payment_condition"]
    fieldsets = [
        (_("General"), {"fields": ["name", "code", "corporate_id", "vat_number", "street", "postal_code", "city",
                                "country", "email", "logo"]}),
        (_("Invoice settings"), {"fields": ["ocr_number_type", "separate_invoice_numbers_for_regions"]}),
        (_("Payment"), {"fields": ["iban", "bic"],
                     "description": _("The IBAN must match a bank account in E-Financials.")}),
        (_("Pricing"), {"fields": ["default_currency", "default_payment_condition"]}),
        (_("Economy"), {"fields": ["economic_unit_name_1", "economic_unit_name_2", "economic_unit_name_3",
                                "economic_unit_name_4", "economic_unit_name_5"],
                     "description": _("Economic unit names (profit centres): projects in E-Financials, "
                                    "dimensions in Netvisor and Procountor.")}),
    ]


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["office", "name", "code", "corporate_id", "vat_number", "street", "postal_code", "city",
                  "country", "email", "logo", "iban", "bic", "iban_for_all_regions"]

    def clean(self):
        cleaned_data = super().clean()
        office = cleaned_data.get("office")
        if office and cleaned_data.get("iban_for_all_regions"):
            other = (Region.objects.filter(office=office, iban_for_all_regions=True)
                     .exclude(pk=self.instance.pk).first())
            if other:
                self.add_error("iban_for_all_regions",
                               gettext("The region %(region)s already has IBAN for all regions ticked; only "
                                       "one region of an office can. Untick it there first.")
                               % {"region": other.name})
        return cleaned_data


@admin.register(Region)
class RegionAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.RegionResource]
    form = RegionForm
    list_display = ["name", "office", "code", "corporate_id", "iban", "iban_for_all_regions"]
    list_filter = ["office", "iban_for_all_regions", "country"]
    search_fields = ["name", "code", "corporate_id", "vat_number", "iban"]
    list_select_related = ["office"]
    fieldsets = [
        (_("General"), {"fields": ["office", "name", "code", "corporate_id", "vat_number", "street",
                                "postal_code", "city", "country", "email", "logo"]}),
        (_("Payment information"), {
            "fields": ["iban", "bic", "iban_for_all_regions"],
            "description": _("The IBAN must match a bank account in E-Financials.")}),
    ]


@admin.register(EconomicUnit)
class EconomicUnitAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.EconomicUnitResource]
    list_display = ["code", "name", "level", "office", "parent"]
    list_filter = ["office", "level"]
    search_fields = ["code", "name"]
    list_select_related = ["office", "parent"]
    autocomplete_fields = ["parent"]


# --- Account coding charts ----------------------------------------------------------------------


class AccountCodingChartForm(OneDefaultFormMixin, forms.ModelForm):
    class Meta:
        model = AccountCodingChart
        fields = ["name", "valid_from", "valid_to", "is_default"]

    def clean(self):
        cleaned_data = super().clean()
        valid_from, valid_to = cleaned_data.get("valid_from"), cleaned_data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("Valid to must be on or after valid from."))
        return cleaned_data


class AccountCodingChartAccountInline(StorableAutocompleteMixin, admin.TabularInline):
    model = AccountCodingChartAccount
    extra = 0
    fields = ["role", "account"]
    autocomplete_fields = ["account"]
    verbose_name_plural = _("accounts (accounts receivable, e.g. 1210)")


@admin.register(AccountCodingChart)
class AccountCodingChartAdmin(PortalImportExportMixin, OneDefaultAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.AccountCodingChartResource]
    form = AccountCodingChartForm
    list_display = ["name", "is_default", "valid_from", "valid_to", "receivable_accounts"]
    list_filter = ["is_default"]
    search_fields = ["name", "accounts__account__number"]
    inlines = [AccountCodingChartAccountInline]
    fields = ["name", "valid_from", "valid_to", "is_default"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("accounts__account")

    @admin.display(description=_("accounts receivable"))
    def receivable_accounts(self, obj):
        return ", ".join(a.account.number for a in obj.accounts.all() if a.role == "receivable") or "-"


@admin.register(AccountCodingChartAccount)
class AccountCodingChartAccountAdmin(StorableAutocompleteMixin, admin.ModelAdmin):
    list_display = ["chart", "role", "account"]
    list_filter = ["chart", "role"]
    search_fields = ["chart__name", "account__number", "account__description"]
    list_select_related = ["chart", "account"]
    autocomplete_fields = ["account"]


# --- Terminology ----------------------------------------------------------------------------------


class TerminologyTagForm(forms.ModelForm):
    class Meta:
        model = TerminologyTag
        fields = ["key", "language", "office", "text"]

    def clean(self):
        cleaned_data = super().clean()
        # The database treats blank office as "every office"; two such rows for the same key and
        # language are refused with this message instead of a constraint name.
        key, language = cleaned_data.get("key"), cleaned_data.get("language", "")
        if key and not cleaned_data.get("office"):
            clash = TerminologyTag.objects.filter(key=key, language=language, office__isnull=True)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("key", gettext("%(key)s already has a text for every office in this language; "
                                              "change that one, or pick an office.") % {"key": key})
        return cleaned_data


@admin.register(TerminologyTag)
class TerminologyTagAdmin(admin.ModelAdmin):
    form = TerminologyTagForm
    list_display = ["key", "language", "office", "text"]
    list_filter = ["language", "office"]
    search_fields = ["key", "text"]
    list_select_related = ["office"]


# --- Invoice periods, invoices, account coding ----------------------------------------------------


class PeriodStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(closed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


class ExportActionsMixin:
    """Permission hook for the actions that hand invoices to the export engine."""

    def has_run_export_permission(self, request):
        return request.user.has_perm(RUN_EXPORT_PERMISSION)


@admin.register(InvoicePeriod)
class InvoicePeriodAdmin(ExportActionsMixin, admin.ModelAdmin):
    list_display = ["name", "office", "region", "until_date", "invoice_count", "is_closed", "closed_at",
                    "closed_by"]
    list_filter = [PeriodStateFilter, "office", "region", "until_date"]
    search_fields = ["name"]
    date_hierarchy = "until_date"
    list_select_related = ["office", "region", "closed_by"]
    readonly_fields = ["created_at", "closed_at", "closed_by", "invoice_count"]
    fields = ["office", "region", "name", "until_date", "invoice_count", "created_at", "closed_at",
              "closed_by"]
    actions = ["export_invoices", "close_periods"]
    change_form_template = "admin/accounting/invoiceperiod/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_invoices=Count("invoices"))

    @admin.display(description=_("invoices"), ordering="number_of_invoices")
    def invoice_count(self, obj):
        count = getattr(obj, "number_of_invoices", None)
        if count is None:
            count = obj.invoices.count() if obj.pk else 0
        if not obj.pk:
            return count
        url = f"{reverse('admin:accounting_invoice_changelist')}?period__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("closed"), boolean=True, ordering="closed_at")
    def is_closed(self, obj):
        return obj.is_closed

    def has_close_permission(self, request):
        return request.user.has_perm(CLOSE_PERIOD_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_closed:
            # A closed period's account coding was made from these values.
            return [*self.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_closed:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Export invoices"), permissions=["run_export"])
    def export_invoices(self, request, queryset):
        periods = list(queryset[:2])
        if len(periods) != 1:
            self.message_user(request, _("Select one invoice period to export; to export invoices of several "
                                       "periods, select them in the invoice list."), messages.ERROR)
            return None
        return HttpResponseRedirect(export_plan_url(period=periods[0].pk))

    @admin.action(description=_("Close period"), permissions=["close"])
    def close_periods(self, request, queryset):
        for period in queryset.order_by("until_date", "pk"):
            try:
                entries = close_period(period, user=request.user)
            except PeriodCloseError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(request, self._closed_message(period, len(entries)), messages.SUCCESS)

    @staticmethod
    def _closed_message(period, entry_count):
        """Closed, how much coding was made, and which export started, linking its run."""
        closed = gettext("The invoice period %(period)s was closed: %(count)s account coding entries were "
                         "created.") % {"period": period_label(period), "count": entry_count}
        run = run_started_by_close(period)
        if run is None:
            return format_html("{} {}", closed, gettext("No export was started."))
        names = list(run.items.order_by("export__name").values_list("export__name", flat=True).distinct())
        link = format_html('<a href="{}">{}</a>', reverse("exports:run", args=[run.pk]),
                           gettext("run #%(number)s") % {"number": run.pk})
        if not names:
            return format_html("{} {} ({}): {}", closed, gettext("Its export could not start"), link,
                               run.failure_message)
        started = ngettext("Its export to %(exports)s started:", "Its exports to %(exports)s started:",
                           len(names)) % {"exports": ", ".join(names)}
        return format_html("{} {} {}.", closed, started, link)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.has_run_export_permission(request):
            period = self.get_object(request, object_id)
            if period is not None:
                extra_context["export_url"] = export_plan_url(period=period.pk)
        return super().change_view(request, object_id, form_url, extra_context)


class InvoiceForm(forms.ModelForm):
    """The invoice's own fields meet the invoice validation (exchange rate, due date, credited invoice)."""

    def _post_clean(self):
        super()._post_clean()
        if not self.fields:
            return  # a closed period's invoice: nothing here can change
        for problem in validation.check_header(self.instance):
            self.add_error(problem.field if problem.field in self.fields else None, problem.sentence)


class InvoiceLineFormSet(forms.BaseInlineFormSet):
    """Each line meets the invoice validation: amount = quantity x unit price, negative only on a credit
    invoice (the invoice form's values decide whether it is one). The totals are recomputed on save."""

    def clean(self):
        super().clean()
        credit = self.instance.credited_invoice_id is not None
        for form in self.forms:
            empty_extra = form.instance.pk is None and not form.has_changed()
            if empty_extra or form.errors or (self.can_delete and self._should_delete_form(form)):
                continue
            for problem in validation.check_line(form.instance, credit=credit):
                form.add_error(problem.field if problem.field in form.fields else None, problem.sentence)


class InvoiceLineInline(StorableAutocompleteMixin, admin.TabularInline):
    model = InvoiceLine
    formset = InvoiceLineFormSet
    extra = 0
    fields = ["position", "order_number", "sender_reference", "receiver_reference", "item_name", "quantity",
              "unit", "unit_price", "amount", "vat_rate", "account", "economic_units"]
    autocomplete_fields = ["vat_rate", "account", "economic_units"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Twelve columns share the form's width: the lines offer no add / change / view buttons beside
        # their VAT rate and account (those are kept on their own pages).
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
            if hasattr(widget, flag):
                setattr(widget, flag, False)
        return formfield

    def _period_closed(self, obj):
        return obj is not None and obj.period_id is not None and obj.period.is_closed

    def has_add_permission(self, request, obj=None):
        return not self._period_closed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._period_closed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._period_closed(obj) and super().has_delete_permission(request, obj)


@admin.register(Invoice)
class InvoiceAdmin(PortalImportExportMixin, ExportActionsMixin, admin.ModelAdmin):
    resource_classes = [resources.InvoiceLineResource]
    # No office column: the period names its office, and the office filter stays.
    list_display = ["number", "customer", "period", "invoice_date", "due_date", "currency", "total", "export_status"]
    list_filter = [ExportStatusFilter, "office", "period", "currency", "invoice_date"]
    search_fields = ["=number", "customer__code", "customer__name", "customer__corporate_id",
                     "reference_number", "your_reference"]
    date_hierarchy = "invoice_date"
    list_select_related = ["customer", "office", "period__office", "period__region", "currency"]
    autocomplete_fields = ["customer", "period", "region", "payment_condition", "currency"]
    form = InvoiceForm
    inlines = [InvoiceLineInline]
    actions = ["export_invoices"]
    totals = ["net_amount", "vat_amount", "total"]
    fieldsets = [
        (None, {"fields": ["number", "office", "region", "period", "customer"]}),
        (_("Dates and payment"), {"fields": ["invoice_date", "due_date", "payment_condition", "reference_number",
                                          "your_reference"]}),
        (_("Amounts"), {"fields": ["currency", "exchange_rate", *totals],
                     "description": _("Totals are computed from the lines when the invoice is saved.")}),
    ]
    change_form_template = "admin/accounting/invoice/change_form.html"

    def get_changelist(self, request, **kwargs):
        return ExportStatusChangeList

    @admin.display(description=_("export status"))
    def export_status(self, obj):
        return status_cell(obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.period_id is not None and obj.period.is_closed:
            # The account coding of a closed period was made from this invoice: correct it with a
            # correction invoice instead.
            return [field for _, options in self.fieldsets for field in options["fields"]]
        return self.totals

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invoice = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "export_history": history_table(invoice, request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.period_id is not None and obj.period.is_closed:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        recompute_totals(form.instance)

    @admin.action(description=_("Export invoices"), permissions=["run_export"])
    def export_invoices(self, request, queryset):
        invoice_ids = list(queryset.order_by("number").values_list("pk", flat=True)
                           [:MAX_INVOICES_PER_EXPORT_LINK + 1])
        if len(invoice_ids) > MAX_INVOICES_PER_EXPORT_LINK:
            limit = MAX_INVOICES_PER_EXPORT_LINK
            self.message_user(request, gettext("Export at most %(limit)s invoices at once, or export their "
                                               "invoice period from the invoice periods list.")
                              % {"limit": limit}, messages.ERROR)
            return None
        return HttpResponseRedirect(export_plan_url(invoice=invoice_ids))


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lines are edited on their invoice, where the totals are recomputed; this list is for finding them."""

    list_display = ["invoice", "position", "order_number", "item_name", "quantity", "unit_price", "amount",
                    "vat_rate", "account"]
    list_filter = ["vat_rate", "invoice__office", "invoice__period"]
    search_fields = ["=invoice__number", "order_number", "item_name", "sender_reference",
                     "receiver_reference"]
    list_select_related = ["invoice", "vat_rate", "account"]


@admin.register(AccountCodingEntry)
class AccountCodingEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Account coding is created when a period closes and is never edited by hand."""

    list_display = ["invoice", "period", "account", "vat_rate", "debit", "credit", "economic_unit", "text"]
    list_filter = ["period", "account", "vat_rate"]
    search_fields = ["=invoice__number", "account__number", "text"]
    list_select_related = ["invoice", "period", "account", "vat_rate", "economic_unit"]

    @admin.display(description=_("debit"))
    def debit(self, obj):
        return obj.debit or ""

    @admin.display(description=_("credit"))
    def credit(self, obj):
        return obj.credit or ""
