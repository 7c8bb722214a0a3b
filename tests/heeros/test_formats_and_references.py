"""Finvoice's number, date and reference formats, and the Finnish and RF references (spec part 3)."""
from datetime import date
from decimal import Decimal

import pytest

from accounting import validators
from exports.connectors.heeros.finvoice import formats, references


@pytest.mark.parametrize(("value", "text"), [("1234.5", "1234,50"), ("0", "0,00"), ("-17.005", "-17,01"),
                                             ("1000000", "1000000,00")])
def test_amounts_have_a_decimal_comma_and_two_decimals(value, text):
    assert formats.amount(Decimal(value)) == text


@pytest.mark.parametrize(("value", "text"), [("0.1180", "0,118"), ("100.0000", "100,00"), ("1.57891", "1,57891"),
                                             ("1.578915", "1,57892"), ("42.5", "42,50")])
def test_unit_prices_keep_up_to_five_decimals(value, text):
    assert formats.unit_amount(Decimal(value)) == text


@pytest.mark.parametrize(("value", "text"), [("25.50", "25,5"), ("24.00", "24"), ("0.00", "0"), ("14", "14"),
                                             ("10.00", "10")])
def test_vat_rates_as_finvoice_percentages(value, text):
    assert formats.percentage(Decimal(value)) == text


@pytest.mark.parametrize(("value", "text"), [("1.000", "1"), ("1.500", "1,5"), ("120", "120"), ("-2.000", "-2"),
                                             ("100.000", "100")])
def test_quantities(value, text):
    assert formats.quantity(Decimal(value)) == text


def test_dates_are_ccyymmdd():
    assert formats.date_text(date(2026, 11, 2)) == "20261102"


@pytest.mark.parametrize(("base", "reference"), [("123", "1232"), ("123456", "1234561"), ("100", "1009"),
                                                 ("100045", "1000452"), ("2024000123", "20240001234")])
def test_finnish_references_of_the_worked_examples(base, reference):
    assert validators.make_finnish_reference(base) == reference
    assert references.scheme_of(reference) == references.SPY
    assert references.problem_of(reference) is None


@pytest.mark.parametrize(("national", "rf"), [("539007547034", "RF18539007547034"), ("1234512345", "RF451234512345"),
                                              ("1234561", "RF341234561"), ("1232", "RF111232")])
def test_rf_references_of_the_worked_examples(national, rf):
    assert validators.make_rf_reference(national) == rf
    assert references.scheme_of(rf) == references.ISO
    assert references.scheme_of("rf18 5390 0754 7034") == references.ISO  # printed form, any case


def test_a_wrong_check_digit_is_named_with_the_right_one():
    assert references.problem_of("1000453") == ("The reference 1000453 is not a valid Finnish reference number: "
                                                "its check digit is 3, the 7-3-1 rule gives 2.")
    assert references.problem_of("RF19539007547034").startswith("The reference RF19539007547034 is not a valid RF")
    assert "neither a Finnish reference number" in references.problem_of("ABC-123")
    assert references.scheme_of("1000453") is None
    assert references.problem_of("") is None


def test_an_invoice_without_a_reference_gets_one_built_on_its_number_per_the_office(helsinki):
    (invoice,) = helsinki.invoices(1)
    invoice.reference_number = ""
    assert references.reference_of(invoice) == validators.make_finnish_reference(invoice.number)
    invoice.office.ocr_number_type = "rf"
    assert references.reference_of(invoice) == validators.make_rf_reference(str(invoice.number))
    invoice.office.ocr_number_type = "none"
    assert references.reference_of(invoice) == ""
    invoice.reference_number = "12 34561"
    assert references.reference_of(invoice) == "1234561"
