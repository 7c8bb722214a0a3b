"""The Netvisor message catalogue. Opter's Netvisor article (seed 001) lists no error messages, so these
are written in the style of the E-Financials article's table (seed 000): one stable code per situation,
and wherever Netvisor answered, its own text appended (the second Status element of its answer, e.g.
"INVALID_DATA :: Customer not found with Netvisor identifier: 123"). The transport and account-coding
messages come from the shared helper in Netvisor's name."""
# Marked for translation only (gettext_noop): the log stores the English text, pages translate it when shown.
from django.utils.translation import gettext_noop as _

from ...catalogue import target_catalogue

CATALOGUE = target_catalogue(
    "netvisor", "Netvisor", credits=True,
    transport={
        # Netvisor refuses credentials inside its answer (AUTHENTICATION_FAILED), in words worth showing.
        "credentials": _("The user credentials were not accepted by Netvisor. {0}."),
    },
    messages={
        "cannot_create_customer": _("It was not possible to create a customer with the customer code {0} in "
                                    "Netvisor. {1}."),
        "cannot_create_product": _("It was not possible to create the product {0} in the product group {1} in "
                                   "Netvisor. {2}."),
        "cannot_create_dimension": _("It was not possible to create the item {1} of the dimension {0} in "
                                     "Netvisor. {2}."),
        "cannot_send_invoice": _("It was not possible to send invoice {0} to Netvisor. {1}."),
        "accounts_missing": _("The account coding for the invoice period {0} uses accounts that are missing in "
                              "Netvisor: {1}."),
        "accounts_inactive": _("The account coding for the invoice period {0} uses accounts that are not active "
                               "in Netvisor: {1}."),
        "missing_right": _("The Netvisor API user has no right to {0}. {1}."),
        "call_refused": _("Netvisor refused the call {0}. {1}."),
        "netvisor_unavailable": _("Netvisor could not handle the call {0} at the moment. {1}."),
        "customer_number_missing": _("The customer {0} {1} has no customer number (sales ledger number) in Opter, "
                                     "and the Netvisor export matches customers on the customer number."),
        "no_partner_credentials": _("The partner id and partner key of this portal for Netvisor are not set: "
                                    "set NETVISOR_PARTNER_ID and NETVISOR_PARTNER_KEY, or the export's Client "
                                    "identity and Client key (File transfer tab)."),
        # Ours: matchcreditnote.nv matches only open invoices (Netvisor's article on the resource).
        "credit_not_matched": _("Credit note {0} is in Netvisor but was not matched to invoice {1}: Netvisor "
                                "matches only open invoices, and this export sends them unsent. Match it in "
                                "Netvisor."),
        # Ours: the Start text is checked when saved, this guards an export saved before that.
        "invalid_start_text": _("The start text of the Netvisor export is not valid: {0}"),
    },
)
