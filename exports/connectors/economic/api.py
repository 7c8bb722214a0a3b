"""The e-conomic REST API as the connector uses it: one HTTP session per run (the kit's HttpClient) with
the two token headers, collections read page by page at 1000 a page, filters escaped, and e-conomic's
error object turned into words the catalogue messages append (spec sections 2-4).

Pagination: a collection is read while its ``pagination`` names a ``nextPage``; the next page is asked
for by its own ``skippages`` under our base URL rather than by following the link, so the tokens never go
anywhere the export's base URL does not point.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from ..auth import SignedAuth
from ..errors import ExportError
from ..http import HttpStatusError
from .estimate import IN_LIMIT
from .messages import CATALOGUE

PRODUCTION_URL = "https://restapi.e-conomic.com"
PAGE_SIZE = 1000
KEY_EXISTS = "E06010"  # "key already exists" (a customer or product number taken)
MAX_PAGES = 10_000  # a server that always names a next page must not keep a run busy forever
_ESCAPES = (("$", "$$"), ("(", "$("), (")", "$)"), ("*", "$*"), (",", "$,"), ("[", "$["), ("]", "$]"))


def escape(value) -> str:
    """A value inside a filter: e-conomic's escapes, "$" first."""
    text = str(value)
    for char, escaped in _ESCAPES:
        text = text.replace(char, escaped)
    return text


def chunks(values: list, size: int = IN_LIMIT):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def token_auth(app_secret_token: str, agreement_grant_token: str) -> SignedAuth:
    """X-AppSecretToken (the portal's app) and X-AgreementGrantToken (the customer's agreement) on every call;
    e-conomic wants Content-Type application/json on every request, reads included."""
    def headers(prepared: requests.PreparedRequest) -> dict[str, str]:
        values = {"X-AppSecretToken": app_secret_token, "X-AgreementGrantToken": agreement_grant_token}
        if "Content-Type" not in prepared.headers:
            values["Content-Type"] = "application/json"
        return values

    return SignedAuth(headers)


@dataclass
class Refusal:
    """e-conomic refused a call (4xx): its own words, and the log id its support asks for."""

    status: int
    detail: str
    log_id: str
    excerpt: str
    error_code: str = ""


class Refused(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.detail)
        self.refusal = refusal


class EconomicApi:
    READ_RETRIES = 3

    def __init__(self, connector, app_secret_token: str):
        export = connector.export
        self.secrets = tuple(s for s in (*export.secret_values(), app_secret_token) if s)
        self.http = connector.http_client(
            (export.base_url or PRODUCTION_URL).rstrip("/") + "/",
            auth=token_auth(app_secret_token, export.api_token), secrets=self.secrets,
            read_retries=self.READ_RETRIES)

    @property
    def calls(self) -> int:
        return self.http.calls

    def close(self) -> None:
        self.http.close()

    # -- reading -------------------------------------------------------------------------------------------
    def get(self, path: str, params: dict | None = None) -> dict:
        """A single resource; a refusal (4xx) is the catalogue's "Call to ... was unsuccessful"."""
        data = self.http.get_json(path, params=params)
        if not isinstance(data, dict):
            raise self._unparsable(f"GET {path}: an object was expected")
        return data

    def find(self, path: str) -> dict | None:
        """A single resource, or None when e-conomic answers 404."""
        try:
            response = self.http.get(path)
        except HttpStatusError as exc:
            if exc.status == 404:
                return None
            raise self.http.refused("GET", path, exc) from None
        data = self.http.json_of(response)
        if not isinstance(data, dict):
            raise self._unparsable(f"GET {path}: an object was expected")
        return data

    def collection(self, path: str, *, filter: str | None = None) -> list[dict]:  # noqa: A002 - the API's name
        """Every item of a collection, page after page."""
        items: list[dict] = []
        for skip in range(MAX_PAGES):
            params = {"skippages": skip, "pagesize": PAGE_SIZE}
            if filter:
                params["filter"] = filter
            data = self.get(path, params)
            page, pagination = data.get("collection"), data.get("pagination")
            if not isinstance(page, list) or not isinstance(pagination, dict) \
                    or not all(isinstance(item, dict) for item in page):
                raise self._unparsable(f"GET {path}: a collection with pagination was expected")
            items.extend(page)
            if not pagination.get("nextPage"):
                break
        return items

    # -- writing -------------------------------------------------------------------------------------------
    def write(self, method: str, path: str, body=None, *, data: bytes | None = None,
              content_type: str | None = None) -> Any:
        """POST/PUT/DELETE; the answer's JSON (None for an empty one). Raises Refused on a 4xx."""
        try:
            response = self.http.request(method, path, json_body=body, data=data, content_type=content_type)
        except HttpStatusError as exc:
            raise Refused(self.refusal(exc)) from None
        if not response.content.strip():
            return None
        return self.http.json_of(response)

    def refusal(self, exc: HttpStatusError) -> Refusal:
        body = exc.json()
        if not isinstance(body, dict):
            text = (exc.text or f"HTTP {exc.status}").strip()[:300]
            return Refusal(exc.status, f"HTTP {exc.status}: {text}".rstrip("."), "", exc.text)
        log_id = str(body.get("logId") or "")
        excerpt = f"e-conomic logId {log_id}\n{exc.text}" if log_id else exc.text
        return Refusal(exc.status, error_words(body), log_id, excerpt, str(body.get("errorCode") or ""))

    def _unparsable(self, detail: str) -> ExportError:
        return ExportError(CATALOGUE, "unparsable", detail)


def error_words(body: dict) -> str:
    """e-conomic's error object in words: its message and code, then each per-field error with its path
    ("lines[1].product: Product 1010 does not exist (E06000)"). The developer hint is for developers: it
    stays in the event's excerpt with the log id. No final full stop: the catalogue's messages end the
    sentence."""
    message = str(body.get("message") or "").strip().rstrip(".")
    code = str(body.get("errorCode") or "")
    head = f"{message} ({code})" if code and message else message or code
    fields = list(_field_errors(body.get("errors"), ""))
    if not fields:
        return head
    return f"{head}: {'; '.join(fields)}" if head else "; ".join(fields)


def _field_errors(node, path: str):
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict):
                index = item.get("arrayIndex")
                where = f"{path}[{index + 1}]" if isinstance(index, int) else path
                yield from _field_errors({k: v for k, v in item.items() if k != "arrayIndex"}, where)
        return
    if not isinstance(node, dict):
        return
    for entry in node.get("errors", []) if isinstance(node.get("errors"), list) else []:
        if isinstance(entry, dict):
            text = str(entry.get("message") or "").strip().rstrip(".")
            code = entry.get("errorCode")
            yield f"{path or 'body'}: {text}" + (f" ({code})" if code else "")
    for key, child in node.items():
        if key != "errors":
            yield from _field_errors(child, f"{path}.{key}" if path else key)
