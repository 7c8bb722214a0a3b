"""Two runs of the same invoice and export at once: the database lets exactly one of them send."""
import threading

import pytest
from django.db import connection

from exports.models import ItemState, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run


@pytest.mark.django_db(transaction=True)
def test_same_invoice_exported_twice_at_once_is_sent_once(setup, fake_target):
    """The second run waits for the export while the first sends to it: its item is neither sent nor skipped
    for that reason, and when it comes back it reports the invoice as exported by the first run."""
    invoice = setup["invoices"][0]
    first = plan_run(invoices=[invoice])
    second = plan_run(invoices=[invoice])
    fake_target.script.append("block")  # the first send waits inside the call, its item committed as sending

    worker = threading.Thread(target=lambda: (execute_run(first.pk, worker="w1"), connection.close()))
    worker.start()
    assert fake_target.entered.wait(timeout=20), "the first run never reached the target"
    outcome = execute_run(second.pk, worker="w2")
    assert outcome.lease_busy_for > 0
    second.refresh_from_db()
    assert second.status == RunStatus.RUNNING and f"#{first.pk}" in second.note
    assert second.items.get().state == ItemState.PLANNED
    fake_target.gate.set()
    worker.join(timeout=20)

    assert execute_run(second.pk, worker="w2").status == RunStatus.COMPLETED
    assert fake_target.send_calls == 1
    assert list(fake_target.invoices) == [str(invoice.number)]
    assert first.items.get().state == ItemState.SENT
    waited = second.items.get()
    assert waited.state == ItemState.SKIPPED
    assert waited.last_error_code == "testtarget.already_exists"
    assert f"exported by run #{first.pk}" in waited.last_error_message


@pytest.mark.django_db(transaction=True)
def test_an_invoice_the_target_no_longer_holds_is_sent_again_and_the_log_says_so(setup, fake_target):
    invoice = setup["invoices"][0]
    first = plan_run(invoices=[invoice])
    second = plan_run(invoices=[invoice])
    execute_run(first.pk)
    fake_target.invoices.clear()  # deleted in the target after the first run
    execute_run(second.pk)
    assert fake_target.send_calls == 2
    assert second.items.get().state == ItemState.SENT
    (said,) = second.events.filter(code="engine.sent_again")
    assert said.message == (f"Invoice {invoice.number} was exported by run #{first.pk}, but Visma e-conomic no "
                            f"longer holds it; it is sent again.")
