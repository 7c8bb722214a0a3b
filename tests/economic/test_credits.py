"""Credit notes to e-conomic: a draft invoice with negative quantities at positive unit prices, booked with
its own number, that names the booked invoice it credits in notes.textLine2 (e-conomic has no link field);
the sandbox checks the credited invoice when booking and refuses crediting more than it holds. With the
voucher method a credit note is a negative customer-invoice entry that names the invoice in its text."""
from decimal import Decimal

from exports.models import ItemState
from tests.economic.conftest import use_vouchers
from tests.fixtures.credits import credit_invoice


def test_a_credit_note_is_booked_naming_the_invoice_it_credits(world):
    world.run()
    original = world.invoices[0]
    credit = credit_invoice(original, lines=1)
    item = world.run(invoices=[credit]).items.get()
    assert item.state == ItemState.SENT, item.last_error_message
    booked = world.sim.store.booked[credit.number]
    assert booked["notes"]["heading"] == f"Credit note {credit.number}"
    assert booked["notes"]["textLine2"] == f"Credit note for invoice {original.number}"
    assert all(Decimal(str(line["quantity"])) < 0 < Decimal(str(line["unitNetPrice"])) for line in booked["lines"])
    assert Decimal(str(booked["grossAmount"])) == credit.total < 0
    assert world.sim.credit_links() == {str(credit.number): str(original.number)}


def test_e_conomic_refuses_crediting_more_than_the_invoice(world):
    world.run()
    original = world.invoices[0]
    world.run(invoices=[credit_invoice(original)])
    second = credit_invoice(original, original.number + 600000)
    item = world.run(invoices=[second]).items.get()
    assert (item.state, item.last_error_code) == (ItemState.FAILED, "economic.credit_refused")
    assert item.last_error_message.startswith(
        f"Visma e-conomic did not accept credit invoice {second.number} for invoice {original.number}: The credit "
        f"notes of invoice {original.number} would credit")
    assert second.number not in world.sim.store.booked and not world.sim.store.drafts


def test_with_vouchers_a_credit_note_is_a_negative_entry_naming_the_invoice(world):
    use_vouchers(world)
    world.run()
    original = world.invoices[0]
    credit = credit_invoice(original)
    item = world.run(invoices=[credit]).items.get()
    assert item.state == ItemState.SENT, item.last_error_message
    entries = [entry for voucher in world.sim.store.vouchers.values()
               for entry in voucher["entries"]["manualCustomerInvoices"] if entry["customerInvoice"] == credit.number]
    assert entries and all(Decimal(str(entry["amount"])) < 0 for entry in entries)
    assert all(entry["text"].startswith(f"Credit note {credit.number} for invoice {original.number}")
               for entry in entries)
