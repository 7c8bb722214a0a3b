"""A run cancelled before it starts fails every planned item with the target's "was cancelled." message,
in a few queries per export whatever the number of items."""
import pytest
from django.utils import timezone

from exports.models import ExportRun, ItemState, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories
from tests.engine.budget import counted


@pytest.mark.django_db(transaction=True)
def test_cancel_before_start_fails_every_item_in_a_constant_number_of_queries(setup, fake_target):
    def cancelled_run(count):
        period = factories.InvoicePeriodFactory(office=setup["period"].office)
        for _ in range(count):
            factories.invoice_with_lines(lines=1, period=period)
        run = plan_run(period=period)
        ExportRun.objects.filter(pk=run.pk).update(cancel_requested_at=timezone.now())
        with counted() as work:
            outcome = execute_run(run.pk)
        assert outcome.status == RunStatus.CANCELLED
        states = set(run.items.values_list("state", flat=True))
        assert states == {ItemState.FAILED}
        assert all(message.endswith("was cancelled.") for message in run.items.values_list("last_error_message",
                                                                                        flat=True))
        return work.queries

    assert cancelled_run(2) == cancelled_run(8)
