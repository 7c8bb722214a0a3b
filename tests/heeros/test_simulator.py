"""The Heeros sandbox driven over its socket with plain requests (no project code on the client side), and
what it received read back: login, rights, upload, status, look-ups, refusals, knobs and options."""
import base64
import time

import pytest
import requests

from exports.connectors.heeros.target import DEMO_KEY
from exports.sandbox.knobs import KnobError
from tests.heeros.conftest import independent_schema_errors, require_xsd

COMPANY = f"/api/v1/offices/{DEMO_KEY['tt_id']}/customers/{DEMO_KEY['la_id']}"


@pytest.fixture
def api(helsinki):
    """A requests session logged in to the sandbox's Heeros, and a valid document of a demo invoice."""
    base = helsinki.export.base_url
    session = requests.Session()
    answer = session.post(f"{base}/api/v1/login", json={"username": DEMO_KEY["username"],
                                                         "password": DEMO_KEY["password"]})
    assert answer.status_code == 200 and answer.json()["expiresIn"] == 3600
    session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    invoice = helsinki.invoices(1)[0]
    document = helsinki.prepared([invoice]).build(invoice, None).body.document

    class Api:
        sim = helsinki.sim

        def url(self, path=""):
            return f"{base}{COMPANY}{path}"

        def upload(self, body=document, **params):
            return session.post(self.url("/salesinvoices"), data=body, params=params,
                                headers={"Content-Type": "application/xml"})

        def get(self, path, **params):
            return session.get(self.url(path), params=params)

    Api.session, Api.document, Api.invoice, Api.base = session, document, invoice, base
    return Api()


def test_login_refused_credentials_and_the_error_body(helsinki):
    base = helsinki.export.base_url
    refused = requests.post(f"{base}/api/v1/login", json={"username": DEMO_KEY["username"], "password": "wrong"})
    assert refused.status_code == 401
    assert refused.json() == {"errorCount": 1, "errors": [{"code": "Unauthorized", "field": "",
                                                           "message": "The user name or password is incorrect."}]}
    anonymous = requests.get(f"{base}{COMPANY}")
    assert anonymous.status_code == 401
    expired = requests.get(f"{base}{COMPANY}", headers={"Authorization": "Bearer not-a-token"})
    assert expired.status_code == 401 and "log in again" in expired.json()["errors"][0]["message"]


def test_http_basic_and_the_rights_to_a_company(helsinki):
    base = helsinki.export.base_url
    basic = (DEMO_KEY["username"], DEMO_KEY["password"])
    company = requests.get(f"{base}{COMPANY}", auth=basic)
    assert company.status_code == 200 and company.json()["businessId"] == "1033062-8"
    other = requests.get(f"{base}/api/v1/offices/02002/customers/101", auth=basic)  # leading zeros count
    assert other.status_code == 403 and other.json()["errors"][0]["code"] == "Forbidden"
    helsinki.sim.configure({"auth": "token"})
    assert requests.get(f"{base}{COMPANY}", auth=basic).status_code == 401
    helsinki.sim.configure({"auth": "basic"})
    login = requests.post(f"{base}/api/v1/login", json={"username": basic[0], "password": basic[1]})
    assert login.status_code == 404


def test_an_upload_is_pending_for_the_configured_polls_then_processed(api):
    api.sim.configure({"processing_polls": 2})
    accepted = api.upload(**{"SendToCustomer": "true"})
    assert accepted.status_code == 202
    import_id = accepted.json()["importId"]
    assert accepted.json() == {"importId": import_id, "status": "Pending"}
    statuses = [api.get(f"/salesinvoices/imports/{import_id}").json() for _ in range(3)]
    assert [s["status"] for s in statuses] == ["Pending", "Pending", "Processed"]
    final = statuses[-1]
    assert final["invoiceNumber"] == str(api.invoice.number) and final["heerosState"] == "Sending"
    assert final["totalAmount"] == float(api.invoice.total) and final["currency"] == "EUR"
    listed = api.get("/salesinvoices", invoiceNumber=str(api.invoice.number)).json()
    assert [i["invoiceId"] for i in listed["items"]] == [final["invoiceId"]] and listed["pageCount"] == 1
    imports = api.get("/salesinvoices/imports", invoiceNumber=str(api.invoice.number)).json()["items"]
    assert [i["importId"] for i in imports] == [import_id]


def test_an_import_can_stay_pending_for_ever(api):
    api.sim.configure({"processing_polls": -1})
    import_id = api.upload().json()["importId"]
    assert {api.get(f"/salesinvoices/imports/{import_id}").json()["status"] for _ in range(5)} == {"Pending"}
    assert api.get("/salesinvoices").json()["items"] == []  # not an invoice yet


def test_outcomes_incomplete_and_invalid(api):
    api.sim.configure({"processing_polls": 0, "outcome": "incomplete"})
    incomplete = api.get(f"/salesinvoices/imports/{api.upload().json()['importId']}").json()
    assert (incomplete["status"], incomplete["heerosState"]) == ("Incomplete", "Incomplete")
    api.sim.configure({"outcome": "invalid", "refuse_duplicates": False})
    failed = api.get(f"/salesinvoices/imports/{api.upload().json()['importId']}").json()
    assert failed["status"] == "Failed" and failed["errorCount"] == 1
    assert failed["errors"][0]["code"] == "SimulatedFailure" and failed["invoiceId"] is None


def test_heeros_rules_fail_an_import_that_the_schema_accepts(api):
    api.sim.configure({"processing_polls": 0})
    text = api.document.decode()
    start = text.index("<UnitPriceAmount")
    price = text[text.index(">", start) + 1:text.index("</UnitPriceAmount>", start)]
    negative = text.replace(f">{price}</UnitPriceAmount>", f">-{price}</UnitPriceAmount>", 1)
    failed = api.get(f"/salesinvoices/imports/{api.upload(negative.encode()).json()['importId']}").json()
    assert failed["status"] == "Failed"
    assert "NegativeUnitPrice" in [error["code"] for error in failed["errors"]]


def test_an_unknown_customer_with_create_customer_false_is_incomplete(api):
    api.sim.configure({"processing_polls": 0})
    imported = api.upload(CreateCustomer="false").json()
    assert api.get(f"/salesinvoices/imports/{imported['importId']}").json()["status"] == "Incomplete"


def test_refusals_at_upload(api):
    require_xsd()
    assert api.upload(b"<Finvoice Version='3.0'><broken").status_code == 400
    assert api.upload(b"<Invoice/>").json()["errors"][0]["code"] == "MalformedDocument"
    wrong_order = api.document.replace(b"<OriginCode>Original</OriginCode>", b"").replace(
        b"<InvoiceTypeText>", b"<OriginCode>Original</OriginCode><InvoiceTypeText>")
    schema_refused = api.upload(wrong_order)
    assert schema_refused.status_code == 400 and schema_refused.json()["errors"][0]["code"] == "SchemaError"
    assert api.upload(MoveOnlyToLedger="yes").status_code == 400
    both = api.upload(MoveOnlyToLedger="true", SendToCustomer="true")
    assert both.json()["errors"][0]["message"] == "Only one of MoveOnlyToLedger and SendToCustomer can be true."
    assert api.upload(Foo="true").status_code == 400
    as_json = api.session.post(api.url("/salesinvoices"), json={"invoice": 1})
    assert as_json.status_code == 415
    assert api.sim.store.writes == []


def test_a_duplicate_invoice_number_is_refused_unless_the_option_is_off(api):
    assert api.upload().status_code == 202
    duplicate = api.upload()
    assert duplicate.status_code == 409
    (error,) = duplicate.json()["errors"]
    assert error["code"] == "DuplicateInvoiceNumber" and error["field"] == "InvoiceNumber"
    api.sim.configure({"refuse_duplicates": False})
    assert api.upload().status_code == 202
    assert len(api.sim.booked_invoices()) == 2


def test_a_transmission_frame_before_the_document_is_accepted(api):
    frame = (b'<?xml version="1.0" encoding="UTF-8"?>'
             b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
             b"<SOAP-ENV:Header/><SOAP-ENV:Body/></SOAP-ENV:Envelope>\n")
    assert api.upload(frame + api.document).status_code == 202


def test_the_invoice_list_is_paged_and_filtered_by_date(helsinki, api):
    api.sim.configure({"processing_polls": 0, "page_size": 2})
    connector = helsinki.prepared(helsinki.invoices(5))
    for invoice in helsinki.invoices(5):
        import_id = api.upload(connector.build(invoice, None).body.document).json()["importId"]
        assert api.get(f"/salesinvoices/imports/{import_id}").json()["status"] == "Processed"
    first = api.get("/salesinvoices", pageSize=10).json()
    assert (len(first["items"]), first["pageCount"]) == (2, 3)
    assert len(api.get("/salesinvoices", page=3).json()["items"]) == 1
    day = helsinki.invoices(5)[-1].invoice_date.isoformat()
    dated = api.get("/salesinvoices", invoiceDateFrom=day, invoiceDateTo=day, pageSize=10).json()["items"]
    assert dated and {i["invoiceDate"] for i in dated} == {day}
    assert api.get("/salesinvoices", invoiceDateFrom="2026-13-01").status_code == 400


def test_the_received_page_lists_every_document_with_its_validation(api):
    api.upload()
    api.upload(b"<Finvoice Version='2.0'/>")
    received = requests.get(f"{api.base}/_received").json()
    accepted, refused = received["documents"]
    assert accepted["accepted"] and accepted["status"] == "Pending" and accepted["errors"] == []
    assert accepted["validation"] in ("valid against the XSD", "XSD not configured")
    assert not refused["accepted"] and refused["status"] == "Refused"
    assert "Version '2.0' is not accepted" in refused["errors"][0]["message"]
    page = requests.get(f"{api.base}/_received?format=html").text
    assert "Documents received" in page and str(api.invoice.number) in page
    document = requests.get(f"{api.base}/_received/documents/1")
    assert document.headers["Content-Type"].startswith("application/xml") and document.content == api.document
    assert requests.get(f"{api.base}/_received/documents/9").status_code == 404
    if accepted["schema"]["checked"]:
        assert independent_schema_errors(document.content) == []


def test_the_kits_fault_knobs_answer_in_heeros_error_body(api):
    api.sim.configure({"script": [{"kind": "error", "status": 503, "match": "salesinvoices$"}]})
    fault = api.upload()
    assert fault.status_code == 503
    assert fault.json() == {"errorCount": 1, "errors": [{"code": "ServerError", "field": "",
                                                         "message": "Simulated fault."}]}
    api.sim.configure({"reject_credentials": True})
    assert api.get("").status_code == 401
    unknown = requests.get(f"{api.base}/api/v2/nothing")
    assert unknown.status_code in (401, 404) and "errorCount" in unknown.json()


def test_bad_option_values_are_refused_by_name(helsinki):
    with pytest.raises(KnobError, match="outcome must be one of ok, incomplete, invalid"):
        helsinki.sim.configure({"outcome": "maybe"})
    with pytest.raises(KnobError, match="processing_polls"):
        helsinki.sim.configure({"processing_polls": -2})


def test_tokens_expire(helsinki):
    helsinki.sim.configure({"token_lifetime": 0})
    base = helsinki.export.base_url
    token = requests.post(f"{base}/api/v1/login", json={"username": DEMO_KEY["username"],
                                                        "password": DEMO_KEY["password"]}).json()["token"]
    time.sleep(0.01)
    assert requests.get(f"{base}{COMPANY}", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_basic_credentials_that_cannot_be_read(helsinki):
    header = {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe").decode()}
    assert requests.get(f"{helsinki.export.base_url}{COMPANY}", headers=header).status_code == 401
