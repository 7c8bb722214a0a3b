"""Which simulators exist and where they are mounted.

Each target's simulator lives in its own module that exposes ``create_simulator(mount) -> Simulator``.
A module that has not been written yet is simply not served; the server picks up every one that exists.
"""
from __future__ import annotations

import importlib

from .demo_credentials import PREFIXES
from .simulator import Simulator

SIMULATOR_MODULES = {
    "efinancials": "exports.sandbox.efinancials",
    "netvisor": "exports.sandbox.netvisor",
    "procountor": "exports.sandbox.procountor",
    "economic": "exports.sandbox.economic",
    "xmlserializer": "exports.sandbox.heeros",
}


def mount_of(name: str) -> str:
    """The first segment of the target's prefix: "/efinancials/v1" is mounted at "/efinancials", so the
    simulator sees the vendor's own paths (/v1/...) and has room for its pages (/_received)."""
    return "/" + PREFIXES[name].strip("/").split("/")[0]


def available_simulators(settings: dict[str, dict] | None = None) -> dict[str, Simulator]:
    """One fresh simulator per existing module, with start-up knobs/options per name."""
    simulators = {}
    for name, module_path in SIMULATOR_MODULES.items():
        try:
            module = importlib.import_module(module_path)
        except ModuleNotFoundError as exc:
            if exc.name == module_path:
                continue  # not written yet
            raise
        simulator = module.create_simulator(mount_of(name))
        if settings and settings.get(name):
            simulator.configure(settings[name], initial=True)
        simulators[name] = simulator
    return simulators
