"""Finding an Opter invoice already in e-conomic: booked invoices by their number; vouchers booked or not
(exports/connectors/economic/README.md, "Finding what is there"); our own unfinished draft or voucher is
finished, never sent twice; a number someone else used is "already exist"."""
from decimal import Decimal

from exports.models import ExportItem, ExportRun, RunStatus
from tests.economic.conftest import by_hand, use_vouchers

ALREADY = "The following invoices {0} already exist in Visma e-conomic."


def forget_this_portals_runs():
    """As if another installation (or Opter itself) had sent them: only e-conomic's answer decides."""
    ExportItem.objects.all().delete()
    ExportRun.objects.all().delete()


def skipped_as_existing(run, world) -> bool:
    return run.skipped == len(world.invoices) and all(
        item.last_error_message == ALREADY.format(item.invoice.number) for item in run.items.select_related("invoice"))


# -- the invoice method -------------------------------------------------------------------------------------

def test_booked_invoices_are_found_by_number_in_one_call_per_200_invoices(world):
    assert world.run().exported == len(world.invoices)
    forget_this_portals_runs()
    world.sim.calls.reset()
    run = world.run()
    assert skipped_as_existing(run, world)
    assert world.sim.calls.count("GET", "/invoices/booked") == 1
    assert world.sim.calls.count("POST") == 0


def test_an_unanswered_draft_is_found_by_its_opter_number_and_booked_not_duplicated(world):
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    world.sim.configure({"script": [{"kind": "drop", "match": "^POST /invoices/drafts$"}]})
    payload = hand.build(invoice)
    try:
        hand.send(invoice, payload)
    except Exception as exc:  # noqa: BLE001 - the dropped answer
        assert getattr(exc, "may_have_reached_target", False)
    assert "invoice" not in hand.steps_of(invoice)  # the answer never came: no step recorded
    ref = hand.find_existing(invoice, refresh=True)
    assert ref is not None and not ref.complete
    assert hand.steps_of(invoice).remote_id("invoice") == str(min(world.sim.store.drafts))
    hand.send(invoice, payload)
    assert list(world.sim.store.booked) == [invoice.number]
    assert world.sim.store.drafts == {}


def test_a_number_booked_in_e_conomic_meanwhile_is_already_exist_and_leaves_no_draft(world):
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    world.sim.store.booked[invoice.number] = {"bookedInvoiceNumber": invoice.number, "date": "2026-11-01",
                                              "currency": "DKK", "grossAmount": Decimal("10.00")}
    try:
        hand.send(invoice)
        raise AssertionError("sent over an invoice booked meanwhile")
    except Exception as exc:  # noqa: BLE001
        assert str(exc) == ALREADY.format(invoice.number)
    assert world.sim.store.drafts == {}


def test_a_draft_whose_total_e_conomic_computes_differently_is_deleted(world):
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    world.sim.store.account_vat[1010] = None  # the product group's sales account books no VAT
    try:
        hand.send(invoice)
        raise AssertionError("a draft with another total was booked")
    except Exception as exc:  # noqa: BLE001
        assert f"computes the total {invoice.net_amount} DKK, but the invoice's total is {invoice.total}" in str(exc)
    assert world.sim.store.drafts == {} and world.sim.store.booked == {}


# -- the voucher method --------------------------------------------------------------------------------------

def test_unbooked_vouchers_are_found_in_the_journal(world):
    use_vouchers(world)
    assert world.run().exported == len(world.invoices)
    forget_this_portals_runs()
    world.sim.calls.reset()
    run = world.run()
    assert skipped_as_existing(run, world)
    assert world.sim.calls.count("GET", "/journals/{id}/entries") == 1
    assert world.sim.calls.count("POST") == 0


def test_booked_vouchers_are_found_in_the_accounting_year(world):
    use_vouchers(world)
    assert world.run().exported == len(world.invoices)
    assert world.sim.book_journal(1) == len(world.invoices)  # the user books the journal in e-conomic
    assert world.sim.store.vouchers == {}
    forget_this_portals_runs()
    world.sim.calls.reset()
    run = world.run()
    assert skipped_as_existing(run, world)
    assert world.sim.calls.count("GET", "/accounting-years/{id}/entries") == 1


def test_a_booked_voucher_is_found_after_an_unanswered_call_too(world):
    use_vouchers(world)
    invoice = world.invoices[0]
    assert world.run(invoices=[invoice]).status == RunStatus.COMPLETED
    world.sim.book_journal(1)
    hand = by_hand(world, [invoice])
    hand.connector._sender.booked.clear()  # as if the run had started before the journal was booked
    ref = hand.find_existing(invoice, refresh=True)
    assert ref is not None and ref.complete and ref.remote_id == f"2026-{invoice.number}"


def test_our_voucher_without_its_pdf_gets_the_pdf_only(world):
    use_vouchers(world)
    invoice = world.invoices[0]
    world.run(invoices=[invoice])
    key = ("voucher", "2026", invoice.number)
    world.sim.store.attachments.pop(key)
    forget_this_portals_runs()
    run = world.run(invoices=[invoice])
    assert run.exported == 1
    assert key in world.sim.store.attachments
    assert len(world.sim.store.vouchers) == 1
    assert world.sim.calls.count("POST", "/journals/{id}/vouchers") == 1  # the first run's only


def test_a_voucher_number_someone_else_used_is_already_exist(world):
    use_vouchers(world)
    invoice = world.invoices[0]
    entry = {"customer": {"customerNumber": 1}, "customerInvoice": 4711, "amount": Decimal("99.00"),
             "date": "2026-11-02", "journalEntryNumber": 99, "voucher": {"voucherNumber": invoice.number}}
    world.sim.store.vouchers[("2026", invoice.number)] = {
        "accountingYear": {"year": "2026"}, "journal": {"journalNumber": 1}, "voucherNumber": invoice.number,
        "entries": {"manualCustomerInvoices": [entry]}}
    run = world.run(invoices=[invoice])
    assert run.skipped == 1
    assert run.items.get().last_error_message == ALREADY.format(invoice.number)


def test_an_invoice_booked_by_the_invoice_method_is_not_sent_again_as_a_voucher(world):
    assert world.run().exported == len(world.invoices)
    forget_this_portals_runs()
    use_vouchers(world)  # the export's method was switched
    run = world.run()
    assert skipped_as_existing(run, world)
    assert world.sim.store.vouchers == {}


def test_switching_to_vouchers_after_a_sandbox_reset_gives_one_voucher_per_invoice_with_its_pdf(world):
    """The demo's path: invoices booked, the sandbox reset, the start text switched to vouchers, exported
    again. e-conomic no longer holds them, so this portal's own records do not stop the export."""
    first = world.run()
    assert first.status == RunStatus.COMPLETED and first.exported == len(world.invoices)
    world.sandbox.reset()
    use_vouchers(world)
    again = world.run()
    assert again.status == RunStatus.COMPLETED, again.failure_message
    assert again.exported == len(world.invoices)
    assert again.events.filter(code="engine.sent_again").count() == len(world.invoices)
    assert len(world.sim.store.vouchers) == len(world.invoices)
    world.assert_each_once_and_complete()
