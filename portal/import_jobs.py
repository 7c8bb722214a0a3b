"""Imports too large for one web request: previewed, then imported, by Celery tasks.

The admin's Import page hands a file with more than ``IMPORT_BACKGROUND_ROWS`` rows to ``start``: the
upload goes to the shared import storage, an ``ImportJob`` records it and a task previews it (a dry run
of the whole file, as the synchronous preview does). The job's page shows the outcome; its Confirm
button queues the import itself. The import is all rows or none, as in the admin: one transaction,
rolled back on any failed row, and the job's final state is committed in that same transaction, so a
task delivered again after a lost worker never imports twice.

Progress cannot go into the database while a task runs: the rows are imported in a transaction that
other connections do not see until it commits (and a preview rolls it back). It is written instead to
a small file beside the upload, in the folder every web process and worker shares.
"""
import contextlib
import json
import logging
import os
import time

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from import_export.results import RowResult
from import_export.signals import post_import

from .importexport import PREVIEW_ROWS, SharedTempStorage, failed_rows_dataset, preview_rows
from .models import ImportJob

logger = logging.getLogger(__name__)

Status = ImportJob.Status
PROGRESS_INTERVAL_SECONDS = 0.5
FAILED_ROWS_SHOWN = PREVIEW_ROWS  # the failed rows file has them all


def is_large(row_count: int) -> bool:
    return row_count > settings.IMPORT_BACKGROUND_ROWS


# --- Where a job's file and progress live -----------------------------------------------------------


def _progress_path(job_id: int) -> str:
    return os.path.join(str(settings.IMPORT_TMP_ROOT), f"progress-{job_id}.json")


def write_progress(job_id: int, done: int, total: int) -> None:
    """Atomically replaced, so a reader never sees half a file."""
    path = _progress_path(job_id)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    partial = f"{path}.{os.getpid()}"
    with open(partial, "w") as handle:
        json.dump({"done": done, "total": total}, handle)
    os.replace(partial, path)


def read_progress(job_id: int) -> int | None:
    try:
        with open(_progress_path(job_id)) as handle:
            return int(json.load(handle)["done"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _clear_progress(job_id: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(_progress_path(job_id))


class _ProgressReporter:
    """``PortalResource.on_row``: writes the row count at most twice a second."""

    def __init__(self, job: ImportJob):
        self.job_id, self.total = job.pk, job.rows_total
        self.last = 0.0

    def __call__(self, row_number):
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL_SECONDS:
            self.last = now
            write_progress(self.job_id, row_number or 0, self.total)


# --- Starting, previewing, confirming ---------------------------------------------------------------


def start(*, owner, model_admin, resource_index: int, format_index: int, file_name: str, data: bytes,
          row_count: int, queue) -> ImportJob:
    """Store the upload, record the job and queue its preview (``queue(job_id)``, after the commit)."""
    storage = SharedTempStorage()
    storage.save(data)
    opts = model_admin.opts
    job = ImportJob.objects.create(owner=owner, model=f"{opts.app_label}.{opts.model_name}",
                                   resource=resource_index, file_format=format_index, file_name=file_name[:255],
                                   stored_name=storage.name, rows_total=row_count)
    transaction.on_commit(lambda: queue(job.pk))
    return job


def confirm(job: ImportJob, queue) -> bool:
    """Queue the import of a previewed job; False if it is not (or no longer) waiting for a confirm."""
    if not ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEWED).update(status=Status.IMPORTING,
                                                                               rows_done=0):
        return False
    transaction.on_commit(lambda: queue(job.pk))
    return True


def model_admin_of(job: ImportJob):
    from django.apps import apps

    return admin.site.get_model_admin(apps.get_model(job.model))


def _read_dataset(job: ImportJob, model_admin):
    file_format = model_admin.get_import_formats()[job.file_format]()
    if not file_format.is_binary():
        file_format.encoding = model_admin.from_encoding
    data = SharedTempStorage(name=job.stored_name).read()
    return file_format, file_format.create_dataset(data)


def _resource(job: ImportJob, model_admin):
    resource_class = model_admin.get_import_resource_classes(None)[job.resource]
    resource = resource_class(**model_admin.get_import_resource_kwargs(None))
    resource.on_row = _ProgressReporter(job)
    return resource


def _remove_upload(job: ImportJob) -> None:
    if job.stored_name:
        with contextlib.suppress(FileNotFoundError):
            SharedTempStorage(name=job.stored_name).remove()
    job.stored_name = ""


def _file_gone_message() -> str:
    return gettext("The uploaded file is no longer on the server (files are kept for a day): upload it again.")


def run_preview(job_id: int) -> None:
    """The dry run of the whole file; the job ends previewed (confirm may follow) or invalid."""
    job = ImportJob.objects.filter(pk=job_id, status=Status.PREVIEWING).first()
    if job is None:
        return  # done already, by an earlier delivery of this task
    model_admin = model_admin_of(job)
    try:
        file_format, dataset = _read_dataset(job, model_admin)
        job.rows_total = len(dataset)
        write_progress(job.pk, 0, job.rows_total)
        result = _resource(job, model_admin).import_data(
            dataset, dry_run=True, raise_errors=False, file_name=job.file_name, user=job.owner)
    except FileNotFoundError:
        _finish(job, Status.INVALID, errors=[_file_gone_message()])
        return
    except Exception as exc:  # an unreadable file: say so on the job page, not only in a worker's log
        logger.exception("Import job %s: the preview failed", job.pk)
        _remove_upload(job)
        _finish(job, Status.INVALID, errors=[gettext("The file could not be read: %(error)s") % {"error": exc}])
        return
    job.totals = dict(result.totals)
    job.preview = _preview_of(result)
    if result.has_errors() or result.has_validation_errors():
        failed = failed_rows_dataset(result)
        if failed is not None:
            job.failed_rows_name = _store_failed_rows(failed, file_format)
        _remove_upload(job)
        _finish(job, Status.INVALID, errors=[str(error.error) for error in result.base_errors])
    else:
        _finish(job, Status.PREVIEWED)


def run_import(job_id: int) -> None:
    """The import of a confirmed job, all rows or none; the job's outcome commits with the rows."""
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id, status=Status.IMPORTING).first()
            if job is None:
                return
            model_admin = model_admin_of(job)
            _, dataset = _read_dataset(job, model_admin)
            job.rows_total = len(dataset)
            write_progress(job.pk, 0, job.rows_total)
            resource = _resource(job, model_admin)
            result = resource.import_data(dataset, dry_run=False, raise_errors=False, file_name=job.file_name,
                                          user=job.owner, retain_instance_in_row_result=True)
            if result.has_errors() or result.has_validation_errors():
                # import_data rolled its rows back; the job's failure is written below, outside.
                raise _ImportRefused(_refusal_messages(result))
            if not model_admin.get_skip_admin_log():
                rows = {}
                for row in result:
                    rows.setdefault(row.import_type, []).append(row.instance)
                model_admin._create_log_entries(job.owner.pk, rows)
            job.totals = dict(result.totals)
            _remove_upload(job)
            _finish(job, Status.IMPORTED)
    except _ImportRefused as refused:
        _fail(job_id, refused.messages)
        return
    except FileNotFoundError:
        _fail(job_id, [_file_gone_message()])
        return
    except Exception as exc:
        logger.exception("Import job %s: the import failed", job_id)
        _fail(job_id, [gettext("The import stopped on an unexpected error: %(error)s") % {"error": exc}])
        return
    post_import.send(sender=None, model=resource._meta.model)


class _ImportRefused(Exception):
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


def _refusal_messages(result) -> list[str]:
    failed = [gettext("row %(number)s: %(problems)s") % {"number": r.number, "problems": "; ".join(r.problems)}
              for r in result.rows if getattr(r, "problems", None)][:20]
    return failed + [str(error.error) for error in result.base_errors][:5]


def _fail(job_id: int, errors: list[str]) -> None:
    job = ImportJob.objects.get(pk=job_id)
    _remove_upload(job)
    _finish(job, Status.FAILED, errors=errors)


def _finish(job: ImportJob, status: str, *, errors: list[str] | None = None) -> None:
    job.status = status
    job.rows_done = job.rows_total
    if errors is not None:
        job.errors = errors
    job.save()
    _clear_progress(job.pk)


def _store_failed_rows(dataset, file_format) -> str:
    data = file_format.export_data(dataset)
    if isinstance(data, str):
        data = data.encode("utf-8-sig")
    storage = SharedTempStorage(name=f"failed-{os.urandom(16).hex()}.{file_format.get_extension()}")
    storage.save(data)
    return storage.name


def _preview_of(result) -> dict:
    """What the job's page shows, kept as JSON: the rows of the synchronous preview, failed rows capped."""
    rows, hidden = preview_rows(result, PREVIEW_ROWS)
    shown, hidden_failed = [], 0
    failed_seen = 0
    for row in rows:
        if row["status"] == "error":
            failed_seen += 1
            if failed_seen > FAILED_ROWS_SHOWN:
                hidden_failed += 1
                continue
            row = {**row, "cells": [None if cell is None else str(cell) for cell in row["cells"]]}
        else:
            # The library's diff cells are HTML it escaped itself; kept as such for the page.
            row = {**row, "cells": [str(cell) for cell in row["cells"]], "html": True}
        row["problems"] = [str(problem) for problem in row["problems"]]
        shown.append(row)
    return {"rows": shown, "hidden": hidden, "hidden_failed": hidden_failed,
            "headers": [str(header) for header in result.diff_headers]}


def preview_context(job: ImportJob) -> dict:
    """The context ``portal_import_rows.html`` reads, rebuilt from the stored preview."""
    rows = []
    for row in job.preview.get("rows", []):
        cells = [mark_safe(cell) for cell in row["cells"]] if row.get("html") else row["cells"]  # noqa: S308
        rows.append({**row, "cells": cells})
    totals = {key: job.totals.get(key, 0) for key in
              (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP,
               RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)}
    return {
        "result": {"has_errors": job.status == Status.INVALID, "has_validation_errors": False,
                   "diff_headers": job.preview.get("headers", [])},
        "preview_rows": rows,
        "preview_hidden": job.preview.get("hidden", 0),
        "preview_hidden_failed": job.preview.get("hidden_failed", 0),
        "totals": totals,
    }


def summary(job: ImportJob) -> dict:
    """The job's state for its page and its JSON endpoint."""
    done = job.rows_done
    if job.is_running:
        done = read_progress(job.pk) or 0
    total = job.rows_total
    percent = 100 if not job.is_running else (min(99, int(done * 100 / total)) if total else 0)
    return {"id": job.pk, "status": job.status, "status_label": str(job.get_status_display()),
            "running": job.is_running, "done": done, "total": total, "percent": percent,
            "errors": job.errors}
