"""The E-Financials message catalogue: one stable code per row of the error table in Opter's article
(seed 000), with its text verbatim. The transport and account-coding rows come from the shared helper,
which words them exactly as this article does."""
# Marked for translation only (gettext_noop): the log stores the English text, pages translate it when shown.
from django.utils.translation import gettext_noop as _

from ...catalogue import target_catalogue

SEED_STATUS_TEXT = _("The API call to E-Financials was unsuccessful. Status code {0}.")

CATALOGUE = target_catalogue(
    "efinancials", "E-Financials", credits=True,
    transport={
        # The article has no separate text for refused credentials or throttling: both are a status code.
        "credentials": SEED_STATUS_TEXT,
        "too_many_calls": SEED_STATUS_TEXT,
    },
    messages={
        "cannot_create_customer": _("It was not possible to create a customer with the customer code {0} in "
                                    "E-Financials. {1}."),
        "cannot_update_customer": _("It was not possible to update the customer {0} in E-Financials. {1}."),
        "cannot_send_invoice": _("It was not possible to send invoice {0} to E-Financials. {1}."),
        "removed_or_inactivated": _("The following {0} have been removed from or inactivated in "
                                    "E-Financials {1}."),
        "not_in_efinancials": _("The following {0} is not in E-Financials {1}."),
        "sale_articles_missing": _("Sales articles missing for the following accounts: {0}."),
        "no_bank_account": _("There is no bank account with the IBAN {0} in E-Financials."),
        # Ours, not Opter's: the Start text is checked when saved, this guards an export saved before that.
        "invalid_start_text": _("The start text of the E-Financials export is not valid: {0}"),
    },
)
