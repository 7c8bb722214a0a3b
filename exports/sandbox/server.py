"""One threaded HTTP/1.1 server on a real socket that serves every simulator.

Why not wsgiref: it speaks HTTP/1.0 (no keep-alive, so the client's connection reuse would never be
exercised) and cannot close a connection without answering, which is how "commit then drop the
response" must look to a client. This server keeps connections alive, buffers each answer (the
simulators' bodies are small), and on DropConnection shuts the socket without a byte.
"""
from __future__ import annotations

import contextlib
import io
import logging
import socket
import sys
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from .control import handle_control, index_page
from .registry import available_simulators, prefix_of
from .simulator import Simulator
from .wsgi import DropConnection, Request, json_response

logger = logging.getLogger(__name__)
KEEP_ALIVE_SECONDS = 300


class SandboxApp:
    """WSGI dispatcher: /_control/... to the control endpoints, /<mount>/... to that simulator."""

    def __init__(self, simulators: dict[str, Simulator]):
        self.simulators = simulators
        self._by_mount = sorted(simulators.values(), key=lambda s: -len(s.mount))

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path == "/":
            return index_page(self.simulators)(start_response)
        if path == "/_control" or path.startswith("/_control/"):
            return handle_control(Request(environ), self.simulators)(start_response)
        for simulator in self._by_mount:
            if path == simulator.mount or path.startswith(simulator.mount + "/"):
                environ = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + simulator.mount,
                           "PATH_INFO": path[len(simulator.mount):] or "/"}
                return simulator(environ, start_response)
        return json_response({"code": 404, "messages": [f"No simulator serves {path}."]}, 404)(start_response)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AccountingSandbox/1.0"
    timeout = KEEP_ALIVE_SECONDS
    # Headers and body go out in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (~40 ms) on every kept-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        logger.debug("%s - %s", self.address_string(), format % args)

    def _serve(self):
        body = self._read_body()
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ = {
            "REQUEST_METHOD": self.command, "SCRIPT_NAME": "", "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query, "RAW_URI": self.path, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": str(host), "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version, "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for key in set(self.headers.keys()):
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[name] = ",".join(self.headers.get_all(key))
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        try:
            payload = b"".join(self.server.app(environ, start_response))
        except DropConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Exception:  # a simulator bug must not kill the server thread
            logger.error("Sandbox error on %s %s\n%s", self.command, self.path, traceback.format_exc())
            payload = b'{"code": 500, "messages": ["Internal error in the sandbox."]}'
            answer = {"status": "500 Internal Server Error",
                      "headers": [("Content-Type", "application/json")]}
        code, _, reason = answer["status"].partition(" ")
        self.send_response(int(code), reason)
        for name, value in answer["headers"]:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app):
        self.app = app
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        # A client that gave up waiting (a read timeout, a test's short deadline) is normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("Client %s went away before its answer was written", client_address)
            return
        super().handle_error(request, client_address)


@dataclass
class RunningSandbox:
    server: _Server
    thread: threading.Thread | None
    simulators: dict[str, Simulator]

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def simulator(self, name: str) -> Simulator:
        return self.simulators[name]

    def base_url(self, name: str) -> str:
        """What an export's base URL should be to use this simulator, e.g. http://127.0.0.1:8765/efinancials/v1."""
        return self.url + prefix_of(name)

    def reset(self) -> None:
        for simulator in self.simulators.values():
            simulator.reset()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread:
            self.thread.join(timeout=5)


def make_server(host: str = "127.0.0.1", port: int = 0,
                settings: dict[str, dict] | None = None) -> RunningSandbox:
    """Bind the socket (port 0 = any free port) with every available simulator; not yet serving."""
    simulators = available_simulators(settings)
    server = _Server((host, port), SandboxApp(simulators))
    return RunningSandbox(server, None, simulators)


def start_in_background(host: str = "127.0.0.1", port: int = 0,
                        settings: dict[str, dict] | None = None) -> RunningSandbox:
    sandbox = make_server(host, port, settings)
    sandbox.thread = threading.Thread(target=sandbox.server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name="sandbox-server", daemon=True)
    sandbox.thread.start()
    return sandbox
