"""The Content Security Policy: sent with every main page, and the pages need no inline script or style."""
import re

import pytest
from django.urls import reverse

from exports.models import ExportRun
from exports.services.runner import execute_run
from portal.models import ImportJob

pytestmark = pytest.mark.django_db

INLINE = [
    # A JSON data block (json_script) is not run, so the policy does not apply to it.
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\sstyle=[\"']", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=[\"']", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: link"),
]


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(response):
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def assert_no_inline(html: str, page: str):
    for pattern, what in INLINE:
        match = pattern.search(html)
        assert match is None, f"{page} has {what}: {html[max(0, match.start() - 80):match.end() + 80]!r}"


def test_the_login_page_has_the_policy(client):
    response = client.get(reverse("admin:login"), follow=True)  # the login leads to the home page: ?next=/
    assert response.status_code == 200
    assert_strict(response)
    assert_no_inline(response.content.decode(), "the login page")


def test_the_main_pages_have_the_policy_and_no_inline_code(client, admin_user, finance_user, setup, fake_target,
                                                           monkeypatch):
    monkeypatch.setattr("exports.tasks.run_export.delay", lambda run_id: None)
    client.force_login(finance_user)
    client.post(reverse("exports:plan"), {"period": setup["period"].pk, "send": "1"})
    run = ExportRun.objects.get()
    execute_run(run.pk, worker="test")
    pages = {
        "the admin index": reverse("admin:index"),
        "the plan page": reverse("exports:plan") + f"?period={setup['period'].pk}",
        "the run page": reverse("exports:run", args=[run.pk]),
        "the run status": reverse("exports:run_status", args=[run.pk]),
        "the invoice list": reverse("admin:accounting_invoice_changelist"),
        "an invoice": reverse("admin:accounting_invoice_change", args=[setup["invoices"][0].pk]),
    }
    for page, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, page
        assert_strict(response)
        if response["Content-Type"].startswith("text/html"):
            assert_no_inline(response.content.decode(), page)

    client.force_login(admin_user)
    job = ImportJob.objects.create(owner=admin_user, model="accounting.account", file_format=0,
                                   file_name="accounts.csv", rows_total=3000)
    for page, url in {
        "the import page": reverse("admin:accounting_account_import"),
        "an import job": reverse("admin:accounting_account_import_job", args=[job.pk]),
        "an export's setup check": reverse("admin:exports_invoiceexport_change", args=[setup["export"].pk]),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, page
        assert_strict(response)
        assert_no_inline(response.content.decode(), page)


def test_the_lockout_page_has_the_policy(client, finance_user):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": finance_user.username, "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": finance_user.username, "password": "wrong"})
    assert response.status_code == 429
    assert_strict(response)
    assert_no_inline(response.content.decode(), "the lockout page")
