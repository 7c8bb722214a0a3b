"""Building what is sent for one invoice: pure (no call, no query), used by Preview and by send.

The invoice method: a draft invoice with one line per Opter line, each on the product of the product group
named after the line's sales account (seed 003 step 1), booked later with the Opter number. The voucher
method: one customer-invoice voucher numbered like the invoice, one entry per sales account and VAT code
with the VAT code from the Codes tab.

e-conomic takes at most 2 decimals on prices and quantities: a line whose quantity and unit price say
exactly its amount is sent as it is; any other (a road toll of 523 km at 0.8803) is sent as quantity 1 at
its amount, the quantity and unit price written into the description, so the totals match to the cent.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from accounting.money import to_cents
from accounting.services.coding import AccountCodingError

from ..base import ExportError, Payload
from ..credits import credit_quantity
from ..opter import OpterData
from ..rows import Row, build_rows, totals, totals_mismatch
from .messages import CATALOGUE
from .reference import NotFound, Reference
from .settings import Settings
from .zones import country_name, vat_zone

CENT = Decimal("0.01")
MAX_VOUCHER_NUMBER = 999999999
#: A credit note's notes.textLine2, followed by the booked number of the invoice it credits.
CREDIT_NOTE_TEXT = "Credit note for invoice"


def error(code: str, *params) -> ExportError:
    return ExportError(CATALOGUE, code, *params)


def customer_key(customer, by_number: bool) -> str:
    """How the customer is found in e-conomic: its customer number (the sales ledger number) or its
    corporate ID (CVR)."""
    if by_number:
        return str(customer.sales_ledger_number or "")
    return (customer.corporate_id or "").strip()


class PayloadBuilder:
    def __init__(self, export, settings: Settings, reference: Reference, opter: OpterData,
                 accounts_in_use: list[str], codes: dict):
        self.export = export
        self.settings = settings
        self.reference = reference
        self.opter = opter
        self.accounts_in_use = accounts_in_use  # every sales account of the run, for the product group message
        self.vat_codes: dict[int, str] = codes["tax_rate"]  # Opter VAT rate id -> e-conomic VAT code
        self.term_names: dict[int, str] = codes["payment_condition"]  # Opter payment condition id -> terms name

    def build(self, invoice, pdf: bytes | None) -> Payload:
        number = invoice.number
        try:
            self.opter.receivable(invoice)
            lines = self.opter.line_facts(invoice)
        except AccountCodingError as exc:
            raise ExportError.from_coding(CATALOGUE, exc) from None
        if not lines:
            raise error("cannot_send_invoice", number, "The invoice has no lines")
        rows = build_rows(lines)
        mismatch = totals_mismatch(invoice, rows)
        if mismatch:
            raise error("cannot_send_invoice", number, mismatch)
        if self.export.include_pdf_copy and not (pdf and pdf.startswith(b"%PDF-")):
            raise error("invoice_file_not_generated")
        missing = self.reference.missing_groups(line.account for line in lines)
        if missing:
            raise error("product_groups_missing", missing, sorted(set(self.accounts_in_use) | {
                line.account for line in lines}, key=str))
        original = self.opter.original(invoice, CATALOGUE)
        terms = self.payment_terms(invoice)
        customer = self.customer(invoice, terms)
        body = {"method": self.settings.method, "number": number, "customer": customer,
                "gross": str(invoice.total), "net": str(invoice.net_amount), "currency": invoice.currency.code}
        if original is not None:
            body["credits"] = original.number
        if self.settings.vouchers:
            body["voucher"] = self.voucher(invoice, rows, original)
        else:
            body["products"] = self.products(rows)
            body["draft"] = self.draft(invoice, rows, terms, customer, original)
        pdf_copy = pdf if self.export.include_pdf_copy else None
        payload = Payload(body=body, pdf=pdf_copy, pdf_name=f"Invoice-{number}.pdf")
        payload.summary = summarize(invoice, body, rows, bool(pdf_copy))
        return payload

    # -- payment terms and the customer -----------------------------------------------------------------
    def payment_terms(self, invoice) -> dict:
        condition = invoice.payment_condition
        if condition is not None:
            days, month_based, name = condition.days, condition.count_from_last_day_of_month, condition.name
        else:
            days, month_based = (invoice.due_date - invoice.invoice_date).days, False
            name = f"{days} days"
        mapped = self.term_names.get(condition.pk, "") if condition is not None else ""
        try:
            return self.reference.terms_for(days, month_based, mapped)
        except NotFound as exc:
            raise error("payment_terms", name, exc) from None

    def customer(self, invoice, terms: dict) -> dict:
        customer = invoice.customer
        by_number = self.export.use_customer_number
        key = customer_key(customer, by_number)
        if not key:
            missing = "sales ledger number (customer number)" if by_number else "corporate ID number"
            raise error("cannot_create_customer", customer.code, f"The customer has no {missing} in Opter")
        try:
            group = self.reference.customer_group(self.settings.customer_group)
        except NotFound as exc:
            raise error("cannot_create_customer", customer.code, str(exc).capitalize()) from None
        zone = vat_zone(customer.invoice_country or customer.country, invoice.office.country)
        address = ", ".join(part for part in (customer.invoice_address, customer.invoice_address2) if part)
        body = {
            "name": (customer.invoice_name or customer.name)[:255], "currency": invoice.currency.code,
            "customerGroup": {"customerGroupNumber": group["customerGroupNumber"]},
            "paymentTerms": {"paymentTermsNumber": terms["paymentTermsNumber"]},
            "vatZone": {"vatZoneNumber": zone}, "address": address[:510],
            "zip": customer.invoice_postal_code[:30], "city": customer.invoice_city[:50],
            "country": country_name(customer.invoice_country or customer.country)[:50],
            "corporateIdentificationNumber": (customer.corporate_id or "")[:40],
            "vatNumber": (customer.vat_number or "")[:50], "email": customer.invoice_email[:255],
        }
        if by_number:
            body["customerNumber"] = int(key)
        return {"key": key, "opter_code": customer.code, "layout": self.layout(group, invoice.number),
                "body": {name: value for name, value in body.items() if value not in ("", None)}}

    def layout(self, group: dict, number) -> int:
        try:
            return self.reference.layout_for(group)
        except NotFound as exc:
            raise error("cannot_send_invoice", number, str(exc).capitalize()) from None

    # -- the invoice method ---------------------------------------------------------------------------------
    def products(self, rows: list[Row]) -> dict[str, dict]:
        """productNumber -> the product to create first (None: e-conomic has it)."""
        result = {}
        for row in rows:
            group = self.reference.group_named(row.line.account)
            product = self.reference.product_of(group, row.line.account)
            if product is not None:
                result[str(product["productNumber"])] = None
            else:
                result[str(row.line.account)] = {
                    "productNumber": str(row.line.account), "name": f"Transport services ({row.line.account})",
                    "productGroup": {"productGroupNumber": group["productGroupNumber"]}}
        return result

    def product_number(self, account: str) -> str:
        product = self.reference.product_of(self.reference.group_named(account), account)
        return str(product["productNumber"]) if product is not None else str(account)

    def draft(self, invoice, rows: list[Row], terms: dict, customer: dict, original=None) -> dict:
        body = customer["body"]
        recipient = {"name": body["name"][:250], "address": body.get("address", "")[:250],
                     "zip": body.get("zip", ""), "city": body.get("city", ""), "country": body.get("country", ""),
                     "vatZone": dict(body["vatZone"])}
        notes = {"heading": f"Invoice {invoice.number}"}
        if invoice.your_reference:
            notes["textLine1"] = f"Your reference: {invoice.your_reference}"[:1000]
        if original is not None:
            # e-conomic has no field linking a credit note to the invoice it credits: a credit note is an
            # invoice with negative quantities (spec 6.10, "correct only with a credit note"); the booked
            # number of the original goes in its notes, where the books and the customer both read it.
            notes["heading"] = f"Credit note {invoice.number}"
            notes["textLine2"] = f"{CREDIT_NOTE_TEXT} {original.number}"
        return {
            "date": invoice.invoice_date.isoformat(), "currency": invoice.currency.code,
            "paymentTerms": {"paymentTermsNumber": terms["paymentTermsNumber"]},
            "customer": {"customerNumber": body.get("customerNumber")},
            "recipient": {name: value for name, value in recipient.items() if value not in ("", None)},
            "layout": {"layoutNumber": customer["layout"]},
            # The Opter number: how our own draft is recognised after an unanswered call (filterable).
            "references": {"other": str(invoice.number)},
            "notes": notes,
            "lines": [self.line(position, row) for position, row in enumerate(rows, start=1)],
        }

    def line(self, position: int, row: Row) -> dict:
        line = row.line
        quantity, price = exact_quantity_and_price(*credit_quantity(line.quantity, line.unit_price, line.amount),
                                                   line.amount)
        description = row.title
        if (quantity, price) != (line.quantity, line.unit_price):
            unit = f" {line.unit}" if line.unit else ""
            description += f" ({_plain(line.quantity)}{unit} x {_plain(line.unit_price)})"
        return {"lineNumber": position, "sortKey": position,
                "product": {"productNumber": self.product_number(line.account)},
                "description": description[:2500], "quantity": quantity, "unitNetPrice": price}

    # -- the voucher method ------------------------------------------------------------------------------------
    def voucher(self, invoice, rows: list[Row], original=None) -> dict:
        number, journal = invoice.number, self.settings.journal
        problem = self.reference.journal_problem(journal, (number, number))
        if problem is None and number > MAX_VOUCHER_NUMBER:
            problem = f"the invoice number {number} is larger than e-conomic's voucher numbers ({MAX_VOUCHER_NUMBER})"
        if problem:
            raise error("journal", journal, problem)
        year = self.reference.accounting_year(invoice.invoice_date)
        if year is None:
            raise error("accounting_year", invoice.invoice_date.isoformat())
        sign = Decimal(self.settings.amount_sign)
        entries = []
        for (account, code), group in self.entry_groups(invoice, rows).items():
            net = to_cents(sum((row.line.amount for row in group), Decimal(0)))
            vat = to_cents(sum((row.vat_amount for row in group), Decimal(0)))
            entries.append({
                "customer": {"customerNumber": None}, "customerInvoice": number,
                "date": invoice.invoice_date.isoformat(), "dueDate": invoice.due_date.isoformat(),
                "amount": sign * (net + vat), "currency": {"code": invoice.currency.code},
                "text": (f"Credit note {number} for invoice {original.number} {invoice.customer.name}" if original
                         else f"Invoice {number} {invoice.customer.name}")[:250],
                "contraAccount": {"accountNumber": int(account)}, "contraVatAccount": {"vatCode": code},
                "contraVatAmount": sign * vat})
        return {"accountingYear": {"year": str(year["year"])}, "journal": {"journalNumber": journal},
                "voucherNumber": number, "entries": {"manualCustomerInvoices": entries}}

    def entry_groups(self, invoice, rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
        groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows:
            code = self.vat_codes.get(row.line.vat_rate_id)
            if not code:
                raise error("cannot_create_voucher", invoice.number, self.settings.journal,
                            f"The VAT rate {row.line.vat_label} % has no VAT code on the Codes tab (Tax rates)")
            if not self.reference.vat_code_known(code):
                raise error("vat_code", code)
            if not str(row.line.account).isdigit():
                raise error("cannot_create_voucher", invoice.number, self.settings.journal,
                            f"The sales account {row.line.account} is not an e-conomic account number")
            groups[(str(row.line.account), code)].append(row)
        return groups


def exact_quantity_and_price(quantity: Decimal, price: Decimal, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(quantity, unit price) with at most 2 decimals that make exactly ``amount``: the line's own when they
    do, else 1 at the amount."""
    if quantity == quantity.quantize(CENT) and price == price.quantize(CENT) and to_cents(quantity * price) == amount:
        return _normal(quantity), _normal(price)
    return Decimal(1), amount


def _normal(value: Decimal) -> Decimal:
    return value.quantize(CENT) if value != value.to_integral_value() else value.quantize(Decimal(1))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def summarize(invoice, body: dict, rows: list[Row], with_pdf: bool) -> str:
    net, vat, gross = totals(rows)
    customer = body["customer"]
    head = (f"Invoice {invoice.number} to Visma e-conomic ({body['method']} method): customer "
            f"{customer['body']['name']} (matched on {customer['key']}), {invoice.invoice_date}, "
            f"{invoice.currency.code} net {net}, VAT {vat}, total {gross}")
    if body["method"] == "voucher":
        voucher = body["voucher"]
        entries = voucher["entries"]["manualCustomerInvoices"]
        detail = [f"voucher {voucher['accountingYear']['year']}-{voucher['voucherNumber']} in journal "
                  f"{voucher['journal']['journalNumber']}"]
        detail += [f"  entry: account {e['contraAccount']['accountNumber']}, VAT code "
                   f"{e['contraVatAccount']['vatCode']}, amount {e['amount']}, VAT {e['contraVatAmount']}"
                   for e in entries]
    else:
        detail = [f"  {line['description']}: {line['quantity']} x {line['unitNetPrice']} (product "
                  f"{line['product']['productNumber']})" for line in body["draft"]["lines"]]
        detail.append(f"booked as invoice {invoice.number}")
    if with_pdf:
        detail.append(f"PDF copy attached ({body['method']})")
    return "\n".join([head, *detail])
