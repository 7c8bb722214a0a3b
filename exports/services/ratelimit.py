"""Request rates: a token bucket the HttpClient asks before every call (``rate_limit.acquire``), so an
export stays within what its target allows (``SendPolicy.requests_per_second``).

A bucket holds at most ``burst`` calls and refills at ``per_second``: a run never makes more than
``burst + per_second * t`` calls in any ``t`` seconds. ``for_export`` hands every connector of the same
export in this process the same bucket, so two runs of one export share its rate.

The test suite does not wait for request rates (settings.EXPORT_RATE_LIMITS = False); a test that checks
a rate turns them on.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimit:
    def __init__(self, per_second: float, burst: float | None = None, *,
                 clock: Callable[[], float] = time.monotonic):
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.per_second = float(per_second)
        self.burst = float(burst if burst is not None else max(1.0, per_second))
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._updated = clock()
        self.waited = 0.0  # seconds callers spent waiting, for the log and the benchmarks

    def _take(self) -> float:
        """Take a call if one is free; else the seconds until one is."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.per_second)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.per_second

    def acquire(self, cancelled: threading.Event | None = None) -> None:
        """Wait until a call may start (at most 1 / per_second at a time). A run cancelled meanwhile stops
        waiting at once."""
        while True:
            wait = self._take()
            if not wait:
                return
            self.waited += wait
            if cancelled is not None:
                if cancelled.wait(wait):
                    return
            else:
                time.sleep(wait)


_shared: dict[tuple, RateLimit] = {}
_shared_lock = threading.Lock()


def for_export(export, per_second: float | None = None) -> RateLimit | None:
    """The bucket of this export (its Target's ``policy.requests_per_second`` unless ``per_second`` is
    given), shared by every connector of the export in this process; None when there is no limit."""
    from django.conf import settings

    rate = per_second if per_second is not None else export.target.policy.requests_per_second
    if not rate or not getattr(settings, "EXPORT_RATE_LIMITS", True):
        return None
    key = (export.pk, float(rate))
    with _shared_lock:
        limit = _shared.get(key)
        if limit is None:
            limit = _shared[key] = RateLimit(rate)
        return limit
