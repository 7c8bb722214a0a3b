"""Sending to Heeros through the engine: the upload is a pending send, confirmed later by the import status;
incomplete, invalid and never-confirmed imports; never an invoice uploaded twice."""
from collections import Counter

from exports.connectors.heeros.messages import CATALOGUE
from exports.models import ExportEvent, ItemState, RunStatus
from tests.heeros.conftest import retry

UPLOAD = r"POST /api/v1/offices/{id}/customers/{id}/salesinvoices"


def uploads(sim) -> int:
    return sim.calls.count("POST", "/api/v1/offices/{id}/customers/{id}/salesinvoices")


def held(sim) -> Counter:
    return Counter(booked["number"] for booked in sim.booked_invoices())


def test_each_invoice_is_uploaded_once_and_sent_when_heeros_has_processed_it(helsinki, run_of):
    invoices = helsinki.invoices(4)
    run = run_of(invoices)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.exported == 4
    assert uploads(helsinki.sim) == 4
    assert held(helsinki.sim) == Counter({str(invoice.number): 1 for invoice in invoices})
    assert all(booked["complete"] for booked in helsinki.sim.booked_invoices())
    for item in run.items.select_related("invoice"):
        assert item.state == ItemState.SENT
        assert [step for step, _ in item.steps] == ["upload", "processed"]
        invoice = helsinki.sim.store.invoices[item.remote_id]  # the item names Heeros' invoice id
        assert invoice["invoiceNumber"] == str(item.invoice.number) and invoice["heerosState"] == "Ready"
        codes = list(run.events.filter(item=item).exclude(code="http.call").values_list("code", flat=True))
        assert codes == ["engine.pending", "engine.confirmed"]


def test_a_second_run_skips_them_all_without_uploading(helsinki, run_of):
    invoices = helsinki.invoices(3)
    run_of(invoices)
    second = run_of(invoices)
    assert (second.status, second.skipped) == (RunStatus.COMPLETED, 3)
    assert uploads(helsinki.sim) == 3


def test_the_import_options_are_the_start_text_and_decide_the_state_in_heeros(helsinki, run_of):
    helsinki.export.start_text = "MoveOnlyToLedge=true\nUpdateProduct=false"
    helsinki.export.save()
    (invoice,) = helsinki.invoices(1)
    run = run_of([invoice])
    assert run.status == RunStatus.COMPLETED, run.failure_message
    (record,) = helsinki.sim.received_documents()
    assert record["options"] == {"MoveOnlyToLedger": True, "SendToCustomer": False, "CreateCustomer": True,
                                 "UpdateCustomer": True, "CreateProduct": True, "UpdateProduct": False,
                                 "CreateAccountingObjects": True}
    (heeros_invoice,) = helsinki.sim.store.invoices.values()
    assert heeros_invoice["heerosState"] == "ToLedger"


def test_a_product_heeros_does_not_know_and_may_not_create_leaves_the_invoice_incomplete(helsinki, run_of):
    helsinki.export.start_text = "CreateProduct=false\nSendToCustomer=true"
    helsinki.export.save()
    invoice = next(i for i in helsinki.invoices() if i.lines.exclude(item_name="Freight").exists())
    run = run_of([invoice])
    assert run.items.get().last_error_code == "xmlserializer.incomplete"
    (imported,) = helsinki.sim.store.imports.values()
    assert imported["incompleteBecause"] and all("product" in why for why in imported["incompleteBecause"])


def test_an_invoice_heeros_leaves_incomplete_fails_with_its_id_and_a_retry_confirms_it_again(helsinki, run_of):
    helsinki.sim.configure({"outcome": "incomplete"})
    (invoice,) = helsinki.invoices(1)
    run = run_of([invoice])
    assert run.status == RunStatus.FAILED
    item = run.items.get()
    (heeros_id,) = helsinki.sim.store.invoices
    assert item.state == ItemState.FAILED
    assert item.last_error_message == CATALOGUE.text("incomplete", heeros_id)
    assert f"Invoice ID in Heeros: {heeros_id}." in item.last_error_message
    # Still incomplete: the retry asks Heeros again and uploads nothing.
    run = retry(run)
    assert run.items.get().last_error_code == "xmlserializer.incomplete"
    # Someone completes it in Heeros: the next retry finds it done.
    helsinki.sim.complete_invoice(heeros_id)
    run = retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.items.get().remote_id == heeros_id
    assert uploads(helsinki.sim) == 1


def test_an_import_heeros_refuses_is_the_validation_message_with_its_errors_and_is_uploaded_anew(helsinki, run_of):
    helsinki.sim.configure({"outcome": "invalid"})
    (invoice,) = helsinki.invoices(1)
    run = run_of([invoice])
    item = run.items.get()
    assert item.state == ItemState.FAILED
    assert item.last_error_message == CATALOGUE.text("validation_errors", "", invoice.number, 1)
    event = run.events.get(code="xmlserializer.validation_errors")
    assert "SimulatedFailure" in event.excerpt and "SimulatedFailure" in event.params[0]
    assert item.steps == []  # Heeros holds nothing of a refused import
    helsinki.sim.configure({"outcome": "ok"})
    run = retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert uploads(helsinki.sim) == 2
    assert held(helsinki.sim) == Counter({str(invoice.number): 1})


def test_a_confirmation_that_never_comes_is_the_time_limit_message_and_never_a_second_upload(
        helsinki, run_of, quick):
    quick(timeout=0.3)
    helsinki.sim.configure({"processing_polls": -1})
    invoices = helsinki.invoices(2)
    run = run_of(invoices)
    assert run.status == RunStatus.FAILED
    for item in run.items.all():
        import_id = item.steps[0][1]
        assert item.state == ItemState.UNKNOWN  # in doubt: it may still be registered
        assert item.last_error_message == CATALOGUE.text("not_confirmed", import_id)
        assert item.ticket["remote_id"] == import_id
    polls = helsinki.sim.calls.as_dict()["by_path"]
    assert sum(n for path, n in polls.items() if "/imports/" in path) >= 4  # asked again with backoff
    # Retry failed asks again, with a fresh time limit; still nothing: still in doubt, not uploaded again.
    run = retry(run)
    assert set(run.items.values_list("state", flat=True)) == {ItemState.UNKNOWN}
    # Heeros gets round to it: the next retry confirms both.
    helsinki.sim.configure({"processing_polls": 0})
    run = retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert uploads(helsinki.sim) == 2
    assert held(helsinki.sim) == Counter({str(invoice.number): 1 for invoice in invoices})
    assert run.events.filter(code="xmlserializer.not_confirmed").count() >= 4


def test_a_new_run_of_an_invoice_still_waiting_for_heeros_does_not_upload_it_again(helsinki, run_of, quick):
    quick(timeout=0.2)
    helsinki.sim.configure({"processing_polls": -1})
    (invoice,) = helsinki.invoices(1)
    first = run_of([invoice])
    second = run_of([invoice])
    # The second run takes the unconfirmed upload over and asks Heeros about it again, with a time limit of
    # its own; it never uploads the invoice a second time.
    assert first.items.get().last_error_code == "engine.handed_over"
    assert second.items.get().last_error_code == "xmlserializer.not_confirmed"
    assert helsinki.sim.calls.count("GET") >= 2
    assert uploads(helsinki.sim) == 1


def test_a_document_that_fails_validation_is_not_sent_and_its_errors_are_in_the_log(helsinki, run_of):
    office = helsinki.invoices(1)[0].office
    office.corporate_id = "1033062-9"  # wrong check digit
    office.save()
    (invoice,) = helsinki.invoices(1)
    invoice.reference_number = "8000016"  # wrong check digit too
    invoice.save()
    run = run_of([invoice])
    item = run.items.get()
    assert item.state == ItemState.FAILED
    assert item.last_error_message == (f"It was not possible to send the invoice {invoice.number} to Heeros due to "
                                       f"validation errors. Number of errors: 2. Please contact Opter support.")
    event = ExportEvent.objects.get(run=run, code="xmlserializer.validation_errors")
    assert "1033062-9 is not a valid Y-tunnus" in event.excerpt
    assert "8000016 is not a valid Finnish reference number" in event.excerpt
    assert "1033062-9" in event.params[0]
    assert helsinki.sim.received_documents() == []


def test_preview_shows_each_document_and_its_validation_result_and_sends_nothing(helsinki, run_of):
    invoices = helsinki.invoices(2)
    invoices[1].reference_number = "8000026"  # 8000024 is right
    invoices[1].save()
    run = run_of(invoices, preview=True)
    assert run.status == RunStatus.COMPLETED
    good, bad = (run.items.get(invoice=invoice).preview_payload for invoice in invoices)
    assert good.startswith(f"Invoice {invoices[0].number} to Heeros as Finvoice 3.0: valid against the Finvoice "
                           f"3.0 XSD and the portal's checks.") or "FINVOICE_XSD is not set" in good.splitlines()[0]
    assert f"<InvoiceNumber>{invoices[0].number}</InvoiceNumber>" in good
    assert "NOT VALID" in bad.splitlines()[0]
    assert CATALOGUE.text("validation_errors", "", invoices[1].number, 1) in bad
    assert "- The reference 8000026 is not a valid Finnish reference number" in bad
    assert f"<InvoiceNumber>{invoices[1].number}</InvoiceNumber>" in bad
    assert helsinki.sim.store.writes == []


def test_the_login_happens_once_and_its_token_serves_the_following_runs(helsinki, run_of):
    invoices = helsinki.invoices(2)
    run_of(invoices[:1])
    run_of(invoices[1:])
    assert helsinki.sim.calls.count("POST", "/api/v1/login") == 1


def test_http_basic_instead_of_a_login(helsinki, run_of, settings):
    settings.HEEROS_AUTH = "basic"
    helsinki.sim.configure({"auth": "basic"})
    run = run_of(helsinki.invoices(2))
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert helsinki.sim.calls.count("POST", "/api/v1/login") == 0


def test_the_api_address_may_come_from_the_portal_settings(helsinki, run_of, settings):
    settings.HEEROS_API_BASE_URL = helsinki.export.base_url
    helsinki.export.base_url = ""
    helsinki.export.save()
    run = run_of(helsinki.invoices(1))
    assert run.status == RunStatus.COMPLETED, run.failure_message


def test_neither_the_password_nor_the_token_reaches_the_log(helsinki, run_of):
    run = run_of(helsinki.invoices(2))
    assert run.status == RunStatus.COMPLETED, run.failure_message
    tokens = list(helsinki.sim.tokens)
    assert tokens
    texts = [f"{e.message}\n{e.excerpt}\n{e.params}" for e in ExportEvent.objects.filter(run=run)]
    login = next(text for text in texts if "POST /heeros/api/v1/login" in text)
    assert '"password": "***"' in login and '"token": "***"' in login
    for text in texts:
        assert helsinki.export.client_key not in text
        assert all(token not in text for token in tokens)
