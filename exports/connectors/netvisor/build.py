"""Building what is sent for one invoice: pure (no call, no query), used by Preview and by send.

Every check happens here, in the order a user fixes them: account coding in Opter, the accounts in
Netvisor, the VAT codes of the Codes tab, the customer, the totals, the PDF copy.

The invoice (spec section 5.9, seed 001 step 4): one row per VAT rate of the Opter invoice, each linked
to the product (terminology IES_NetvisorAPIProductName, default "Opter"), quantity 1 at the rate's net
sum, with the rate's Netvisor VAT code, the sales account of the account coding as the row's account
suggestion and the lines' economic units as dimensions. Lines of one VAT rate that the account coding
books on different sales accounts or economic units cannot share a row: each such part is a row of its
own. The receivables account of the account coding overrides Netvisor's default; the status is the Start
text's; the PDF copy travels inside the same call as an attachment.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field

from lxml import etree

from accounting.services.coding import AccountCodingError

from ..base import ExportError, Payload
from ..opter import OpterData, period_label
from ..rows import LineFacts, Row, build_rows, totals, totals_mismatch
from . import operators, vat_codes
from .messages import CATALOGUE
from .reference import CompanyData, ProductSpec
from .xml import add, add_if, amount, ansi, document, percentage

LANGUAGES = {"fi": "FI", "sv": "SE", "en": "EN"}  # Netvisor's invoicing languages (ISO 3166 style)


def error(code: str, *params) -> ExportError:
    return ExportError(CATALOGUE, code, *params)


@dataclass(frozen=True)
class InvoiceRow:
    code: str  # the Netvisor VAT code
    percent: object
    account: str
    dimensions: tuple[tuple[str, str], ...]  # (dimension name, item)
    net: object
    vat: object
    titles: tuple[str, ...]


@dataclass
class CustomerDocument:
    key: str  # the customer code in Netvisor (Opter's customer code, or its customer number)
    opter_code: str
    name: str
    xml: bytes  # customer.nv?method=add, used when Netvisor does not have the customer yet


@dataclass
class NetvisorDocument:
    number: str
    customer: CustomerDocument
    dimensions: list[tuple[str, str]]
    invoice_xml: bytes
    rows: list[InvoiceRow] = field(default_factory=list)
    #: a credit note: the invoice it credits (its number and NetvisorKey; "" = look it up by number)
    credits: tuple[str, str] | None = None


def customer_key(customer, use_customer_number: bool) -> str:
    """How the customer is known in Netvisor: its code, or its customer number (sales ledger number)."""
    if use_customer_number:
        if customer.sales_ledger_number is None:
            raise error("customer_number_missing", customer.code, customer.name)
        return str(customer.sales_ledger_number)
    return customer.code


class PayloadBuilder:
    def __init__(self, export, status: str, company: CompanyData, product: ProductSpec, codes: dict[int, str],
                 opter: OpterData):
        self.export = export
        self.status = status
        self.company = company
        self.product = product
        self.codes = codes  # VAT rate id -> Netvisor VAT code (Codes tab)
        self.opter = opter

    def build(self, invoice, pdf: bytes | None) -> Payload:
        number = str(invoice.number)
        try:
            receivable = self.opter.receivable(invoice)
            lines = self.opter.line_facts(invoice)
        except AccountCodingError as exc:
            raise ExportError.from_coding(CATALOGUE, exc) from None
        if not lines:
            raise error("cannot_send_invoice", number, "The invoice has no lines")
        if invoice.currency.code != "EUR":
            raise error("cannot_send_invoice", number, f"Its currency is {invoice.currency.code}; the Netvisor "
                                                       f"export sends invoices in euros only")
        self.check_accounts(period_label(invoice), [receivable.number, *(line.account for line in lines)])
        self.check_vat_codes(number, lines)
        customer = self.customer(invoice.customer)
        rows = build_rows(lines)
        mismatch = totals_mismatch(invoice, rows)
        if mismatch:
            raise error("cannot_send_invoice", number, mismatch)
        if self.export.include_pdf_copy and not (pdf and pdf.startswith(b"%PDF-")):
            raise error("invoice_file_not_generated")
        original = self.opter.original(invoice, CATALOGUE)
        invoice_rows = self.invoice_rows(invoice, rows)
        pdf = pdf if self.export.include_pdf_copy else None
        body = NetvisorDocument(
            number=number, customer=customer,
            dimensions=sorted({dimension for row in invoice_rows for dimension in row.dimensions}),
            invoice_xml=document(self.invoice_element(invoice, receivable.number, customer, invoice_rows, pdf)),
            rows=invoice_rows, credits=(original.number, original.remote_id) if original else None)
        payload = Payload(body=body, pdf=pdf, pdf_name=f"{number}.pdf")
        payload.summary = self.summary(invoice, body, receivable.number, pdf)
        return payload

    # -- what Netvisor and the Codes tab must hold -------------------------------------------------------
    def check_accounts(self, label: str, numbers) -> None:
        numbers = sorted(set(numbers), key=str)
        missing = [n for n in numbers if self.company.account_state(n) == "missing"]
        if missing:
            raise error("accounts_missing", label, missing)
        inactive = [n for n in numbers if self.company.account_state(n) == "inactive"]
        if inactive:
            raise error("accounts_inactive", label, inactive)

    def check_vat_codes(self, number: str, lines: list[LineFacts]) -> None:
        for line in lines:
            code = self.codes.get(line.vat_rate_id)
            if not code:
                raise error("cannot_send_invoice", number, f"The VAT rate {line.vat_label} % has no Netvisor VAT "
                                                           f"code on the Codes tab (Tax rates)")
            problem = vat_codes.problem(line.vat_percent, code)
            if problem:
                raise error("cannot_send_invoice", number, f"Codes tab, VAT rate {line.vat_label} %: {problem}")

    # -- the customer -----------------------------------------------------------------------------------
    def customer(self, customer) -> CustomerDocument:
        key = customer_key(customer, self.export.use_customer_number)
        name = (customer.invoice_name or customer.name or "").strip()
        if key not in self.company.customers:
            # Checked only for a customer that is to be created: one Netvisor holds is left as it is.
            if not name:
                raise error("cannot_create_customer", customer.code, "The customer has no name in Opter")
            reason = operators.edi_code_reason(customer)
            if reason:
                raise error("cannot_create_customer", customer.code, reason.rstrip("."))
        return CustomerDocument(key=key, opter_code=customer.code, name=name,
                                xml=document(customer_element(customer, key, name)))

    # -- the invoice ------------------------------------------------------------------------------------
    def invoice_rows(self, invoice, rows: list[Row]) -> list[InvoiceRow]:
        parts: dict[tuple, list[Row]] = {}
        for row in rows:
            line = row.line
            dimensions = tuple(sorted((invoice.office.economic_unit_name(level), name)
                                      for level, _, name in line.economic_units))
            parts.setdefault((line.vat_rate_id, line.account, dimensions), []).append(row)
        result = []
        for (vat_rate_id, account, dimensions), part in parts.items():
            net, vat, _ = totals(part)
            result.append(InvoiceRow(code=vat_codes.normalized(self.codes[vat_rate_id]),
                                     percent=part[0].line.vat_percent, account=account, dimensions=dimensions,
                                     net=net, vat=vat, titles=tuple(row.title for row in part)))
        return result

    def invoice_element(self, invoice, receivable: str, customer: CustomerDocument, rows: list[InvoiceRow],
                        pdf: bytes | None):
        root = etree.Element("root")
        sales_invoice = add(root, "salesinvoice")
        add(sales_invoice, "salesinvoicenumber", invoice.number)
        add(sales_invoice, "salesinvoicedate", ansi(invoice.invoice_date), format="ansi")
        add_if(sales_invoice, "salesinvoicereferencenumber", (invoice.reference_number or "").replace(" ", ""))
        add(sales_invoice, "salesinvoiceamount", amount(invoice.total), iso4217currencycode="EUR")
        add(sales_invoice, "salesinvoicestatus", self.status, type="netvisor")
        add_if(sales_invoice, "salesinvoiceyourreference", (invoice.your_reference or "").strip())
        add(sales_invoice, "invoicingcustomeridentifier", customer.key, type="customer")
        add(sales_invoice, "paymenttermnetdays", max(0, (invoice.due_date - invoice.invoice_date).days))
        add(sales_invoice, "overridevouchersalesreceivablesaccountnumber", receivable)
        lines = add(sales_invoice, "invoicelines")
        for row in rows:
            product_line = add(add(lines, "invoiceline"), "salesinvoiceproductline")
            add(product_line, "productidentifier", self.product.code, type="customer")
            add(product_line, "productname", self.product.name)
            # Spec 5.9: a credit note's rows carry a negative quantity at a positive unit price.
            add(product_line, "productunitprice", amount(abs(row.net)), type="net")
            add(product_line, "productvatpercentage", percentage(row.percent), vatcode=row.code)
            add(product_line, "salesinvoiceproductlinequantity", "-1" if row.net < 0 else "1")
            add(product_line, "accountingaccountsuggestion", row.account)
            for name, item in row.dimensions:
                dimension = add(product_line, "dimension")
                add(dimension, "dimensionname", name)
                add(dimension, "dimensionitem", item)
        if pdf:
            attachment = add(add(sales_invoice, "salesinvoiceattachments"), "salesinvoiceattachment")
            add(attachment, "mimetype", "application/pdf")
            add(attachment, "attachmentdescription", f"Invoice {invoice.number}")
            add(attachment, "filename", f"{invoice.number}.pdf")
            add(attachment, "documentdata", base64.b64encode(pdf).decode("ascii"), type="pdf")
        return root

    def summary(self, invoice, body: NetvisorDocument, receivable: str, pdf: bytes | None) -> str:
        """The preview: what would be sent, as a finance user reads it."""
        known = body.customer.key in self.company.customers
        lines = [
            f"Invoice {invoice.number} to Netvisor: {ansi(invoice.invoice_date)}, "
            f"{max(0, (invoice.due_date - invoice.invoice_date).days)} days net, status {self.status}, "
            f"reference {invoice.reference_number or '(none)'}",
            f"Customer {body.customer.key} {body.customer.name} "
            f"({'in Netvisor' if known else 'new, will be created'}); receivables account {receivable}",
            f"Product {self.product.code} ({self.product.name}, group {self.product.group}"
            f"{'' if self.company.product else ', will be created'})",
        ]
        lines.append(f"{'VAT code':<9} {'VAT %':>6} {'Account':<8} {'Net':>12} {'VAT':>10}  Dimensions")
        for row in body.rows:
            dimensions = ", ".join(f"{name}: {item}" for name, item in row.dimensions) or "-"
            lines.append(f"{row.code:<9} {percentage(row.percent):>6} {row.account:<8} {amount(row.net):>12} "
                         f"{amount(row.vat):>10}  {dimensions}")
        new_items = [f"{name}: {item}" for name, item in body.dimensions
                     if not self.company.has_dimension_item(name, item)]
        if new_items:
            lines.append("Dimension items to create: " + ", ".join(new_items))
        if body.credits:
            lines.append(f"Credit note for invoice {body.credits[0]}: "
                         + ("matched to it with matchcreditnote.nv" if self.status == "open"
                            else "not matched (Netvisor matches only open invoices)"))
        lines.append(f"Total {amount(invoice.total)} EUR (net {amount(invoice.net_amount)}, VAT "
                     f"{amount(invoice.vat_amount)})" + (f"; PDF copy {len(pdf)} bytes attached" if pdf else ""))
        return "\n".join(lines)


def customer_element(customer, key: str, name: str):
    """customer.nv?method=add (spec section 5.2), children in the DTD's order."""
    root = etree.Element("root")
    base = add(add(root, "customer"), "customerbaseinformation")
    add(base, "internalidentifier", key)
    add_if(base, "externalidentifier", business_id(customer))
    add(base, "name", name)
    add_if(base, "streetaddress", customer.invoice_address.strip())
    add_if(base, "additionaladdressline", customer.invoice_address2.strip())
    add_if(base, "city", customer.invoice_city.strip())
    add_if(base, "postnumber", customer.invoice_postal_code.strip())
    add(base, "country", (customer.invoice_country or customer.country or "FI").upper(), type="ISO-3166")
    add_if(base, "email", (customer.invoice_email or "").strip())
    add(base, "isactive", "1")
    e_invoice_address = (customer.ovt_number or "").strip()
    operator = operators.normalized(customer.edi_code)
    if e_invoice_address or operator:
        finvoice = add(root[0], "customerfinvoicedetails")
        add_if(finvoice, "finvoiceaddress", e_invoice_address)
        add_if(finvoice, "finvoiceroutercode", operator)
    language = LANGUAGES.get(customer.language or "")
    if language:
        add(add(root[0], "customeradditionalinformation"), "invoicinglanguage", language, type="ISO-3166")
    return root


def business_id(customer) -> str:
    """Finnish customers: the business ID (Y-tunnus); others: the VAT number, else their registry code."""
    if (customer.country or "").upper() == "FI":
        return (customer.corporate_id or "").strip()
    return (customer.vat_number or customer.corporate_id or "").strip()
