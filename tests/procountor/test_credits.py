"""Credit invoices to Procountor: a SALES_INVOICE with negative quantities at positive unit prices whose
additionalInformation (or notes, Start text CreditNoteLink) names the invoice it credits, as Procountor
documents no link field; the sandbox checks that invoice (same partner, credited no further than its
total) and refuses a wrong link, which the portal words as a refused credit invoice."""
from decimal import Decimal

from exports.models import ItemState
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.fixtures.credits import credit_invoice


def send(finland, *invoices):
    run = plan_run(invoices=list(invoices), export=finland.export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_credit_invoice_names_the_invoice_it_credits(finland):
    original = finland.invoice()
    send(finland, original)
    credit = credit_invoice(original)
    item = send(finland, credit).items.get()
    assert item.state == ItemState.SENT, item.last_error_message
    remote, booked = finland.remote_invoice(credit.number), finland.remote_invoice(original.number)
    assert remote["additionalInformation"] == f"Credit note for invoice {original.number}"
    assert remote["credits"] == booked["id"] and remote["partnerId"] == booked["partnerId"]
    assert all(Decimal(str(row["quantity"])) < 0 < Decimal(str(row["unitPrice"])) for row in remote["invoiceRows"])
    assert remote["invoiceSumInfo"]["invoiceSumTotal"] == credit.total < 0
    assert finland.sim.credit_links() == {str(credit.number): str(original.number)}


def test_credit_note_link_notes_puts_the_link_in_the_internal_notes(finland):
    finland.export.start_text = "CreditNoteLink=notes"
    finland.export.save()
    original = finland.invoice()
    send(finland, original)
    credit = credit_invoice(original)
    assert send(finland, credit).items.get().state == ItemState.SENT
    remote = finland.remote_invoice(credit.number)
    assert remote["notes"] == f"Credit note for invoice {original.number}" and "additionalInformation" not in remote


def test_procountor_refuses_crediting_more_than_the_invoice(finland):
    original = finland.invoice()
    send(finland, original)
    send(finland, credit_invoice(original))
    second = credit_invoice(original, original.number + 600000)
    item = send(finland, second).items.get()
    assert (item.state, item.last_error_code) == (ItemState.FAILED, "procountor.credit_refused")
    assert item.last_error_message.startswith(
        f"Procountor did not accept credit invoice {second.number} for invoice {original.number}: ")
    assert f"SIM_CREDIT_EXCEEDS_CREDITED_INVOICE_{original.number}" in item.last_error_message
