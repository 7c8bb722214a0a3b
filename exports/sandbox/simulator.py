"""The base of every simulator: knobs around the protocol, options, reset, routing, authentication and
error bodies, and the received view.

A subclass
- declares its routes (``add_routes``: ``add("GET", "/v1/clients/<int:id>", handler)``);
- checks credentials in ``authenticate(request)`` (raise AuthFailed);
- words every error once in ``error_response(status, messages, headers)``: JSON by default, the vendor's
  XML envelope in an XML simulator; the fault knobs, unknown routes and refused credentials all go
  through it, so nothing else needs overriding;
- keeps its state in ``reset_state()`` (a ``store.Store``), reports ``received()`` (what it was sent, as
  JSON-ready data) and optionally ``received_html()``;
- tells the contract tests what it holds: ``booked_invoices()``, ``customer_keys()``, and in
  ``write_steps`` which call performs each step of a send.
Protocol quirks the vendor documentation leaves open are declared in an ``Options`` dataclass so they
can be changed at start and over the control endpoint, like the fault knobs.
"""
from __future__ import annotations

import dataclasses
import html
import json
import threading
import time
import types
import typing

from .knobs import CallLog, KnobError, Knobs
from .wsgi import DropConnection, HttpError, Request, Response, Router, html_response, json_response

GARBAGE_BODY = b"<html><head><title>502 Bad Gateway</title></head><body>upstream sent nonsense</body></html>"


@dataclasses.dataclass
class NoOptions:
    pass


class AuthFailed(Exception):
    """The request's credentials are refused; ``status`` is what the vendor answers (401 mostly)."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status


class ApiError(Exception):
    """An error answer in the simulator's own body shape (``Simulator.error_response``)."""

    def __init__(self, status: int, *messages: str, headers: list[tuple[str, str]] | None = None, **details):
        super().__init__(f"{status}: {'; '.join(messages)}")
        self.status = status
        self.messages = list(messages)
        self.headers = headers or []
        self.details = details


class Simulator:
    name = ""
    title = ""
    Options: type = NoOptions
    #: paths under the mount that are the vendor's API; everything else is the sandbox's own pages
    api_prefix = "/"
    #: step of a send -> regular expression over "METHOD /path" of the call that performs it
    write_steps: dict[str, str] = {}

    def __init__(self, mount: str, **initial):
        self.mount = mount.rstrip("/")
        self.router = Router()
        self.add_routes(self.router.add)
        knob_values = {k: v for k, v in initial.items() if k in Knobs.names()}
        self._initial_options = self._options_with(self.Options(), {
            k: v for k, v in initial.items() if k not in Knobs.names()})
        self.knobs = Knobs(**knob_values)
        self.calls = CallLog()
        self._in_flight = 0
        self._idle = threading.Condition()
        self.options = dataclasses.replace(self._initial_options)
        self.reset_state()

    # -- control ------------------------------------------------------------------------------------
    def reset(self, wait_seconds: float = 10.0) -> None:
        """Back to the start. Calls still being handled (slow ones whose client gave up) finish first, so
        that none of them lands in the fresh state."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=wait_seconds)
        self.knobs.reset()
        self.calls.reset()
        self.options = dataclasses.replace(self._initial_options)
        self.reset_state()

    def configure(self, changes: dict, *, initial: bool = False) -> dict:
        """Set fault knobs and protocol options by name; raises KnobError on anything unknown."""
        knob_changes = {k: v for k, v in changes.items() if k in Knobs.names()}
        option_changes = {k: v for k, v in changes.items() if k not in Knobs.names()}
        options = self._options_with(self._initial_options if initial else self.options, option_changes)
        if initial:
            self.knobs.set_initial(knob_changes)
            self._initial_options = options
            self.options = dataclasses.replace(options)
        else:
            self.knobs.update(knob_changes)
            self.options = options
        return self.settings()

    def settings(self) -> dict:
        return {"knobs": self.knobs.as_dict(), "options": dataclasses.asdict(self.options)}

    def _options_with(self, base, changes: dict):
        known = {f.name: f for f in dataclasses.fields(base)}
        hints = typing.get_type_hints(type(base))
        values = {}
        for name, raw in changes.items():
            if name not in known:
                raise KnobError(f"{self.name} has no knob or option {name!r}; knobs: "
                                f"{', '.join(Knobs.names())}; options: {', '.join(known) or 'none'}.")
            values[name] = _coerce(name, raw, hints[name])
        return dataclasses.replace(base, **values)

    # -- WSGI --------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        # The sandbox's own pages (/_received ...) even when the vendor's API sits at the root.
        if request.path.startswith("/_") or not request.path.startswith(self.api_prefix):
            return self.handle_page(request)(start_response)
        decision = self.knobs.decide(request.method, request.path)
        status = None
        with self._idle:
            self._in_flight += 1
        try:
            if decision.delay_s:
                time.sleep(decision.delay_s)
            if decision.answer_status is not None:
                response = self.fault_response(decision.answer_status, decision.retry_after)
            else:
                response = self.handle_api(request)
                if decision.drop_after_handling:
                    raise DropConnection()
                if decision.garbage:
                    response = Response(200, GARBAGE_BODY, [("Content-Type", "text/html")])
                elif decision.bad_encoding:
                    response = Response(200, b"this is not gzip", [("Content-Type", "application/json"),
                                                                    ("Content-Encoding", "gzip")])
            status = response.status
        finally:
            self.calls.add(request.method, request.path, status, decision.faults)
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()
        return response(start_response)

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        headers = [("Retry-After", str(retry_after))] if retry_after is not None else []
        return self.error_response(status, ["Simulated fault."], headers)

    def handle_api(self, request: Request) -> Response:
        """Credentials, then the route, then the handler (under the store's lock); errors in the
        simulator's own body shape."""
        try:
            if self.knobs.values.reject_credentials:
                raise AuthFailed("The credentials were refused (sandbox knob reject_credentials).")
            self.authenticate(request)
            handler, params, known = self.router.resolve(request.method, request.path)
            if handler is None:
                status = 405 if known else 404
                reason = "Method not allowed" if known else "Unknown route"
                raise ApiError(status, f"{reason}: {request.method} {request.path}")
            with self.store.lock:
                return handler(request, **params)
        except AuthFailed as exc:
            return self.error_response(exc.status, [str(exc)])
        except ApiError as exc:
            return self.error_response(exc.status, exc.messages, exc.headers, **exc.details)
        except HttpError as exc:
            return exc.response()

    def error_response(self, status: int, messages: list[str], headers: list[tuple[str, str]] | None = None,
                       **details) -> Response:
        """Every error this simulator answers. Default: {"code": status, "messages": [...]}."""
        return json_response({"code": status, "messages": messages, **details}, status, headers)

    def handle_page(self, request: Request) -> Response:
        if request.path.rstrip("/") == "/_received":
            if request.wants_html():
                return html_response(self.received_html())
            return json_response(self.received())
        return json_response({"code": 404, "messages": [f"No such page: {request.path}"]}, 404)

    # -- for subclasses -------------------------------------------------------------------------------
    def add_routes(self, add) -> None:
        """Declare the vendor's paths: ``add(method, pattern, handler)``."""

    def authenticate(self, request: Request) -> None:
        """Raise AuthFailed when the request's credentials are wrong."""

    def reset_state(self) -> None:
        raise NotImplementedError

    def booked_invoices(self) -> list[dict]:
        """Every invoice the target holds: {"number", "remote_id", "complete", "has_pdf"}, one per copy."""
        raise NotImplementedError

    def customer_keys(self) -> list[str]:
        """The matching key (registry code, customer number ...) of every customer held, one per copy."""
        raise NotImplementedError

    def received(self) -> dict:
        raise NotImplementedError

    def received_html(self) -> str:
        data = json.dumps(self.received(), indent=2, ensure_ascii=False, default=str)
        title = html.escape(self.title)
        return (f"<!doctype html><title>{title}: received</title>"
                f"<h1>{title}: what the sandbox received</h1><pre>{html.escape(data)}</pre>")


def _coerce(name: str, raw, hint):
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if raw in (None, ""):
            return None
        hint = args[0]
    try:
        if hint is bool:
            if isinstance(raw, str):
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise ValueError("use true or false")
                return raw.lower() in ("true", "1")
            return bool(raw)
        if hint in (int, float, str):
            return hint(raw)
    except (TypeError, ValueError) as exc:
        raise KnobError(f"Bad value {raw!r} for {name}: {exc}") from None
    return raw
