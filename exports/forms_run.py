"""The form on the "Export invoices" page."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InvoiceExport


class ExportInvoicesForm(forms.Form):
    export = forms.ModelChoiceField(
        label=_("Invoice export"), queryset=InvoiceExport.objects.none(), required=False,
        empty_label=_("The customers' invoice export settings"),
        help_text=_("Leave as is to send each invoice to the exports of its customer's group (or the default "
                    "group). Only the exports of the invoices' offices, and those of no office, are offered."))
    preview = forms.BooleanField(label=_("Preview (don't send)"), required=False,
                                 help_text=_("Build every payload and run every check, but send nothing."))

    def __init__(self, *args, offered=None, **kwargs):
        """``offered``: the exports that apply to the invoices being exported (planning.exports_offered)."""
        super().__init__(*args, **kwargs)
        self.fields["export"].queryset = (offered if offered is not None
                                          else InvoiceExport.objects.filter(is_active=True))
