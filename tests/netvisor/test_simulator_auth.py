"""The simulator's authentication (spec section 3): the connector's MAC against the spec's test vector, and
the sandbox refusing a wrong MAC, a stale timestamp, a reused transaction id, an unknown partner or
company, inside Netvisor's envelope (HTTP 200, FAILED, "CATEGORY :: text")."""
from datetime import UTC, datetime, timedelta

import pytest
import requests
from lxml import etree

from exports.connectors.netvisor.auth import Identity, auth_headers, mac
from exports.connectors.netvisor.target import DEMO_KEY
from exports.connectors.netvisor.xml import status_of

COMPANY = "1033062-8"


def test_the_mac_is_the_specs_test_vector():
    identity = Identity("TK_12345_1", "CUSTOMERKEY123", "partner", "PARTNERKEY456", "1234567-8",
                        sender="OpterPortal", language="FI")
    assert mac("https://isvapi.netvisor.fi/salesinvoicelist.nv?invoicenumber=1001", identity,
               "2025-01-15 12:00:00.000", "0f8fad5bd9cb469fa16570867728950e", "1736942400") == (
        "3391bc7a218fa375c7dc83e580be41790930e50639d1824b043f96ec1a900c91")


def identity(**changes) -> Identity:
    values = {"customer_id": DEMO_KEY["customer_id"], "customer_key": DEMO_KEY["customer_key"],
              "partner_id": DEMO_KEY["partner_id"], "partner_key": DEMO_KEY["partner_key"],
              "organisation_id": COMPANY, **changes}
    return Identity(**values)


def call(sandbox, *, url_suffix="accountlist.nv", who=None, now=None, headers=None, tamper=None):
    url = sandbox.base_url("netvisor") + "/" + url_suffix
    signed = auth_headers(url, who or identity(), now or datetime.now(UTC))
    signed.update(headers or {})
    if tamper:
        tamper(signed)
    response = requests.get(url, headers=signed, timeout=5)
    return response, signed, status_of(etree.fromstring(response.content))


def test_a_signed_call_is_answered(sandbox):
    response, _, status = call(sandbox)
    assert response.status_code == 200 and status.ok


@pytest.mark.parametrize("what, kwargs, text", [
    ("wrong customer key", {"who": identity(customer_key="x")}, "The MAC is not valid."),
    ("wrong partner key", {"who": identity(partner_key="x")}, "The MAC is not valid."),
    ("unknown partner", {"who": identity(partner_id="someone")}, "Integration partner not found"),
    ("unknown API user", {"who": identity(customer_id="someone")}, "Integration keys are not valid"),
    ("other company", {"who": identity(organisation_id="2077474-0")}, "no access to the company 2077474-0"),
    ("stale timestamp", {"now": datetime.now(UTC) - timedelta(minutes=10)}, "The timestamp is not valid"),
    ("missing header", {"tamper": lambda h: h.pop("X-Netvisor-Authentication-Sender")},
     "X-Netvisor-Authentication-Sender is missing"),
    ("URL not the signed one", {"tamper": lambda h: h.update({"X-Netvisor-Authentication-MAC": mac(
        "http://elsewhere/accountlist.nv", identity(), h["X-Netvisor-Authentication-Timestamp"],
        h["X-Netvisor-Authentication-TransactionId"], h["X-Netvisor-Authentication-TimestampUnix"])})},
     "The MAC is not valid."),
])
def test_wrong_credentials_are_refused_in_netvisors_envelope(sandbox, what, kwargs, text):
    response, _, status = call(sandbox, **kwargs)
    assert response.status_code == 200
    assert (status.ok, status.category) == (False, "AUTHENTICATION_FAILED")
    assert text in status.text


def test_a_transaction_id_is_used_once(sandbox):
    fixed = {"X-Netvisor-Authentication-TransactionId": "tx-1"}

    def resign(h):
        h["X-Netvisor-Authentication-MAC"] = mac(sandbox.base_url("netvisor") + "/accountlist.nv", identity(),
                                                 h["X-Netvisor-Authentication-Timestamp"], "tx-1",
                                                 h["X-Netvisor-Authentication-TimestampUnix"])

    assert call(sandbox, headers=fixed, tamper=resign)[2].ok
    _, _, status = call(sandbox, headers=fixed, tamper=resign)
    assert (status.category, status.text) == ("REQUEST_NOT_UNIQUE",
                                              "REQUEST_NOT_UNIQUE :: Transaction id tx-1 has already been used.")
    sandbox.simulator("netvisor").configure({"check_transaction_id": False})
    assert call(sandbox, headers=fixed, tamper=resign)[2].ok


def test_the_clock_skew_is_an_option(sandbox):
    sandbox.simulator("netvisor").configure({"max_clock_skew": 3600})
    assert call(sandbox, now=datetime.now(UTC) - timedelta(minutes=10))[2].ok


def test_resource_names_are_matched_in_any_case_and_unknown_ones_are_404(sandbox):
    assert call(sandbox, url_suffix="AccountList.nv")[2].ok
    response, _, status = call(sandbox, url_suffix="nosuchresource.nv")
    assert response.status_code == 404 and status.category == "INVALID_DATA"


def test_with_use_http_status_codes_a_failure_has_its_status(sandbox):
    response, _, status = call(sandbox, who=identity(customer_key="x"),
                               headers={"X-Netvisor-Authentication-UseHTTPResponseStatusCodes": "1"})
    assert (response.status_code, status.category) == (401, "AUTHENTICATION_FAILED")
