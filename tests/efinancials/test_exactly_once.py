"""Exactly one invoice in E-Financials whatever answer gets lost, at the level of the connector: the
engine's part (retry, reconcile with find_existing(refresh=True), resend) is played by hand here."""
import time
from decimal import Decimal

import pytest

from exports.connectors.base import ExportError
from tests.efinancials.conftest import PDF


def with_number(estonia, invoice) -> list[dict]:
    return [i for i in estonia.efin.store.sale_invoices.values()
            if i["number"] == str(invoice.number) and not i.get("is_deleted")]


def lost_then_reconciled(estonia, connector, invoice, payload):
    """One send whose answer is lost, then what the engine does: reconcile, and resend if not found."""
    with pytest.raises(ExportError) as raised:
        connector.send(invoice, payload)
    assert raised.value.may_have_reached_target and raised.value.retryable
    ref = connector.find_existing(invoice, refresh=True)
    if ref is None or not ref.complete:
        ref = connector.send(invoice, payload).ref
    return raised.value, ref


@pytest.fixture
def prepared(estonia):
    invoice = estonia.invoice()
    connector = estonia.connector()
    connector.prepare([invoice])
    assert connector.find_existing(invoice) is None
    return connector, invoice


def test_a_dropped_create_is_continued_not_repeated(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "drop", "match": "^POST /v1/sale_invoices$"}]})
    error, ref = lost_then_reconciled(estonia, connector, invoice, connector.build(invoice, None))
    assert error.code == "efinancials.cannot_connect"
    (remote,) = with_number(estonia, invoice)
    assert remote["status"] == "CONFIRMED" and ref.remote_id == str(remote["id"])
    assert estonia.efin.calls.count("POST", "/v1/sale_invoices") == 1


def test_a_dropped_register_is_recognised(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "drop", "match": "register"}]})
    _, ref = lost_then_reconciled(estonia, connector, invoice, connector.build(invoice, None))
    (remote,) = with_number(estonia, invoice)
    assert remote["status"] == "CONFIRMED" and ref.remote_id == str(remote["id"])
    assert estonia.efin.calls.count("PATCH", "/v1/sale_invoices/{id}/register") == 1


def test_after_a_dropped_register_only_the_pdf_is_still_sent(estonia):
    estonia.export.include_pdf_copy = True
    invoice = estonia.invoice()
    connector = estonia.connector()
    connector.prepare([invoice])
    estonia.efin.configure({"script": [{"kind": "drop", "match": "register"}]})
    lost_then_reconciled(estonia, connector, invoice, connector.build(invoice, PDF))
    (remote,) = with_number(estonia, invoice)
    assert estonia.efin.store.documents[remote["id"]]["contents"] == PDF
    assert estonia.efin.calls.count("PATCH", "/v1/sale_invoices/{id}/register") == 1
    assert estonia.efin.calls.count("PUT", "/v1/sale_invoices/{id}/document_user") == 1


def test_a_dropped_customer_create_does_not_create_the_customer_twice(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "drop", "match": "^POST /v1/clients$"}]})
    lost_then_reconciled(estonia, connector, invoice, connector.build(invoice, None))
    assert [c["code"] for c in estonia.efin.store.clients.values()].count("12905545") == 1
    assert estonia.efin.calls.count("POST", "/v1/clients") == 1
    assert len(with_number(estonia, invoice)) == 1


def test_a_dropped_product_create_does_not_create_the_product_twice(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "drop", "match": "^POST /v1/products$"}]})
    lost_then_reconciled(estonia, connector, invoice, connector.build(invoice, None))
    assert [p["code"] for p in estonia.efin.store.products.values()].count("OPTER") == 1
    assert len(with_number(estonia, invoice)) == 1


def test_a_5xx_on_create_is_retried_after_looking(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "error", "status": 502, "match": "^POST /v1/sale_invoices$"}]})
    error, _ = lost_then_reconciled(estonia, connector, invoice, connector.build(invoice, None))
    assert error.code == "efinancials.unsuccessful_status" and error.params == ["502"]
    assert len(with_number(estonia, invoice)) == 1


def test_429_on_a_write_is_waited_out_for_as_long_as_the_server_asks(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "throttle", "match": "^POST /v1/sale_invoices$"}], "retry_after": 1})
    started = time.monotonic()
    connector.send(invoice, connector.build(invoice, None))
    assert time.monotonic() - started >= 1
    assert connector.api.http.throttled_seconds == 1
    assert estonia.efin.calls.count("POST", "/v1/sale_invoices") == 2
    assert len(with_number(estonia, invoice)) == 1


def wait_for(condition, seconds=5.0):
    """Wait for the sandbox's slow handler to finish (its work, not its timing, is under test)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the sandbox did not finish in time"
        time.sleep(0.02)


def slow_create(estonia, connector):
    connector.api.http.timeout = (2, 0.2)
    estonia.efin.configure({"script": [{"kind": "slow", "delay_ms": 600, "match": "^POST /v1/sale_invoices$"}]})


def test_a_create_committed_after_the_client_gave_up(estonia, prepared):
    connector, invoice = prepared
    slow_create(estonia, connector)
    payload = connector.build(invoice, None)
    with pytest.raises(ExportError) as raised:
        connector.send(invoice, payload)
    assert raised.value.code == "efinancials.timed_out" and raised.value.may_have_reached_target
    # The late create may land before or after we look and resend: either way, one invoice.
    posts = 1
    if connector.find_existing(invoice, refresh=True) is None:
        connector.send(invoice, payload)
        posts += 1
    wait_for(lambda: estonia.efin.calls.count("POST", "/v1/sale_invoices") == posts)  # the slow one answered
    (remote,) = with_number(estonia, invoice)
    assert remote["status"] == "CONFIRMED"


def test_a_late_draft_found_on_create_is_continued(estonia, prepared):
    """POST answers 409 because our earlier, unanswered create was committed after we looked."""
    connector, invoice = prepared
    slow_create(estonia, connector)
    payload = connector.build(invoice, None)
    with pytest.raises(ExportError):
        connector.send(invoice, payload)
    wait_for(lambda: len(with_number(estonia, invoice)) == 1)
    connector.send(invoice, payload)  # as if the look came too early: the create gets a 409
    creates = [c["status"] for c in estonia.efin.calls.as_dict()["recent"]
               if (c["method"], c["path"]) == ("POST", "/v1/sale_invoices")]
    assert creates == [200, 409]
    (remote,) = with_number(estonia, invoice)
    assert remote["status"] == "CONFIRMED"


def test_a_draft_left_by_an_interrupted_run_is_finished(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "error", "status": 500, "match": "register"}]})
    payload = connector.build(invoice, None)
    with pytest.raises(ExportError):
        connector.send(invoice, payload)
    assert with_number(estonia, invoice)[0]["status"] == "PROJECT"
    # A new run (the worker died): the draft is recognised as ours and registered, not created again.
    fresh = estonia.connector()
    fresh.prepare([invoice])
    ref = fresh.find_existing(invoice)
    assert ref is not None and not ref.complete
    fresh.send(invoice, fresh.build(invoice, None))
    (remote,) = with_number(estonia, invoice)
    assert remote["status"] == "CONFIRMED"
    assert estonia.efin.calls.count("POST", "/v1/sale_invoices") == 1


def test_someone_elses_draft_with_our_number_is_not_taken_over(estonia, prepared):
    connector, invoice = prepared
    store = estonia.efin.store
    draft = dict(store.sale_invoices[1], id=99, number=str(invoice.number), number_prefix="",
                 number_suffix=str(invoice.number), status="PROJECT", journal_date="2026-11-20",
                 gross_price=Decimal("1.00"))
    store.sale_invoices[99] = draft
    fresh = estonia.connector()
    fresh.prepare([invoice])
    ref = fresh.find_existing(invoice)
    assert ref is not None and ref.remote_id == "99"


def test_an_invoice_deleted_in_e_financials_meanwhile_is_sent_again(estonia, prepared):
    connector, invoice = prepared
    estonia.efin.configure({"script": [{"kind": "drop", "match": "register"}]})
    payload = connector.build(invoice, None)
    with pytest.raises(ExportError):
        connector.send(invoice, payload)
    (remote,) = with_number(estonia, invoice)
    remote["status"] = "PROJECT"
    remote["is_deleted"] = True  # a user deleted the draft before we looked again
    assert connector.find_existing(invoice, refresh=True) is None
    connector.send(invoice, payload)
    (again,) = with_number(estonia, invoice)
    assert again["id"] != remote["id"] and again["status"] == "CONFIRMED"


def test_reading_calls_retry_transient_faults_by_themselves(estonia):
    estonia.efin.configure({"script": [{"kind": "error", "status": 503, "match": "^GET /v1/accounts$"},
                                       {"kind": "throttle", "match": "^GET /v1/clients$"}], "retry_after": 0})
    invoice = estonia.invoice()
    connector = estonia.connector()
    assert connector.check_setup() == []
    connector.prepare([invoice])
    assert estonia.efin.calls.count("GET", "/v1/accounts") == 2
    assert estonia.efin.calls.count("GET", "/v1/clients") == 2


def test_a_registered_invoice_whose_pdf_was_lost_gets_only_the_pdf(estonia):
    estonia.export.include_pdf_copy = True
    invoice = estonia.invoice()
    first = estonia.connector()
    first.prepare([invoice])
    estonia.efin.configure({"script": [{"kind": "error", "status": 504, "match": "document_user$"}]})
    with pytest.raises(ExportError) as raised:
        first.send(invoice, first.build(invoice, PDF))
    assert raised.value.may_have_reached_target
    # Another run reconciles the item in doubt: registered, no document yet, so only the PDF goes.
    second = estonia.connector()
    second.prepare([invoice])
    ref = second.find_existing(invoice, refresh=True)
    assert ref is not None and not ref.complete
    second.send(invoice, second.build(invoice, PDF))
    (remote,) = with_number(estonia, invoice)
    assert estonia.efin.store.documents[remote["id"]]["contents"] == PDF
    assert estonia.efin.calls.count("POST", "/v1/sale_invoices") == 1
    assert estonia.efin.calls.count("PATCH", "/v1/sale_invoices/{id}/register") == 1
    # A later run's ordinary look finds it complete.
    third = estonia.connector()
    third.prepare([invoice])
    assert third.find_existing(invoice, refresh=True).remote_id == str(remote["id"])
