"""Spreadsheet columns of customers: the General, Details and Invoice information tabs in one row.

A customer is found again by its customer code. Related rows are named by their key: office code,
region code (within the office), export setting name, payment condition name, currency code.
sales_accounts is the Account coding tab as "VAT code:account" items, e.g. "24:3100; 0:3520".
"""
from import_export.fields import Field

from accounting.models import Account, Currency, Office, PaymentCondition, Region, VatRate
from exports.models import InvoiceExportSetting
from portal.importexport import (
    KeyWidget,
    NaturalKeyInstanceLoader,
    PortalResource,
    RelatedSetField,
    TextWidget,
    cell_list,
)

from .models import Customer, CustomerSalesAccount


class CustomerSalesAccounts(RelatedSetField):
    """The customer's sales account per VAT rate: "24:3100; 0:3520"."""

    def read(self, instance):
        if "sales_accounts" in getattr(instance, "_prefetched_objects_cache", {}):  # an export
            return frozenset((s.vat_rate.code, s.account.number) for s in instance.sales_accounts.all())
        return frozenset(CustomerSalesAccount.objects.filter(customer=instance)
                         .values_list("vat_rate__code", "account__number"))

    def render_item(self, item):
        return f"{item[0]}:{item[1]}"

    def parse(self, value, row, instance):
        pairs = []
        for item in cell_list(value, quoted_text_allowed=False):
            vat_code, _, number = (part.strip() for part in item.partition(":"))
            if not vat_code or not number:
                raise ValueError(f"{item!r} is not VAT code:account, e.g. 24:3100.")
            pairs.append((vat_code, number))
        codes = [code for code, _ in pairs]
        if len(set(codes)) != len(codes):
            raise ValueError("Name each VAT rate once: a customer has one sales account per VAT rate.")
        known_codes = set(VatRate.objects.filter(code__in=codes).values_list("code", flat=True))
        known_numbers = set(Account.objects.filter(number__in=[n for _, n in pairs])
                            .values_list("number", flat=True))
        for code, number in pairs:
            if code not in known_codes:
                raise ValueError(f"Unknown VAT rate {code!r}: add it under VAT rates first.")
            if number not in known_numbers:
                raise ValueError(f"Unknown account {number!r}: add it under Accounts first.")
        return frozenset(pairs)

    def write(self, instance, value):
        current = self.read(instance)
        if current == value:
            return
        wanted = dict(value)
        CustomerSalesAccount.objects.filter(customer=instance).exclude(vat_rate__code__in=wanted).delete()
        vat_rates = {v.code: v for v in VatRate.objects.filter(code__in=wanted)}
        accounts = {a.number: a for a in Account.objects.filter(number__in=wanted.values())}
        for code, number in wanted.items():
            CustomerSalesAccount.objects.update_or_create(
                customer=instance, vat_rate=vat_rates[code], defaults={"account": accounts[number]})


class CustomerResource(PortalResource):
    office = Field(attribute="office", column_name="office", widget=KeyWidget(Office, "code"))
    region = Field(attribute="region", column_name="region",
                   widget=KeyWidget(Region, "code", scope={"office__code": "office"}))
    code = Field(attribute="code", column_name="code", widget=TextWidget(code=True))
    export_setting = Field(attribute="export_setting", column_name="export_setting",
                           widget=KeyWidget(InvoiceExportSetting, "name"))
    payment_condition = Field(attribute="payment_condition", column_name="payment_condition",
                              widget=KeyWidget(PaymentCondition, "name"))
    currency = Field(attribute="currency", column_name="currency", widget=KeyWidget(Currency, "code"))
    sales_accounts = CustomerSalesAccounts(column_name="sales_accounts")

    class Meta:
        model = Customer
        fields = (
            # General
            "code", "name", "office", "region", "sales_ledger_number", "corporate_id", "country",
            # Details
            "vat_number", "edi_code", "ovt_number",
            # Invoice information
            "invoice_name", "invoice_address", "invoice_address2", "invoice_postal_code", "invoice_city",
            "invoice_country", "invoice_email", "export_setting", "payment_condition", "currency", "language",
            # Account coding
            "sales_accounts",
        )
        import_id_fields = ("code",)
        instance_loader_class = NaturalKeyInstanceLoader

    def get_queryset(self):
        return Customer.objects.select_related("office", "region", "export_setting", "payment_condition",
                                               "currency")

    def export(self, queryset=None, **kwargs):
        queryset = self.get_queryset() if queryset is None else queryset
        queryset = queryset.prefetch_related("sales_accounts__vat_rate", "sales_accounts__account")
        return super().export(queryset, **kwargs)
