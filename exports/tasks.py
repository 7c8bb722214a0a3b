"""Celery tasks: a thin interface to the run service."""
import socket

from celery import shared_task
from celery.utils.log import get_task_logger

from .services.runner import execute_run

logger = get_task_logger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def run_export(self, run_id: int) -> str:
    """Execute an export run. Idempotent and resumable: a re-delivered task continues where the last
    delivery stopped, reconciling items whose call went unanswered before anything is resent."""
    worker = f"{socket.gethostname()}:{self.request.id or 'local'}"
    outcome = execute_run(run_id, worker=worker)
    if outcome.lease_busy_for:
        # Another worker is on this run (or died holding it): look again when its lease runs out.
        logger.info("Run %s is held by another worker; retrying in %.0f s", run_id, outcome.lease_busy_for)
        raise self.retry(countdown=outcome.lease_busy_for)
    if outcome.confirm_in:
        # Sends wait for the target to confirm them: come back then, instead of holding a worker asleep.
        raise self.retry(countdown=outcome.confirm_in)
    return outcome.status
