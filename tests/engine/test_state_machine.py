"""The item state machine under faults: exactly one invoice in the target, whatever happens."""
from datetime import timedelta

import pytest
from django.utils import timezone

from exports.connectors.base import Problem
from exports.models import ExportEvent, ExportItem, ExportRun, ItemState, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run, reset_failed_items
from tests import factories
from tests.engine.fake_connector import WorkerDied

pytestmark = pytest.mark.django_db


def _run(setup, **kwargs):
    run = plan_run(period=setup["period"], **kwargs)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_happy_path_sends_each_invoice_once(setup, fake_target):
    run = _run(setup)
    assert run.status == RunStatus.COMPLETED
    assert (run.to_export, run.exported, run.skipped, run.failed) == (3, 3, 0, 0)
    assert len(fake_target.invoices) == 3
    assert set(run.items.values_list("state", flat=True)) == {ItemState.SENT}
    assert all(item.remote_id for item in run.items.all())
    assert run.events.filter(code="engine.sent").count() == 3


def test_second_run_skips_everything_with_the_already_exists_message(setup, fake_target):
    _run(setup)
    second = _run(setup)
    assert (second.exported, second.skipped, second.failed) == (0, 3, 0)
    assert fake_target.send_calls == 3
    item = second.items.first()
    assert item.last_error_message.startswith(
        f"The following invoices {item.invoice.number} already exist in the test target. It was exported by run "
        f"#{item.run_id - 1} on ")
    assert item.last_error_code == "testtarget.already_exists"


def test_invoice_created_directly_in_target_is_skipped(setup, fake_target):
    fake_target.store(str(setup["invoices"][0].number))
    run = _run(setup)
    assert (run.exported, run.skipped) == (2, 1)
    assert run.status == RunStatus.COMPLETED


def test_response_lost_after_target_committed_is_reconciled_without_duplicate(setup, fake_target, no_sleep):
    fake_target.script.extend(["commit_then_timeout"])
    run = _run(setup)
    assert run.status == RunStatus.COMPLETED
    assert len(fake_target.invoices) == 3
    assert fake_target.send_calls == 3  # the lost one was found, not sent again
    assert run.events.filter(code="engine.reconciled").count() == 1
    assert run.events.filter(code="testtarget.timed_out", level="error").count() == 1


def test_timeout_before_commit_is_resent_after_reconciliation(setup, fake_target, no_sleep):
    fake_target.script.extend(["timeout"])
    run = _run(setup)
    assert run.status == RunStatus.COMPLETED
    assert len(fake_target.invoices) == 3
    assert fake_target.send_calls == 4
    first = run.items.order_by("invoice__number").first()
    assert first.attempts == 2


def test_worker_killed_mid_call_resumes_without_duplicate(setup, fake_target):
    fake_target.script.extend(["ok", "crash_after_commit"])
    run = plan_run(period=setup["period"])
    with pytest.raises(WorkerDied):
        execute_run(run.pk, worker="worker-1")
    states = sorted(run.items.values_list("state", flat=True))
    assert states == [ItemState.PLANNED, ItemState.SENDING, ItemState.SENT]
    # The broker delivers the task again (acks_late); the dead worker's lease has run out.
    ExportRun.objects.filter(pk=run.pk).update(lease_owner="worker-1", lease_expires=timezone.now() - timedelta(1))
    execute_run(run.pk, worker="worker-2")
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert (run.exported, run.failed) == (3, 0)
    assert len(fake_target.invoices) == 3
    assert fake_target.send_calls == 3
    assert run.events.filter(code="engine.reconciled").count() == 1


def test_redelivered_task_waits_while_another_worker_holds_the_run(setup, fake_target):
    run = plan_run(period=setup["period"])
    ExportRun.objects.filter(pk=run.pk).update(lease_owner="worker-1",
                                               lease_expires=timezone.now() + timedelta(seconds=60))
    outcome = execute_run(run.pk, worker="worker-2")
    assert outcome.lease_busy_for > 0
    assert fake_target.send_calls == 0


def test_retry_after_is_honoured(setup, fake_target, no_sleep):
    fake_target.script.extend(["429:7"])
    run = _run(setup)
    assert run.status == RunStatus.COMPLETED
    assert no_sleep and no_sleep[0] >= 7
    assert len(fake_target.invoices) == 3


def test_transient_5xx_retries_with_growing_backoff_until_the_limit(setup, fake_target, no_sleep, settings):
    settings.EXPORT_MAX_ATTEMPTS = 3
    fake_target.script.extend(["503", "503", "503"])
    run = plan_run(invoices=[setup["invoices"][0]])
    execute_run(run.pk)
    run.refresh_from_db()
    item = run.items.get()
    assert item.attempts == 3
    assert no_sleep == sorted(no_sleep) and len(no_sleep) == 2
    # A 503 may have reached the target: never called "failed" while it might be there.
    assert item.state == ItemState.UNKNOWN
    assert run.status == RunStatus.FAILED and run.failed == 1
    assert ExportEvent.objects.filter(item=item, code="testtarget.unsuccessful_status").count() == 3


def test_validation_error_is_not_retried(setup, fake_target, no_sleep):
    fake_target.script.extend(["invalid"])
    run = plan_run(invoices=[setup["invoices"][0]])
    execute_run(run.pk)
    run.refresh_from_db()
    item = run.items.get()
    assert item.state == ItemState.FAILED and item.attempts == 1
    assert item.last_error_message.endswith("VAT rate 24 is not allowed.")
    assert no_sleep == []
    assert run.status == RunStatus.FAILED
    assert item.last_error_message in run.failure_message


def test_retry_failed_sends_only_the_failed_invoice(setup, fake_target, no_sleep):
    fake_target.script.extend(["invalid"])
    run = _run(setup)
    assert run.failed == 1
    assert reset_failed_items(run) == 1
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert (run.exported, run.failed) == (3, 0)
    assert fake_target.send_calls == 4


def test_preview_builds_everything_and_sends_nothing(setup, fake_target):
    run = _run(setup, preview=True)
    assert fake_target.send_calls == 0
    assert run.status == RunStatus.COMPLETED
    assert (run.previewed, run.exported, run.skipped) == (3, 0, 0)
    assert set(run.items.values_list("state", flat=True)) == {ItemState.PREVIEWED}
    assert all("Invoice" in item.preview_payload for item in run.items.all())


def test_blocking_remote_setup_problem_stops_the_export(setup, fake_target):
    fake_target.setup_problems.append(Problem("missing_group", "Product group 3100 is missing."))
    run = _run(setup)
    assert run.status == RunStatus.FAILED
    assert run.failed == 3 and fake_target.send_calls == 0
    assert "Product group 3100 is missing." in run.items.first().last_error_message


def test_invoice_with_no_lines_fails_in_build(setup, fake_target):
    empty = factories.InvoiceFactory(period=setup["period"])
    run = _run(setup)
    item = run.items.get(invoice=empty)
    assert item.state == ItemState.FAILED
    assert item.last_error_message == f"It was not possible to send invoice {empty.number} to the test target. " \
                                      f"The invoice has no lines."


def test_customer_group_decides_the_exports(setup, fake_target):
    other = factories.InvoiceExportFactory(name="Second target", type="economic", password="x", api_token="y")
    group = factories.InvoiceExportSettingFactory(name="Two targets", is_default=False)
    group.exports.add(setup["export"], other)
    customer = setup["invoices"][0].customer
    customer.export_setting = group
    customer.save()
    run = plan_run(period=setup["period"])
    assert run.to_export == 4
    assert ExportItem.objects.filter(run=run, invoice__customer=customer).count() == 2


def test_no_secret_reaches_the_log(setup, fake_target):
    run = _run(setup)
    secrets = setup["export"].secret_values()
    for event in run.events.all():
        for secret in secrets:
            assert secret not in event.message and secret not in event.excerpt
