"""The registry of export types: one line per target package.

A target package exposes ``TARGET`` (an exports.connectors.target.Target) from its ``__init__``; its
connector and simulator are named there by dotted path and imported only when a run or the sandbox
needs them, so reading the registry (forms, model choices) stays cheap.
"""
from __future__ import annotations

import importlib
from contextlib import contextmanager

from django.utils.module_loading import import_string

from .target import Target

TARGET_PACKAGES = [
    "exports.connectors.efinancials",
    "exports.connectors.netvisor",
    "exports.connectors.procountor",
    "exports.connectors.economic",
    "exports.connectors.heeros",
]

_targets: dict[str, Target] | None = None
_extra_packages: list[str] = []
_connector_overrides: dict[str, type] = {}


class NoConnector(LookupError):
    pass


class UnknownTarget(LookupError):
    pass


def _load() -> dict[str, Target]:
    global _targets
    if _targets is None:
        loaded = {}
        for path in [*TARGET_PACKAGES, *_configured_packages(), *_extra_packages]:
            declared = importlib.import_module(path).TARGET
            loaded[declared.type] = declared
        _targets = loaded
    return _targets


def _configured_packages() -> list[str]:
    """settings.EXPORT_EXTRA_TARGETS: target packages outside this list (a site's own, or the tests')."""
    from django.conf import settings

    return list(getattr(settings, "EXPORT_EXTRA_TARGETS", ()))


def targets() -> dict[str, Target]:
    return dict(_load())


def target(export_type: str) -> Target:
    try:
        return _load()[export_type]
    except KeyError:
        raise UnknownTarget(f"There is no export type {export_type!r}.") from None


def find(export_type: str) -> Target | None:
    return _load().get(export_type)


def choices() -> list[tuple[str, str]]:
    """The Type drop-down (InvoiceExport.type); a callable, so adding a target needs no migration."""
    return [(declared.type, declared.label) for declared in _load().values()]


def label(export_type: str) -> str:
    declared = find(export_type)
    return declared.label if declared else export_type


def register_package(path: str) -> Target:
    """Add a target package at run time (tests, plug-ins). Returns its Target."""
    if path not in _extra_packages:
        _extra_packages.append(path)
    reload()
    return _load()[importlib.import_module(path).TARGET.type]


def extra_packages() -> list[str]:
    return list(_extra_packages)


def unregister_package(path: str) -> None:
    if path in _extra_packages:
        _extra_packages.remove(path)
    reload()


def reload() -> None:
    global _targets
    _targets = None


# -- connectors -------------------------------------------------------------------------------------------

def _configured_override(export_type: str) -> type | None:
    """settings.EXPORT_CONNECTOR_OVERRIDES = {"type": "dotted.path.Class"}: lets the test suite's
    connector serve a type in a separate worker process, where override() cannot reach."""
    from django.conf import settings

    dotted = getattr(settings, "EXPORT_CONNECTOR_OVERRIDES", {}).get(export_type)
    return import_string(dotted) if dotted else None


def connector_class(export_type: str):
    if export_type in _connector_overrides:
        return _connector_overrides[export_type]
    configured = _configured_override(export_type)
    if configured is not None:
        return configured
    declared = find(export_type)
    if declared is None or not declared.connector:
        name = declared.label if declared else export_type
        raise NoConnector(f"No connector is available for the export type {name} yet.")
    return import_string(declared.connector)


def has_connector(export_type: str) -> bool:
    try:
        connector_class(export_type)
    except (NoConnector, ImportError):
        return False
    return True


def connector_for(export, *, recorder=None, rate_limit=None, call_slots=None):
    return connector_class(export.type)(export, recorder=recorder, rate_limit=rate_limit, call_slots=call_slots)


@contextmanager
def override(export_type: str, cls):
    """Serve ``export_type`` with ``cls`` for the duration (tests)."""
    previous = _connector_overrides.get(export_type)
    _connector_overrides[export_type] = cls
    try:
        yield cls
    finally:
        if previous is None:
            _connector_overrides.pop(export_type, None)
        else:
            _connector_overrides[export_type] = previous


# -- simulators ---------------------------------------------------------------------------------------------

def simulator_factories() -> dict[str, tuple[str, object]]:
    """type -> (mount, create_simulator) for every target that has a simulator."""
    factories = {}
    for declared in _load().values():
        if declared.simulator and declared.sandbox_prefix:
            factories[declared.type] = (mount_of(declared), import_string(declared.simulator))
    return factories


def mount_of(declared: Target) -> str:
    """The first segment of the target's prefix: "/efinancials/v1" is mounted at "/efinancials", so the
    simulator sees the vendor's own paths (/v1/...) and has room for its pages (/_received)."""
    return "/" + declared.sandbox_prefix.strip("/").split("/")[0]
