"""Building what is sent for one invoice: pure, used by Preview and by send.

Every check Opter makes before sending happens here, in the order a user fixes them: account coding
in Opter, accounts and sale articles in E-Financials, projects, the bank account, the buyer, the
totals, the PDF copy. Each failure is the seed's message.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from stdnum.ee import ik as estonian_personal_code

from accounting import validators
from accounting.services.coding import AccountCodingError

from ..base import ExportError, Payload
from ..countries import alpha3
from ..credits import credit_quantity
from ..opter import OpterData
from ..rows import LineFacts, Row, build_rows, totals, totals_mismatch
from .messages import CATALOGUE
from .reference import RunData, SetupData
from .settings import Settings

RATE_PLACES = Decimal("0.000001")
CLIENT_MATCHED_FIELDS = ("name", "invoice_vat_no")  # what a changed Opter customer updates


def error(code: str, *params) -> ExportError:
    return ExportError(CATALOGUE, code, *params)


class PayloadBuilder:
    def __init__(self, export, settings: Settings, setup: SetupData, run: RunData, opter: OpterData):
        self.export = export
        self.settings = settings
        self.setup = setup
        self.run = run
        self.opter = opter

    def build(self, invoice, pdf: bytes | None) -> Payload:
        number = str(invoice.number)
        try:
            receivable = self.opter.receivable(invoice)
            lines = self.opter.line_facts(invoice, project_level=self.settings.project_level)
        except AccountCodingError as exc:
            raise ExportError.from_coding(CATALOGUE, exc) from None
        if not lines:
            raise error("cannot_send_invoice", number, "The invoice has no lines")
        original = self.opter.original(invoice, CATALOGUE)
        self.check_accounts([receivable.number, *(line.account for line in lines)])
        articles = self.sale_articles(lines, invoice.invoice_date)
        projects = self.projects(lines)
        bank_account = self.bank_account(invoice)
        client = self.client(invoice.customer)
        rows = build_rows(lines)
        mismatch = totals_mismatch(invoice, rows)
        if mismatch:
            raise error("cannot_send_invoice", number, mismatch)
        net, vat, gross = totals(rows)
        if self.export.include_pdf_copy and not (pdf and pdf.startswith(b"%PDF-")):
            raise error("invoice_file_not_generated")
        sale_invoice = self.sale_invoice(invoice, receivable, bank_account, client, rows, articles, projects)
        body = {"customer": client, "sale_invoice": sale_invoice}
        if original is not None:
            # Spec 12.4: a CREDIT-INVOICE names the confirmed original; its rows a negative amount (quantity)
            # and a positive unit price. An original found in E-Financials already (not sent by this export)
            # has no id here: the sender looks it up by number.
            sale_invoice["sale_invoice_type"] = "CREDIT-INVOICE"
            sale_invoice["credit_sale_invoices_id"] = int(original.remote_id) if original.remote_id else None
            if self.settings.credit_number == "original":
                sale_invoice["number_suffix"] = original.number
            body["credits"] = {"number": original.number, "day": original.invoice.invoice_date.isoformat()}
        payload = Payload(body=body, pdf=pdf if self.export.include_pdf_copy else None,
                          pdf_name=f"Invoice-{number}.pdf")
        payload.summary = summarize(invoice, payload, rows, (net, vat, gross), self.settings, bank_account)
        return payload

    # -- what E-Financials must hold ---------------------------------------------------------------------
    def check_accounts(self, numbers) -> None:
        numbers = sorted(set(numbers), key=str)
        missing = [n for n in numbers if self.setup.account_state(n) == "missing"]
        if missing:
            raise error("not_in_efinancials", "account", missing)
        inactive = [n for n in numbers if self.setup.account_state(n) == "inactive"]
        if inactive:
            raise error("removed_or_inactivated", "accounts", inactive)

    def sale_articles(self, lines: list[LineFacts], day) -> dict[str, dict]:
        found, missing = {}, []
        for line in lines:
            if line.code in found or line.code in missing:
                continue
            article = self.setup.sale_article(line.account, line.vat_percent, day)
            if article is None:
                missing.append(line.code)
            else:
                found[line.code] = article
        if missing:
            raise error("sale_articles_missing", missing)
        return found

    def projects(self, lines: list[LineFacts]) -> dict[str, dict]:
        found, missing, inactive = {}, [], []
        for name in sorted({line.project for line in lines if line.project}):
            state, project = self.setup.project(name)
            if state == "active":
                found[name] = project
            else:
                (missing if state == "missing" else inactive).append(name)
        if missing:
            raise error("not_in_efinancials", "project", missing)
        if inactive:
            raise error("removed_or_inactivated", "projects", inactive)
        return found

    def bank_account(self, invoice) -> dict:
        iban = self.opter.iban(invoice)
        account = self.setup.bank_account(iban)
        if account is None:
            raise error("no_bank_account", iban or "(no IBAN on the office or region)")
        return account

    # -- the buyer -----------------------------------------------------------------------------------------
    def client(self, customer) -> dict:
        """The buyer as E-Financials should hold it, and whether it is there (matched on registry code)."""
        code = (customer.corporate_id or "").strip()
        if not code:
            raise error("cannot_create_customer", customer.code,
                        "The customer has no corporate ID number in Opter")
        country = alpha3(customer.country)
        if country is None:
            raise error("cannot_create_customer", customer.code,
                        f"The country {customer.country} has no ISO 3166 three-letter code")
        existing = self.run.clients.get(code)
        if existing is None and not is_estonian_person(customer, code):
            problem = validators.corporate_id_problem(code, customer.country)
            if problem:
                raise error("cannot_create_customer", customer.code, without_final_stop(problem))
        body = client_body(customer, code, country)
        return {"opter_code": customer.code, "code": code, "client_id": existing["id"] if existing else None,
                "changes": client_changes(existing, body) if existing else [], "body": body}

    # -- the sale invoice -----------------------------------------------------------------------------------
    def sale_invoice(self, invoice, receivable, bank_account, client, rows: list[Row], articles,
                     projects) -> dict:
        product_id = self.run.product["id"] if self.run.product else None
        body = {
            "sale_invoice_type": "INVOICE",
            "cl_templates_id": self.run.template_id,
            "clients_id": client["client_id"],
            "cl_countries_id": client["body"]["cl_code_country"],
            "number_prefix": "",
            "number_suffix": str(invoice.number),
            "create_date": invoice.invoice_date.isoformat(),
            "journal_date": invoice.invoice_date.isoformat(),
            "term_days": max(0, (invoice.due_date - invoice.invoice_date).days),
            "cl_currencies_id": invoice.currency.code,
            "currency_rate": currency_rate(invoice, self.settings.currency_rate),
            "show_client_balance": False,
            "receivable_accounts_id": int(receivable.number),
            "use_per_item_rounding": False,
            "intra_community_supply": any(row.line.eu_vat for row in rows),
            "items": [self.item(row, articles, projects, product_id) for row in rows],
        }
        if invoice.customer.vat_number:
            body["client_vat_no"] = invoice.customer.vat_number
        if self.settings.send_bank_account:
            body["bank_accounts_id"] = bank_account["id"]
        return body

    @staticmethod
    def item(row: Row, articles, projects, product_id) -> dict:
        line = row.line
        quantity, unit_price = credit_quantity(line.quantity, line.unit_price, line.amount)
        item = {
            "products_id": product_id,
            "cl_sale_articles_id": articles[line.code]["id"],
            "sale_accounts_id": int(line.account),
            "custom_title": row.title,
            "amount": quantity,
            "unit_net_price": unit_price,
            "total_net_price": line.amount,
            "vat_rate": line.vat_percent,
            "vat_amount": row.vat_amount,
        }
        if line.unit:
            item["unit"] = line.unit
        if line.project:
            item["projects_project_id"] = projects[line.project]["id"]
        return item


def is_estonian_person(customer, code: str) -> bool:
    """An Estonian personal identification code (isikukood, 11 digits): a natural person, not a company."""
    return customer.country.upper() == "EE" and estonian_personal_code.is_valid(code)


def without_final_stop(text: str) -> str:
    """The catalogue's templates end the sentence themselves: "... e.g. 10137025. (Reason.)" loses its
    last full stop, inside the parenthesis or not."""
    text = text.strip()
    if text.endswith(".)"):
        return text[:-2] + ")"
    return text.rstrip(".")


def client_body(customer, code: str, country: str) -> dict:
    physical = is_estonian_person(customer, code)
    address = ", ".join(part for part in (customer.invoice_address, customer.invoice_address2,
                                          f"{customer.invoice_postal_code} {customer.invoice_city}".strip())
                        if part)
    return {
        "name": customer.name, "code": code, "cl_code_country": country,
        "cl_invoice_country": alpha3(customer.invoice_country or customer.country) or country,
        "is_client": True, "is_supplier": False, "is_juridical_entity": not physical,
        "is_physical_entity": physical,
        "is_member": False, "send_invoice_to_email": False, "send_invoice_to_accounting_email": False,
        "invoice_vat_no": customer.vat_number or None, "email": customer.invoice_email or None,
        "address_text": address or None,
    }


def client_changes(existing: dict, desired: dict) -> list[str]:
    return [name for name in CLIENT_MATCHED_FIELDS
            if (existing.get(name) or "").strip() != (desired.get(name) or "").strip()]


def currency_rate(invoice, direction: str) -> Decimal:
    """Opter's rate is euros for one unit of the invoice currency; E-Financials gets it in the direction
    the Start text names (CurrencyRate)."""
    rate = Decimal(invoice.exchange_rate or 1)
    if invoice.currency.code == "EUR" or rate == 1:
        return Decimal(1)
    if direction == "units_per_eur":
        return (Decimal(1) / rate).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def summarize(invoice, payload: Payload, rows: list[Row], amounts, settings: Settings, bank_account) -> str:
    """The preview: what would be sent, as a finance user reads it."""
    client = payload.body["customer"]
    invoice_body = payload.body["sale_invoice"]
    if client["client_id"] is None:
        buyer = "new buyer, will be created"
    elif client["changes"]:
        buyer = f"existing buyer {client['client_id']}, {' and '.join(client['changes'])} will be updated"
    else:
        buyer = f"existing buyer {client['client_id']}"
    credited = payload.body.get("credits")
    kind = (f"Credit invoice {invoice.number} for invoice {credited['number']}" if credited
            else f"Invoice {invoice.number}")
    lines = [
        f"{kind} to E-Financials: {invoice_body['create_date']}, "
        f"{invoice_body['term_days']} days, {invoice_body['cl_currencies_id']} "
        f"(rate {invoice_body['currency_rate']})",
        f"Buyer: {client['body']['name']}, registry code {client['code']} ({buyer})",
        f"Receivables account {invoice_body['receivable_accounts_id']}; bank account "
        f"{bank_account.get('iban_code') or bank_account.get('account_no')}",
    ]
    width = max(len("Product/Service"), *(len(row.title) for row in rows))
    lines.append(f"{'Code':<10} {'Product/Service':<{width}} {'Quantity':>9} {'Net':>12} {'VAT':>10}")
    for row in rows:
        lines.append(f"{row.line.code:<10} {row.title:<{width}} {row.line.quantity.normalize():>9f} "
                     f"{row.line.amount:>12} {row.vat_amount:>10}")
    net, vat, gross = amounts
    lines.append(f"Net {net}, VAT {vat}, total {gross}")
    steps = ["register" if settings.register else "leave as a draft"]
    if payload.pdf:
        steps.insert(0 if settings.attach_pdf == "before_register" else 1,
                     f"attach {payload.pdf_name} ({len(payload.pdf)} bytes)")
    lines.append("Then: " + ", ".join(steps) + ".")
    return "\n".join(lines)
