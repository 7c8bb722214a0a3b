"""Per export type validation of the invoice export form, its start-text errors, and its admin page: the
tabs, the chosen type's fields and help, a typed secret kept across a failed validation."""
import json
import re

import pytest
from django.urls import reverse

from exports.forms import InvoiceExportForm
from exports.models import InvoiceExport
from tests.factories import InvoiceExportFactory

COMMON = {"report": "", "encoding": "UTF-8", "transfer_method": "", "request_timeout": "30",
          "is_active": "on"}

VALID = {
    "efinancials": {"name": "E-Financials (API)", "password": "key-password", "client_identity": "key-id",
                    "client_key": "public-key"},
    "netvisor": {"name": "Netvisor", "user_id": "api-user", "password": "api-key",
                 "office_code": "2077474-0"},
    "procountor": {"name": "Procountor (API)", "password": "api-key"},
    "economic": {"name": "Visma e-conomic", "api_token": "agreement-grant"},
    "xmlserializer": {"name": "Heeros (API)", "customer_code": "1001", "office_code": "2002",
                      "one_file_per_invoice": "on", "transfer_method": "heeros_api",
                      "client_identity": "heeros-user", "client_key": "heeros-password"},
}


def form_data(export_type, **changes):
    data = {**COMMON, "type": export_type, **VALID[export_type], **changes}
    return {key: value for key, value in data.items() if value is not None}


def errors_of(form, field):
    return " ".join(form.errors.get(field, []))


@pytest.mark.parametrize("export_type", list(VALID))
def test_a_complete_export_of_each_type_is_valid_and_saves_its_secrets(db, export_type):
    form = InvoiceExportForm(data=form_data(export_type))
    assert form.is_valid(), form.errors
    export = form.save()
    stored = InvoiceExport.objects.get(pk=export.pk)
    for field in ("password", "client_key", "api_token"):
        assert getattr(stored, field) == VALID[export_type].get(field, "")
        assert (getattr(stored, f"{field}_set_at") is not None) == bool(VALID[export_type].get(field))


@pytest.mark.parametrize("export_type, field, wording", [
    ("efinancials", "password", "API Key Password"),
    ("efinancials", "client_identity", "API Key Id"),
    ("efinancials", "client_key", "API Public Key"),
    ("netvisor", "user_id", "username of the API user account"),
    ("netvisor", "password", "API key of the API user account"),
    ("netvisor", "office_code", "your corporate ID number"),
    ("procountor", "password", "API key created in Procountor"),
    ("economic", "api_token", "agreement grant token"),
    ("xmlserializer", "customer_code", "la_id"),
    ("xmlserializer", "office_code", "tt_id"),
    ("xmlserializer", "client_identity", "Heeros user name"),
    ("xmlserializer", "client_key", "Heeros password"),
])
def test_each_type_requires_its_fields_in_the_articles_words(db, export_type, field, wording):
    form = InvoiceExportForm(data=form_data(export_type, **{field: ""}))
    assert not form.is_valid()
    assert wording in errors_of(form, field)
    assert wording.lower() in str(form.fields[field].help_text).lower()


@pytest.mark.parametrize("export_type", ["efinancials", "procountor", "xmlserializer"])
def test_report_must_be_none_where_the_article_says_so(db, export_type):
    form = InvoiceExportForm(data=form_data(export_type, report="invoice"))
    assert not form.is_valid()
    assert "needs Report None" in errors_of(form, "report")


@pytest.mark.parametrize("export_type", list(VALID))
def test_every_api_type_needs_utf8(db, export_type):
    form = InvoiceExportForm(data=form_data(export_type, encoding="ISO-8859-1"))
    assert not form.is_valid()
    assert "needs Encoding UTF-8" in errors_of(form, "encoding")


def test_heeros_needs_one_file_per_invoice_and_the_heeros_api_method(db):
    form = InvoiceExportForm(data=form_data("xmlserializer", one_file_per_invoice=None, transfer_method=""))
    assert not form.is_valid()
    assert "One file per invoice ticked" in errors_of(form, "one_file_per_invoice")
    assert "Method Heeros API" in errors_of(form, "transfer_method")


def test_the_heeros_method_is_refused_for_other_types(db):
    from exports.connectors import registry
    from exports.services.configuration import transfer_method_problem

    problem = transfer_method_problem(registry.target("netvisor"), "heeros_api")
    assert problem.message == "Method Heeros API is not used by the type Netvisor API: choose None (API type)."


def test_a_field_the_type_does_not_use_is_ignored_and_gets_its_default(db):
    """Netvisor has no Method: a Heeros method left in the page (the type was switched) is not stored."""
    form = InvoiceExportForm(data=form_data("netvisor", transfer_method="heeros_api", customer_code="la-1",
                                            one_file_per_invoice="on", report="invoice"))
    assert form.is_valid(), form.errors
    export = form.save()
    assert (export.transfer_method, export.customer_code, export.one_file_per_invoice, export.report) == \
        ("", "", False, "")
    assert export.office_code == "2077474-0"  # what Netvisor uses is kept


def test_an_unused_field_with_an_invalid_value_raises_no_error(db):
    form = InvoiceExportForm(data=form_data("economic", transfer_method="no-such-method", encoding="UTF-8"))
    assert form.is_valid(), form.errors


def test_a_secret_the_type_does_not_use_is_neither_taken_nor_discarded(db):
    export = InvoiceExportFactory(name="Visma e-conomic", type="economic", password="old-password",
                                  client_key="", api_token="grant")
    form = InvoiceExportForm(instance=export, data=form_data("economic", api_token="", password="typed"))
    assert form.is_valid(), form.errors
    form.save()
    export.refresh_from_db()
    assert (export.password, export.api_token) == ("old-password", "grant")


def test_netvisor_office_code_must_be_a_valid_finnish_business_id(db):
    form = InvoiceExportForm(data=form_data("netvisor", office_code="2077474-1"))
    assert not form.is_valid()
    assert "not a valid Finnish business ID" in errors_of(form, "office_code")


def test_a_stored_secret_counts_as_present_when_the_input_is_left_blank(db):
    export = InvoiceExportFactory(name="E-Financials (API)")
    form = InvoiceExportForm(instance=export, data=form_data("efinancials", password="", client_key=""))
    assert form.is_valid(), form.errors
    form.save()
    export.refresh_from_db()
    assert export.password == "api-key-password"
    assert export.client_key == "public-api-key"


def test_clearing_a_required_secret_is_refused_with_the_articles_words(db):
    export = InvoiceExportFactory(name="E-Financials (API)")
    form = InvoiceExportForm(instance=export, data=form_data("efinancials", password="", password_clear="on"))
    assert not form.is_valid()
    assert "API Key Password" in errors_of(form, "password")
    export.refresh_from_db()
    assert export.password == "api-key-password"


def test_clearing_a_secret_the_type_does_not_need_removes_it(db):
    export = InvoiceExportFactory(name="Netvisor", type="netvisor", user_id="api-user",
                                  office_code="2077474-0", password="api-key", client_key="left-over")
    form = InvoiceExportForm(instance=export, data=form_data("netvisor", password="", client_key_clear="on"))
    assert form.is_valid(), form.errors
    form.save()
    export.refresh_from_db()
    assert export.client_key == ""
    assert export.client_key_set_at is None
    assert export.password == "api-key"


def test_typing_a_value_and_ticking_clear_is_refused(db):
    export = InvoiceExportFactory(name="E-Financials (API)")
    data = form_data("efinancials", password="new", password_clear="on")
    form = InvoiceExportForm(instance=export, data=data)
    assert not form.is_valid()
    assert "not both" in errors_of(form, "password")


# --- Start text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("export_type, own, others", [
    ("xmlserializer", "MoveOnlyToLedger", ["exportMethod", "Open or unsent", "TemplateId"]),
    ("economic", "exportMethod", ["MoveOnlyToLedger", "Open or unsent"]),
    ("netvisor", "Open or unsent", ["MoveOnlyToLedger", "exportMethod"]),
])
def test_start_text_help_lists_the_parameters_of_the_chosen_type_only(db, export_type, own, others):
    help_text = str(InvoiceExportForm(initial={"type": export_type}).fields["start_text"].help_text)
    assert own in help_text
    for other in others:
        assert other not in help_text


def test_start_text_unknown_parameter_names_its_line(db):
    text = "CreateCustomer=true\nSendToCustomr=false"
    form = InvoiceExportForm(data=form_data("xmlserializer", start_text=text))
    assert not form.is_valid()
    assert errors_of(form, "start_text").startswith("Line 2: unknown parameter 'SendToCustomr'")


def test_start_text_bad_value_names_its_line(db):
    text = "exportMethod=voucher\njournalNumber=zero"
    form = InvoiceExportForm(data=form_data("economic", start_text=text))
    assert not form.is_valid()
    assert "Line 2: 'zero' is not a valid value for journalNumber" in errors_of(form, "start_text")


def test_start_text_each_problem_is_its_own_error(db):
    form = InvoiceExportForm(data=form_data("xmlserializer", start_text="Foo=1\nCreateProduct=maybe"))
    assert not form.is_valid()
    assert len(form.errors["start_text"]) == 2


def test_start_text_move_only_to_ledger_contradicts_send_to_customer(db):
    text = "MoveOnlyToLedger=true\nSendToCustomer=true"
    form = InvoiceExportForm(data=form_data("xmlserializer", start_text=text))
    assert not form.is_valid()
    assert "only one of MoveOnlyToLedger and SendToCustomer can be true" in errors_of(form, "start_text")


def test_start_text_accepts_the_heeros_articles_example(db):
    text = ("MoveOnlyToLedger=true\nSendToCustomer=false\nCreateCustomer=true\nUpdateCustomer=true\n"
            "CreateProduct=true\nUpdateProduct=true\nCreateAccountingObjects=true")
    form = InvoiceExportForm(data=form_data("xmlserializer", start_text=text))
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("text, valid", [("open", True), ("unsent", True), ("", True), ("Open", False),
                                         ("status=open", False), ("sent", False)])
def test_start_text_netvisor_takes_one_status_word(db, text, valid):
    form = InvoiceExportForm(data=form_data("netvisor", start_text=text))
    assert form.is_valid() is valid
    if not valid:
        assert errors_of(form, "start_text").startswith("Line 1:")


# --- The admin page: tabs, the chosen type's fields, a typed secret kept across a failed validation ------

ADD_URL = "admin:exports_invoiceexport_add"
INLINE = {"codes-TOTAL_FORMS": "0", "codes-INITIAL_FORMS": "0", "codes-MIN_NUM_FORMS": "0",
          "codes-MAX_NUM_FORMS": "1000"}
TYPED_PASSWORD = "typed-API-key-password-4711"
TYPED_CLIENT_KEY = "typed-public-key-0815"


def page_data(export_type, **changes):
    return {**INLINE, **form_data(export_type, **changes)}


def kept_key(html: str) -> str:
    return re.search(r'name="kept_secrets_key" value="([^"]+)"', html).group(1)


def row(html: str, field: str) -> str:
    """The opening tag of a field's row on the page."""
    return re.search(rf'<div class="form-row[^"]*"\s+data-field="{field}"[^>]*>', html).group(0)


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_typed_secret_survives_an_error_in_another_field_and_is_saved_with_the_fix(as_admin):
    first = as_admin.post(reverse(ADD_URL), page_data("efinancials", password=TYPED_PASSWORD,
                                                      client_key=TYPED_CLIENT_KEY, encoding="ISO-8859-1"))
    assert first.status_code == 200
    html = first.content.decode()
    assert "needs Encoding UTF-8" in html
    assert TYPED_PASSWORD not in html and TYPED_CLIENT_KEY not in html
    assert "The password you typed is kept; leave the field empty to keep it." in html
    assert "The client key you typed is kept; leave the field empty to keep it." in html
    # Only ciphertext is in the session, under the form's key.
    session_data = json.dumps(dict(as_admin.session))
    assert TYPED_PASSWORD not in session_data and TYPED_CLIENT_KEY not in session_data
    assert kept_key(html) in session_data

    second = as_admin.post(reverse(ADD_URL), page_data("efinancials", password="", client_key="",
                                                       kept_secrets_key=kept_key(html)))
    assert second.status_code == 302, second.context["adminform"].form.errors
    export = InvoiceExport.objects.get(name="E-Financials (API)")
    assert (export.password, export.client_key) == (TYPED_PASSWORD, TYPED_CLIENT_KEY)
    assert export.password_set_at is not None
    # Saved: nothing of the form stays in the session.
    assert kept_key(html) not in json.dumps(dict(as_admin.session))


def test_a_secret_typed_again_replaces_the_kept_one(as_admin):
    first = as_admin.post(reverse(ADD_URL), page_data("efinancials", password=TYPED_PASSWORD, name=""))
    key = kept_key(first.content.decode())
    as_admin.post(reverse(ADD_URL), page_data("efinancials", password="second-try", kept_secrets_key=key))
    assert InvoiceExport.objects.get(name="E-Financials (API)").password == "second-try"


def test_a_kept_secret_is_not_applied_to_another_export(as_admin):
    first = as_admin.post(reverse(ADD_URL), page_data("efinancials", password=TYPED_PASSWORD, name=""))
    key = kept_key(first.content.decode())
    other = InvoiceExportFactory(name="Other E-Financials")
    response = as_admin.post(reverse("admin:exports_invoiceexport_change", args=[other.pk]),
                             page_data("efinancials", name="Other E-Financials", password="",
                                       kept_secrets_key=key))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.password == "api-key-password"


def test_without_a_kept_key_a_missing_secret_is_asked_for_again(as_admin):
    first = as_admin.post(reverse(ADD_URL), page_data("efinancials", password=TYPED_PASSWORD, name=""))
    assert first.status_code == 200
    second = as_admin.post(reverse(ADD_URL), page_data("efinancials", password=""))
    assert second.status_code == 200
    assert "API Key Password" in " ".join(second.context["adminform"].form.errors["password"])


def test_the_tab_holding_the_error_is_marked(as_admin):
    response = as_admin.post(reverse(ADD_URL), page_data("efinancials", client_identity=""))
    tabs = {tab.slug: tab.has_errors for tab in response.context["export_tabs"]}
    assert tabs == {"general": False, "file-transfer": True, "codes": False}
    html = response.content.decode()
    assert re.search(r'class="export-tab has-errors"[^>]*data-tab="file-transfer"', html)
    assert 'id="export-panel-file-transfer" role="tabpanel" aria-labelledby="export-tab-file-transfer" ' \
           'data-tab-panel="file-transfer" data-has-errors="true"' in html


def test_a_code_row_with_an_error_marks_the_codes_tab(as_admin):
    data = page_data("netvisor", **{"codes-TOTAL_FORMS": "1", "codes-0-kind": "tax_rate", "codes-0-code": "KOMY"})
    response = as_admin.post(reverse(ADD_URL), data)
    assert response.status_code == 200
    tabs = {tab.slug: tab.has_errors for tab in response.context["export_tabs"]}
    assert tabs == {"general": False, "file-transfer": False, "codes": True}


def test_without_the_script_every_section_has_its_heading_and_the_types_fields(as_admin):
    export = InvoiceExportFactory(name="Netvisor", type="netvisor", user_id="api-user", office_code="2077474-0")
    html = as_admin.get(reverse("admin:exports_invoiceexport_change", args=[export.pk])).content.decode()
    assert '<h2 id="fieldset-0-0-heading" class="fieldset-heading">General</h2>' in html
    assert '<h2 id="fieldset-0-1-heading" class="fieldset-heading">File transfer</h2>' in html
    assert 'id="export-panel-codes"' in html
    assert "data-export-tabs hidden" in html  # the tab bar waits for the script
    for used in ("name", "user_id", "password", "office_code", "start_text", "client_identity", "parallel_calls"):
        assert " hidden" not in row(html, used), used
    for unused in ("customer_code", "api_token", "one_file_per_invoice", "transfer_method", "report"):
        assert row(html, unused).endswith(" hidden>"), unused
    assert "The username of the API user account created in Netvisor" in html
    # Another type's help is only in the data the script reads, not on the page.
    page_text = re.sub(r'<script id="export-type-layouts".*?</script>', "", html, flags=re.S)
    assert "tt_id" not in page_text and "API Key Password" not in page_text


def test_the_page_carries_each_types_fields_and_help_for_the_type_switch(as_admin):
    html = as_admin.get(reverse(ADD_URL)).content.decode()
    layouts = json.loads(re.search(r'<script id="export-type-layouts" type="application/json">(.*?)</script>',
                                   html, re.S).group(1))["types"]
    assert set(layouts) >= {"", "efinancials", "netvisor", "procountor", "economic", "xmlserializer"}
    heeros, netvisor = layouts["xmlserializer"], layouts["netvisor"]
    assert "transfer_method" in heeros["shown"] and "transfer_method" not in netvisor["shown"]
    assert "user_id" in netvisor["required"] and "user_id" not in heeros["shown"]
    assert any("tt_id" in text for text in heeros["help"]["office_code"]["paragraphs"])
    assert any("business ID" in text for text in netvisor["help"]["office_code"]["paragraphs"])
    assert "MoveOnlyToLedger" in [row[0] for row in heeros["help"]["start_text"]["parameters"]]
    assert "Blank = 1 at a time for Netvisor API." in netvisor["help"]["parallel_calls"]["paragraphs"]
    assert layouts[""]["shown"] == ["name", "office", "type", "is_active", "base_url", "request_timeout",
                                    "parallel_calls"]


def test_beside_an_error_the_help_does_not_repeat_it(db):
    form = InvoiceExportForm(data=form_data("efinancials", encoding="ISO-8859-1"))
    assert not form.is_valid()
    [error] = form.errors["encoding"]
    assert error.startswith("E-Financials needs Encoding UTF-8")
    assert error not in str(form.fields["encoding"].help_text)
    assert "E-Financials needs Report None" in str(form.fields["report"].help_text)  # no error there
