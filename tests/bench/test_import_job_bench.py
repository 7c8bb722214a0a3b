"""A 50 000-row customer file through the admin's Import page: the web request, then the two tasks.

Run with ``pytest -m bench tests/bench/test_import_job_bench.py -s``. Prints the figures; asserts only
what the preview found, never a time.
"""
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Customer
from portal import import_jobs
from portal.models import ImportJob
from portal.tasks import preview_import_job, run_import_job
from tests.bench.test_import_bench import customer_csv
from tests.factories import CurrencyFactory, InvoiceExportSettingFactory, OfficeFactory, PaymentConditionFactory

ROWS = 50_000


@pytest.mark.bench
def test_50000_rows_upload_then_preview_task(client, admin_user, settings, tmp_path, monkeypatch):
    settings.IMPORT_TMP_ROOT = str(tmp_path)
    OfficeFactory()
    CurrencyFactory()
    PaymentConditionFactory()
    InvoiceExportSettingFactory()
    data = customer_csv(ROWS)
    client.force_login(admin_user)
    queued = []
    monkeypatch.setattr(preview_import_job, "delay", queued.append)

    started = time.perf_counter()
    response = client.post(reverse("admin:customers_customer_import"), {
        "resource": "0", "format": "0", "import_file": SimpleUploadedFile("customers.csv", data)})
    request_seconds = time.perf_counter() - started
    assert response.status_code == 302
    job = ImportJob.objects.get()

    started = time.perf_counter()
    preview_import_job.apply(args=[job.pk]).get()
    task_seconds = time.perf_counter() - started

    job.refresh_from_db()
    assert job.status == "previewed" and job.totals["new"] == ROWS

    assert import_jobs.confirm(job, queue=lambda job_id: None)
    started = time.perf_counter()
    run_import_job.apply(args=[job.pk]).get()
    import_seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == "imported" and Customer.objects.count() == ROWS
    print(f"\n{ROWS} customer rows ({len(data) / 1e6:.1f} MB CSV): web request {request_seconds:.2f} s, "
          f"preview task {task_seconds:.1f} s, import task {import_seconds:.1f} s")
