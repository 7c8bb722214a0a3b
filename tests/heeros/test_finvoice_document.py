"""The Finvoice 3.0 document of an invoice, element by element, and its validation: the official XSD (when
the shared copy is there) and the portal's own checks of what the schema cannot see."""
from decimal import Decimal

import pytest
from lxml import etree

from accounting.models import EconomicUnit, Region
from accounting.services.invoices import recompute_totals
from exports.connectors.heeros.finvoice import schema
from exports.connectors.heeros.finvoice.checks import own_problems
from exports.connectors.heeros.finvoice.document import to_bytes
from exports.connectors.heeros.finvoice.validation import validate
from tests.heeros.conftest import independent_schema_errors, parse, require_xsd


def document_of(helsinki, invoice, **export_changes):
    for name, value in export_changes.items():
        setattr(helsinki.export, name, value)
    helsinki.export.save()
    connector = helsinki.prepared([invoice])
    payload = connector.build(invoice, None)
    return payload, parse(payload.body.document)


def test_every_demo_invoice_is_a_valid_finvoice_for_both_validators(helsinki):
    require_xsd()
    invoices = helsinki.invoices()
    connector = helsinki.prepared(invoices)
    for invoice in invoices:
        upload = connector.build(invoice, None).body
        assert upload.validation.schema_checked and upload.validation.problems == [], invoice.number
        assert independent_schema_errors(upload.document) == [], invoice.number


def test_the_document_element_by_element(helsinki):
    invoice = next(i for i in helsinki.invoices() if i.customer.country == "FI")
    payload, root = document_of(helsinki, invoice)
    t = root.findtext
    assert (root.tag, root.get("Version")) == ("Finvoice", "3.0")
    office, customer = invoice.office, invoice.customer
    # the seller: Y-tunnus, VAT id, address, OVT, bank account
    assert t("SellerPartyDetails/SellerPartyIdentifier") == office.corporate_id == "1033062-8"
    assert t("SellerPartyDetails/SellerOrganisationName") == office.name
    assert t("SellerPartyDetails/SellerOrganisationTaxCode") == office.vat_number
    assert t("SellerPartyDetails/SellerPostalAddressDetails/SellerStreetName") == office.street
    assert t("SellerPartyDetails/SellerPostalAddressDetails/SellerPostCodeIdentifier") == office.postal_code
    assert t("SellerOrganisationUnitNumber") == "003710330628"
    assert t("SellerInformationDetails/SellerAccountDetails/SellerAccountID") == office.iban
    assert t("SellerInformationDetails/SellerAccountDetails/SellerBic") == office.bic
    # the buyer
    assert t("BuyerPartyDetails/BuyerPartyIdentifier") == customer.corporate_id
    assert t("BuyerPartyDetails/BuyerOrganisationName") == customer.display_invoice_name
    assert t("BuyerPartyDetails/BuyerOrganisationTaxCode") == customer.vat_number
    assert t("BuyerPartyDetails/BuyerCode") == customer.code
    assert t("BuyerPartyDetails/BuyerPostalAddressDetails/BuyerTownName") == customer.invoice_city
    assert t("BuyerPartyDetails/BuyerPostalAddressDetails/CountryCode") == "FI"
    # the invoice
    assert [t(f"InvoiceDetails/{name}") for name in ("InvoiceTypeCode", "InvoiceTypeCodeUN", "InvoiceTypeText",
                                                     "OriginCode", "InvoiceNumber")] == [
        "INV01", "380", "LASKU", "Original", str(invoice.number)]
    assert t("InvoiceDetails/InvoiceDate") == invoice.invoice_date.strftime("%Y%m%d")
    assert root.find("InvoiceDetails/InvoiceDate").get("Format") == "CCYYMMDD"
    assert t("InvoiceDetails/BuyerReferenceIdentifier") == invoice.your_reference
    assert t("InvoiceDetails/InvoiceTotalVatExcludedAmount") == f"{invoice.net_amount}".replace(".", ",")
    assert t("InvoiceDetails/InvoiceTotalVatAmount") == f"{invoice.vat_amount}".replace(".", ",")
    assert t("InvoiceDetails/InvoiceTotalVatIncludedAmount") == f"{invoice.total}".replace(".", ",")
    (vat,) = root.findall("InvoiceDetails/VatSpecificationDetails")
    assert (vat.findtext("VatRatePercent"), vat.findtext("VatCode")) == ("25,5", "S")
    assert vat.findtext("VatRateAmount") == f"{invoice.vat_amount}".replace(".", ",")
    assert t("InvoiceDetails/PaymentTermsDetails/InvoiceDueDate") == invoice.due_date.strftime("%Y%m%d")
    # one row per Opter line, in order
    lines = list(invoice.lines.order_by("position", "id"))
    rows = root.findall("InvoiceRow")
    assert len(rows) == len(lines)
    first, line = rows[0], lines[0]
    assert first.findtext("ArticleName") == line.item_name
    assert first.findtext("RowFreeText").startswith(f"Order: {line.order_number} sender ref.")
    assert first.findtext("RowDeliveryIdentifier") == line.order_number
    assert first.find("InvoicedQuantity").get("QuantityUnitCode") == line.unit
    assert Decimal(first.findtext("UnitPriceAmount").replace(",", ".")) == line.unit_price
    assert first.findtext("RowVatExcludedAmount") == f"{line.amount}".replace(".", ",")
    assert first.findtext("RowNormalProposedAccountIdentifier") == "3000"
    # the payment order
    assert t("EpiDetails/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID") == office.iban
    assert t("EpiDetails/EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier") == office.bic
    remittance = root.find("EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    assert (remittance.text, remittance.get("IdentificationSchemeName")) == (invoice.reference_number, "SPY")
    assert t("EpiDetails/EpiIdentificationDetails/EpiReference") == invoice.reference_number
    assert t("EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount") == f"{invoice.total}".replace(".", ",")
    assert t("EpiDetails/EpiPaymentInstructionDetails/EpiDateOptionDate") == invoice.due_date.strftime("%Y%m%d")
    # the currency on every amount
    amounts = [e for e in root.iter() if e.tag.endswith("Amount")]
    assert amounts and all(e.get("AmountCurrencyIdentifier") == "EUR" for e in amounts)
    assert payload.summary.count("<InvoiceRow>") == len(lines)


def test_an_eu_sale_at_zero_is_reverse_charge_with_the_buyers_vat_id(helsinki):
    invoice = next(i for i in helsinki.invoices() if i.customer.country == "SE")
    _, root = document_of(helsinki, invoice)
    (vat,) = root.findall("InvoiceDetails/VatSpecificationDetails")
    assert (vat.findtext("VatRatePercent"), vat.findtext("VatCode")) == ("0", "AE")
    assert root.findtext("BuyerPartyDetails/BuyerOrganisationTaxCode") == invoice.customer.vat_number
    assert root.findtext("InvoiceDetails/InvoiceTypeText") == "FAKTURA"  # the customer writes Swedish


def test_the_account_coding_goes_on_the_rows_only_when_the_start_text_asks_for_accounting_objects(helsinki):
    invoice = helsinki.invoices(1)[0]
    unit = EconomicUnit.objects.create(office=invoice.office, level=1, code="KP20", name="Kuljetus")
    invoice.lines.first().economic_units.add(unit)
    _, root = document_of(helsinki, invoice)
    first = root.find("InvoiceRow")
    assert first.findtext("RowAccountDimensionText") == "KP20"
    assert first.findtext("RowNormalProposedAccountIdentifier")
    _, root = document_of(helsinki, invoice, start_text="CreateAccountingObjects=false")
    assert root.find("InvoiceRow/RowAccountDimensionText") is None
    assert root.find("InvoiceRow/RowNormalProposedAccountIdentifier") is None


def test_a_credit_note_has_negative_quantities_at_positive_prices(helsinki):
    invoice = helsinki.invoices(1)[0]
    for line in invoice.lines.all():
        line.unit_price, line.amount = -line.unit_price, -line.amount
        line.save()
    recompute_totals(invoice)
    invoice.refresh_from_db()
    assert invoice.total < 0
    payload, root = document_of(helsinki, invoice)
    assert root.findtext("InvoiceDetails/InvoiceTypeCode") == "INV02"
    assert root.findtext("InvoiceDetails/InvoiceTypeCodeUN") == "381"
    for row in root.findall("InvoiceRow"):
        assert row.findtext("InvoicedQuantity").startswith("-")
        assert not row.findtext("UnitPriceAmount").startswith("-")
    assert root.findtext("EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount").startswith("-")
    assert payload.body.validation.problems == []
    if schema.configured_path():
        assert independent_schema_errors(payload.body.document) == []


def test_a_region_with_an_identity_of_its_own_is_the_seller_and_its_bank_account_the_payee(helsinki):
    invoice = helsinki.invoices(1)[0]
    region = Region.objects.create(office=invoice.office, name="Tampere", code="TRE", corporate_id="2490486-4",
                                   vat_number="FI24904864", city="Tampere", iban="FI4950009420028730",
                                   bic="OKOYFIHH")
    invoice.region = region
    invoice.save()
    _, root = document_of(helsinki, invoice)
    assert root.findtext("SellerPartyDetails/SellerPartyIdentifier") == "2490486-4"
    assert root.findtext("SellerPartyDetails/SellerOrganisationName") == f"{invoice.office.name}, Tampere"
    assert root.findtext("SellerPartyDetails/SellerPostalAddressDetails/SellerTownName") == "Tampere"
    assert root.findtext("SellerPartyDetails/SellerPostalAddressDetails/SellerStreetName") == invoice.office.street
    assert root.findtext("EpiDetails/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID") == region.iban
    assert root.findtext("EpiDetails/EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier") == "OKOYFIHH"


def test_long_names_are_cut_to_finvoices_limits(helsinki):
    invoice = helsinki.invoices(1)[0]
    invoice.customer.invoice_name = "Oy " + "Pitkä Nimi " * 10
    _, root = document_of(helsinki, invoice)
    assert len(root.findtext("BuyerPartyDetails/BuyerOrganisationName")) <= 70
    assert len(root.findtext("EpiDetails/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiNameAddressDetails")) <= 35


# -- validation ------------------------------------------------------------------------------------------------

def _valid_root(helsinki):
    invoice = next(i for i in helsinki.invoices() if i.customer.country == "FI")
    return document_of(helsinki, invoice)[1]


def _set(root, path: str, text: str):
    root.find(path).text = text
    return root


def test_totals_that_do_not_add_up_are_found(helsinki):
    root = _set(_valid_root(helsinki), "InvoiceDetails/InvoiceTotalVatExcludedAmount", "1,00")
    problems = own_problems(root)
    assert any(p.startswith("InvoiceTotalVatExcludedAmount is 1,00 but the rows' RowVatExcludedAmount add up to")
               for p in problems)
    assert any(p.startswith("InvoiceTotalVatIncludedAmount is") for p in problems)


def test_vat_per_rate_must_match_the_rows_and_the_rate(helsinki):
    root = _valid_root(helsinki)
    row_vat = root.find("InvoiceRow/RowVatAmount")
    row_vat.text = row_vat.text[:-1] + ("1" if row_vat.text[-1] != "1" else "2")
    problems = own_problems(root)
    assert any("VatRateAmount is" in p and "its rows' VAT adds up to" in p for p in problems)
    root = _valid_root(helsinki)
    root.find("InvoiceDetails/VatSpecificationDetails/VatRatePercent").text = "24"
    problems = own_problems(root)
    assert any(p.startswith("Rows at VAT 25,5 % (S) have no VatSpecificationDetails") for p in problems)


def test_a_wrong_reference_y_tunnus_or_iban_is_found(helsinki):
    root = _valid_root(helsinki)
    _set(root, "EpiDetails/EpiIdentificationDetails/EpiReference", "1000453")
    _set(root, "SellerPartyDetails/SellerPartyIdentifier", "1033062-9")
    _set(root, "EpiDetails/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID", "FI2112345600000786")
    problems = own_problems(root)
    assert "The reference 1000453 is not a valid Finnish reference number: its check digit is 3, the 7-3-1 rule " \
           "gives 2." in problems
    assert any(p.startswith("The seller's business ID 1033062-9 is not a valid Y-tunnus") for p in problems)
    assert any(p.startswith("EpiAccountID FI2112345600000786 is not a valid IBAN") for p in problems)


def test_heeros_rules_on_rows(helsinki):
    root = _valid_root(helsinki)
    row = root.find("InvoiceRow")
    row.find("ArticleName").text = ""
    row.find("UnitPriceAmount").text = "-1,00"
    row.find("RowNormalProposedAccountIdentifier").text = "30001"
    problems = own_problems(root)
    assert "Row 1 has no product name (ArticleName)." in problems
    assert any(p.startswith("Row 1: UnitPriceAmount -1,00 is negative") for p in problems)
    assert any(p.startswith("Row 1: the sales account 30001 does not fit") for p in problems)


def test_the_schema_finds_what_the_portals_checks_cannot(helsinki):
    xsd = schema.load(str(require_xsd()))
    root = _valid_root(helsinki)
    details = root.find("InvoiceDetails")
    details.remove(details.find("InvoiceNumber"))
    result = validate(root, xsd)
    assert not result.valid and result.schema_checked
    assert any(p.startswith("Schema: /Finvoice/InvoiceDetails/InvoiceDate:") and "InvoiceNumber" in p
               for p in result.problems)
    assert independent_schema_errors(to_bytes(root))


def test_without_the_schema_the_portals_checks_still_run_and_say_so(helsinki, settings):
    settings.FINVOICE_XSD = ""
    invoice = helsinki.invoices(1)[0]
    payload, _ = document_of(helsinki, invoice)
    assert payload.body.validation.valid and not payload.body.validation.schema_checked
    assert "(FINVOICE_XSD is not set: no schema validation)" in payload.summary.splitlines()[0]


def test_a_schema_file_that_is_not_a_schema_is_refused(tmp_path):
    broken = tmp_path / "Finvoice3.0.xsd"
    broken.write_text("<html>not a schema</html>")
    with pytest.raises(schema.SchemaUnavailable) as raised:
        schema.load(str(broken))
    assert "not an XML schema" in raised.value.reason
    with pytest.raises(schema.SchemaUnavailable):
        schema.load(str(tmp_path / "missing.xsd"))
    assert schema.load("") is None


def test_documents_are_utf8_with_the_finnish_letters_intact(helsinki):
    invoice = helsinki.invoices(1)[0]
    payload, _ = document_of(helsinki, invoice)
    assert payload.body.document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Sörnäisten rantatie 25".encode() in payload.body.document
    assert etree.fromstring(payload.body.document).findtext(
        "SellerPartyDetails/SellerPostalAddressDetails/SellerStreetName") == "Sörnäisten rantatie 25"
