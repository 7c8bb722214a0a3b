"""Parcel Books, registered from its own folder, gets what every target gets: the Type drop-down and the
form's rules, the setup check's local checks, planning, the contract suite; and its own messages."""
import pytest
from django.db import connection

from accounting.models import Office
from exports.connectors import registry
from exports.forms import InvoiceExportForm
from exports.models import AccessToken, CodeTranslation, ExportItem, InvoiceExportSetting, RunStatus
from exports.services.planning import plan_run
from exports.services.setup_check import check_export
from tests.fixtures.contract import contract_targets


@pytest.fixture
def contract_target():
    return "parcelbooks"


def test_the_form_offers_the_type_and_asks_what_its_article_says(db):
    assert ("parcelbooks", "Parcel Books API") in registry.choices()
    form = InvoiceExportForm(data={"name": "PB", "type": "parcelbooks", "encoding": "UTF-8", "report": "",
                                   "request_timeout": 30, "transfer_method": ""})
    assert not form.is_valid()
    assert form.errors["client_identity"] == [
        "Parcel Books API needs Client identity: the client id of the Parcel Books integration (Parcel Books: "
        "connecting an accounting system)."]
    assert "<code>Post</code> (default true)" in str(form.fields["start_text"].help_text)


def test_the_setup_check_applies_its_local_checks(world):
    assert check_export(world.export, world.invoices).ok
    Office.objects.filter(code="TLN").update(iban="")
    CodeTranslation.objects.filter(export=world.export, vat_rate__code="EE24").delete()
    messages = [p.message for p in check_export(world.export, world.invoices, remote=False).blocking]
    assert "Office Tallinna Veod OÜ has no IBAN (Payment tab), and no region IBAN applies." in messages
    assert "Parcel Books: the VAT rate Estonia 24 % has no code on the Codes tab (Tax rates)." in messages


def test_planning_sends_its_group_s_invoices_to_it(world):
    invoice = world.invoices[0]
    customer = invoice.customer
    customer.export_setting = InvoiceExportSetting.objects.get(name="Parcel Books")
    customer.save()
    run = plan_run(invoices=[invoice])
    assert [item.export for item in ExportItem.objects.filter(run=run)] == [world.export]


def test_the_contract_suite_includes_it():
    assert "parcelbooks" in [target.type for target in contract_targets()]


def test_an_access_token_is_stored_encrypted_and_renewed_once_after_a_401(world):
    run = world.run(invoices=world.invoices[:1])
    assert run.status == RunStatus.COMPLETED
    token = AccessToken.objects.get(export=world.export)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM exports_accesstoken WHERE id = %s", [token.pk])
        (raw,) = cursor.fetchone()
    assert token.token and token.token not in raw  # encrypted at rest
    world.sim.tokens.clear()  # the target forgets every token (expired, revoked)
    run = world.run(invoices=world.invoices[1:2])
    assert run.status == RunStatus.COMPLETED
    assert AccessToken.objects.get(pk=token.pk).token != token.token
    assert world.sim.calls.count("POST", "/api/oauth/token") == 2


def test_a_customer_refused_in_a_200_answer_is_its_customer_message(world):
    customer = world.invoices[0].customer
    customer.name = " "
    customer.save()
    run = world.run(invoices=world.invoices[:1])
    item = run.items.get()
    assert item.last_error_code == "parcelbooks.cannot_create_customer"
    assert item.last_error_message == (f"Parcel Books did not accept the customer {customer.code}: A customer "
                                       f"needs a name.")


def test_an_invoice_refused_in_a_200_answer_is_its_invoice_message(world):
    world.sim.configure({"refuse_invoices": "The rows do not match the total."})
    invoice = world.invoices[0]
    run = world.run(invoices=[invoice])
    item = run.items.get()
    assert item.last_error_code == "parcelbooks.cannot_send_invoice"
    assert item.last_error_message == (f"Parcel Books did not accept invoice {invoice.number}: The rows do not "
                                       f"match the total.")
