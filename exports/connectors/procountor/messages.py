"""The Procountor message catalogue: one stable code per row of the error table in Opter's article (seed
002), with its text verbatim. The shared transport texts are overridden where the article words them
("The user credentials were not accepted by Procountor", "Error during API call", "Too many calls")."""
# Marked for translation only (gettext_noop): the log stores the English text, pages translate it when shown.
from django.utils.translation import gettext_noop as _

from ...catalogue import target_catalogue

CATALOGUE = target_catalogue(
    "procountor", "Procountor", credits=True,
    transport={
        "credentials": _("The user credentials were not accepted by Procountor"),
        "too_many_calls": _("Too many calls"),
        # "Error during API call": Procountor's own error text follows (the connector joins every
        # errors[].message with its field); a 5xx carries no text worth showing, only its status.
        "call_unsuccessful": _("Error during API call {0}: {1}"),
        "unsuccessful_status": _("Error during API call: status code {0}"),
        # In the style of the article's other messages ("The dimensions {0} do not exist in Procountor").
        "already_exists": _("The invoices {0} already exist in Procountor."),
    },
    messages={
        "product_group": _("The product group {0} does not exist/could not be created in Procountor"),
        "incorrect_account": _("Incorrectly stated account number: {0}"),
        "no_account": _("No {0} account in Procountor. Check the accounts available in Procountor."),
        "accounts_not_retrieved": _("Could not retrieve accounts from Procountor"),
        "dimensions_missing": _("The dimensions {0} do not exist in Procountor"),
        "coding_not_retrieved": _("Could not retrieve account coding for invoice {0} from Procountor"),
        "coding_not_updated": _("Could not update account coding for invoice {0} in Procountor"),
        "period_closed": _("The period for date {0} does not exist or is closed in Procountor"),
        "customer_not_created": _("The customer {0} could not be created in Procountor (customer code: {1}, "
                                  "customer no.: {2})"),
        "customer_not_updated": _("The customer {0} could not be updated in Procountor (customer code: {1}, "
                                  "customer no.: {2})"),
        "customer_number_missing": _("Customer number missing in Opter for customer: {0} (customer code: {1}, "
                                     "customer no: {2})"),
        # The article's warning row: its text is the row's description; the invoice and the reason follow.
        "pdf_not_attached": _("The Opter invoice in PDF format could not be attached to the invoice in Procountor. "
                              "Invoice {0}: {1}"),
        # Ours, not Opter's: what the article's configuration steps leave to be checked.
        "vat_status_missing": _("The VAT rate {0} has no VAT status code on the Codes tab (Tax rates) of the "
                                "Procountor export"),
        "vat_status_invalid": _("The VAT status code {0} of the VAT rate {1} is not a VAT status of Procountor for "
                                "sales; check VAT defaults in Procountor"),
        "vat_percent_not_in_use": _("The VAT percentage {0} is not in use in Procountor; check VAT defaults in "
                                    "Procountor"),
        "integration_not_configured": _("The portal is not registered as a Procountor integration: set "
                                        "PROCOUNTOR_CLIENT_ID and PROCOUNTOR_CLIENT_SECRET, or Client identity and "
                                        "Client key on the File transfer tab"),
        "invoice_inconsistent": _("Invoice {0} cannot be sent to Procountor: {1}"),
        "invalid_start_text": _("The start text of the Procountor export is not valid: {0}"),
    },
)
