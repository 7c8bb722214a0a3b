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
_overridden: set[str] = set()


class NoConnector(LookupError):
    pass


def register(cls: type[Connector]) -> type[Connector]:
    """Class decorator: make ``cls`` the connector of ``cls.type``."""
    _registry[cls.type] = cls
    return cls


def _configured_override(export_type: str) -> type[Connector] | None:
    """settings.EXPORT_CONNECTOR_OVERRIDES = {"type": "dotted.path.Class"}: lets the test suite's
    connector serve a type in a separate worker process, where registry.override() cannot reach."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    dotted = getattr(settings, "EXPORT_CONNECTOR_OVERRIDES", {}).get(export_type)
    return import_string(dotted) if dotted else None


def connector_class(export_type: str) -> type[Connector]:
    configured = _configured_override(export_type)
    if configured is not None and export_type not in _overridden:
        return configured
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
    _overridden.add(export_type)
    try:
        yield cls
    finally:
        _overridden.discard(export_type)
        if previous is None:
            _registry.pop(export_type, None)
        else:
            _registry[export_type] = previous
