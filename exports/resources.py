"""Spreadsheet columns of invoice exports, their Codes tab and the export setting groups.

Secrets never leave or enter through a spreadsheet: the export resource lists its columns one by one
and ``SECRET_FIELDS`` (password, client key, API token) and their "set at" dates are not among them.
An imported new export therefore has no credentials until an administrator types them in the admin.
"""
from import_export.fields import Field

from accounting.models import Office, PaymentCondition, VatRate
from portal.importexport import (
    KeyWidget,
    NaturalKeyInstanceLoader,
    PortalResource,
    RelatedSetField,
    TextWidget,
    cell_list,
    cell_text,
    one_default_problem,
)

from .models import CodeKind, CodeTranslation, InvoiceExport, InvoiceExportSetting


class InvoiceExportResource(PortalResource):
    name = Field(attribute="name", column_name="name", widget=TextWidget(code=True))
    office = Field(attribute="office", column_name="office", widget=KeyWidget(Office, "code"))

    class Meta:
        model = InvoiceExport
        fields = ("name", "office", "type", "report", "encoding", "user_id", "customer_code", "office_code",
                  "start_text", "include_pdf_copy", "reduce_pdf_file_size", "use_customer_number",
                  "one_file_per_invoice", "transfer_method", "base_url", "client_identity", "request_timeout",
                  "is_active")
        import_id_fields = ("name",)
        instance_loader_class = NaturalKeyInstanceLoader

    def get_queryset(self):
        return InvoiceExport.objects.select_related("office")



class CodeTranslationResource(PortalResource):
    """The Codes tab: export name, kind, the Opter object (a VAT rate code or a payment condition name)
    and the target system's code for it. A row is found again by export + kind + Opter object."""

    export = Field(attribute="export", column_name="export",
                   widget=KeyWidget(InvoiceExport, "name", label="invoice export"))
    opter_object = Field(attribute=None, column_name="opter_object", widget=TextWidget(code=True))

    class Meta:
        model = CodeTranslation
        fields = ("export", "kind", "opter_object", "code")
        import_id_fields = ("export", "kind", "opter_object")

    KINDS = {CodeKind.TAX_RATE: ("vat_rate", VatRate, "code", "VAT rate"),
             CodeKind.PAYMENT_CONDITION: ("payment_condition", PaymentCondition, "name", "payment condition")}

    def get_queryset(self):
        return CodeTranslation.objects.select_related("export", "vat_rate", "payment_condition")

    def dehydrate_opter_object(self, translation):
        obj = translation.opter_object
        return "" if obj is None else getattr(obj, self.KINDS[translation.kind][2])

    def _opter_object(self, row):
        """(kind, attribute, object) named by the row; ValueError names what is wrong."""
        kind = self.fields["kind"].widget.clean(row.get("kind"), row) or CodeKind.TAX_RATE
        attribute, model, key, label = self.KINDS[kind]
        name = cell_text(row.get("opter_object"), quoted_text_allowed=False)
        if not name:
            raise ValueError(f"Enter the {label} ({key}).")
        obj = model.objects.filter(**{key: name}).first()
        if obj is None:
            raise ValueError(f"Unknown {label} {name!r}: add it first, or import its file before this one.")
        return kind, attribute, obj

    def get_instance(self, instance_loader, row):
        try:
            export = self.fields["export"].widget.clean(row.get("export"), row)
            kind, attribute, obj = self._opter_object(row)
        except ValueError:
            return None  # the row's own check names the column
        return self.get_queryset().filter(export=export, kind=kind, **{attribute: obj}).first()

    def check_row(self, instance, row, errors):
        if "kind" in errors:
            return {}
        try:
            kind, attribute, obj = self._opter_object(row)
        except ValueError as exc:
            return {"opter_object": str(exc)}
        instance.kind = kind
        instance.vat_rate = obj if attribute == "vat_rate" else None
        instance.payment_condition = obj if attribute == "payment_condition" else None
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # The Opter object has no attribute of its own, so compare it here.
        if (instance.vat_rate_id, instance.payment_condition_id) != (original.vat_rate_id,
                                                                      original.payment_condition_id):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)


class SettingExports(RelatedSetField):
    """The exports of a group by name: "Netvisor (API); Procountor (API)"."""

    def read(self, instance):
        return frozenset(instance.exports.values_list("name", flat=True))

    def parse(self, value, row, instance):
        names = cell_list(value, quoted_text_allowed=False)
        known = set(InvoiceExport.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [name for name in names if name not in known]
        if unknown:
            raise ValueError(f"Unknown invoice export {', '.join(map(repr, unknown))}: add it first, or "
                             f"import the invoice exports file before this one.")
        return frozenset(names)

    def write(self, instance, value):
        if self.read(instance) != value:
            instance.exports.set(InvoiceExport.objects.filter(name__in=value))


class InvoiceExportSettingResource(PortalResource):
    name = Field(attribute="name", column_name="name", widget=TextWidget(code=True))
    exports = SettingExports(column_name="exports")

    class Meta:
        model = InvoiceExportSetting
        fields = ("name", "is_default", "exports")
        import_id_fields = ("name",)
        instance_loader_class = NaturalKeyInstanceLoader

    def check_row(self, instance, row, errors):
        return one_default_problem(instance)
