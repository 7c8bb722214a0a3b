"""Export-and-send pages and their permissions for each role."""
import pytest
from django.urls import reverse

from exports.models import ExportRun, RunStatus
from exports.services.runner import execute_run
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """Capture the Celery enqueue instead of talking to a broker."""
    calls = []
    monkeypatch.setattr("exports.tasks.run_export.delay", lambda run_id: calls.append(run_id))
    return calls


def test_plan_page_counts_invoices_and_lists_exports(client, finance_user, setup, fake_target):
    client.force_login(finance_user)
    response = client.get(reverse("exports:plan"), {"period": setup["period"].pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="invoice-count">3<' in page
    assert "Visma e-conomic" in page
    assert "Preview (don&#x27;t send)" in page or "Preview (don't send)" in page
    assert 'id="export-and-send"' in page


def test_export_and_send_creates_a_run_and_enqueues_it_after_commit(
        client, finance_user, setup, fake_target, enqueued, django_capture_on_commit_callbacks):
    client.force_login(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:plan"), {"period": setup["period"].pk, "send": "1"})
    run = ExportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:run", args=[run.pk])
    assert enqueued == [run.pk]
    assert run.created_by == finance_user and not run.is_preview and run.to_export == 3


def test_preview_button_makes_a_preview_run(client, finance_user, setup, fake_target, enqueued,
                                            django_capture_on_commit_callbacks):
    client.force_login(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:plan"), {"invoice": [setup["invoices"][0].pk], "preview": "Preview"})
    assert ExportRun.objects.get().is_preview


def test_blocking_setup_problem_refuses_to_start_and_says_which(client, finance_user, setup, fake_target, enqueued):
    setup["invoices"][0].customer.__class__.objects.filter(pk=setup["invoices"][0].customer_id).update(
        vat_number="")
    zero = factories.VatRateFactory(code="0EU", name="EU 0 %", percentage=0, is_eu_vat=True,
                                    sales_account=factories.AccountFactory(number="3520"))
    factories.InvoiceLineFactory(invoice=setup["invoices"][0], vat_rate=zero)
    client.force_login(finance_user)
    response = client.post(reverse("exports:plan"), {"period": setup["period"].pk, "send": "1"})
    assert response.status_code == 200
    assert not ExportRun.objects.exists()
    assert "is invoiced at 0 % VAT but has no VAT registration number" in response.content.decode()


def test_support_may_not_export(client, support_user, setup):
    client.force_login(support_user)
    assert client.get(reverse("exports:plan"), {"period": setup["period"].pk}).status_code == 403


def test_run_page_and_status_json(client, finance_user, setup, fake_target):
    from exports.services.planning import plan_run

    run = plan_run(period=setup["period"], user=finance_user)
    client.force_login(finance_user)
    page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert "3</span> invoices to export" in page and 'http-equiv="refresh"' in page
    execute_run(run.pk)
    data = client.get(reverse("exports:run_status", args=[run.pk])).json()
    assert data["status"] == RunStatus.COMPLETED and data["percent"] == 100 and data["exported"] == 3
    assert len(data["items"]) == 3
    page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "status-completed" in page


def test_retry_button_needs_the_retry_permission(client, finance_user, support_user, setup, fake_target, enqueued,
                                                 django_capture_on_commit_callbacks):
    from exports.services.planning import plan_run

    fake_target.script.append("invalid")
    run = plan_run(period=setup["period"])
    execute_run(run.pk)
    client.force_login(support_user)
    assert client.post(reverse("exports:retry", args=[run.pk])).status_code == 403
    client.force_login(finance_user)
    assert 'id="retry-failed"' in client.get(reverse("exports:run", args=[run.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:retry", args=[run.pk]))
    assert enqueued == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.failed == 0


def test_check_setup_page_for_administrator_and_support_not_finance(client, admin_user, support_user, finance_user,
                                                                    setup, fake_target):
    url = reverse("exports:check_setup", args=[setup["export"].pk])
    client.force_login(finance_user)
    assert client.get(url).status_code == 403
    fake_target.setup_problems.append(factories_problem())
    for user in (admin_user, support_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "cannot export until these problems are fixed" in response.content.decode()


def factories_problem():
    from exports.connectors.base import Problem

    return Problem("missing_group", "Product group 3100 is missing in Visma e-conomic.")


@pytest.mark.parametrize("role", ["admin_user", "finance_user", "support_user"])
def test_export_log_is_readable_and_read_only_for_every_role(client, request, role, setup, fake_target):
    from exports.services.planning import plan_run

    run = plan_run(period=setup["period"])
    execute_run(run.pk)
    client.force_login(request.getfixturevalue(role))
    can_read_events = role != "finance_user"
    assert client.get(reverse("admin:exports_exportrun_changelist")).status_code == 200
    assert client.get(reverse("admin:exports_exportrun_change", args=[run.pk])).status_code == 200
    response = client.get(reverse("admin:exports_exportevent_changelist"), {"q": "sent"})
    assert response.status_code == (200 if can_read_events else 403)
    assert client.post(reverse("admin:exports_exportrun_delete", args=[run.pk]), {"post": "yes"}).status_code == 403
    assert ExportRun.objects.filter(pk=run.pk).exists()


def test_support_filters_the_log_by_error_code(client, support_user, setup, fake_target):
    from exports.services.planning import plan_run

    fake_target.script.append("invalid")
    execute_run(plan_run(period=setup["period"]).pk)
    client.force_login(support_user)
    response = client.get(reverse("admin:exports_exportitem_changelist"),
                          {"last_error_code": "testtarget.invalid_invoice"})
    assert response.status_code == 200
    assert "VAT rate 24 is not allowed" in response.content.decode()
