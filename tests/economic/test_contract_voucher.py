"""The contract suite once more, with the demo export switched to the voucher method (Start text
exportMethod=voucher): every test of tests/contract, against the same simulator, for the second way this
target sends an invoice."""
import pytest

from tests.contract import test_contract
from tests.contract.conftest import write_steps
from tests.contract.test_contract import *  # noqa: F403 - the contract's tests, collected here again
from tests.fixtures.contract import World

VOUCHER_METHOD = "exportMethod=voucher\njournalNumber=1"
#: the steps a voucher send takes (booking belongs to the invoice method)
VOUCHER_STEPS = ("customer", "invoice", "attachment")


def pytest_generate_tests(metafunc):
    if "contract_target" not in metafunc.fixturenames:
        return
    if "step" in metafunc.fixturenames:
        from exports.connectors import registry

        steps = [step for step in write_steps(registry.target("economic")) if step in VOUCHER_STEPS]
        metafunc.parametrize(("contract_target", "step"), [("economic", step) for step in steps],
                             ids=[f"economic-voucher-{step}" for step in steps])
    else:
        metafunc.parametrize("contract_target", ["economic"], ids=["economic-voucher"])


@pytest.fixture
def world(db, contract_target, world) -> World:  # named here too: the parametrization and the database
    world.export.start_text = VOUCHER_METHOD
    world.export.save()
    return world


def test_the_contract_is_collected_here_in_full():
    contract_tests = {name for name in dir(test_contract) if name.startswith("test_")}
    assert contract_tests <= set(globals())
