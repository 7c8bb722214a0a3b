"""Malformed query and form parameters answer 400 with a message that says what to fix, never 500."""
import pytest
from django.urls import reverse

from exports.services.planning import plan_run
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(finance_user):
    period = factories.InvoicePeriodFactory()
    factories.invoice_with_lines(lines=1, period=period)
    return plan_run(period=period, user=finance_user)


def test_plan_with_period_abc_is_a_400_naming_the_parameter(client, finance_user):
    client.force_login(finance_user)
    response = client.get("/exports/plan/?period=abc")
    assert response.status_code == 400
    page = response.content.decode()
    assert "period=abc is not an id: give a whole number greater than 0, e.g. period=3." in page
    assert "<h1>Bad request (400)</h1>" in page


@pytest.mark.parametrize("query", ["period=-1", "period=0", "period=１２",
                                   "invoice=abc", "invoice=1&invoice=x", "period=1.5"])
def test_plan_refuses_other_malformed_ids(client, finance_user, query):
    client.force_login(finance_user)
    response = client.get(f"/exports/plan/?{query}")
    assert response.status_code == 400
    assert "is not an id" in response.content.decode()


def test_plan_refuses_more_invoices_than_a_request_may_name(client, finance_user):
    client.force_login(finance_user)
    response = client.post(reverse("exports:plan"), {"invoice": [str(n) for n in range(1, 602)]})
    assert response.status_code == 400
    assert "Too many invoice parameters (601): give at most 500." in response.content.decode()


def test_plan_with_an_unknown_period_is_still_a_404(client, finance_user):
    client.force_login(finance_user)
    assert client.get("/exports/plan/?period=987654").status_code == 404


def test_status_json_with_an_impossible_since_is_a_400_in_json(client, finance_user, run):
    client.force_login(finance_user)
    response = client.get(f"/exports/runs/{run.pk}/status.json?since=2026-13-45T99:99")
    assert response.status_code == 400
    assert response.json() == {"error": "since=2026-13-45T99:99 is not a date and time: give an ISO 8601 value, "
                                        "e.g. since=2026-11-20T10:15:00Z."}


@pytest.mark.parametrize("since", ["yesterday", "2026-11-20T10:15:00+99:00", "0000-01-01T00:00"])
def test_status_json_refuses_other_malformed_times(client, finance_user, run, since):
    client.force_login(finance_user)
    response = client.get(reverse("exports:run_status", args=[run.pk]), {"since": since})
    assert response.status_code == 400 and "is not a date and time" in response.json()["error"]


def test_status_json_with_a_good_since_answers(client, finance_user, run):
    client.force_login(finance_user)
    response = client.get(reverse("exports:run_status", args=[run.pk]), {"since": "2026-11-20T10:15:00Z"})
    assert response.status_code == 200 and "items" in response.json()


def test_pdf_reduced_must_be_yes_or_no(client, finance_user, run):
    client.force_login(finance_user)
    invoice = run.period.invoices.get()
    response = client.get(reverse("exports:invoice_pdf", args=[invoice.pk]), {"reduced": "maybe"})
    assert response.status_code == 400
    assert "reduced=maybe is not yes or no: give reduced=1 or reduced=0." in response.content.decode()


def test_a_nul_character_in_a_parameter_is_a_400(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/accounting/invoice/", {"q": "70\x0001"})
    assert response.status_code == 400
    assert "holds a NUL character" in response.content.decode()
    response = client.post(reverse("exports:plan"), {"period": "1\x00"})
    assert response.status_code == 400


def test_an_empty_to_field_on_an_admin_page_is_a_400(client, admin_user):
    """Found by the Hypothesis test: the admin read ``_to_field=`` as a field named "" and answered 500."""
    client.force_login(admin_user)
    invoice = factories.invoice_with_lines(lines=1)
    page = reverse("admin:accounting_invoice_change", args=[invoice.pk])
    response = client.get(page, {"_to_field": ""})
    assert response.status_code == 400 and "must name a field" in response.content.decode()
    assert client.get(page).status_code == 200


@pytest.mark.parametrize("query", ["period=99999999999999999999", "id__in=1,99999999999999999999",
                                   "period__id__exact=-99999999999999999999"])
def test_a_number_no_column_can_hold_is_a_400_in_the_admin_lists_too(client, admin_user, query):
    client.force_login(admin_user)
    response = client.get(f"/admin/accounting/invoice/?{query}")
    assert response.status_code == 400
    assert "holds a number larger than any id" in response.content.decode()


@pytest.mark.parametrize("query", ["invoice_date__year=9999&invoice_date__month=12", "invoice_date__year=3000000000",
                                   "invoice_date__year=2026&invoice_date__month=13", "invoice_date__year=x"])
def test_a_date_drill_down_out_of_range_is_a_400(client, admin_user, query):
    client.force_login(admin_user)
    response = client.get(f"/admin/accounting/invoice/?{query}")
    assert response.status_code == 400
    assert "must be a whole number from 1 to" in response.content.decode()


def test_the_search_box_and_forms_may_hold_long_digit_strings(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/accounting/invoice/", {"q": "12345678901234567890123"}).status_code == 200
    invoice = factories.invoice_with_lines(lines=1)
    url = reverse("admin:accounting_invoice_change", args=[invoice.pk])
    response = client.post(url, {"reference_number": "12345678901234567890123"})
    assert response.status_code == 200  # the form answers (with its own errors), not a 400


@pytest.mark.parametrize("value", [" ", "abc", "99999999999999999999"])
def test_a_posted_key_that_is_no_key_gets_the_forms_own_error(client, admin_user, value):
    client.force_login(admin_user)
    invoice = factories.invoice_with_lines(lines=1)
    url = reverse("admin:accounting_invoice_change", args=[invoice.pk])
    response = client.post(url, {"customer": value, "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
                                 "lines-0-vat_rate": value, "lines-0-item_name": "Freight"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
