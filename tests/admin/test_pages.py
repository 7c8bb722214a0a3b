"""Every admin page renders for the roles that may see it and is refused for the others.

The expected access is read from the role map in portal.roles (the specification of the roles),
not from the user's permissions, so a ModelAdmin that widens or narrows access is caught.
"""
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from portal.roles import ROLES
from tests.factories import UserFactory

MODELS = [
    "accounting.currency", "accounting.exchangerate", "accounting.account", "accounting.vatrate",
    "accounting.paymentcondition", "accounting.office", "accounting.region", "accounting.economicunit",
    "accounting.accountcodingchart", "accounting.accountcodingchartaccount", "accounting.terminologytag",
    "accounting.invoiceperiod", "accounting.invoice", "accounting.invoiceline",
    "accounting.accountcodingentry",
    "customers.customer", "customers.customersalesaccount",
    "exports.invoiceexport", "exports.invoiceexportsetting", "exports.codetranslation",
]
# Rows made by services: nobody adds or edits them in the admin, whatever their permissions say.
MADE_BY_SERVICES = {"accounting.invoiceline", "accounting.accountcodingentry"}
# The export log has pages of its own; access tokens are the connectors' alone (no page shows them).
LOG_MODELS = {"exports.exportrun", "exports.exportitem", "exports.exportevent", "exports.accesstoken",
              "exports.exportlease", "exports.renderedinvoicepdf"}  # the engine's records and the PDF cache
ROLE_NAMES = ["Administrator", "Finance", "Support"]


def can(role: str, action: str, dotted_model: str) -> bool:
    app_label, model_name = dotted_model.split(".")
    return f"{app_label}.{action}_{model_name}" in ROLES[role]


def expected_status(role: str, page: str, dotted_model: str) -> int:
    if page == "add":
        allowed = can(role, "add", dotted_model) and dotted_model not in MADE_BY_SERVICES
    else:
        allowed = can(role, "view", dotted_model) or can(role, "change", dotted_model)
    return 200 if allowed else 403


def page_url(page: str, dotted_model: str, rows) -> str:
    app_label, model_name = dotted_model.split(".")
    if page == "changelist":
        return reverse(f"admin:{app_label}_{model_name}_changelist")
    if page == "add":
        return reverse(f"admin:{app_label}_{model_name}_add")
    return reverse(f"admin:{app_label}_{model_name}_change", args=[rows[dotted_model].pk])


@pytest.fixture
def role_users(roles):
    return {role: UserFactory(username=f"pages-{role.lower()}", role=role) for role in ROLE_NAMES}


def test_every_model_of_the_three_apps_has_an_admin():
    unregistered = [
        model._meta.label_lower
        for app_label in ("accounting", "customers", "exports")
        for model in apps.get_app_config(app_label).get_models()
        if model._meta.label_lower not in LOG_MODELS and not admin.site.is_registered(model)
    ]
    assert unregistered == []
    assert sorted(MODELS) == sorted(
        model._meta.label_lower for app_label in ("accounting", "customers", "exports")
        for model in apps.get_app_config(app_label).get_models() if model._meta.label_lower not in LOG_MODELS)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("dotted_model", MODELS)
def test_pages_render_or_are_refused_per_role(client, setup_rows, role_users, role, dotted_model):
    client.force_login(role_users[role])
    for page in ("changelist", "add", "change"):
        response = client.get(page_url(page, dotted_model, setup_rows))
        assert response.status_code == expected_status(role, page, dotted_model), (page, response.status_code)


@pytest.mark.parametrize("dotted_model", MODELS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, setup_rows, dotted_model):
    response = client.get(page_url("changelist", dotted_model, setup_rows))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_user_without_a_role_sees_nothing(client, setup_rows, roles):
    client.force_login(UserFactory(username="no-role"))
    for dotted_model in MODELS:
        assert client.get(page_url("changelist", dotted_model, setup_rows)).status_code == 403


# The role map read the other way round: a few access rules spelled out, so the table-driven test
# above is not only checking the map against itself.


def test_finance_views_invoices_periods_and_exports_but_not_setup_details(client, setup_rows, finance_user):
    client.force_login(finance_user)
    for dotted_model in ("accounting.invoice", "accounting.invoiceperiod", "exports.invoiceexport",
                         "customers.customer"):
        assert client.get(page_url("change", dotted_model, setup_rows)).status_code == 200
    for dotted_model in ("accounting.region", "accounting.accountcodingchart", "exports.codetranslation"):
        assert client.get(page_url("changelist", dotted_model, setup_rows)).status_code == 403
    assert client.get(page_url("add", "customers.customer", setup_rows)).status_code == 403


def test_support_sees_setup_read_only(client, setup_rows, support_user):
    client.force_login(support_user)
    response = client.get(page_url("change", "customers.customer", setup_rows))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.get(page_url("add", "accounting.office", setup_rows)).status_code == 403
    customer = setup_rows["customers.customer"]
    response = client.post(page_url("change", "customers.customer", setup_rows),
                           {"name": "Changed by support"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name != "Changed by support"


def test_administrator_can_edit_and_save_a_customer(client, setup_rows, admin_user):
    client.force_login(admin_user)
    response = client.get(page_url("change", "customers.customer", setup_rows))
    assert b'name="_save"' in response.content
    for title in (b"General", b"Details", b"Invoice information", b"Account coding"):
        assert title in response.content


def test_changelist_search_finds_customers_and_invoices(client, setup_rows, admin_user):
    client.force_login(admin_user)
    customer = setup_rows["customers.customer"]
    invoice = setup_rows["accounting.invoice"]
    response = client.get(reverse("admin:customers_customer_changelist"), {"q": customer.corporate_id})
    assert customer.name in response.content.decode()
    response = client.get(reverse("admin:accounting_invoice_changelist"), {"q": str(invoice.number)})
    assert response.context["cl"].result_count == 1
    response = client.get(reverse("admin:accounting_invoice_changelist"), {"q": customer.code})
    assert response.context["cl"].result_count == 1
    response = client.get(reverse("admin:accounting_invoice_changelist"), {"q": "no-such-customer"})
    assert response.context["cl"].result_count == 0


def test_invoice_period_list_counts_its_invoices(client, setup_rows, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:accounting_invoiceperiod_changelist"))
    period = setup_rows["accounting.invoiceperiod"]
    assert f"?period__id__exact={period.pk}\">1</a>" in response.content.decode()
