"""A requests-per-second limit per export, shared by every worker that sends to it.

A token bucket: ``rate`` tokens a second, up to ``burst`` saved. With Redis (the broker, or
EXPORT_RATE_LIMIT_REDIS_URL) the bucket lives in Redis and one atomic script call takes a token, so
workers on any number of machines share it; without Redis it lives in the process, which is exact too
while one sender per export at a time holds the export's lease (exports.services.leases).
"""
from __future__ import annotations

import threading
import time

from django.conf import settings

# KEYS[1] bucket; ARGV: rate, burst, now (s). Returns the seconds to wait (0: a token was taken).
_TAKE = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 't') or ARGV[2])
local stamp = tonumber(redis.call('HGET', KEYS[1], 's') or ARGV[3])
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 't', tokens, 's', now)
redis.call('EXPIRE', KEYS[1], 3600)
return tostring(wait)
"""


class LocalBucket:
    def __init__(self, rate: float, burst: float | None = None):
        self.rate = float(rate)
        self.burst = float(burst or max(1.0, rate))
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _take(self) -> float:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.rate

    def acquire(self, cancelled: threading.Event | None = None) -> None:
        """Wait for a token (returns early, without one, when ``cancelled`` is set)."""
        while (wait := self._take()) > 0:
            if cancelled is not None and cancelled.wait(wait):
                return
            if cancelled is None:
                time.sleep(wait)


class RedisBucket(LocalBucket):
    def __init__(self, client, key: str, rate: float, burst: float | None = None):
        super().__init__(rate, burst)
        self._client = client
        self._key = key
        self._script = client.register_script(_TAKE)

    def _take(self) -> float:
        return float(self._script(keys=[self._key], args=[self.rate, self.burst, time.time()]))


def redis_url() -> str | None:
    configured = getattr(settings, "EXPORT_RATE_LIMIT_REDIS_URL", "")
    broker = getattr(settings, "CELERY_BROKER_URL", "")
    url = configured or (broker if broker.startswith(("redis://", "rediss://")) else "")
    return url or None


def for_export(export) -> LocalBucket | None:
    """The export's bucket, or None when its target sets no limit."""
    rate = export.target.policy.requests_per_second
    if not rate:
        return None
    url = redis_url()
    if url:
        import redis

        return RedisBucket(redis.Redis.from_url(url), f"portal:rate:{export.pk}", rate)
    return LocalBucket(rate)
