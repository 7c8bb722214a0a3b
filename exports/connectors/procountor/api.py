"""Procountor's REST API as the connector uses it: one session per run (the kit's HttpClient) with the m2m
token from the kit's token store, Procountor's error body turned into words, cursor-paged lists, and
multipart attachments.

Base URL: the export's Base URL is Procountor's host, with or without an API version path
(https://api.procountor.com, https://pts-api.procountor.com/v2408, https://api.procountor.com/latest/api);
``/api`` is added when it is not there. Blank = production.
"""
from __future__ import annotations

import json
from typing import Any

from urllib3 import encode_multipart_formdata

from portal.redaction import redact_text

from ...services import ratelimit
from ..auth import BearerTokenAuth
from ..base import ExportError
from ..http import HttpStatusError
from ..tokens import TokenSource, login_key
from .messages import CATALOGUE
from .settings import Integration

PRODUCTION_URL = "https://api.procountor.com"
PAGE_SIZE = 200  # Procountor's largest page
MAX_PAGES = 10_000  # a server that never stops paging must not keep a run busy forever
#: Procountor says the token lives an hour; used when an answer does not say
DEFAULT_TOKEN_LIFETIME = 3600


def api_base(base_url: str) -> str:
    url = (base_url or PRODUCTION_URL).strip().rstrip("/")
    if not url.endswith("/api"):
        url += "/api"
    return url + "/"


class Refused(Exception):
    """Procountor answered a call with a 4xx: the caller words it (customer, account coding ...)."""

    def __init__(self, method: str, path: str, status: int, detail: str):
        super().__init__(f"{method} {path}: {status}: {detail}")
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail

    @property
    def call(self) -> str:
        return f"{self.method} {self.path}"

    def described(self) -> str:
        """The "Error during API call" text: status code and Procountor's own words."""
        return f"status code {self.status}. {self.detail}" if self.detail else f"status code {self.status}"


class ProcountorApi:
    READ_RETRIES = 3

    def __init__(self, connector):
        export = connector.export
        self.export = export
        self.integration = Integration.of(export)
        self.base = api_base(export.base_url)
        self.secrets = tuple(dict.fromkeys(export.secret_values() + self.integration.secrets))
        self.tokens = TokenSource(export, login_key(self.base, self.integration.client_id, export.password or ""),
                                  self._login)
        self.http = connector.http_client(
            self.base, auth=BearerTokenAuth(self.tokens), secrets=self.secrets,
            read_retries=self.READ_RETRIES,
            # Procountor answers 403 also for a wrong invoice status or a closed year: worded as its error.
            credential_statuses=(401,),
            # The engine hands the export's shared bucket to the connector; a connector made for the setup
            # check alone takes the same one.
            rate_limit=connector.rate_limit or ratelimit.for_export(export))

    @property
    def calls(self) -> int:
        return self.http.calls

    def close(self) -> None:
        self.http.close()

    # -- the m2m login (spec 2.1) ------------------------------------------------------------------------------
    def _login(self) -> tuple[str, float]:
        integration = self.integration
        form = {"grant_type": "client_credentials", "client_id": integration.client_id,
                "client_secret": integration.client_secret, "api_key": self.export.password}
        if integration.redirect_uri:
            form["redirect_uri"] = integration.redirect_uri
        try:
            # requests writes the form's Content-Type without a charset, as Procountor requires
            response = self.http.request("POST", "oauth/token", form=form, authenticated=False)
        except HttpStatusError as exc:
            refused = self._refused(exc, "POST", "oauth/token")
            raise self.call_error(refused) from None
        data = self.http.json_of(response)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise self.unparsable("POST oauth/token: no access_token in the answer")
        lifetime = data.get("expires_in", DEFAULT_TOKEN_LIFETIME)
        if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or lifetime <= 0:
            lifetime = DEFAULT_TOKEN_LIFETIME
        return token, float(lifetime)

    # -- calls -----------------------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, params: dict | None = None, body: Any = None,
             data: bytes | None = None, content_type: str | None = None) -> Any:
        """One call; its JSON answer (None for an empty one). Raises Refused for a 4xx."""
        try:
            response = self.http.request(method, path, params=params, json_body=body, data=data,
                                         content_type=content_type)
        except HttpStatusError as exc:
            raise self._refused(exc, method, path) from None
        if not response.content.strip():
            return None
        return self.http.json_of(response)

    def get(self, path: str, params: dict | None = None) -> Any:
        """A read whose refusal is "Error during API call" with Procountor's words."""
        try:
            return self.call("GET", path, params=params)
        except Refused as refused:
            raise self.call_error(refused) from None

    def object(self, path: str, params: dict | None = None, *, key: str | None = None):
        """A JSON object (``key``: the list inside it, as Procountor wraps its lists)."""
        data = self.get(path, params)
        if key is None:
            if not isinstance(data, dict):
                raise self.unparsable(f"GET {path}: an object was expected")
            return data
        rows = data.get(key) if isinstance(data, dict) else None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise self.unparsable(f"GET {path}: a list {key!r} was expected")
        return rows

    def array(self, path: str, params: dict | None = None) -> list[dict]:
        data = self.get(path, params)
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise self.unparsable(f"GET {path}: a list of objects was expected")
        return data

    def pages(self, path: str, params: dict | None = None) -> list[dict]:
        """Every row of a cursor-paged list ({results, meta}), in id order: previousId = the last id read."""
        rows, previous = [], None
        for _ in range(MAX_PAGES):
            query = {**(params or {}), "size": PAGE_SIZE, "orderById": "ASC"}
            if previous is not None:
                query["previousId"] = previous
            data = self.get(path, query)
            page = None
            if isinstance(data, dict):
                # Older API versions wrapped products in "products" instead of "results".
                page = data.get("results", data.get("products"))
            if not isinstance(page, list) or not all(isinstance(row, dict) and isinstance(row.get("id"), int)
                                                     for row in page):
                raise self.unparsable(f"GET {path}: a page of results with ids was expected")
            rows.extend(page)
            if len(page) < PAGE_SIZE:
                return rows
            previous = page[-1]["id"]
        return rows

    def attach(self, name: str, content: bytes, reference_id: int) -> dict:
        """POST /attachments: the JSON "meta" part and the file (spec 13). Raises Refused."""
        meta = {"name": name, "referenceType": "INVOICE", "referenceId": reference_id, "sendWithInvoice": False}
        body, content_type = encode_multipart_formdata({
            "meta": (None, json.dumps(meta).encode(), "application/json"),
            "file": (name, content, "application/pdf")})
        result = self.call("POST", "attachments", data=body, content_type=content_type)
        if not isinstance(result, dict) or not isinstance(result.get("id"), int):
            raise self.unparsable("POST attachments: no attachment id in the answer")
        return result

    # -- errors ----------------------------------------------------------------------------------------------
    def _refused(self, exc: HttpStatusError, method: str, path: str) -> Refused:
        return Refused(method, path.lstrip("/"), exc.status, self._words(exc))

    def _words(self, exc: HttpStatusError) -> str:
        """Procountor's own words: every errors[].message with its field; an OAuth error; or the body."""
        body = exc.json()
        text = ""
        if isinstance(body, dict) and isinstance(body.get("errors"), list):
            text = "; ".join(f"{e['field']}: {e.get('message')}" if isinstance(e, dict) and e.get("field")
                             else str(e.get("message") if isinstance(e, dict) else e) for e in body["errors"])
        elif isinstance(body, dict) and body.get("error"):
            text = f"{body['error']}: {body.get('error_description', '')}".rstrip(": ")
        if not text:
            text = (exc.text or "").strip()[:300]
        return redact_text(text, self.secrets)

    def call_error(self, refused: Refused) -> ExportError:
        return ExportError(CATALOGUE, "call_unsuccessful", refused.call, refused.described(), status=refused.status,
                           excerpt=refused.detail)

    def unparsable(self, detail: str) -> ExportError:
        return ExportError(CATALOGUE, "unparsable", redact_text(detail, self.secrets))
