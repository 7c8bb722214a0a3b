"""The E-Financials message catalogue: one stable code per row of the error table in Opter's article
(seed 000), with its text verbatim, plus the "already exist" message.

The five account-coding messages are raised by accounting.services.coding with the same codes and
texts; ``from_coding_error`` carries them over so the log keeps one code per problem.
"""
from __future__ import annotations

import re

from ...catalogue import Catalogue
from ..base import ExportError

CATALOGUE = Catalogue(
    target="efinancials",
    display_name="E-Financials",
    messages={
        # Transport, used by the shared HttpClient as well.
        "cannot_connect": "It was not possible to connect to E-Financials. {0}.",
        "timed_out": "The call to E-Financials timed out.",
        "unsuccessful_status": "The API call to E-Financials was unsuccessful. Status code {0}.",
        "unknown_error": "An unknown error occurred in the API call to E-Financials: {0}.",
        "unparsable": "It was not possible to interpret the response from E-Financials: {0}.",
        "call_unsuccessful": "Call to E-Financials {0} was unsuccessful. Status code {1}.",
        # Cancelling: a call interrupted while under way, and an export stopped between calls.
        "call_cancelled": "The call to E-Financials was cancelled.",
        "export_cancelled": "The invoice export to E-Financials was cancelled.",
        # Writing.
        "cannot_create_customer": "It was not possible to create a customer with the customer code {0} in "
                                  "E-Financials. {1}.",
        "cannot_update_customer": "It was not possible to update the customer {0} in E-Financials. {1}.",
        "cannot_send_invoice": "It was not possible to send invoice {0} to E-Financials. {1}.",
        "already_exists": "The following invoices {0} already exist in E-Financials.",
        # What E-Financials must hold.
        "removed_or_inactivated": "The following {0} have been removed from or inactivated in "
                                  "E-Financials {1}.",
        "not_in_efinancials": "The following {0} is not in E-Financials {1}.",
        "sale_articles_missing": "Sales articles missing for the following accounts: {0}.",
        "no_bank_account": "There is no bank account with the IBAN {0} in E-Financials.",
        # The PDF copy (the engine looks this code up when the renderer fails).
        "invoice_file_not_generated": "The invoice file could not be generated.",
        # Account coding in Opter (accounting.services.coding raises these).
        "no_sales_account": "For the period {0}, there is no account for sales or the account is incorrect.",
        "no_accounts_for_period": "There are no accounts for the period {0}. Make sure that there is an "
                                  "account for accounts receivable in the account coding charts.",
        "no_receivable_account": "For the period {0}, there is no account for accounts receivable or the "
                                 "account is incorrect.",
        "incorrect_receivable_account": "The account for accounts receivable ({0}) is incorrect for the "
                                        "period {1}.",
        "multiple_receivable_accounts": "There are multiple accounts for accounts receivable ({0}) for the "
                                        "period {1}.",
        # Ours, not Opter's: the Start text is checked when saved, this guards an export saved before that.
        "invalid_start_text": "The start text of the E-Financials export is not valid: {0}",
    },
)

CODING_CODES = ("no_sales_account", "no_accounts_for_period", "no_receivable_account",
                "incorrect_receivable_account", "multiple_receivable_accounts")


def params_from_message(template: str, message: str) -> list[str] | None:
    """The ``{n}`` values that turn ``template`` into ``message``, or None if it does not fit."""
    pattern = "".join(f"(?P<p{part[1:-1]}>.*?)" if re.fullmatch(r"\{\d+\}", part) else re.escape(part)
                      for part in re.split(r"(\{\d+\})", template))
    found = re.fullmatch(pattern, message, flags=re.DOTALL)
    if not found:
        return None
    return [found.group(f"p{i}") for i in range(len(found.groupdict()))]


def from_coding_error(exc, invoice_number) -> ExportError:
    """An AccountCodingError as this catalogue's error: same code, same text, parameters recovered."""
    if exc.code in CODING_CODES:
        params = params_from_message(CATALOGUE.messages[exc.code], exc.message)
        if params is not None:
            return ExportError(CATALOGUE, exc.code, *params)
    # A coding problem this catalogue does not know: keep its text rather than lose it.
    return ExportError(CATALOGUE, "cannot_send_invoice", invoice_number, exc.message.rstrip("."))
