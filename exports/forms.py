"""Forms of the invoice export screens.

InvoiceExportForm checks, per export type, the fields Opter's help article for that target says must
be filled in, with the article's wording in the help text and in the error. It shows and keeps only the
fields the chosen type uses (exports.form_layout). Secrets are write-only; one typed into a form that
fails validation is kept encrypted in the session (portal.secrets.KeptSecrets), never put in the page.
"""
from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.secrets import KeptSecrets
from portal.widgets import OneDefaultFormMixin, SecretInput, WriteOnlySecretField

from . import form_layout
from .connectors import registry
from .models import SECRET_FIELDS, CodeKind, CodeTranslation, InvoiceExport, InvoiceExportSetting
from .services import configuration


class InvoiceExportForm(forms.ModelForm):
    """General / File transfer fields of an invoice export, with write-only secrets.

    Only the fields the chosen type uses are shown, each with that type's help. A field the type does not
    use is not validated and not taken from the page: a plain field gets its default, so nothing of another
    type's setup (a transfer method, say) lingers on the export; a stored secret stays as it is unless
    clear is ticked, since discarding one silently could not be undone.
    """

    #: The session the admin binds (``for_session``), where typed secrets wait for the form to be saved.
    session = None

    base_url = forms.URLField(
        label=capfirst(InvoiceExport._meta.get_field("base_url").verbose_name),
        max_length=InvoiceExport._meta.get_field("base_url").max_length, required=False,
        assume_scheme="https",
        help_text=InvoiceExport._meta.get_field("base_url").help_text)
    #: Names this form's kept secrets in the session (a random key, no secret).
    kept_secrets_key = forms.CharField(widget=forms.HiddenInput, required=False)

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

    @classmethod
    def for_session(cls, session):
        """This form class, keeping typed secrets in ``session`` across failed validations."""
        return type(cls.__name__, (cls,), {"session": session})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            # The decrypted secret must not even reach the form's initial data.
            self.initial.pop(name, None)
            if name in self.fields:
                self.fields[name] = WriteOnlySecretField(
                    label=self.fields[name].label,
                    is_set=bool(getattr(self.instance, name)),
                    set_at=getattr(self.instance, f"{name}_set_at"),
                )
        self.target = registry.find(self._chosen_type())
        self.shown_fields = form_layout.fields_shown(self.target)
        self.required_fields = form_layout.fields_required(self.target)
        for name in form_layout.FORM_FIELDS:
            if name in self.fields:
                self.fields[name].help_text = form_layout.field_help(self.target, name).as_html()
        self.kept_secrets = self._kept_secrets()
        self.secret_inputs: dict[str, SecretInput] = {}

    def full_clean(self):
        super().full_clean()
        # A rule's help and its error say the same thing: beside the error, the help leaves it out.
        for name, errors in (self._errors or {}).items():
            if name in form_layout.FORM_FIELDS and name in self.fields:
                self.fields[name].help_text = form_layout.field_help(self.target, name).without(errors).as_html()

    def _chosen_type(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("type")) or ""
        return self.initial.get("type") or self.instance.type or ""

    def _kept_secrets(self) -> KeptSecrets | None:
        posted = self.data.get(self.add_prefix("kept_secrets_key")) if self.is_bound else None
        key = posted if KeptSecrets.is_valid_key(posted) else KeptSecrets.new_key()
        self.initial["kept_secrets_key"] = key
        if self.is_bound and posted != key:
            # A form posted without a usable key still gets one, so what it keeps can be found again.
            self.data = self.data.copy()
            self.data[self.add_prefix("kept_secrets_key")] = key
        if self.session is None:
            return None
        return KeptSecrets(self.session, key, object_key=str(self.instance.pk or "new"))

    def is_shown(self, name: str) -> bool:
        return self.target is None or name in self.shown_fields

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
        if self.target is not None:
            self._ignore_unused_fields(cleaned_data)
        self._restore_and_keep_secrets(cleaned_data)
        # Secrets leave cleaned_data so the model form never assigns them; _post_clean applies them
        # through InvoiceExport.set_secret, which also records when they were set.
        for name in SECRET_FIELDS:
            if name in cleaned_data:
                self.secret_inputs[name] = cleaned_data.pop(name)
        target = registry.find(cleaned_data.get("type") or self.instance.type)
        if target is not None:
            self._check_configuration(target)
        return cleaned_data

    def _ignore_unused_fields(self, cleaned_data) -> None:
        """What the chosen type does not use is neither validated nor kept: its default is stored instead."""
        for name in form_layout.FORM_FIELDS:
            if name not in self.fields or self.is_shown(name):
                continue
            self.errors.pop(name, None)
            if name in SECRET_FIELDS:
                # Only an explicit clear is honoured; a value typed into it is not taken.
                secret_input = cleaned_data.get(name)
                cleaned_data[name] = SecretInput(clear=isinstance(secret_input, SecretInput) and secret_input.clear)
            else:
                cleaned_data[name] = InvoiceExport._meta.get_field(name).get_default()

    def _restore_and_keep_secrets(self, cleaned_data) -> None:
        """A secret typed before a failed validation counts as typed again; a newly typed one is kept."""
        if self.kept_secrets is None:
            return
        for name in SECRET_FIELDS:
            secret_input = cleaned_data.get(name)
            if not isinstance(secret_input, SecretInput):
                continue
            if secret_input.clear or (self.target is not None and not self.is_shown(name)):
                self.kept_secrets.discard(name)
                continue
            if secret_input.new_value:
                self.kept_secrets.keep(name, secret_input.new_value)
            else:
                kept = self.kept_secrets.get(name)
                if not kept:
                    continue
                cleaned_data[name] = SecretInput(new_value=kept)
            self.fields[name].widget.kept = True

    def forget_kept_secrets(self) -> None:
        """The export was saved: the typed secrets are in it, nothing stays in the session."""
        if self.kept_secrets is not None:
            self.kept_secrets.forget()

    def _add_error_where_visible(self, name: str | None, message: str) -> None:
        self.add_error(name if name in self.fields and self.is_shown(name) else None, message)

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
        help_texts = {"exports": _("Tick every invoice export this group runs. To have every invoice recorded "
                                   "in the accounts, tick the accounting export in every group.")}


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
