"""Which simulators the sandbox serves: one per registered target that declares one
(``Target.simulator``), mounted at the first segment of its ``sandbox_prefix``."""
from __future__ import annotations

from ..connectors import registry
from .simulator import Simulator


def prefix_of(export_type: str) -> str:
    """The base path of the target's simulator under the sandbox, e.g. "/efinancials/v1"."""
    return registry.target(export_type).sandbox_prefix


def available_simulators(settings: dict[str, dict] | None = None) -> dict[str, Simulator]:
    """One fresh simulator per target that has one, with start-up knobs/options per name."""
    simulators = {}
    for name, (mount, create) in registry.simulator_factories().items():
        simulator = create(mount)
        if settings and settings.get(name):
            simulator.configure(settings[name], initial=True)
        simulators[name] = simulator
    return simulators
