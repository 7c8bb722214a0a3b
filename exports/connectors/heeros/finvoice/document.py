"""One invoice as a Finvoice 3.0 document: a pure function of the invoice, its rows (lines with their
account coding), the parties and the payee's bank account. No query, no call.

Element by element (the XSD's sequence order, which validity depends on):

- SellerPartyDetails: Y-tunnus, name, VAT id, postal address; SellerOrganisationUnitNumber: the OVT
  address made from the Y-tunnus; SellerCommunicationDetails: e-mail; SellerInformationDetails: IBAN
  and BIC.
- BuyerPartyDetails: business id, name, VAT id, Opter customer code, invoice address; the buyer's OVT
  and invoice e-mail when Opter has them.
- InvoiceDetails: INV01/380 (INV02/381 for a credit note, a negative total), the invoice number and date,
  the buyer's reference, totals, one VatSpecificationDetails per VAT rate, payment terms and due date.
- InvoiceRow, one per Opter line: the price item as article, the order text (``Order: 261 sender ref.
  ...``) as row free text and the order number as delivery identifier, quantity and unit, unit price,
  VAT rate and code, VAT, net and gross amounts; the sales account and the economic unit when the start
  text asks for accounting objects. Heeros wants credit rows as a negative quantity at a positive price.
- EpiDetails: the payment order (IBAN, BIC, payee, reference with its scheme, amount, due date).

Every amount carries the invoice currency; amounts use the decimal comma, dates CCYYMMDD.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from ...rows import Row, group_by_vat, totals
from . import formats, references
from .parties import Party, Payee

VERSION = "3.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TYPE_TEXTS = {  # InvoiceTypeText by the customer's language: invoice, credit note
    "fi": ("LASKU", "HYVITYSLASKU"), "sv": ("FAKTURA", "KREDITFAKTURA"), "et": ("ARVE", "KREEDITARVE"),
    "da": ("FAKTURA", "KREDITNOTA"),
}
DEFAULT_TYPE_TEXTS = ("INVOICE", "CREDIT NOTE")
REVERSE_CHARGE_TEXT = "Käännetty verovelvollisuus / Reverse charge"


@dataclass(frozen=True)
class DocumentOptions:
    account_coding: bool = True  # the start text's CreateAccountingObjects: rows carry account and unit


def vat_code(percent: Decimal, eu_vat: bool) -> str:
    """UNTDID 5305: S standard rate, AE reverse charge (EU sale at 0 %), Z zero rated."""
    if eu_vat:
        return "AE"
    return "S" if percent > 0 else "Z"


def cut(text: str, limit: int) -> str:
    """Finvoice's length limits (names 70, address lines 35 ...): longer texts are cut, as Heeros itself does
    with product names."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rstrip()


class _Writer:
    """Appends elements in the order they are written; the caller writes them in the XSD's order."""

    def __init__(self, currency: str):
        self.currency = currency

    @staticmethod
    def el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
        element = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
        if text is not None:
            element.text = text
        return element

    def text(self, parent, tag: str, value: str, limit: int | None = None):
        """An element only when there is something to say."""
        value = cut(value, limit) if limit else (value or "").strip()
        return self.el(parent, tag, value) if value else None

    def money(self, parent, tag: str, value: Decimal):
        return self.el(parent, tag, formats.amount(value), AmountCurrencyIdentifier=self.currency)

    def day(self, parent, tag: str, value):
        return self.el(parent, tag, formats.date_text(value), Format="CCYYMMDD")


def finvoice_document(invoice, rows: list[Row], seller: Party, buyer: Party, payee: Payee,
                      options: DocumentOptions = DocumentOptions(), original=None) -> etree._Element:
    """The Finvoice 3.0 document of ``invoice`` (its root element); ``original``: the invoice a credit note
    credits (its ``number`` and ``invoice.invoice_date``)."""
    currency = invoice.currency.code
    w = _Writer(currency)
    root = etree.Element("Finvoice", {"Version": VERSION, f"{{{XSI}}}noNamespaceSchemaLocation": "Finvoice3.0.xsd"},
                         nsmap={"xsi": XSI})
    _seller(w, root, seller, payee)
    _buyer(w, root, buyer)
    _details(w, root, invoice, rows, buyer, original)
    for row in rows:
        _row(w, root, row, options)
    _epi(w, root, invoice, seller, payee, totals(rows)[2])
    return root


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def pretty(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


# -- parties -------------------------------------------------------------------------------------------------

def _address(w: _Writer, parent, prefix: str, party: Party) -> None:
    if not party.has_address:
        return
    address = w.el(parent, f"{prefix}PostalAddressDetails")
    w.el(address, f"{prefix}StreetName", cut(party.street, 35))
    if party.street2:
        w.el(address, f"{prefix}StreetName", cut(party.street2, 35))
    w.el(address, f"{prefix}TownName", cut(party.town, 35))
    w.el(address, f"{prefix}PostCodeIdentifier", cut(party.postcode, 35))
    w.text(address, "CountryCode", party.country)


def _seller(w: _Writer, root, seller: Party, payee: Payee) -> None:
    details = w.el(root, "SellerPartyDetails")
    w.text(details, "SellerPartyIdentifier", seller.business_id, 35)
    w.el(details, "SellerOrganisationName", cut(seller.name, 70))
    w.text(details, "SellerOrganisationTaxCode", seller.vat_id, 35)
    _address(w, details, "Seller", seller)
    w.text(root, "SellerOrganisationUnitNumber", seller.unit_number, 35)
    if seller.email:
        w.text(w.el(root, "SellerCommunicationDetails"), "SellerEmailaddressIdentifier", seller.email, 70)
    if payee.iban and payee.bic:
        information = w.el(root, "SellerInformationDetails")
        account = w.el(information, "SellerAccountDetails")
        w.el(account, "SellerAccountID", payee.iban, IdentificationSchemeName="IBAN")
        w.el(account, "SellerBic", payee.bic, IdentificationSchemeName="BIC")


def _buyer(w: _Writer, root, buyer: Party) -> None:
    details = w.el(root, "BuyerPartyDetails")
    w.text(details, "BuyerPartyIdentifier", buyer.business_id, 35)
    w.el(details, "BuyerOrganisationName", cut(buyer.name, 70))
    w.text(details, "BuyerOrganisationTaxCode", buyer.vat_id, 35)
    w.text(details, "BuyerCode", buyer.code, 35)
    _address(w, details, "Buyer", buyer)
    w.text(root, "BuyerOrganisationUnitNumber", buyer.unit_number, 35)
    if buyer.email:
        w.text(w.el(root, "BuyerCommunicationDetails"), "BuyerEmailaddressIdentifier", buyer.email, 70)


# -- the invoice ------------------------------------------------------------------------------------------------

def _details(w: _Writer, root, invoice, rows: list[Row], buyer: Party, original=None) -> None:
    net, vat, gross = totals(rows)
    credit = original is not None or gross < 0
    language = (invoice.customer.language or "").lower()
    details = w.el(root, "InvoiceDetails")
    w.el(details, "InvoiceTypeCode", "INV02" if credit else "INV01")
    w.el(details, "InvoiceTypeCodeUN", "381" if credit else "380")
    w.el(details, "InvoiceTypeText", TYPE_TEXTS.get(language, DEFAULT_TYPE_TEXTS)[1 if credit else 0])
    w.el(details, "OriginCode", "Original")
    w.el(details, "InvoiceNumber", str(invoice.number))
    w.day(details, "InvoiceDate", invoice.invoice_date)
    if original is not None:
        # The credited invoice, in the header elements Finvoice 3.0 has for it (spec 2.7 item 6): its number
        # and date, and the same again as an OriginalInvoiceReference.
        w.el(details, "OriginalInvoiceNumber", original.number)
        w.day(details, "OriginalInvoiceDate", original.invoice.invoice_date)
        reference = w.el(details, "OriginalInvoiceReference")
        w.el(reference, "InvoiceNumber", original.number)
        w.day(reference, "InvoiceDate", original.invoice.invoice_date)
    w.text(details, "BuyerReferenceIdentifier", invoice.your_reference, 70)
    w.money(details, "RowsTotalVatExcludedAmount", net)
    w.money(details, "InvoiceTotalVatExcludedAmount", net)
    w.money(details, "InvoiceTotalVatAmount", vat)
    w.money(details, "InvoiceTotalVatIncludedAmount", gross)
    for group in group_by_vat(rows):
        specification = w.el(details, "VatSpecificationDetails")
        w.money(specification, "VatBaseAmount", group.net)
        w.el(specification, "VatRatePercent", formats.percentage(group.percent))
        w.el(specification, "VatCode", vat_code(group.percent, group.eu_vat))
        w.money(specification, "VatRateAmount", group.vat)
        if group.eu_vat:
            w.el(specification, "VatFreeText", REVERSE_CHARGE_TEXT)
    terms = w.el(details, "PaymentTermsDetails")
    condition = invoice.payment_condition
    w.text(terms, "PaymentTermsFreeText", condition.name if condition else "", 70)
    w.day(terms, "InvoiceDueDate", invoice.due_date)


def _row(w: _Writer, root, row: Row, options: DocumentOptions) -> None:
    line = row.line
    quantity, unit_price = line.quantity, line.unit_price
    if unit_price < 0:
        # Heeros refuses negative unit prices: a credit row is a negative quantity at a positive price.
        quantity, unit_price = -quantity, -unit_price
    element = w.el(root, "InvoiceRow")
    w.text(element, "ArticleIdentifier", line.item_name, 70)
    w.text(element, "ArticleName", line.item_name, 100)
    w.el(element, "InvoicedQuantity", formats.quantity(quantity), QuantityUnitCode=cut(line.unit, 14))
    w.el(element, "UnitPriceAmount", formats.unit_amount(unit_price), AmountCurrencyIdentifier=w.currency)
    w.text(element, "RowDeliveryIdentifier", line.order_number, 35)
    if options.account_coding:
        w.text(element, "RowNormalProposedAccountIdentifier", line.account)
        if line.economic_units:
            # The first accounting object is the cost centre in Heeros: the lowest level Opter has.
            w.text(element, "RowAccountDimensionText", min(line.economic_units)[1], 35)
    if row.title != line.item_name:
        w.text(element, "RowFreeText", row.title, 512)
    w.el(element, "RowVatRatePercent", formats.percentage(line.vat_percent))
    w.el(element, "RowVatCode", vat_code(line.vat_percent, line.eu_vat))
    w.money(element, "RowVatAmount", row.vat_amount)
    w.money(element, "RowVatExcludedAmount", line.amount)
    w.money(element, "RowAmount", line.amount + row.vat_amount)


def _epi(w: _Writer, root, invoice, seller: Party, payee: Payee, gross: Decimal) -> None:
    reference = references.reference_of(invoice)
    epi = w.el(root, "EpiDetails")
    identification = w.el(epi, "EpiIdentificationDetails")
    w.day(identification, "EpiDate", invoice.invoice_date)
    w.el(identification, "EpiReference", reference)
    parties = w.el(epi, "EpiPartyDetails")
    bank = w.el(parties, "EpiBfiPartyDetails")
    if payee.bic:
        w.el(bank, "EpiBfiIdentifier", payee.bic, IdentificationSchemeName="BIC")
    beneficiary = w.el(parties, "EpiBeneficiaryPartyDetails")
    w.el(beneficiary, "EpiNameAddressDetails", cut(seller.name, 35))
    w.el(beneficiary, "EpiAccountID", payee.iban, IdentificationSchemeName="IBAN")
    instruction = w.el(epi, "EpiPaymentInstructionDetails")
    scheme = references.scheme_of(reference)
    if scheme:
        w.el(instruction, "EpiRemittanceInfoIdentifier", reference, IdentificationSchemeName=scheme)
    w.el(instruction, "EpiInstructedAmount", formats.amount(gross), AmountCurrencyIdentifier=w.currency)
    w.el(instruction, "EpiCharge", "SHA", ChargeOption="SHA")
    w.day(instruction, "EpiDateOptionDate", invoice.due_date)
    w.el(instruction, "EpiPaymentMeansCode", "58")  # SEPA credit transfer
