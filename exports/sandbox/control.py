"""The sandbox's own endpoints: knobs, reset and call counters per simulator, and an index page.

    GET  /_control                      every simulator with its knobs and options
    POST /_control/reset                reset every simulator
    GET  /_control/<name>/knobs         knobs and options of one simulator
    POST /_control/<name>/knobs         change some (JSON object of name -> value)
    POST /_control/<name>/reset         state, knobs, options and counters back to the start
    GET  /_control/<name>/calls         calls per path and the most recent calls
"""
from __future__ import annotations

import html
import json

from .knobs import KnobError
from .simulator import Simulator
from .wsgi import Request, Response, html_response, json_response


def handle_control(request: Request, simulators: dict[str, Simulator]) -> Response:
    parts = [p for p in request.path.split("/") if p][1:]  # drop "_control"
    if not parts:
        if request.method == "GET":
            return json_response({name: {"mount": s.mount, **s.settings()} for name, s in simulators.items()})
        return _error(405, "Use GET.")
    if parts == ["reset"]:
        if request.method != "POST":
            return _error(405, "Use POST.")
        for simulator in simulators.values():
            simulator.reset()
        return json_response({"reset": sorted(simulators)})
    simulator = simulators.get(parts[0])
    if simulator is None:
        return _error(404, f"No simulator {parts[0]!r}; running: {', '.join(sorted(simulators)) or 'none'}.")
    action = parts[1] if len(parts) > 1 else ""
    if action == "knobs" and request.method == "GET":
        return json_response(simulator.settings())
    if action == "knobs" and request.method == "POST":
        try:
            changes = json.loads(request.body or b"{}")
            if not isinstance(changes, dict):
                raise KnobError("Send a JSON object of knob name -> value.")
            return json_response(simulator.configure(changes))
        except (ValueError, KnobError) as exc:
            return _error(400, str(exc))
    if action == "reset" and request.method == "POST":
        simulator.reset()
        return json_response(simulator.settings())
    if action == "calls" and request.method == "GET":
        return json_response(simulator.calls.as_dict())
    return _error(404, f"No control action {request.method} {request.path}.")


def index_page(simulators: dict[str, Simulator]) -> Response:
    rows = "".join(
        f"<tr><td>{html.escape(s.title)}</td><td><code>{html.escape(s.mount)}</code></td>"
        f"<td><a href='{s.mount}/_received?format=html'>received</a> · "
        f"<a href='/_control/{name}/calls'>calls</a> · <a href='/_control/{name}/knobs'>knobs</a></td></tr>"
        for name, s in simulators.items())
    return html_response(
        "<!doctype html><title>Sandbox</title><h1>Accounting system sandbox</h1>"
        "<p>Simulators of the targets' APIs. Point an invoice export's base URL at one of these.</p>"
        f"<table border=1 cellpadding=4><tr><th>Target</th><th>Mount</th><th></th></tr>{rows}</table>")


def _error(status: int, message: str) -> Response:
    return json_response({"code": status, "messages": [message]}, status)
