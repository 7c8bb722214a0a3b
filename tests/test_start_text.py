"""The start-text parser per export type: defaults, values, and errors that name their line."""
import pytest

from exports.start_text import StartTextError, describe_parameters, parse_start_text


def problems_of(export_type, text):
    with pytest.raises(StartTextError) as excinfo:
        parse_start_text(export_type, text)
    return excinfo.value.problems


def test_blank_heeros_start_text_gives_the_defaults():
    assert parse_start_text("xmlserializer", "") == {
        "MoveOnlyToLedger": False, "SendToCustomer": False, "CreateCustomer": True, "UpdateCustomer": True,
        "CreateProduct": True, "UpdateProduct": True, "CreateAccountingObjects": True}


def test_heeros_values_are_read_case_insensitively_with_the_articles_alias():
    values = parse_start_text("xmlserializer", "moveonlytoledge=TRUE\n\n# comment\nCreateProduct = false")
    assert values["MoveOnlyToLedger"] is True
    assert values["CreateProduct"] is False


def test_unknown_parameter_names_the_line_and_the_known_ones():
    [problem] = problems_of("xmlserializer", "CreateCustomer=true\nSendToCustomr=false")
    assert problem.startswith("Line 2: unknown parameter 'SendToCustomr'.")
    assert "SendToCustomer" in problem


def test_bad_boolean_value_names_the_line():
    [problem] = problems_of("xmlserializer", "CreateProduct=yes")
    assert problem == "Line 1: 'yes' is not a valid value for CreateProduct: use true or false."


def test_a_line_without_equals_sign_is_refused():
    [problem] = problems_of("efinancials", "Register")
    assert problem == "Line 1: 'Register' is not of the form parameter=value."


def test_a_parameter_set_twice_is_refused():
    [problem] = problems_of("economic", "exportMethod=voucher\nexportMethod=invoice")
    assert problem == "Line 2: exportMethod is already set on line 1."


def test_every_bad_line_is_reported_at_once():
    problems = problems_of("xmlserializer", "Foo=1\nCreateProduct=maybe\nBar")
    assert [p.split(":")[0] for p in problems] == ["Line 1", "Line 2", "Line 3"]


def test_move_only_to_ledger_and_send_to_customer_contradict():
    [problem] = problems_of("xmlserializer", "MoveOnlyToLedger=true\nSendToCustomer=true")
    assert problem == "Line 2: only one of MoveOnlyToLedger and SendToCustomer can be true."


def test_economic_voucher_method_with_a_journal():
    assert parse_start_text("economic", "exportMethod=voucher\njournalNumber=3") == {
        "exportMethod": "voucher", "journalNumber": 3, "customerGroup": None, "voucherAmountSign": "positive"}


def test_economic_journal_number_needs_the_voucher_method():
    [problem] = problems_of("economic", "journalNumber=1")
    assert problem == "Line 1: journalNumber applies only with exportMethod=voucher."


@pytest.mark.parametrize("value", ["0", "-1", "one"])
def test_economic_journal_number_must_be_positive(value):
    [problem] = problems_of("economic", f"exportMethod=voucher\njournalNumber={value}")
    assert problem.startswith("Line 2:") and "journalNumber" in problem


def test_efinancials_product_code_length_is_checked():
    [problem] = problems_of("efinancials", "ProductCode=" + "X" * 21)
    assert "use 1 to 20 characters" in problem


def test_procountor_product_group_defaults_to_opter_group_and_takes_the_terminology_tag():
    assert parse_start_text("procountor", "")["ProductGroup"] == "OpterGroup"
    assert parse_start_text("procountor", "IES_ProcountorAPIProductGroup=Opter")["ProductGroup"] == "Opter"
    [problem] = problems_of("procountor", "AfterCreate=post")
    assert "use one of none, approve, send" in problem


@pytest.mark.parametrize("text, status", [("", "open"), ("open", "open"), ("unsent", "unsent"),
                                          ("  unsent \n", "unsent")])
def test_netvisor_status_word(text, status):
    assert parse_start_text("netvisor", text) == {"status": status}


@pytest.mark.parametrize("text", ["Open", "sent", "status=open", "open."])
def test_netvisor_refuses_other_words(text):
    [problem] = problems_of("netvisor", text)
    assert problem.startswith("Line 1:")
    assert "lower-case letters" in problem


def test_netvisor_takes_one_line_only():
    [problem] = problems_of("netvisor", "open\nunsent")
    assert problem.startswith("Line 2:")


@pytest.mark.parametrize("export_type, wording", [
    ("xmlserializer", "MoveOnlyToLedger=False"), ("economic", "journalNumber=1"),
    ("netvisor", "open or unsent"), ("procountor", "ProductGroup=OpterGroup"),
])
def test_describe_parameters(export_type, wording):
    assert wording in describe_parameters(export_type)
