"""Fault and latency knobs shared by every simulator, and the per-path call counter.

A simulator asks ``Knobs.decide(method, path)`` before handling an API call and gets back what to do
to that call: wait, answer 429 or 5xx instead of handling it, or handle it and then drop the
response. Faults come from two sources:

- rates (``error_rate``, ``drop_rate``, ``throttle_rate``) drawn from a seeded random generator,
  for chaos runs and benchmarks;
- a script of upcoming faults (``script``), for tests that need one exact fault on one exact call.

Both can be limited to some calls with ``match``: a regular expression searched in "METHOD /path".
"""
from __future__ import annotations

import random
import re
import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass, field, fields

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FAULT_KINDS = ("error", "drop", "throttle", "garbage", "bad_encoding", "slow")
_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


class KnobError(ValueError):
    """A knob name or value the control endpoint cannot accept."""


@dataclass
class ScriptedFault:
    """One entry of the fault script: hit the next ``times`` matching calls after skipping ``skip``.

    kind: error (answer ``status``), drop (handle, then close the connection without answering;
    writing calls only), throttle (429 with Retry-After), garbage (200 with a body that is not JSON),
    bad_encoding (a body that claims gzip but is not), slow (wait ``delay_ms`` before handling).
    """

    kind: str
    match: str = ""
    times: int = 1
    skip: int = 0
    status: int = 503
    delay_ms: int = 0

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise KnobError(f"Unknown fault kind {self.kind!r}; use one of {', '.join(FAULT_KINDS)}.")
        _compile(self.match)
        if self.times < 1 or self.skip < 0:
            raise KnobError("times must be 1 or more and skip 0 or more.")


@dataclass
class Decision:
    """What the simulator does to one call."""

    delay_s: float = 0.0
    answer_status: int | None = None  # answer this status instead of handling the call
    retry_after: int | None = None
    drop_after_handling: bool = False
    garbage: bool = False
    bad_encoding: bool = False
    faults: list[str] = field(default_factory=list)  # for the call log


@dataclass
class KnobValues:
    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    drop_rate: float = 0.0
    throttle_rate: float = 0.0
    throttle_burst: int = 3
    retry_after: int = 1  # whole seconds: HTTP's Retry-After has no fractions
    match: str = ""
    seed: int | None = None
    script: list[ScriptedFault] = field(default_factory=list)
    reject_credentials: bool = False  # refuse every call's credentials, as a revoked key would be


_RATE_NAMES = ("error_rate", "drop_rate", "throttle_rate")


class Knobs:
    """Thread-safe knob values plus the state the faults need (random generator, burst left)."""

    def __init__(self, **initial):
        self._lock = threading.Lock()
        self._initial = self._validated(KnobValues(), initial)
        self.reset()

    # -- settings ------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the values given at start (the server's command line or the test's setup)."""
        with self._lock:
            self.values = _copy(self._initial)
            self._random = random.Random(self.values.seed)
            self._burst_left = 0
            self._matched: Counter = Counter()

    def update(self, changes: dict) -> KnobValues:
        with self._lock:
            self.values = self._validated(self.values, changes)
            if "seed" in changes:
                self._random = random.Random(self.values.seed)
            if "script" in changes:
                self._matched = Counter()
            return self.values

    def set_initial(self, changes: dict) -> None:
        """Make ``changes`` part of what reset() returns to (command-line knobs)."""
        self._initial = self._validated(self._initial, changes)
        self.reset()

    def as_dict(self) -> dict:
        with self._lock:
            return asdict(self.values)

    @staticmethod
    def names() -> tuple[str, ...]:
        return tuple(f.name for f in fields(KnobValues))

    def _validated(self, base: KnobValues, changes: dict) -> KnobValues:
        values = _copy(base)
        for name, raw in changes.items():
            if name not in self.names():
                raise KnobError(f"Unknown knob {name!r}; known knobs: {', '.join(self.names())}.")
            setattr(values, name, _convert(name, raw))
        return values

    # -- per call ---------------------------------------------------------------------------------
    def decide(self, method: str, path: str) -> Decision:
        call = f"{method} {path}"
        writing = method in WRITE_METHODS
        with self._lock:
            v = self.values
            decision = Decision(delay_s=v.latency_ms / 1000)
            self._apply_script(call, writing, decision)
            if decision.answer_status is None and _matches(v.match, call):
                self._apply_rates(writing, decision)
            return decision

    def _apply_script(self, call: str, writing: bool, decision: Decision) -> None:
        for index, fault in enumerate(self.values.script):
            if not _matches(fault.match, call) or (fault.kind == "drop" and not writing):
                continue
            seen = self._matched[index]
            if seen >= fault.skip + fault.times:
                continue
            self._matched[index] += 1
            if seen < fault.skip:
                continue
            decision.faults.append(f"script:{fault.kind}")
            if fault.kind == "slow":
                decision.delay_s += fault.delay_ms / 1000
            elif fault.kind == "error":
                decision.answer_status = fault.status
            elif fault.kind == "throttle":
                decision.answer_status, decision.retry_after = 429, self.values.retry_after
            elif fault.kind == "drop":
                decision.drop_after_handling = True
            elif fault.kind == "garbage":
                decision.garbage = True
            elif fault.kind == "bad_encoding":
                decision.bad_encoding = True
            return  # one scripted fault per call: the script reads in order

    def _apply_rates(self, writing: bool, decision: Decision) -> None:
        v = self.values
        if self._burst_left > 0 or (v.throttle_rate and self._random.random() < v.throttle_rate):
            # A burst: this call and the next ones are throttled, as a real rate limiter does.
            self._burst_left = (self._burst_left or v.throttle_burst) - 1
            decision.answer_status, decision.retry_after = 429, v.retry_after
            decision.faults.append("throttle")
        elif v.error_rate and self._random.random() < v.error_rate:
            decision.answer_status = v.error_status
            decision.faults.append("error")
        elif writing and v.drop_rate and self._random.random() < v.drop_rate:
            decision.drop_after_handling = True
            decision.faults.append("drop")


class CallLog:
    """How many calls each path received (ids folded to {id}), and the most recent calls."""

    def __init__(self, keep: int = 2000):
        self._lock = threading.Lock()
        self._keep = keep
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.by_path: Counter = Counter()
            self.recent: deque = deque(maxlen=self._keep)
            self.total = 0

    def add(self, method: str, path: str, status: int | None, faults: list[str]) -> None:
        key = f"{method} {_ID_SEGMENT.sub('/{id}', path)}"
        with self._lock:
            self.total += 1
            self.by_path[key] += 1
            self.recent.append({"method": method, "path": path, "status": status, "faults": list(faults)})

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Calls matching a method and/or a folded path such as "/v1/sale_invoices/{id}/register"."""
        with self._lock:
            return sum(n for key, n in self.by_path.items()
                       if (method is None or key.split(" ", 1)[0] == method)
                       and (path is None or key.split(" ", 1)[1] == path))

    def as_dict(self) -> dict:
        with self._lock:
            return {"total": self.total, "by_path": dict(sorted(self.by_path.items())),
                    "recent": list(self.recent)[-200:]}


def _copy(values: KnobValues) -> KnobValues:
    return KnobValues(**{**asdict(values), "script": [ScriptedFault(**asdict(f)) for f in values.script]})


def _convert(name: str, raw):
    try:
        if name == "script":
            return [f if isinstance(f, ScriptedFault) else ScriptedFault(**f) for f in raw or []]
        if name == "match":
            _compile(str(raw or ""))
            return str(raw or "")
        if name == "seed":
            return None if raw in (None, "") else int(raw)
        if name == "reject_credentials":
            if isinstance(raw, str):
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise KnobError("reject_credentials must be true or false.")
                return raw.lower() in ("true", "1")
            return bool(raw)
        if name in _RATE_NAMES:
            value = float(raw)
            if not 0.0 <= value <= 1.0:
                raise KnobError(f"{name} must be between 0 and 1.")
            return value
        value = int(raw)
        if value < 0:
            raise KnobError(f"{name} must not be negative.")
        return value
    except (TypeError, ValueError) as exc:
        if isinstance(exc, KnobError):
            raise
        raise KnobError(f"Bad value {raw!r} for {name}: {exc}") from None


def _compile(pattern: str):
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise KnobError(f"{pattern!r} is not a regular expression: {exc}") from None


def _matches(pattern: str, call: str) -> bool:
    return not pattern or re.search(pattern, call) is not None
