"""The Customers window ("Kliendid"): General, Details, Invoice information tabs and Account coding."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import StorableAutocompleteMixin
from portal.import_admin import PortalImportExportMixin

from .models import Customer, CustomerSalesAccount
from .resources import CustomerResource


class CustomerSalesAccountInline(StorableAutocompleteMixin, admin.TabularInline):
    model = CustomerSalesAccount
    extra = 0
    fields = ["vat_rate", "account"]
    autocomplete_fields = ["vat_rate", "account"]
    verbose_name = _("sales account")
    verbose_name_plural = _("Account coding (one sales account per VAT rate)")


@admin.register(Customer)
class CustomerAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [CustomerResource]
    list_display = ["code", "name", "office", "region", "sales_ledger_number", "corporate_id", "vat_number",
                    "country", "export_setting"]
    list_filter = ["office", "region", "country", "export_setting", "language", "currency"]
    search_fields = ["code", "name", "invoice_name", "corporate_id", "vat_number", "=sales_ledger_number",
                     "invoice_email"]
    list_select_related = ["office", "region", "export_setting"]
    autocomplete_fields = ["office", "region", "payment_condition", "currency"]
    inlines = [CustomerSalesAccountInline]
    fieldsets = [
        (_("General"), {"fields": ["office", "region", "code", "name", "sales_ledger_number", "corporate_id",
                                "country"]}),
        (_("Details"), {"fields": ["vat_number", "edi_code", "ovt_number"]}),
        (_("Invoice information"), {"fields": [
            "invoice_name", "invoice_address", "invoice_address2", "invoice_postal_code", "invoice_city",
            "invoice_country", "invoice_email", "export_setting", "payment_condition", "currency",
            "language"]}),
    ]


@admin.register(CustomerSalesAccount)
class CustomerSalesAccountAdmin(StorableAutocompleteMixin, admin.ModelAdmin):
    list_display = ["customer", "vat_rate", "account"]
    list_filter = ["vat_rate"]
    search_fields = ["customer__code", "customer__name", "account__number"]
    list_select_related = ["customer", "vat_rate", "account"]
    autocomplete_fields = ["customer", "vat_rate", "account"]
