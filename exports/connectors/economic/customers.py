"""Customers in e-conomic: found by corporate ID (CVR) or, with "Use customer number", by the customer
number; created when missing with what the invoice knows (spec 6.1).

The run's customers are looked up once in prepare(), many at a time: corporate IDs joined with ``$or:``
(a string property takes no ``$in:``), customer numbers with ``$in:``. Several invoices of one customer
may be sent at once, so a customer is created under a lock, once; after a create whose answer was lost
the customer is looked up again before anything is created again.
"""
from __future__ import annotations

import threading

from ..base import ExportError
from ..steps import Steps
from .api import EconomicApi, Refused, chunks, escape
from .estimate import CUSTOMERS_PER_LOOKUP
from .messages import CATALOGUE

CUSTOMER = "customer"


class CustomerBook:
    def __init__(self, api: EconomicApi, by_number: bool):
        self.api = api
        self.by_number = by_number
        self.known: dict[str, dict] = {}  # key -> the customer in e-conomic
        self.looked_up: set[str] = set()  # keys whose answer (found or not) is in ``known``
        self._lock = threading.RLock()

    def key_of(self, row: dict) -> str:
        if self.by_number:
            return str(row.get("customerNumber") or "")
        return str(row.get("corporateIdentificationNumber") or "").strip()

    def look_up(self, keys) -> None:
        """Read these customers (one call per 200 numbers or 40 corporate IDs)."""
        keys = sorted({key for key in keys if key} - self.looked_up)
        if self.by_number:
            numbers = [key for key in keys if key.isdigit()]
            for part in chunks(numbers):
                self._add(self.api.collection("customers", filter=f"customerNumber$in:[{','.join(part)}]"))
        else:
            for part in chunks(keys, CUSTOMERS_PER_LOOKUP):
                wanted = "$or:".join(f"corporateIdentificationNumber$eq:{escape(key)}" for key in part)
                self._add(self.api.collection("customers", filter=wanted))
        self.looked_up |= set(keys)

    def _add(self, rows: list[dict]) -> None:
        for row in sorted(rows, key=lambda r: r.get("customerNumber") or 0, reverse=True):
            key = self.key_of(row)
            if key:
                self.known[key] = row  # the lowest customer number wins among namesakes (barred or not)

    def number_for(self, request: dict, steps: Steps) -> int:
        """The e-conomic customer number of the payload's customer, created if e-conomic has none."""
        recorded = steps.remote_id(CUSTOMER)
        if recorded:
            return int(recorded)
        key = request["key"]
        with self._lock:
            if key not in self.looked_up:
                self.look_up([key])
            found = self.known.get(key)
            if found is not None:
                return found["customerNumber"]
            try:
                created = self.api.write("POST", "customers", request["body"])
            except Refused as refused:
                raise ExportError(CATALOGUE, "cannot_create_customer", request["opter_code"], refused.refusal.detail,
                                  excerpt=refused.refusal.excerpt, status=refused.refusal.status) from None
            except ExportError as exc:
                if exc.may_have_reached_target:
                    self.looked_up.discard(key)  # it may be there now: look before creating again
                raise
            if not isinstance(created, dict) or not isinstance(created.get("customerNumber"), int):
                self.looked_up.discard(key)
                raise ExportError(CATALOGUE, "unparsable", f"POST customers: no customerNumber in {str(created)[:200]}",
                                  may_have_reached_target=True)
            self.known[key] = created
            steps.record(CUSTOMER, created["customerNumber"])
            return created["customerNumber"]
