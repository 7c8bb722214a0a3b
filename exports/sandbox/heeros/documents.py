"""What the sandbox's Heeros makes of a Finvoice document it receives: the document read safely, the XSD's
verdict (when the sandbox has the official schema), the facts it books, and Heeros' own rules.

Heeros' rules are those its help centre lists under "Errors in sending the sales invoice" (a negative unit
price, a zero-sum row, a row without a product name, missing or invalid VAT numbers, a seller without
business ID or address, missing customer data), plus the sums and the payment order a bank would refuse.
They are the sandbox's own reading, written apart from the portal's checks, so that each checks the other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree
from stdnum import iban, iso11649
from stdnum.eu import vat
from stdnum.fi import ytunnus

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
# The SOAP/ebXML transmission frame, when a sender puts one before the document (bank channel style).
FRAME = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?<SOAP-ENV:Envelope\b.*?</SOAP-ENV:Envelope>\s*", re.S)


class Unreadable(Exception):
    """Not a Finvoice 3.0 document at all: refused at upload."""


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str

    def as_json(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass
class Facts:
    """What Heeros books from a document."""

    number: str
    invoice_date: date | None
    currency: str
    net: Decimal | None
    vat: Decimal | None
    total: Decimal | None
    seller: dict
    buyer: dict
    rows: list[dict] = field(default_factory=list)
    iban: str = ""
    reference: str = ""
    reference_scheme: str = ""
    instructed: Decimal | None = None
    due_date: date | None = None
    type_code: str = ""
    original_number: str = ""  # a credit note: the invoice it credits (OriginalInvoiceNumber)
    original_date: date | None = None
    original_references: list[tuple[str, date | None]] = field(default_factory=list)


def read(body: bytes) -> etree._Element:
    body = FRAME.sub(b"", body, count=1)
    try:
        root = etree.fromstring(body, PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"The document is not well-formed XML: {exc}") from None
    if root.tag != "Finvoice":
        raise Unreadable(f"The document's root element is {root.tag}, not Finvoice.")
    if root.get("Version") != "3.0":
        raise Unreadable(f"Finvoice Version {root.get('Version')!r} is not accepted; use 3.0.")
    return root


def schema_problems(schema, root) -> list[Problem]:
    if schema.validate(root):
        return []
    return [Problem("SchemaError", entry.path or f"line {entry.line}", entry.message) for entry in schema.error_log]


def _t(node, path: str) -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _n(node, path: str) -> Decimal | None:
    text = _t(node, path)
    try:
        return Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        return None


def _d(node, path: str) -> date | None:
    text = _t(node, path)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if re.fullmatch(r"\d{8}", text) else None


def _party(root, prefix: str) -> dict:
    details = root.find(f"{prefix}PartyDetails")
    address = details.find(f"{prefix}PostalAddressDetails") if details is not None else None
    streets = [s.text.strip() for s in address.findall(f"{prefix}StreetName") if s.text] if address is not None else []
    return {"businessId": _t(details, f"{prefix}PartyIdentifier"), "name": _t(details, f"{prefix}OrganisationName"),
            "vatId": _t(details, f"{prefix}OrganisationTaxCode"), "street": ", ".join(streets),
            "town": _t(address, f"{prefix}TownName"), "postcode": _t(address, f"{prefix}PostCodeIdentifier"),
            "country": _t(address, "CountryCode")}


def facts_of(root) -> Facts:
    details = root.find("InvoiceDetails")
    epi = root.find("EpiDetails")
    remittance = epi.find("EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier") if epi is not None else None
    total_node = details.find("InvoiceTotalVatIncludedAmount") if details is not None else None
    rows = []
    for row in root.findall("InvoiceRow"):
        rows.append({"article": _t(row, "ArticleIdentifier"), "name": _t(row, "ArticleName"),
                     "quantity": _t(row, "InvoicedQuantity") or _t(row, "DeliveredQuantity"),
                     "unitPrice": _n(row, "UnitPriceAmount"), "vatPercent": _n(row, "RowVatRatePercent"),
                     "vatCode": _t(row, "RowVatCode"), "vat": _n(row, "RowVatAmount"),
                     "net": _n(row, "RowVatExcludedAmount"), "gross": _n(row, "RowAmount"),
                     "account": _t(row, "RowNormalProposedAccountIdentifier"),
                     "dimension": _t(row, "RowAccountDimensionText"), "text": _t(row, "RowFreeText")})
    return Facts(
        number=_t(details, "InvoiceNumber"), invoice_date=_d(details, "InvoiceDate"),
        currency=total_node.get("AmountCurrencyIdentifier", "") if total_node is not None else "",
        net=_n(details, "InvoiceTotalVatExcludedAmount"), vat=_n(details, "InvoiceTotalVatAmount"),
        total=_n(details, "InvoiceTotalVatIncludedAmount"), seller=_party(root, "Seller"),
        buyer=_party(root, "Buyer"), rows=rows,
        iban=_t(epi, "EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID"),
        reference=_t(epi, "EpiIdentificationDetails/EpiReference"),
        reference_scheme=remittance.get("IdentificationSchemeName", "") if remittance is not None else "",
        instructed=_n(epi, "EpiPaymentInstructionDetails/EpiInstructedAmount"),
        due_date=_d(epi, "EpiPaymentInstructionDetails/EpiDateOptionDate"),
        type_code=_t(details, "InvoiceTypeCode"), original_number=_t(details, "OriginalInvoiceNumber"),
        original_date=_d(details, "OriginalInvoiceDate"),
        original_references=[(_t(ref, "InvoiceNumber"), _d(ref, "InvoiceDate"))
                             for ref in (details.findall("OriginalInvoiceReference") if details is not None else [])])


def credit_problems(facts: Facts, invoices: dict) -> list[Problem]:
    """A credit note (INV02) names the invoice it credits (OriginalInvoiceNumber and date, the same in its
    OriginalInvoiceReference), which Heeros holds for the same buyer; it carries a negative total and the
    invoice a positive one. ``invoices``: what Heeros holds (invoiceId -> invoice)."""
    if facts.type_code != "INV02":
        if facts.original_number:
            return [Problem("OriginalInvoiceOnInvoice", "OriginalInvoiceNumber",
                            "Only a credit note (INV02) names an original invoice.")]
        return []
    if not facts.original_number:
        return [Problem("OriginalInvoiceMissing", "OriginalInvoiceNumber",
                        "A credit note must name the invoice it credits.")]
    held = next((invoice for invoice in invoices.values() if invoice["invoiceNumber"] == facts.original_number),
                None)
    if held is None:
        return [Problem("OriginalInvoiceNotFound", "OriginalInvoiceNumber",
                        f"The credited invoice {facts.original_number} is not in Heeros.")]
    problems = []
    if facts.original_date is None or held["invoiceDate"] != facts.original_date.isoformat():
        problems.append(Problem("OriginalInvoiceDateMismatch", "OriginalInvoiceDate",
                                f"Invoice {facts.original_number} is dated {held['invoiceDate']}."))
    if (facts.original_number, facts.original_date) not in facts.original_references:
        problems.append(Problem("OriginalInvoiceReferenceMismatch", "OriginalInvoiceReference",
                                "The OriginalInvoiceReference does not name the credited invoice."))
    if held["customer"] != facts.buyer["name"]:
        problems.append(Problem("OriginalInvoiceOtherBuyer", "BuyerPartyDetails",
                                f"Invoice {facts.original_number} is of another customer ({held['customer']})."))
    if facts.total is None or facts.total >= 0 or (held["totalAmount"] or 0) <= 0:
        problems.append(Problem("OriginalInvoiceSign", "InvoiceTotalVatIncludedAmount",
                                "A credit note has a negative total and credits an invoice with a positive one."))
    return problems


def heeros_problems(facts: Facts) -> list[Problem]:
    """Heeros' reasons to refuse a document it has read (the import ends Failed)."""
    problems = []
    seller, buyer = facts.seller, facts.buyer
    if not seller["businessId"]:
        problems.append(Problem("MissingSellerBusinessId", "SellerPartyIdentifier", "The seller has no business ID."))
    elif seller["country"] in ("", "FI") and not ytunnus.is_valid(seller["businessId"]):
        problems.append(Problem("InvalidBusinessId", "SellerPartyIdentifier",
                                f"The seller's business ID {seller['businessId']} is not a valid Y-tunnus."))
    if not (seller["street"] and seller["town"] and seller["postcode"]):
        problems.append(Problem("MissingSellerAddress", "SellerPostalAddressDetails", "The seller has no address."))
    if not buyer["name"] or not (buyer["street"] and buyer["town"] and buyer["postcode"]):
        problems.append(Problem("MissingCustomerData", "BuyerPartyDetails",
                                "The customer's name or address is missing."))
    if buyer["country"] == "FI" and buyer["businessId"] and not ytunnus.is_valid(buyer["businessId"]):
        problems.append(Problem("InvalidBusinessId", "BuyerPartyIdentifier",
                                f"The customer's business ID {buyer['businessId']} is not a valid Y-tunnus."))
    for role, party, name in (("seller", seller, "SellerOrganisationTaxCode"),
                              ("customer", buyer, "BuyerOrganisationTaxCode")):
        if party["vatId"] and not vat.is_valid(party["vatId"]):
            problems.append(Problem("InvalidVatNumber", name,
                                    f"The {role}'s VAT number {party['vatId']} is not valid."))
    if any(row["vatCode"] == "AE" for row in facts.rows) and not buyer["vatId"]:
        problems.append(Problem("MissingVatNumber", "BuyerOrganisationTaxCode",
                                "A reverse-charge invoice needs the customer's VAT number."))
    for index, row in enumerate(facts.rows, start=1):
        if not row["name"]:
            problems.append(Problem("MissingProductName", f"InvoiceRow[{index}]/ArticleName",
                                    f"Row {index} has no product name."))
        if row["unitPrice"] is not None and row["unitPrice"] < 0:
            problems.append(Problem("NegativeUnitPrice", f"InvoiceRow[{index}]/UnitPriceAmount",
                                    f"Row {index} has a negative unit price; credit with a negative quantity."))
        if not row["gross"] and not row["net"]:
            problems.append(Problem("ZeroSumRow", f"InvoiceRow[{index}]", f"Row {index} has a zero sum."))
    problems += _sums(facts)
    if not iban.is_valid(facts.iban):
        problems.append(Problem("InvalidIban", "EpiAccountID", f"The payment account {facts.iban!r} is not an IBAN."))
    if facts.reference_scheme == "SPY" and not _finnish_reference_ok(facts.reference):
        problems.append(Problem("InvalidReference", "EpiRemittanceInfoIdentifier",
                                f"The reference {facts.reference} has a wrong check digit."))
    if facts.reference_scheme == "ISO" and not iso11649.is_valid(facts.reference):
        problems.append(Problem("InvalidReference", "EpiRemittanceInfoIdentifier",
                                f"The RF reference {facts.reference} has wrong check digits."))
    return problems


def _sums(facts: Facts) -> list[Problem]:
    zero = Decimal(0)
    rows_net = sum((row["net"] or zero for row in facts.rows), zero)
    rows_vat = sum((row["vat"] or zero for row in facts.rows), zero)
    problems = []
    if facts.net is not None and facts.net != rows_net:
        problems.append(Problem("TotalsMismatch", "InvoiceTotalVatExcludedAmount",
                                f"The rows add up to {rows_net} without VAT, the invoice says {facts.net}."))
    if facts.vat is not None and facts.vat != rows_vat:
        problems.append(Problem("TotalsMismatch", "InvoiceTotalVatAmount",
                                f"The rows' VAT adds up to {rows_vat}, the invoice says {facts.vat}."))
    if None not in (facts.net, facts.vat, facts.total) and facts.total != facts.net + facts.vat:
        problems.append(Problem("TotalsMismatch", "InvoiceTotalVatIncludedAmount",
                                f"{facts.net} + {facts.vat} is not {facts.total}."))
    if facts.instructed is not None and facts.instructed != facts.total:
        problems.append(Problem("TotalsMismatch", "EpiInstructedAmount",
                                f"The payment order is for {facts.instructed}, the invoice total is {facts.total}."))
    return problems


def _finnish_reference_ok(reference: str) -> bool:
    digits = reference.replace(" ", "")
    if not re.fullmatch(r"\d{4,20}", digits):
        return False
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == int(digits[-1])
