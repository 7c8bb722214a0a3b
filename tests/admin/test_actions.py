"""Admin actions and buttons that hand over to the export engine and close invoice periods."""
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounting.models import AccountCodingEntry
from tests import factories as f


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, changelist, action, rows):
    return client.post(reverse(changelist), {"action": action, "_selected_action": [row.pk for row in rows]})


def action_names(client, changelist):
    action_form = client.get(reverse(changelist)).context["action_form"]
    if action_form is None:  # the admin leaves the form out when no action is allowed
        return set()
    return {choice[0] for choice in action_form.fields["action"].choices}


@pytest.fixture
def period_with_invoices(db):
    receivable = f.AccountFactory(number="1210", description="Accounts receivable")
    f.AccountCodingChartFactory(name="E-Financials", receivable=receivable)
    vat_rate = f.VatRateFactory(sales_tax_account=f.AccountFactory(number="2410", description="Output VAT"))
    period = f.InvoicePeriodFactory()
    invoices = [f.invoice_with_lines(lines=2, period=period) for _ in range(2)]
    assert all(line.vat_rate == vat_rate for invoice in invoices for line in invoice.lines.all())
    return period, invoices


# --- Export invoices -------------------------------------------------------------------------------


def test_export_invoices_redirects_to_the_plan_with_the_selected_invoices(client, finance_user,
                                                                          period_with_invoices):
    _, invoices = period_with_invoices
    client.force_login(finance_user)
    response = run_action(client, "admin:accounting_invoice_changelist", "export_invoices", invoices)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("exports:plan")
    assert sorted(parse_qs(location.query)["invoice"]) == sorted(str(invoice.pk) for invoice in invoices)


def test_export_invoices_refuses_more_invoices_than_a_link_can_carry(client, finance_user,
                                                                     period_with_invoices, monkeypatch):
    _, invoices = period_with_invoices
    monkeypatch.setattr("accounting.admin.MAX_INVOICES_PER_EXPORT_LINK", 1)
    client.force_login(finance_user)
    response = run_action(client, "admin:accounting_invoice_changelist", "export_invoices", invoices)
    assert not response["Location"].startswith(reverse("exports:plan"))
    assert "Export at most 1 invoices at once" in messages_of(response)[0]


def test_export_invoices_of_one_period(client, finance_user, period_with_invoices):
    period, _ = period_with_invoices
    client.force_login(finance_user)
    response = run_action(client, "admin:accounting_invoiceperiod_changelist", "export_invoices", [period])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('exports:plan')}?period={period.pk}"


def test_export_invoices_refuses_several_periods(client, finance_user, period_with_invoices):
    period, _ = period_with_invoices
    other = f.InvoicePeriodFactory(office=period.office)
    client.force_login(finance_user)
    response = run_action(client, "admin:accounting_invoiceperiod_changelist", "export_invoices",
                          [period, other])
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("exports:plan"))
    assert "Select one invoice period to export" in messages_of(response)[0]


def test_the_period_page_has_an_export_button(client, finance_user, period_with_invoices):
    period, _ = period_with_invoices
    client.force_login(finance_user)
    html = client.get(reverse("admin:accounting_invoiceperiod_change", args=[period.pk])).content.decode()
    assert f'href="{reverse("exports:plan")}?period={period.pk}"' in html


def test_support_has_neither_the_export_actions_nor_the_button(client, support_user, period_with_invoices):
    period, invoices = period_with_invoices
    client.force_login(support_user)
    assert "export_invoices" not in action_names(client, "admin:accounting_invoice_changelist")
    period_actions = action_names(client, "admin:accounting_invoiceperiod_changelist")
    assert not {"export_invoices", "close_periods"} & period_actions
    html = client.get(reverse("admin:accounting_invoiceperiod_change", args=[period.pk])).content.decode()
    assert reverse("exports:plan") not in html
    response = run_action(client, "admin:accounting_invoice_changelist", "export_invoices", invoices)
    assert not response.get("Location", "").startswith(reverse("exports:plan"))


# --- Check setup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role_fixture, shown", [("admin_user", True), ("support_user", True),
                                                 ("finance_user", False)])
def test_the_export_page_has_a_check_setup_button_for_who_may_check(client, request, db, role_fixture, shown):
    export = f.InvoiceExportFactory()
    client.force_login(request.getfixturevalue(role_fixture))
    html = client.get(reverse("admin:exports_invoiceexport_change", args=[export.pk])).content.decode()
    assert (reverse("exports:check_setup", args=[export.pk]) in html) is shown


# --- Close period ----------------------------------------------------------------------------------


def test_close_period_creates_the_account_coding_and_says_so(client, finance_user, period_with_invoices):
    period, invoices = period_with_invoices
    client.force_login(finance_user)
    response = run_action(client, "admin:accounting_invoiceperiod_changelist", "close_periods", [period])
    # Without a commit (this test's transaction) the export is not started, and the message says so.
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.is_closed
    assert period.closed_by == finance_user
    entries = AccountCodingEntry.objects.filter(period=period).count()
    assert entries > 0
    assert messages_of(response) == [
        f"The invoice period {period.name} ({period.office.name}) was closed: {entries} account coding entries "
        f"were created. No export was started."]


def test_close_period_shows_the_services_refusal_as_an_error(client, admin_user, period_with_invoices):
    period, _ = period_with_invoices
    client.force_login(admin_user)
    first = run_action(client, "admin:accounting_invoiceperiod_changelist", "close_periods", [period])
    assert [m.level_tag for m in get_messages(first.wsgi_request)] == ["success"]
    client.get(first["Location"])  # shows, and so uses up, the success message
    response = run_action(client, "admin:accounting_invoiceperiod_changelist", "close_periods", [period])
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    assert f"The invoice period {period.name} was already closed" in str(message)


def test_close_period_without_an_account_coding_chart_explains_what_is_missing(client, admin_user, db):
    period = f.invoice_with_lines(lines=1).period
    client.force_login(admin_user)
    response = run_action(client, "admin:accounting_invoiceperiod_changelist", "close_periods", [period])
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    assert "account coding charts" in str(message)
    period.refresh_from_db()
    assert not period.is_closed


def test_support_cannot_close_a_period(client, support_user, period_with_invoices):
    period, _ = period_with_invoices
    client.force_login(support_user)
    run_action(client, "admin:accounting_invoiceperiod_changelist", "close_periods", [period])
    period.refresh_from_db()
    assert not period.is_closed


def test_a_closed_periods_invoices_are_read_only(client, admin_user, period_with_invoices):
    period, invoices = period_with_invoices
    client.force_login(admin_user)
    run_action(client, "admin:accounting_invoiceperiod_changelist", "close_periods", [period])
    html = client.get(reverse("admin:accounting_invoice_change", args=[invoices[0].pk])).content.decode()
    assert 'name="number"' not in html
    assert 'name="lines-0-amount"' not in html
    open_invoice = f.invoice_with_lines(lines=1)
    html = client.get(reverse("admin:accounting_invoice_change", args=[open_invoice.pk])).content.decode()
    assert 'name="number"' in html
    assert 'name="lines-0-amount"' in html


def test_saving_an_invoice_recomputes_its_totals_from_the_lines(client, admin_user, db):
    invoice = f.invoice_with_lines(lines=1)
    line = invoice.lines.get()
    client.force_login(admin_user)
    url = reverse("admin:accounting_invoice_change", args=[invoice.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "customer": invoice.customer_id, "office": invoice.office_id, "period": invoice.period_id,
        "currency": invoice.currency_id, "payment_condition": invoice.payment_condition_id,
        "region": "", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000", "lines-0-id": line.pk, "lines-0-invoice": invoice.pk,
        "lines-0-position": line.position, "lines-0-item_name": line.item_name, "lines-0-quantity": "2",
        "lines-0-unit_price": "125.00", "lines-0-amount": "250.00", "lines-0-vat_rate": line.vat_rate_id,
    })
    data.pop("id", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    invoice.refresh_from_db()
    assert (invoice.net_amount, invoice.vat_amount, invoice.total) == (250, 60, 310)
