"""The Opter side of a run, loaded a chunk at a time so that build() never queries the database and
memory stays flat however large the period: invoice lines with their VAT rates and economic units,
account coding (receivables and sales accounts), the IBAN an invoice is paid to, and the originals of the
credit invoices as the export sent them (exports.connectors.credits).

The engine calls ``Connector.prefetch(chunk)`` before it builds the invoices of a chunk; the kit's
connectors hand that to ``OpterData.load``, which replaces the previous chunk.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict

from accounting.models import Invoice, InvoiceLine
from accounting.services.coding import AccountCodingError, ReceivableResolver, SalesAccountResolver
from accounting.services.payment import payment_iban

from .credits import Original, Originals
from .facts import period_label as label_of
from .rows import LineFacts


def period_label(invoice: Invoice) -> str:
    """How the account-coding messages name the period: the invoice period, else the invoice date."""
    return label_of(invoice.period.name if invoice.period_id else None, invoice.invoice_date)


class OpterData:
    def __init__(self, export=None):
        self._originals = Originals(export) if export is not None else None
        self._lines: dict[int, list[InvoiceLine]] = {}
        self._resolvers: dict[str, tuple[frozenset, SalesAccountResolver]] = {}
        self._customers: set[int] = set()
        self._receivable: dict[tuple, object] = {}
        self._receivables: ReceivableResolver | None = None
        self._iban: dict[tuple, str] = {}

    def load(self, invoices) -> None:
        """The lines of these invoices (one chunk), in one query; the previous chunk's are dropped."""
        invoices = list(invoices)
        ids = [invoice.pk for invoice in invoices]
        grouped = defaultdict(list)
        lines = (InvoiceLine.objects.filter(invoice_id__in=ids)
                 .select_related("vat_rate", "account").prefetch_related("economic_units")
                 .order_by("invoice_id", "position", "id"))
        for line in lines:
            grouped[line.invoice_id].append(line)
        self._lines = {invoice_id: grouped.get(invoice_id, []) for invoice_id in ids}
        # The resolvers hold these customers' sales accounts; they are rebuilt when new customers appear.
        self._customers |= {invoice.customer_id for invoice in invoices}
        # Everything else build() asks for, read now, once per distinct value: build() stays query-free.
        for invoice in invoices:
            self._resolver(period_label(invoice))
            self.iban(invoice)
            with contextlib.suppress(AccountCodingError):
                self.receivable(invoice)
        if self._originals is not None:
            self._originals.load(invoices)

    def original(self, invoice: Invoice, catalogue) -> Original | None:
        """The invoice a credit invoice credits, as this export sent it (None for an ordinary invoice);
        raises the catalogue's ``credit_original_not_exported`` when the export has not exported it."""
        if not invoice.credited_invoice_id:
            return None
        if self._originals is None:
            raise RuntimeError("OpterData(export) is needed for credit invoices.")
        return self._originals.of(invoice, catalogue)

    def lines_of(self, invoice: Invoice) -> list[InvoiceLine]:
        if invoice.pk not in self._lines:
            self.load([invoice])
        return self._lines[invoice.pk]

    def line_facts(self, invoice: Invoice, *, project_level: int | None = None) -> list[LineFacts]:
        """The invoice's lines with their sales accounts; raises AccountCodingError."""
        facts = []
        for line in self.lines_of(invoice):
            account = self.sales_account(invoice, line)
            units = tuple(sorted((unit.level, unit.code, unit.name) for unit in line.economic_units.all()))
            project = next((name for level, _, name in units if level == project_level), None)
            facts.append(LineFacts(
                order_number=line.order_number, sender_reference=line.sender_reference,
                receiver_reference=line.receiver_reference, item_name=line.item_name, quantity=line.quantity,
                unit=line.unit, unit_price=line.unit_price, amount=line.amount, account=account.number,
                vat_percent=line.vat_rate.percentage, vat_label=line.vat_rate.percentage_label,
                eu_vat=line.vat_rate.is_eu_vat, project=project, vat_rate_id=line.vat_rate_id,
                economic_units=units))
        return facts

    def sales_account(self, invoice: Invoice, line: InvoiceLine):
        """Raises AccountCodingError ("no_sales_account")."""
        if invoice.customer_id not in self._customers:
            self.add_customers([invoice.customer_id])
        return self._resolver(period_label(invoice)).account_for(line, invoice.customer_id)

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
        key = (period_label(invoice), invoice.invoice_date)
        if key not in self._receivable:
            if self._receivables is None:
                self._receivables = ReceivableResolver()
            try:
                self._receivable[key] = self._receivables.resolve(*key)
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
