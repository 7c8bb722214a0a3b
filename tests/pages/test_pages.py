"""The pages: periods named with their office, the invoices list's export status, the invoice page's export
history, the log's order, the home page per role, the login that leads there and the error pages."""
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounting.models import InvoicePeriod
from exports.models import ExportEvent
from portal.views import server_error
from tests import factories as f

INVOICES = reverse("admin:accounting_invoice_changelist")


@pytest.fixture
def users(roles):
    return {role: f.UserFactory(username=f"home-{role.lower()}", role=role)
            for role in ("Administrator", "Finance", "Support")}


def test_a_period_is_named_with_its_office_in_one_query(standings, django_assert_num_queries):
    with django_assert_num_queries(1):
        labels = sorted(str(period) for period in InvoicePeriod.objects.all())
    assert labels == ["2026-11 · Helsingin Rahtipalvelu Oy", "2026-11 · Tallinna Veod OÜ"]


def test_the_runs_list_says_which_office_a_period_belongs_to(client, standings, users):
    client.force_login(users["Support"])
    page = client.get(reverse("admin:exports_exportrun_changelist")).content.decode()
    assert "2026-11 · Tallinna Veod OÜ" in page and "2026-11 · Helsingin Rahtipalvelu Oy" in page


def test_the_invoices_list_shows_where_each_invoice_went(client, standings, users):
    client.force_login(users["Finance"])
    page = client.get(INVOICES, {"period__id__exact": standings["period"].pk}).content.decode()
    assert "Exported to E-Financials (API)" in page
    assert "Failed: Netvisor (API)" in page
    assert "Unknown (being checked): E-Financials (API)" in page
    assert reverse("exports:run", args=[standings["runs"][1].pk]) in page  # the run that sent "retried"


@pytest.mark.parametrize(("value", "expected"), [
    ("not_exported", {"previewed", "untouched"}), ("exported", {"exported", "retried", "split"}),
    ("failed", {"failed", "split"}), ("unknown", {"unknown"}), ("in_progress", set()),
])
def test_the_export_status_filter(client, standings, users, value, expected):
    client.force_login(users["Finance"])
    response = client.get(INVOICES, {"export_status": value, "period__id__exact": standings["period"].pk})
    shown = {invoice.pk for invoice in response.context["cl"].result_list}
    assert shown == {standings["invoices"][name].pk for name in expected}


def test_the_filter_offers_each_export_by_name(client, standings, users):
    client.force_login(users["Finance"])
    response = client.get(INVOICES, {"export_status": f"exported:{standings['netvisor'].pk}"})
    assert list(response.context["cl"].result_list) == []
    assert "Exported to Netvisor (API)" in response.content.decode()
    response = client.get(INVOICES, {"export_status": f"exported:{standings['efinancials'].pk}"})
    assert len(response.context["cl"].result_list) == 3


def test_the_invoices_list_costs_the_same_queries_for_more_invoices(client, standings, users,
                                                                    django_assert_max_num_queries):
    client.force_login(users["Finance"])
    with CaptureQueriesContext(connection) as few:
        client.get(INVOICES)
    for _ in range(15):
        f.invoice_with_lines(lines=1, period=standings["period"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INVOICES)


def test_the_invoice_page_lists_its_exports(client, standings, users):
    client.force_login(users["Finance"])
    invoice = standings["invoices"]["retried"]
    page = client.get(reverse("admin:accounting_invoice_change", args=[invoice.pk])).content.decode()
    assert 'id="export-history"' in page
    assert "EF-1004" in page and "Timed out." in page  # sent by the second run after failing in the first
    assert reverse("exports:run", args=[standings["runs"][0].pk]) in page
    untouched = standings["invoices"]["untouched"]
    page = client.get(reverse("admin:accounting_invoice_change", args=[untouched.pk])).content.decode()
    assert "no export run has included this invoice yet" in page


def test_export_events_are_listed_newest_first(client, standings, users):
    run = standings["runs"][0]
    for code in ("first", "second", "third"):
        ExportEvent.objects.create(run=run, code=f"test.{code}", message=code)
    client.force_login(users["Support"])
    response = client.get(reverse("admin:exports_exportevent_changelist"))
    assert [e.code for e in response.context["cl"].result_list] == ["test.third", "test.second", "test.first"]


def test_finance_sees_the_open_periods_runs_and_what_needs_attention(client, standings, users):
    client.force_login(users["Finance"])
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    period = next(p for p in response.context["periods"] if p.period == standings["period"])
    assert (period.invoices, period.exported, period.failed, period.unknown, period.not_exported) == (7, 3, 2, 1, 2)
    assert f"?period={standings['period'].pk}" in page  # the period's Export invoices (plan) link
    assert 'id="runs-in-progress"' in page and reverse("exports:run", args=[standings["runs"][3].pk]) in page
    attention = response.context["attention"]
    assert (attention.failed, attention.unknown) == (2, 1)
    assert "The customer is missing." in page and "No product group." in page
    assert "Timed out." not in page  # sent since
    assert response.context["setup_reports"] is None and 'id="setup-problems"' not in page


def test_support_reads_the_home_page_without_export_buttons(client, standings, users):
    client.force_login(users["Support"])
    page = client.get("/").content.decode()
    assert 'id="open-periods"' in page and 'id="needs-attention"' in page
    assert "plan-link" not in page and 'id="setup-problems"' not in page


def test_administrators_also_see_the_setup_problems_of_every_export(client, standings, users):
    client.force_login(users["Administrator"])
    response = client.get("/")
    reports = {report.export.name: report for report in response.context["setup_reports"]}
    assert set(reports) == {"E-Financials (API)", "Netvisor (API)"}
    netvisor = reports["Netvisor (API)"]
    assert netvisor.problems  # the factory's Netvisor export lacks what its type needs
    assert netvisor.problems[0].message in response.content.decode()


def test_anonymous_users_log_in_and_land_on_the_home_page(client, users):
    assert client.get("/").url.startswith(reverse("admin:login"))
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response.url.endswith("?next=%2F")
    response = client.post(response.url, {"username": "home-finance", "password": "correct horse battery staple",
                                          "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get(reverse("admin:index")).status_code == 200  # the admin index keeps working


def test_a_refused_admin_page_is_the_portals_403_with_a_way_back(client, users):
    client.force_login(users["Finance"])
    response = client.get(reverse("admin:exports_invoiceexport_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page and 'id="error-home"' in page and 'id="site-name"' in page
    assert "home-finance" in page


def test_a_refused_view_is_the_portals_403(client, standings, users):
    client.force_login(users["Support"])
    response = client.post(reverse("exports:retry", args=[standings["runs"][0].pk]))
    assert response.status_code == 403 and 'id="error-home"' in response.content.decode()


def test_an_unknown_address_is_the_portals_404_with_a_login_link(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'id="error-home"' in page and 'id="error-login"' in page


def test_the_500_page_stands_alone(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and 'id="error-home"' in page
