"""What is sent for an invoice, by each method: lines that say exactly Opter's amounts with e-conomic's two
decimals, one voucher entry per sales account and VAT code, credit notes, customers matched on the
customer number when the export says so."""
from decimal import Decimal

from accounting.models import Account, InvoiceLine, VatRate
from accounting.money import to_cents
from accounting.services.invoices import recompute_totals
from exports.models import CodeKind, CodeTranslation, RunStatus
from tests.economic.conftest import by_hand, use_vouchers


def with_lines(invoice, *lines):
    """Replace the invoice's lines by (item, quantity, unit, unit price, VAT rate) and recompute its totals."""
    invoice.lines.all().delete()
    for position, (item, quantity, unit, price, rate) in enumerate(lines):
        amount = to_cents(Decimal(quantity) * Decimal(price))
        InvoiceLine.objects.create(invoice=invoice, position=position, order_number="46110001",
                                   sender_reference="Lager B", receiver_reference="", item_name=item,
                                   quantity=Decimal(quantity), unit=unit, unit_price=Decimal(price), amount=amount,
                                   vat_rate=rate)
    return recompute_totals(invoice)


def test_lines_keep_quantity_and_price_when_two_decimals_say_the_amount_exactly(world):
    dk25 = VatRate.objects.get(code="DK25")
    invoice = with_lines(world.invoices[0], ("Freight", "1", "pcs", "1474.47", dk25),
                         ("Waiting time", "2.5", "h", "317.05", dk25), ("Road toll", "523", "km", "0.8803", dk25))
    body = by_hand(world, [invoice]).build(invoice).body
    lines = body["draft"]["lines"]
    assert [(line["quantity"], line["unitNetPrice"]) for line in lines] == [
        (Decimal(1), Decimal("1474.47")), (Decimal("2.50"), Decimal("317.05")), (Decimal(1), Decimal("460.40"))]
    assert lines[0]["description"] == 'Order: 46110001 sender ref. "Lager B"'
    assert lines[2]["description"] == 'Order: 46110001 "Road toll" (523 km x 0.8803)'
    assert {line["product"]["productNumber"] for line in lines} == {"1010"}
    assert body["products"] == {"1010": {"productNumber": "1010", "name": "Transport services (1010)",
                                         "productGroup": {"productGroupNumber": 1}}}


def test_the_draft_booked_in_e_conomic_has_opters_totals(world):
    dk25 = VatRate.objects.get(code="DK25")
    invoice = with_lines(world.invoices[0], ("Freight", "1", "pcs", "1474.47", dk25),
                         ("Road toll", "523", "km", "0.8803", dk25))
    assert world.run(invoices=[invoice]).status == RunStatus.COMPLETED
    booked = world.sim.store.booked[invoice.number]
    assert (booked["netAmount"], booked["vatAmount"], booked["grossAmount"]) == (
        invoice.net_amount, invoice.vat_amount, invoice.total)


def test_a_voucher_has_one_entry_per_sales_account_and_vat_code(world):
    use_vouchers(world)
    dk25 = VatRate.objects.get(code="DK25")
    exempt = VatRate.objects.create(code="DK0", name="Denmark 0 % (momsfri)", percentage=Decimal("0"),
                                    sales_account=Account.objects.create(number="1020", description="Salg u/moms"))
    CodeTranslation.objects.create(export=world.export, kind=CodeKind.TAX_RATE, vat_rate=exempt, code="UA")
    world.sim.store.product_groups[9] = {"productGroupNumber": 9, "name": "1020",
                                         "zoneAccounts": {1: 1020, 2: 1030, 3: 1040, 4: 1020}}
    invoice = with_lines(world.invoices[0], ("Freight", "1", "pcs", "1000.00", dk25),
                         ("Cold", "1", "pcs", "200.00", dk25), ("Customs papers", "1", "pcs", "50.00", exempt))
    entries = by_hand(world, [invoice]).build(invoice).body["voucher"]["entries"]["manualCustomerInvoices"]
    assert [(e["contraAccount"], e["contraVatAccount"], e["amount"], e["contraVatAmount"]) for e in entries] == [
        ({"accountNumber": 1010}, {"vatCode": "U25"}, Decimal("1500.00"), Decimal("300.00")),
        ({"accountNumber": 1020}, {"vatCode": "UA"}, Decimal("50.00"), Decimal("0.00"))]
    assert {e["customerInvoice"] for e in entries} == {invoice.number}
    assert world.run(invoices=[invoice]).status == RunStatus.COMPLETED
    (voucher,) = world.sim.store.vouchers.values()
    assert sum(Decimal(e["amount"]) for e in voucher["entries"]["manualCustomerInvoices"]) == invoice.total


def test_a_credit_note_is_a_voucher_of_the_other_sign(world):
    use_vouchers(world)
    dk25 = VatRate.objects.get(code="DK25")
    invoice = with_lines(world.invoices[0], ("Freight", "-1", "pcs", "400.00", dk25))
    assert invoice.total == Decimal("-500.00")
    # Negative amounts are a credit invoice's only (the invoice validation refuses them on another), and a
    # credit invoice is sent only once the invoice it credits has been exported to the same target.
    original = world.invoices[-1]
    assert world.run(invoices=[original]).status == RunStatus.COMPLETED
    invoice.credited_invoice = original
    invoice.save(update_fields=["credited_invoice"])
    assert world.run(invoices=[invoice]).status == RunStatus.COMPLETED
    (entry,) = world.sim.store.vouchers[("2026", invoice.number)]["entries"]["manualCustomerInvoices"]
    assert (entry["amount"], entry["contraVatAmount"]) == (Decimal("-500.00"), Decimal("-100.00"))
    world.export.start_text += "\nvoucherAmountSign=negative"
    world.export.save()
    other = world.invoices[1]
    amounts = by_hand(world, [other]).build(other).body["voucher"]["entries"]["manualCustomerInvoices"]
    assert all(entry["amount"] < 0 for entry in amounts)


def test_with_use_customer_number_customers_are_the_sales_ledger_numbers(world):
    world.export.use_customer_number = True
    world.export.save()
    assert world.run().exported == len(world.invoices)
    numbers = {invoice.customer.sales_ledger_number for invoice in world.invoices}
    assert numbers <= set(world.sim.store.customers)
    held = len(world.sim.store.customers)
    world.sim.calls.reset()
    other = [invoice for invoice in world.invoices[0].period.invoices.order_by("number")
             if invoice.customer.sales_ledger_number in numbers and invoice not in world.invoices][:2]
    assert world.run(invoices=other).exported == len(other)
    assert len(world.sim.store.customers) == held  # found by number, not created again
    assert world.sim.calls.count("POST", "/customers") == 0
