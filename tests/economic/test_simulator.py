"""The e-conomic simulator driven the way the REST documentation describes the API, with plain HTTP
(requests) and nothing of the connector: token headers, the error object, collections and their links,
filters, annotated validation errors, drafts and booking, vouchers and the multipart attachment upload."""
import pytest
import requests
from urllib3 import encode_multipart_formdata

from exports.connectors.economic.target import DEMO_TOKENS
from tests.fixtures.contract import PDF_TEMPLATE

TOKENS = {"X-AppSecretToken": DEMO_TOKENS["app_secret_token"],
          "X-AgreementGrantToken": DEMO_TOKENS["agreement_grant_token"], "Content-Type": "application/json"}
ERROR_KEYS = {"message", "developerHint", "logId", "httpStatusCode", "logTime"}


@pytest.fixture
def api(sandbox):
    base = sandbox.base_url("economic")
    session = requests.Session()
    session.headers.update(TOKENS)

    class Api:
        url = base
        sim = sandbox.simulator("economic")

        def get(self, path, **params):
            return session.get(f"{base}/{path}", params=params, timeout=10)

        def post(self, path, body):
            return session.post(f"{base}/{path}", json=body, timeout=10)

    yield Api()
    session.close()


def customer_body(**changes):
    return {"name": "Testkunde ApS", "currency": "DKK", "customerGroup": {"customerGroupNumber": 1},
            "paymentTerms": {"paymentTermsNumber": 2}, "vatZone": {"vatZoneNumber": 1},
            "corporateIdentificationNumber": "29403473", **changes}


def draft_body(customer, **changes):
    return {"date": "2026-11-10", "currency": "DKK", "customer": {"customerNumber": customer},
            "paymentTerms": {"paymentTermsNumber": 2}, "layout": {"layoutNumber": 19},
            "recipient": {"name": "Testkunde ApS", "vatZone": {"vatZoneNumber": 1}},
            "references": {"other": "123"},
            "lines": [{"product": {"productNumber": "50"}, "description": "Emballage", "quantity": 2,
                       "unitNetPrice": 25.5}], **changes}


# -- tokens and the error object ---------------------------------------------------------------------------

def test_both_tokens_are_required_and_refusals_are_the_error_object(api, sandbox):
    response = requests.get(f"{api.url}/self", timeout=10)
    assert response.status_code == 401
    assert set(response.json()) >= ERROR_KEYS and response.json()["httpStatusCode"] == 401
    wrong = requests.get(f"{api.url}/self", headers={**TOKENS, "X-AgreementGrantToken": "revoked"}, timeout=10)
    assert wrong.status_code == 401
    lower = {"x-appsecrettoken": TOKENS["X-AppSecretToken"], "x-agreementgranttoken": TOKENS["X-AgreementGrantToken"]}
    assert requests.get(f"{api.url}/self", headers=lower, timeout=10).status_code == 200  # names: any case


def test_the_demo_tokens_read_but_never_write(api):
    demo = {"X-AppSecretToken": "demo", "X-AgreementGrantToken": "demo"}
    assert requests.get(f"{api.url}/vat-zones", headers=demo, timeout=10).status_code == 200
    refused = requests.post(f"{api.url}/customers", json=customer_body(), headers=demo, timeout=10)
    assert refused.status_code == 403 and set(refused.json()) >= ERROR_KEYS


def test_unknown_resources_are_404_with_e_conomics_hint(api):
    response = api.get("customers/999")
    assert response.status_code == 404
    assert response.json()["message"] == "Resource not found."
    assert response.json()["developerHint"].startswith("The API tries to provide all the resource urls")


def test_writes_must_be_json(api):
    response = requests.post(f"{api.url}/customers", data="name=x",
                             headers={**TOKENS, "Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert response.status_code == 415


# -- collections -----------------------------------------------------------------------------------------------

def test_collections_page_with_absolute_links(api):
    first = api.get("payment-terms", skippages=0, pagesize=4).json()
    pagination = first["pagination"]
    assert len(first["collection"]) == 4 and pagination["results"] == 6 and pagination["pageSize"] == 4
    assert "previousPage" not in pagination and pagination["nextPage"].startswith(api.url + "/payment-terms?")
    second = requests.get(pagination["nextPage"], headers=TOKENS, timeout=10).json()
    assert len(second["collection"]) == 2 and "nextPage" not in second["pagination"]
    assert second["pagination"]["previousPage"] == pagination["firstPage"]
    assert all(row["self"].startswith(api.url + "/payment-terms/") for row in first["collection"])


def test_page_size_defaults_to_20_is_capped_at_1000_and_any_case_works(api):
    assert api.get("payment-terms").json()["pagination"]["pageSize"] == 20
    assert api.get("payment-terms", pagesize=5000).json()["pagination"]["pageSize"] == 1000
    assert api.get("payment-terms", skipPages=1, pageSize=4).json()["pagination"]["skipPages"] == 1


def test_filters_select_and_refuse_what_is_not_filterable(api):
    found = api.get("customers", filter="corporateIdentificationNumber$eq:12345674").json()
    assert [c["customerNumber"] for c in found["collection"]] == [1]
    assert found["pagination"]["resultsWithoutFilter"] == 1
    assert "filter=corporateIdentificationNumber%24eq%3A12345674" in found["self"]
    assert api.get("customers", filter="name$like:nordhavn").json()["pagination"]["results"] == 1
    assert api.get("customers", filter="customerNumber$in:[1,2,3]").json()["pagination"]["results"] == 1
    refused = api.get("customers", filter="balanceDue$gt:0")
    assert refused.status_code == 400 and "not filterable" in refused.json()["message"]


# -- drafts and booking ------------------------------------------------------------------------------------

def test_validation_errors_mirror_the_document(api):
    body = draft_body(1, currency="XYZ", lines=[
        {"product": {"productNumber": "77"}, "description": "x", "quantity": 1, "unitNetPrice": 1.005},
        {"product": {}, "description": "y"}])
    response = api.post("invoices/drafts", body)
    assert response.status_code == 400
    error = response.json()
    assert error["message"] == "Validation error." and set(error) >= ERROR_KEYS
    assert error["errors"]["lines"][0]["arrayIndex"] == 1
    assert error["errors"]["lines"][0]["product"]["errors"][0]["errorCode"] == "E04500"
    body = draft_body(1, currency="XYZ", lines=[
        {"product": {"productNumber": "77"}, "description": "x", "quantity": 1, "unitNetPrice": 1.005},
        {"product": {"productNumber": "50"}, "description": "y"}])
    error = api.post("invoices/drafts", body).json()
    assert error["errors"]["currency"]["errors"][0] == {"errorCode": "E06000", "message": "currency does not exist.",
                                                         "value": "XYZ",
                                                         "developerHint": "Find a list of currencies at /currencies."}
    first, second = error["errors"]["lines"]
    assert (first["arrayIndex"], first["product"]["errors"][0]["errorCode"]) == (0, "E06000")
    assert first["unitNetPrice"]["errors"][0]["errorCode"] == "E04740"
    assert (second["arrayIndex"], second["quantity"]["errors"][0]["errorCode"]) == (1, "E04730")


def test_a_draft_is_computed_booked_once_under_the_number_asked_for_and_removed(api):
    customer = api.post("customers", customer_body()).json()
    assert customer["customerNumber"] == 2 and customer["self"] == f"{api.url}/customers/2"
    response = api.post("invoices/drafts", draft_body(2))
    assert response.status_code == 201 and response.headers["Location"].endswith("/invoices/drafts/1")
    draft = response.json()
    assert (draft["netAmount"], draft["vatAmount"], draft["grossAmount"], draft["dueDate"]) == (51.0, 12.75, 63.75,
                                                                                               "2026-11-24")
    booked = api.post("invoices/booked", {"draftInvoice": {"draftInvoiceNumber": 1}, "bookWithNumber": 900123})
    assert booked.status_code == 201 and booked.json()["bookedInvoiceNumber"] == 900123
    assert api.get("invoices/drafts/1").status_code == 404
    assert api.get("invoices/booked/900123").json()["grossAmount"] == 63.75
    api.post("invoices/drafts", draft_body(2))
    again = api.post("invoices/booked", {"draftInvoice": {"draftInvoiceNumber": 2}, "bookWithNumber": 900123})
    assert again.status_code == 400 and "already been booked" in again.json()["message"]
    duplicate = api.post("customers", customer_body(customerNumber=2)).json()
    assert duplicate["errors"]["customerNumber"]["errors"][0]["errorCode"] == "E06010"


# -- journals and vouchers -------------------------------------------------------------------------------------

def voucher(number, amount=125.0, vat=25.0, **entry):
    return {"accountingYear": {"year": "2026"}, "voucherNumber": number, "entries": {"manualCustomerInvoices": [
        {"customer": {"customerNumber": 1}, "customerInvoice": number, "date": "2026-11-10", "amount": amount,
         "currency": {"code": "DKK"}, "contraAccount": {"accountNumber": 1010}, "contraVatAccount": {"vatCode": "U25"},
         "contraVatAmount": vat, **entry}]}}


def test_vouchers_answer_an_array_and_take_one_multipart_file(api):
    created = api.post("journals/1/vouchers", voucher(4711))
    assert created.status_code == 201
    (answer,) = created.json()
    assert answer["self"] == f"{api.url}/journals/1/vouchers/2026-4711"
    assert api.get("journals-experimental/1/vouchers/2026-4711").status_code == 200
    body, content_type = encode_multipart_formdata({"": ("faktura.pdf", PDF_TEMPLATE, "application/octet-stream")})
    upload = requests.post(f"{answer['attachment']}/file", data=body,
                           headers={**TOKENS, "Content-Type": content_type}, timeout=10)
    assert upload.status_code == 201
    assert api.get("journals/1/vouchers/2026-4711/attachment").json()["pages"] == 1
    assert api.get("journals/1/vouchers/2026-4711/attachment/file").content == PDF_TEMPLATE
    entries = api.get("journals/1/entries", filter="voucher.voucherNumber$in:[4711]").json()["collection"]
    assert [e["entryType"] for e in entries] == ["manualCustomerInvoice"]


def test_voucher_rules(api):
    assert api.post("journals/1/vouchers", voucher(4712, vat=24.0)).json()["errors"]["entries"][
        "manualCustomerInvoices"][0]["contraVatAmount"]["errors"][0]["message"].startswith("contraVatAmount 24")
    api.post("journals/1/vouchers", voucher(4713))
    assert "already used" in api.post("journals/1/vouchers", voucher(4713)).json()["message"]
    assert "only entries of the type customerPayment" in api.post("journals/2/vouchers", voucher(50002)).json()[
        "message"]
    closed = api.post("journals/1/vouchers", {**voucher(4714), "accountingYear": {"year": "2025"}})
    assert closed.status_code == 400 and "closed" in closed.json()["message"]


def test_booking_a_journal_moves_its_vouchers_to_the_accounting_year(api):
    api.post("journals/1/vouchers", voucher(4715))
    booked = requests.post(f"{api.url}/_journals/1/book", timeout=10).json()
    assert booked == {"booked": 1}
    assert api.get("journals/1/vouchers/2026-4715").status_code == 404
    entries = api.get("accounting-years/2026/entries", filter="date$eq:2026-11-10").json()["collection"]
    assert {e["voucherNumber"] for e in entries} == {4715}
    assert sum(e["amount"] for e in entries) == 0  # debit the customer, credit sales and VAT


def test_the_grant_page_shows_the_agreement_grant_token_for_the_sandbox_app_only(api):
    page = requests.get(f"{api.url}/_requestaccess", params={"appPublicToken": DEMO_TOKENS["app_public_token"]},
                        timeout=10)
    assert page.status_code == 200 and DEMO_TOKENS["agreement_grant_token"] in page.text
    other = requests.get(f"{api.url}/_requestaccess", params={"appPublicToken": "someone-else"}, timeout=10)
    assert other.status_code == 404
