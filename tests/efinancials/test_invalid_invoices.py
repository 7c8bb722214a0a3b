"""An invalid invoice is a blocking problem of the setup check and is never sent: the sandbox receives
only the valid ones, and the invalid one's item fails with what to fix."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounting.models import Invoice, InvoiceLine
from exports.models import ExportItem, ExportRun, ItemState, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from exports.services.setup_check import check_export

from .conftest import Line

pytestmark = pytest.mark.django_db


@pytest.fixture
def period_with_invalid_invoices(estonia):
    good = estonia.invoice()
    bad_amount = estonia.invoice(Line(price="141.09"))
    InvoiceLine.objects.filter(invoice=bad_amount).update(amount=Decimal("5.00"))
    bad_rate = estonia.invoice(exchange_rate=Decimal("0"))
    bad_due = estonia.invoice(day=date(2026, 11, 20))
    Invoice.objects.filter(pk=bad_due.pk).update(due_date=date(2026, 11, 1))
    negative = estonia.invoice(Line(quantity="-5", price="10.00"))
    return good, bad_amount, bad_rate, bad_due, negative


def remote_numbers(estonia) -> set[str]:
    return {invoice["number"] for invoice in estonia.efin.store.sale_invoices.values()}


def test_the_setup_check_blocks_each_invalid_invoice_by_number(estonia, period_with_invalid_invoices):
    good, bad_amount, bad_rate, bad_due, negative = period_with_invalid_invoices
    report = check_export(estonia.export, Invoice.objects.filter(period=estonia.period), remote=False)
    invalid = {p.message.split(":")[0]: p.message for p in report.blocking if p.code == "invalid_invoice"}
    assert set(invalid) == {f"Invoice {i.number}" for i in (bad_amount, bad_rate, bad_due, negative)}
    assert "the amount 5.00 is not quantity 1 x unit price 141.09 = 141.09" in invalid[f"Invoice {bad_amount.number}"]
    assert "The exchange rate 0 must be greater than 0" in invalid[f"Invoice {bad_rate.number}"]
    assert "The due date 2026-11-01 is before the invoice date 2026-11-20" in invalid[f"Invoice {bad_due.number}"]
    assert "only a credit invoice may have negative quantities" in invalid[f"Invoice {negative.number}"]
    assert not report.ok


def test_the_engine_never_sends_an_invalid_invoice(estonia, period_with_invalid_invoices):
    good, *invalid = period_with_invalid_invoices
    before = remote_numbers(estonia)
    run = plan_run(period=estonia.period, export=estonia.export)
    execute_run(run.pk)
    run.refresh_from_db()
    assert remote_numbers(estonia) - before == {str(good.number)}
    assert estonia.efin.calls.count("POST") >= 1
    assert run.status == RunStatus.FAILED and (run.exported, run.failed) == (1, 4)
    items = {item.invoice_id: item for item in ExportItem.objects.filter(run=run)}
    assert items[good.pk].state == ItemState.SENT
    for invoice in invalid:
        item = items[invoice.pk]
        assert item.state == ItemState.FAILED and item.last_error_code == "engine.invalid_invoice"
        assert item.last_error_message.startswith(f"Invoice {invoice.number} is not valid and was not sent: ")
    event = run.events.get(item=items[invalid[0].pk], code="engine.invalid_invoice")
    assert event.params == [str(invalid[0].number), "engine.invoice_line_amount", "engine.invoice_totals"]


def test_a_preview_fails_the_invalid_invoice_and_previews_the_rest(estonia, period_with_invalid_invoices):
    good, bad_amount, *_ = period_with_invalid_invoices
    run = plan_run(period=estonia.period, export=estonia.export, preview=True)
    execute_run(run.pk)
    run.refresh_from_db()
    assert (run.previewed, run.failed) == (1, 4)
    item = ExportItem.objects.get(run=run, invoice=bad_amount)
    assert "Enter 141.09 as the amount" in item.last_error_message
    assert estonia.efin.calls.count("POST") == 0


def test_the_export_invoices_page_refuses_to_send_and_names_the_invoice(client, finance_user, estonia,
                                                                        period_with_invalid_invoices):
    bad_amount = period_with_invalid_invoices[1]
    client.force_login(finance_user)
    response = client.post(reverse("exports:plan"), {"period": estonia.period.pk, "send": "1"})
    assert response.status_code == 200
    assert not ExportRun.objects.exists()
    page = response.content.decode()
    assert "The export cannot start until the problems below are fixed." in page
    assert f"Invoice {bad_amount.number}: Line 0: the amount 5.00 is not quantity 1 x unit price 141.09" in page


def test_the_setup_check_names_the_first_invalid_invoices_and_counts_the_rest(estonia, period_with_invalid_invoices,
                                                                              monkeypatch):
    monkeypatch.setattr("exports.services.setup_check.INVALID_INVOICES_LISTED", 2)
    report = check_export(estonia.export, Invoice.objects.filter(period=estonia.period), remote=False)
    invalid = [p.message for p in report.blocking if p.code == "invalid_invoice"]
    numbers = sorted(i.number for i in period_with_invalid_invoices[1:])
    assert [m.split(":")[0] for m in invalid[:2]] == [f"Invoice {n}" for n in numbers[:2]]
    assert invalid[2] == ("2 more invoices are not valid either; fix the ones above and check the setup again to "
                          "see them.")
