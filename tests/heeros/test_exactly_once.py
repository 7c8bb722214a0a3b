"""Never an invoice uploaded twice: a recorded upload is only confirmed again; after an unanswered upload
the imports of the number are read and ours (same number, total and currency) is adopted."""
from datetime import timedelta

from django.utils import timezone

from exports.connectors.base import Ticket
from exports.models import ItemState, RunStatus
from tests.heeros.conftest import ByHand, retry


def imports_of(sim, number) -> list[dict]:
    return [i for i in sim.store.imports.values() if i["invoiceNumber"] == str(number)]


def test_an_upload_whose_answer_was_lost_is_found_and_confirmed_not_uploaded_again(helsinki):
    (invoice,) = helsinki.invoices(1)
    connector = ByHand(helsinki.prepared([invoice]))
    helsinki.sim.configure({"script": [{"kind": "drop", "match": "salesinvoices$"}]})
    error = None
    try:
        connector.send(invoice)
    except Exception as exc:  # noqa: BLE001 - the dropped answer, whatever its words
        error = exc
    assert error is not None and error.may_have_reached_target
    assert connector.steps_of(invoice).remote_id("upload") is None
    ref = connector.find_existing(invoice, refresh=True)
    (imported,) = imports_of(helsinki.sim, invoice.number)
    assert (ref.remote_id, ref.complete) == (imported["importId"], False)
    assert connector.steps_of(invoice).remote_id("upload") == imported["importId"]
    result = connector.send(invoice)
    assert result.pending.remote_id == imported["importId"]
    assert len(imports_of(helsinki.sim, invoice.number)) == 1


def test_an_upload_of_ours_that_heeros_holds_is_adopted_when_it_refuses_the_number(helsinki):
    (invoice,) = helsinki.invoices(1)
    first = ByHand(helsinki.prepared([invoice])).send(invoice)
    again = ByHand(helsinki.prepared([invoice]))  # a worker that lost its steps
    assert again.find_existing(invoice) is None  # still processing: not an invoice in Heeros yet
    result = again.send(invoice)
    assert result.pending.remote_id == first.pending.remote_id
    assert len(imports_of(helsinki.sim, invoice.number)) == 1


def test_a_number_heeros_holds_for_another_invoice_is_there_but_not_ours(helsinki):
    invoice, other = helsinki.invoices(2)
    connector = ByHand(helsinki.prepared([invoice, other]))
    theirs = connector.build(other, None).body.document.replace(
        f"<InvoiceNumber>{other.number}</InvoiceNumber>".encode(),
        f"<InvoiceNumber>{invoice.number}</InvoiceNumber>".encode())
    connector.connector.transport.upload(theirs, {})
    ref = connector.find_existing(invoice, refresh=True)
    assert ref is not None and ref.complete  # reported as there, never adopted and finished as ours
    assert connector.steps_of(invoice).remote_id("upload") is None


def test_a_recorded_import_that_heeros_forgot_is_looked_for_by_number(helsinki):
    (invoice,) = helsinki.invoices(1)
    connector = ByHand(helsinki.prepared([invoice]))
    connector.steps_of(invoice).record("upload", "no-such-import")
    assert connector.find_existing(invoice, refresh=True) is None
    assert not connector.steps_of(invoice)


def test_an_invoice_dated_outside_the_runs_dates_has_its_own_day_read(helsinki):
    invoices = helsinki.invoices(2)
    connector = ByHand(helsinki.connector())
    connector.prepare([invoices[0]])
    connector.prefetch(invoices)
    assert connector.find_existing(invoices[0]) is None
    assert connector.find_existing(invoices[1]) is None
    assert connector.find_existing(invoices[0]) is None  # read once
    listed = [call["path"] for call in helsinki.sim.calls.as_dict()["recent"] if call["path"].endswith("salesinvoices")
              and call["method"] == "GET"]
    assert len(listed) == (1 if invoices[0].invoice_date == invoices[1].invoice_date else 2)


def test_an_incomplete_invoice_someone_completed_in_heeros_is_confirmed(helsinki):
    helsinki.sim.configure({"outcome": "incomplete", "processing_polls": 0})
    (invoice,) = helsinki.invoices(1)
    connector = ByHand(helsinki.prepared([invoice]))
    ticket = connector.send(invoice).pending
    (heeros_id,) = helsinki.sim.store.invoices
    helsinki.sim.complete_invoice(heeros_id)
    result = connector.confirm(invoice, Ticket(ticket.data, ticket.remote_id))
    assert result.pending is None and result.ref.remote_id == heeros_id


def test_a_status_read_that_fails_after_a_while_keeps_a_fresh_time_limit_on_retry(helsinki, run_of, quick):
    """An upload whose status read was refused (a 404 from a proxy, say) fails; Retry failed, long after,
    confirms it again and should wait a whole time limit for it."""
    quick(timeout=5)
    helsinki.sim.configure({"processing_polls": 3,
                            "script": [{"kind": "error", "status": 404, "match": "imports/[^/]+$"}]})
    (invoice,) = helsinki.invoices(1)
    run = run_of([invoice])
    item = run.items.get()
    assert item.state == ItemState.FAILED and item.last_error_code == "xmlserializer.call_unsuccessful"
    # An hour later the user presses Retry failed.
    hour_ago = timezone.now() - timedelta(hours=1)
    type(item).objects.filter(pk=item.pk).update(confirm_deadline=hour_ago, confirm_due_at=hour_ago)
    run = retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert len(imports_of(helsinki.sim, invoice.number)) == 1
