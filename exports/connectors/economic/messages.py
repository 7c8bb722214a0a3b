"""The Visma e-conomic message catalogue. Opter's article (seed 003) lists no error messages for
e-conomic, so these are written in the style of the other articles' tables: the shared transport
messages in e-conomic's name, then one message per thing that can go wrong in this export. Where
e-conomic refused something, its own words (message, error code, per-field errors) are appended."""
# Marked for translation only (gettext_noop): the log stores the English text, pages translate it when shown.
from django.utils.translation import gettext_noop as _

from ...catalogue import target_catalogue

CATALOGUE = target_catalogue(
    "economic", "Visma e-conomic", credits=True,
    transport={
        "credentials": _("The tokens were not accepted by Visma e-conomic. Status code {0}. Check the export's API "
                         "token (the app token from step 2) or grant the portal access to the agreement again."),
    },
    messages={
        "app_not_configured": _("The portal is not set up as a Visma e-conomic app: its app secret token is missing "
                                "(setting ECONOMIC_APP_SECRET_TOKEN or ECONOMIC_APP_SECRET_TOKEN_FILE)."),
        "product_groups_missing": _("The following product groups are missing in Visma e-conomic: {0}. The sales "
                                    "accounts used in this export are: {1}."),
        "cannot_create_customer": _("It was not possible to create the customer {0} in Visma e-conomic. {1}."),
        "payment_terms": _("No payment terms in Visma e-conomic match the payment condition {0}: {1}."),
        "cannot_send_invoice": _("It was not possible to send invoice {0} to Visma e-conomic. {1}."),
        "cannot_book": _("It was not possible to book invoice {0} in Visma e-conomic. {1}."),
        "cannot_create_voucher": _("It was not possible to create a voucher for invoice {0} in journal {1} in Visma "
                                   "e-conomic. {2}."),
        "cannot_attach_pdf": _("It was not possible to attach the PDF of invoice {0} in Visma e-conomic. {1}."),
        "journal": _("Journal {0} cannot take the invoices in Visma e-conomic: {1}."),
        "accounting_year": _("There is no open accounting year in Visma e-conomic for {0}."),
        "vat_code": _("The VAT code {0} on the Codes tab (Tax rates) is not a VAT code in Visma e-conomic."),
        # Ours: the Start text is checked when saved; this guards an export saved before that.
        "invalid_start_text": _("The start text of the Visma e-conomic export is not valid: {0}"),
    },
)
