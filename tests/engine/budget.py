"""Counting the database work of a run, in every thread: queries, and commits (explicit ones, and write
statements run in autocommit, each of which is a commit of its own)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

WRITES = ("INSERT", "UPDATE", "DELETE")
#: Transaction control (SQLite sends BEGIN through the cursor; PostgreSQL does not): not counted as queries.
CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@dataclass
class Work:
    queries: int = 0
    commits: int = 0


@contextmanager
def counted():
    work = Work()
    lock = threading.Lock()
    execute, executemany, commit = CursorWrapper.execute, CursorWrapper.executemany, BaseDatabaseWrapper.commit

    def count(cursor, sql):
        if sql.lstrip().upper().startswith(CONTROL):
            return
        with lock:
            work.queries += 1
            db = cursor.db
            if sql.lstrip().upper().startswith(WRITES) and db.get_autocommit() and not db.in_atomic_block:
                work.commits += 1

    def counting_execute(self, sql, params=None):
        count(self, sql)
        return execute(self, sql, params)

    def counting_executemany(self, sql, param_list):
        count(self, sql)
        return executemany(self, sql, param_list)

    def counting_commit(self):
        with lock:
            work.commits += 1
        return commit(self)

    CursorWrapper.execute, CursorWrapper.executemany = counting_execute, counting_executemany
    BaseDatabaseWrapper.commit = counting_commit
    try:
        yield work
    finally:
        CursorWrapper.execute, CursorWrapper.executemany, BaseDatabaseWrapper.commit = execute, executemany, commit
