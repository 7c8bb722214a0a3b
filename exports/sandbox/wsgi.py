"""Small WSGI helpers for the simulators: a request wrapper, responses, a router.

Kept free of Django so a simulator runs on any WSGI server and starts in milliseconds.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import parse_qs


class DropConnection(Exception):  # noqa: N818 - it is a signal to the server, not an error
    """Raised by a simulator after it performed a call: close the socket without answering."""


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, start_response) -> Iterable[bytes]:
        reason = HTTPStatus(self.status).phrase if self.status in HTTPStatus._value2member_map_ else "Status"
        headers = [h for h in self.headers if h[0].lower() != "content-length"]
        headers.append(("Content-Length", str(len(self.body))))
        start_response(f"{self.status} {reason}", headers)
        return [self.body]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class HttpError(Exception):
    """An error answer with a JSON body; each simulator chooses the body shape via ``body``."""

    def __init__(self, status: int, body, headers: list[tuple[str, str]] | None = None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or []

    def response(self) -> Response:
        return json_response(self.body, self.status, self.headers)


def _json_default(value):
    if isinstance(value, Decimal):
        # Amounts stay Decimal inside the simulators; on the wire they are JSON numbers.
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(data, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_json_default).encode()
    return Response(status, body, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])])


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode(), [("Content-Type", "text/html; charset=utf-8")])


class Request:
    def __init__(self, environ: dict):
        self.environ = environ
        self.method = environ["REQUEST_METHOD"].upper()
        self.path = environ.get("PATH_INFO", "") or "/"
        # What the client asked for, mount prefix included: signatures are computed over this.
        self.full_path = environ.get("SCRIPT_NAME", "") + self.path
        pairs = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self.query = {name: values[-1] for name, values in pairs.items()}
        self._body: bytes | None = None

    def header(self, name: str, default: str | None = None) -> str | None:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key, default)
        return self.environ.get(f"HTTP_{key}", default)

    @property
    def body(self) -> bytes:
        if self._body is None:
            length = int(self.environ.get("CONTENT_LENGTH") or 0)
            self._body = self.environ["wsgi.input"].read(length) if length else b""
        return self._body

    def json(self, error: Callable[[str], Exception]):
        """The body parsed with exact decimals; ``error(message)`` builds the exception for bad JSON."""
        if not self.body.strip():
            raise error("The request body is empty; a JSON object was expected.")
        try:
            return json.loads(self.body, parse_float=Decimal)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise error(f"The request body is not valid JSON: {exc}") from None

    def wants_html(self) -> bool:
        return self.query.get("format") == "html" or (
            "text/html" in (self.header("Accept") or "") and self.query.get("format") != "json")


Handler = Callable[..., Response]


class Router:
    """Routes like ``GET /v1/clients/<int:id>`` or ``/imports/<str:key>``; unknown route -> 404, known path
    wrong method -> 405."""

    _PARAM = re.compile(r"<(int|str):(\w+)>")

    def __init__(self):
        self._routes: list[tuple[str, re.Pattern, Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        kinds = {name: kind for kind, name in self._PARAM.findall(pattern)}
        regex = "^" + self._PARAM.sub(lambda m: f"(?P<{m.group(2)}>" + (r"\d+" if m.group(1) == "int" else "[^/]+")
                                      + ")", pattern) + "$"
        self._routes.append((method.upper(), re.compile(regex), handler, kinds))

    def resolve(self, method: str, path: str) -> tuple[Handler | None, dict, bool]:
        """(handler, params, path_known)."""
        path_known = False
        for route_method, regex, handler, kinds in self._routes:
            found = regex.match(path)
            if not found:
                continue
            path_known = True
            if route_method == method:
                return handler, {k: v if kinds.get(k) == "str" else int(v) for k, v in found.groupdict().items()}, True
        return None, {}, path_known
