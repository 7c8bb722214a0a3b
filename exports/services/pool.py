"""A few threads that send invoices of one export side by side (the target's "parallel calls").

Threads, not Celery subtasks: the invoices of one export share what prepare() fetched (buyers, products,
dimensions) and the export's lease, and a subtask per invoice would fetch them again and fight over the
lease. Each thread has its own database connection (Django gives each thread one) and closes it when the
pool ends. One invoice is always handled by one thread, so its calls stay in order.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from django.db import connection


class Pool:
    def __init__(self, size: int, work: Callable, tick: Callable[[], None]):
        self._queue: queue.Queue = queue.Queue(maxsize=size * 2)
        self._work = work
        self._tick = tick
        self._errors: list[BaseException] = []
        self._threads = [threading.Thread(target=self._loop, name=f"export-sender-{n}", daemon=True)
                         for n in range(size)]
        for thread in self._threads:
            thread.start()

    def _loop(self) -> None:
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                try:
                    if not self._errors:
                        self._work(job)
                except BaseException as exc:  # handed to the caller in join(); nothing is lost silently
                    self._errors.append(exc)
                finally:
                    self._queue.task_done()
        finally:
            connection.close()

    def submit(self, job) -> None:
        while True:
            try:
                self._queue.put(job, timeout=1.0)
                return
            except queue.Full:
                self._tick()

    def join(self) -> None:
        """Wait for every job, ticking the heartbeat meanwhile; re-raise the first error of a thread."""
        for _ in self._threads:
            self.submit(None)
        for thread in self._threads:
            while thread.is_alive():
                thread.join(timeout=1.0)
                self._tick()
        if self._errors:
            raise self._errors[0]


def run_all(jobs, work: Callable, size: int, tick: Callable[[], None], stop: threading.Event) -> None:
    """``work(job)`` for every job, ``size`` at a time (in this thread when size is 1)."""
    if size <= 1:
        for job in jobs:
            if stop.is_set():
                return
            tick()
            work(job)
        return
    pool = Pool(size, work, tick)
    try:
        for job in jobs:
            if stop.is_set():
                break
            pool.submit(job)
    finally:
        pool.join()
