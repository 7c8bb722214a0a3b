"""One HTTP session per export run, shared by every connector.

- a (connect, read) timeout on every call, connection reuse, a descriptive User-Agent;
- auth computed per request by the connector (``sign`` is called for every attempt);
- reading calls (GET) retry transient faults inside urllib3's Retry, honouring Retry-After;
  writing calls are never retried here: the engine retries them after reconciling, so a lost
  response can never turn into a duplicate invoice;
- every attempt is reported to the engine's recorder with a redacted, bounded excerpt;
- transport faults become catalogue errors. Each connector's catalogue provides the codes
  ``cannot_connect`` ({0} = detail), ``timed_out``, ``unsuccessful_status`` ({0} = status code),
  ``unknown_error`` ({0} = detail) and ``unparsable`` ({0} = detail).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from portal.redaction import redact_mapping, redact_text

from ..catalogue import Catalogue
from .base import ExportError

USER_AGENT = "invoice-export-portal/0.1 (+opter invoice export)"
EXCERPT_CHARS = 1500
TRANSIENT_STATUSES = (429, 502, 503, 504)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class CallRecord:
    method: str
    path: str
    status: int | None
    duration_ms: int
    excerpt: str
    error: str = ""
    retried: bool = False  # an attempt urllib3 retried before the final one


class HttpStatusError(Exception):
    """A non-transient 4xx/5xx answer; the connector maps it to its own catalogue message."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.status = response.status_code
        self.text = response.text[:EXCERPT_CHARS]
        super().__init__(f"HTTP {self.status}")

    def json(self):
        try:
            return self.response.json()
        except ValueError:
            return None


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class HttpClient:
    def __init__(self, base_url: str, *, catalogue: Catalogue, timeout: float = 30.0,
                 secrets: tuple[str, ...] = (), sign: Callable[[requests.PreparedRequest], None] | None = None,
                 recorder: Callable[[CallRecord], None] | None = None, read_retries: int = 3,
                 backoff_factor: float = 0.5, default_headers: dict | None = None):
        self.base_url = base_url.rstrip("/") + "/"
        self.catalogue = catalogue
        self.timeout = (min(10.0, float(timeout)), float(timeout))
        self.secrets = tuple(s for s in secrets if s)
        self.sign = sign
        self.recorder = recorder
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        if default_headers:
            self.session.headers.update(default_headers)
        retry = Retry(total=read_retries, connect=read_retries, read=read_retries, status=read_retries,
                      allowed_methods=READ_METHODS, status_forcelist=TRANSIENT_STATUSES,
                      backoff_factor=backoff_factor, backoff_max=30, respect_retry_after_header=True,
                      raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.calls = 0

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    # -- the one place every call goes through -------------------------------------------------
    def request(self, method: str, path: str, *, json_body=None, data: bytes | str | None = None,
                params: dict | None = None, headers: dict | None = None) -> requests.Response:
        method = method.upper()
        writing = method not in READ_METHODS
        url = self.url(path)
        body = json.dumps(json_body, ensure_ascii=False).encode() if json_body is not None else data
        request = requests.Request(method, url, data=body, params=params, headers=headers or {})
        if json_body is not None:
            request.headers.setdefault("Content-Type", "application/json")
        prepared = self.session.prepare_request(request)
        if self.sign:
            self.sign(prepared)
        started = time.monotonic()
        self.calls += 1
        try:
            response = self.session.send(prepared, timeout=self.timeout)
        except requests.exceptions.ConnectTimeout as exc:
            self._record(prepared, None, started, error=f"connect timeout: {exc}")
            raise self._error("cannot_connect", self._reason(exc), retryable=True) from exc
        except requests.exceptions.ReadTimeout as exc:
            self._record(prepared, None, started, error="read timeout")
            raise self._error("timed_out", retryable=True, may_have_reached_target=writing) from exc
        except requests.exceptions.RetryError as exc:
            self._record(prepared, None, started, error=str(exc))
            status = _status_from_retry_error(exc)
            raise self._error("unsuccessful_status", status or "?", retryable=True) from exc
        except requests.exceptions.ConnectionError as exc:
            if _gave_up_waiting(exc):
                # A reading call whose retries all timed out arrives as a connection error; to the user
                # it is what it is: the target did not answer in time.
                self._record(prepared, None, started, error="read timeout")
                raise self._error("timed_out", retryable=True, may_have_reached_target=writing) from exc
            reached = writing and not _is_connect_failure(exc)
            self._record(prepared, None, started, error=f"connection error: {self._reason(exc)}")
            raise self._error("cannot_connect", self._reason(exc), retryable=True,
                              may_have_reached_target=reached) from exc
        except requests.exceptions.RequestException as exc:
            self._record(prepared, None, started, error=str(exc))
            raise self._error("unknown_error", self._reason(exc), may_have_reached_target=writing) from exc
        self._record_retries(prepared, response)
        self._record(prepared, response, started)
        if response.status_code in TRANSIENT_STATUSES:
            raise self._error("unsuccessful_status", response.status_code, retryable=True,
                              may_have_reached_target=writing and response.status_code != 429,
                              retry_after=parse_retry_after(response.headers.get("Retry-After")),
                              excerpt=self._excerpt_of(response))
        if response.status_code >= 500:
            raise self._error("unsuccessful_status", response.status_code, retryable=True,
                              may_have_reached_target=writing, excerpt=self._excerpt_of(response))
        if response.status_code >= 400:
            raise HttpStatusError(response)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def json_of(self, response: requests.Response):
        """The parsed JSON body, or the catalogue's "could not interpret the response" error."""
        try:
            return response.json()
        except ValueError as exc:
            raise self._error("unparsable", f"{response.request.method} {urlsplit(response.url).path}: "
                                            f"{response.text[:200]!r}") from exc

    # -- internals ---------------------------------------------------------------------------------
    def _error(self, code, *params, **kwargs) -> ExportError:
        return ExportError(self.catalogue, code, *params, **kwargs)

    def _reason(self, exc: Exception) -> str:
        text = str(exc)
        for marker in ("Caused by ", "Failed to establish a new connection: "):
            if marker in text:
                text = text.split(marker, 1)[1]
        return redact_text(text.strip("()' "), self.secrets)[:300]

    def _excerpt_of(self, response: requests.Response) -> str:
        return redact_text(response.text[:EXCERPT_CHARS], self.secrets)

    def _record(self, prepared, response, started, error: str = "") -> None:
        if not self.recorder:
            return
        duration = int((time.monotonic() - started) * 1000)
        request_body = prepared.body.decode("utf-8", "replace") if isinstance(prepared.body, bytes) else (
            prepared.body or "")
        lines = [f"> {prepared.method} {urlsplit(prepared.url).path}"]
        lines += [f"> {k}: {v}" for k, v in redact_mapping(dict(prepared.headers), self.secrets).items()
                  if k.lower() not in ("user-agent", "accept-encoding", "connection", "content-length")]
        if request_body:
            lines.append("> " + _shorten(request_body))
        if response is not None:
            lines.append(f"< {response.status_code} {response.reason}")
            lines.append("< " + _shorten(response.text))
        if error:
            lines.append(f"! {error}")
        excerpt = redact_text("\n".join(lines), self.secrets)
        self.recorder(CallRecord(prepared.method, urlsplit(prepared.url).path,
                                 response.status_code if response is not None else None, duration, excerpt, error))

    def _record_retries(self, prepared, response) -> None:
        retries = getattr(getattr(response, "raw", None), "retries", None)
        if not self.recorder or not retries:
            return
        for attempt in retries.history:
            self.recorder(CallRecord(prepared.method, urlsplit(prepared.url).path, attempt.status, 0,
                                     f"> {prepared.method} {urlsplit(prepared.url).path}\n"
                                     f"< {attempt.status or attempt.error} (retried)",
                                     error=str(attempt.error or ""), retried=True))


def _shorten(text: str) -> str:
    text = text.replace("\r", "")
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + f"... ({len(text)} characters)"


def _gave_up_waiting(exc: requests.exceptions.ConnectionError) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, ReadTimeoutError)


def _is_connect_failure(exc: requests.exceptions.ConnectionError) -> bool:
    text = repr(exc)
    return any(marker in text for marker in ("NewConnectionError", "Connection refused", "Name or service",
                                             "nodename nor servname", "ConnectTimeout"))


def _status_from_retry_error(exc: requests.exceptions.RetryError) -> int | None:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    text = str(reason or exc)
    for status in TRANSIENT_STATUSES:
        if str(status) in text:
            return status
    return None
