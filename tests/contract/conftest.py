"""The contract suite: every registered target with a connector, a simulator and a demo export (the
world is tests.fixtures.contract), and every step its simulator names."""
from django.utils.module_loading import import_string

from exports.connectors.target import Target
from tests.fixtures.contract import contract_targets


def write_steps(target: Target) -> dict[str, str]:
    return import_string(target.simulator)("/probe").write_steps


def pytest_generate_tests(metafunc):
    if "contract_target" not in metafunc.fixturenames:
        return
    targets = contract_targets()
    if "step" in metafunc.fixturenames:
        pairs = [(t.type, step) for t in targets for step in write_steps(t)]
        metafunc.parametrize(("contract_target", "step"), pairs, ids=[f"{t}-{s}" for t, s in pairs])
    else:
        metafunc.parametrize("contract_target", [t.type for t in targets])
