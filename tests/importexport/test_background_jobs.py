"""Large files: previewed and imported by Celery tasks, with a job the page can leave and come back to."""
import json
import re
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounting.models import Account
from portal import import_jobs
from portal.models import ImportJob
from portal.tasks import preview_import_job, run_import_job
from tests.factories import AccountFactory

THRESHOLD = 20


def accounts_csv(rows: int, *, bad_row: int | None = None, start: int = 4000) -> bytes:
    lines = ["number;description;is_active"]
    for n in range(rows):
        lines.append(f"{start + n};Müügitulu {n};{'kindlasti' if n + 1 == bad_row else 'jah'}")
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


@pytest.fixture
def queued(monkeypatch, settings):
    """The tasks the web requests queue, run when the test says (as a worker would, later)."""
    settings.IMPORT_BACKGROUND_ROWS = THRESHOLD
    calls = TaskQueue()
    monkeypatch.setattr(preview_import_job, "delay", lambda job_id: calls.append((preview_import_job, job_id)))
    monkeypatch.setattr(run_import_job, "delay", lambda job_id: calls.append((run_import_job, job_id)))
    return calls


class TaskQueue(list):
    def run_all(self):
        while self:
            task, job_id = self.pop(0)
            task.apply(args=[job_id]).get()


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def upload(client, data: bytes, name="accounts.csv"):
    return client.post(reverse("admin:accounting_account_import"), {
        "resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, data)})


def job_url(job, view="import_job"):
    return reverse(f"admin:accounting_account_{view}", args=[job.pk])


def test_a_small_file_keeps_the_immediate_preview(as_admin, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(as_admin, accounts_csv(THRESHOLD))
    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
    assert not ImportJob.objects.exists() and not queued


def test_a_large_file_is_previewed_then_imported_by_tasks(as_admin, admin_user, queued, import_tmp_root,
                                                          django_capture_on_commit_callbacks):
    AccountFactory(number="4000", description="Old")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(as_admin, accounts_csv(THRESHOLD + 5))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert (job.owner, job.model, job.status, job.rows_total) == (admin_user, "accounting.account", "previewing", 25)
    assert Path(import_tmp_root, job.stored_name).is_file()
    status = as_admin.get(job_url(job, "import_job_status")).json()
    assert status["running"] and status["status"] == "previewing" and status["total"] == 25

    queued.run_all()

    job.refresh_from_db()
    assert job.status == "previewed"
    assert job.totals["new"] == 24 and job.totals["update"] == 1
    assert Account.objects.get(number="4000").description == "Old"  # the preview changed nothing
    page = as_admin.get(job_url(job)).content.decode()
    assert 'id="import-job-confirm"' in page and "Ready to import" in page
    assert re.search(r'<tr class="update">\s*<td>1</td>\s*<td class="import-type">Update</td>', page)
    assert re.search(r'<tr class="new">\s*<td>2</td>', page)
    assert "<ins" in page  # the library's row diff, rendered as HTML
    assert as_admin.get(job_url(job, "import_job_status")).json() == {
        "id": job.pk, "status": "previewed", "status_label": "Ready to import", "running": False,
        "done": 25, "total": 25, "percent": 100, "errors": []}

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = as_admin.post(job_url(job, "import_job_confirm"))
    assert confirmed.status_code == 302
    assert ImportJob.objects.get().status == "importing"
    queued.run_all()

    job.refresh_from_db()
    assert job.status == "imported" and job.totals["new"] == 24 and job.totals["update"] == 1
    assert Account.objects.count() == 25 and Account.objects.get(number="4000").description == "Müügitulu 0"
    assert not Path(import_tmp_root, job.stored_name or "none").exists() and job.stored_name == ""
    assert "Import finished: 24 new, 1 updated" in as_admin.get(job_url(job)).content.decode()
    assert LogEntry.objects.filter(user=admin_user).count() == 25
    # A second delivery of the same task imports nothing twice.
    run_import_job.apply(args=[job.pk]).get()
    assert Account.objects.count() == 25


def test_leaving_and_coming_back_shows_the_job_and_its_progress(as_admin, queued,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(as_admin, accounts_csv(THRESHOLD + 1), name="big accounts.csv")
    job = ImportJob.objects.get()
    import_jobs.write_progress(job.pk, 7, job.rows_total)  # what a worker writes while it runs

    import_page = as_admin.get(reverse("admin:accounting_account_import")).content.decode()
    assert f'href="{job_url(job)}">big accounts.csv</a>' in import_page and "Checking the file" in import_page
    page = as_admin.get(job_url(job)).content.decode()
    assert '<progress id="import-job-progress" max="21" value="7">' in page
    assert 'src="/static/portal/import_job.js"' in page and "<script>" not in page
    assert as_admin.get(job_url(job, "import_job_status")).json()["done"] == 7


def test_a_preview_with_errors_offers_no_confirm_and_the_failed_rows(as_admin, queued, import_tmp_root,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(as_admin, accounts_csv(THRESHOLD + 3, bad_row=22))
    queued.run_all()

    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.stored_name == ""
    page = as_admin.get(job_url(job)).content.decode()
    assert 'id="import-job-confirm"' not in page and "Nothing was imported" in page
    assert re.search(r'<tr class="error">\s*<td>22</td>', page)
    assert "is not yes or no" in page
    assert as_admin.post(job_url(job, "import_job_confirm")).status_code == 302
    assert not queued and not Account.objects.exists()
    failed = as_admin.get(reverse("admin:accounting_account_import_failed", args=[job.failed_rows_name]))
    assert failed.status_code == 200 and "kindlasti" in failed.content.decode("utf-8-sig")


def test_a_failed_import_changes_nothing(as_admin, queued, django_capture_on_commit_callbacks):
    AccountFactory(number="4000", description="Old")
    with django_capture_on_commit_callbacks(execute=True):
        upload(as_admin, accounts_csv(THRESHOLD + 5))
    queued.run_all()
    job = ImportJob.objects.get()
    assert job.status == "previewed"
    # The import reads the stored file again, so a row that fails only then (here: the file's last row,
    # changed on the server) stands for anything that changed between the preview and the confirm.
    data = accounts_csv(THRESHOLD + 5, bad_row=THRESHOLD + 5)
    Path(import_jobs.settings.IMPORT_TMP_ROOT, job.stored_name).write_bytes(data)

    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(job_url(job, "import_job_confirm"))
    queued.run_all()

    job.refresh_from_db()
    assert job.status == "failed"
    assert any("row 25" in error and "is not yes or no" in error for error in job.errors)
    assert list(Account.objects.values_list("number", "description")) == [("4000", "Old")]
    page = as_admin.get(job_url(job)).content.decode()
    assert "Import failed: nothing imported" in page and "row 25" in page


def test_someone_elses_job_is_not_shown(client, as_admin, queued, django_user_model,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(as_admin, accounts_csv(THRESHOLD + 1))
    job = ImportJob.objects.get()
    other = django_user_model.objects.create_user("other-admin", password="x", is_staff=True)
    other.user_permissions.set(admin_permissions())
    client.force_login(other)
    assert client.get(job_url(job)).status_code == 404
    assert client.get(job_url(job, "import_job_status")).status_code == 404


def admin_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="accounting", content_type__model="account")


def test_the_progress_file_is_read_back(settings, tmp_path):
    settings.IMPORT_TMP_ROOT = str(tmp_path)
    import_jobs.write_progress(41, 1200, 50000)
    assert import_jobs.read_progress(41) == 1200
    assert json.loads(Path(tmp_path, "progress-41.json").read_text()) == {"done": 1200, "total": 50000}
    assert import_jobs.read_progress(42) is None


def test_an_import_that_stops_midway_changes_nothing(as_admin, queued, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    from accounting.resources import AccountResource

    with django_capture_on_commit_callbacks(execute=True):
        upload(as_admin, accounts_csv(THRESHOLD + 5))
    queued.run_all()
    job = ImportJob.objects.get()
    original = AccountResource.after_save_instance

    def fail_at_row_ten(self, instance, row, **kwargs):
        if instance.number == "4009":
            raise OSError("disk full")
        return original(self, instance, row, **kwargs)

    monkeypatch.setattr(AccountResource, "after_save_instance", fail_at_row_ten)
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(job_url(job, "import_job_confirm"))
    queued.run_all()

    job.refresh_from_db()
    assert job.status == "failed" and not Account.objects.exists()
    assert any("disk full" in error for error in job.errors), job.errors
