"""Credit invoices, the same way on every target that books them: a credit invoice is booked against
its original through the simulator (which checks the link), and one whose original this export has not
exported is blocked, naming the original."""
import pytest

from exports.models import ItemState, RunStatus
from exports.services.setup_check import check_export
from tests.fixtures.credits import blocked_credit, credit_invoice


def books_credits(world) -> bool:
    return hasattr(world.sim, "credit_links")


def test_a_credit_invoice_is_booked_against_its_original(world):
    if not books_credits(world):
        pytest.skip(f"{world.target.type} books no credit invoices")
    first = world.run()
    assert first.status == RunStatus.COMPLETED, first.failure_message
    original = world.invoices[0]
    credit = credit_invoice(original)
    assert credit.total == -original.total
    assert check_export(world.export, [credit], remote=False).ok
    run = world.run(invoices=[credit])
    item = run.items.get()
    assert (item.state, item.last_error_message) == (ItemState.SENT, "")
    assert world.sim.credit_links() == {str(credit.number): str(original.number)}


def test_a_credit_of_an_invoice_not_exported_is_blocked_naming_the_original(world):
    original = world.invoices[0]
    expected = blocked_credit(world.export, original).message
    credit = original.credit_invoices.get()
    if not books_credits(world):
        return
    run = world.run(invoices=[credit])  # a run started without the check (the command line) sends nothing
    item = run.items.get()
    assert (item.state, item.last_error_message) == (ItemState.FAILED, expected)
    assert world.writes() == 0
