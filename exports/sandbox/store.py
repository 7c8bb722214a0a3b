"""The in-memory books of one simulator: collections of rows by id, fresh ids, and the write log that
the _received page and the tests read. One lock guards it all (the server is threaded)."""
from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime


class Store:
    def __init__(self, **collections: list[dict]):
        self.lock = threading.RLock()
        self.writes: list[dict] = []  # every accepted write, in order
        self._next: dict[str, int] = {}
        for name, rows in collections.items():
            self.add_collection(name, rows)

    def add_collection(self, name: str, rows: list[dict], key: str = "id") -> dict:
        table = {row[key]: row for row in rows}
        setattr(self, name, table)
        numeric = [k for k in table if isinstance(k, int)]
        self._next[name] = max(numeric, default=0) + 1
        return table

    def new_id(self, collection: str) -> int:
        with self.lock:
            value = self._next.setdefault(collection, 1)
            self._next[collection] = value + 1
            return value

    def log_write(self, method: str, path: str, object_id, summary: str) -> None:
        self.writes.append({"at": datetime.now(UTC).isoformat(timespec="milliseconds"), "method": method,
                            "path": path, "id": object_id, "summary": summary})

    def snapshot(self, collection: str) -> list[dict]:
        with self.lock:
            return copy.deepcopy(list(getattr(self, collection).values()))


def page_by_number(rows: list, page: int, size: int) -> tuple[list, int]:
    """Rows of page ``page`` (1-based) of ``size``, and the number of pages (at least 1)."""
    size = max(1, size)
    total_pages = max(1, -(-len(rows) // size))
    return rows[(page - 1) * size: page * size], total_pages


def page_after(rows: list[dict], previous_id, size: int, key: str = "id") -> list[dict]:
    """Cursor pagination: up to ``size`` rows whose key comes after ``previous_id`` (None = from the start)."""
    ordered = sorted(rows, key=lambda row: row[key])
    if previous_id is not None:
        ordered = [row for row in ordered if row[key] > previous_id]
    return ordered[:max(1, size)]
