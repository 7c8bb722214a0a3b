"""The catalogue holds every message of Opter's E-Financials article verbatim, under stable codes."""
import pytest

from accounting.services.coding import MESSAGES as CODING_MESSAGES
from accounting.services.coding import AccountCodingError
from exports.catalogue import CODING_CODES, TRANSPORT_CODES
from exports.connectors.base import ExportError
from exports.connectors.efinancials.messages import CATALOGUE

# The "Function" column of the article's error table, and its "already exist" message, copied as printed.
SEED_MESSAGES = [
    "It was not possible to connect to E-Financials. {0}.",
    "It was not possible to create a customer with the customer code {0} in E-Financials. {1}.",
    "It was not possible to send invoice {0} to E-Financials. {1}.",
    "It was not possible to update the customer {0} in E-Financials. {1}.",
    "The call to E-Financials was cancelled.",
    "The API call to E-Financials was unsuccessful. Status code {0}.",
    "An unknown error occurred in the API call to E-Financials: {0}.",
    "It was not possible to interpret the response from E-Financials: {0}.",
    "Call to E-Financials {0} was unsuccessful. Status code {1}.",
    "The invoice export to E-Financials was cancelled.",
    "The following {0} have been removed from or inactivated in E-Financials {1}.",
    "The following {0} is not in E-Financials {1}.",
    "For the period {0}, there is no account for sales or the account is incorrect.",
    "Sales articles missing for the following accounts: {0}.",
    "The invoice file could not be generated.",
    "The call to E-Financials timed out.",
    "There is no bank account with the IBAN {0} in E-Financials.",
    "There are no accounts for the period {0}. Make sure that there is an account for accounts receivable in "
    "the account coding charts.",
    "For the period {0}, there is no account for accounts receivable or the account is incorrect.",
    "The account for accounts receivable ({0}) is incorrect for the period {1}.",
    "There are multiple accounts for accounts receivable ({0}) for the period {1}.",
    "The following invoices {0} already exist in E-Financials.",
]


@pytest.mark.parametrize("text", SEED_MESSAGES)
def test_every_seed_message_is_in_the_catalogue_verbatim(text):
    assert text in CATALOGUE.messages.values()


def test_the_catalogue_has_one_code_per_message_and_only_one_of_its_own():
    # Refused credentials and throttling are, in this article, the status-code message.
    shared = {"credentials", "too_many_calls"}
    texts = [text for code, text in CATALOGUE.messages.items() if code not in shared]
    assert len(texts) == len(set(texts))
    assert {CATALOGUE.messages[code] for code in shared} == {CATALOGUE.messages["unsuccessful_status"]}
    # Opter's article says nothing of credit invoices: those two are the portal's own, shared by every target.
    assert [code for code, text in CATALOGUE.messages.items() if text not in SEED_MESSAGES] == [
        "credit_original_not_exported", "credit_refused", "invalid_start_text"]


def test_the_transport_codes_http_client_relies_on_exist():
    for code in TRANSPORT_CODES:
        assert CATALOGUE.has(code)


@pytest.mark.parametrize("code", CODING_CODES)
def test_account_coding_messages_match_the_coding_service(code):
    assert CATALOGUE.messages[code] == CODING_MESSAGES[code]


def test_coding_errors_keep_their_code_text_and_parameters():
    exc = AccountCodingError.of("multiple_receivable_accounts", "1210, 1220", "2026-11")
    error = ExportError.from_coding(CATALOGUE, exc)
    assert error.code == "efinancials.multiple_receivable_accounts"
    assert error.params == ["1210, 1220", "2026-11"]
    assert error.message == exc.message
