"""Request signing for the e-Financials API.

Every request carries
    X-AUTH-QUERYTIME: UTC time, YYYY-MM-DDTHH:MM:SS
    X-AUTH-KEY:       <public API key>:<Base64(HMAC-SHA-384(password, "<key id>:<time>:<path>"))>
where <path> is the path actually requested (with /v1, without host and query string). Method and
body are not signed. Headers are computed for each request so the time is always fresh.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..auth import SignedAuth

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def signature(key_id: str, password: str, query_time: str, path: str) -> str:
    digest = hmac.new(password.encode(), f"{key_id}:{query_time}:{path}".encode(), hashlib.sha384).digest()
    return base64.b64encode(digest).decode()


def auth_headers(key_id: str, public_key: str, password: str, path: str, now: datetime) -> dict[str, str]:
    query_time = now.astimezone(UTC).strftime(TIME_FORMAT)
    return {"X-AUTH-QUERYTIME": query_time,
            "X-AUTH-KEY": f"{public_key}:{signature(key_id, password, query_time, path)}"}


def signed_auth(key_id: str, public_key: str, password: str, *,
                clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> SignedAuth:
    return SignedAuth(lambda prepared: auth_headers(key_id, public_key, password, urlsplit(prepared.url).path,
                                                    clock()))
