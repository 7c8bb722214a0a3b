"""The sandbox driven by an independent client: the PyPI package ``Procountor`` (vilkasgroup). Its Client
knows only Procountor's own hosts; ``api_host`` is the one property to override to point it elsewhere. It
logs in at ``<host>/supported/api/oauth/token/`` (a trailing slash) with the form it builds itself."""
import pytest
from procountor.client import Client

from exports.sandbox.procountor import company
from tests.procountor.conftest import PDF, Line


class SandboxClient(Client):
    def __init__(self, host: str, **kwargs):
        self._host = host
        super().__init__(**kwargs)

    @property
    def api_host(self):
        return self._host


def client_for(sandbox, **overrides) -> SandboxClient:
    options = {"api_key": company.API_KEY, "client_id": company.CLIENT_ID, "client_secret": company.CLIENT_SECRET,
               "redirect_uri": company.REDIRECT_URI, "test_mode": True, "api_version": "supported", **overrides}
    return SandboxClient(sandbox.base_url("procountor"), **options)


def test_the_independent_client_gets_a_token_and_reads_the_company(sandbox):
    client = client_for(sandbox)
    assert client.access_token
    coa = client.get_coa()
    assert coa["status"] == 200
    assert {"3000", "1210", "1701"} <= {a["ledgerAccountCode"] for a in coa["content"]["ledgerAccounts"]}
    years = client.get_fiscal_years()["content"]["fiscalYears"]
    assert [y["startDate"][:4] for y in years] == ["2027", "2026", "2025"] and not years[-1]["isOpen"]
    assert {d["name"] for d in client.get_dimensions()["content"]} == {"Kustannuspaikka", "Projekti"}
    assert {s["vatStatus"] for s in client.get_vats()["content"]["vatStatuses"]} == {1, 3, 5, 12}
    partners = client.get_business_partners(customerNumber="1001", type="CUSTOMER")["content"]["results"]
    assert [p["id"] for p in partners] == [501]
    assert client.get_session_info()["content"]["country"] == "FINLAND"
    groups = client.get_product_groups(type="SALES")["content"]["productGroups"]
    assert [g["name"] for g in groups] == ["Palvelut"]


def test_the_independent_client_reads_what_the_connector_sent(finland):
    invoice = finland.invoice(Line(centre="Helsinki"))
    finland.send(invoice, pdf=PDF)
    client = client_for(finland.sandbox, api_version="24.08")  # a numbered version path: /v2408/api
    found = client.get_invoices(originalInvoiceNumber=str(invoice.number))["content"]["results"]
    (basic,) = found
    full = client.get_invoice(basic["id"])["content"]
    receipt = client.get_ledger_receipt(full["ledgerReceiptId"])["content"]
    assert [t["account"] for t in receipt["transactions"]] == ["1210", "3000"]
    attachment = client.get_attachment(full["attachments"][0]["id"])
    assert attachment["status"] == 200 and attachment["content"] == PDF
    assert attachment["metadata"]["name"] == f"Invoice_{invoice.number}.pdf"


def test_the_independent_client_is_refused_with_a_wrong_api_key(sandbox):
    with pytest.raises(RuntimeError, match="Authentication failed"):
        client_for(sandbox, api_key="wrong-key")
