"""The Opter side of one run, loaded in prepare() so that build() never queries the database:
invoice lines with their VAT rates and economic units, account coding, and the IBAN per invoice."""
from __future__ import annotations

from collections import defaultdict

from accounting.models import Invoice, InvoiceLine
from accounting.services.coding import AccountCodingError, SalesAccountResolver, receivable_account
from accounting.services.payment import payment_iban


def period_label(invoice: Invoice) -> str:
    """How the account-coding messages name the period: the invoice period, else the invoice date."""
    return invoice.period.name if invoice.period_id else invoice.invoice_date.isoformat()


class OpterData:
    def __init__(self):
        self._lines: dict[int, list[InvoiceLine]] = {}
        self._resolvers: dict[str, SalesAccountResolver] = {}
        self._customers: set[int] = set()
        self._receivable: dict[tuple, object] = {}
        self._iban: dict[tuple, str] = {}

    def load(self, invoices: list[Invoice]) -> None:
        ids = [invoice.pk for invoice in invoices if invoice.pk not in self._lines]
        grouped = defaultdict(list)
        lines = (InvoiceLine.objects.filter(invoice_id__in=ids)
                 .select_related("vat_rate", "account").prefetch_related("economic_units")
                 .order_by("invoice_id", "position", "id"))
        for line in lines:
            grouped[line.invoice_id].append(line)
        for invoice_id in ids:
            self._lines[invoice_id] = grouped.get(invoice_id, [])
        new_customers = {invoice.customer_id for invoice in invoices} - self._customers
        if new_customers:
            # The resolvers hold the customers' sales accounts: rebuild them when new customers appear.
            self._customers |= new_customers
            self._resolvers.clear()

    def lines_of(self, invoice: Invoice) -> list[InvoiceLine]:
        if invoice.pk not in self._lines:
            self.load([invoice])
        return self._lines[invoice.pk]

    def sales_account(self, invoice: Invoice, line: InvoiceLine):
        """Raises AccountCodingError ("no_sales_account")."""
        if invoice.customer_id not in self._customers:
            self.load([invoice])
        label = period_label(invoice)
        if label not in self._resolvers:
            self._resolvers[label] = SalesAccountResolver(label, self._customers)
        return self._resolvers[label].account_for(line, invoice.customer_id)

    def receivable(self, invoice: Invoice):
        """The accounts receivable account (e.g. 1210); raises AccountCodingError."""
        key = (period_label(invoice), invoice.invoice_date)
        if key not in self._receivable:
            try:
                self._receivable[key] = receivable_account(*key)
            except AccountCodingError as exc:
                self._receivable[key] = exc
        found = self._receivable[key]
        if isinstance(found, AccountCodingError):
            raise found
        return found

    def iban(self, invoice: Invoice) -> str:
        key = (invoice.office_id, invoice.region_id)
        if key not in self._iban:
            self._iban[key] = payment_iban(invoice)
        return self._iban[key]
