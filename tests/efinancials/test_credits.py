"""Credit invoices to E-Financials (spec 12.4): a CREDIT-INVOICE naming the confirmed original in
credit_sale_invoices_id, rows with a negative amount and a positive unit price; the sandbox links it to the
original (its credit_invoices) and refuses a wrong link with its 409 body, which the portal words."""
from decimal import Decimal

import pytest

from exports.models import ItemState
from exports.sandbox.efinancials import rules
from exports.sandbox.wsgi import HttpError
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.efinancials.conftest import Line
from tests.fixtures.credits import credit_invoice


def send(estonia, *invoices):
    run = plan_run(invoices=list(invoices), export=estonia.export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_credit_invoice_is_linked_to_its_confirmed_original(estonia):
    original = estonia.invoice(Line(), Line(item="Road toll", price="10.00"))
    send(estonia, original)
    credit = credit_invoice(original, lines=1)
    item = send(estonia, credit).items.get()
    assert item.state == ItemState.SENT, item.last_error_message
    booked, remote = estonia.remote_invoice(original.number), estonia.remote_invoice(credit.number)
    assert (remote["sale_invoice_type"], remote["credit_sale_invoices_id"]) == ("CREDIT-INVOICE", booked["id"])
    assert [(Decimal(str(r["amount"])), Decimal(str(r["unit_net_price"]))) for r in remote["items"]] == [
        (Decimal("-1"), Decimal("100"))]
    assert Decimal(str(remote["gross_price"])) == credit.total == Decimal("-124.00")
    assert booked["credit_invoices"] == [{"id": remote["id"], "number": str(credit.number)}]
    assert remote["status"] == "CONFIRMED"


def test_with_credit_number_original_the_credit_carries_the_original_s_number_and_a_k(estonia):
    estonia.export.start_text = "CreditNumber=original"
    estonia.export.save()
    original = estonia.invoice()
    send(estonia, original)
    credit = credit_invoice(original)
    assert send(estonia, credit).items.get().state == ItemState.SENT
    remote = estonia.remote_invoice(f"{original.number}K")
    assert remote["credit_sale_invoices_id"] == estonia.remote_invoice(original.number)["id"]
    again = send(estonia, credit).items.get()  # found under its E-Financials number: not sent twice
    assert again.state == ItemState.SKIPPED
    assert estonia.efin.credit_links() == {f"{original.number}K": str(original.number)}


def test_e_financials_refuses_crediting_more_than_the_original(estonia):
    original = estonia.invoice()
    send(estonia, original)
    send(estonia, credit_invoice(original))
    second = credit_invoice(original, original.number + 600000, lines=1)
    item = send(estonia, second).items.get()
    assert (item.state, item.last_error_code) == (ItemState.FAILED, "efinancials.credit_refused")
    assert item.last_error_message == (
        f"E-Financials did not accept credit invoice {second.number} for invoice {original.number}: Credit "
        f"invoice: credits 210.00 of invoice {original.number}, which is 110.00 net")


def test_the_sandbox_answers_a_credit_id_on_an_ordinary_invoice_with_500_as_the_spec_reports(estonia):
    with pytest.raises(HttpError) as refused:
        rules.credited_invoice(estonia.efin.store, {"sale_invoice_type": "INVOICE", "credit_sale_invoices_id": 1})
    assert refused.value.status == 500
