"""The m2m login (spec 2): client credentials and the user's API key, form-encoded only, for an access
token that expires; bearer tokens checked on every call; and Procountor's request rate per client."""
from __future__ import annotations

import secrets
import threading
import time
from urllib.parse import parse_qs

from ..simulator import ApiError, AuthFailed
from ..wsgi import Request, Response, json_response
from . import company

TOKEN_PATHS = ("/api/oauth/token", "/api/oauth/token/")
FORM = "application/x-www-form-urlencoded"


def oauth_error(status: int, error: str, description: str) -> Response:
    """The token endpoint answers in OAuth's own shape (spec 2.2; clients must not depend on it)."""
    return json_response({"error": error, "error_description": description}, status)


class Tokens:
    def __init__(self, simulator):
        self.simulator = simulator
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.issued: dict[str, tuple[str, float]] = {}  # token -> (client id, expiry on the sandbox clock)
            self.logins = 0
            self.throttled = 0  # calls refused for the request rate
            self._buckets: dict[str, list[float]] = {}

    def now(self) -> float:
        return time.time() + self.simulator.options.clock_offset_seconds

    # -- POST /oauth/token ------------------------------------------------------------------------------
    def login(self, request: Request) -> Response:
        options = self.simulator.options
        if (request.header("Content-Type") or "").strip() != FORM:
            return oauth_error(400, "invalid_request", f"The token endpoint takes {FORM} without a charset.")
        if any(name in request.query for name in ("client_id", "client_secret", "api_key", "grant_type")):
            return oauth_error(400, "invalid_request", "Credentials are not accepted in the query string.")
        try:
            form = {k: v[-1] for k, v in parse_qs(request.body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            return oauth_error(400, "invalid_request", "The form is not UTF-8.")
        if form.get("grant_type") != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "Use grant_type=client_credentials.")
        redirect_uri = form.get("redirect_uri")
        if redirect_uri is None and options.require_redirect_uri:
            return oauth_error(400, "invalid_request", "redirect_uri is required.")
        if redirect_uri is not None and redirect_uri != company.REDIRECT_URI:
            return oauth_error(400, "invalid_request", "redirect_uri is not the one registered for the client.")
        if (form.get("client_id"), form.get("client_secret")) != (company.CLIENT_ID, company.CLIENT_SECRET):
            return oauth_error(401, "invalid_client", "Unknown client or wrong client secret.")
        if form.get("api_key") != company.API_KEY:
            return oauth_error(401, "invalid_grant", "The API key is not valid for this client.")
        token = secrets.token_urlsafe(24)
        lifetime = options.token_lifetime_seconds
        with self._lock:
            self.issued[token] = (company.CLIENT_ID, self.now() + lifetime)
            self.logins += 1
        answer = {"access_token": token, "expires_in": options.reported_expires_in or lifetime}
        if options.token_type:
            answer["token_type"] = options.token_type
        return json_response(answer)

    # -- every other call --------------------------------------------------------------------------------
    def check(self, request: Request) -> None:
        header = request.header("Authorization") or ""
        if not header.lower().startswith("bearer "):
            raise AuthFailed("SIM_MISSING_BEARER_TOKEN")
        found = self.issued.get(header[7:].strip())
        if found is None:
            raise AuthFailed("SIM_INVALID_TOKEN")
        client_id, expires = found
        if expires <= self.now():
            raise AuthFailed("SIM_TOKEN_EXPIRED")
        self._take(client_id)

    def _take(self, client_id: str) -> None:
        """A token bucket per client: requests_per_second a second, bursts of as many."""
        rate = self.simulator.options.requests_per_second
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            tokens, updated = self._buckets.get(client_id, [rate, now])
            tokens = min(rate, tokens + (now - updated) * rate)
            if tokens < 1:
                self._buckets[client_id] = [tokens, now]
                self.throttled += 1
                raise ApiError(self.simulator.options.throttle_status, "Too many calls",
                               headers=[("Retry-After", "1")])
            self._buckets[client_id] = [tokens - 1, now]

    def expire_all(self) -> None:
        """Every token issued so far stops working (as if an hour had passed)."""
        with self._lock:
            self.issued = {token: (client, 0.0) for token, (client, _) in self.issued.items()}
