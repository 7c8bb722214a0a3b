"""A finished run with one sent and one failed invoice and the log events of both, as the engine writes them
(English texts, catalogue codes and parameters)."""
from django.utils import timezone

from exports.catalogue import ENGINE
from exports.models import EventLevel, ExportItem, ExportRun, ItemState, RunScope, RunStatus
from exports.services import events
from tests import factories

REFUSAL = "Customer not found"


def failed_run(user, export, invoice):
    other = factories.invoice_with_lines(lines=1, period=invoice.period, customer=invoice.customer,
                                         office=invoice.office)
    catalogue = export.target.catalogue
    run = ExportRun.objects.create(created_by=user, scope=RunScope.PERIOD, period=invoice.period,
                                   status=RunStatus.COMPLETED, to_export=2, exported=1, failed=1,
                                   started_at=timezone.now(), finished_at=timezone.now())
    sent = ExportItem.objects.create(run=run, export=export, invoice=invoice, state=ItemState.SENT, remote_id="42")
    failed = ExportItem.objects.create(
        run=run, export=export, invoice=other, state=ItemState.FAILED, attempts=1,
        last_error_code=catalogue.qualified("cannot_send_invoice"),
        last_error_message=catalogue.text("cannot_send_invoice", other.number, REFUSAL))
    events.record_catalogue(run, ENGINE, "run_started", 2, 2)
    events.record_catalogue(run, ENGINE, "sent", invoice.number, export.name, item=sent)
    events.record_catalogue(run, catalogue, "cannot_send_invoice", other.number, REFUSAL, item=failed,
                            level=EventLevel.ERROR)
    events.record_catalogue(run, ENGINE, "run_finished", 1, 0, 1)
    return run
