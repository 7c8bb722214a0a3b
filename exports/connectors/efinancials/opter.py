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
        self._resolvers: dict[str, tuple[frozenset, SalesAccountResolver]] = {}
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
        # The resolvers hold these customers' sales accounts; they are rebuilt when new customers appear.
        self._customers |= {invoice.customer_id for invoice in invoices}

    def lines_of(self, invoice: Invoice) -> list[InvoiceLine]:
        if invoice.pk not in self._lines:
            self.load([invoice])
        return self._lines[invoice.pk]

    def sales_account(self, invoice: Invoice, line: InvoiceLine):
        """Raises AccountCodingError ("no_sales_account")."""
        if invoice.customer_id not in self._customers:
            self.load([invoice])
        return self._resolver(period_label(invoice)).account_for(line, invoice.customer_id)

    def sales_account_for(self, label: str, customer_id: int, vat_rate_id: int, account_id: int | None):
        """The same, from ids (the setup check reads distinct combinations, not lines)."""
        self.add_customers([customer_id])
        return self._resolver(label).resolve(vat_rate_id=vat_rate_id, customer_id=customer_id,
                                             account_id=account_id)

    def vat_rate(self, label: str, vat_rate_id: int):
        return self._resolver(label).vat_rate(vat_rate_id)

    def add_customers(self, customer_ids) -> None:
        self._customers |= set(customer_ids)

    def _resolver(self, label: str) -> SalesAccountResolver:
        known, resolver = self._resolvers.get(label, (frozenset(), None))
        if resolver is None or not self._customers <= known:
            known = frozenset(self._customers)
            resolver = SalesAccountResolver(label, known)
            self._resolvers[label] = (known, resolver)
        return resolver

    def receivable(self, invoice: Invoice):
        """The accounts receivable account (e.g. 1210); raises AccountCodingError."""
        return self.receivable_on(period_label(invoice), invoice.invoice_date)

    def receivable_on(self, label: str, day):
        key = (label, day)
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
