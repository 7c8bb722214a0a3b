"""Credit invoices to Heeros: a Finvoice credit note (INV02 / 381) that names the invoice it credits in the
header's OriginalInvoiceNumber, OriginalInvoiceDate and OriginalInvoiceReference, valid against the official
XSD; the sandbox books it against the original and refuses a credit note whose original it does not hold."""
from decimal import Decimal

from exports.models import ItemState
from exports.services.planning import plan_run
from tests.fixtures.credits import credit_invoice
from tests.heeros.conftest import finish, independent_schema_errors, parse, require_xsd


def send(helsinki, *invoices):
    return finish(plan_run(invoices=list(invoices), export=helsinki.export))


def received_document(helsinki, number) -> bytes:
    (record,) = [r for r in helsinki.sim.received_documents() if r["number"] == str(number)]
    return record["document"].encode()


def test_a_credit_note_names_its_original_and_is_booked_against_it(helsinki, quick):
    original = helsinki.invoices(1)[0]
    assert send(helsinki, original).exported == 1
    credit = credit_invoice(original, lines=1)
    run = send(helsinki, credit)
    assert run.items.get().state == ItemState.SENT, run.items.get().last_error_message
    document = received_document(helsinki, credit.number)
    details = parse(document).find("InvoiceDetails")
    assert (details.findtext("InvoiceTypeCode"), details.findtext("InvoiceTypeCodeUN")) == ("INV02", "381")
    day = original.invoice_date.strftime("%Y%m%d")
    assert details.findtext("OriginalInvoiceNumber") == str(original.number)
    assert details.findtext("OriginalInvoiceDate") == day
    assert (details.findtext("OriginalInvoiceReference/InvoiceNumber"),
            details.findtext("OriginalInvoiceReference/InvoiceDate")) == (str(original.number), day)
    assert Decimal(details.findtext("InvoiceTotalVatIncludedAmount").replace(",", ".")) == credit.total < 0
    rows = parse(document).findall("InvoiceRow")
    assert all(Decimal(r.findtext("InvoicedQuantity").replace(",", ".")) < 0 for r in rows)
    assert all(Decimal(r.findtext("UnitPriceAmount").replace(",", ".")) > 0 for r in rows)
    assert helsinki.sim.credit_links() == {str(credit.number): str(original.number)}
    require_xsd()
    assert independent_schema_errors(document) == []


def test_heeros_refuses_a_credit_note_whose_original_it_does_not_hold(helsinki, quick):
    original = helsinki.invoices(1)[0]
    send(helsinki, original)
    with helsinki.sim.store.lock:  # deleted in Heeros meanwhile
        helsinki.sim.store.invoices.clear()
    credit = credit_invoice(original)
    item = send(helsinki, credit).items.get()
    assert (item.state, item.last_error_code) == (ItemState.FAILED, "xmlserializer.credit_refused")
    assert item.last_error_message == (f"Heeros did not accept credit invoice {credit.number} for invoice "
                                       f"{original.number}: The credited invoice {original.number} is not in Heeros.")
    assert helsinki.sim.credit_links() == {}
