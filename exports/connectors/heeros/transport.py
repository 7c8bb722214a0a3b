"""The Heeros API, behind one small adapter.

Heeros does not publish the API behind Opter's "Heeros API" export. What is CONFIRMED (Opter's article,
Heeros' help centre): the credentials are a Heeros user name and password, the company is named by two
five-digit ids (tt_id, the accounting office; la_id, the end customer), Heeros Sales Invoices imports
invoices as Finvoice, one file per invoice, with the import options Opter's start text names, and an
import may end incomplete or with validation errors. Everything below the class docstring's line is OUR
DESIGN (spec section 1.5), kept in this one class so that it can be replaced once Heeros gives an
integrator its API: subclass ``HeerosTransport`` (or write a class with the same methods) and name it in
the setting ``HEEROS_TRANSPORT``; the connector only calls the methods of this class and reads the plain
results it returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

import requests

from ..auth import BearerTokenAuth
from ..errors import ExportError
from ..http import HttpStatusError
from ..tokens import TokenSource, login_key

PENDING, PROCESSED, INCOMPLETE, FAILED = "Pending", "Processed", "Incomplete", "Failed"
STATUSES = (PENDING, PROCESSED, INCOMPLETE, FAILED)


@dataclass(frozen=True)
class HeerosError:
    code: str
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.code}{where}: {self.message}" if self.code else self.message


@dataclass(frozen=True)
class ImportState:
    """Where an upload stands in Heeros."""

    import_id: str
    status: str  # one of STATUSES
    invoice_id: str = ""
    invoice_number: str = ""
    heeros_state: str = ""  # the invoice's state in Heeros: Incomplete, Ready, Sending, Archived, ToLedger
    total: Decimal | None = None
    currency: str = ""
    errors: tuple[HeerosError, ...] = ()
    error_count: int = 0

    @property
    def completed_in_heeros(self) -> bool:
        """An import that ended incomplete, but whose invoice someone has since completed in Heeros."""
        return self.status == INCOMPLETE and bool(self.heeros_state) and self.heeros_state != INCOMPLETE


@dataclass(frozen=True)
class RemoteInvoice:
    invoice_id: str
    number: str
    total: Decimal | None
    currency: str
    heeros_state: str
    import_id: str = ""


class UploadRefused(Exception):
    """Heeros refused the upload itself (4xx with its error body)."""

    def __init__(self, status: int, errors: list[HeerosError], error_count: int, excerpt: str = ""):
        super().__init__(f"{status}: {'; '.join(map(str, errors))}")
        self.status = status
        self.errors = errors
        self.error_count = error_count or len(errors)
        self.excerpt = excerpt

    @property
    def first(self) -> HeerosError:
        return self.errors[0] if self.errors else HeerosError(str(self.status), "(no message)")


class BasicAuth:
    """HTTP Basic with the user name and password on every call (the other auth scheme of spec 1.5)."""

    def __init__(self, username: str, password: str):
        self._auth = requests.auth.HTTPBasicAuth(username, password)

    def apply(self, request: requests.PreparedRequest) -> None:
        self._auth(request)

    def on_unauthorized(self) -> bool:
        return False


class HeerosTransport:
    """OUR DESIGN of the Heeros API (UNCONFIRMED; spec 1.5), relative to the base URL:

        POST login                                   {"username", "password"} -> {"token", "expiresIn"}
        GET  offices/{tt_id}/customers/{la_id}        the company: the credentials and the user's rights
        POST .../salesinvoices?MoveOnlyToLedger=..    the Finvoice document (application/xml), one invoice;
                                                      202 {"importId", "status": "Pending"}; 400 invalid,
                                                      409 the invoice number is taken (error body below)
        GET  .../salesinvoices/imports/{importId}     {"importId", "status", "invoiceId", "invoiceNumber",
                                                      "heerosState", "errorCount", "errors"}
        GET  .../salesinvoices/imports?invoiceNumber= the imports of one invoice number
        GET  .../salesinvoices?invoiceNumber= | ?invoiceDateFrom=&invoiceDateTo=&page=
                                                      {"items": [...], "page", "pageCount"}
        errors: {"errorCount", "errors": [{"code", "field", "message"}]}

    ``auth``: "token" (log in once, a bearer token shared by the workers until it expires) or "basic"
    (the user name and password on every call).
    """

    PREFIX = "api/v1/"
    LOGIN = "login"
    COMPANY = "offices/{tt_id}/customers/{la_id}"
    INVOICES = COMPANY + "/salesinvoices"
    IMPORTS = INVOICES + "/imports"
    IMPORT = IMPORTS + "/{import_id}"
    PAGE_SIZE = 100

    def __init__(self, connector, *, base_url: str, tt_id: str, la_id: str, username: str, password: str,
                 auth: str = "token"):
        self.connector = connector
        self.ids = {"tt_id": quote(tt_id.strip(), safe=""), "la_id": quote(la_id.strip(), safe="")}
        self.username, self.password = username, password
        root = base_url.rstrip("/") + "/" + self.PREFIX
        if auth == "basic":
            scheme = BasicAuth(username, password)
        else:
            self.tokens = TokenSource(connector.export, login_key(root, username, tt_id, la_id), self._login)
            scheme = BearerTokenAuth(self.tokens)
        self.http = connector.http_client(root, auth=scheme)

    def close(self) -> None:
        self.http.close()

    def path(self, template: str, **values) -> str:
        return template.format(**self.ids, **{k: quote(str(v), safe="") for k, v in values.items()})

    # -- login -------------------------------------------------------------------------------------------
    def _login(self) -> tuple[str, float]:
        try:
            response = self.http.request("POST", self.LOGIN, authenticated=False,
                                         json_body={"username": self.username, "password": self.password})
        except HttpStatusError as exc:
            # Not a refused login (401/403 are the credentials message): the address is wrong.
            raise self.http.refused("POST", self.LOGIN, exc) from None
        data = self.http.json_of(response)
        token, lifetime = (data.get("token"), data.get("expiresIn")) if isinstance(data, dict) else (None, None)
        if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
            raise self.http.unparsable(response, "no token and expiresIn in the login answer")
        return token, float(lifetime)

    # -- reads -------------------------------------------------------------------------------------------
    def company(self) -> dict:
        data = self.http.get_json(self.path(self.COMPANY))
        if not isinstance(data, dict):
            raise ExportError(self.connector.catalogue, "unparsable", f"GET {self.COMPANY}: not an object")
        return data

    def import_state(self, import_id: str) -> ImportState:
        """Raises the catalogue's call_unsuccessful (status 404) when Heeros has no such import."""
        path = self.path(self.IMPORT, import_id=import_id)
        response = self._get(path)
        return self._import_of(self.http.json_of(response), response)

    def imports_of(self, number: str) -> list[ImportState]:
        response = self._get(self.path(self.IMPORTS), params={"invoiceNumber": number})
        data = self.http.json_of(response)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise self.http.unparsable(response, "no items in the list of imports")
        return [self._import_of(item, response) for item in items]

    def invoices(self, *, number: str | None = None, first: date | None = None,
                 last: date | None = None) -> list[RemoteInvoice]:
        """The invoices Heeros holds with this number, or dated between ``first`` and ``last`` (every page)."""
        params = {"pageSize": self.PAGE_SIZE}
        if number is not None:
            params["invoiceNumber"] = number
        if first is not None:
            params["invoiceDateFrom"] = first.isoformat()
        if last is not None:
            params["invoiceDateTo"] = last.isoformat()
        found, page, pages = [], 1, 1
        while page <= pages:
            response = self._get(self.path(self.INVOICES), params={**params, "page": page})
            data = self.http.json_of(response)
            items = data.get("items") if isinstance(data, dict) else None
            if not isinstance(items, list) or not isinstance(data.get("pageCount"), int):
                raise self.http.unparsable(response, "no items and pageCount in the list of invoices")
            found += [self._invoice_of(item, response) for item in items]
            pages, page = data["pageCount"], page + 1
        return found

    def _get(self, path: str, params: dict | None = None) -> requests.Response:
        try:
            return self.http.get(path, params=params)
        except HttpStatusError as exc:
            raise self.http.refused("GET", path, exc) from None

    # -- the upload --------------------------------------------------------------------------------------
    def upload(self, document: bytes, options: dict[str, bool]) -> ImportState:
        """One Finvoice document with the start text's import options. Raises UploadRefused on a 4xx."""
        query = {name: "true" if value else "false" for name, value in options.items()}
        try:
            response = self.http.request("POST", self.path(self.INVOICES), params=query, xml_body=document)
        except HttpStatusError as exc:
            errors, count = self.errors_of(exc.json())
            raise UploadRefused(exc.status, errors, count, exc.text) from None
        return self._import_of(self.http.json_of(response), response)

    # -- answers -------------------------------------------------------------------------------------------
    @staticmethod
    def errors_of(body) -> tuple[list[HeerosError], int]:
        if not isinstance(body, dict):
            return [], 0
        errors = [HeerosError(str(e.get("code") or ""), str(e.get("message") or ""), str(e.get("field") or ""))
                  for e in body.get("errors") or [] if isinstance(e, dict)]
        count = body.get("errorCount")
        return errors, count if isinstance(count, int) else len(errors)

    def _import_of(self, data, response) -> ImportState:
        if not isinstance(data, dict) or not data.get("importId") or data.get("status") not in STATUSES:
            raise self.http.unparsable(response, "not an import (importId and status)")
        errors, count = self.errors_of(data)
        return ImportState(import_id=str(data["importId"]), status=data["status"],
                           invoice_id=str(data.get("invoiceId") or ""),
                           invoice_number=str(data.get("invoiceNumber") or ""),
                           heeros_state=str(data.get("heerosState") or ""), total=_decimal(data.get("totalAmount")),
                           currency=str(data.get("currency") or ""), errors=tuple(errors), error_count=count)

    def _invoice_of(self, data, response) -> RemoteInvoice:
        if not isinstance(data, dict) or not data.get("invoiceId") or not data.get("invoiceNumber"):
            raise self.http.unparsable(response, "not an invoice (invoiceId and invoiceNumber)")
        return RemoteInvoice(invoice_id=str(data["invoiceId"]), number=str(data["invoiceNumber"]),
                             total=_decimal(data.get("totalAmount")), currency=str(data.get("currency") or ""),
                             heeros_state=str(data.get("heerosState") or ""),
                             import_id=str(data.get("importId") or ""))


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
