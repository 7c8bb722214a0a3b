"""The admin's Import and Export buttons: who sees them, the all-rows preview, the confirm step
through shared storage, and the download of the failed rows."""
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounting.models import Account, Invoice, Office, VatRate
from customers.models import Customer
from portal.importexport import SharedTempStorage
from portal.roles import FINANCE
from tests.factories import AccountFactory, CustomerFactory, InvoiceLineFactory, OfficeFactory, VatRateFactory

WIRED = ["accounting.currency", "accounting.exchangerate", "accounting.account", "accounting.vatrate",
         "accounting.paymentcondition", "accounting.office", "accounting.region", "accounting.economicunit",
         "accounting.accountcodingchart", "accounting.invoice", "customers.customer", "exports.invoiceexport",
         "exports.codetranslation", "exports.invoiceexportsetting"]
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def url(model: str, view: str, *args) -> str:
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_{view}", args=args)


def upload(client, model, name, content: bytes, file_format=CSV_FORMAT):
    return client.post(url(model, "import"), {
        "resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, content)})


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


# --- Who sees which button ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", WIRED)
def test_administrator_sees_import_and_export(as_admin, model):
    html = as_admin.get(url(model, "changelist")).content.decode()
    assert f'href=\'{url(model, "import")}\'' in html
    assert f'href="{url(model, "export")}' in html


@pytest.mark.parametrize("model", WIRED)
def test_support_sees_export_only(client, support_user, model):
    client.force_login(support_user)
    html = client.get(url(model, "changelist")).content.decode()
    assert url(model, "import") not in html
    assert f'href="{url(model, "export")}' in html
    assert client.get(url(model, "import")).status_code == 403
    assert client.get(url(model, "export")).status_code == 200


@pytest.mark.parametrize("model", WIRED)
def test_finance_sees_neither(client, finance_user, model):
    client.force_login(finance_user)
    response = client.get(url(model, "changelist"))
    if f"{model}".replace(".", ".view_") in FINANCE:
        html = response.content.decode()
        assert url(model, "import") not in html and url(model, "export") not in html
    else:
        assert response.status_code == 403
    assert client.get(url(model, "import")).status_code == 403
    assert client.get(url(model, "export")).status_code == 403


# --- Preview, confirm and the failed rows ------------------------------------------------------------


def test_preview_then_confirm_reads_the_upload_through_a_fresh_storage(as_admin, import_tmp_root):
    AccountFactory(number="1210", description="Old")
    data = "number;description;is_active\n1210;Nõuded ostjate vastu;jah\n3100;Müük;1\n".encode("utf-8-sig")

    preview = upload(as_admin, "accounting.account", "accounts.csv", data)

    html = preview.content.decode()
    assert preview.status_code == 200 and 'name="confirm"' in html
    assert re.search(r'<tr class="update">\s*<td>1</td>\s*<td class="import-type">Update</td>', html)
    assert re.search(r'<tr class="new">\s*<td>2</td>\s*<td class="import-type">New</td>', html)
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert Path(import_tmp_root, name).is_file()
    # The confirm may reach another web process: all it has is the name and the shared folder.
    assert SharedTempStorage(name=name, read_mode="rb").read() == data
    assert Account.objects.get(number="1210").description == "Old"

    confirm = as_admin.post(url("accounting.account", "process_import"), {
        "import_file_name": name, "original_file_name": "accounts.csv", "format": CSV_FORMAT, "resource": "0"})

    assert confirm.status_code == 302
    assert dict(Account.objects.values_list("number", "description")) == {
        "1210": "Nõuded ostjate vastu", "3100": "Müük"}
    assert not Path(import_tmp_root, name).exists()


def test_a_file_with_an_error_shows_every_row_and_imports_nothing(as_admin, import_tmp_root):
    OfficeFactory()
    data = ("code,name,office,corporate_id,country\nC-1,Põhja Puit OÜ,TLN,12905545,EE\n"
            "C-2,Vigane OÜ,TLN,12905546,EE\nC-3,Tundmatu,XXX,,EE\n").encode()

    response = upload(as_admin, "customers.customer", "customers.csv", data)

    html = response.content.decode()
    assert 'name="confirm"' not in html
    assert "Nothing was imported" in html
    assert re.search(r'<tr class="new">\s*<td>1</td>', html)
    assert re.search(r'<tr class="error">\s*<td>2</td>\s*<td class="import-type">Error</td>', html)
    assert "corporate_id: 12905546 is not a valid Estonian registry code" in html
    assert "office: Unknown office &#x27;XXX&#x27;" in html
    assert not Customer.objects.exists()
    assert list(Path(import_tmp_root).iterdir()) == [Path(import_tmp_root, response.context["failed_rows_url"]
                                                          .rstrip("/").rsplit("/", 1)[1])]

    download = as_admin.get(response.context["failed_rows_url"])

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="customer-failed-rows.csv"'
    text = download.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "code,name,office,corporate_id,country,import row,import errors"
    assert "C-2,Vigane OÜ,TLN,12905546,EE,2," in text and "C-3,Tundmatu,XXX,,EE,3," in text
    assert "C-1" not in text


def test_the_failed_rows_of_an_xlsx_come_back_as_xlsx(as_admin):
    book = openpyxl.Workbook()
    book.active.append(["code", "name", "percentage", "sales_account"])
    book.active.append(["EE24", "Standard", 24, "9999"])
    out = BytesIO()
    book.save(out)

    response = upload(as_admin, "accounting.vatrate", "vat.xlsx", out.getvalue(), XLSX_FORMAT)
    download = as_admin.get(response.context["failed_rows_url"])

    rows = list(openpyxl.load_workbook(BytesIO(download.content)).active.values)
    assert rows[0] == ("code", "name", "percentage", "sales_account", "import row", "import errors")
    assert rows[1][:5] == ("EE24", "Standard", 24, "9999", 1)
    assert rows[1][5].startswith("sales_account: Unknown account '9999'")
    assert not VatRate.objects.exists()


def test_only_importers_download_failed_rows(client, support_user, as_admin):
    response = upload(as_admin, "accounting.account", "a.csv", b"number\n=1\n")
    client.force_login(support_user)
    assert client.get(response.context["failed_rows_url"]).status_code == 403


def test_rows_that_went_bad_between_preview_and_confirm_import_nothing(as_admin):
    AccountFactory(number="3100")
    preview = upload(as_admin, "accounting.vatrate", "vat.csv",
                     b"code,name,percentage,sales_account\nEE24,Standard,24,3100\nEE9,Reduced,9,3100\n")
    name = preview.context["confirm_form"].initial["import_file_name"]
    Account.objects.filter(number="3100").update(number="3101")  # someone renamed it meanwhile

    confirm = as_admin.post(url("accounting.vatrate", "process_import"), {
        "import_file_name": name, "original_file_name": "vat.csv", "format": CSV_FORMAT, "resource": "0"},
        follow=True)

    assert not VatRate.objects.exists()
    assert "Nothing was imported" in confirm.content.decode()


def test_a_csv_that_is_not_utf8_says_how_to_save_it(as_admin):
    response = upload(as_admin, "accounting.account", "a.csv", "number,description\n1,Õun\n".encode("cp1257"))
    assert "CSV UTF-8" in response.content.decode()


# --- Export -----------------------------------------------------------------------------------------


def test_export_is_a_utf8_csv_with_neutralised_cells(as_admin):
    Account.objects.create(number="1000", description="=HYPERLINK(\"http://evil.example\")")
    Account.objects.create(number="1001", description="Århus Æble Søndergaard")

    response = as_admin.post(url("accounting.account", "export"), {"format": CSV_FORMAT, "resource": "0",
                                                                   "accountresource_number": "on",
                                                                   "accountresource_description": "on",
                                                                   "accountresource_is_active": "on"})

    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Århus Æble Søndergaard" in text


def test_invoices_export_as_one_row_per_line(as_admin):
    line = InvoiceLineFactory()

    response = as_admin.post(url("accounting.invoice", "export"), {
        "format": CSV_FORMAT, "resource": "0",
        **{f"invoicelineresource_{name}": "on" for name in ("office", "invoice_number", "line", "item_name")}})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ["office,invoice_number,line,item_name",
                     f"{Office.objects.get().code},{line.invoice.number},{line.position},Freight"]


def test_customers_export_names_related_rows_by_their_keys(as_admin):
    customer = CustomerFactory()

    response = as_admin.post(url("customers.customer", "export"), {
        "format": CSV_FORMAT, "resource": "0",
        **{f"customerresource_{name}": "on" for name in ("code", "office")}})

    assert response.content.decode("utf-8-sig").splitlines()[1] == f"{customer.code},TLN"


def test_invoices_import_through_the_invoice_admin(as_admin):
    office = OfficeFactory()
    CustomerFactory(office=office, code="TLN-PPUIT")
    VatRateFactory()
    data = (b"office,invoice_number,invoice_date,customer,line,item_name,quantity,unit_price,vat_rate\n"
            b"TLN,700001,20.11.2026,TLN-PPUIT,1,Freight,1,\"100,00\",24\n"
            b"TLN,700001,20.11.2026,TLN-PPUIT,2,Cold,2,\"25,00\",24\n")

    preview = upload(as_admin, "accounting.invoice", "invoices.csv", data)
    confirm = as_admin.post(url("accounting.invoice", "process_import"), {
        **{k: preview.context["confirm_form"].initial[k] for k in ("import_file_name", "original_file_name")},
        "format": CSV_FORMAT, "resource": "0"}, follow=True)

    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.net_amount, invoice.total) == (700001, Decimal("150.00"), Decimal("186.00"))
    assert "Import finished: 2 new, 0 updated and 0 unchanged invoice lines." in confirm.content.decode()
    logged = LogEntry.objects.filter(action_flag=ADDITION, content_type__model="invoiceline")
    assert logged.count() == 2  # the admin's history names each imported line
