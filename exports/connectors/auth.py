"""How a connector authenticates its calls: an ``Auth`` the HttpClient applies to every request.

    apply(request)       add the credentials to this prepared request (headers computed per request,
                         so signed timestamps are always fresh)
    on_unauthorized()    the target answered 401/403: refresh what can be refreshed (a new access
                         token) and return True to have the call repeated once; False = the credentials
                         themselves are refused
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import requests


class Auth(Protocol):
    def apply(self, request: requests.PreparedRequest) -> None: ...

    def on_unauthorized(self) -> bool: ...


class NoAuth:
    def apply(self, request: requests.PreparedRequest) -> None:
        return None

    def on_unauthorized(self) -> bool:
        return False


class SignedAuth:
    """Headers computed from the request (an HMAC over path, time ...): nothing to refresh."""

    def __init__(self, sign: Callable[[requests.PreparedRequest], dict[str, str]]):
        self._sign = sign

    def apply(self, request: requests.PreparedRequest) -> None:
        request.headers.update(self._sign(request))

    def on_unauthorized(self) -> bool:
        return False


class BearerTokenAuth:
    """``Authorization: Bearer <token>`` from a token store; a 401 fetches a new token once."""

    def __init__(self, tokens):
        self._tokens = tokens  # exports.connectors.tokens.TokenSource

    def apply(self, request: requests.PreparedRequest) -> None:
        request.headers["Authorization"] = f"Bearer {self._tokens.current()}"

    def on_unauthorized(self) -> bool:
        return self._tokens.renew()
