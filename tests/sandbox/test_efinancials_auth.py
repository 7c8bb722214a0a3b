"""The simulator's signature check (spec section 3): the fixed test vector, and 401 for every way a
request can be signed wrongly."""
from datetime import timedelta

from exports.sandbox.efinancials import expected_signature
from tests.sandbox.conftest import SignedClient

VECTOR = ("TESTKEYID", "secret", "2024-01-15T14:30:00", "/v1/clients")
VECTOR_SIGNATURE = "Ym463N+PlOWUecn5sLlv9t/+KygqAaJNOcSGp85Qt91VvFbJJ+cGpfyFhNm/5mrU"


def test_the_spec_test_vector():
    assert expected_signature(*VECTOR) == VECTOR_SIGNATURE


def test_a_correct_signature_is_accepted(api):
    assert api.get("/v1/accounts").status_code == 200


def test_a_key_added_to_the_sandbox_is_accepted(sandbox, efin):
    efin.add_api_key("TESTKEYID", "test-public", "secret")
    client = SignedClient(sandbox, key_id="TESTKEYID", public="test-public", password="secret")
    assert client.get("/v1/currencies").status_code == 200


def test_wrong_password_is_401(sandbox):
    client = SignedClient(sandbox, password="not-the-password")
    answer = client.get("/v1/accounts")
    assert answer.status_code == 401
    assert answer.json() == {"code": 401, "messages": ["Invalid signature."]}


def test_unknown_key_is_401(sandbox):
    answer = SignedClient(sandbox, public="nobody").get("/v1/accounts")
    assert answer.status_code == 401
    assert answer.json()["messages"] == ["Unknown API key."]


def test_stale_time_is_401(api):
    assert api.get("/v1/accounts", time_shift=timedelta(minutes=-6)).status_code == 401
    assert api.get("/v1/accounts", time_shift=timedelta(minutes=6)).status_code == 401


def test_clock_skew_is_configurable(efin, api):
    efin.configure({"max_clock_skew": 10})
    assert api.get("/v1/accounts", time_shift=timedelta(seconds=-30)).status_code == 401
    efin.configure({"max_clock_skew": 60})
    assert api.get("/v1/accounts", time_shift=timedelta(seconds=-30)).status_code == 200


def test_the_signature_covers_the_path_actually_requested(api):
    # Signing the vendor's own /v1 path while requesting the sandbox's /efinancials/v1 path fails.
    assert api.get("/v1/accounts", signed_path="/v1/accounts").status_code == 401


def test_missing_or_malformed_headers_are_401(sandbox, api):
    import requests

    url = sandbox.url + "/efinancials/v1/accounts"
    assert requests.get(url, timeout=5).status_code == 401
    headers = api.headers("/efinancials/v1/accounts")
    assert requests.get(url, headers={**headers, "X-AUTH-QUERYTIME": "15.01.2024 14:30"},
                        timeout=5).status_code == 401
    assert requests.get(url, headers={**headers, "X-AUTH-KEY": "no-colon"}, timeout=5).status_code == 401


def test_the_query_string_is_not_signed(api):
    assert api.get("/v1/clients", params={"page": 1}).status_code == 200
