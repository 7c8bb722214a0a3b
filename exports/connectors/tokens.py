"""Access tokens of targets that log in first (Procountor's m2m token): stored encrypted with their
expiry in the database, so every worker of every machine shares one token instead of each logging
in; refreshed by one worker at a time (a row lock), shortly before it expires or once after a 401.

A connector gives a ``fetch`` callable that logs in and returns (token, seconds it is valid); the
TokenSource hands out a valid token and calls ``fetch`` only when no valid token is stored.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

#: A token this close to its expiry is renewed before use (a call must not start with a dying token).
RENEW_BEFORE = timedelta(seconds=60)
#: ... but a short-lived token (a sandbox's, minutes or seconds) is kept for most of its life: renewed when
#: less than this share of its lifetime is left, if that comes later than RENEW_BEFORE.
RENEW_SHARE = 0.1


def renew_at(expires_at, issued_at):
    """When a token issued at ``issued_at`` and valid until ``expires_at`` is due for renewal."""
    return expires_at - min(RENEW_BEFORE, (expires_at - issued_at) * RENEW_SHARE)


def login_key(*parts: str) -> str:
    """Which login a token belongs to, as a digest: the credentials themselves are never stored here."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class TokenSource:
    def __init__(self, export, key: str, fetch: Callable[[], tuple[str, float]]):
        self.export = export
        self.key = key
        self.fetch = fetch
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = None

    def current(self) -> str:
        with self._lock:
            if self._token and self._renew_at > timezone.now():
                return self._token
            return self._refresh(force=False)

    def renew(self) -> bool:
        """After a 401: replace the token unless another worker already did. Always True: try once more."""
        with self._lock:
            self._refresh(force=True, refused=self._token)
        return True

    def _refresh(self, *, force: bool, refused: str | None = None) -> str:
        from ..models import AccessToken

        with transaction.atomic():
            row, _ = AccessToken.objects.select_for_update().get_or_create(
                export=self.export, key=self.key, defaults={"token": "", "expires_at": timezone.now()})
            # updated_at is when the stored token was issued (saved with it)
            fresh = row.token and renew_at(row.expires_at, row.updated_at) > timezone.now()
            if not fresh or (force and row.token == refused):
                token, lifetime = self.fetch()
                row.token = token
                row.expires_at = timezone.now() + timedelta(seconds=max(0.0, float(lifetime)))
                row.save(update_fields=["token", "expires_at", "updated_at"])
            self._token, self._renew_at = row.token, renew_at(row.expires_at, row.updated_at)
        return self._token
