"""The e-Financials simulator's protocol: envelopes, schema validation, business rules, documents."""
import base64
from decimal import Decimal

import pytest
import requests

from tests.sandbox.conftest import client_body, invoice_body

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def created(answer) -> int:
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["code"] == 0 and data["messages"]
    return data["created_object_id"]


# -- envelopes ------------------------------------------------------------------------------------------

def test_bare_arrays_for_reference_data(api):
    accounts = api.get("/v1/accounts").json()
    assert isinstance(accounts, list)
    assert {1210, 3100, 3520, 2410} <= {a["id"] for a in accounts}
    articles = {(a["accounts_id"], a["vat_rate"]) for a in api.get("/v1/sale_articles").json()}
    assert {(3100, 24), (3520, 0)} <= articles
    ibans = [b["iban_code"] for b in api.get("/v1/bank_accounts").json()]
    assert ibans == ["EE382200221020145685"]
    assert any(t["is_default"] for t in api.get("/v1/templates").json())
    assert "EUR" in {c["id"] for c in api.get("/v1/currencies").json()}


def test_paged_lists_follow_the_page_size(efin, api):
    efin.configure({"page_size": 2})
    first = api.get("/v1/projects").json()
    assert first["current_page"] == 1 and first["total_pages"] == 2 and len(first["items"]) == 2
    second = api.get("/v1/projects", params={"page": 2}).json()
    assert [p["name"] for p in first["items"] + second["items"]] == ["Distribution", "Long haul", "Warehouse"]
    assert api.get("/v1/projects", params={"page": "x"}).status_code == 400


def test_unknown_route_is_404_and_wrong_method_405(api):
    assert api.get("/v1/no_such_thing").status_code == 404
    assert api.call("DELETE", "/v1/accounts").status_code == 405


# -- clients ---------------------------------------------------------------------------------------------

def test_create_and_read_a_client(api):
    client_id = created(api.post("/v1/clients", client_body()))
    client = api.get(f"/v1/clients/{client_id}").json()
    assert client["code"] == "70000349" and client["is_juridical_entity"] and not client["is_deleted"]


@pytest.mark.parametrize("status", [400, 422])
def test_schema_failures_use_the_configured_status(efin, api, status):
    efin.configure({"validation_status": status})
    answer = api.post("/v1/clients", client_body(colour="blue", name=None))
    assert answer.status_code == status
    assert answer.json()["code"] == status
    assert set(answer.json()["messages"]) == {"colour: unknown or read-only field.", "name: is required."}


def test_read_only_fields_are_refused(api):
    answer = api.post("/v1/clients", client_body(id=5))
    assert answer.status_code == 400 and "id: unknown or read-only field." in answer.json()["messages"]


def test_wrong_types_are_refused(api):
    answer = api.post("/v1/clients", client_body(is_client="yes"))
    assert answer.json()["messages"] == ["is_client: must be a boolean."]


def test_bad_json_is_refused(sandbox, api):
    path = "/efinancials/v1/clients"
    answer = requests.post(sandbox.url + path, data=b"{not json", headers=api.headers(path), timeout=5)
    assert answer.status_code == 400 and "not valid JSON" in answer.json()["messages"][0]


def test_a_client_must_be_a_natural_or_a_juridical_person(api):
    answer = api.post("/v1/clients", client_body(is_juridical_entity=False))
    assert answer.status_code == 409
    assert answer.json()["messages"] == ["Please choose if it is a natural or a juridical person."]


def test_registry_code_checksum_only_when_asked(efin, api):
    assert api.post("/v1/clients", client_body(code="70000340")).status_code == 200
    efin.configure({"check_registry_code": True})
    refused = api.post("/v1/clients", client_body(code="70000341"))
    assert refused.status_code == 409 and "70000341" in refused.json()["messages"][0]


def test_patch_a_client(api):
    client_id = created(api.post("/v1/clients", client_body()))
    assert api.call("PATCH", f"/v1/clients/{client_id}", json={"name": "Transport AS"}).status_code == 200
    assert api.get(f"/v1/clients/{client_id}").json()["name"] == "Transport AS"
    refused = api.call("PATCH", f"/v1/clients/{client_id}", json={"invoice_vat_no": "E1"})
    assert refused.status_code == 409


# -- sale invoices -----------------------------------------------------------------------------------------

def test_create_register_and_read_back(efin, api):
    invoice_id = created(api.post("/v1/sale_invoices", invoice_body()))
    invoice = api.get(f"/v1/sale_invoices/{invoice_id}").json()
    assert invoice["status"] == "PROJECT" and invoice["number"] == "100234"
    assert (invoice["net_price"], invoice["vat_price"], invoice["gross_price"]) == (100.0, 24.0, 124.0)
    assert api.call("PATCH", f"/v1/sale_invoices/{invoice_id}/register").status_code == 200
    assert api.get(f"/v1/sale_invoices/{invoice_id}").json()["status"] == "CONFIRMED"
    again = api.call("PATCH", f"/v1/sale_invoices/{invoice_id}/register")
    assert again.status_code == 409


def test_vat_is_per_rate_on_the_summed_net(api):
    rows = [{"products_id": 1, "cl_sale_articles_id": 1, "custom_title": f"Row {i}", "amount": 1,
             "unit_net_price": 0.03, "total_net_price": 0.03, "vat_rate": 24} for i in range(3)]
    invoice_id = created(api.post("/v1/sale_invoices", invoice_body(items=rows)))
    invoice = api.get(f"/v1/sale_invoices/{invoice_id}").json()
    # Per row 0.03 x 24 % rounds to 0.01 each (0.03); per rate 0.09 x 24 % = 0.0216 -> 0.02.
    assert invoice["vat_price"] == 0.02


def test_duplicate_number_is_409(api):
    created(api.post("/v1/sale_invoices", invoice_body()))
    answer = api.post("/v1/sale_invoices", invoice_body())
    assert answer.status_code == 409
    assert answer.json()["messages"] == ["An invoice with the number 100234 already exists."]


def test_list_filters_by_journal_date(api):
    created(api.post("/v1/sale_invoices", invoice_body()))
    november = api.get("/v1/sale_invoices", params={"start_date": "2026-11-01",
                                                    "end_date": "2026-11-30"}).json()
    assert [i["number"] for i in november["items"]] == ["100234"]
    assert "items" not in november["items"][0]
    october = api.get("/v1/sale_invoices", params={"start_date": "2026-10-01",
                                                   "end_date": "2026-10-31"}).json()
    assert [i["number"] for i in october["items"]] == ["A2026001"]


@pytest.mark.parametrize("change, message", [
    ({"items": []}, "Products/services are missing"),
    ({"clients_id": 999}, "Buyer 999 does not exist."),
    ({"cl_currencies_id": "XYZ"}, "Currency XYZ is not in use."),
    ({"number_suffix": "INV-1"}, "The invoice number may contain only digits (at most 30)."),
    ({"cl_countries_id": "EE"}, "cl_countries_id: 'EE' is not an ISO 3166 alpha-3 code."),
])
def test_invoice_business_rules(api, change, message):
    answer = api.post("/v1/sale_invoices", invoice_body(**change))
    assert answer.status_code == 409
    assert answer.json()["messages"] == [message]


@pytest.mark.parametrize("row_change, fragment", [
    ({"vat_rate": 22}, "does not match sale article 1"),
    ({"sale_accounts_id": 3520}, "is not the account of sale article 1"),
    ({"cl_sale_articles_id": 3}, "sale article 3 is not valid on 2026-11-20"),
    ({"projects_project_id": 3}, "project 3 does not exist or is not active"),
    ({"total_net_price": 101}, "differs from amount x unit price"),
])
def test_row_rules(api, row_change, fragment):
    body = invoice_body()
    body["items"][0].update(row_change)
    answer = api.post("/v1/sale_invoices", body)
    assert answer.status_code == 409
    assert fragment in answer.json()["messages"][0]


def test_inactive_account_refused(efin, api):
    efin.store.accounts[3100]["is_disabled"] = True
    answer = api.post("/v1/sale_invoices", invoice_body())
    assert answer.status_code == 409 and "account 3100 is not active" in answer.json()["messages"][0]


def test_dimensioned_account_needs_a_dimension(efin, api):
    efin.store.accounts[3100]["allows_dimensions"] = True
    answer = api.post("/v1/sale_invoices", invoice_body())
    assert answer.json()["messages"] == ["Row 1: Entry must be made to account's dimension."]


def test_row_schema_failures_are_reported_with_the_row(api):
    body = invoice_body()
    del body["items"][0]["custom_title"]
    body["items"][0]["colour"] = "red"
    answer = api.post("/v1/sale_invoices", body)
    assert answer.status_code == 400
    assert set(answer.json()["messages"]) == {"items[1].colour: unknown or read-only field.",
                                              "items[1].custom_title: is required."}


def test_bank_accounts_id_writability_is_an_option(efin, api):
    assert api.post("/v1/sale_invoices", invoice_body(bank_accounts_id=1)).status_code == 200
    efin.configure({"accept_bank_accounts_id": False})
    answer = api.post("/v1/sale_invoices", invoice_body(number_suffix="100235", bank_accounts_id=1))
    assert answer.status_code == 400


# -- the user's document ---------------------------------------------------------------------------------

def test_document_upload_replace_and_read(efin, api):
    invoice_id = created(api.post("/v1/sale_invoices", invoice_body()))
    path = f"/v1/sale_invoices/{invoice_id}/document_user"
    body = {"name": "Invoice-100234.pdf", "contents": base64.b64encode(PDF).decode()}
    assert api.call("PUT", path, json=body).status_code == 200
    assert api.call("PUT", path, json=body).status_code == 200  # PUT replaces
    assert base64.b64decode(api.get(path).json()["contents"]) == PDF
    assert efin.store.documents[invoice_id]["contents"] == PDF


@pytest.mark.parametrize("body, status", [
    ({"name": "x.pdf", "contents": "not base64!"}, 400),
    ({"name": "x.pdf"}, 400),
    ({"name": "x.txt", "contents": base64.b64encode(b"hello").decode()}, 409),
])
def test_document_refusals(api, body, status):
    invoice_id = created(api.post("/v1/sale_invoices", invoice_body()))
    assert api.call("PUT", f"/v1/sale_invoices/{invoice_id}/document_user", json=body).status_code == status


def test_document_after_register_is_an_option(efin, api):
    efin.configure({"accept_pdf_after_register": False})
    invoice_id = created(api.post("/v1/sale_invoices", invoice_body()))
    api.call("PATCH", f"/v1/sale_invoices/{invoice_id}/register")
    body = {"name": "x.pdf", "contents": base64.b64encode(PDF).decode()}
    assert api.call("PUT", f"/v1/sale_invoices/{invoice_id}/document_user", json=body).status_code == 409


def test_received_view_lists_what_came_through_the_api(sandbox, api):
    client_id = created(api.post("/v1/clients", client_body()))
    invoice_id = created(api.post("/v1/sale_invoices", invoice_body(client_id=client_id)))
    api.call("PUT", f"/v1/sale_invoices/{invoice_id}/document_user",
             json={"name": "Invoice-100234.pdf", "contents": base64.b64encode(PDF).decode()})
    data = requests.get(sandbox.url + "/efinancials/_received", timeout=5).json()
    assert [c["code"] for c in data["clients"]] == ["70000349"]
    (invoice,) = data["sale_invoices"]
    assert invoice["number"] == "100234" and Decimal(str(invoice["gross_price"])) == Decimal("124")
    assert invoice["document"]["size"] == len(PDF)
    page = requests.get(sandbox.url + "/efinancials/_received?format=html", timeout=5)
    assert "100234" in page.text and "Invoice-100234.pdf" in page.text
    pdf = requests.get(sandbox.url + f"/efinancials/_received/documents/{invoice_id}", timeout=5)
    assert pdf.content == PDF and pdf.headers["Content-Type"] == "application/pdf"


def test_the_company_starts_with_the_articles_opter_needs(api):
    articles = {a["name_eng"]: (a["accounts_id"], a["vat_rate"]) for a in api.get("/v1/sale_articles").json()}
    assert articles["3100-24"] == (3100, 24) and articles["3520-0"] == (3520, 0)
    projects = [p["name"] for p in api.get("/v1/projects").json()["items"] if not p["is_disabled"]]
    assert projects == ["Distribution", "Long haul"]
