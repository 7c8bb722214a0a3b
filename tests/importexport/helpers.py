"""Export, read and import files the way the admin does, through our CSV and XLSX formats."""
from accounting import models as acc
from accounting import resources as acc_res
from customers import resources as cust_res
from customers.models import Customer, CustomerSalesAccount
from exports import models as exp
from exports import resources as exp_res
from portal.importexport import CSV, XLSX

FORMATS = {"csv": CSV, "xlsx": XLSX}

# Configuration in the order a new office imports it: what a row names must already exist.
CONFIGURATION = [
    acc_res.CurrencyResource,
    acc_res.ExchangeRateResource,
    acc_res.PaymentConditionResource,
    acc_res.AccountResource,
    acc_res.VatRateResource,
    acc_res.AccountCodingChartResource,
    acc_res.OfficeResource,
    acc_res.RegionResource,
    acc_res.EconomicUnitResource,
    exp_res.InvoiceExportResource,
    exp_res.CodeTranslationResource,
    exp_res.InvoiceExportSettingResource,
    cust_res.CustomerResource,
]


def export_file(resource_class, fmt="csv", queryset=None) -> bytes:
    """The file the admin's Export button sends: CSV with a BOM, or XLSX with native numbers."""
    file_format = FORMATS[fmt]()
    dataset = resource_class().export(queryset=queryset, force_native_type=file_format.is_binary())
    data = file_format.export_data(dataset)
    return data.encode("utf-8-sig") if isinstance(data, str) else data


def read_file(data: bytes, fmt="csv"):
    file_format = FORMATS[fmt](encoding="utf-8-sig") if fmt == "csv" else FORMATS[fmt]()
    return file_format.create_dataset(data)


def import_file(resource_class, data, fmt="csv", dry_run=False):
    dataset = read_file(data.encode("utf-8") if isinstance(data, str) else data, fmt)
    return resource_class().import_data(dataset, dry_run=dry_run, raise_errors=False)


def rows(resource_class) -> list[dict]:
    """What the resource exports, as comparable text, in a stable order."""
    dataset = resource_class().export()
    return sorted((dict(row) for row in dataset.dict), key=lambda r: [str(v) for v in r.values()])


def problems(result) -> dict[int, list[str]]:
    """{row number: ["column: message", ...]} of every failed row."""
    return {r.number: r.problems for r in result.rows if getattr(r, "problems", None)}


def wipe_configuration() -> None:
    """An empty database, as far as the setup screens and invoices go (users and groups stay)."""
    exp.ExportEvent.objects.all().delete()
    exp.ExportItem.objects.all().delete()
    exp.ExportRun.objects.all().delete()
    acc.AccountCodingEntry.objects.all().delete()
    acc.InvoiceLine.objects.all().delete()
    acc.Invoice.objects.all().delete()
    acc.InvoicePeriod.objects.all().delete()
    exp.CodeTranslation.objects.all().delete()
    CustomerSalesAccount.objects.all().delete()
    Customer.objects.all().delete()
    exp.InvoiceExportSetting.objects.all().delete()
    exp.InvoiceExport.objects.all().delete()
    while acc.EconomicUnit.objects.exists():  # children before their parents (PROTECT)
        acc.EconomicUnit.objects.filter(children__isnull=True).delete()
    acc.Region.objects.all().delete()
    acc.TerminologyTag.objects.all().delete()
    acc.Office.objects.all().delete()
    acc.AccountCodingChartAccount.objects.all().delete()
    acc.AccountCodingChart.objects.all().delete()
    acc.VatRate.objects.all().delete()
    acc.Account.objects.all().delete()
    acc.PaymentCondition.objects.all().delete()
    acc.ExchangeRate.objects.all().delete()
    acc.Currency.objects.all().delete()
