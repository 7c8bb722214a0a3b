"""How an e-conomic export is set up: the form asks for the agreement grant token only (the app secret token
is the portal's, from its settings), the export's page shows the grant-access link built from the portal's
own public token, and the plan page estimates a run's calls against e-conomic's daily quota."""
import dataclasses

import pytest
from django.urls import reverse

from exports.connectors import registry
from exports.connectors.economic.estimate import estimate_calls
from exports.connectors.economic.settings import app_secret_token
from exports.connectors.economic.target import DEMO_TOKENS, TARGET
from exports.connectors.target import RunSize
from exports.forms import InvoiceExportForm
from exports.models import ExportEvent, InvoiceExport
from tests.economic.conftest import VOUCHERS

FORM = {"name": "Visma e-conomic 2", "type": "economic", "encoding": "UTF-8", "report": "", "request_timeout": "30",
        "transfer_method": "", "is_active": "on"}


def test_the_form_asks_for_the_agreement_grant_token_and_not_the_app_secret_token(db):
    form = InvoiceExportForm(data=FORM)
    assert not form.is_valid()
    assert set(form.errors) == {"api_token"}
    assert "agreement grant token" in form.errors["api_token"][0]
    form = InvoiceExportForm(data={**FORM, "api_token": "grant-from-step-2"})
    assert form.is_valid(), form.errors
    export = form.save()
    assert export.api_token == "grant-from-step-2" and export.password == ""


def test_what_users_see_says_what_the_article_says_and_nothing_unconfirmed(db):
    form = InvoiceExportForm(initial={"type": "economic"})
    assert "Economic units are not exported" in str(form.fields["type"].help_text)
    assert "grant-access link" in str(form.fields["api_token"].help_text)
    assert "<code>voucherAmountSign</code> (default positive)" in str(form.fields["start_text"].help_text)
    shown = " ".join([*(str(f.help_text) for f in form.fields.values()), *TARGET.catalogue.messages.values(),
                      TARGET.start_text.describe()])
    assert "UNCONFIRMED" not in shown.upper()


@pytest.fixture
def admin_page(client, admin_user):
    client.force_login(admin_user)

    def page(export) -> str:
        return client.get(reverse("admin:exports_invoiceexport_change", args=[export.pk])).content.decode()

    return page


def test_the_demo_export_links_to_the_sandbox_grant_page(world, admin_page, settings):
    page = admin_page(world.export)
    url = f"{settings.SANDBOX_URL}/economic/_requestaccess?appPublicToken={DEMO_TOKENS['app_public_token']}"
    assert f'href="{url}"' in page


def test_a_real_export_links_to_e_conomic_with_the_portals_public_token(world, admin_page, settings):
    export = world.export
    export.base_url = ""
    export.save()
    settings.ECONOMIC_APP_PUBLIC_TOKEN = "portal-public-token"
    assert ('href="https://secure.e-conomic.com/secure/api1/requestaccess.aspx?appPublicToken=portal-public-token"'
            in admin_page(export))
    settings.ECONOMIC_APP_PUBLIC_TOKEN = ""
    page = admin_page(export)
    assert "requestaccess.aspx" not in page and "ECONOMIC_APP_PUBLIC_TOKEN" in page


def test_the_real_app_secret_never_goes_to_the_sandbox(world, settings):
    settings.ECONOMIC_APP_SECRET_TOKEN = "the-portals-real-app-secret"
    assert app_secret_token(world.export) == DEMO_TOKENS["app_secret_token"]
    world.export.base_url = "https://restapi.e-conomic.com"
    assert app_secret_token(world.export) == "the-portals-real-app-secret"


def test_the_app_secret_and_the_grant_token_never_reach_the_log(world, settings):
    """An export treated as a real one (not under SANDBOX_URL) sends the portal's own app secret token."""
    secret = "s3cret-app-token-of-the-portal"
    settings.SANDBOX_URL = "http://sandbox.invalid:8765"
    settings.ECONOMIC_APP_SECRET_TOKEN = secret
    world.sim.configure({"app_secret_token": secret})
    run = world.run()
    assert run.exported == len(world.invoices), run.failure_message
    grant = DEMO_TOKENS["agreement_grant_token"]
    for event in ExportEvent.objects.all():
        for text in (event.message, event.excerpt, " ".join(event.params)):
            assert secret not in text and grant not in text
    assert ExportEvent.objects.filter(excerpt__contains="X-AppSecretToken").exists()


# -- calls and the daily quota ------------------------------------------------------------------------------------

@pytest.mark.parametrize("start_text", ["", VOUCHERS], ids=["invoice", "voucher"])
def test_the_estimate_is_not_below_what_a_run_calls(world, start_text):
    world.export.start_text = start_text
    world.export.save()
    run = world.run()
    assert run.exported == len(world.invoices)
    budget = world.target.call_budget(start_text, len(world.invoices),
                                      len({invoice.customer_id for invoice in world.invoices}))
    assert world.sim.calls.total <= budget.calls <= world.sim.calls.total + 10
    assert budget.quota == 50_000 and not budget.exceeds_quota


def test_a_hundred_thousand_invoices_exceed_the_quota():
    assert estimate_calls(RunSize(invoices=100_000, customers=500, start_text={"exportMethod": "voucher"})) > 50_000


def test_the_plan_page_shows_the_estimate_and_warns_over_the_quota(world, client, finance_user, monkeypatch):
    client.force_login(finance_user)
    period = world.invoices[0].period
    page = client.get(reverse("exports:plan"), {"period": period.pk}).content.decode()
    assert "of 50000 a day" in page and "over-quota" not in page
    tight = dataclasses.replace(TARGET, policy=dataclasses.replace(TARGET.policy, daily_call_quota=10))
    monkeypatch.setitem(registry._load(), "economic", tight)
    page = client.get(reverse("exports:plan"), {"period": period.pk}).content.decode()
    export = InvoiceExport.objects.get(type="economic")
    assert f"{export.name}: this export needs about" in page and "more than the 10 calls a day" in page


def test_targets_without_an_estimate_or_with_a_bad_start_text_have_none():
    assert registry.target("efinancials").call_budget("", 10, 2) is None
    assert TARGET.call_budget("exportMethod=maybe", 10, 2) is None
