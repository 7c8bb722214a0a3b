"""Identifier validators with real, checksum-valid examples and near misses (one digit off)."""
import pytest
from django.core.exceptions import ValidationError

from accounting import validators as v


def assert_refused(validator, value, wording):
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    assert wording in excinfo.value.messages[0]


@pytest.mark.parametrize("value", ["10137025", "12345678", "70000740"])
def test_valid_estonian_registry_codes(value):
    v.validate_estonian_registry_code(value)


@pytest.mark.parametrize("value", ["10137026", "11111111", "1013702", "ABCDEFGH"])
def test_invalid_estonian_registry_codes(value):
    assert_refused(v.validate_estonian_registry_code, value, "not a valid Estonian registry code")


@pytest.mark.parametrize("value", ["2077474-0", "0112038-9", "1572860-0"])
def test_valid_finnish_business_ids(value):
    v.validate_finnish_business_id(value)


@pytest.mark.parametrize("value", ["2077474-1", "0112038-8", "207747-0"])
def test_invalid_finnish_business_ids(value):
    assert_refused(v.validate_finnish_business_id, value, "not a valid Finnish business ID")


@pytest.mark.parametrize("value", ["EE100247019", "FI20774740", "DK13585628", "SE556188840401", ""])
def test_valid_eu_vat_numbers(value):
    v.validate_vat_number(value)


@pytest.mark.parametrize("value", ["EE100247018", "FI20774741", "DK13585627", "100247019", "XX123"])
def test_invalid_eu_vat_numbers(value):
    assert_refused(v.validate_vat_number, value, "not a valid EU VAT registration number")


@pytest.mark.parametrize("value", ["EE382200221020145685", "FI2112345600000785", "DE89370400440532013000",
                                   "EE38 2200 2210 2014 5685", ""])
def test_valid_ibans(value):
    v.validate_iban(value)


@pytest.mark.parametrize("value", ["EE382200221020145684", "FI2112345600000786", "EE3822002210201456"])
def test_invalid_ibans(value):
    assert_refused(v.validate_iban, value, "not a valid IBAN")


@pytest.mark.parametrize("value", ["1232", "12345672", "12 34561", "RF18539007547034", "RF18 5390 0754 7034"])
def test_valid_reference_numbers(value):
    v.validate_reference_number(value)


@pytest.mark.parametrize("value, wording", [
    ("1233", "not a valid Finnish reference number"),
    ("12345671", "not a valid Finnish reference number"),
    ("123", "not a valid Finnish reference number"),
    ("RF19539007547034", "not a valid RF creditor reference"),
    ("RF18539007547035", "not a valid RF creditor reference"),
])
def test_invalid_reference_numbers(value, wording):
    assert_refused(v.validate_reference_number, value, wording)


def test_built_references_are_valid():
    finnish = v.make_finnish_reference(1234567)
    assert finnish == "12345672"
    assert v.is_valid_finnish_reference(finnish)
    rf = v.make_rf_reference(finnish)
    v.validate_reference_number(rf)
    assert rf.startswith("RF") and rf.endswith(finnish)


@pytest.mark.parametrize("country, value, valid", [
    ("EE", "10137025", True), ("EE", "10137026", False),
    ("FI", "2077474-0", True), ("FI", "2077474-1", False),
    ("DK", "13585628", True), ("DK", "13585627", False),
    ("SE", "anything", True),  # no checksum known for the country: not checked
])
def test_corporate_id_is_checked_per_country(country, value, valid):
    assert (v.corporate_id_problem(value, country) is None) is valid
    if valid:
        v.validate_corporate_id_for_country(value, country)
    else:
        with pytest.raises(ValidationError) as excinfo:
            v.validate_corporate_id_for_country(value, country)
        assert "corporate_id" in excinfo.value.message_dict


@pytest.mark.parametrize("value, valid", [("HABAEE2X", True), ("NDEAFIHHXXX", True), ("HABA", False)])
def test_bic(value, valid):
    if valid:
        v.validate_bic(value)
    else:
        assert_refused(v.validate_bic, value, "not a valid BIC")


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx"])
def test_spreadsheet_formulas_are_refused(value):
    assert_refused(v.refuse_formula, value, "looks like a spreadsheet formula")


# --- Countries (ISO 3166, by pycountry) and which VAT number rule failed (python-stdnum's exceptions) ----


@pytest.mark.parametrize("value", ["EE", "ee", " Fi ", "dk", "GR", "GB", ""])
def test_country_codes_of_any_case_are_accepted(value):
    v.validate_country_code(value)


@pytest.mark.parametrize("value, normalised", [("ee", "EE"), (" Fi ", "FI"), ("DK", "DK"), ("", "")])
def test_country_codes_are_normalised_to_upper_case(value, normalised):
    assert v.normalise_country_code(value) == normalised


@pytest.mark.parametrize("value, wording", [
    ("XX", "XX is not an ISO 3166 country code: no country has this code"),
    ("QZ", "QZ is not an ISO 3166 country code"),
    ("UK", "use GB for United Kingdom"),
    ("EL", "use GR for Greece"),
    ("E1", "E1 is not a country code: use the two-letter ISO 3166 code"),
    ("EST", "EST is not a country code"),
])
def test_unknown_country_codes_are_refused_with_what_to_use(value, wording):
    assert_refused(v.validate_country_code, value, wording)


@pytest.mark.parametrize("value, rule", [
    ("EE100247018", "its check digit is wrong"),  # one digit off: the format is right
    ("FI20774741", "its check digit is wrong"),
    ("DK13585627", "its check digit is wrong"),
    ("EE10024701", "it has the wrong number of characters (VAT registration numbers of Estonia are EE "
                   "followed by 9 digits"),
    ("FI2077474", "VAT registration numbers of Finland are FI followed by 8 digits"),
    ("EEABCDEFGHI", "its format is wrong (VAT registration numbers of Estonia are EE followed by 9 digits"),
    ("XX123", "it must start with the code of an EU country"),
    ("100247019", "it must start with the code of an EU country"),
])
def test_vat_number_messages_name_the_rule_that_failed(value, rule):
    assert_refused(v.validate_vat_number, value, rule)
    if "check digit" not in rule:
        assert "check digit" not in v.vat_number_problem(value)


def test_a_vat_number_with_a_bad_check_digit_is_not_called_badly_formatted():
    problem = v.vat_number_problem("EE100247018")
    assert "check digit" in problem and "format is right" in problem
    assert "format is wrong" not in problem


@pytest.mark.parametrize("value, normalised", [("ee 100 247 019", "EE100247019"), ("fi 2077 4740", "FI20774740"),
                                               ("", "")])
def test_vat_numbers_are_normalised_compact_and_upper_case(value, normalised):
    assert v.normalise_vat_number(value) == normalised
