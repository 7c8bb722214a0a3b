"""The simulator driven by an independent client: the PyPI package netvisor-api-client (Heltti Oy), in its
HMACSHA256 mode. It builds its own URLs (CamelCase resource names), headers, MAC and XML (CamelCase
elements, no format attributes), sends UseHTTPResponseStatusCodes: 1 and parses the answers itself."""
from datetime import date
from decimal import Decimal

import pytest

from accounting.validators import is_valid_finnish_reference
from exports.connectors.netvisor.target import DEMO_KEY

netvisor_api_client = pytest.importorskip("netvisor_api_client", reason="pip install netvisor-api-client (dev extra)")
from netvisor_api_client import Netvisor  # noqa: E402
from netvisor_api_client.exc import AuthenticationFailed, InvalidData  # noqa: E402

COMPANY = "1033062-8"


def client(sandbox, algorithm="HMACSHA256", **changes) -> Netvisor:
    options = {"sender": "Heltti test", "partner_id": DEMO_KEY["partner_id"], "partner_key": DEMO_KEY["partner_key"],
               "customer_id": DEMO_KEY["customer_id"], "customer_key": DEMO_KEY["customer_key"],
               "organization_id": COMPANY, "language": "FI", "algorithm": algorithm, **changes}
    return Netvisor(sandbox.base_url("netvisor"), **options)


def invoice_data(customer_key: int, number: int) -> dict:
    return {
        "number": number, "date": date(2026, 11, 20), "amount": Decimal("125.50"), "currency": "EUR",
        "status": "open", "invoicing_customer_identifier": str(customer_key), "payment_term_net_days": 14,
        "invoice_lines": [{
            "identifier": {"identifier": "1", "type": "netvisor"}, "name": "Rahti",
            "unit_price": {"amount": Decimal("100.00"), "type": "net"},
            "vat_percentage": {"percentage": Decimal("25.5"), "code": "KOMY"}, "quantity": Decimal("1")}],
    }


def test_a_customer_list_and_an_invoice_add_succeed_in_hmacsha256_mode(sandbox):
    netvisor = client(sandbox)
    customers = netvisor.customers.list()
    assert [(c["netvisor_key"], c["code"], c["name"]) for c in customers] == [(1, "1001", "Oulun Satamapalvelu Oy")]
    key = netvisor.sales_invoices.create(invoice_data(customers[0]["netvisor_key"], 900001))
    stored = sandbox.simulator("netvisor").store.invoices[key]
    assert (stored["number"], stored["amount"], stored["customer_code"], stored["status"]) == (
        "900001", Decimal("125.50"), "1001", "open")
    assert is_valid_finnish_reference(stored["reference"])  # Netvisor makes one when none is given
    assert [(line["product"], line["vat_code"], line["net"], line["vat"]) for line in stored["lines"]] == [
        ("RAHTI", "KOMY", Decimal("100.00"), Decimal("25.50"))]
    listed = netvisor.sales_invoices.list(invoice_number=900001)
    assert [(row["netvisor_key"], row["sum"]) for row in listed] == [(key, Decimal("125.50"))]


def test_the_clients_failures_come_back_as_netvisors(sandbox):
    with pytest.raises(AuthenticationFailed, match="The MAC is not valid"):
        client(sandbox, customer_key="not-the-key").customers.list()
    with pytest.raises(InvalidData, match="Customer not found with Netvisor identifier: 77"):
        client(sandbox).sales_invoices.create(invoice_data(77, 900002))
    # UseHTTPResponseStatusCodes: 1 was asked for: the failures came with their status codes.
    statuses = [call["status"] for call in sandbox.simulator("netvisor").calls.as_dict()["recent"]]
    assert statuses == [401, 400]


def test_the_legacy_md5_mode_is_checked_too(sandbox):
    assert client(sandbox, algorithm="MD5").customers.list()
    sandbox.simulator("netvisor").configure({"accepted_algorithms": "HMACSHA256"})
    with pytest.raises(AuthenticationFailed, match="algorithm MD5 is not accepted"):
        client(sandbox, algorithm="MD5").customers.list()
