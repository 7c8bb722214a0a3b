"""Recovery without a person: every unfinished run that nobody works on any more is queued again.

A run is stalled when its lease ran out (its worker died or was killed; a live worker renews the lease
every quarter of its length) and it is past the time it expected to be picked up again (``resume_at``,
set when it was queued or chose to wait). Celery beat calls ``sweep`` every EXPORT_SWEEP_SECONDS; the
re-queued task takes the run's lease and resumes it, reconciling what was in flight. Nothing here waits
for the broker to redeliver a lost task.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..catalogue import ENGINE
from ..models import EventLevel, ExportRun, RunStatus
from . import events


def grace() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "EXPORT_STALL_GRACE_SECONDS", 60)))


def stalled_runs(now=None):
    now = now or timezone.now()
    return (ExportRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
            .filter(Q(lease_expires__isnull=True) | Q(lease_expires__lt=now))
            .filter(Q(resume_at__isnull=True) | Q(resume_at__lt=now - grace())))


def sweep(enqueue) -> list[int]:
    """Queue every stalled run again with ``enqueue(run_id)`` (after the commit); returns their ids."""
    now = timezone.now()
    queued = []
    for run in stalled_runs(now).order_by("pk"):
        # Claimed by this sweep (another sweeper running at the same time finds it no longer stalled).
        taken = stalled_runs(now).filter(pk=run.pk).update(resume_at=now)
        if not taken:
            continue
        events.record(run, ENGINE.qualified("requeued"), ENGINE.text("requeued"), level=EventLevel.WARNING)
        transaction.on_commit(lambda run_id=run.pk: enqueue(run_id))
        queued.append(run.pk)
    return queued
