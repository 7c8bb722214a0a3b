"""Which connector class serves which export type."""
from __future__ import annotations

import importlib
from contextlib import contextmanager

from .base import Connector

# Each real connector lives in its own module and registers itself on import.
CONNECTOR_MODULES = {
    "efinancials": "exports.connectors.efinancials",
}

_registry: dict[str, type[Connector]] = {}


class NoConnector(LookupError):
    pass


def register(cls: type[Connector]) -> type[Connector]:
    """Class decorator: make ``cls`` the connector of ``cls.type``."""
    _registry[cls.type] = cls
    return cls


def connector_class(export_type: str) -> type[Connector]:
    if export_type not in _registry and export_type in CONNECTOR_MODULES:
        importlib.import_module(CONNECTOR_MODULES[export_type])
    try:
        return _registry[export_type]
    except KeyError:
        raise NoConnector(f"No connector is available for the export type {export_type!r} yet.") from None


def has_connector(export_type: str) -> bool:
    try:
        connector_class(export_type)
    except (NoConnector, ImportError):
        return False
    return True


def connector_for(export, *, recorder=None) -> Connector:
    return connector_class(export.type)(export, recorder=recorder)


@contextmanager
def override(export_type: str, cls: type[Connector]):
    """Serve ``export_type`` with ``cls`` for the duration (tests)."""
    previous = _registry.get(export_type)
    _registry[export_type] = cls
    try:
        yield cls
    finally:
        if previous is None:
            _registry.pop(export_type, None)
        else:
            _registry[export_type] = previous
