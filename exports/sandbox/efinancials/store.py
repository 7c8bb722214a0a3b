"""The in-memory books of one e-Financials sandbox, guarded by one lock."""
from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime

from . import company
from .auth import ApiKey


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.keys: dict[str, ApiKey] = {key.public_value: key for key in company.API_KEYS}
        self.company = dict(company.COMPANY)
        self.accounts = _by_id(company.accounts())
        self.account_dimensions = _by_id(company.account_dimensions())
        self.sale_articles = _by_id(company.sale_articles())
        self.projects = _by_id(company.projects())
        self.bank_accounts = _by_id(company.bank_accounts())
        self.currencies = _by_id(company.currencies())
        self.templates = _by_id(company.templates())
        self.invoice_series = _by_id(company.invoice_series())
        self.products = _by_id(company.products())
        self.clients = _by_id(company.clients())
        self.sale_invoices = _by_id(company.sale_invoices())
        self.documents: dict[int, dict] = {}  # sale invoice id -> {"name", "contents" (bytes), "uploaded_at"}
        self.writes: list[dict] = []  # every accepted write, in order, for the received view
        self._next = {name: max(getattr(self, name), default=0) + 1
                      for name in ("clients", "products", "sale_invoices", "projects", "sale_articles")}
        item_ids = (item["id"] for invoice in self.sale_invoices.values() for item in invoice["items"])
        self._next["items"] = 1 + max(item_ids, default=0)

    def add_api_key(self, key_id: str, public_value: str, password: str) -> None:
        with self.lock:
            self.keys[public_value] = ApiKey(key_id, public_value, password)

    def new_id(self, collection: str) -> int:
        with self.lock:
            value = self._next[collection]
            self._next[collection] += 1
            return value

    def log_write(self, method: str, path: str, object_id: int | None, summary: str) -> None:
        self.writes.append({"at": datetime.now(UTC).isoformat(timespec="milliseconds"), "method": method,
                            "path": path, "id": object_id, "summary": summary})

    def snapshot(self, collection: str) -> list[dict]:
        with self.lock:
            return copy.deepcopy(list(getattr(self, collection).values()))


def _by_id(rows: list[dict]) -> dict:
    return {row["id"]: row for row in rows}
