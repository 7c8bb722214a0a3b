"""A connector in the kit's usual shape: prepare() makes a payload builder and a sender from the run's
reference data, and the contract's methods hand over to them. A subclass implements ``prepare`` (setting
``self._builder`` and ``self._sender``), ``check_setup`` and whatever its target needs beyond, and may add
checks to ``ensure_usable`` (call super() first)."""
from __future__ import annotations

from .base import Connector, ExportError, Payload, RemoteRef, SendResult
from .opter import OpterData
from .steps import Steps


class PreparedConnector(Connector):
    #: The start text's problem, if it does not parse (the form refuses it; an export saved before may not).
    settings_error: Exception | None = None

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        self.opter = OpterData(export)
        self._builder = None
        self._sender = None

    # -- the contract, handed over -------------------------------------------------------------------------
    def prefetch(self, invoices) -> None:
        self.opter.load(invoices)

    def build(self, invoice, pdf: bytes | None) -> Payload:
        self.ensure_prepared()
        return self._builder.build(invoice, pdf)

    def find_existing(self, invoice, refresh: bool = False, steps: Steps | None = None) -> RemoteRef | None:
        self.ensure_usable()
        self.ensure_prepared()
        return self._sender.find_existing(invoice, refresh, steps if steps is not None else Steps())

    def send(self, invoice, payload: Payload, steps: Steps) -> SendResult:
        self.ensure_usable()
        self.ensure_prepared()
        return self._sender.send(invoice, payload, steps)

    def close(self) -> None:
        api = getattr(self, "api", None)
        if api is not None:
            api.close()

    # -- guards ------------------------------------------------------------------------------------------------
    def ensure_usable(self) -> None:
        """Not cancelled, and a start text that parses."""
        self.ensure_not_cancelled()
        if self.settings_error:
            raise ExportError(self.catalogue, "invalid_start_text", self.settings_error)

    def ensure_prepared(self) -> None:
        if self._sender is None:
            raise RuntimeError("prepare(invoices) must run before build, find_existing and send.")
