"""Forms of the invoice export screens.

InvoiceExportForm checks, per export type, the fields Opter's help article for that target says must
be filled in, with the article's wording in the help text and in the error. Secrets are write-only.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from accounting.validators import validate_finnish_business_id
from portal.widgets import OneDefaultFormMixin, SecretInput, WriteOnlySecretField

from .models import (
    SECRET_FIELDS,
    CodeKind,
    CodeTranslation,
    Encoding,
    ExportType,
    InvoiceExport,
    InvoiceExportSetting,
    Report,
    TransferMethod,
)
from .start_text import StartTextError, describe_parameters, parse_start_text


@dataclass(frozen=True)
class Filled:
    """The field must hold a value; ``meaning`` is what the article says goes into it."""

    field: str
    meaning: str
    validator: Callable[[str], None] | None = None


@dataclass(frozen=True)
class Equals:
    """The field must have exactly this value."""

    field: str
    value: object
    shown_as: str


@dataclass(frozen=True)
class TypeRequirements:
    article: str
    rules: tuple[Filled | Equals, ...]


UTF8 = Equals("encoding", Encoding.UTF8, "UTF-8")
REPORT_NONE = Equals("report", Report.NONE, "None")

# The wording follows Opter's help articles (the "seeds"): E-Financials step 2, Netvisor step 2,
# Procountor step 2, Visma e-conomic steps 2-3, Heeros step 1. Where the article is silent and the
# vendor's API documentation decided the mapping, the meaning says UNCONFIRMED.
REQUIREMENTS: dict[str, TypeRequirements] = {
    ExportType.EFINANCIALS: TypeRequirements(
        article="Invoice export to E-Financials (API), step 2",
        rules=(
            REPORT_NONE,
            UTF8,
            Filled("password", 'the API key password ("API Key Password") from the key file of E-Financials'),
            Filled("client_identity", 'the API key ("API Key Id") from the key file of E-Financials'),
            Filled("client_key", 'the public API key ("API Public Key") from the key file of E-Financials'),
        ),
    ),
    ExportType.NETVISOR: TypeRequirements(
        article="Exporting invoices to Netvisor (API), step 2",
        rules=(
            UTF8,
            Filled("user_id", "the username of the API user account created in Netvisor"),
            Filled("password", "the API key of the API user account created in Netvisor"),
            Filled("office_code", "your corporate ID number (Finnish business ID, e.g. 1234567-8)",
                   validator=validate_finnish_business_id),
        ),
    ),
    ExportType.PROCOUNTOR: TypeRequirements(
        article="Invoice export to Procountor (API), step 2",
        rules=(
            REPORT_NONE,
            UTF8,
            Filled("password", "the API key created in Procountor for the m2m user"),
            Filled("client_identity", "the client ID (client_id) of the integration registered with "
                                      "Procountor; UNCONFIRMED: Opter's article names only the API key, "
                                      "Procountor's M2M login also needs the client ID and secret"),
            Filled("client_key", "the client secret (client_secret) of the integration registered with "
                                 "Procountor; UNCONFIRMED, as for the client ID"),
        ),
    ),
    ExportType.ECONOMIC: TypeRequirements(
        article="Exporting invoices to Visma e-conomic, steps 2-3",
        rules=(
            UTF8,
            Filled("api_token", "the app token created in Visma e-conomic in step 2 (the agreement grant "
                                "token, sent as X-AgreementGrantToken)"),
            Filled("password", "the app secret token of the integrating app (sent as X-AppSecretToken); "
                               "UNCONFIRMED: Opter's article does not name the field that holds it"),
        ),
    ),
    ExportType.XMLSERIALIZER: TypeRequirements(
        article="Exporting invoices to Heeros (API), step 1",
        rules=(
            REPORT_NONE,
            UTF8,
            Filled("customer_code", 'the customer code from Heeros, "la_id" or "end customer id" '
                                    "(loppuasiakastunnus)"),
            Filled("office_code", 'the office code from Heeros, "tt_id" or "accounting customer id" '
                                  "(tilitoimistotunnus)"),
            Equals("one_file_per_invoice", True, "ticked"),
            Equals("transfer_method", TransferMethod.HEEROS_API, "Heeros API"),
            Filled("client_identity", 'the Heeros API user identity ("Heeros user name")'),
            Filled("client_key", 'the Heeros API key ("Heeros password")'),
        ),
    ),
}


def type_label(export_type: str) -> str:
    return ExportType(export_type).label if export_type in ExportType.values else export_type


def field_label(name: str) -> str:
    return capfirst(InvoiceExport._meta.get_field(name).verbose_name)


def missing_message(export_type: str, rule: Filled) -> str:
    article = REQUIREMENTS[export_type].article
    return f"{type_label(export_type)} needs {field_label(rule.field)}: {rule.meaning} ({article})."


def mismatch_message(export_type: str, rule: Equals) -> str:
    article = REQUIREMENTS[export_type].article
    return f"{type_label(export_type)} needs {field_label(rule.field)} {rule.shown_as} ({article})."


def field_help(name: str):
    """The field's own help, then what each export type's article says goes into it."""
    model_help = InvoiceExport._meta.get_field(name).help_text
    per_type = [(type_label(export_type), rule.meaning)
                for export_type, requirements in REQUIREMENTS.items()
                for rule in requirements.rules if isinstance(rule, Filled) and rule.field == name]
    if not per_type:
        return model_help
    lines = [format_html("<strong>{}</strong>: {}", label, meaning) for label, meaning in per_type]
    if model_help:
        lines.insert(0, conditional_escape(model_help))
    return mark_safe("<br>".join(lines))  # noqa: S308 - every part is escaped above


def start_text_help():
    lines = [conditional_escape(InvoiceExport._meta.get_field("start_text").help_text)]
    lines += [format_html("<strong>{}</strong>: {}", label, describe_parameters(value))
              for value, label in ExportType.choices]
    return mark_safe("<br>".join(lines))  # noqa: S308 - every part is escaped above


class InvoiceExportForm(forms.ModelForm):
    """General / File transfer fields of an invoice export, with write-only secrets."""

    base_url = forms.URLField(
        label=capfirst(InvoiceExport._meta.get_field("base_url").verbose_name),
        max_length=InvoiceExport._meta.get_field("base_url").max_length, required=False,
        assume_scheme="https",
        help_text=InvoiceExport._meta.get_field("base_url").help_text)

    class Meta:
        model = InvoiceExport
        fields = [
            "name", "office", "report", "type", "encoding", "user_id", "password", "api_token",
            "customer_code", "office_code", "start_text", "include_pdf_copy", "reduce_pdf_file_size",
            "use_customer_number", "one_file_per_invoice", "is_active", "transfer_method", "base_url",
            "client_identity", "client_key", "request_timeout",
        ]
        widgets = {
            "start_text": forms.Textarea(attrs={"rows": 6, "cols": 60, "spellcheck": "false"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            # The decrypted secret must not even reach the form's initial data.
            self.initial.pop(name, None)
            if name in self.fields:
                self.fields[name] = WriteOnlySecretField(
                    label=self.fields[name].label,
                    help_text=field_help(name),
                    is_set=bool(getattr(self.instance, name)),
                    set_at=getattr(self.instance, f"{name}_set_at"),
                )
        for name in ("user_id", "customer_code", "office_code", "client_identity"):
            if name in self.fields:
                self.fields[name].help_text = field_help(name)
        if "start_text" in self.fields:
            self.fields["start_text"].help_text = start_text_help()
        self.secret_inputs: dict[str, SecretInput] = {}

    def stored_secret_after_save(self, name: str) -> str:
        """The secret as it will be after saving: the new value, nothing if cleared, else the stored one."""
        secret_input = self.secret_inputs.get(name, SecretInput())
        if secret_input.new_value:
            return secret_input.new_value
        if secret_input.clear:
            return ""
        return getattr(self.instance, name)

    def effective_value(self, name: str):
        if name in SECRET_FIELDS:
            return self.stored_secret_after_save(name)
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)

    def clean(self):
        cleaned_data = super().clean()
        # Secrets leave cleaned_data so the model form never assigns them; _post_clean applies them
        # through InvoiceExport.set_secret, which also records when they were set.
        for name in SECRET_FIELDS:
            if name in cleaned_data:
                self.secret_inputs[name] = cleaned_data.pop(name)
        export_type = cleaned_data.get("type") or self.instance.type
        if export_type:
            self._check_type_requirements(export_type)
            self._check_transfer_method(export_type)
            self._check_start_text(export_type)
        return cleaned_data

    def _add_error_where_visible(self, name: str, message: str) -> None:
        self.add_error(name if name in self.fields else None, message)

    def _check_type_requirements(self, export_type: str) -> None:
        requirements = REQUIREMENTS.get(export_type)
        if requirements is None:
            return
        for rule in requirements.rules:
            if self.has_error(rule.field):
                continue
            value = self.effective_value(rule.field)
            if isinstance(rule, Equals):
                if value != rule.value:
                    self._add_error_where_visible(rule.field, mismatch_message(export_type, rule))
            elif not (value or "").strip():
                self._add_error_where_visible(rule.field, missing_message(export_type, rule))
            elif rule.validator is not None:
                try:
                    rule.validator(value.strip())
                except ValidationError as exc:
                    for message in exc.messages:
                        self._add_error_where_visible(rule.field, f"{field_label(rule.field)}: {message}")

    def _check_transfer_method(self, export_type: str) -> None:
        method = self.effective_value("transfer_method")
        if (method == TransferMethod.HEEROS_API and export_type != ExportType.XMLSERIALIZER
                and not self.has_error("transfer_method")):
            self._add_error_where_visible(
                "transfer_method",
                f"Method Heeros API is only for the type {type_label(ExportType.XMLSERIALIZER)}; "
                f"{type_label(export_type)} carries its credentials itself: choose None (API type).")

    def _check_start_text(self, export_type: str) -> None:
        if "start_text" not in self.fields or self.has_error("start_text"):
            return
        try:
            parse_start_text(export_type, self.cleaned_data.get("start_text", ""))
        except StartTextError as exc:
            for problem in exc.problems:
                self.add_error("start_text", problem)

    def _post_clean(self):
        super()._post_clean()
        for name, secret_input in self.secret_inputs.items():
            if secret_input.new_value:
                self.instance.set_secret(name, secret_input.new_value)
            elif secret_input.clear:
                self.instance.set_secret(name, "")


class InvoiceExportSettingForm(OneDefaultFormMixin, forms.ModelForm):
    """An invoice export setting: a named group of exports, ticked as checkboxes."""

    class Meta:
        model = InvoiceExportSetting
        fields = ["name", "is_default", "exports"]
        widgets = {"exports": forms.CheckboxSelectMultiple}
        help_texts = {"exports": "Tick every invoice export this group runs. To have every invoice recorded "
                                 "in the accounts, tick the accounting export in every group."}


class CodeTranslationForm(forms.ModelForm):
    """A row of the Codes tab: the Opter object of the chosen kind and the target's code for it."""

    class Meta:
        model = CodeTranslation
        fields = ["kind", "vat_rate", "payment_condition", "code"]

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        vat_rate, payment_condition = cleaned_data.get("vat_rate"), cleaned_data.get("payment_condition")
        if kind == CodeKind.TAX_RATE:
            if vat_rate is None:
                self.add_error("vat_rate", "Choose the VAT rate this code translates (kind Tax rates).")
            if payment_condition is not None:
                self.add_error("payment_condition", "Leave the payment condition empty for a Tax rates code.")
        elif kind == CodeKind.PAYMENT_CONDITION:
            if payment_condition is None:
                self.add_error("payment_condition",
                               "Choose the payment condition this code translates (kind Payment condition).")
            if vat_rate is not None:
                self.add_error("vat_rate", "Leave the VAT rate empty for a Payment condition code.")
        return cleaned_data
