"""One HTTP session per export run, shared by every connector: the transport, mapped once.

- a (connect, read) timeout on every call, connection reuse, a descriptive User-Agent, and no proxy
  or .netrc settings read from the environment (``trust_env=False``: a worker's environment must not
  redirect invoices, and reading it on every call is slow);
- auth applied per request by an ``Auth`` (exports.connectors.auth); a 401 or 403 lets the auth refresh
  its credentials once (a new OAuth token) and repeats the call once, then it is the target's
  ``credentials`` message;
- reading calls (GET) retry connect errors and 502/503/504 inside urllib3's Retry; writing calls are
  never retried here: the engine retries them after reconciling, so a lost answer can never turn into
  a duplicate invoice;
- a 429 is waited out here for reads and writes alike (the target refused it, so repeating is safe),
  honouring Retry-After, cancellable, and without using any retry budget; only when the target keeps
  refusing past ``throttle_wait_max`` seconds is it the target's ``too_many_calls`` message;
- an optional ``rate_limit`` (exports.services.ratelimit) is asked before every call;
- JSON and XML (lxml) bodies both ways; targets that report failures inside a 200 body (Netvisor) give a
  ``check_body`` hook that raises the catalogue error;
- every attempt is reported to the engine's recorder with a redacted, bounded excerpt (secrets masked
  before anything is cut, so half a secret never shows);
- transport faults become catalogue errors with the HTTP status on them. Every catalogue made by
  exports.catalogue.target_catalogue has the codes used here.
"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from celery.exceptions import SoftTimeLimitExceeded
from lxml import etree
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from portal.redaction import redact_mapping, redact_text

from ..catalogue import TRANSPORT_REASONS, Catalogue
from .auth import Auth, NoAuth
from .errors import ExportError
from .steps import flush_pending

USER_AGENT = "invoice-export-portal/0.1 (+opter invoice export)"
EXCERPT_CHARS = 1500
RETRIED_STATUSES = (502, 503, 504)
CREDENTIAL_STATUSES = (401, 403)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: A target that asks for no particular wait after a 429 is given this long.
DEFAULT_THROTTLE_WAIT = 1.0
#: Parser for answers: no entities resolved, no network, no huge trees (a hostile server gets nothing).
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)


#: Set by quick_calls(): the timeout of calls a person waits for on a page.
_QUICK_CALLS: ContextVar[float | None] = ContextVar("quick_calls", default=None)


@contextmanager
def quick_calls(timeout: float):
    """Clients made inside answer fast or fail: ``timeout`` seconds per call, no repeated reads, no waiting out
    a 429. For checks a page makes while someone waits (the Export invoices page's reachability check)."""
    token = _QUICK_CALLS.set(timeout)
    try:
        yield
    finally:
        _QUICK_CALLS.reset(token)


@dataclass
class CallRecord:
    method: str
    path: str
    status: int | None
    duration_ms: int
    excerpt: str
    error: str = ""
    retried: bool = False  # an attempt urllib3 retried before the final one


class HttpStatusError(ExportError):
    """A 4xx answer. A connector catches it to word it itself (a refused write, a missing object); one that
    does not is the catalogue's "Call to ... {method path} was unsuccessful. Status code {n}."."""

    def __init__(self, catalogue: Catalogue, response: requests.Response, secrets: tuple[str, ...] = ()):
        self.response = response
        self.text = excerpt_of(response.text, secrets)
        method = response.request.method
        super().__init__(catalogue, "call_unsuccessful", f"{method} {urlsplit(response.url).path}",
                         response.status_code, status=response.status_code, excerpt=self.text)

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


def excerpt_of(text: str, secrets: tuple[str, ...], limit: int = EXCERPT_CHARS) -> str:
    """Secrets masked first, then cut: a secret on the boundary cannot leak half of itself. A long text (a
    PDF in Base64) is first cut well beyond the limit, masked, then cut to the limit: a secret across the
    first cut ends up beyond the second."""
    text = (text or "").replace("\r", "")
    length = len(text)
    masked = redact_text(text[:limit * 4], secrets)
    return masked if length <= limit and len(masked) <= limit else masked[:limit] + f"... ({length} characters)"


class HttpClient:
    def __init__(self, base_url: str, *, catalogue: Catalogue, timeout: float = 30.0,
                 secrets: tuple[str, ...] = (), auth: Auth | None = None,
                 recorder: Callable[[CallRecord], None] | None = None, read_retries: int = 3,
                 backoff_factor: float | None = None, default_headers: dict | None = None,
                 check_body: Callable[[requests.Response], None] | None = None,
                 rate_limit=None, cancelled: threading.Event | None = None,
                 throttle_wait_max: float = 300.0, accept: str = "application/json",
                 credential_statuses: tuple[int, ...] = CREDENTIAL_STATUSES,
                 call_slots: threading.Semaphore | None = None):
        self.base_url = base_url.rstrip("/") + "/"
        self.catalogue = catalogue
        quick = _QUICK_CALLS.get()
        if quick is not None:
            timeout, read_retries, throttle_wait_max = min(float(timeout), quick), 0, 0.0
        self.timeout = (min(10.0, float(timeout)), float(timeout))
        self.secrets = tuple(s for s in secrets if s)
        self.auth = auth or NoAuth()
        self.recorder = recorder
        self.check_body = check_body
        self.rate_limit = rate_limit
        self.cancelled = cancelled or threading.Event()
        self.throttle_wait_max = throttle_wait_max
        # Answers that mean "these credentials are refused" (a target that answers 403 for a wrong invoice
        # status too passes just 401; its 403s then reach the connector to be worded).
        self.credential_statuses = credential_statuses
        # The export's calls in flight (the target's parallel calls), shared by the threads that send its
        # invoices: a thread busy with the database between two calls leaves its slot to another.
        self.call_slots = call_slots
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": accept})
        if default_headers:
            self.session.headers.update(default_headers)
        from django.conf import settings

        self.read_retries = read_retries
        self.backoff_factor = float(backoff_factor if backoff_factor is not None
                                    else getattr(settings, "EXPORT_READ_BACKOFF_FACTOR", 0.5))
        # Only connections never established are repeated by urllib3 (nothing reached the server).
        retry = Retry(total=read_retries, connect=read_retries, read=0, status=0, other=0,
                      allowed_methods=READ_METHODS, backoff_factor=self.backoff_factor, backoff_max=30,
                      raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.calls = 0
        self.throttled_seconds = 0.0  # waited for 429s, for the log and the benchmarks

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    # -- the one place every call goes through -------------------------------------------------
    def request(self, method: str, path: str, *, json_body=None, xml_body=None, form: dict | None = None,
                data: bytes | str | None = None, params: dict | None = None,
                headers: dict | None = None, content_type: str | None = None,
                authenticated: bool = True) -> requests.Response:
        """One call. ``authenticated=False``: without the Auth (the login that obtains a token)."""
        method = method.upper()
        body, kind = _encode(json_body, xml_body, form, data)
        headers = dict(headers or {})
        if content_type or kind:
            headers.setdefault("Content-Type", content_type or kind)
        refreshed = False
        waited = 0.0
        repeats = 0
        while True:
            try:
                response = self._send(method, path, body, params, headers, authenticated)
            except ExportError as exc:
                if method in READ_METHODS and exc.retryable and not exc.throttled and repeats < self.read_retries:
                    repeats += 1
                    self._wait(self.backoff_factor * (2 ** (repeats - 1)), method, throttled=False)
                    continue
                raise
            status = response.status_code
            if method in READ_METHODS and status in RETRIED_STATUSES and repeats < self.read_retries:
                repeats += 1
                delay = parse_retry_after(response.headers.get("Retry-After")) or 0.0
                self._wait(max(delay, self.backoff_factor * (2 ** (repeats - 1))), method, throttled=False)
                continue
            if status in self.credential_statuses and authenticated and not refreshed and self.auth.on_unauthorized():
                refreshed = True  # new credentials (a fresh token): the same call once more
                continue
            if status == 429:
                delay = parse_retry_after(response.headers.get("Retry-After")) or DEFAULT_THROTTLE_WAIT
                if waited + delay <= self.throttle_wait_max:
                    self._wait(delay, method)
                    waited += delay
                    continue
                raise self._error("too_many_calls", status, retryable=True, throttled=True, status=status,
                                  retry_after=delay, excerpt=excerpt_of(response.text, self.secrets))
            return self._checked(method, response)

    def _send(self, method, path, body, params, headers, authenticated=True) -> requests.Response:
        # What the last call achieved is committed before this one goes out (exports.connectors.steps).
        flush_pending()
        if self.rate_limit is not None:
            self.rate_limit.acquire(self.cancelled)
        if self.cancelled.is_set():  # also when the cancel came while waiting for the rate limit
            raise self._error("call_cancelled")
        try:
            request = requests.Request(method, self.url(path), data=body, params=params, headers=headers)
            prepared = self.session.prepare_request(request)
        except (ValueError, requests.exceptions.RequestException) as exc:  # a Base URL that is no address
            raise self._error("unknown_error", self._reason(exc), excerpt=self._detail(exc)) from exc
        if authenticated:
            self.auth.apply(prepared)
        writing = method not in READ_METHODS
        started = time.monotonic()
        self.calls += 1
        try:
            if self.call_slots is None:
                response = self.session.send(prepared, timeout=self.timeout)
            else:
                with self.call_slots:
                    response = self.session.send(prepared, timeout=self.timeout)
        except SoftTimeLimitExceeded:
            # The worker is being stopped (Celery's soft time limit) or the run cancelled: the call is
            # abandoned and no new one starts; a write may still have reached the target.
            self.cancelled.set()
            self._record(prepared, None, started, error="cancelled")
            raise self._error("call_cancelled", may_have_reached_target=writing) from None
        except requests.exceptions.ConnectTimeout as exc:
            self._record(prepared, None, started, error=f"connect timeout: {self._detail(exc)}")
            raise self._error("cannot_connect", self._reason(exc), retryable=True, excerpt=self._detail(exc)) from exc
        except requests.exceptions.ReadTimeout as exc:
            self._record(prepared, None, started, error=f"read timeout: {self._detail(exc)}")
            raise self._error("timed_out", retryable=True, may_have_reached_target=writing,
                              excerpt=self._detail(exc)) from exc
        except requests.exceptions.RetryError as exc:
            self._record(prepared, None, started, error=self._detail(exc))
            status = _status_from_retry_error(exc)
            raise self._error("unsuccessful_status", status or "?", retryable=True, status=status) from exc
        except requests.exceptions.ConnectionError as exc:
            if _gave_up_waiting(exc):
                # A reading call whose retries all timed out arrives as a connection error; to the user
                # it is what it is: the target did not answer in time.
                self._record(prepared, None, started, error=f"read timeout: {self._detail(exc)}")
                raise self._error("timed_out", retryable=True, may_have_reached_target=writing,
                                  excerpt=self._detail(exc)) from exc
            reached = writing and not _is_connect_failure(exc)
            self._record(prepared, None, started, error=f"connection error: {self._detail(exc)}")
            raise self._error("cannot_connect", self._reason(exc), retryable=True,
                              may_have_reached_target=reached, excerpt=self._detail(exc)) from exc
        except requests.exceptions.RequestException as exc:
            self._record(prepared, None, started, error=self._detail(exc))
            raise self._error("unknown_error", self._reason(exc), may_have_reached_target=writing,
                              excerpt=self._detail(exc)) from exc
        self._record_retries(prepared, response)
        self._record(prepared, response, started)
        return response

    def _checked(self, method: str, response: requests.Response) -> requests.Response:
        writing = method not in READ_METHODS
        status = response.status_code
        excerpt = excerpt_of(response.text, self.secrets)
        if status in self.credential_statuses:
            raise self._error("credentials", status, status=status, excerpt=excerpt)
        if status >= 500:
            raise self._error("unsuccessful_status", status, retryable=True, status=status, excerpt=excerpt,
                              may_have_reached_target=writing)
        if status >= 400:
            raise HttpStatusError(self.catalogue, response, self.secrets)
        if self.check_body is not None:
            self.check_body(response)
        return response

    def _wait(self, seconds: float, method: str, throttled: bool = True) -> None:
        if throttled:
            self.throttled_seconds += seconds
        if seconds > 0 and self.cancelled.wait(seconds):
            raise self._error("call_cancelled")

    # -- shortcuts -----------------------------------------------------------------------------------
    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def get_json(self, path, **kwargs):
        """A read whose refusal (4xx) is the catalogue's "Call to ... was unsuccessful" message."""
        try:
            return self.json_of(self.get(path, **kwargs))
        except HttpStatusError as exc:
            raise self.refused("GET", path, exc) from None

    def refused(self, method: str, path: str, exc: HttpStatusError) -> ExportError:
        return self._error("call_unsuccessful", f"{method} {path}", exc.status, status=exc.status, excerpt=exc.text)

    def json_of(self, response: requests.Response):
        """The parsed JSON body, or the catalogue's "could not interpret the response" error."""
        try:
            return response.json()
        except ValueError as exc:
            raise self.unparsable(response, "not JSON") from exc

    def xml_of(self, response: requests.Response) -> etree._Element:
        """The parsed XML body (entities never resolved), or the "could not interpret" error."""
        try:
            return etree.fromstring(response.content, XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.unparsable(response, f"not XML ({exc})") from exc

    def unparsable(self, response: requests.Response, why: str) -> ExportError:
        """An answer we cannot read. After a write the target did something we cannot see: in doubt."""
        shown = excerpt_of(response.text, self.secrets, limit=200)
        method = response.request.method
        return self._error("unparsable", f"{method} {urlsplit(response.url).path}: {why}: {shown!r}",
                           status=response.status_code, may_have_reached_target=method not in READ_METHODS)

    # -- internals ---------------------------------------------------------------------------------
    def _error(self, code, *params, **kwargs) -> ExportError:
        return ExportError(self.catalogue, code, *params, **kwargs)

    def _reason(self, exc: Exception) -> str:
        """Why the call failed, in the catalogue's plain words (exports.catalogue.TRANSPORT_REASONS)."""
        return str(TRANSPORT_REASONS[transport_reason(exc)])

    def _detail(self, exc: Exception) -> str:
        """The exception's own text, secrets masked: for the event's excerpt (support), never the message."""
        return redact_text(f"{type(exc).__name__}: {exc}", self.secrets)[:EXCERPT_CHARS]

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
            lines.append("> " + excerpt_of(request_body, self.secrets))
        if response is not None:
            lines.append(f"< {response.status_code} {response.reason}")
            lines.append("< " + excerpt_of(response.text, self.secrets))
        if error:
            lines.append(f"! {redact_text(error, self.secrets)}")
        excerpt = "\n".join(lines)  # every part masked above
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
                                     error=redact_text(str(attempt.error or ""), self.secrets), retried=True))


def json_ready(value):
    """A JSON-ready copy of a body. Amounts are Decimal up to here; JSON numbers are written from float,
    which is exact for the at most 15 significant digits of any amount, price or rate we hold."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value() and value.as_tuple().exponent >= 0
        return int(value) if whole else float(value)
    return value


def _encode(json_body, xml_body, form, data) -> tuple[bytes | str | dict | None, str | None]:
    if json_body is not None:
        return json.dumps(json_ready(json_body), ensure_ascii=False).encode(), "application/json"
    if xml_body is not None:
        if isinstance(xml_body, (bytes, str)):
            return xml_body if isinstance(xml_body, bytes) else xml_body.encode(), "application/xml; charset=utf-8"
        return (etree.tostring(xml_body, xml_declaration=True, encoding="UTF-8"), "application/xml; charset=utf-8")
    if form is not None:
        # requests encodes the dict; its own Content-Type has no charset, as OAuth token endpoints want.
        return form, None
    return data, None


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything nested in it: args, urllib3's ``reason``, the cause and context chain."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 50:
        current = todo.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__,
                  *getattr(current, "args", ())]
        todo.extend(item for item in nested if isinstance(item, BaseException))
    return seen


def transport_reason(exc: BaseException) -> str:
    """Which TRANSPORT_REASONS key explains a transport failure, read from the exception types (and, for
    what the standard library reports only as text, its wording)."""
    causes = _causes(exc)
    text = " ".join(str(cause) for cause in causes)

    def has(*types) -> bool:
        return any(isinstance(cause, types) for cause in causes)

    if has(ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificate"
    if has(requests.exceptions.SSLError, ssl.SSLError):
        return "tls"
    if has(requests.exceptions.ContentDecodingError, requests.exceptions.ChunkedEncodingError):
        return "undecodable"
    if has(requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
           ValueError) and not has(OSError):
        return "bad_url"
    if has(socket.gaierror) or any(marker in text for marker in (
            "Name or service not known", "nodename nor servname", "Temporary failure in name resolution",
            "No address associated with hostname")):
        return "unknown_host"
    if has(ConnectionRefusedError) or "Connection refused" in text:
        return "refused"
    if has(http.client.RemoteDisconnected) or "RemoteDisconnected" in text:
        return "closed"
    if has(ConnectionResetError, BrokenPipeError, ConnectionAbortedError) or "Connection reset" in text:
        return "reset"
    if has(requests.exceptions.ConnectTimeout, TimeoutError) or "timed out" in text:
        return "connect_timeout"
    if has(http.client.HTTPException):
        return "not_http"
    return "network"


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
    for status in RETRIED_STATUSES:
        if str(status) in text:
            return status
    return None
