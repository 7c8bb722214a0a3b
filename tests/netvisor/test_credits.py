"""Credit notes to Netvisor (spec 5.9): the same salesinvoice.nv message with a negative quantity at a
positive unit price and a negative total, then matchcreditnote.nv matches it to the invoice it credits
(Netvisor's article on the resource: both open, same customer); the sandbox refuses a wrong match."""
from decimal import Decimal

from exports.models import EventLevel, ItemState
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.fixtures.credits import credit_invoice
from tests.netvisor.conftest import Line


def send(finland, *invoices):
    run = plan_run(invoices=list(invoices), export=finland.export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_credit_note_is_booked_and_matched_to_its_invoice(finland):
    original = finland.invoice(Line(), Line(item="EU leg", vat="0", price="50.00"))
    send(finland, original)
    credit = credit_invoice(original)
    item = send(finland, credit).items.get()
    assert item.state == ItemState.SENT, item.last_error_message
    assert [step for step, _ in item.steps] == ["invoice", "match"]
    remote = finland.remote_invoice(credit.number)
    assert [(r["quantity"], r["unit_price"], r["net"]) for r in remote["lines"]] == [
        (Decimal("-1"), Decimal("100.00"), Decimal("-100.00")), (Decimal("-1"), Decimal("50.00"), Decimal("-50.00"))]
    assert remote["amount"] == credit.total == Decimal("-175.50")
    assert remote["matched_to"] == finland.remote_invoice(original.number)["id"]
    assert finland.sim.credit_links() == {str(credit.number): str(original.number)}


def test_with_status_unsent_the_credit_note_is_booked_unmatched_with_a_warning(finland):
    finland.export.start_text = "unsent"
    finland.export.save()
    original = finland.invoice()
    send(finland, original)
    credit = credit_invoice(original)
    run = send(finland, credit)
    item = run.items.get()
    assert item.state == ItemState.SENT
    assert item.warning_message == (f"Credit note {credit.number} is in Netvisor but was not matched to invoice "
                                    f"{original.number}: Netvisor matches only open invoices, and this export "
                                    f"sends them unsent. Match it in Netvisor.")
    assert run.events.filter(level=EventLevel.WARNING, code="netvisor.credit_not_matched").exists()
    assert finland.sim.credit_links() == {}


def test_netvisor_refuses_matching_a_credit_note_to_an_invoice_it_no_longer_holds(finland):
    original = finland.invoice()
    send(finland, original)
    with finland.sim.store.lock:  # deleted in Netvisor meanwhile
        (key,) = [k for k, i in finland.sim.store.invoices.items() if i["number"] == str(original.number)]
        del finland.sim.store.invoices[key]
    credit = credit_invoice(original)
    item = send(finland, credit).items.get()
    assert (item.state, item.last_error_code) == (ItemState.FAILED, "netvisor.credit_refused")
    assert item.last_error_message.startswith(
        f"Netvisor did not accept credit invoice {credit.number} for invoice {original.number}: ")
    assert f"no sales invoice with NetvisorKey {key}" in item.last_error_message


def test_a_match_whose_answer_was_lost_is_not_a_failure_when_repeated(finland):
    original = finland.invoice()
    send(finland, original)
    credit = credit_invoice(original)
    finland.sim.configure({"script": [{"kind": "drop", "match": r"(?i)^POST /matchcreditnote\.nv$"}]})
    run = send(finland, credit)
    assert any("script:drop" in call["faults"] for call in finland.sim.calls.as_dict()["recent"])
    item = run.items.get()
    if item.state != ItemState.SENT:  # the engine reconciles in a later round, as a worker would
        execute_run(run.pk)
        item.refresh_from_db()
    assert item.state == ItemState.SENT, item.last_error_message
    assert [step for step, _ in item.steps] == ["invoice", "match"]
    assert finland.sim.credit_links() == {str(credit.number): str(original.number)}
