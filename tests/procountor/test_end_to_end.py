"""The demo as seed 002 describes it: Export and send of the Helsinki period to the Procountor export turns
the bar green; the sandbox holds each invoice once, its rows on products of "OpterGroup", its ledger
receipt coded; a second run skips them all; customers already in Procountor are updated, not doubled."""
from collections import Counter

import pytest

from accounting.demo.seed import seed_demo
from accounting.models import InvoicePeriod
from exports.models import InvoiceExport, ItemState, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.fixtures.contract import PDF_TEMPLATE


def run_of(**kwargs):
    run = plan_run(**kwargs)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


@pytest.fixture
def demo(db, sandbox, settings, monkeypatch):
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=2, small_period_invoices=10, users=False)
    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf",
                        lambda invoice, reduced=False: PDF_TEMPLATE.replace(b"NUMBER", str(invoice.number).encode()))
    return InvoiceExport.objects.get(type="procountor"), InvoicePeriod.objects.get(office__code="HEL")


def test_the_helsinki_period_goes_to_procountor_once_and_a_second_run_skips_it(demo, sandbox):
    export, period = demo
    sim = sandbox.simulator("procountor")
    run = run_of(period=period, export=export)
    assert (run.status, run.exported, run.failed) == (RunStatus.COMPLETED, 10, 0), run.failure_message
    numbers = Counter(b["number"] for b in sim.booked_invoices())
    assert set(numbers.values()) == {1} and len(numbers) == 10
    assert all(b["complete"] and b["has_pdf"] for b in sim.booked_invoices())
    store = sim.store
    (group,) = [g for g in store.product_groups.values() if g["name"] == "OpterGroup"]
    for invoice in store.invoices.values():
        assert {store.products[row["productId"]]["productGroupId"] for row in invoice["invoiceRows"]} == {group["id"]}
        receipt = store.receipts[invoice["ledgerReceiptId"]]
        accounts = {t["account"] for t in receipt["transactions"]}
        assert "1210" in accounts and accounts <= {"1210", "3000", "3380"}
    # Products are shared by the invoices: one per account and VAT status used (3000/vat_1, 3380/vat_5).
    assert sorted(p["code"] for p in store.products.values()) <= ["3000-1-25.5", "3380-5-0"]
    # The customer already in Procountor (no. 1001) was updated, not created again.
    assert Counter(sim.customer_keys())["1001"] == 1
    keys = Counter(sim.customer_keys())
    assert all(count == 1 for count in keys.values())
    products_before, partners_before = len(store.products), len(store.partners)

    sim.calls.reset()
    second = run_of(period=period, export=export)
    assert (second.exported, second.skipped) == (0, 10)
    assert set(second.items.values_list("state", flat=True)) == {ItemState.SKIPPED}
    assert (len(store.products), len(store.partners)) == (products_before, partners_before)
    assert sim.calls.count("POST") + sim.calls.count("PUT") == 0  # nothing written; the stored token reused


def test_an_existing_customer_is_updated_with_opters_address(demo, sandbox):
    export, period = demo
    sim = sandbox.simulator("procountor")
    invoice = period.invoices.select_related("customer").order_by("number").first()
    customer = invoice.customer
    partner = sim.store.partners[501]  # in Procountor before: an old street, the customer's number
    partner["invoicingInfo"].update(customerNumber=str(customer.sales_ledger_number), identifier=customer.corporate_id)
    run = run_of(invoices=[invoice], export=export)
    assert run.exported == 1, run.failure_message
    partner = sim.store.partners[501]
    assert partner["address"]["street"] == customer.invoice_address
    assert partner["invoicingInfo"]["email"] == customer.invoice_email
    assert partner["registryInfo"]["active"] is True
    assert sim.calls.count("PUT", "/api/businesspartners/{id}") == 1
    assert sim.calls.count("POST", "/api/businesspartners") == 0
    assert sim.store.invoices[int(run.items.get().remote_id)]["partnerId"] == 501
