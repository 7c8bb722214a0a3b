"""What a cell may hold: formulas are neutralised on export and refused on import, numbers are read
as people here write them, and Estonian, Finnish and Danish letters survive CSV and XLSX."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from accounting.models import Account, ExchangeRate, PaymentCondition, VatRate
from accounting.resources import (
    AccountResource,
    ExchangeRateResource,
    InvoiceLineResource,
    PaymentConditionResource,
    VatRateResource,
)
from customers.models import Customer
from customers.resources import CustomerResource
from portal.importexport import cell_text, neutralise, parse_decimal
from tests.factories import AccountFactory, CurrencyFactory, InvoiceLineFactory, OfficeFactory

from .helpers import export_file, import_file, problems, read_file

FORMULAS = ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTab",
            "\rReturn"]
LETTERS = "Õun ja äädikas, Öökülm, Über, Šokolaad, Žalusiid, Århus, Æble, Søndergaard"


def xlsx_cells(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def xlsx_file(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Formulas ---------------------------------------------------------------------------------------


def test_neutralise_prefixes_a_quote_to_every_formula_start():
    assert [neutralise(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert neutralise("Plain text - with a dash") == "Plain text - with a dash"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_text_cells_are_neutralised(db, fmt):
    for number, description in enumerate(FORMULAS, start=1000):
        Account.objects.create(number=str(number), description=description)

    data = export_file(AccountResource, fmt)

    dataset = read_file(data, fmt)
    assert sorted(dataset["description"]) == sorted("'" + v for v in FORMULAS)
    if fmt == "xlsx":  # not one cell became a formula in the workbook
        assert all(not str(value).startswith("=") for row in xlsx_cells(data) for value in row if value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_negative_numbers_are_numbers_not_formulas(db, fmt):
    InvoiceLineFactory(quantity=Decimal("-2.000"), unit_price=Decimal("6.25"), amount=Decimal("-12.50"))

    data = export_file(InvoiceLineResource, fmt)

    row = read_file(data, fmt).dict[0]
    if fmt == "csv":
        assert (row["amount"], row["quantity"]) == ("-12.50", "-2.000")
    else:
        assert (row["amount"], row["quantity"]) == (-12.5, -2)


def test_formulas_in_text_columns_are_refused_with_a_row_error(db):
    data = "number,description\n" + "".join(f"{1000 + i},\"{v}\"\n" for i, v in enumerate(FORMULAS[:4]))

    result = import_file(AccountResource, data)

    found = problems(result)
    assert sorted(found) == [1, 2, 3, 4]
    assert all(messages[0].startswith("description: ") and "looks like a spreadsheet formula" in messages[0]
               for messages in found.values())
    assert not Account.objects.exists()


def test_an_xlsx_formula_cell_is_refused_not_replaced_by_its_result(db):
    data = xlsx_file([["number", "description"], ["1210", "=1+1"], ["1220", "Receivables"]])

    result = import_file(AccountResource, data, "xlsx")

    assert problems(result) == {
        1: ["description: '=1+1' looks like a spreadsheet formula; remove the leading '='."]}
    assert not Account.objects.exists()


def test_a_formula_in_a_number_column_is_refused(db):
    result = import_file(PaymentConditionResource, "name,days\n14 days,=7*2\n")
    assert problems(result) == {1: ["days: '=7*2' looks like a spreadsheet formula; type the number itself."]}


def test_our_own_neutralised_text_reads_back_as_the_text(db):
    Account.objects.create(number="4000", description="- discount on freight")
    data = export_file(AccountResource)
    Account.objects.all().delete()

    assert problems(import_file(AccountResource, data)) == {}
    assert Account.objects.get().description == "- discount on freight"


def test_a_code_never_starts_with_a_formula_character_even_quoted():
    with pytest.raises(ValueError, match="looks like a spreadsheet formula"):
        cell_text("'=1+1", quoted_text_allowed=False)
    assert cell_text("'=1+1") == "=1+1"


def test_a_related_row_named_by_a_formula_is_refused(db):
    AccountFactory(number="3100")
    result = import_file(VatRateResource, "code,name,percentage,sales_account\nEE24,Std,24,'=3100\n")
    assert problems(result)[1][0].startswith("sales_account: '=3100' looks like a spreadsheet formula")


# --- Numbers, dates and yes/no -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("24,5", "24.5"), ("24.5", "24.5"), ("1 234,56", "1234.56"), ("1\u00a0234,56", "1234.56"),
    ("1\u202f234,56", "1234.56"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("-12,50", "-12.50"),
    ("\u22123,5", "-3.5"), ("+7", "7"), ("0,000001", "0.000001"), (" 25,50 ", "25.50"), (24.5, "24.5"),
    (14, "14"),
])
def test_decimal_commas_and_points_are_read_as_written(text, number):
    assert parse_decimal(text) == Decimal(number)


@pytest.mark.parametrize("text", ["abc", "24,5%", "1 2 3,4.5.6", "--3", "12e3"])
def test_text_that_is_no_number_is_an_error(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_decimal(text)


def test_a_semicolon_csv_with_decimal_commas_imports(db):
    AccountFactory(number="3000")
    CurrencyFactory(code="DKK", name="Danish krone")
    vat_csv = "code;name;percentage;sales_account\r\nFI25.5;Finland 25,5 %;25,5;3000\r\n"
    rate_csv = "currency;valid_from;rate\nDKK;01.11.2026;0,134020\n"

    assert problems(import_file(VatRateResource, vat_csv)) == {}
    assert problems(import_file(ExchangeRateResource, rate_csv)) == {}

    assert VatRate.objects.get().percentage == Decimal("25.50")
    rate = ExchangeRate.objects.get()
    assert (rate.valid_from, rate.rate) == (date(2026, 11, 1), Decimal("0.134020"))


def test_yes_and_no_in_the_users_languages(db):
    data = "name,days,count_from_last_day_of_month\nA,1,jah\nB,2,ei\nC,3,kyllä\nD,4,nej\nE,5,\n"

    assert problems(import_file(PaymentConditionResource, data)) == {}

    assert dict(PaymentCondition.objects.values_list("name", "count_from_last_day_of_month")) == {
        "A": True, "B": False, "C": True, "D": False, "E": False}


def test_a_whole_number_column_refuses_fractions(db):
    result = import_file(PaymentConditionResource, "name,days\n14 days,\"14,5\"\n")
    assert problems(result) == {1: ["days: '14,5' is not a whole number."]}


# --- Letters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_estonian_finnish_and_danish_letters_survive_export_and_import(db, fmt):
    office = OfficeFactory()
    Account.objects.create(number="3100", description=LETTERS)
    Customer.objects.create(office=office, code="CPH-AEROF", name="Ærø Fiskeeksport ApS", country="DK",
                            invoice_city="Ærøskøbing", invoice_address="Søndre Fasanvej 12")

    accounts, customers = export_file(AccountResource, fmt), export_file(CustomerResource, fmt)
    if fmt == "csv":
        assert accounts.startswith("\ufeff".encode())  # the BOM tells Excel the file is UTF-8
        assert LETTERS in accounts.decode("utf-8-sig")
    Customer.objects.all().delete()
    Account.objects.all().delete()

    assert problems(import_file(AccountResource, accounts, fmt)) == {}
    assert problems(import_file(CustomerResource, customers, fmt)) == {}

    assert Account.objects.get().description == LETTERS
    customer = Customer.objects.get()
    assert (customer.name, customer.invoice_city, customer.invoice_address) == (
        "Ærø Fiskeeksport ApS", "Ærøskøbing", "Søndre Fasanvej 12")


def test_a_control_character_does_not_stop_an_xlsx_export(db):
    Account.objects.create(number="3100", description="Pasted\x01from a terminal")

    row = read_file(export_file(AccountResource, "xlsx"), "xlsx").dict[0]

    assert row["description"] == "Pasted\ufffdfrom a terminal"
