"""The pure payload of one invoice (no call, no query): every check Procountor's rules and Opter's article
ask for before anything is sent, the business partner, the accounting products its rows use, the invoice
and the account coding its ledger receipt gets.

Accounting products (seed 002, "Product group"): one SALES product per distinct account, VAT status, VAT
percentage and dimension items, in the export's product group. Its code names the combination, e.g.
``3000-1-25.5`` or ``3000-1-25.5-7c1f0a2b`` with dimensions (a digest of their names: codes have 40
characters at most), so the next run finds it again.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from accounting.services.coding import AccountCodingError

from ..base import ExportError, Payload
from ..credits import credit_quantity
from ..rows import build_rows, totals, totals_mismatch
from . import vocabulary
from .messages import CATALOGUE
from .reference import ACCOUNT_NUMBER, Company, vat_status_of
from .settings import Settings

PRODUCT_NAME_MAX = 100
ROW_TEXT_MAX = 255
#: What a credit invoice says of the invoice it credits, followed by that invoice's number.
CREDIT_NOTE_TEXT = "Credit note for invoice"


@dataclass(frozen=True)
class VatRates:
    """The export's Codes tab (VAT rate id -> "vat_1") and the rates' names, read once per run."""

    codes: dict[int, str]
    names: dict[int, str]


def product_code(account: str, status: int, percent: str, dimensions: list[tuple[str, str]]) -> str:
    code = f"{account}-{status}-{percent}"
    if dimensions:
        digest = hashlib.sha256("\x00".join(f"{d}\x01{i}" for d, i in dimensions).encode()).hexdigest()[:8]
        code += f"-{digest}"
    return code


def product_name(account: str, status: int, percent: str, dimensions: list[tuple[str, str]]) -> str:
    name = f"{account} {percent} % vat_{status}"
    if dimensions:
        name += " " + ", ".join(f"{d}: {i}" for d, i in dimensions)
    return name[:PRODUCT_NAME_MAX]


def _error(code: str, *params) -> ExportError:
    return ExportError(CATALOGUE, code, *params)


class PayloadBuilder:
    def __init__(self, export, settings: Settings, company: Company, opter, vat_rates: VatRates):
        self.export = export
        self.settings = settings
        self.company = company
        self.opter = opter
        self.vat_rates = vat_rates

    def build(self, invoice, pdf: bytes | None) -> Payload:
        number = str(invoice.number)
        customer = invoice.customer
        if not customer.sales_ledger_number:
            raise _error("customer_number_missing", customer.name, customer.code, customer.pk)
        if not self.company.period_open(invoice.invoice_date):
            raise _error("period_closed", invoice.invoice_date.isoformat())
        try:
            receivable = self.opter.receivable(invoice).number
            lines = self.opter.line_facts(invoice)
        except AccountCodingError as exc:
            raise ExportError.from_coding(CATALOGUE, exc) from None
        rows = build_rows(lines)
        mismatch = totals_mismatch(invoice, rows)
        if mismatch:
            raise _error("invoice_inconsistent", number, mismatch)
        original = self.opter.original(invoice, CATALOGUE)
        self._check_account(receivable)
        coded = [self._coded(invoice, row) for row in rows]
        missing = sorted({name for _, _, dims, missing in coded for name in missing})
        if missing:
            raise _error("dimensions_missing", missing)
        statuses = [status for _, status, _, _ in coded]
        products, product_dimensions, invoice_rows, coding = {}, {}, [], []
        for row, (percent, status, dimensions, _) in zip(rows, coded, strict=True):
            account = row.line.account
            code = product_code(account, status, percent, dimensions)
            products.setdefault(code, {
                "type": "SALES", "name": product_name(account, status, percent, dimensions), "code": code,
                "discount": 0, "price": 0, "vat": Decimal(percent), "active": True, "defaultAccount": account,
                "vatStatus": status, "currency": "EUR"})
            product_dimensions[code] = [list(pair) for pair in dimensions]
            quantity, unit_price = credit_quantity(row.line.quantity, row.line.unit_price, row.line.amount)
            invoice_rows.append({"product": row.title[:ROW_TEXT_MAX], "productCode": code,
                                 "quantity": quantity, "unit": vocabulary.unit(row.line.unit),
                                 "unitPrice": unit_price, "discountPercent": 0,
                                 "vatPercent": Decimal(percent), "vatStatus": status})
            coding.append({"account": account, "dimensions": [list(pair) for pair in dimensions]})
        partner = self._partner(invoice)
        body = self._invoice(invoice, partner, invoice_rows, statuses)
        if original is not None:
            # A credit invoice: rows with a negative quantity at a positive unit price, and the invoice it
            # credits named where the Start text says (CreditNoteLink; Procountor documents no link field).
            field = self.settings.credit_note_link
            body[field] = "\n".join(part for part in (body.get(field), f"{CREDIT_NOTE_TEXT} {original.number}")
                                     if part)
        net, vat, gross = totals(rows)
        attach = bool(self.export.include_pdf_copy and pdf)
        kind = f"Credit invoice {number} (for invoice {original.number})" if original else f"Invoice {number}"
        summary = (f"{kind} to Procountor for {customer.name} (customer no. {customer.sales_ledger_number}), "
                   f"{body['invoiceChannel']}: {len(rows)} rows on the accounting products "
                   f"{', '.join(sorted(products))} of the product group {self.settings.product_group}; net {net}, "
                   f"VAT {vat}, total {gross} {body['paymentInfo']['currency']}; ledger receipt coded to "
                   f"{', '.join(sorted({c['account'] for c in coding}))} and receivable {receivable}"
                   + ("; with the PDF copy" if attach else ""))
        return Payload({"number": number, "total": gross, "credits": original.number if original else None,
                        "credit_link": self.settings.credit_note_link,
                        "customer": {"number": str(customer.sales_ledger_number),
                                                                      "name": customer.name, "code": customer.code,
                                                                      "partner": partner},
                        "products": products, "product_dimensions": product_dimensions,
                        "dimensions": sorted({tuple(pair) for c in coding for pair in c["dimensions"]}),
                        "invoice": body, "coding": {"receivable": receivable, "rows": coding}},
                       summary=summary, pdf=pdf if attach else None, pdf_name=f"Invoice_{number}.pdf")

    # -- checks ------------------------------------------------------------------------------------------------
    def _check_account(self, number: str) -> None:
        if not ACCOUNT_NUMBER.match(number or ""):
            raise _error("incorrect_account", number)
        if not self.company.account_usable(number):
            raise _error("no_account", number)

    def _coded(self, invoice, row) -> tuple[str, int, list[tuple[str, str]], list[str]]:
        """(VAT percentage, VAT status, [(dimension, item)], dimensions missing) of a row."""
        line = row.line
        self._check_account(line.account)
        name = self.vat_rates.names.get(line.vat_rate_id, f"{line.vat_label} %")
        code = self.vat_rates.codes.get(line.vat_rate_id)
        if not code:
            raise _error("vat_status_missing", name)
        status = vat_status_of(code)
        if status is None or status not in self.company.vat_statuses:
            raise _error("vat_status_invalid", code, name)
        percent = Decimal(line.vat_percent).normalize()
        if percent not in self.company.vat_percents:
            raise _error("vat_percent_not_in_use", line.vat_label)
        dimensions, missing = [], []
        for level, _, unit_name in line.economic_units:
            dimension_name = invoice.office.economic_unit_name(level)
            if self.company.dimension(dimension_name) is None:
                missing.append(dimension_name)
            else:
                dimensions.append((dimension_name, unit_name))
        return f"{percent:f}", status, dimensions, missing

    # -- bodies --------------------------------------------------------------------------------------------
    def _address(self, customer) -> dict:
        country = vocabulary.country(customer.invoice_country or customer.country)
        street = ", ".join(part for part in (customer.invoice_address, customer.invoice_address2) if part)
        address = {"name": customer.display_invoice_name[:80], "street": street or None,
                   "zip": customer.invoice_postal_code or None, "city": customer.invoice_city or None,
                   "country": country}
        return {key: value for key, value in address.items() if value}

    def _einvoice(self, customer) -> tuple[str, str]:
        """(operator, address): the bank code from the EDI code field and the OVT number (derived from a
        Finnish business ID when the OVT field is empty)."""
        operator = customer.edi_code.strip()
        address = customer.ovt_number.strip()
        if operator and not address and (customer.country or "").upper() == "FI" and customer.corporate_id:
            address = "0037" + customer.corporate_id.replace("-", "").strip()
        return operator, address

    def _channel(self, customer, address: dict) -> str:
        chosen = self.settings.invoice_channel
        if chosen != "auto":
            return chosen
        operator, einvoice_address = self._einvoice(customer)
        if operator and einvoice_address and all(address.get(k) for k in ("street", "zip", "city")):
            return "ELECTRONIC_INVOICE"
        if customer.invoice_email:
            return "EMAIL"
        if all(address.get(k) for k in ("street", "zip", "city")):
            return "MAIL"
        return "NO_SENDING"

    def _partner(self, invoice) -> dict:
        customer = invoice.customer
        address = self._address(customer)
        operator, einvoice_address = self._einvoice(customer)
        info = {"customerNumber": str(customer.sales_ledger_number), "invoiceChannel": self._channel(customer, address),
                "language": vocabulary.language(customer.language, customer.country)}
        if customer.corporate_id:
            info["identifier"] = customer.corporate_id
            if self.settings.identifier_type:
                info["identifierType"] = self.settings.identifier_type
        if customer.invoice_email:
            info["email"] = customer.invoice_email
        payment = {"paymentMethod": "BANK_TRANSFER", "currency": invoice.currency.code,
                   "paymentTermDays": str(max(0, (invoice.due_date - invoice.invoice_date).days))}
        if operator and self.settings.edi_code_as == "bic":
            payment["bic"] = operator
        elif operator:
            info["einvoiceOperator"] = operator
            if einvoice_address:
                info["einvoiceAddress"] = einvoice_address
        return {"name": customer.name, "type": "CUSTOMER", "address": address, "billingAddress": dict(address),
                "invoicingInfo": info, "paymentInfo": payment, "registryInfo": {"active": True}}

    def _invoice(self, invoice, partner: dict, rows: list[dict], statuses: list[int]) -> dict:
        customer = invoice.customer
        info = partner["invoicingInfo"]
        address = partner["address"]
        counter_party = {"counterPartyAddress": dict(address), "customerNumber": info["customerNumber"]}
        if customer.corporate_id:
            counter_party["identifier"] = customer.corporate_id
        if customer.vat_number:
            counter_party["taxCode"] = customer.vat_number
        if customer.invoice_email:
            counter_party["email"] = customer.invoice_email
        operator, einvoice_address = self._einvoice(customer)
        if info["invoiceChannel"] == "ELECTRONIC_INVOICE":
            counter_party["einvoiceAddress"] = {"operator": operator, "address": einvoice_address}
        rate = invoice.exchange_rate or Decimal(1)
        payment = {"paymentMethod": "BANK_TRANSFER", "currency": invoice.currency.code,
                   "dueDate": invoice.due_date.isoformat(),
                   # Procountor: units of the invoice currency per euro; Opter keeps euros per unit
                   "currencyRate": Decimal(1) if invoice.currency.code == "EUR" else (Decimal(1) / rate).quantize(
                       Decimal("0.000001")),
                   "bankReferenceCode": invoice.reference_number or ""}
        iban = (self.opter.iban(invoice) or "").replace(" ", "").upper()
        if iban:
            payment["bankAccount"] = {"accountNumber": iban}
        if invoice.reference_number:
            payment["bankReferenceCodeType"] = "RF" if invoice.reference_number.upper().startswith("RF") else "FI"
        body = {"type": "SALES_INVOICE", "date": invoice.invoice_date.isoformat(),
                "vatStatus": statuses[0], "language": info["language"], "invoiceChannel": info["invoiceChannel"],
                "originalInvoiceNumber": str(invoice.number), "counterParty": counter_party,
                "billingAddress": dict(address), "paymentInfo": payment,
                "extraInfo": {"accountingByRow": True, "unitPricesIncludeVat": False}, "discountPercent": 0,
                "invoiceRows": rows}
        if self.settings.send_invoice_number and str(invoice.number).isdigit():
            body["invoiceNumber"] = int(invoice.number)
        if invoice.your_reference:
            body["orderReference"] = invoice.your_reference[:70]
        return body
