"""The form on the "Export invoices" page."""
from django import forms

from .models import InvoiceExport


class ExportInvoicesForm(forms.Form):
    export = forms.ModelChoiceField(
        queryset=InvoiceExport.objects.filter(is_active=True), required=False,
        empty_label="The customers' invoice export settings",
        help_text="Leave as is to send each invoice to the exports of its customer's group (or the default group).")
    preview = forms.BooleanField(label="Preview (don't send)", required=False,
                                 help_text="Build every payload and run every check, but send nothing.")
