"""Celery tasks: a thin interface to the run services."""
import socket

from celery import shared_task
from celery.utils.log import get_task_logger

from .services.runner import execute_run
from .services.sweeper import sweep

logger = get_task_logger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def run_export(self, run_id: int) -> str:
    """Execute an export run. Idempotent and resumable: another delivery continues where the last one
    stopped, reconciling items whose call went unanswered before anything is resent."""
    worker = f"{socket.gethostname()}:{self.request.id or 'local'}"
    outcome = execute_run(run_id, worker=worker)
    wait = outcome.lease_busy_for or outcome.confirm_in
    if wait:
        # Another worker or run holds what this run needs, or sends wait for the target's confirmation:
        # come back then, instead of holding a worker asleep. Should this retry be lost, the sweeper
        # queues the run again (the run says when it expected to be back).
        logger.info("Run %s waits %.1f s (%s)", run_id, wait, "busy" if outcome.lease_busy_for else "confirming")
        raise self.retry(countdown=wait)
    return outcome.status


@shared_task(ignore_result=True)
def sweep_stalled_runs() -> list[int]:
    """Celery beat: queue again every run nobody works on any more (exports.services.sweeper)."""
    queued = sweep(run_export.delay)
    if queued:
        logger.warning("Queued stalled runs again: %s", queued)
    return queued
