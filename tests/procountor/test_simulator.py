"""The Procountor simulator on its own, over a real socket: the m2m token endpoint's rules, Procountor's
error body, the version paths, cursor pagination, the invoice and ledger receipt state machine with version
checks, the attachment size limit and the request rate."""
import json

import pytest
import requests

from exports.sandbox.procountor import company

FORM = {"grant_type": "client_credentials", "client_id": company.CLIENT_ID, "client_secret": company.CLIENT_SECRET,
        "api_key": company.API_KEY}


@pytest.fixture
def api(sandbox):
    base = sandbox.base_url("procountor")
    token = requests.post(f"{base}/api/oauth/token", data=FORM, timeout=5).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(method, path, **kwargs):
        return session.request(method, f"{base}/api/{path}", timeout=5, **kwargs)

    call.base = base
    call.sim = sandbox.simulator("procountor")
    return call


def test_the_token_endpoint_takes_a_form_without_charset_and_no_credentials_in_the_query(sandbox):
    base = sandbox.base_url("procountor")
    answer = requests.post(f"{base}/api/oauth/token/", data=FORM, timeout=5)  # the trailing slash too
    assert answer.status_code == 200 and answer.json()["expires_in"] == 3600
    as_json = requests.post(f"{base}/api/oauth/token", json=FORM, timeout=5)
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    with_charset = requests.post(f"{base}/api/oauth/token", data=FORM, timeout=5, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert with_charset.status_code == 400
    in_query = requests.post(f"{base}/api/oauth/token", params=FORM, data={"grant_type": "client_credentials"},
                             timeout=5)
    assert in_query.status_code == 400
    wrong_key = requests.post(f"{base}/api/oauth/token", data={**FORM, "api_key": "nope"}, timeout=5)
    assert (wrong_key.status_code, wrong_key.json()["error"]) == (401, "invalid_grant")
    wrong_secret = requests.post(f"{base}/api/oauth/token", data={**FORM, "client_secret": "nope"}, timeout=5)
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
    wrong_uri = requests.post(f"{base}/api/oauth/token", data={**FORM, "redirect_uri": "https://x.example"},
                              timeout=5)
    assert wrong_uri.status_code == 400


def test_calls_need_a_live_bearer_token_and_errors_are_procountors_body(api):
    assert api("GET", "coa").status_code == 200
    anonymous = requests.get(f"{api.base}/api/coa", timeout=5)
    assert anonymous.status_code == 401
    assert anonymous.json() == {"errors": [{"status": 401, "message": "SIM_MISSING_BEARER_TOKEN"}]}
    api.sim.configure({"clock_offset_seconds": 3600})
    assert api("GET", "coa").json()["errors"][0]["message"] == "SIM_TOKEN_EXPIRED"


def test_version_paths_answer_the_same_and_unknown_ones_404(api):
    for prefix in ("latest/api", "supported/api", "v2408/api"):
        answer = requests.get(f"{api.base}/{prefix}/coa", headers={"Authorization": api("GET", "coa").request
                                                                   .headers["Authorization"]}, timeout=5)
        assert answer.status_code == 200 and answer.json()["ledgerAccounts"]
    unknown = requests.get(f"{api.base}/v24/api/coa", timeout=5)
    assert unknown.status_code == 404 and "errors" in unknown.json()


def test_partners_page_by_previous_id_and_refuse_a_bad_business_id(api):
    body = {"name": "Testi Oy", "type": "CUSTOMER", "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
            "address": {"name": "Testi Oy", "country": "FINLAND"}}
    for number in range(3):
        created = api("POST", "businesspartners", json={**body, "invoicingInfo": {"customerNumber": f"9{number}"}})
        assert created.status_code == 200, created.text
    first = api("GET", "businesspartners", params={"size": 2, "orderById": "ASC"}).json()
    assert len(first["results"]) == 2 and first["meta"]["totalCount"] == 4
    rest = api("GET", "businesspartners", params={"size": 2, "orderById": "ASC",
                                                  "previousId": first["results"][-1]["id"]}).json()
    assert len(rest["results"]) == 2 and rest["results"][0]["id"] > first["results"][-1]["id"]
    refused = api("POST", "businesspartners", json={**body, "invoicingInfo": {"identifier": "1234567-8"}})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"status": 400, "field": "invoicingInfo.identifier",
                                         "message": "ERROR_BRN_CODE"}]
    not_cp1252 = api("POST", "businesspartners", json={**body, "name": "Testi Oy ✓"})
    assert not_cp1252.json()["errors"][0] == {"status": 400, "field": "name",
                                              "message": "SIM_CHARACTER_OUTSIDE_WINDOWS_1252"}


def invoice_body(**changes):
    body = {"type": "SALES_INVOICE", "date": "2026-11-20", "vatStatus": 1, "language": "FINNISH",
            "invoiceChannel": "NO_SENDING", "originalInvoiceNumber": "990001",
            "counterParty": {"counterPartyAddress": {"name": "Testi Oy", "country": "FINLAND"}},
            "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "dueDate": "2026-12-04",
                            "currencyRate": 1, "bankAccount": {"accountNumber": "FI2112345600000785"}},
            "extraInfo": {"accountingByRow": True, "unitPricesIncludeVat": False}, "discountPercent": 0,
            "invoiceRows": [{"product": "Freight", "quantity": 2, "unit": "PIECE", "unitPrice": 50,
                             "discountPercent": 0, "vatPercent": 25.5, "vatStatus": 1}]}
    body.update(changes)
    return body


def test_an_invoice_is_unfinished_with_a_receipt_then_approved_and_sent(api):
    created = api("POST", "invoices", json=invoice_body()).json()
    assert created["status"] == "UNFINISHED" and created["invoiceSumInfo"]["invoiceSumTotal"] == 125.5
    receipt = api("GET", f"ledgerreceipts/{created['ledgerReceiptId']}").json()
    assert [(t["transactionType"], t["account"], t["accountingValue"]) for t in receipt["transactions"]] == [
        ("REVERSING_ENTRY", "1701", 125.5), ("ENTRY", "3000", -100.0)]
    stale = {**receipt, "version": "2020-01-01T00:00:00"}
    assert api("PUT", f"ledgerreceipts/{receipt['id']}", json=stale).json()["errors"][0]["message"] == \
        "SIM_VERSION_MISMATCH"
    unbalanced = json.loads(json.dumps(receipt))
    unbalanced["transactions"][1]["accountingValue"] = -90
    assert api("PUT", f"ledgerreceipts/{receipt['id']}", json=unbalanced).json()["errors"][0]["message"] == \
        "SIM_RECEIPT_DOES_NOT_BALANCE"
    wrong_dimensions = json.loads(json.dumps(receipt))
    wrong_dimensions["transactions"][1]["dimensionItemValues"] = [{"dimensionId": 1, "itemId": 11, "value": -50}]
    assert api("PUT", f"ledgerreceipts/{receipt['id']}", json=wrong_dimensions).status_code == 400
    assert api("PUT", f"invoices/{created['id']}/send").status_code == 403  # not approved yet
    assert api("PUT", f"invoices/{created['id']}/approve", json={}).status_code == 200
    assert api("PUT", f"invoices/{created['id']}", json={**invoice_body(), "version": created["version"]}) \
        .status_code == 403  # approved: no longer changed
    assert api("PUT", f"invoices/{created['id']}/send").status_code == 200
    assert api("GET", f"invoices/{created['id']}").json()["status"] == "SENT"


def test_invoice_rules(api):
    def first_error(**changes):
        return api("POST", "invoices", json=invoice_body(**changes)).json()["errors"][0]

    assert first_error(date="2025-06-01") == {"status": 400, "field": "date", "message": "CLOSED_FISCAL_PERIOD"}
    assert first_error(invoiceChannel="PAPER_INVOICE")["field"] == "invoiceChannel"
    assert first_error(paymentInfo={**invoice_body()["paymentInfo"], "dueDate": "2026-11-01"})["message"] == \
        "DUE_DATE_BEFORE_BILL_DATE"
    einvoice = api("POST", "invoices", json=invoice_body(invoiceChannel="ELECTRONIC_INVOICE")).json()["errors"]
    assert {e["field"] for e in einvoice} >= {"counterParty.einvoiceAddress.address",
                                              "counterParty.einvoiceAddress.operator"}
    assert api("POST", "invoices", json=invoice_body(invoiceNumber=77)).status_code == 200
    assert first_error(invoiceNumber=77, originalInvoiceNumber="990002")["message"] == "SIM_DUPLICATE_INVOICE_NUMBER"


def test_attachments_are_multipart_and_limited_in_size(api):
    invoice = api("POST", "invoices", json=invoice_body()).json()
    meta = {"name": "Invoice_990001.pdf", "referenceType": "INVOICE", "referenceId": invoice["id"]}
    files = {"meta": (None, json.dumps(meta), "application/json"), "file": ("x.pdf", b"%PDF-1.4 small")}
    created = api("POST", "attachments", files=files)
    assert created.status_code == 200 and created.json()["mimeType"] == "application/pdf"
    assert not created.json()["sendWithInvoice"]
    api.sim.configure({"max_attachment_bytes": 5})
    too_big = api("POST", "attachments", files=files)
    assert too_big.json()["errors"] == [{"status": 400, "field": "file", "message": "File size too big"}]
    assert api("POST", "attachments", json=meta).status_code == 400  # not multipart


def test_the_request_rate_is_limited_per_client_with_retry_after(api):
    api.sim.configure({"requests_per_second": 3})
    answers = [api("GET", "coa") for _ in range(6)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused and refused[0].headers["Retry-After"] == "1"
    assert refused[0].json() == {"errors": [{"status": 429, "message": "Too many calls"}]}
