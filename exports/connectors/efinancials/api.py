"""The e-Financials REST API as the connector uses it: one signed HTTP session per run (the kit's
HttpClient), the three response shapes (paged lists, bare arrays, write results) checked, and refused
writes handed back for the caller to word.
"""
from __future__ import annotations

from typing import Any

from portal.redaction import redact_text

from ..base import ExportError
from ..http import HttpStatusError
from .auth import signed_auth
from .messages import CATALOGUE

PRODUCTION_URL = "https://rmp-api.rik.ee/v1"
#: RIK's training environment. Keys made there only work there; enter it as the export's base URL.
DEMO_URL = "https://demo-rmp-api.rik.ee/v1"
MAX_PAGES = 10_000  # a server that never reports the last page must not keep a run busy forever


class WriteRefused(Exception):
    """E-Financials answered a write with a 4xx: the caller words it (customer / invoice message)."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class EFinancialsApi:
    #: Reading calls repeat transient faults this often (the HttpClient, honouring Retry-After); writes never do.
    READ_RETRIES = 3

    def __init__(self, connector):
        export = connector.export
        self.secrets = export.secret_values()
        self.http = connector.http_client(
            export.base_url or PRODUCTION_URL,
            auth=signed_auth(export.client_identity, export.client_key, export.password),
            read_retries=self.READ_RETRIES)

    @property
    def calls(self) -> int:
        return self.http.calls

    def close(self) -> None:
        self.http.close()

    # -- reading ---------------------------------------------------------------------------------------
    def get(self, path: str, params: dict | None = None) -> Any:
        return self.http.get_json(path, params=params)

    def array(self, path: str) -> list[dict]:
        """A bare JSON array (accounts, sale_articles, bank_accounts, templates, currencies ...)."""
        data = self.get(path)
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise self._unparsable(f"GET {path}: a list of objects was expected")
        return data

    def pages(self, path: str, params: dict | None = None) -> list[dict]:
        """Every item of a paged list ({current_page, total_pages, items}), page after page."""
        items, page = [], 1
        while True:
            data = self.get(path, {**(params or {}), "page": page})
            if not (isinstance(data, dict) and isinstance(data.get("items"), list)
                    and isinstance(data.get("total_pages"), int)):
                raise self._unparsable(f"GET {path}: a page with items and total_pages was expected")
            if data.get("current_page", page) != page:
                raise self._unparsable(f"GET {path}: page {page} was asked for, "
                                       f"page {data.get('current_page')} came back")
            items.extend(data["items"])
            if page >= data["total_pages"] or page >= MAX_PAGES:
                return items
            page += 1

    def exists(self, path: str) -> bool:
        """Whether GET ``path`` finds something (404: no)."""
        try:
            self.http.get(path)
        except HttpStatusError as exc:
            if exc.status == 404:
                return False
            raise self.http.refused("GET", path, exc) from None
        return True

    # -- writing ------------------------------------------------------------------------------------------
    def write(self, method: str, path: str, body: dict | None = None) -> dict:
        """POST/PATCH/PUT; the result object. Raises WriteRefused for a refusal the caller must word."""
        try:
            response = self.http.request(method, path, json_body=body)
        except HttpStatusError as exc:
            raise WriteRefused(exc.status, self._detail(exc)) from None
        if not response.content.strip():
            return {}
        result = self.http.json_of(response)
        if not isinstance(result, dict):
            raise self._unparsable(f"{method} {path}: an object with code and messages was expected")
        return result

    def created_id(self, result: dict, method: str, path: str) -> int:
        created = result.get("created_object_id")
        if isinstance(created, bool) or not isinstance(created, int):
            raise self._unparsable(f"{method} {path}: no created_object_id in {str(result)[:200]}")
        return created

    # -- internals ---------------------------------------------------------------------------------------
    def _detail(self, exc: HttpStatusError) -> str:
        """E-Financials' own words: the messages of its error body, else the start of the body."""
        body = exc.json()
        messages = body.get("messages") if isinstance(body, dict) else None
        if isinstance(messages, list) and messages:
            text = " ".join(str(m).strip() for m in messages)
        else:
            text = (exc.text or f"HTTP {exc.status}").strip()[:300]
        return redact_text(text, self.secrets).rstrip(".")

    def _unparsable(self, detail: str) -> ExportError:
        return ExportError(CATALOGUE, "unparsable", redact_text(detail, self.secrets))

