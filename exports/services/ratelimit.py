"""Request rates: a token bucket the HttpClient asks before every call (``rate_limit.acquire``), so an
export stays within what its target allows (``SendPolicy.requests_per_second``).

A bucket holds at most ``burst`` calls and refills at ``per_second``: a run never makes more than
``burst + per_second * t`` calls in any ``t`` seconds. With Redis (EXPORT_RATE_LIMIT_REDIS_URL, or the
broker when it is Redis) the bucket lives in Redis and one atomic script takes a call from it, so every
worker on every machine shares the export's rate; without Redis, every connector of the export in this
process shares one bucket (exact while one run at a time sends to an export, which its lease ensures).

The test suite does not wait for request rates (settings.EXPORT_RATE_LIMITS = False); a test that checks
a rate turns them on.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings

# KEYS[1] the bucket; ARGV: per second, burst, now (s). Returns the seconds to wait (0: a call was taken).
_TAKE = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 't') or ARGV[2])
local stamp = tonumber(redis.call('HGET', KEYS[1], 's') or ARGV[3])
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 's', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
return tostring(wait)
"""


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
        """Wait until a call may start. A run cancelled meanwhile stops waiting at once."""
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


class RedisRateLimit(RateLimit):
    """The same bucket, kept in Redis: shared by every worker of every machine."""

    def __init__(self, client, key: str, per_second: float, burst: float | None = None):
        super().__init__(per_second, burst)
        self._key = key
        self._script = client.register_script(_TAKE)

    def _take(self) -> float:
        return float(self._script(keys=[self._key], args=[self.per_second, self.burst, time.time()]))


_shared: dict[tuple, RateLimit] = {}
_shared_lock = threading.Lock()


def redis_url() -> str | None:
    configured = getattr(settings, "EXPORT_RATE_LIMIT_REDIS_URL", "")
    broker = getattr(settings, "CELERY_BROKER_URL", "")
    return configured or (broker if broker.startswith(("redis://", "rediss://")) else "") or None


def for_export(export, per_second: float | None = None) -> RateLimit | None:
    """The bucket of this export (its Target's ``policy.requests_per_second`` unless ``per_second`` is
    given), one per export in this process; None when there is no limit."""
    rate = per_second if per_second is not None else export.target.policy.requests_per_second
    if not rate or not getattr(settings, "EXPORT_RATE_LIMITS", True):
        return None
    url = redis_url()
    key = (export.pk, float(rate), url)
    with _shared_lock:
        limit = _shared.get(key)
        if limit is None:
            if url:
                import redis

                limit = RedisRateLimit(redis.Redis.from_url(url), f"portal:rate:{export.pk}", rate)
            else:
                limit = RateLimit(rate)
            _shared[key] = limit
        return limit
