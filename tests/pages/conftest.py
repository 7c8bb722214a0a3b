"""Fixtures of the pages' tests. The plan and run pages reuse the engine's: an e-conomic export served by the
test connector, a period of three invoices, and (for the browser suite) the live server's browser and Celery
worker. The home page, the invoices list and the error pages get invoices in every export standing."""
import pytest
from django.core.cache import cache

from exports.models import ExportItem, ExportRun, ItemState, RunScope, RunStatus
from tests import factories as f
from tests.engine.conftest import fake_target, no_sleep, setup  # noqa: F401
from tests.engine.test_browser import browser_page, celery_worker_thread  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    """The plan page keeps the targets' answers briefly; every test starts without them."""
    cache.clear()
    yield
    cache.clear()



def make_run(period=None, status=RunStatus.COMPLETED, **fields) -> ExportRun:
    return ExportRun.objects.create(scope=RunScope.PERIOD if period else RunScope.INVOICES, period=period,
                                    status=status, **fields)


def make_item(run, export, invoice, state, **fields) -> ExportItem:
    return ExportItem.objects.create(run=run, export=export, invoice=invoice, state=state,
                                     is_preview=run.is_preview, **fields)


@pytest.fixture
def standings(db):
    """One open period of the office "Tallinna Veod OÜ" with an invoice in each standing, a second office's
    period named alike, and the runs that made them."""
    office = f.OfficeFactory(name="Tallinna Veod OÜ", code="TLN")
    other_office = f.OfficeFactory(name="Helsingin Rahtipalvelu Oy", code="HEL", country="FI")
    period = f.InvoicePeriodFactory(office=office, name="2026-11")
    other_period = f.InvoicePeriodFactory(office=other_office, name="2026-11")
    efinancials = f.InvoiceExportFactory(name="E-Financials (API)", type="efinancials")
    netvisor = f.InvoiceExportFactory(name="Netvisor (API)", type="netvisor")
    invoices = {name: f.invoice_with_lines(lines=1, period=period)
                for name in ("exported", "failed", "unknown", "retried", "split", "untouched", "previewed")}
    first = make_run(period, status=RunStatus.COMPLETED)
    make_item(first, efinancials, invoices["exported"], ItemState.SENT, remote_id="EF-1001")
    make_item(first, efinancials, invoices["failed"], ItemState.FAILED, last_error_message="The customer is missing.")
    make_item(first, efinancials, invoices["unknown"], ItemState.UNKNOWN)
    make_item(first, efinancials, invoices["retried"], ItemState.FAILED, last_error_message="Timed out.")
    make_item(first, efinancials, invoices["split"], ItemState.SENT, remote_id="EF-1005")
    make_item(first, netvisor, invoices["split"], ItemState.FAILED, last_error_message="No product group.")
    second = make_run(period, status=RunStatus.COMPLETED)
    make_item(second, efinancials, invoices["retried"], ItemState.SENT, remote_id="EF-1004")
    preview = make_run(period, status=RunStatus.COMPLETED, is_preview=True)
    make_item(preview, efinancials, invoices["previewed"], ItemState.PREVIEWED)
    running = make_run(other_period, status=RunStatus.RUNNING, to_export=4, exported=1)
    return {"office": office, "period": period, "other_period": other_period, "efinancials": efinancials,
            "netvisor": netvisor, "invoices": invoices, "runs": [first, second, preview, running]}
