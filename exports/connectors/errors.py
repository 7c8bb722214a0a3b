"""The error that crosses the connector contract: a catalogue code with its parameters, and what the
engine needs to know to retry or reconcile."""
from __future__ import annotations

from ..catalogue import Catalogue


class ExportError(Exception):
    """A failure with a catalogue code and parameters.

    retryable:               a transient fault (connect error, 429, 502/503/504): the engine tries again
    may_have_reached_target: the call may have taken effect (timeout, 5xx after sending, dropped answer):
                             the engine reconciles with find_existing before anything is sent again
    retry_after:             seconds the target asked us to wait (429 Retry-After)
    throttled:               the target refused for load (429): waiting for it uses up no retry budget
    status:                  the HTTP status of the answer, if there was one
    """

    def __init__(self, catalogue: Catalogue, code: str, *params, retryable: bool = False,
                 may_have_reached_target: bool = False, retry_after: float | None = None, excerpt: str = "",
                 status: int | None = None, throttled: bool = False):
        self.catalogue = catalogue
        self.short_code = code
        self.code = catalogue.qualified(code)
        self.params = [str(p) if not isinstance(p, (list, tuple)) else ", ".join(map(str, p)) for p in params]
        self.message = catalogue.text(code, *params)
        self.retryable = retryable
        self.may_have_reached_target = may_have_reached_target
        self.retry_after = retry_after
        self.excerpt = excerpt
        self.status = status
        self.throttled = throttled
        super().__init__(self.message)

    @classmethod
    def from_coding(cls, catalogue: Catalogue, exc) -> ExportError:
        """An accounting.services.coding.AccountCodingError in the target's catalogue: same code, same text,
        same parameters."""
        return cls(catalogue, exc.code, *exc.params)
