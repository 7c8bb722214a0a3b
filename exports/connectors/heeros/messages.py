"""The Heeros message catalogue: the five messages of the error table in Opter's article (seed 004),
verbatim with their placeholders, and what the shared transport needs in Heeros' name.

The article has one text for refused credentials, and it is the transport's ``credentials`` message here:
every 401/403 of the Heeros API, whatever the call, is "Could not log into Heeros. ...".
"""
# Marked for translation only (gettext_noop): the log stores the English text, pages translate it when shown.
from django.utils.translation import gettext_noop as _

from ...catalogue import target_catalogue

LOGIN_FAILED = _("Could not log into Heeros. Either the username/password is incorrect or it is not possible to "
                  "connect to Heeros at the moment. Please try again in a few minutes.")

CATALOGUE = target_catalogue(
    "xmlserializer", "Heeros", credits=True,
    transport={"credentials": LOGIN_FAILED},
    messages={
        # Seed 004, "Error messages", verbatim.
        "cannot_send": _("It was not possible to send the invoice to Heeros. Error code from Heeros: {0}. "
                         "Error message from Heeros: {1}"),
        "incomplete": _("The invoice has been sent but it could not be processed in Heeros because it is incomplete. "
                        "Please check incomplete invoices in Heeros. Invoice ID in Heeros: {0}."),
        "not_confirmed": _("The invoice has been sent but it could not be confirmed within the time limit. Please "
                           "check incomplete invoices in Heeros to see if it has been registered and its current "
                           "status. Invoice ID in Heeros: {0}."),
        # {0} is not shown by Opter's text; it carries the errors themselves, so they reach the log with it.
        "validation_errors": _("It was not possible to send the invoice {1} to Heeros due to validation errors. "
                               "Number of errors: {2}. Please contact Opter support."),
        # Ours, not Opter's: settings the portal needs that the article cannot know about.
        "invalid_start_text": _("The start text of the Heeros export is not valid: {0}"),
        "no_api_address": _("The address of the Heeros API is not known: enter it as the Base URL on the File "
                            "transfer tab, or set HEEROS_API_BASE_URL for the portal."),
        "schema_unreadable": _("The Finvoice 3.0 schema set in FINVOICE_XSD cannot be used ({0}): {1}"),
    },
)
