"""What people (and commands) do to runs: start, retry the failed invoices, resume, cancel. The views,
the admin actions and the management commands all call these."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..catalogue import ENGINE
from ..models import EventLevel, ExportRun, RunStatus
from . import events
from .runner import reset_failed_items


def start_run(run: ExportRun) -> ExportRun:
    """Queue the run for a worker once the surrounding transaction has committed."""
    from ..tasks import run_export

    run.refresh_from_db(fields=["status"])
    if run.is_finished:
        return run
    ExportRun.objects.filter(pk=run.pk).update(resume_at=timezone.now())
    transaction.on_commit(lambda: run_export.delay(run.pk))
    return run


def retry_failed(run: ExportRun, *, user=None) -> int:
    """Retry failed: the failed invoices are sent again (resuming after their completed steps), the ones in
    doubt are reconciled first. Returns how many."""
    count = reset_failed_items(run, user=user)
    if count:
        start_run(run)
    return count


def resume(run: ExportRun, *, user=None) -> bool:
    """A stopped or stalled run goes on where it was. False when there is nothing to resume."""
    run.refresh_from_db()
    if not (run.status == RunStatus.STOPPED or run.is_stalled):
        return False
    ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, note="")
    who = getattr(user, "username", None) or "the system"
    events.record(run, ENGINE.qualified("resumed"), ENGINE.text("resumed", who))
    start_run(run)
    return True


def cancel(run: ExportRun, *, user=None) -> bool:
    """Ask the run to stop after the calls in flight. Its unsent invoices fail with the target's "The invoice
    export to ... was cancelled." (Retry failed sends them later). False when the run has already ended."""
    updated = ExportRun.objects.filter(pk=run.pk, cancel_requested_at__isnull=True).exclude(
        status__in=[RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED]).update(
        cancel_requested_at=timezone.now(), cancel_requested_by=user)
    if not updated:
        return False
    events.record(run, ENGINE.qualified("cancel_requested"),
                  ENGINE.text("cancel_requested", getattr(user, "username", None) or "the system"),
                  level=EventLevel.WARNING)
    run.refresh_from_db()
    if run.status in (RunStatus.STOPPED, RunStatus.QUEUED) or run.is_stalled:
        # Nobody is working on it to see the request: let a worker close it now.
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
        start_run(run)
    return True
