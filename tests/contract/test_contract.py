"""The connector contract, tried the same way on every registered target against its simulator.

A new target gets all of this by registering: its Target names its demo export and simulator, and the
simulator says which call performs each step of a send (``write_steps``) and what it holds.
"""
import signal
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounting.models import Account, AccountCodingChart, AccountCodingChartAccount, ChartAccountRole, Invoice, VatRate
from exports.connectors.base import ExportError
from exports.connectors.registry import connector_for
from exports.connectors.steps import Steps
from exports.models import ExportItem, ExportRun, ItemState, RunStatus
from exports.services.setup_check import check_export
from tests.fixtures.contract import PDF_TEMPLATE


def test_build_is_pure(world):
    """After prepare() and prefetch(), building asks neither the target nor the database anything."""
    connector = connector_for(world.export)
    try:
        connector.prepare(Invoice.objects.filter(pk__in=[invoice.pk for invoice in world.invoices]))
        connector.prefetch(world.invoices)
        calls = world.sim.calls.total
        with CaptureQueriesContext(connection) as queries:
            payloads = [connector.build(invoice, PDF_TEMPLATE) for invoice in world.invoices]
        assert world.sim.calls.total == calls
        assert len(queries) == 0, [q["sql"] for q in queries]
        assert all(payload.summary for payload in payloads)
    finally:
        connector.close()


def test_preview_writes_nothing_remotely(world):
    run = world.run(preview=True)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert set(run.items.values_list("state", flat=True)) == {ItemState.PREVIEWED}
    assert (run.previewed, run.exported) == (len(world.invoices), 0)
    assert world.writes() == 0
    assert world.held() == {}


def test_send_puts_each_invoice_in_the_target_once(world):
    run = world.run()
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.exported == len(world.invoices)
    world.assert_each_once_and_complete()
    assert all(item.remote_id for item in run.items.all())


def test_a_second_run_skips_every_invoice_with_the_already_exists_message(world):
    first = world.run()
    second = world.run()
    assert (second.status, second.exported, second.skipped) == (RunStatus.COMPLETED, 0, len(world.invoices))
    code = world.target.catalogue.qualified("already_exists")
    for item in second.items.select_related("invoice"):
        assert item.last_error_code == code
        assert item.last_error_message.startswith(world.target.catalogue.text("already_exists", [item.invoice.number]))
        assert f"run #{first.pk}" in item.last_error_message
    # Without this portal's own records (another installation, or Opter itself, sent them), the target's
    # answer alone decides, in the same words.
    ExportItem.objects.all().delete()
    ExportRun.objects.all().delete()
    third = world.run()
    assert third.skipped == len(world.invoices)
    for item in third.items.select_related("invoice"):
        assert item.last_error_message == world.target.catalogue.text("already_exists", [item.invoice.number])
    world.assert_each_once_and_complete()


def test_a_dropped_answer_after_commit_is_reconciled(world):
    world.sim.configure({"script": [{"kind": "drop", "match": world.sim.write_steps["invoice"]}]})
    run = world.run()
    assert any("script:drop" in call["faults"] for call in world.sim.calls.as_dict()["recent"])
    if run.status != RunStatus.COMPLETED:
        run = world.retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    world.assert_each_once_and_complete()


def test_a_429_with_retry_after_is_honoured(world):
    world.sim.configure({"retry_after": 1, "script": [{"kind": "throttle", "match": world.sim.write_steps["invoice"]}]})
    started = time.monotonic()
    run = world.run()
    assert time.monotonic() - started >= 1
    assert run.status == RunStatus.COMPLETED, run.failure_message
    world.assert_each_once_and_complete()


def test_refused_credentials_are_the_targets_credentials_message(world):
    world.sim.configure({"reject_credentials": True})
    code = world.target.catalogue.qualified("credentials")
    report = check_export(world.export, world.invoices)
    assert code in [problem.code for problem in report.blocking], report.problems
    run = world.run()
    assert run.status == RunStatus.FAILED
    assert world.writes() == 0


def test_a_send_interrupted_after_each_step_is_finished_without_duplicates(world, step):
    world.sim.configure({"script": [{"kind": "drop", "match": world.sim.write_steps[step]}]})
    run = world.run()
    if not any("script:drop" in call["faults"] for call in world.sim.calls.as_dict()["recent"]):
        pytest.skip(f"{world.target.label}'s demo export does not take the step {step!r}")
    if run.status != RunStatus.COMPLETED:
        run = world.retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    world.assert_each_once_and_complete()


def _no_charts():
    AccountCodingChart.objects.all().delete()


def _no_receivable():
    AccountCodingChart.objects.get().accounts.filter(role=ChartAccountRole.ACCOUNTS_RECEIVABLE).delete()


def _inactive_receivable():
    receivables = AccountCodingChartAccount.objects.filter(role=ChartAccountRole.ACCOUNTS_RECEIVABLE)
    Account.objects.filter(pk__in=receivables.values("account_id")).update(is_active=False)


def _two_receivables():
    AccountCodingChart.objects.get().accounts.create(
        role=ChartAccountRole.ACCOUNTS_RECEIVABLE, account=Account.objects.create(number="1299", description="x"))


def _no_sales_account():
    Account.objects.filter(pk__in=VatRate.objects.values("sales_account_id")).update(is_active=False)


CODING_PROBLEMS = {"no_accounts_for_period": _no_charts, "no_receivable_account": _no_receivable,
                   "incorrect_receivable_account": _inactive_receivable,
                   "multiple_receivable_accounts": _two_receivables, "no_sales_account": _no_sales_account}


@pytest.mark.parametrize("code", sorted(CODING_PROBLEMS))
def test_account_coding_problems_reach_the_user_in_the_targets_catalogue(world, code):
    CODING_PROBLEMS[code]()
    run = world.run(preview=True)
    codes = set(run.items.values_list("last_error_code", flat=True))
    assert codes == {world.target.catalogue.qualified(code)}, run.items.values_list("last_error_message", flat=True)


# -- the shared transport, in every target's words ---------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_target_is_the_cannot_connect_message(world, settings):
    settings.EXPORT_READ_BACKOFF_FACTOR = 0
    world.export.base_url = f"http://127.0.0.1:{free_port()}/{world.target.type}"
    world.export.save()
    report = check_export(world.export, world.invoices)
    assert world.target.catalogue.qualified("cannot_connect") in [p.code for p in report.blocking], report.problems


def test_a_slow_answer_to_a_write_is_a_time_out_reconciled_before_anything_is_sent_again(world):
    world.export.request_timeout = 1
    world.export.save()
    world.sim.configure({"script": [{"kind": "slow", "delay_ms": 1500, "match": world.sim.write_steps["invoice"]}]})
    run = world.run()
    if run.status != RunStatus.COMPLETED:
        run = world.retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.events.filter(code=world.target.catalogue.qualified("timed_out")).exists()
    world.assert_each_once_and_complete()


def test_a_5xx_is_the_unsuccessful_status_message_and_is_retried(world):
    world.sim.configure({"script": [{"kind": "error", "status": 503, "match": world.sim.write_steps["invoice"]}]})
    run = world.run()
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.events.filter(code=world.target.catalogue.qualified("unsuccessful_status")).exists()
    world.assert_each_once_and_complete()


def test_an_answer_that_is_not_the_protocol_is_the_unparsable_message_and_reconciled(world):
    world.sim.configure({"script": [{"kind": "garbage", "match": world.sim.write_steps["invoice"]}]})
    run = world.run()
    assert run.events.filter(code=world.target.catalogue.qualified("unparsable")).exists()
    if run.status != RunStatus.COMPLETED:
        run = world.retry(run)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    world.assert_each_once_and_complete()


def test_a_body_that_cannot_be_decoded_is_the_unknown_error_message(world):
    world.sim.configure({"script": [{"kind": "bad_encoding", "match": "^GET", "times": 10}]})
    report = check_export(world.export, world.invoices)
    assert world.target.catalogue.qualified("unknown_error") in [p.code for p in report.blocking], report.problems


def test_a_target_that_keeps_throttling_is_the_too_many_calls_message_then_waited_for(world, settings):
    settings.EXPORT_THROTTLE_WAIT_MAX_SECONDS = 1
    world.sim.configure({"retry_after": 1, "script": [
        {"kind": "throttle", "match": world.sim.write_steps["invoice"], "times": 3}]})
    run = world.run()
    assert run.events.filter(code=world.target.catalogue.qualified("too_many_calls")).exists()
    assert run.status == RunStatus.COMPLETED, run.failure_message
    world.assert_each_once_and_complete()


def test_a_pdf_that_cannot_be_made_is_the_invoice_file_message(world, monkeypatch):
    from exports.pdf.render import InvoicePdfError

    if not world.export.include_pdf_copy:
        pytest.skip(f"{world.target.label}'s demo export has no PDF copy")

    def broken(invoice, reduced=False):
        raise InvoicePdfError("The invoice file could not be generated.")

    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", broken)
    run = world.run(preview=True)
    code = world.target.catalogue.qualified("invoice_file_not_generated")
    assert run.events.filter(code=code).exists()


def test_a_read_the_target_refuses_is_the_call_unsuccessful_message(world):
    world.export.base_url = world.export.base_url.rstrip("/") + "/no-such-version"
    world.export.save()
    report = check_export(world.export, world.invoices)
    assert world.target.catalogue.qualified("call_unsuccessful") in [p.code for p in report.blocking], report.problems


def _prepared(world, recorder=None):
    connector = connector_for(world.export, recorder=recorder)
    connector.prepare(Invoice.objects.filter(pk__in=[invoice.pk for invoice in world.invoices]))
    connector.prefetch(world.invoices)
    return connector


def test_cancel_stops_the_export_after_the_call_in_flight(world):
    holder = {}

    def cancel_after_the_first_write(call):
        if call.method != "GET" and "connector" in holder:
            holder["connector"].cancel()

    connector = holder["connector"] = _prepared(world, recorder=cancel_after_the_first_write)
    try:
        first, second = world.invoices[:2]
        with pytest.raises(ExportError):
            connector.send(first, connector.build(first, PDF_TEMPLATE), Steps())
        with pytest.raises(ExportError) as raised:
            connector.send(second, connector.build(second, PDF_TEMPLATE), Steps())
        assert raised.value.code == world.target.catalogue.qualified("export_cancelled")
        assert world.writes() <= 1
    finally:
        connector.close()


def test_a_worker_stopped_during_a_call_cancels_that_call(world):
    """Celery's soft time limit arrives inside the running call: the call is abandoned, in doubt."""
    connector = _prepared(world)
    invoice = world.invoices[0]
    payload = connector.build(invoice, PDF_TEMPLATE)
    world.sim.configure({"latency_ms": 1000})

    def soft_time_limit(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, soft_time_limit)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(ExportError) as raised:
            connector.send(invoice, payload, Steps())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        connector.close()
    assert raised.value.code == world.target.catalogue.qualified("call_cancelled")
