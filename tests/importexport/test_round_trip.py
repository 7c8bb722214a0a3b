"""Export -> import into an empty database -> the same rows, for every resource and as a whole."""
import pytest

from accounting import models as acc
from accounting.resources import InvoiceLineResource
from exports.connectors import registry
from exports.models import InvoiceExport

from .helpers import CONFIGURATION, export_file, import_file, problems, rows, wipe_configuration


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_whole_configuration_round_trip_into_an_empty_database(demo, fmt):
    before = {resource: rows(resource) for resource in CONFIGURATION}
    files = {resource: export_file(resource, fmt) for resource in CONFIGURATION}
    wipe_configuration()
    assert not acc.Account.objects.exists() and not acc.Office.objects.exists()

    for resource in CONFIGURATION:
        result = import_file(resource, files[resource], fmt)
        assert not result.has_errors() and not result.has_validation_errors(), (resource, problems(result))
        assert result.totals["new"] == len(before[resource]) > 0, resource
        assert rows(resource) == before[resource], resource.__name__


@pytest.mark.parametrize("resource", CONFIGURATION, ids=lambda r: r.__name__)
def test_each_resource_round_trips_into_its_emptied_table(demo, resource):
    files = {r: export_file(r) for r in CONFIGURATION}
    expected = rows(resource)
    wipe_configuration()
    for earlier in CONFIGURATION[:CONFIGURATION.index(resource)]:
        assert not import_file(earlier, files[earlier]).has_validation_errors()
    assert rows(resource) == []

    result = import_file(resource, files[resource])

    assert problems(result) == {}
    assert rows(resource) == expected


@pytest.mark.parametrize("resource", CONFIGURATION, ids=lambda r: r.__name__)
def test_importing_an_export_again_changes_nothing(demo, resource):
    expected = rows(resource)
    result = import_file(resource, export_file(resource, "xlsx"), "xlsx")
    assert result.totals["skip"] == len(expected) and result.totals["new"] == result.totals["update"] == 0
    assert rows(resource) == expected


def test_invoices_round_trip_with_their_lines(demo):
    expected = rows(InvoiceLineResource)
    totals = sorted(acc.Invoice.objects.values_list("office__code", "number", "net_amount", "vat_amount",
                                                     "total", "period__name"))
    units = acc.InvoiceLine.economic_units.through.objects.count()
    data = export_file(InvoiceLineResource, "csv", queryset=acc.Invoice.objects.all())
    acc.InvoiceLine.objects.all().delete()
    acc.Invoice.objects.all().delete()

    result = import_file(InvoiceLineResource, data)

    assert problems(result) == {}
    assert result.totals["new"] == len(expected)
    assert rows(InvoiceLineResource) == expected
    assert units > 0 and acc.InvoiceLine.economic_units.through.objects.count() == units
    assert sorted(acc.Invoice.objects.values_list("office__code", "number", "net_amount", "vat_amount",
                                                   "total", "period__name")) == totals


def test_the_round_trip_brings_no_secrets_back(demo):
    files = {r: export_file(r) for r in CONFIGURATION}
    wipe_configuration()
    for resource in CONFIGURATION:
        import_file(resource, files[resource])
    assert InvoiceExport.objects.count() == sum(1 for target in registry.targets().values() if target.demo)
    for export in InvoiceExport.objects.all():
        assert export.secret_values() == ()
