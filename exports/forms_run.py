"""The form on the "Export invoices" page."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InvoiceExport


class ExportInvoicesForm(forms.Form):
    export = forms.ModelChoiceField(
        label=_("Invoice export"), queryset=InvoiceExport.objects.filter(is_active=True), required=False,
        empty_label=_("The customers' invoice export settings"),
        help_text=_("Leave as is to send each invoice to the exports of its customer's group (or the default group)."))
    preview = forms.BooleanField(label=_("Preview (don't send)"), required=False,
                                 help_text=_("Build every payload and run every check, but send nothing."))
