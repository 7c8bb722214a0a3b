"""A file with one bad row imports nothing and says which row, which column and what is wrong."""
import pytest

from accounting.models import Account, AccountCodingChart, EconomicUnit, VatRate
from accounting.resources import (
    AccountCodingChartResource,
    AccountResource,
    EconomicUnitResource,
    VatRateResource,
)
from customers.models import Customer
from customers.resources import CustomerResource
from portal.importexport import failed_rows_dataset
from tests.factories import AccountCodingChartFactory, AccountFactory, CustomerFactory, OfficeFactory, VatRateFactory

from .helpers import import_file, problems

CUSTOMERS = """code,name,office,corporate_id,country,vat_number
C-1,Põhja Puit OÜ,TLN,12905545,EE,EE107576178
C-2,Vigane Kood OÜ,TLN,12905546,EE,
C-3,Lõuna Külmhoone AS,TLN,11240316,EE,EE108466863
"""


@pytest.fixture
def office(db):
    return OfficeFactory()


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_bad_registry_code_imports_nothing_and_names_the_column(office, dry_run):
    existing = CustomerFactory(office=office, code="C-3", name="Old name")

    result = import_file(CustomerResource, CUSTOMERS, dry_run=dry_run)

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert list(invalid.field_specific_errors) == ["corporate_id"]
    [message] = invalid.field_specific_errors["corporate_id"]
    assert "12905546 is not a valid Estonian registry code" in message
    assert problems(result)[2][0].startswith("corporate_id: 12905546 is not a valid Estonian registry code")
    # The good rows are not imported either, and the existing customer keeps its name.
    assert list(Customer.objects.values_list("code", flat=True)) == ["C-3"]
    existing.refresh_from_db()
    assert existing.name == "Old name"
    # Every row has its outcome, the bad one included.
    assert [(r.number, r.import_type) for r in result.rows] == [(1, "new"), (2, "invalid"), (3, "update")]


def test_an_unknown_account_names_the_column_and_the_account(db):
    AccountFactory(number="3100")
    data = "code,name,percentage,sales_account\nEE24,Estonia 24 %,24,3100\nEE9,Estonia 9 %,9,9999\n"

    result = import_file(VatRateResource, data)

    assert problems(result) == {2: ["sales_account: Unknown account '9999': add it first, or import its file "
                                    "before this one."]}
    assert not VatRate.objects.exists()


def test_a_vat_rate_needs_a_sales_account(db):
    data = "code,name,percentage,sales_account\nEE0,Zero,0,\n"

    result = import_file(VatRateResource, data)

    [message] = problems(result)[1]
    assert message.startswith("sales_account: A VAT rate needs a sales account")
    assert not VatRate.objects.exists()


def test_a_bad_value_in_a_column_names_that_column(db):
    data = "number,description,is_active\n1210,Receivables,maybe\n12 10,Spaces,1\n"

    result = import_file(AccountResource, data)

    assert problems(result) == {
        1: ["is_active: 'maybe' is not yes or no: write 1 or 0 (also true/false, jah/ei, kyllä/ei, ja/nej)."],
        2: ["number: '12 10' is not an account number: use digits (and letters), e.g. 1210 or 3100, "
            "no spaces."],
    }
    assert not Account.objects.exists()


def test_a_missing_key_column_is_reported_and_imports_nothing(db):
    result = import_file(AccountResource, "description\nReceivables\n")

    assert result.has_errors()
    assert "number" in str(result.base_errors[0].error)
    assert not Account.objects.exists()


def test_the_failed_rows_file_has_the_rows_as_written_with_their_messages(office):
    result = import_file(CustomerResource, CUSTOMERS, dry_run=True)

    failed = failed_rows_dataset(result)

    assert failed.headers == ["code", "name", "office", "corporate_id", "country", "vat_number", "import row",
                              "import errors"]
    [row] = failed.dict
    assert row["code"] == "C-2" and row["name"] == "Vigane Kood OÜ" and row["corporate_id"] == "12905546"
    assert row["import row"] == 2
    assert row["import errors"].startswith("corporate_id: 12905546 is not a valid Estonian registry code")


def test_a_failed_rows_file_is_neutralised_like_any_export(db):
    VatRateFactory()
    result = import_file(AccountResource, "number,description\n=1+1,=HYPERLINK(\"http://x\")\n")

    [row] = failed_rows_dataset(result).dict
    assert row["number"] == "'=1+1" and row["description"] == "'=HYPERLINK(\"http://x\")"
    assert row["import errors"].startswith("number: '=1+1' looks like a spreadsheet formula")


def test_a_key_named_twice_in_one_file_is_an_error_of_the_later_row(db):
    data = "number,description\n1210,Receivables\n3100,Sales\n1210,Receivables again\n"

    result = import_file(AccountResource, data)

    assert problems(result) == {3: ["number: Row 1 has the same number: name each row once in a file."]}
    assert not Account.objects.exists()


def test_an_economic_unit_names_its_parent_by_level_and_code(office):
    data = ("office,level,code,name,parent_level,parent_code\n"
            "TLN,1,P100,Distribution,,\n"
            "TLN,2,D7,Cold chain,1,P100\n"
            "TLN,2,D8,Frozen,1,P999\n"
            "TLN,2,D9,Chilled,,P100\n")

    result = import_file(EconomicUnitResource, data)

    assert problems(result) == {
        3: ["parent_code: Unknown parent unit 'P999' (office 'TLN', parent_level '1'): add it first, or import "
            "its file before this one."],
        4: ["parent_code: Unknown parent unit 'P100' (office 'TLN', parent_level ''): add it first, or import "
            "its file before this one.", "parent_level: Enter the level of the parent unit (1-5)."],
    }
    assert not EconomicUnit.objects.exists()
    fixed = data.replace("P999", "P100").replace("TLN,2,D9,Chilled,,P100", "TLN,2,D9,Chilled,1,P100")
    assert problems(import_file(EconomicUnitResource, fixed)) == {}
    assert {u.code: u.parent and u.parent.code for u in EconomicUnit.objects.all()} == {
        "P100": None, "D7": "P100", "D8": "P100", "D9": "P100"}


def test_one_default_chart_and_the_file_can_move_it(db):
    AccountCodingChartFactory(name="Old", is_default=True)

    wrong = import_file(AccountCodingChartResource, "name,is_default\nNew,1\n")
    moved = import_file(AccountCodingChartResource, "name,is_default\nOld,0\nNew,1\n")

    assert problems(wrong) == {1: ["is_default: Old is the default already: there is one default, so untick it "
                                   "in an earlier row of this file (or in the admin) first."]}
    assert problems(moved) == {}
    assert list(AccountCodingChart.objects.filter(is_default=True).values_list("name", flat=True)) == ["New"]
