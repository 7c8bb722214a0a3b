"""A credit invoice in the invoice file: the credits_invoice column names the invoice it credits (same office
and customer), on import and on export, so the link survives a round trip."""
import pytest

from accounting.models import Invoice
from accounting.resources import InvoiceLineResource
from tests.factories import CustomerFactory, InvoicePeriodFactory, OfficeFactory, VatRateFactory
from tests.fixtures.credits import credit_invoice

from .helpers import export_file, import_file, problems, read_file

HEADER = ("office,invoice_number,invoice_date,customer,period,credits_invoice,line,item_name,quantity,unit_price,"
          "vat_rate\n")


@pytest.fixture
def setup(db):
    office = OfficeFactory()
    InvoicePeriodFactory(office=office, name="2026-11")
    customer = CustomerFactory(office=office, code="TLN-PPUIT")
    VatRateFactory()
    return office, customer


def test_a_credit_invoice_is_imported_with_the_invoice_it_credits(setup):
    data = HEADER + ("TLN,700001,2026-11-20,TLN-PPUIT,2026-11,,1,Freight,1,100,24\n"
                     "TLN,700002,2026-11-25,TLN-PPUIT,2026-11,700001,1,Freight,-1,100,24\n")
    result = import_file(InvoiceLineResource, data)
    assert problems(result) == {}
    credit = Invoice.objects.get(number=700002)
    assert credit.credited_invoice == Invoice.objects.get(number=700001)
    assert credit.is_credit and credit.total < 0


def test_the_link_survives_an_export_and_an_import(setup):
    import_file(InvoiceLineResource, HEADER + "TLN,700001,2026-11-20,TLN-PPUIT,2026-11,,1,Freight,1,100,24\n")
    original = Invoice.objects.get(number=700001)
    credit = credit_invoice(original, 700002)
    exported = export_file(InvoiceLineResource)
    assert [(row["invoice_number"], row["credits_invoice"]) for row in read_file(exported).dict] == [
        ("700001", ""), ("700002", "700001")]
    credit.lines.all().delete()
    credit.delete()
    result = import_file(InvoiceLineResource, exported)
    assert problems(result) == {}
    assert Invoice.objects.get(number=700002).credited_invoice == original


def test_a_wrong_credits_invoice_names_the_column(setup):
    office, _ = setup
    CustomerFactory(office=office, code="TLN-OTHER")
    data = HEADER + ("TLN,700001,2026-11-20,TLN-PPUIT,2026-11,,1,Freight,1,100,24\n"
                     "TLN,700002,2026-11-25,TLN-OTHER,2026-11,700001,1,Freight,-1,100,24\n"
                     "TLN,700003,2026-11-25,TLN-PPUIT,2026-11,700009,1,Freight,-1,100,24\n"
                     "TLN,700004,2026-11-25,TLN-PPUIT,2026-11,700004,1,Freight,-1,100,24\n")
    found = problems(import_file(InvoiceLineResource, data))
    assert found[2] == ["credits_invoice: Invoice 700001 is of customer TLN-PPUIT, not TLN-OTHER."]
    assert found[3] == ["credits_invoice: Unknown invoice '700009' (office 'TLN'): add it first, or import its "
                        "file before this one."]
    assert found[4] == ["credits_invoice: Unknown invoice '700004' (office 'TLN'): add it first, or import its "
                        "file before this one."]
    assert not Invoice.objects.exists()
