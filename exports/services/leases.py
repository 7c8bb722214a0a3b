"""Leases: who works on a run, and which run sends to an export, right now.

Both are short (EXPORT_LEASE_SECONDS, 60 s by default) and kept alive by a heartbeat while the worker
lives (runner.Heartbeat renews them every quarter of that). A worker that dies stops renewing; once its
leases run out another worker may take them, and the sweeper (exports.services.sweeper) makes sure one
does. Taking a lease is one conditional UPDATE (or INSERT), so two workers can never both win it, on
PostgreSQL or SQLite.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import ExportLease, ExportRun

#: How soon a run that waits for another run's export looks again.
BUSY_RETRY_SECONDS = 2.0


def lease_seconds() -> float:
    return float(getattr(settings, "EXPORT_LEASE_SECONDS", 60))


def _expiry():
    return timezone.now() + timedelta(seconds=lease_seconds())


# -- the run ---------------------------------------------------------------------------------------------

def acquire_run(run_id: int, owner: str) -> float:
    """Take the run for this worker. Returns 0 on success, else seconds until the current lease expires."""
    now = timezone.now()
    taken = ExportRun.objects.filter(pk=run_id).filter(
        Q(lease_owner="") | Q(lease_owner=owner) | Q(lease_expires__lt=now) | Q(lease_expires__isnull=True)
    ).update(lease_owner=owner, lease_expires=_expiry())
    if taken:
        return 0.0
    expires = ExportRun.objects.filter(pk=run_id).values_list("lease_expires", flat=True).first()
    return max(1.0, (expires - now).total_seconds()) if expires else 1.0


def renew_run(run_id: int, owner: str) -> bool:
    """Still ours? (False: the lease expired and another worker took the run.)"""
    return bool(ExportRun.objects.filter(pk=run_id, lease_owner=owner).update(lease_expires=_expiry()))


def release_run(run_id: int, owner: str) -> None:
    ExportRun.objects.filter(pk=run_id, lease_owner=owner).update(lease_owner="", lease_expires=None)


# -- the export --------------------------------------------------------------------------------------------

@dataclass
class Busy:
    """The export is being sent to by another run."""

    run_id: int
    seconds: float


def acquire_export(export_id: int, run_id: int, owner: str) -> Busy | None:
    """Become the one sender of this export (None), or learn who is (Busy)."""
    now = timezone.now()
    taken = ExportLease.objects.filter(export_id=export_id).filter(
        Q(run_id=run_id, owner=owner) | Q(expires_at__lt=now)).update(run_id=run_id, owner=owner,
                                                                      expires_at=_expiry())
    if taken:
        return None
    try:
        with transaction.atomic():
            ExportLease.objects.create(export_id=export_id, run_id=run_id, owner=owner, expires_at=_expiry())
        return None
    except IntegrityError:
        holder = ExportLease.objects.filter(export_id=export_id).values_list("run_id", "expires_at").first()
        if holder is None:  # released between the two statements: try again next time
            return Busy(run_id=0, seconds=1.0)
        # The holder usually finishes long before its lease would run out: look again soon.
        remaining = (holder[1] - now).total_seconds()
        return Busy(run_id=holder[0], seconds=max(0.5, min(remaining, BUSY_RETRY_SECONDS)))


def renew_export(export_id: int, owner: str) -> bool:
    return bool(ExportLease.objects.filter(export_id=export_id, owner=owner).update(expires_at=_expiry()))


def release_export(export_id: int, owner: str) -> None:
    ExportLease.objects.filter(export_id=export_id, owner=owner).delete()
