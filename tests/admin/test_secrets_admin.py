"""Secrets are write-only in the admin: never rendered, kept when left blank, removed with clear."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import InvoiceExport
from tests.factories import InvoiceExportFactory

PASSWORD = "s3cret-API-Key-Password"
CLIENT_KEY = "s3cret-public-API-key"
API_TOKEN = "s3cret-grant-token"


@pytest.fixture
def export(db):
    export = InvoiceExportFactory(name="E-Financials (API)", client_identity="key-id")
    export.set_secret("password", PASSWORD)
    export.set_secret("client_key", CLIENT_KEY)
    export.set_secret("api_token", API_TOKEN)
    export.password_set_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 30))
    export.save()
    return export


def change_url(export):
    return reverse("admin:exports_invoiceexport_change", args=[export.pk])


def post_data(export, **changes):
    data = {
        "name": export.name, "type": export.type, "report": "", "encoding": "UTF-8", "user_id": "",
        "password": "", "api_token": "", "customer_code": "", "office_code": "", "start_text": "",
        "is_active": "on", "transfer_method": "", "base_url": "", "client_identity": export.client_identity,
        "client_key": "", "request_timeout": "30",
        "codes-TOTAL_FORMS": "0", "codes-INITIAL_FORMS": "0", "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def assert_no_secret_in(html: str):
    for secret in (PASSWORD, CLIENT_KEY, API_TOKEN):
        assert secret not in html


@pytest.mark.parametrize("role_fixture", ["admin_user", "finance_user", "support_user"])
def test_the_change_page_never_contains_a_secret(client, export, role_fixture, request):
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(change_url(export))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_secret_in(html)
    assert "set on" in html


def test_the_widget_shows_when_the_secret_was_set_and_offers_clear(client, export, admin_user):
    client.force_login(admin_user)
    html = client.get(change_url(export)).content.decode()
    assert 'type="password" name="password"' in html
    assert "set on March 2, 2026" in html
    assert 'name="password_clear"' in html
    # The help is the export type's own, not every type's.
    assert "API Key Password" in html
    assert "the API key of the API user account created in Netvisor" not in html


def test_an_unset_secret_says_not_set_and_has_nothing_to_clear(client, admin_user, db):
    export = InvoiceExportFactory(name="Netvisor", type="netvisor", password="", client_key="")
    client.force_login(admin_user)
    html = client.get(change_url(export)).content.decode()
    assert "not set" in html
    assert 'name="password_clear"' not in html


def test_the_changelist_does_not_contain_secrets(client, export, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:exports_invoiceexport_changelist")).content.decode()
    assert export.name in html
    assert_no_secret_in(html)


def test_saving_with_blank_inputs_keeps_the_stored_secrets(client, export, admin_user):
    client.force_login(admin_user)
    set_at = export.password_set_at
    response = client.post(change_url(export), post_data(export, name="E-Financials (renamed)"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    export.refresh_from_db()
    assert export.name == "E-Financials (renamed)"
    assert (export.password, export.client_key, export.api_token) == (PASSWORD, CLIENT_KEY, API_TOKEN)
    assert export.password_set_at == set_at


def test_typing_a_new_secret_replaces_it_and_records_when(client, export, admin_user):
    client.force_login(admin_user)
    response = client.post(change_url(export), post_data(export, password="new-key-password"))
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.password == "new-key-password"
    assert timezone.now() - export.password_set_at < datetime.timedelta(minutes=1)


def test_clear_removes_a_secret(client, export, admin_user):
    client.force_login(admin_user)
    response = client.post(change_url(export), post_data(export, api_token_clear="on"))
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.api_token == ""
    assert export.api_token_set_at is None
    assert export.password == PASSWORD


def test_a_form_that_fails_validation_does_not_echo_the_typed_secret(client, export, admin_user):
    client.force_login(admin_user)
    typed = "typed-but-not-saved-secret"
    response = client.post(change_url(export), post_data(export, password=typed, encoding="ISO-8859-1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "needs Encoding UTF-8" in html
    assert typed not in html
    assert_no_secret_in(html)
    assert InvoiceExport.objects.get(pk=export.pk).password == PASSWORD


def test_the_change_history_names_the_field_but_not_the_value(client, export, admin_user):
    from django.contrib.admin.models import LogEntry

    client.force_login(admin_user)
    client.post(change_url(export), post_data(export, password="new-key-password"))
    entry = LogEntry.objects.filter(object_id=str(export.pk)).latest("action_time")
    assert "Password" in entry.get_change_message()
    assert "new-key-password" not in entry.change_message
