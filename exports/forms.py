"""Forms of the invoice export screens.

InvoiceExportForm checks, per export type, the fields Opter's help article for that target says must
be filled in, with the article's wording in the help text and in the error. Secrets are write-only.
"""
from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.widgets import OneDefaultFormMixin, SecretInput, WriteOnlySecretField

from .connectors import registry
from .models import SECRET_FIELDS, CodeKind, CodeTranslation, InvoiceExport, InvoiceExportSetting
from .services import configuration


def field_help(name: str):
    """The field's own help, then what each export type's article says goes into it."""
    model_help = InvoiceExport._meta.get_field(name).help_text
    per_type = [(target.label, target.meaning_of(name)) for target in registry.targets().values()
                if target.meaning_of(name)]
    if not per_type:
        return model_help
    lines = [format_html("<strong>{}</strong>: {}", label, meaning) for label, meaning in per_type]
    if model_help:
        lines.insert(0, conditional_escape(model_help))
    return mark_safe("<br>".join(lines))  # noqa: S308 - every part is escaped above


def start_text_help():
    lines = [conditional_escape(InvoiceExport._meta.get_field("start_text").help_text)]
    lines += [format_html("<strong>{}</strong>: {}", target.label, target.start_text.describe())
              for target in registry.targets().values()]
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
            "client_identity", "client_key", "request_timeout", "parallel_calls",
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
        # Plain fields some type's article says something about (its rules or Target.help).
        described = {"type", "user_id", "customer_code", "office_code", "client_identity"}
        described |= {name for target in registry.targets().values() for name in target.help}
        for name in described - set(SECRET_FIELDS) - {"start_text", "base_url"}:
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
        target = registry.find(cleaned_data.get("type") or self.instance.type)
        if target is not None:
            self._check_configuration(target)
        return cleaned_data

    def _add_error_where_visible(self, name: str | None, message: str) -> None:
        self.add_error(name if name in self.fields else None, message)

    def _check_configuration(self, target) -> None:
        already = {name for name in self.fields if self.has_error(name)}
        for problem in configuration.rule_problems(target, self.effective_value, skip=already):
            self._add_error_where_visible(problem.field, problem.message)
        if not self.has_error("transfer_method"):
            problem = configuration.transfer_method_problem(target, self.effective_value("transfer_method"))
            if problem:
                self._add_error_where_visible(problem.field, problem.message)
        if "start_text" in self.fields and not self.has_error("start_text"):
            for problem in configuration.start_text_problems(target, self.cleaned_data.get("start_text", "")):
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
                self.add_error("vat_rate", _("Choose the VAT rate this code translates (kind Tax rates)."))
            if payment_condition is not None:
                self.add_error("payment_condition", _("Leave the payment condition empty for a Tax rates code."))
        elif kind == CodeKind.PAYMENT_CONDITION:
            if payment_condition is None:
                self.add_error("payment_condition",
                               _("Choose the payment condition this code translates (kind Payment condition)."))
            if vat_rate is not None:
                self.add_error("vat_rate", _("Leave the VAT rate empty for a Payment condition code."))
        self._check_with_target(kind, vat_rate if kind == CodeKind.TAX_RATE else payment_condition)
        return cleaned_data

    def _check_with_target(self, kind, opter_object) -> None:
        """The export type's own rule for its codes (Target.check_code), e.g. Netvisor's fixed VAT codes."""
        code = (self.cleaned_data.get("code") or "").strip()
        export = self._export()
        target = registry.find(export.type) if export is not None else None
        if target is None or opter_object is None or not code or self.has_error("code"):
            return
        problem = target.check_code(kind, opter_object, code)
        if problem:
            self.add_error("code", problem)

    def _export(self):
        """The export the row belongs to: chosen on the form, or the Invoice export page it is a row of."""
        if self.cleaned_data.get("export") is not None:
            return self.cleaned_data["export"]
        try:
            return self.instance.export
        except ObjectDoesNotExist:
            return None
