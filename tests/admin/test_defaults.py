"""Exactly one default invoice export setting and account coding chart."""
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounting.models import AccountCodingChart
from accounting.services.defaults import can_delete_default, make_default, save_keeping_one_default
from exports.models import InvoiceExportSetting
from tests.factories import AccountCodingChartFactory, InvoiceExportFactory, InvoiceExportSettingFactory


def defaults(model):
    return list(model.objects.filter(is_default=True).values_list("name", flat=True))


def test_make_default_moves_the_flag(db):
    first = InvoiceExportSettingFactory(name="Default", is_default=True)
    second = InvoiceExportSettingFactory(name="Procountor (API)", is_default=False)
    make_default(second)
    assert defaults(InvoiceExportSetting) == ["Procountor (API)"]
    make_default(first)
    assert defaults(InvoiceExportSetting) == ["Default"]


def test_make_default_on_the_default_changes_nothing(db):
    chart = AccountCodingChartFactory(name="E-Financials", is_default=True)
    make_default(chart)
    assert defaults(AccountCodingChart) == ["E-Financials"]


def test_make_default_refuses_a_model_without_the_flag(db):
    with pytest.raises(TypeError):
        make_default(InvoiceExportFactory())


def test_saving_a_new_default_unsets_the_old_one_without_hitting_the_constraint(db):
    AccountCodingChartFactory(name="Old", is_default=True)
    save_keeping_one_default(AccountCodingChart(name="New", is_default=True))
    assert defaults(AccountCodingChart) == ["New"]


def test_the_first_row_becomes_the_default(db):
    save_keeping_one_default(InvoiceExportSetting(name="Only", is_default=False))
    assert defaults(InvoiceExportSetting) == ["Only"]


def test_unticking_the_only_default_is_refused(db):
    setting = InvoiceExportSettingFactory(name="Default", is_default=True)
    InvoiceExportSettingFactory(name="Other", is_default=False)
    setting.is_default = False
    with pytest.raises(ValidationError, match="there must always be one"):
        save_keeping_one_default(setting)
    assert defaults(InvoiceExportSetting) == ["Default"]


def test_the_default_can_be_deleted_only_when_it_is_the_last_row(db):
    setting = InvoiceExportSettingFactory(name="Default", is_default=True)
    assert can_delete_default(setting)
    other = InvoiceExportSettingFactory(name="Other", is_default=False)
    assert not can_delete_default(setting)
    assert can_delete_default(other)


# --- Through the admin ---------------------------------------------------------------------------


def setting_data(name, is_default, exports=()):
    data = {"name": name, "exports": [export.pk for export in exports]}
    if is_default:
        data["is_default"] = "on"
    return data


def chart_data(name, is_default):
    data = {"name": name, "valid_from": "", "valid_to": "",
            "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0", "accounts-MIN_NUM_FORMS": "0",
            "accounts-MAX_NUM_FORMS": "1000"}
    if is_default:
        data["is_default"] = "on"
    return data


def test_adding_a_setting_with_default_ticked_takes_over_the_default(client, admin_user):
    InvoiceExportSettingFactory(name="Default", is_default=True)
    export = InvoiceExportFactory()
    client.force_login(admin_user)
    response = client.post(reverse("admin:exports_invoiceexportsetting_add"),
                           setting_data("E-Financials (API)", True, [export]))
    assert response.status_code == 302
    assert defaults(InvoiceExportSetting) == ["E-Financials (API)"]
    assert list(InvoiceExportSetting.objects.get(name="E-Financials (API)").exports.all()) == [export]


def test_adding_a_chart_with_default_ticked_takes_over_the_default(client, admin_user):
    AccountCodingChartFactory(name="Old", is_default=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounting_accountcodingchart_add"), chart_data("New", True))
    assert response.status_code == 302
    assert defaults(AccountCodingChart) == ["New"]


def test_the_form_refuses_unticking_the_current_default(client, admin_user):
    chart = AccountCodingChartFactory(name="Old", is_default=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounting_accountcodingchart_change", args=[chart.pk]),
                           chart_data("Old", False))
    assert response.status_code == 200
    assert "there must always be one" in response.content.decode()
    assert defaults(AccountCodingChart) == ["Old"]


def test_the_form_refuses_a_validity_that_ends_before_it_starts(client, admin_user):
    client.force_login(admin_user)
    data = {**chart_data("Backwards", True), "valid_from": "2026-02-01", "valid_to": "2026-01-01"}
    response = client.post(reverse("admin:accounting_accountcodingchart_add"), data)
    assert response.status_code == 200
    assert "Valid to must be on or after valid from." in response.content.decode()


def test_the_export_settings_are_ticked_as_checkboxes(client, admin_user):
    export = InvoiceExportFactory()
    client.force_login(admin_user)
    html = client.get(reverse("admin:exports_invoiceexportsetting_add")).content.decode()
    assert f'type="checkbox" name="exports" value="{export.pk}"' in html


@pytest.mark.parametrize("model, url_name, factory", [
    (InvoiceExportSetting, "admin:exports_invoiceexportsetting_changelist", InvoiceExportSettingFactory),
    (AccountCodingChart, "admin:accounting_accountcodingchart_changelist", AccountCodingChartFactory),
])
def test_the_make_default_action(client, admin_user, model, url_name, factory):
    factory(name="First", is_default=True)
    second = factory(name="Second", is_default=False)
    client.force_login(admin_user)
    response = client.post(reverse(url_name), {"action": "make_default", "_selected_action": [second.pk]})
    assert response.status_code == 302
    assert defaults(model) == ["Second"]
    assert "Second is now the default" in [str(m) for m in get_messages(response.wsgi_request)][0]


def test_the_make_default_action_wants_exactly_one_row(client, admin_user):
    first = InvoiceExportSettingFactory(name="First", is_default=True)
    second = InvoiceExportSettingFactory(name="Second", is_default=False)
    client.force_login(admin_user)
    response = client.post(reverse("admin:exports_invoiceexportsetting_changelist"),
                           {"action": "make_default", "_selected_action": [first.pk, second.pk]})
    assert "Select exactly one row" in [str(m) for m in get_messages(response.wsgi_request)][0]
    assert defaults(InvoiceExportSetting) == ["First"]


def test_support_cannot_make_a_default(client, support_user):
    InvoiceExportSettingFactory(name="First", is_default=True)
    second = InvoiceExportSettingFactory(name="Second", is_default=False)
    client.force_login(support_user)
    changelist = client.get(reverse("admin:exports_invoiceexportsetting_changelist")).content.decode()
    assert 'value="make_default"' not in changelist
    client.post(reverse("admin:exports_invoiceexportsetting_changelist"),
                {"action": "make_default", "_selected_action": [second.pk]})
    assert defaults(InvoiceExportSetting) == ["First"]
