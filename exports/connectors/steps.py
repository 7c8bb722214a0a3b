"""The steps of one send, as the connector completes them.

A send is a sequence of calls (create the customer, create the invoice, register it, attach the PDF;
or upload, then confirm). After each completed call the connector records its step with the remote id
it produced. The engine stores the record on the item and commits it before the connector's next call:
the kit's HttpClient asks for that (``flush_pending``) before every request it makes, and the engine
writes the last steps of a send together with the item's final state. So whatever stops a send (a lost
answer, a killed worker), the next attempt knows which calls already took effect and resumes after the
last one instead of repeating it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

_pending = threading.local()


def flush_pending() -> None:
    """Persist the steps this thread recorded since the last call (called before every request)."""
    steps = getattr(_pending, "steps", None)
    if steps is not None:
        _pending.steps = None
        steps.flush()


class Steps:
    def __init__(self, done: Iterable = (), on_record: Callable[[Steps], None] | None = None):
        self._done: list[tuple[str, str]] = [(str(name), str(remote_id or "")) for name, remote_id in done]
        self._on_record = on_record
        self._dirty = False

    # -- reading ------------------------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return any(step == name for step, _ in self._done)

    def __bool__(self) -> bool:
        return bool(self._done)

    def __len__(self) -> int:
        return len(self._done)

    def __iter__(self):
        return iter(self._done)

    def __repr__(self) -> str:
        return f"Steps({self._done!r})"

    def remote_id(self, name: str) -> str | None:
        for step, remote_id in reversed(self._done):
            if step == name:
                return remote_id
        return None

    @property
    def last(self) -> str | None:
        return self._done[-1][0] if self._done else None

    @property
    def dirty(self) -> bool:
        return self._dirty

    def as_list(self) -> list[list[str]]:
        return [[step, remote_id] for step, remote_id in self._done]

    # -- writing ------------------------------------------------------------------------------------------
    def record(self, name: str, remote_id="") -> None:
        """``name`` took effect in the target (with ``remote_id``): persisted before the next call."""
        self._done.append((name, str(remote_id or "")))
        self._changed()

    def forget(self, *names: str) -> None:
        """These steps no longer hold (the target lost or deleted what they made): do them again."""
        kept = [(step, remote_id) for step, remote_id in self._done if step not in names]
        if len(kept) != len(self._done):
            self._done = kept
            self._changed()

    def _changed(self) -> None:
        if self._on_record is None:
            return
        self._dirty = True
        _pending.steps = self

    def settle(self) -> None:
        """The caller writes the steps itself (with the item's final state): nothing is pending any more."""
        self._dirty = False
        if getattr(_pending, "steps", None) is self:
            _pending.steps = None

    def flush(self) -> None:
        """Persist now, if anything changed since the last time."""
        if self._dirty and self._on_record is not None:
            self._dirty = False
            if getattr(_pending, "steps", None) is self:
                _pending.steps = None
            self._on_record(self)
