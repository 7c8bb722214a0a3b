"""Netvisor's XML API as the connector uses it: one signed HTTP session per run (the kit's HttpClient),
every answer read as Netvisor's envelope, and its failures turned into catalogue errors.

Netvisor answers failures inside an HTTP 200 body: ResponseStatus holds FAILED and then
"CATEGORY :: text" (spec section 4). The HttpClient's ``check_body`` hook reads every answer; what a
failure means depends on the category:

    AUTHENTICATION_FAILED               the credentials message, Netvisor's text appended
    SERVICE_ACCESS_ERROR                the API user lacks the right to the resource: named
    SYSTEM_MAINTANANCE, TECHNICAL_ERROR Netvisor cannot take the call now: retried by the engine
    REQUEST_NOT_UNIQUE                  a read is repeated once with a fresh transaction id
    the others (INVALID_DATA, DUPLICATE_DATA, PERIOD_LOCK ...)
                                        a Refusal the caller words (customer, product, invoice message)

With settings.NETVISOR_USE_HTTP_STATUS_CODES the UseHTTPResponseStatusCodes header is sent; Netvisor then
answers failures with a 4xx/5xx status and the same envelope, read the same way (the mapping of
categories to statuses is undocumented, so the category decides, never the status).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from lxml import etree

from portal.redaction import redact_text

from ..errors import ExportError
from ..http import XML_PARSER, HttpStatusError
from .auth import Identity, signed_auth
from .messages import CATALOGUE
from .xml import Status, child, document, status_of, text

PRODUCTION_URL = "https://integration.netvisor.fi"
#: Netvisor's partner test environment ("ISV"); credentials made there only work there.
TEST_URL = "https://isvapi.netvisor.fi"
#: Seconds: Netvisor asks for generous client time-outs (two minutes and more, spec section 2).
RECOMMENDED_TIMEOUT = 120

RETRIED_CATEGORIES = ("SYSTEM_MAINTANANCE", "TECHNICAL_ERROR")


class Refusal(Exception):
    """Netvisor refused a write for a reason of its data: the caller words it with Netvisor's text."""

    def __init__(self, call: str, status: Status, http_status: int):
        super().__init__(status.text)
        self.call = call
        self.category = status.category
        self.text = status.text
        self.http_status = http_status


@dataclass
class _Answer:
    root: object
    status: Status


def query_string(params: dict | None) -> str:
    """Built here, not by requests: the MAC covers the URL exactly as sent, commas and all."""
    if not params:
        return ""
    pairs = [f"{name}={quote(str(value), safe=',-_.')}" for name, value in params.items() if value not in (None, "")]
    return "?" + "&".join(pairs) if pairs else ""


def detail(text: str) -> str:
    """Netvisor's text as the catalogue appends it: the templates end the sentence themselves."""
    return " ".join((text or "").split()).rstrip(".") or "No reason was given"


class NetvisorApi:
    READ_RETRIES = 3

    def __init__(self, connector, identity: Identity):
        export = connector.export
        self.identity = identity
        # The portal's partner key is not one of the export's secrets: masked all the same.
        self.secrets = tuple(s for s in (*export.secret_values(), identity.customer_key, identity.partner_key) if s)
        self.http = connector.http_client(
            export.base_url or PRODUCTION_URL, auth=signed_auth(identity), check_body=self._check_body,
            secrets=self.secrets, read_retries=self.READ_RETRIES, accept="text/xml")

    @property
    def calls(self) -> int:
        return self.http.calls

    def close(self) -> None:
        self.http.close()

    # -- the two kinds of call -----------------------------------------------------------------------
    def read(self, resource: str, params: dict | None = None):
        """GET ``resource`` (e.g. "customerlist.nv"); the answer's root element. Every failure is an
        ExportError."""
        for attempt in (1, 2):
            try:
                return self._call("GET", resource, params).root
            except Refusal as refused:
                if refused.category == "REQUEST_NOT_UNIQUE" and attempt == 1:
                    continue  # a transport retry repeated our transaction id: a fresh one, once
                raise self._error("call_refused", f"GET {resource}", detail(refused.text),
                                  status=refused.http_status) from None
        raise AssertionError("unreachable")

    def write(self, resource: str, params: dict | None, body) -> object:
        """POST ``resource`` with an XML body (an lxml element); the answer's root. Raises Refusal for
        refusals of the data, ExportError for everything else."""
        return self._call("POST", resource, params, body).root

    def inserted_id(self, root, resource: str) -> str:
        """Replies/InsertedDataIdentifier: the NetvisorKey of what a write created."""
        replies = child(root, "Replies")
        key = text(replies, "InsertedDataIdentifier") if replies is not None else ""
        if not key.isdigit():
            raise self._error("unparsable", f"POST {resource}: no InsertedDataIdentifier in the answer",
                              may_have_reached_target=True)
        return key

    # -- internals -------------------------------------------------------------------------------------
    def _call(self, method: str, resource: str, params: dict | None, body=None) -> _Answer:
        path = resource + query_string(params)
        call = f"{method} {resource}"
        try:
            response = self.http.request(method, path, data=document(body) if body is not None else None,
                                         content_type="text/xml; charset=utf-8" if body is not None else None)
        except HttpStatusError as exc:
            answer = self._envelope_of(exc.response)
            if exc.status == 404 or answer is None or answer.status.ok:
                raise self.http.refused(method, resource, exc) from None
            return self._judged(call, method, answer, exc.status)
        except ExportError as exc:
            if exc.short_code != "credentials":
                raise
            raise self._refused_credentials(exc, call, method) from None
        answer = response.netvisor_answer
        return self._judged(call, method, answer, response.status_code)

    def _check_body(self, response) -> None:
        """HttpClient hook for 2xx answers: it must be Netvisor's envelope (else "could not interpret")."""
        root = self.http.xml_of(response)
        status = status_of(root)
        if status is None:
            raise self.http.unparsable(response, "not a Netvisor answer (no Root/ResponseStatus/Status)")
        response.netvisor_answer = _Answer(root, status)

    def _envelope_of(self, response) -> _Answer | None:
        try:
            root = etree.fromstring(response.content, XML_PARSER)
        except etree.XMLSyntaxError:
            return None
        status = status_of(root)
        return _Answer(root, status) if status is not None else None

    def _judged(self, call: str, method: str, answer: _Answer, http_status: int) -> _Answer:
        status = answer.status
        if status.ok:
            return answer
        writing = method != "GET"
        words = detail(redact_text(status.text, self.secrets))
        masked = Status(False, status.category, words)
        if status.category == "AUTHENTICATION_FAILED":
            raise self._error("credentials", words, status=http_status)
        if status.category == "SERVICE_ACCESS_ERROR":
            raise self._error("missing_right", call.split(" ", 1)[1], words, status=http_status)
        if status.category in RETRIED_CATEGORIES:
            # A technical error after a write may have happened after Netvisor booked it: reconcile first.
            raise self._error("netvisor_unavailable", call, words, retryable=True, status=http_status,
                              may_have_reached_target=writing and status.category == "TECHNICAL_ERROR")
        if status.category == "REQUEST_NOT_UNIQUE" and writing:
            # Never ours (every request has a fresh id), so Netvisor did not take this one: try again.
            raise self._error("netvisor_unavailable", call, words, retryable=True, status=http_status)
        raise Refusal(call, masked, http_status)

    def _refused_credentials(self, exc: ExportError, call: str, method: str) -> ExportError:
        """A 401/403 (the HttpClient's credentials message): with UseHTTPResponseStatusCodes Netvisor's
        envelope says what it was (a missing right is a 403 too), else the status code is all there is."""
        try:
            status = status_of(etree.fromstring(exc.excerpt.encode(), XML_PARSER)) if exc.excerpt else None
        except etree.XMLSyntaxError:
            status = None
        if status is not None and not status.ok:
            try:
                self._judged(call, method, _Answer(None, status), exc.status)
            except Refusal as refused:
                return self._error("call_refused", call, detail(refused.text), status=exc.status)
            except ExportError as judged:
                return judged
        return self._error("credentials", f"Status code {exc.status}", status=exc.status, excerpt=exc.excerpt)

    def _error(self, code: str, *params, **kwargs) -> ExportError:
        return ExportError(CATALOGUE, code, *[redact_text(str(p), self.secrets) for p in params], **kwargs)
