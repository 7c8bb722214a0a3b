"""Request signing for Netvisor's XML API, HMACSHA256 (spec section 3).

Every request carries the sender, the API user (customer id), the partner id, a UTC timestamp with its
Unix twin, a fresh transaction id, the interface language and the company's business ID, and a MAC over

    URL & sender & customer id & timestamp & language & organisation id & transaction id & unix time
        & customer key & partner key

keyed with "customer key & partner key" (HMAC-SHA256, lower-case hex). URL is the request URL exactly as
sent, query string included. The two keys only ever enter the MAC; they are never sent.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..auth import SignedAuth

ALGORITHM = "HMACSHA256"
SENDER = "Opter invoice export portal"
LANGUAGE = "EN"  # Netvisor words its errors in the interface language; the portal speaks English
#: ISO-8859-1, as Netvisor's own clients encode the MAC input (the same bytes as UTF-8 for ASCII).
ENCODING = "latin-1"


@dataclass(frozen=True)
class Identity:
    customer_id: str  # the API user's username
    customer_key: str  # its API key
    partner_id: str
    partner_key: str
    organisation_id: str  # the company's business ID, 1234567-8
    sender: str = SENDER
    language: str = LANGUAGE
    use_http_status_codes: bool = False


def timestamp_text(now: datetime) -> str:
    """UTC, ANSI: 2025-01-15 12:00:00.000."""
    now = now.astimezone(UTC)
    return now.strftime("%Y-%m-%d %H:%M:%S.") + f"{now.microsecond // 1000:03d}"


def mac(url: str, identity: Identity, timestamp: str, transaction_id: str, timestamp_unix: str) -> str:
    message = "&".join([url, identity.sender, identity.customer_id, timestamp, identity.language,
                        identity.organisation_id, transaction_id, timestamp_unix, identity.customer_key,
                        identity.partner_key])
    key = f"{identity.customer_key}&{identity.partner_key}"
    return hmac.new(key.encode(ENCODING, "replace"), message.encode(ENCODING, "replace"), hashlib.sha256).hexdigest()


def auth_headers(url: str, identity: Identity, now: datetime, transaction_id: str | None = None) -> dict[str, str]:
    timestamp = timestamp_text(now)
    unix = str(int(now.timestamp()))
    transaction_id = transaction_id or uuid.uuid4().hex
    headers = {
        "X-Netvisor-Authentication-Sender": identity.sender,
        "X-Netvisor-Authentication-CustomerId": identity.customer_id,
        "X-Netvisor-Authentication-PartnerId": identity.partner_id,
        "X-Netvisor-Authentication-Timestamp": timestamp,
        "X-Netvisor-Authentication-TimestampUnix": unix,
        "X-Netvisor-Authentication-TransactionId": transaction_id,
        "X-Netvisor-Interface-Language": identity.language,
        "X-Netvisor-Organisation-ID": identity.organisation_id,
        "X-Netvisor-Authentication-MACHashCalculationAlgorithm": ALGORITHM,
        "X-Netvisor-Authentication-MAC": mac(url, identity, timestamp, transaction_id, unix),
    }
    if identity.use_http_status_codes:
        headers["X-Netvisor-Authentication-UseHTTPResponseStatusCodes"] = "1"
    return headers


def signed_auth(identity: Identity, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> SignedAuth:
    """Fresh headers per request, over the URL the request is actually sent to."""
    return SignedAuth(lambda prepared: auth_headers(prepared.url, identity, clock()))
