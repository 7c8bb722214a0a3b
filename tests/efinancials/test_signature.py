"""The connector's request signature (spec section 3), pinned by the spec's test vector."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import requests

from exports.connectors.efinancials.auth import auth_headers, signature, signed_auth

VECTOR_SIGNATURE = "Ym463N+PlOWUecn5sLlv9t/+KygqAaJNOcSGp85Qt91VvFbJJ+cGpfyFhNm/5mrU"


def test_the_spec_test_vector():
    assert signature("TESTKEYID", "secret", "2024-01-15T14:30:00", "/v1/clients") == VECTOR_SIGNATURE


def test_headers_carry_utc_time_without_offset_and_the_public_key():
    tallinn = datetime(2024, 1, 15, 18, 30, tzinfo=ZoneInfo("Europe/Tallinn"))  # UTC+2 in winter
    headers = auth_headers("TESTKEYID", "public-value", "secret", "/v1/clients", tallinn)
    assert headers["X-AUTH-QUERYTIME"] == "2024-01-15T16:30:00"
    assert headers["X-AUTH-KEY"].startswith("public-value:")


def test_the_signer_signs_the_requested_path_without_the_query_and_with_a_fresh_time():
    times = iter([datetime(2024, 1, 15, 14, 30, tzinfo=UTC), datetime(2024, 1, 15, 14, 30, 5, tzinfo=UTC)])
    signer = signed_auth("TESTKEYID", "public-value", "secret", clock=lambda: next(times))
    first = requests.Request("GET", "https://rmp-api.rik.ee/v1/clients?page=2").prepare()
    signer.apply(first)
    assert first.headers["X-AUTH-QUERYTIME"] == "2024-01-15T14:30:00"
    assert first.headers["X-AUTH-KEY"] == f"public-value:{VECTOR_SIGNATURE}"
    second = requests.Request("GET", "https://rmp-api.rik.ee/v1/clients").prepare()
    signer.apply(second)
    assert second.headers["X-AUTH-QUERYTIME"] == "2024-01-15T14:30:05"
    assert second.headers["X-AUTH-KEY"] != first.headers["X-AUTH-KEY"]


def test_a_prefix_in_front_of_v1_is_part_of_what_is_signed():
    signer = signed_auth("TESTKEYID", "p", "secret", clock=lambda: datetime(2024, 1, 15, 14, 30, tzinfo=UTC))
    request = requests.Request("GET", "http://127.0.0.1:8765/efinancials/v1/clients").prepare()
    signer.apply(request)
    expected = signature("TESTKEYID", "secret", "2024-01-15T14:30:00", "/efinancials/v1/clients")
    assert request.headers["X-AUTH-KEY"] == f"p:{expected}"
