"""Credentials never leave or enter through a spreadsheet."""
import pytest

from exports.models import SECRET_FIELDS, InvoiceExport
from exports.resources import InvoiceExportResource

from .helpers import export_file, import_file, problems, read_file


def test_the_export_resource_has_no_secret_columns():
    columns = set(InvoiceExportResource().get_export_headers()) | set(InvoiceExportResource.fields)
    secrets = {f"{name}{suffix}" for name in SECRET_FIELDS for suffix in ("", "_set_at")}
    assert columns & secrets == set()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_files_hold_no_secret_value(demo, fmt):
    values = [value for export in InvoiceExport.objects.all() for value in export.secret_values()]
    assert len(values) >= 5

    dataset = read_file(export_file(InvoiceExportResource, fmt), fmt)

    text = "\n".join(str(cell) for row in dataset for cell in row)  # an XLSX file is zipped: read its cells
    assert "E-Financials (API)" in text
    for value in values:
        assert value not in text


def test_secret_columns_in_an_imported_file_are_ignored(demo):
    efinancials = InvoiceExport.objects.get(name="E-Financials (API)")
    before = efinancials.secret_values()
    data = ("name,type,password,client_key,api_token\n"
            "E-Financials (API),efinancials,stolen,stolen,stolen\n"
            "New export,netvisor,planted,planted,planted\n")

    result = import_file(InvoiceExportResource, data)

    assert problems(result) == {}
    efinancials.refresh_from_db()
    assert efinancials.secret_values() == before
    assert InvoiceExport.objects.get(name="New export").secret_values() == ()
