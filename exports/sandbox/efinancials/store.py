"""The in-memory books of one e-Financials sandbox, guarded by one lock."""
from __future__ import annotations

from ..store import Store as BaseStore
from . import company
from .auth import ApiKey


class Store(BaseStore):
    def __init__(self):
        super().__init__(
            accounts=company.accounts(), account_dimensions=company.account_dimensions(),
            sale_articles=company.sale_articles(), projects=company.projects(),
            bank_accounts=company.bank_accounts(), currencies=company.currencies(), templates=company.templates(),
            invoice_series=company.invoice_series(), products=company.products(), clients=company.clients(),
            sale_invoices=company.sale_invoices())
        self.keys: dict[str, ApiKey] = {key.public_value: key for key in company.API_KEYS}
        self.company = dict(company.COMPANY)
        self.documents: dict[int, dict] = {}  # sale invoice id -> {"name", "contents" (bytes), "uploaded_at"}
        item_ids = (item["id"] for invoice in self.sale_invoices.values() for item in invoice["items"])
        self._next["items"] = 1 + max(item_ids, default=0)

    def add_api_key(self, key_id: str, public_value: str, password: str) -> None:
        with self.lock:
            self.keys[public_value] = ApiKey(key_id, public_value, password)
