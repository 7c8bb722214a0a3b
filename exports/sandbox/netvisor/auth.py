"""Netvisor's request authentication as the simulator checks it (spec section 3): the headers, the
software partner, the API user and its company, the MAC recomputed over the URL as received, a fresh
timestamp and an unused transaction id. The keys are never sent; only the MAC proves them."""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime

from ..simulator import ApiError, AuthFailed
from ..wsgi import Request
from .company import API_USERS, PARTNERS

HEADER = "X-Netvisor-Authentication-"
REQUIRED = ("Sender", "CustomerId", "PartnerId", "Timestamp", "TransactionId", "MAC")
LANGUAGES = ("FI", "EN", "SE")
#: Transaction ids remembered per API user (the newest ones; enough for any test or demo session).
REMEMBERED_TRANSACTIONS = 100_000


def received_url(request: Request) -> str:
    """The URL as the client sent it, query string included: what the client signed."""
    environ = request.environ
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    raw = environ.get("RAW_URI") or (request.full_path + (f"?{environ['QUERY_STRING']}"
                                                          if environ.get("QUERY_STRING") else ""))
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{raw}"


def expected_mac(algorithm: str, url: str, headers: dict, customer_key: str, partner_key: str) -> str:
    values = [url, headers["Sender"], headers["CustomerId"], headers["Timestamp"], headers["Language"],
              headers["OrganisationId"], headers["TransactionId"]]
    if algorithm == "HMACSHA256":
        message = "&".join([*values, headers["TimestampUnix"], customer_key, partner_key])
        key = f"{customer_key}&{partner_key}"
        return hmac.new(key.encode("latin-1", "replace"), message.encode("latin-1", "replace"),
                        hashlib.sha256).hexdigest()
    message = "&".join([*values, customer_key, partner_key]).encode("latin-1", "replace")
    return (hashlib.sha256 if algorithm == "SHA256" else hashlib.md5)(message).hexdigest()


class Verifier:
    def __init__(self):
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, request: Request, options) -> tuple[str, str]:
        """(API user id, organisation id) of a request whose credentials hold; AuthFailed otherwise."""
        headers = {name: (request.header(HEADER + name) or "").strip() for name in REQUIRED}
        headers["TimestampUnix"] = (request.header(HEADER + "TimestampUnix") or "").strip()
        headers["Language"] = (request.header("X-Netvisor-Interface-Language") or "").strip()
        headers["OrganisationId"] = (request.header("X-Netvisor-Organisation-ID") or "").strip()
        algorithm = (request.header(HEADER + "MACHashCalculationAlgorithm") or "MD5").strip().upper()
        missing = [name for name in (*REQUIRED, "Language", "OrganisationId") if not headers[name]]
        if missing:
            raise AuthFailed(f"The header {self._header_name(missing[0])} is missing, see the documentation.")
        if headers["Language"].upper() not in LANGUAGES:
            raise AuthFailed(f"Interface language {headers['Language']} is not one of FI, EN, SE.")
        accepted = [a.strip().upper() for a in options.accepted_algorithms.split(",") if a.strip()]
        if algorithm not in accepted:
            raise AuthFailed(f"MAC hash calculation algorithm {algorithm} is not accepted; use "
                             f"{' or '.join(accepted)}.")
        partner_key = PARTNERS.get(headers["PartnerId"])
        if partner_key is None:
            raise AuthFailed("Integration partner not found, see the documentation.")
        user = API_USERS.get(headers["CustomerId"])
        if user is None:
            raise AuthFailed("Integration keys are not valid: unknown API user (customer id).")
        if headers["OrganisationId"] not in user.companies:
            raise AuthFailed(f"The API user has no access to the company {headers['OrganisationId']}.")
        self._check_time(algorithm, headers, options)
        url = received_url(request)
        wanted = expected_mac(algorithm, url, headers, user.customer_key, partner_key)
        if not hmac.compare_digest(wanted.lower(), headers["MAC"].lower()):
            raise AuthFailed(f"The MAC is not valid. Compute it over the string: {url}&<sender>&<customerid>&"
                             f"<timestamp>&<language>&<organisationid>&<transactionid>"
                             f"{'&<timestampunix>' if algorithm == 'HMACSHA256' else ''}&<customer key>&"
                             f"<partner key>")
        if options.check_transaction_id:
            self._remember(user.customer_id, headers["TransactionId"])
        return user.customer_id, headers["OrganisationId"]

    @staticmethod
    def _header_name(name: str) -> str:
        if name == "Language":
            return "X-Netvisor-Interface-Language"
        if name == "OrganisationId":
            return "X-Netvisor-Organisation-ID"
        return HEADER + name

    @staticmethod
    def _check_time(algorithm: str, headers: dict, options) -> None:
        try:
            stamped = datetime.strptime(headers["Timestamp"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        except ValueError:
            raise AuthFailed(f"Timestamp {headers['Timestamp']} is not of the form YYYY-MM-DD HH:MM:SS.fff "
                             f"(UTC).") from None
        if algorithm == "HMACSHA256":
            if not headers["TimestampUnix"].isdigit():
                raise AuthFailed("The header X-Netvisor-Authentication-TimestampUnix is missing or not a number.")
            seconds = int(headers["TimestampUnix"])
        else:
            seconds = stamped.timestamp()
        if abs(time.time() - seconds) > options.max_clock_skew:
            raise AuthFailed(f"The timestamp is not valid: more than {options.max_clock_skew} seconds from the "
                             f"server's time.")

    def _remember(self, customer_id: str, transaction_id: str) -> None:
        key = (customer_id, transaction_id)
        with self._lock:
            if key in self._seen:
                raise ApiError(409, f"Transaction id {transaction_id} has already been used.",
                               category="REQUEST_NOT_UNIQUE")
            self._seen[key] = None
            while len(self._seen) > REMEMBERED_TRANSACTIONS:
                self._seen.popitem(last=False)
