"""Celery tasks of the portal: a thin interface to the background imports (portal.import_jobs)."""
from celery import shared_task

from . import import_jobs


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def preview_import_job(job_id: int) -> None:
    """The dry run of a large upload. A second delivery of a finished preview does nothing."""
    import_jobs.run_preview(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import_job(job_id: int) -> None:
    """The confirmed import; its rows and the job's outcome commit together, or not at all."""
    import_jobs.run_import(job_id)
