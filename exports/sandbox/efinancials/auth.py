"""The e-Financials request signature, checked the way the server does it (spec section 3).

Written independently of the connector's signer on purpose: a mistake shared by both sides would
otherwise pass every test. The fixed test vector in the test suite pins both to the spec.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from ..simulator import AuthFailed

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    public_value: str
    password: str


class AuthError(AuthFailed):
    """Why a request is refused with 401."""


def expected_signature(key_id: str, password: str, query_time: str, path: str) -> str:
    message = f"{key_id}:{query_time}:{path}".encode()
    return base64.b64encode(hmac.new(password.encode(), message, hashlib.sha384).digest()).decode()


def verify(headers_time: str | None, headers_key: str | None, path: str, keys: dict[str, ApiKey],
           max_skew_seconds: int, now: datetime | None = None) -> ApiKey:
    """The key that signed the request, or AuthError. ``path`` is the path the client requested."""
    if not headers_time or not headers_key:
        raise AuthError("Authentication headers X-AUTH-QUERYTIME and X-AUTH-KEY are required.")
    try:
        sent_at = datetime.strptime(headers_time, TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise AuthError("X-AUTH-QUERYTIME must be UTC time as YYYY-MM-DDTHH:MM:SS.") from None
    now = now or datetime.now(UTC)
    if abs((now - sent_at).total_seconds()) > max_skew_seconds:
        raise AuthError("X-AUTH-QUERYTIME is too far from the server time.")
    public_value, separator, signature = headers_key.rpartition(":")
    if not separator or not public_value or not signature:
        raise AuthError("X-AUTH-KEY must be <public key>:<signature>.")
    key = keys.get(public_value)
    if key is None:
        raise AuthError("Unknown API key.")
    expected = expected_signature(key.key_id, key.password, headers_time, path)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise AuthError("Invalid signature.")
    return key
