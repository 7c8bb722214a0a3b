"""The invoice export setup screens: Invoice export (General, File transfer, Codes) and Invoice export
settings (groups of exports)."""
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounting.admin import OneDefaultAdminMixin
from portal.import_admin import PortalImportExportMixin

from .. import form_layout, resources
from ..forms import CodeTranslationForm, InvoiceExportForm, InvoiceExportSettingForm
from ..models import SECRET_FIELDS, CodeTranslation, InvoiceExport, InvoiceExportSetting

CHECK_SETUP_PERMISSION = "exports.check_setup"


def secret_status(export: InvoiceExport, name: str) -> str:
    """ "set on <date>" or "not set": all the admin ever shows of a secret."""
    if not getattr(export, name):
        return gettext("not set")
    set_at = getattr(export, f"{name}_set_at")
    if set_at is None:
        return gettext("set")
    return gettext("set on %(date)s") % {"date": formats.date_format(timezone.localtime(set_at), "DATETIME_FORMAT")}


class CodeTranslationInline(admin.TabularInline):
    model = CodeTranslation
    form = CodeTranslationForm
    extra = 0
    fields = ["kind", "vat_rate", "payment_condition", "code"]
    verbose_name = _("code")
    verbose_name_plural = (_("Codes (Opter's VAT rates and payment conditions, and the target system's code "
                           "for each)"))


@admin.register(InvoiceExport)
class InvoiceExportAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.InvoiceExportResource]
    form = InvoiceExportForm
    list_display = ["name", "type", "office", "is_active", "credentials", "updated_at"]
    list_filter = ["type", "is_active", "office", "transfer_method"]
    search_fields = ["name", "user_id", "customer_code", "office_code", "client_identity"]
    list_select_related = ["office"]
    inlines = [CodeTranslationInline]
    readonly_fields = ["password_status", "client_key_status", "api_token_status", "updated_at"]
    change_form_template = "admin/exports/invoiceexport/change_form.html"
    fieldsets = [(title, {"fields": list(names)}) for _tab, _slug, title, names in form_layout.TABS if names]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Bound to the session, the form keeps a secret typed before a failed validation (encrypted).
        return super().get_form(request, obj, change, **kwargs).for_session(request.session)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.forget_kept_secrets()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
        tabs = form_layout.tab_states(form, formsets)
        context.update({
            "export_tabs": tabs,
            # The fieldsets are General and File transfer, in the order of the tabs.
            "export_panels": list(zip(context["adminform"], tabs, strict=False)),
            "export_type_layouts": {"rendered": form.target.type if form.target else "",
                                    "types": form_layout.layouts()},
            "shown_fields": self._shown_with_status(form),
            "required_fields": form.required_fields,
        })
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _shown_with_status(form) -> list[str]:
        """The fields the page shows for the type, with the read-only stand-ins of secrets."""
        shown = list(form.shown_fields)
        return shown + [f"{name}_status" for name in SECRET_FIELDS if name in shown]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj) or (obj is None and self.has_add_permission(request)):
            return fieldsets
        # A read-only page would show the decrypted value of a model field: show its status instead.
        status = {name: f"{name}_status" for name in SECRET_FIELDS}
        return [(title, {**options, "fields": [status.get(f, f) for f in options["fields"]]})
                for title, options in fieldsets]

    @admin.display(description=_("password"))
    def password_status(self, obj):
        return secret_status(obj, "password")

    @admin.display(description=_("client key"))
    def client_key_status(self, obj):
        return secret_status(obj, "client_key")

    @admin.display(description=_("API token"))
    def api_token_status(self, obj):
        return secret_status(obj, "api_token")

    @admin.display(description=_("secrets stored"))
    def credentials(self, obj):
        stored = [str(InvoiceExport._meta.get_field(name).verbose_name)
                  for name in SECRET_FIELDS if getattr(obj, name)]
        return ", ".join(stored) or gettext("none")

    def has_check_setup_permission(self, request):
        return request.user.has_perm(CHECK_SETUP_PERMISSION)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.has_check_setup_permission(request):
            export = self.get_object(request, object_id)
            if export is not None:
                extra_context["check_setup_url"] = reverse("exports:check_setup", args=[export.pk])
        export = self.get_object(request, object_id)
        if export is not None and export.target.setup_links:
            extra_context["setup_links"] = import_string(export.target.setup_links)(export)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(InvoiceExportSetting)
class InvoiceExportSettingAdmin(PortalImportExportMixin, OneDefaultAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.InvoiceExportSettingResource]
    form = InvoiceExportSettingForm
    list_display = ["name", "is_default", "export_names", "customer_count"]
    list_filter = ["is_default", "exports"]
    search_fields = ["name", "exports__name"]
    fields = ["name", "is_default", "exports"]

    def get_queryset(self, request):
        return (super().get_queryset(request).annotate(number_of_customers=Count("customers", distinct=True))
                .prefetch_related("exports"))

    @admin.display(description=_("exports"))
    def export_names(self, obj):
        return ", ".join(export.name for export in obj.exports.all()) or "-"

    @admin.display(description=_("customers"), ordering="number_of_customers")
    def customer_count(self, obj):
        return obj.number_of_customers


@admin.register(CodeTranslation)
class CodeTranslationAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.CodeTranslationResource]
    form = CodeTranslationForm
    list_display = ["export", "kind", "opter_object", "code"]
    list_filter = ["export", "kind"]
    search_fields = ["export__name", "code", "vat_rate__name", "payment_condition__name"]
    list_select_related = ["export", "vat_rate", "payment_condition"]
    fields = ["export", "kind", "vat_rate", "payment_condition", "code"]

    @admin.display(description=_("name (Opter)"))
    def opter_object(self, obj):
        return obj.opter_object
