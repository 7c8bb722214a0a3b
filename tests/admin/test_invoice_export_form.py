"""Per export type validation of the invoice export form, and its start-text errors."""
import pytest

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
